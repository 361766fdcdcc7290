/**
 * 10-class 1-D signals: test accuracy of logistic regression, the MLP and the 1-D CNN with the configurations the CLI
 * uses when only `--model` is given (resolveConfig: the multi-class MLP and the CNN preset stop on validation
 * accuracy). The published MNIST-1D figures (Greydanus 2020) are ≈ 32 % / 68 % / 94 %.
 *
 *   trainSignals.ts [ROWS=8000] [SEEDS=2]          MNIST-1D-style signals from src/engine/synth/signals.ts (not tuned
 *                                                  to hit those figures), seeded 60/20/20 split
 *   trainSignals.ts --data FILE [--split-column NAME] [--seeds K]
 *                                                  any labelled CSV/.npy, e.g. the real MNIST-1D with its own split
 */
import { parseArgs } from 'node:util';
import type { Dataset } from '../../src/engine/dataset';
import { loadDataset } from '../../src/engine/io/load';
import { generateSignals } from '../../src/engine/synth/signals';
import { datasetFromColumns } from '../../src/engine/tasks/trainFile';
import { resolveConfig } from '../../src/engine/train/presets';
import { trainDataset } from '../../src/engine/train/train';
import type { ModelKind } from '../../src/engine/train/types';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { data: { type: 'string' }, 'split-column': { type: 'string' }, seeds: { type: 'string' } } });
  let data: Dataset;
  let seeds: number;
  let what: string;
  if (values.data) {
    data = await loadDataset(values.data, {});
    seeds = Number(values.seeds ?? 1);
    what = `${values.data}: ${data.rows} rows, ${values['split-column'] ? `split column "${values['split-column']}"` : 'seeded 60/20/20 split'}`;
  } else {
    const rows = Number(positionals[0] ?? 8000);
    seeds = Number(positionals[1] ?? values.seeds ?? 2);
    const g = generateSignals({ rows, seed: 1 });
    data = datasetFromColumns({ names: g.names, columns: g.columns, labels: g.labels, classes: Array.from({ length: 10 }, (_, k) => String(k)) });
    what = `generated signals: ${rows} rows (60/20/20)`;
  }
  console.log(`[signals] ${what}, ${data.label?.classes.length} classes, seeds 1..${seeds}`);
  for (const model of ['logreg', 'mlp', 'cnn1d'] as ModelKind[]) {
    const accs: number[] = [];
    let info = '';
    const t0 = performance.now();
    for (let seed = 1; seed <= seeds; seed++) {
      const { config, reason } = resolveConfig(data, { overrides: { model, seed, splitColumn: values['split-column'] } });
      const { report } = await trainDataset(data, config);
      accs.push(report.test.accuracy);
      info = `${reason}; ${report.backend}, ${report.epochsRun} epochs (best ${report.bestEpoch}), ${report.msPerEpoch.toFixed(0)} ms/epoch`;
    }
    const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
    console.log(`  ${model}: test accuracy ${mean.toFixed(4)} (${accs.map((a) => a.toFixed(4)).join(', ')}) — ${((performance.now() - t0) / 1000).toFixed(0)} s; last run: ${info}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

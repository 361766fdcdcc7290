/**
 * MNIST-1D-style signals (src/engine/synth/signals.ts; 40 samples, 10 classes): test accuracy of logistic regression,
 * the MLP (100-100 ReLU, MNIST-1D's MLP baseline) and the 1-D CNN preset (3 × conv(25, k5, s2) + linear), each with
 * early stopping on validation loss. The published MNIST-1D figures (Greydanus 2020) are ≈ 32 % / 65 % / 94 %; the
 * generator is not tuned to hit them. usage: trainSignals.ts [ROWS=8000] [SEEDS=2] [EPOCHS=60]
 */
import { datasetFromColumns } from '../../src/engine/train/job';
import { CNN_PRESET, DEFAULT_CONFIG } from '../../src/engine/train/presets';
import { trainDataset } from '../../src/engine/train/train';
import type { TrainConfig } from '../../src/engine/train/types';
import { generateSignals } from '../../src/engine/synth/signals';

async function main(): Promise<void> {
  const [rowsText, seedsText, epochsText] = process.argv.slice(2);
  const rows = Number(rowsText ?? 8000);
  const seeds = Number(seedsText ?? 2);
  const epochs = Number(epochsText ?? 60);
  const g = generateSignals({ rows, seed: 1 });
  const data = datasetFromColumns({ kind: 'train', data: { names: g.names, columns: g.columns, labels: g.labels, classes: Array.from({ length: 10 }, (_, k) => String(k)) } });
  const models: [string, Partial<TrainConfig>][] = [
    ['logistic regression', { model: 'logreg', optimizer: 'adam', learningRate: 0.01, batchSize: 100, patience: 15 }],
    ['MLP 100-100 ReLU', { model: 'mlp', hidden: [100, 100], activation: 'relu', dropout: [0, 0], optimizer: 'adam', learningRate: 0.001, batchSize: 100, patience: 15 }],
    ['1-D CNN', { ...CNN_PRESET, patience: 15 }],
  ];
  console.log(`[signals] ${rows} rows (60/20/20), 10 classes, ≤ ${epochs} epochs, seeds 1..${seeds}`);
  for (const [name, over] of models) {
    const accs: number[] = [];
    let info = '';
    const t0 = performance.now();
    for (let seed = 1; seed <= seeds; seed++) {
      const { report } = await trainDataset(data, { ...DEFAULT_CONFIG, ...over, epochs, seed });
      accs.push(report.test.accuracy);
      info = `${report.backend}, ${report.epochsRun} epochs (best ${report.bestEpoch}), ${report.msPerEpoch.toFixed(0)} ms/epoch`;
    }
    const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
    console.log(`  ${name}: test accuracy ${mean.toFixed(4)} (${accs.map((a) => a.toFixed(4)).join(', ')}) — last run ${info}; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

/**
 * Histogram gradient boosting with the WebAssembly histogram builder against the JavaScript one, in the same run:
 *
 *   node --import tsx test/bench/gbdtHist.ts [--runs N]
 *
 * Each table gets the baselines' own recipe: 5-fold plan and per-fold bins with seed 42, fold f fitted by fitGbdt with
 * createRng(42 + f) (src/engine/parallel/foldTasks.ts), so early stopping 'auto' behaves as in an analysis. A
 * repetition is the five fold fits; JS and WASM alternate (the order flips every repetition) after one warm-up of
 * each, and the medians and their ratio are printed. The two paths must give the same predictions bit for bit
 * (checked once per table).
 *
 * Tables: scikit-learn's digits (1,797 × 64, 10 classes) and the spambase table (4,601 × 57, binary) from the battery
 * folder (/tmp/kryptonite-battery, see test/bench/battery/README.md). Digits is exported with Debian's python3 +
 * scikit-learn into the temp folder when the battery is absent; spam is skipped with a message then.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binFolds } from '../../src/engine/models/baselines';
import { planFolds } from '../../src/engine/models/crossValidation';
import { fitGbdt, predictGbdt } from '../../src/engine/models/gbdt';
import type { GbdtModel } from '../../src/engine/models/gbdt';
import type { BinnedMatrix } from '../../src/engine/models/binning';
import type { FoldPlan } from '../../src/engine/models/crossValidation';
import type { ModelFeature, ModelInput } from '../../src/engine/models/types';
import { createRng } from '../../src/engine/random';

const BATTERY = process.env.KRYPTONITE_BATTERY_DIR ?? '/tmp/kryptonite-battery';
const DIR = join(process.env.KRYPTONITE_BENCH_DIR ?? tmpdir(), 'kryptonite-gbdt-bench');
const SEED = 42;
const RUNS = Number(argValue('--runs') ?? process.env.KRYPTONITE_BENCH_RUNS ?? 5);

type Kernel = 'js' | 'wasm';

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A numeric CSV with one label column (numbers or quoted strings, coded in sorted order). */
function readTable(file: string, label: string): ModelInput {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const unquote = (s: string): string => s.trim().replace(/^"(.*)"$/, '$1');
  const header = lines[0].split(',').map(unquote);
  const at = header.indexOf(label);
  if (at < 0) throw new Error(`${file}: no column ${label}`);
  const rows = lines.length - 1;
  const cells = lines.slice(1).map((line) => line.split(',').map(unquote));
  const levels = [...new Set(cells.map((c) => c[at]))].sort((a, b) => (Number(a) - Number(b)) || a.localeCompare(b));
  const features: ModelFeature[] = [];
  header.forEach((name, j) => {
    if (j !== at) features.push({ name, kind: 'numeric', values: Float32Array.from(cells, (c) => (c[j] === '' ? NaN : Number(c[j]))) });
  });
  const classes = levels.length;
  const values = Float64Array.from(cells, (c) => levels.indexOf(c[at]));
  return { rows, features, target: { task: classes === 2 ? 'binary' : 'multiclass', values, classes } };
}

/** The battery's digits, or scikit-learn's load_digits exported once into the temp folder. */
function digitsFile(): string | null {
  const battery = join(BATTERY, 'sklearn_digits.csv');
  if (existsSync(battery)) return battery;
  const file = join(DIR, 'sklearn_digits.csv');
  if (existsSync(file)) return file;
  mkdirSync(DIR, { recursive: true });
  const script = `from sklearn.datasets import load_digits\nd = load_digits(as_frame=True)\nd.frame.to_csv(${JSON.stringify(file)}, index=False)\n`;
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`digits: skipped (no battery and /usr/bin/python3 with scikit-learn failed: ${(r.stderr || String(r.error)).trim()})`);
    return null;
  }
  return file;
}

function fitFolds(input: ModelInput, plan: FoldPlan, binned: readonly BinnedMatrix[], kernel: Kernel): GbdtModel[] {
  return plan.folds.map((fold, f) =>
    fitGbdt(binned[f], input.target, fold.train, { rng: createRng(SEED + f), histogramKernel: kernel }),
  );
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function bench(name: string, input: ModelInput): { js: number; wasm: number } {
  const plan = planFolds(input.target, SEED);
  const binned = binFolds(input, plan, SEED);
  // Warm-up, and the bit-for-bit check of the two paths.
  const js = fitFolds(input, plan, binned, 'js');
  const wasm = fitFolds(input, plan, binned, 'wasm');
  plan.folds.forEach((fold, f) => {
    if (!sameBits(predictGbdt(js[f], binned[f], fold.test), predictGbdt(wasm[f], binned[f], fold.test))) {
      throw new Error(`${name} fold ${f}: the WebAssembly and JavaScript builders disagree`);
    }
  });
  const trees = js.reduce((sum, m) => sum + m.trees.length, 0);
  const times: Record<Kernel, number[]> = { js: [], wasm: [] };
  for (let run = 0; run < RUNS; run++) {
    const order: Kernel[] = run % 2 === 0 ? ['js', 'wasm'] : ['wasm', 'js'];
    for (const kernel of order) {
      const t = performance.now();
      fitFolds(input, plan, binned, kernel);
      times[kernel].push(performance.now() - t);
    }
  }
  const mJs = median(times.js);
  const mWasm = median(times.wasm);
  const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(' ');
  console.log(
    `${name} (${input.rows} × ${input.features.length}, ${input.target.classes} classes, ${plan.description}, ${trees} trees over 5 folds)\n` +
      `  JS   median ${mJs.toFixed(0)} ms  [${fmt(times.js)}]\n` +
      `  WASM median ${mWasm.toFixed(0)} ms  [${fmt(times.wasm)}]\n` +
      `  JS / WASM = ${(mJs / mWasm).toFixed(2)}×, identical predictions`,
  );
  return { js: mJs, wasm: mWasm };
}

function main(): void {
  console.log(`fitGbdt, 5-fold, JS vs WebAssembly histogram builder — node ${process.version}, ${RUNS} runs each after a warm-up, medians`);
  const digits = digitsFile();
  if (digits) bench('digits', readTable(digits, 'target'));
  const spam = join(BATTERY, 'spam.csv');
  if (existsSync(spam)) bench('spam', readTable(spam, 'type'));
  else console.log(`spam: skipped (${spam} missing; see test/bench/battery/README.md)`);
}

main();

/**
 * Learnability baselines against scikit-learn 1.2 on the same tables, in the same run:
 *
 *   node --import tsx test/bench/modelsVsSklearn.ts
 *
 * Tables: scikit-learn's bundled ones (breast cancer, iris, wine, digits, diabetes, Boston housing) exported to CSV
 * by modelsVsSklearn.py, and generated ones with categorical columns and missing cells (informative and not), an XOR
 * table and a 30,000-row table that takes the hold-out path and early stopping. Everything is written under
 * /tmp/kryptonite-models-bench (KRYPTONITE_BENCH_DIR overrides the parent folder).
 *
 * For each table it prints our out-of-fold score of the linear model and of gradient boosting next to scikit-learn's
 * 5-fold `cross_val_score` of LogisticRegression / Ridge (in a StandardScaler pipeline) and HistGradientBoosting*,
 * the difference of the best of each, and the time each side took (ours: 5 fits, or 1 on the hold-out path).
 * Then the raw boosting speed: 100 iterations on 5,000 × 30 (binary), fastest of 5 fits on each side.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeBaselines } from '../../src/engine/models/baselines';
import { binFeatures } from '../../src/engine/models/binning';
import { fitGbdt } from '../../src/engine/models/gbdt';
import type { ModelFeature, ModelInput, Task } from '../../src/engine/models/types';
import { createRng } from '../../src/engine/random';
import type { Rng } from '../../src/engine/random';

const DIR = join(process.env.KRYPTONITE_BENCH_DIR ?? tmpdir(), 'kryptonite-models-bench');
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'modelsVsSklearn.py');

interface Meta {
  readonly task: Task;
  readonly classes: number;
  readonly categorical: string[];
}

interface Table {
  readonly name: string;
  readonly header: string[];
  readonly columns: number[][];
  readonly meta: Meta;
}

function writeTable(table: Table): void {
  const n = table.columns[0].length;
  const lines = [table.header.join(',')];
  for (let i = 0; i < n; i++) lines.push(table.columns.map((c) => (Number.isNaN(c[i]) ? '' : String(c[i]))).join(','));
  writeFileSync(join(DIR, `${table.name}.csv`), lines.join('\n') + '\n');
  writeFileSync(join(DIR, `${table.name}.json`), JSON.stringify(table.meta));
}

function readInput(name: string): { input: ModelInput; meta: Meta } {
  const meta = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Meta;
  const lines = readFileSync(join(DIR, `${name}.csv`), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const rows = lines.length - 1;
  const cells = header.map(() => new Float64Array(rows));
  for (let i = 0; i < rows; i++) {
    const parts = lines[i + 1].split(',');
    for (let j = 0; j < header.length; j++) cells[j][i] = parts[j] === '' ? NaN : Number(parts[j]);
  }
  const features: ModelFeature[] = [];
  let target = new Float64Array(rows);
  header.forEach((h, j) => {
    if (h === 'target') {
      target = cells[j];
      return;
    }
    const values = Float32Array.from(cells[j]);
    if (meta.categorical.includes(h)) {
      let levels = 0;
      for (const v of values) if (v + 1 > levels) levels = v + 1;
      features.push({ name: h, kind: 'categorical', values, levels });
    } else {
      features.push({ name: h, kind: 'numeric', values });
    }
  });
  return { input: { rows, features, target: { task: meta.task, values: target, classes: meta.classes } }, meta };
}

// ------------------------------------------------------------------------------------------- generated tables

function normals(n: number, rng: Rng): number[] {
  return Array.from({ length: n }, () => rng.normal());
}

function codes(n: number, levels: number, rng: Rng): number[] {
  return Array.from({ length: n }, () => rng.int(levels));
}

function withMissing(values: number[], rate: number, rng: Rng): number[] {
  return values.map((v) => (rng.next() < rate ? NaN : v));
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Binary: numeric signal, a 10-level categorical effect, random and informative missing cells. */
function catNaBinary(n: number, seed: number, name: string): Table {
  const rng = createRng(seed);
  const x = [0, 1, 2, 3, 4, 5].map(() => normals(n, rng));
  const c0 = codes(n, 10, rng);
  const c1 = codes(n, 4, rng);
  const effect = [-1.5, -1, -0.5, 0, 0, 0.3, 0.6, 1, 1.4, 2];
  const y = x[0].map((_, i) => {
    const z = 1.2 * x[0][i] - 0.8 * x[1][i] + 0.7 * Math.sin(2 * x[2][i]) + effect[c0[i]] + (x[3][i] > 1 ? 1.5 : 0);
    return rng.next() < sigmoid(z) ? 1 : 0;
  });
  // x3 is missing exactly when it is large: the missingness itself carries the +1.5.
  const x3 = x[3].map((v) => (v > 1 ? NaN : v));
  return {
    name,
    header: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'c0', 'c1', 'target'],
    columns: [x[0], withMissing(x[1], 0.15, rng), x[2], x3, x[4], withMissing(x[5], 0.3, rng), c0, withMissing(c1, 0.05, rng), y],
    meta: { task: 'binary', classes: 2, categorical: ['c0', 'c1'] },
  };
}

/** Five classes from a softmax over numeric and categorical effects, plus one interaction. */
function catMulticlass(n: number, seed: number): Table {
  const rng = createRng(seed);
  const K = 5;
  const x = [0, 1, 2, 3, 4, 5, 6, 7].map(() => normals(n, rng));
  const c0 = codes(n, 12, rng);
  const c1 = codes(n, 3, rng);
  const w = Array.from({ length: K }, () => Array.from({ length: 8 }, () => rng.normal() * 0.8));
  const catEffect = Array.from({ length: K }, () => Array.from({ length: 12 }, () => rng.normal()));
  const y = x[0].map((_, i) => {
    const z = w.map((wk, k) => wk.reduce((s, v, j) => s + v * x[j][i], 0) + catEffect[k][c0[i]] + (k === 2 ? 1.5 * x[0][i] * x[1][i] : 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const total = e.reduce((a, b) => a + b, 0);
    let u = rng.next() * total;
    for (let k = 0; k < K; k++) {
      u -= e[k];
      if (u <= 0) return k;
    }
    return K - 1;
  });
  return {
    name: 'gen_multiclass_cat',
    header: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'c0', 'c1', 'target'],
    columns: [...x.map((v, j) => (j === 4 ? withMissing(v, 0.1, rng) : v)), c0, withMissing(c1, 0.1, rng), y],
    meta: { task: 'multiclass', classes: K, categorical: ['c0', 'c1'] },
  };
}

/** Regression: nonlinear numeric signal, a categorical offset, missing cells. */
function catNaRegression(n: number, seed: number): Table {
  const rng = createRng(seed);
  const x = [0, 1, 2, 3, 4].map(() => normals(n, rng));
  const c0 = codes(n, 8, rng);
  const offset = [0, 2, -1, 0.5, 3, -2, 1, 0];
  const y = x[0].map((_, i) => 2 * x[0][i] + x[1][i] ** 2 - 1.5 * Math.abs(x[2][i]) + offset[c0[i]] + rng.normal());
  return {
    name: 'gen_regression_cat_na',
    header: ['x0', 'x1', 'x2', 'x3', 'x4', 'c0', 'target'],
    columns: [withMissing(x[0], 0.1, rng), x[1], withMissing(x[2], 0.2, rng), x[3], x[4], withMissing(c0, 0.05, rng), y],
    meta: { task: 'regression', classes: 0, categorical: ['c0'] },
  };
}

/** XOR of the signs of two features among six: invisible to a linear model. */
function xor(n: number, seed: number): Table {
  const rng = createRng(seed);
  const x = [0, 1, 2, 3, 4, 5].map(() => normals(n, rng));
  const y = x[0].map((_, i) => ((x[0][i] > 0) !== (x[1][i] > 0) ? (rng.next() < 0.95 ? 1 : 0) : rng.next() < 0.05 ? 1 : 0));
  return {
    name: 'gen_xor',
    header: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'target'],
    columns: [...x, y],
    meta: { task: 'binary', classes: 2, categorical: [] },
  };
}

/** Many classes: 19, from a noisy argmax of random linear scores of five of twenty features. */
function manyClasses(n: number, seed: number): Table {
  const rng = createRng(seed);
  const K = 19;
  const x = Array.from({ length: 20 }, () => normals(n, rng));
  const w = Array.from({ length: K }, () => Array.from({ length: 5 }, () => rng.normal()));
  const y = x[0].map((_, i) => {
    let best = 0;
    let top = -Infinity;
    for (let k = 0; k < K; k++) {
      const z = w[k].reduce((s, v, j) => s + v * x[j][i], 0) + 0.5 * rng.normal();
      if (z > top) {
        top = z;
        best = k;
      }
    }
    return best;
  });
  return {
    name: 'gen_19_classes',
    header: [...x.map((_, j) => `x${j}`), 'target'],
    columns: [...x, y],
    meta: { task: 'multiclass', classes: K, categorical: [] },
  };
}

/** The speed benchmark table: 5,000 × 30 standard normals, a nonlinear binary rule with label noise. */
function speedTable(): Table {
  const rng = createRng(11);
  const n = 5000;
  const x = Array.from({ length: 30 }, () => normals(n, rng));
  const y = x[0].map((_, i) => (x[0][i] * x[1][i] + Math.sin(2 * x[2][i]) + 0.5 * x[3][i] + 0.5 * rng.normal() > 0 ? 1 : 0));
  return {
    name: 'speed_5000x30',
    header: [...x.map((_, j) => `x${j}`), 'target'],
    columns: [...x, y],
    meta: { task: 'binary', classes: 2, categorical: [] },
  };
}

function speed(): void {
  const table = speedTable();
  writeTable(table);
  const { input } = readInput(table.name);
  const rows = Uint32Array.from({ length: input.rows }, (_, r) => r);
  const binned = binFeatures(input.features, input.rows, rows);
  let best = Infinity;
  for (let rep = 0; rep < 6; rep++) {
    const start = performance.now();
    fitGbdt(binned, input.target, rows, { earlyStopping: false });
    if (rep > 0) best = Math.min(best, performance.now() - start); // the first fit warms up the JIT
  }
  const py = spawnSync(PYTHON, [SCRIPT, 'time', join(DIR, `${table.name}.csv`), '5'], { encoding: 'utf8' });
  const sk = py.status === 0 ? (JSON.parse(py.stdout.trim()) as { seconds: number }).seconds * 1000 : NaN;
  console.log(
    `gradient boosting, 100 iterations on 5,000 × 30 (binary, binned once): ours ${best.toFixed(0)} ms, ` +
      `scikit-learn ${sk.toFixed(0)} ms (fastest of 5 each; ratio ours/scikit-learn ${(best / sk).toFixed(2)})`,
  );
}

// ------------------------------------------------------------------------------------------------------- run

interface Row {
  readonly name: string;
  readonly shape: string;
  readonly metric: string;
  readonly validation: string;
  readonly oursLinear: number;
  readonly oursGbdt: number;
  readonly skLinear: number;
  readonly skGbdt: number;
  readonly oursLinearS: number;
  readonly oursGbdtS: number;
  readonly skLinearS: number;
  readonly skGbdtS: number;
}

function runOne(name: string): Row {
  const { input, meta } = readInput(name);
  const marks: { message: string; at: number }[] = [];
  const start = performance.now();
  const result = computeBaselines(input, {
    seed: 42,
    onProgress: (_, message) => marks.push({ message, at: performance.now() }),
  });
  const end = performance.now();
  const lastOf = (prefix: string): number => marks.filter((m) => m.message.startsWith(prefix)).at(-1)?.at ?? start;
  const linearPrefix = meta.task === 'regression' ? 'ridge' : 'logistic';
  const baseEnd = lastOf(meta.task === 'regression' ? 'mean' : 'base rate');
  const linearEnd = lastOf(linearPrefix);
  const value = (kind: string): number => result.baselines[result.predictions.findIndex((p) => p.kind === kind)]?.value ?? NaN;
  const py = spawnSync(PYTHON, [SCRIPT, 'score', join(DIR, `${name}.csv`), join(DIR, `${name}.json`)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (py.status !== 0) throw new Error(`scikit-learn failed on ${name}: ${py.stderr}`);
  const sk = JSON.parse(py.stdout.trim().split('\n').at(-1) ?? '{}') as Record<'linear' | 'gbdt', { value: number; seconds: number }>;
  return {
    name,
    shape: `${input.rows} × ${input.features.length}`,
    metric: meta.task === 'regression' ? 'r2' : 'accuracy',
    validation: result.plan.description,
    oursLinear: value('linear'),
    oursGbdt: value('gbdt'),
    skLinear: sk.linear.value,
    skGbdt: sk.gbdt.value,
    oursLinearS: (linearEnd - baseEnd) / 1000,
    oursGbdtS: (end - linearEnd) / 1000,
    skLinearS: sk.linear.seconds,
    skGbdtS: sk.gbdt.seconds,
  };
}

function main(): void {
  mkdirSync(DIR, { recursive: true });
  const exported = spawnSync(PYTHON, [SCRIPT, 'export', DIR], { encoding: 'utf8' });
  if (exported.status !== 0) {
    console.log(`scikit-learn peer unavailable (${PYTHON}: ${exported.stderr.trim().split('\n').at(-1)}) — skipped`);
    return;
  }
  const generated = [
    catNaBinary(3000, 1, 'gen_binary_cat_na'),
    catMulticlass(6000, 2),
    catNaRegression(4000, 3),
    xor(2000, 4),
    catNaBinary(30000, 5, 'gen_binary_cat_na_30k'),
    manyClasses(5000, 6),
  ];
  for (const table of generated) writeTable(table);
  const names = ['breast_cancer', 'iris', 'wine', 'digits', 'diabetes', 'boston', ...generated.map((t) => t.name)];
  const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '  —  ');
  const f2 = (v: number): string => v.toFixed(2).padStart(6);
  console.log(`tables in ${DIR}`);
  console.log(
    'table                  rows × p     metric    validation              linear ours/sk   gbdt ours/sk     best ours/sk     Δbest   time lin ours/sk (s)  time gbdt ours/sk (s)',
  );
  let worst = 0;
  for (const name of names) {
    const r = runOne(name);
    const bestOurs = Math.max(r.oursLinear, r.oursGbdt);
    const bestSk = Math.max(r.skLinear, r.skGbdt);
    const delta = bestOurs - bestSk;
    worst = Math.min(worst, delta);
    console.log(
      `${r.name.padEnd(22)} ${r.shape.padEnd(12)} ${r.metric.padEnd(9)} ${r.validation.padEnd(23)} ${f3(r.oursLinear)} / ${f3(r.skLinear)}   ${f3(r.oursGbdt)} / ${f3(r.skGbdt)}   ${f3(bestOurs)} / ${f3(bestSk)}   ${(delta >= 0 ? '+' : '') + delta.toFixed(3)}   ${f2(r.oursLinearS)} / ${f2(r.skLinearS)}       ${f2(r.oursGbdtS)} / ${f2(r.skGbdtS)}`,
    );
  }
  console.log(`worst Δ of best baseline (ours − scikit-learn): ${worst.toFixed(3)}`);
  speed();
}

main();

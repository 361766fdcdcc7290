import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binFeatures } from '../../src/engine/models/binning';
import type { BinnedMatrix } from '../../src/engine/models/binning';
import { fitGbdt, predictGbdt } from '../../src/engine/models/gbdt';
import type { GbdtModel } from '../../src/engine/models/gbdt';
import { fitLinear, predictLinear } from '../../src/engine/models/linear';
import { accuracy, r2 } from '../../src/engine/models/metrics';
import type { ModelFeature, ModelTarget } from '../../src/engine/models/types';
import { createRng } from '../../src/engine/random';

const range = (from: number, to: number): Uint32Array => Uint32Array.from({ length: to - from }, (_, k) => from + k);

function normals(n: number, seed: number, count: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: n }, () => rng.normal()));
}

function numeric(cols: Float32Array[]): ModelFeature[] {
  return cols.map((values, j) => ({ name: `x${j}`, kind: 'numeric', values }));
}

/** Fit on the first `split` rows (edges from them too), score on the rest. */
function holdout(
  features: ModelFeature[],
  target: ModelTarget,
  split: number,
  options: Parameters<typeof fitGbdt>[3] = {},
): { model: GbdtModel; binned: BinnedMatrix; proba: Float64Array; truth: Float64Array } {
  const n = target.values.length;
  const train = range(0, split);
  const test = range(split, n);
  const binned = binFeatures(features, n, train);
  const model = fitGbdt(binned, target, train, options);
  const proba = predictGbdt(model, binned, test);
  return { model, binned, proba, truth: Float64Array.from(test, (r) => target.values[r]) };
}

test('XOR of two features: boosting learns it, the linear model cannot', () => {
  const n = 3000;
  const cols = normals(n, 1, 5);
  const y = Float64Array.from({ length: n }, (_, r) => ((cols[0][r] > 0) !== (cols[1][r] > 0) ? 1 : 0));
  const target: ModelTarget = { task: 'binary', values: y, classes: 2 };
  const features = numeric(cols);
  const { proba, truth, model } = holdout(features, target, 2000);
  assert.ok(accuracy(truth, proba, 2) > 0.95, `gbdt ${accuracy(truth, proba, 2)}`);
  assert.equal(model.iterations, 100);
  assert.ok(model.splitCount[0] > 0 && model.splitCount[1] > 0);
  const linear = fitLinear(features, target, range(0, 2000));
  const lp = predictLinear(linear, features, range(2000, n));
  assert.ok(accuracy(truth, lp, 2) < 0.6, `linear ${accuracy(truth, lp, 2)}`);
});

test('a threshold rule: the first split is on the rule feature at the rule value', () => {
  const n = 2000;
  const cols = normals(n, 2, 4);
  const y = Float64Array.from({ length: n }, (_, r) => (cols[2][r] > 0.3 ? 1 : 0));
  const { proba, truth, model, binned } = holdout(numeric(cols), { task: 'binary', values: y, classes: 2 }, 1500);
  assert.ok(accuracy(truth, proba, 2) > 0.98);
  const root = model.trees[0];
  assert.equal(root.feature[0], 2);
  const edge = binned.edges[2][root.threshold[0]];
  assert.ok(Math.abs(edge - 0.3) < 0.05, `threshold ${edge}`);
});

test('informative missingness: missing cells get their own direction', () => {
  const n = 3000;
  const [x, noise] = normals(n, 3, 2);
  const rng = createRng(33);
  // Missing in 30 % of rows, and those rows are all class 1; present rows follow x > 1 (mostly class 0).
  const values = Float32Array.from(x, (v) => (rng.next() < 0.3 ? NaN : v));
  const y = Float64Array.from(values, (v) => (Number.isNaN(v) || v > 1 ? 1 : 0));
  const features: ModelFeature[] = [
    { name: 'x', kind: 'numeric', values },
    { name: 'noise', kind: 'numeric', values: noise },
  ];
  const { proba, truth, model } = holdout(features, { task: 'binary', values: y, classes: 2 }, 2000);
  assert.ok(accuracy(truth, proba, 2) > 0.99, `${accuracy(truth, proba, 2)}`);
  // Some split sends the missing cells left (the right-to-left scan), i.e. a learned direction was used.
  assert.ok(model.trees.some((t) => Array.from(t.feature).some((f, node) => f === 0 && t.missingLeft[node] === 1)));
});

test('a categorical effect with 10 levels is split natively', () => {
  const n = 3000;
  const rng = createRng(4);
  const codes = Float32Array.from({ length: n }, () => rng.int(10));
  const [noise] = normals(n, 5, 1);
  // Levels {1, 4, 7, 9} are class 1: not contiguous in code order, so an ordinal split would need several cuts.
  const y = Float64Array.from(codes, (c) => ([1, 4, 7, 9].includes(c) ? 1 : 0));
  const features: ModelFeature[] = [
    { name: 'noise', kind: 'numeric', values: noise },
    { name: 'c', kind: 'categorical', values: codes, levels: 10 },
  ];
  const { proba, truth, model } = holdout(features, { task: 'binary', values: y, classes: 2 }, 2000);
  assert.equal(accuracy(truth, proba, 2), 1);
  const root = model.trees[0];
  assert.equal(root.feature[0], 1);
  assert.equal(root.categoricalSplit[0], 1);
  const left = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((b) => (root.categoryLeft[b >>> 5] >>> (b & 31)) & 1);
  assert.ok(left.join() === '1,4,7,9' || left.join() === '0,2,3,5,6,8', `left set ${left.join()}`);
});

test('multiclass: one tree per class per iteration, probabilities sum to 1', () => {
  const n = 3000;
  const cols = normals(n, 6, 3);
  const y = Float64Array.from({ length: n }, (_, r) => (cols[0][r] < -0.5 ? 0 : cols[0][r] < 0.5 ? 1 : 2));
  const { proba, truth, model } = holdout(numeric(cols), { task: 'multiclass', values: y, classes: 3 }, 2000);
  assert.equal(model.treesPerIteration, 3);
  assert.equal(model.trees.length, 300);
  assert.ok(accuracy(truth, proba, 3) > 0.97);
  for (let r = 0; r < truth.length; r++) assert.ok(Math.abs(proba[3 * r] + proba[3 * r + 1] + proba[3 * r + 2] - 1) < 1e-12);
});

test('regression: a smooth nonlinear signal', () => {
  const n = 3000;
  const cols = normals(n, 7, 3);
  const rng = createRng(77);
  const y = Float64Array.from({ length: n }, (_, r) => Math.sin(2 * cols[0][r]) + cols[1][r] ** 2 + 0.1 * rng.normal());
  const { proba, truth } = holdout(numeric(cols), { task: 'regression', values: y, classes: 0 }, 2000);
  assert.ok(r2(truth, proba) > 0.9, `${r2(truth, proba)}`);
});

test('excluding a feature that was never split on changes nothing; excluding the signal does', () => {
  const n = 1500;
  const cols = normals(n, 8, 4);
  // Not constant, but its rare value (10 rows) can never give both children min_samples_leaf = 20 rows.
  cols[3] = Float32Array.from({ length: n }, (_, r) => (r % 150 === 0 ? 1 : 0));
  const y = Float64Array.from({ length: n }, (_, r) => (cols[0][r] + 0.5 * cols[1][r] > 0 ? 1 : 0));
  const target: ModelTarget = { task: 'binary', values: y, classes: 2 };
  const train = range(0, 1000);
  const test = range(1000, n);
  const binned = binFeatures(numeric(cols), n, train);
  const full = fitGbdt(binned, target, train);
  assert.equal(full.splitCount[3], 0);
  const without = fitGbdt(binned, target, train, { excludeFeatures: new Set([3]) });
  assert.deepEqual(Array.from(predictGbdt(without, binned, test)), Array.from(predictGbdt(full, binned, test)));
  const noSignal = fitGbdt(binned, target, train, { excludeFeatures: new Set([0]) });
  assert.equal(noSignal.splitCount[0], 0);
  const truth = Float64Array.from(test, (r) => y[r]);
  assert.ok(accuracy(truth, predictGbdt(noSignal, binned, test), 2) < accuracy(truth, predictGbdt(full, binned, test), 2) - 0.1);
});

test('determinism and early stopping: same seed, same model; auto early stopping above 10,000 rows', () => {
  const n = 12000;
  const cols = normals(n, 9, 3);
  const rng = createRng(99);
  const y = Float64Array.from({ length: n }, (_, r) => (cols[0][r] + rng.normal() > 0 ? 1 : 0));
  const target: ModelTarget = { task: 'binary', values: y, classes: 2 };
  const rows = range(0, n);
  const binned = binFeatures(numeric(cols), n, rows);
  const a = fitGbdt(binned, target, rows, { rng: createRng(1) });
  const b = fitGbdt(binned, target, rows, { rng: createRng(1) });
  assert.deepEqual(Array.from(predictGbdt(a, binned, rows)), Array.from(predictGbdt(b, binned, rows)));
  // 10 % held out (stratified, ceil), and a noisy one-feature rule stops well before 100 iterations.
  assert.equal(a.fittedRows, n - 1200);
  assert.ok(a.earlyStopped && a.iterations < 100, `iterations ${a.iterations}`);
  assert.equal(a.validationScores.length, a.iterations + 1);
  const off = fitGbdt(binned, target, rows, { earlyStopping: false, maxIter: 20 });
  assert.equal(off.iterations, 20);
  assert.equal(off.fittedRows, n);
});

test('cancellation between iterations', () => {
  const n = 500;
  const cols = normals(n, 10, 2);
  const y = Float64Array.from(cols[0], (v) => (v > 0 ? 1 : 0));
  const binned = binFeatures(numeric(cols), n);
  let calls = 0;
  const signal = {
    aborted: false,
    throwIfAborted(): void {
      if (++calls > 3) throw new Error('cancelled');
    },
  };
  assert.throws(() => fitGbdt(binned, { task: 'binary', values: y, classes: 2 }, range(0, n), { signal }), /cancelled/);
  assert.equal(calls, 4);
});

test('edge cases: single class, constant target, NaN targets, no features, tiny data', () => {
  const n = 200;
  const cols = normals(n, 11, 2);
  const binned = binFeatures(numeric(cols), n);
  const rows = range(0, n);
  const single = fitGbdt(binned, { task: 'binary', values: new Float64Array(n), classes: 2 }, rows);
  const p = predictGbdt(single, binned, rows);
  assert.ok(p[0] > 0.999 && single.splitCount.every((c) => c === 0));
  const constant = fitGbdt(binned, { task: 'regression', values: new Float64Array(n).fill(-4), classes: 0 }, rows);
  assert.ok(predictGbdt(constant, binned, rows).every((v) => Math.abs(v + 4) < 1e-9));
  // NaN targets are skipped: same model as fitting the labelled rows.
  const y = Float64Array.from(cols[0], (v, r) => (r % 5 === 0 ? NaN : v));
  const labelled = rows.filter((r) => r % 5 !== 0);
  const withNaN = fitGbdt(binned, { task: 'regression', values: y, classes: 0 }, rows);
  const clean = fitGbdt(binned, { task: 'regression', values: y, classes: 0 }, labelled);
  assert.deepEqual(Array.from(predictGbdt(withNaN, binned, rows)), Array.from(predictGbdt(clean, binned, rows)));
  // No features: every tree is a single leaf, the prediction is the class rate.
  const empty = binFeatures([], n);
  const yb = Float64Array.from({ length: n }, (_, r) => (r < 50 ? 1 : 0));
  const rate = predictGbdt(fitGbdt(empty, { task: 'binary', values: yb, classes: 2 }, rows), empty, Uint32Array.of(0));
  assert.ok(Math.abs(rate[1] - 0.25) < 1e-6, `${rate[1]}`);
  // Fewer rows than 2 × min_samples_leaf: no split at all.
  const tiny = fitGbdt(binned, { task: 'regression', values: Float64Array.from(cols[0]), classes: 0 }, range(0, 30));
  assert.ok(tiny.trees.every((t) => t.nodeCount === 1));
});

/**
 * The conditional permutation test predicts with one feature's values taken from other rows. Its shortcuts — only the
 * trees that split on the feature are re-walked; the linear score changes by that feature's contribution — must give
 * exactly the numbers of a plain prediction on a table whose column really was permuted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binFeatures } from '../../src/engine/models/binning';
import { fitGbdt, predictGbdt, predictGbdtSwapped } from '../../src/engine/models/gbdt';
import { fitLinear, predictLinear, predictLinearSwapped } from '../../src/engine/models/linear';
import type { ModelFeature, ModelTarget } from '../../src/engine/models/types';
import { createRng } from '../../src/engine/random';

const n = 1200;
const train = Uint32Array.from({ length: 800 }, (_, k) => k);
const testRows = Uint32Array.from({ length: n - 800 }, (_, k) => 800 + k);

/** Numeric, numeric with missing cells, categorical with missing cells, and a noise column. */
function table(seed: number): ModelFeature[] {
  const rng = createRng(seed);
  const a = Float32Array.from({ length: n }, () => rng.normal());
  const b = Float32Array.from({ length: n }, () => (rng.next() < 0.1 ? NaN : rng.normal()));
  const c = Float32Array.from({ length: n }, () => (rng.next() < 0.05 ? NaN : rng.int(6)));
  const noise = Float32Array.from({ length: n }, () => rng.normal());
  return [
    { name: 'a', kind: 'numeric', values: a },
    { name: 'b', kind: 'numeric', values: b },
    { name: 'c', kind: 'categorical', values: c, levels: 6 },
    { name: 'noise', kind: 'numeric', values: noise },
  ];
}

function targets(features: ModelFeature[], seed: number): ModelTarget[] {
  const rng = createRng(seed);
  const [a, b, c] = features.map((f) => f.values);
  const score = Float64Array.from({ length: n }, (_, r) => a[r] + (b[r] === b[r] ? b[r] * a[r] : 1) + (c[r] === 2 || c[r] === 4 ? 1 : 0) + 0.5 * rng.normal());
  return [
    { task: 'binary', values: Float64Array.from(score, (s) => (s > 0.5 ? 1 : 0)), classes: 2 },
    { task: 'multiclass', values: Float64Array.from(score, (s) => (s < 0 ? 0 : s < 1 ? 1 : 2)), classes: 3 },
    { task: 'regression', values: score, classes: 0 },
  ];
}

/** A seeded permutation of the test rows: row testRows[i] takes its values from from[i]. */
function shuffledRows(seed: number): Uint32Array {
  const rng = createRng(seed);
  const from = Uint32Array.from(testRows);
  for (let a = from.length - 1; a > 0; a--) {
    const b = rng.int(a + 1);
    [from[a], from[b]] = [from[b], from[a]];
  }
  return from;
}

/** The table with feature j's test cells really permuted (training cells untouched, so bin edges do not move). */
function permutedTable(features: ModelFeature[], j: number, from: Uint32Array): ModelFeature[] {
  const values = Float32Array.from(features[j].values);
  testRows.forEach((row, i) => (values[row] = features[j].values[from[i]]));
  return features.map((f, k) => (k === j ? { ...f, values } : f));
}

function assertSame(actual: Float64Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let worst = 0;
  for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]));
  assert.ok(worst < 1e-9, `${what}: largest difference ${worst}`);
}

test('trees: swapped predictions equal predictions on the permuted table, for every feature and task', () => {
  const features = table(1);
  for (const target of targets(features, 2)) {
    const binned = binFeatures(features, n, train);
    const model = fitGbdt(binned, target, train, { rng: createRng(3) });
    const swaps = features.map((_, j) => ({ feature: j, from: shuffledRows(10 + j) }));
    const { predictions, swapped } = predictGbdtSwapped(model, binned, testRows, swaps);
    assertSame(predictions, predictGbdt(model, binned, testRows), `${target.task} plain`);
    let changed = 0;
    swaps.forEach((swap, j) => {
      const permuted = binFeatures(permutedTable(features, j, swap.from), n, train);
      const expected = predictGbdt(model, permuted, testRows);
      assertSame(swapped[j], expected, `${target.task} feature ${features[j].name}`);
      if (swapped[j].some((v, k) => v !== predictions[k])) changed++;
    });
    // The signal features move the predictions when permuted: the test is not comparing two untouched copies.
    assert.ok(changed >= 3, `${target.task}: ${changed} features changed the predictions`);
  }
});

test('linear: swapped predictions equal predictions on the permuted table, for every feature and task', () => {
  const features = table(4);
  for (const target of targets(features, 5)) {
    const model = fitLinear(features, target, train);
    const swaps = features.map((_, j) => ({ feature: j, from: shuffledRows(20 + j) }));
    const { predictions, swapped } = predictLinearSwapped(model, features, testRows, swaps);
    assertSame(predictions, predictLinear(model, features, testRows), `${target.task} plain`);
    swaps.forEach((swap, j) => {
      const expected = predictLinear(model, permutedTable(features, j, swap.from), testRows);
      assertSame(swapped[j], expected, `${target.task} feature ${features[j].name}`);
      assert.ok(swapped[j].some((v, k) => v !== predictions[k]), `${target.task} feature ${features[j].name} changed nothing`);
    });
  }
});

test('linear: a row to swap from must be one of the predicted rows', () => {
  const features = table(6);
  const [target] = targets(features, 7);
  const model = fitLinear(features, target, train);
  const from = Uint32Array.from(testRows);
  from[0] = 0;
  assert.throws(() => predictLinearSwapped(model, features, testRows, [{ feature: 0, from }]), /row 0 is not among the predicted rows/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benjaminiHochberg, bonferroni, holm } from '../../src/engine/stats/multiplicity';
import type { MultipleTestResult } from '../../src/engine/stats/multiplicity';

const closeAll = (actual: readonly number[], expected: readonly number[], what: string): void => {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (Number.isNaN(e)) assert.ok(Number.isNaN(actual[i]), `${what}[${i}] should be NaN`);
    else assert.ok(Math.abs(actual[i] - e) <= 1e-15 * Math.max(1e-3, e), `${what}[${i}]: ${actual[i]} vs ${e}`);
  }
};

/** p ≤ threshold must be exactly the rejected set. */
const thresholdAgrees = (r: MultipleTestResult, p: readonly number[]): void => {
  p.forEach((v, i) => assert.equal(r.rejected[i], v <= r.threshold, `threshold vs rejected at ${i}`));
};

const P = [0.01, 0.04, 0.03, 0.005, 0.5, 0.2, 0.04, 0.0001, 0.049, 0.9];

// References: statsmodels.stats.multitest.multipletests(P, alpha=0.05, method='fdr_bh' / 'holm' / 'bonferroni'),
// transcribed line for line into numpy (statsmodels is not installed beside scipy 1.10, and scipy's
// false_discovery_control arrived in 1.11): rejections and adjusted p-values below.

test('Benjamini–Hochberg matches statsmodels fdr_bh: rejections, monotone adjusted p-values, threshold', () => {
  const r = benjaminiHochberg(P, 0.05);
  assert.deepEqual(r.rejected, [true, false, false, true, false, false, false, true, false, false]);
  const adjusted = [
    0.03333333333333333, 0.06666666666666667, 0.06666666666666667, 0.024999999999999998, 0.5555555555555556, 0.25,
    0.06666666666666667, 0.001, 0.07, 0.9,
  ];
  closeAll(r.adjusted, adjusted, 'adjusted');
  // Three rejections: the step-up cut-off is 3·q/m.
  assert.equal(r.threshold, (3 * 0.05) / 10);
  assert.equal(r.m, 10);
  thresholdAgrees(r, P);
  // Adjusted p-values are monotone in the raw ones, and reject ⇔ adjusted ≤ q.
  const order = P.map((_, i) => i).sort((a, b) => P[a] - P[b]);
  for (let k = 1; k < order.length; k++) assert.ok(r.adjusted[order[k]] >= r.adjusted[order[k - 1]]);
  r.adjusted.forEach((a, i) => assert.equal(a <= 0.05, r.rejected[i]));
});

test('Holm matches statsmodels holm; Bonferroni is min(1, m·p)', () => {
  const h = holm(P, 0.05);
  assert.deepEqual(h.rejected, [false, false, false, true, false, false, false, true, false, false]);
  closeAll(h.adjusted, [0.08, 0.24, 0.21, 0.045, 1, 0.6000000000000001, 0.24, 0.001, 0.24, 1], 'holm adjusted');
  assert.equal(h.threshold, 0.05 / 8); // two rejected; the third smallest failed α/(m − 2)
  thresholdAgrees(h, P);

  const b = bonferroni(P, 0.05);
  assert.deepEqual(b.rejected, [false, false, false, true, false, false, false, true, false, false]);
  closeAll(b.adjusted, [0.1, 0.4, 0.3, 0.05, 1, 1, 0.4, 0.001, 0.49, 1], 'bonferroni adjusted');
  assert.equal(b.threshold, 0.005);
  thresholdAgrees(b, P);
});

test('NaN p-values are never rejected and do not count in m', () => {
  const withNaN = [NaN, ...P.slice(0, 5), NaN, ...P.slice(5)];
  for (const procedure of [benjaminiHochberg, holm, bonferroni]) {
    const plain = procedure(P);
    const r = procedure(withNaN);
    assert.equal(r.m, 10);
    assert.equal(r.threshold, plain.threshold);
    assert.equal(r.rejected[0], false);
    assert.equal(r.rejected[6], false);
    assert.ok(Number.isNaN(r.adjusted[0]) && Number.isNaN(r.adjusted[6]));
    assert.deepEqual([...r.rejected.slice(1, 6), ...r.rejected.slice(7)], plain.rejected);
    assert.deepEqual([...r.adjusted.slice(1, 6), ...r.adjusted.slice(7)], plain.adjusted);
  }
});

test('ties share one adjusted value; all p = 0 are all rejected; everything large rejects nothing', () => {
  const tied = benjaminiHochberg([0.02, 0.02, 0.02, 0.5]);
  assert.deepEqual(tied.adjusted.slice(0, 3), [0.02 * 4 / 3, 0.02 * 4 / 3, 0.02 * 4 / 3]);
  assert.deepEqual(tied.rejected, [true, true, true, false]);
  const zeros = holm([0, 0, 0]);
  assert.deepEqual(zeros.rejected, [true, true, true]);
  assert.equal(zeros.threshold, 0.05);
  const none = benjaminiHochberg([0.3, 0.8, 1]);
  assert.deepEqual(none.rejected, [false, false, false]);
  assert.equal(none.threshold, 0);
  assert.deepEqual(none.adjusted, [0.8999999999999999, 1, 1]);
});

test('empty, all-NaN and typed-array input; invalid p or level throws', () => {
  for (const procedure of [benjaminiHochberg, holm, bonferroni]) {
    const empty = procedure([]);
    assert.deepEqual(empty.rejected, []);
    assert.equal(empty.m, 0);
    const allNaN = procedure(new Float64Array([NaN, NaN]));
    assert.deepEqual(allNaN.rejected, [false, false]);
    assert.equal(allNaN.m, 0);
    assert.throws(() => procedure([0.5, 1.2]), RangeError);
    assert.throws(() => procedure([-0.1]), RangeError);
    assert.throws(() => procedure([0.5], 0), RangeError);
    assert.throws(() => procedure([0.5], 1), RangeError);
  }
  const single = benjaminiHochberg(new Float64Array([0.01]), 0.05);
  assert.deepEqual(single.rejected, [true]);
  assert.equal(single.adjusted[0], 0.01);
});

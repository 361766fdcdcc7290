import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binCounts, kolmogorovQ, kolmogorovSf, ksAgainstSketch, ksStatistic, ksTwoSamplePValue, meanAndSd, proportions, psi, quantileCuts, quantileSketch, sketchCdf } from '../../src/engine/stats/drift';

/*
 * Reference numbers computed with Debian's /usr/bin/python3 (scipy 1.10.1, numpy), from the same sequences:
 *   phi = 0.6180339887498949; r2 = 0.41421356237309515
 *   A = [(i*phi) % 1.0 for i in 1..400]; B = [((j*r2) % 1.0)*1.1 - 0.05 for j in 1..300]; C = [(j*r2) % 1.0 for j in 1..300]
 *   scipy.stats.ks_2samp(x, y, method='asymp') → (statistic, pvalue)
 *   scipy.stats.kstwobign.sf(λ); scipy.stats.kstwo.sf(d, n)
 *   PSI by hand: e, a = np.maximum(e, 1e-4), np.maximum(a, 1e-4); np.sum((a - e) * np.log(a / e))
 */
const PHI = 0.6180339887498949;
const R2 = 0.41421356237309515;
const A = Float64Array.from({ length: 400 }, (_, i) => ((i + 1) * PHI) % 1);
const B = Float64Array.from({ length: 300 }, (_, j) => (((j + 1) * R2) % 1) * 1.1 - 0.05);
const C = Float64Array.from({ length: 300 }, (_, j) => ((j + 1) * R2) % 1);
const sorted = (x: Float64Array): Float64Array => x.slice().sort();
const shifted = (x: Float64Array, by: number): Float64Array => x.map((v) => v + by);

const close = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tolerance ${tol})`);
const relClose = (actual: number, expected: number, rel: number, what: string): void =>
  assert.ok(Math.abs(actual / expected - 1) <= rel, `${what}: ${actual} vs ${expected} (relative tolerance ${rel})`);

test('the two-sample KS statistic equals scipy.stats.ks_2samp, ties included', () => {
  close(ksStatistic(sorted(A), sorted(B)), 0.049999999999999996, 1e-12, 'A vs B');
  close(ksStatistic(sorted(A), sorted(C)), 0.009166666666666712, 1e-12, 'A vs C');
  close(ksStatistic(sorted(A), sorted(shifted(B, 0.08))), 0.11916666666666675, 1e-12, 'A vs B + 0.08');
  // ks_2samp([0,0,1,1,1,2,2,3], [0,1,1,2,2,2,3,3,3,4]).statistic
  close(ksStatistic([0, 0, 1, 1, 1, 2, 2, 3], [0, 1, 1, 2, 2, 2, 3, 3, 3, 4]), 0.325, 1e-12, 'ties');
  assert.ok(Number.isNaN(ksStatistic([], [1, 2])));
});

test('the KS p-value follows scipy (kstwobign exactly, kstwo and ks_2samp within the stated 5 %)', () => {
  const bign: [number, number][] = [
    [0.5, 0.9639452436648751],
    [1.0, 0.26999967167735456],
    [1.36, 0.049485876755377876],
    [1.63, 0.009846364888486529],
    [2.0, 0.0006709252557796953],
  ];
  for (const [lambda, p] of bign) close(kolmogorovQ(lambda), p, 1e-10, `kstwobign.sf(${lambda})`);
  close(kolmogorovQ(0.2), 1, 1e-9, 'Q(0.2)');
  // kstwo.sf(d, n): the exact finite-n distribution; Stephens' argument keeps the limit within a few per cent.
  relClose(kolmogorovSf(0.1, 171), 0.06100028140888436, 0.05, 'kstwo.sf(0.1, 171)');
  relClose(kolmogorovSf(0.05, 1000), 0.013012074781090332, 0.05, 'kstwo.sf(0.05, 1000)');
  relClose(kolmogorovSf(0.03, 5000), 0.00024159234422666817, 0.05, 'kstwo.sf(0.03, 5000)');
  // ks_2samp(A, B + 0.08, method='asymp').pvalue = kstwo.sf(D, round(400·300/700)).
  relClose(ksTwoSamplePValue(0.11916666666666675, 400, 300), 0.01423120640648576, 0.05, 'ks_2samp p, shifted');
  relClose(ksTwoSamplePValue(0.049999999999999996, 400, 300), 0.766739984148626, 0.05, 'ks_2samp p, same');
  assert.equal(kolmogorovSf(0, 100), 1);
  assert.equal(kolmogorovSf(1, 100), 0);
});

test('PSI matches the hand formula; identical proportions give 0, an emptied bin is finite', () => {
  close(psi(new Array(10).fill(0.1), [0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.15]), 0.10986122886681095, 1e-12, 'psi1');
  close(psi([0.5, 0.5], [0.7, 0.3]), 0.16945957207744072, 1e-12, 'psi2');
  close(psi([0.25, 0.25, 0.25, 0.25], [0.4, 0.4, 0.2, 0]), 2.1073873644524186, 1e-12, 'psi3 (floored empty bin)');
  assert.equal(psi([0.2, 0.8], [0.2, 0.8]), 0);
  assert.throws(() => psi([1], [0.5, 0.5]), /2 actual/);
  assert.deepEqual(proportions([1, 3]), [0.25, 0.75]);
  assert.deepEqual(proportions([0, 0]), [0, 0]);
});

test('bins are right-closed at the cut points', () => {
  assert.deepEqual(binCounts([0, 0, 1, 1, 1, 2, 3], [0, 1, 2]), [2, 3, 1, 1]);
  assert.deepEqual(binCounts([5, 6], []), [2]);
  assert.deepEqual(binCounts([], [1]), [0, 0]);
});

test('the sketch CDF is exact at the knots and linear between them', () => {
  const s = quantileSketch(Float64Array.from({ length: 101 }, (_, i) => i), 4);
  assert.deepEqual(s, [0, 25, 50, 75, 100]);
  assert.equal(sketchCdf(s, -1), 0);
  assert.equal(sketchCdf(s, 25), 0.25);
  assert.equal(sketchCdf(s, 37.5), 0.375);
  assert.equal(sketchCdf(s, 100), 1);
  assert.equal(sketchCdf(s, 100, 'left'), 1);
  // A tie in the sketch is a jump: F(3⁻) = 0.25, F(3) = 0.75.
  const tied = [0, 3, 3, 3, 4];
  assert.equal(sketchCdf(tied, 3, 'left'), 0.25);
  assert.equal(sketchCdf(tied, 3, 'right'), 0.75);
  assert.deepEqual(quantileSketch([], 10), []);
  assert.throws(() => quantileSketch([1], 0), /positive integer/);
});

test('KS against a sketch stays within its bound of the exact statistic, and its p-value is conservative', () => {
  for (const [ref, target] of [
    [A, B],
    [A, C],
    [A, shifted(B, 0.08)],
    [C, shifted(A, -0.03)],
  ] as const) {
    const r = sorted(ref);
    const t = sorted(target);
    for (const q of [20, 200]) {
      const k = ksAgainstSketch(quantileSketch(r, q), r.length, t);
      const exact = ksStatistic(r, t);
      assert.ok(Math.abs(k.statistic - exact) <= k.bound + 1e-12, `q ${q}: sketch ${k.statistic} vs exact ${exact}, bound ${k.bound}`);
      assert.ok(k.pValue >= ksTwoSamplePValue(exact, r.length, t.length) - 1e-12, 'never smaller than the exact p-value');
    }
  }
  // Same distribution: nothing to see; a shift of 0.2 (uniform on [0, 1]): p far below any threshold.
  const same = ksAgainstSketch(quantileSketch(sorted(A), 200), 400, sorted(C));
  assert.ok(same.pValue > 0.5, `same: p ${same.pValue}`);
  const moved = ksAgainstSketch(quantileSketch(sorted(A), 200), 400, sorted(shifted(C, 0.2)));
  assert.ok(moved.statistic > 0.18 && moved.pValue < 1e-4, `moved: D ${moved.statistic}, p ${moved.pValue}`);
  assert.ok(Number.isNaN(ksAgainstSketch([], 10, [1]).pValue));
});

test('PSI cuts: distinct deciles at observed values, never at the maximum', () => {
  assert.deepEqual(quantileCuts(Float64Array.from({ length: 11 }, (_, i) => i), 10), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // Ties collapse into one cut; a top value shared by the upper deciles gives no cut there.
  assert.deepEqual(quantileCuts([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], 10), [0]);
  assert.deepEqual(quantileCuts([5, 5, 5], 10), []);
  assert.deepEqual(quantileCuts([], 10), []);
});

test('mean and sample sd (n − 1), null where undefined', () => {
  const { mean, sd } = meanAndSd([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(mean, 5);
  assert.ok(Math.abs((sd ?? NaN) - 2.138089935299395) < 1e-12, 'numpy.std(ddof=1)');
  assert.deepEqual(meanAndSd([3]), { mean: 3, sd: null });
  assert.deepEqual(meanAndSd([]), { mean: null, sd: null });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { completePairs, correlationPValue, fisherInterval, pearson, pearsonR } from '../../src/engine/stats/pearson';

const rel = (actual: number, expected: number, tol: number, what: string): void => {
  assert.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
};

/**
 * 500 rows, y = 0.3x + noise, x missing every 53rd row and y every 59th. References: the dumped arrays, complete rows
 * kept, then scipy.stats.pearsonr(xs, ys) and its .confidence_interval(0.95).
 */
function pairData(): { x: Float64Array; y: Float64Array } {
  const rng = createRng(31);
  const n = 500;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.normal();
    x[i] = i % 53 === 0 ? NaN : u;
    y[i] = i % 59 === 0 ? NaN : 0.3 * u + rng.normal();
  }
  return { x, y };
}

test('a small case matches scipy.stats.pearsonr and its Fisher-z confidence_interval()', () => {
  // scipy.stats.pearsonr([1..7], [2, 1, 4, 3, 7, 5, 6])
  const r = pearson([1, 2, 3, 4, 5, 6, 7], [2, 1, 4, 3, 7, 5, 6]);
  rel(r.r, 0.8214285714285714, 1e-15, 'r');
  rel(r.p, 0.023448808345691526, 1e-13, 'p');
  assert.equal(r.n, 7);
  rel(r.ci95[0], 0.17925405051483057, 1e-14, 'ci low');
  rel(r.ci95[1], 0.9727559513431969, 1e-14, 'ci high');
});

test('pairwise-complete rows of generated data match scipy.stats.pearsonr', () => {
  const { x, y } = pairData();
  const r = pearson(x, y);
  assert.equal(r.n, 482);
  rel(r.r, 0.3033547219331377, 1e-14, 'r');
  rel(r.p, 1.0197738261814815e-11, 1e-12, 'p');
  rel(r.ci95[0], 0.22000100958321894, 1e-14, 'ci low');
  rel(r.ci95[1], 0.3823108207882234, 1e-14, 'ci high');
  // Infinity is missing too, like NaN.
  const withInf = Float64Array.from(x);
  withInf[1] = Infinity;
  assert.equal(pearson(withInf, y).n, 481);
});

test('huge offsets do not cost precision (two-pass centring)', () => {
  // scipy.stats.pearsonr([1e9 + 1, …, 1e9 + 5], [3, 1, 4, 1, 5]) = pearsonr([1, …, 5], …)
  const shifted = pearson([1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4, 1e9 + 5], [3, 1, 4, 1, 5]);
  rel(shifted.r, 0.3535533905932738, 1e-13, 'r');
  rel(shifted.p, 0.5594043441634884, 1e-12, 'p');
  rel(pearsonR([1e15, 2e15, 3e15], [1e-15, 2e-15, 3.5e-15]), pearsonR([1, 2, 3], [1, 2, 3.5]), 1e-14, 'scale-free');
});

test('edge cases: constant, too few rows, perfect correlation, mismatched lengths', () => {
  const constant = pearson([2, 2, 2, 2], [1, 2, 3, 4]);
  assert.ok(Number.isNaN(constant.r) && Number.isNaN(constant.p) && Number.isNaN(constant.ci95[0]));
  // A column of 0.1s sums to a mean that is not exactly 0.1; it is still constant.
  assert.ok(Number.isNaN(pearsonR(new Float64Array(1001).fill(0.1), Float64Array.from({ length: 1001 }, (_, i) => i))));
  const two = pearson([1, 2], [3, 5]);
  assert.equal(two.r, 1);
  assert.ok(Number.isNaN(two.p)); // no test with two points (scipy reports p = 1)
  const three = pearson([1, 2, 3], [1, 3, 2]);
  assert.ok(Number.isNaN(three.ci95[0])); // se = 1/√(n − 3) needs n > 3
  const perfect = pearson([1, 2, 3, 4], [-2, -4, -6, -8]);
  assert.equal(perfect.r, -1);
  assert.equal(perfect.p, 0);
  assert.deepEqual(perfect.ci95, [-1, -1]);
  assert.equal(pearson([], []).n, 0);
  assert.ok(Number.isNaN(pearson([NaN], [1]).r));
  assert.throws(() => pearson([1, 2], [1]), RangeError);
});

test('helpers: complete pairs, p-value symmetry, Fisher interval', () => {
  const [xs, ys] = completePairs([1, NaN, 3, 4], [5, 6, -Infinity, 8]);
  assert.deepEqual(Array.from(xs), [1, 4]);
  assert.deepEqual(Array.from(ys), [5, 8]);
  assert.equal(correlationPValue(0.4, 30), correlationPValue(-0.4, 30));
  assert.equal(correlationPValue(0, 30), 1);
  assert.ok(Number.isNaN(correlationPValue(0.5, 2)));
  const [lo, hi] = fisherInterval(0, 0.1);
  assert.ok(Math.abs(lo + hi) < 1e-16 && Math.abs(hi - Math.tanh(0.1959963984540054)) < 1e-16);
});

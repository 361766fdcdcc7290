import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { spearman } from '../../src/engine/stats/spearman';

const rel = (actual: number, expected: number, tol: number, what: string): void => {
  assert.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
};

/** The data of pearson.test.ts, with x rounded to half-units so that it is heavily tied. */
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
  return { x: x.map((v) => Math.round(2 * v)), y };
}

test('a small case matches scipy.stats.spearmanr', () => {
  // scipy.stats.spearmanr([1..7], [2, 1, 4, 3, 7, 5, 6])
  const r = spearman([1, 2, 3, 4, 5, 6, 7], [2, 1, 4, 3, 7, 5, 6]);
  rel(r.rho, 0.8214285714285715, 1e-15, 'ρ');
  rel(r.p, 0.023448808345691505, 1e-13, 'p');
  assert.equal(r.n, 7);
});

test('tied, pairwise-complete generated data match scipy.stats.spearmanr; CI is Fisher z with 1.06/(n − 3)', () => {
  // References: the dumped arrays, complete rows kept, scipy.stats.spearmanr(round(2·xs), ys); the interval
  // np.tanh(np.arctanh(ρ) ∓ 1.959963984540054·np.sqrt(1.06/(n − 3))) (Fieller, Hartley & Pearson 1957).
  const { x, y } = pairData();
  const r = spearman(x, y);
  assert.equal(r.n, 482);
  rel(r.rho, 0.2652512831743152, 1e-14, 'ρ');
  rel(r.p, 3.3265956838291273e-9, 1e-12, 'p');
  rel(r.ci95[0], 0.17764339434985446, 1e-14, 'ci low');
  rel(r.ci95[1], 0.3486878702042646, 1e-14, 'ci high');
});

test('only the order matters: monotone transforms and huge values leave ρ unchanged', () => {
  const { x, y } = pairData();
  const base = spearman(x, y);
  assert.equal(spearman(x.map((v) => v * 1e300), y.map((v) => Math.exp(v))).rho, base.rho);
  const perfect = spearman([1, 2, 3, 4, 5], [1, 8, 27, 64, 1e300]);
  assert.equal(perfect.rho, 1);
  assert.equal(perfect.p, 0);
});

test('edge cases: constant column, fewer than three rows, all missing', () => {
  const constant = spearman([4, 4, 4, 4, 4], [1, 2, 3, 4, 5]);
  assert.ok(Number.isNaN(constant.rho) && Number.isNaN(constant.p));
  assert.ok(Number.isNaN(constant.ci95[0]) && Number.isNaN(constant.ci95[1]));
  const two = spearman([1, 2], [2, 1]);
  assert.equal(two.rho, -1);
  assert.ok(Number.isNaN(two.p));
  const missing = spearman([NaN, NaN], [1, 2]);
  assert.equal(missing.n, 0);
  assert.ok(Number.isNaN(missing.rho));
  assert.throws(() => spearman([1], [1, 2]), RangeError);
});

test('a million rows with 1000-fold ties: ρ is the correlation of the known mid-ranks', () => {
  // x = i ranks as i + 1; y = i mod 1000 takes each value 1000 times, so its mid-rank is 1000·y + 500.5. ρ must be
  // Pearson's r of those ranks, computed here directly.
  const n = 1_000_000;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i;
    y[i] = i % 1000;
  }
  const r = spearman(x, y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  const mean = (n + 1) / 2;
  for (let i = 0; i < n; i++) {
    const a = i + 1 - mean;
    const b = (i % 1000) * 1000 + 500.5 - mean;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  rel(r.rho, sxy / Math.sqrt(sxx * syy), 1e-12, 'ρ');
  assert.equal(r.n, n);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noncentralChiSquareCdf, noncentralChiSquareSf } from '../../src/engine/stats/noncentralChiSquare';
import {
  chiSquarePower,
  cramersVBound,
  epsilonSquaredBound,
  noncentralityInterval,
} from '../../src/engine/stats/noncentrality';

const rel = (actual: number, expected: number, tol: number, what: string): void => {
  if (expected === 0) {
    assert.equal(actual, 0, what);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
};

// References from scipy 1.10.1: the bounds are scipy.optimize.brentq(lambda l: ncx2.sf(x, df, l) − α/2, …) for the
// lower and brentq(lambda l: ncx2.cdf(x, df, l) − α/2, …) for the upper (xtol 1e−14, rtol 8.9e−16), with 0 where
// chi2.sf(x, df) ≥ α/2 (lower) or chi2.cdf(x, df) ≤ α/2 (upper).
const intervals: [number, number, number, number, number][] = [
  // [statistic, df, level, lower, upper]
  [10, 1, 0.95, 1.445296025491548, 26.23735946678535],
  [25, 4, 0.95, 6.914713460921732, 44.89411028696019],
  [150, 20, 0.95, 88.4474325213234, 181.36447422416273],
  [3.84, 1, 0.95, 0, 15.36291722630127],
  [12, 12, 0.95, 0, 15.380221007535802],
  [40, 6, 0.99, 10.249345685133802, 73.28561324602275],
  [10000, 10, 0.95, 9602.937300848078, 10386.74646969507],
];

test('noncentralityInterval inverts scipy.stats.ncx2 (Steiger & Fouladi)', () => {
  for (const [x, df, level, lower, upper] of intervals) {
    const r = noncentralityInterval(x, df, level);
    rel(r.lower, lower, 1e-11, `lower(${x}, ${df})`);
    rel(r.upper, upper, 1e-11, `upper(${x}, ${df})`);
    // What the bounds mean: the statistic sits at the upper α/2 point of χ²(df, lower) and the lower α/2 point of
    // χ²(df, upper). (scipy.stats.ncx2.sf/cdf at these bounds give 0.025 to 1e−13 as well.)
    const alpha = (1 - level) / 2;
    if (lower > 0) rel(noncentralChiSquareSf(x, df, r.lower), alpha, 1e-10, `sf at lower (${x}, ${df})`);
    rel(noncentralChiSquareCdf(x, df, r.upper), alpha, 1e-10, `cdf at upper (${x}, ${df})`);
  }
});

test('a statistic below the central quantiles gives zero bounds; bad input gives NaN or a RangeError', () => {
  // chi2.cdf(2, 9) = 0.0085 < 0.025: even λ = 0 makes a statistic this small unusually small.
  assert.deepEqual(noncentralityInterval(2, 9), { lower: 0, upper: 0 });
  assert.deepEqual(noncentralityInterval(0, 3), { lower: 0, upper: 0 });
  const nan = noncentralityInterval(NaN, 3);
  assert.ok(Number.isNaN(nan.lower) && Number.isNaN(nan.upper));
  assert.ok(Number.isNaN(noncentralityInterval(5, 0).upper));
  assert.ok(Number.isNaN(noncentralityInterval(-1, 2).upper));
  assert.throws(() => noncentralityInterval(5, 2, 1), RangeError);
  assert.throws(() => noncentralityInterval(5, 2, 0), RangeError);
});

test('a wider level gives a wider interval, and the interval moves with the statistic', () => {
  const narrow = noncentralityInterval(40, 6, 0.9);
  const wide = noncentralityInterval(40, 6, 0.99);
  assert.ok(wide.lower < narrow.lower && wide.upper > narrow.upper);
  const a = noncentralityInterval(30, 6);
  const b = noncentralityInterval(60, 6);
  assert.ok(b.lower > a.lower && b.upper > a.upper);
});

test('a statistic from half a million rows is inverted too (λ ≈ 5e5)', () => {
  const x = 500000;
  const r = noncentralityInterval(x, 100);
  rel(noncentralChiSquareSf(x, 100, r.lower), 0.025, 1e-9, 'sf at lower');
  rel(noncentralChiSquareCdf(x, 100, r.upper), 0.025, 1e-9, 'cdf at upper');
  // Normal approximation: λ ≈ x − df ± 1.96·√(2(df + 2λ)) = 499900 ± 2772.
  assert.ok(Math.abs(r.lower - (x - 100 - 2772)) < 20 && Math.abs(r.upper - (x - 100 + 2772)) < 20, `${r.lower} ${r.upper}`);
});

test('chiSquarePower matches scipy.stats.ncx2.sf(chi2.isf(alpha, df), df, lambda)', () => {
  const refs: [number, number, number, number][] = [
    [1, 7.84, 0.05, 0.7995568714356512], // the textbook 80 % at λ = (1.96 + 0.84)²
    [4, 10, 0.01, 0.4864774242814988],
    [20, 50, 1e-6, 0.5944630137483169],
    [3, 0.5, 0.05, 0.0811241581125115],
  ];
  for (const [df, lambda, alpha, power] of refs) rel(chiSquarePower(df, lambda, alpha), power, 1e-13, `power(${df}, ${lambda})`);
  // Under the null the power is the level.
  rel(chiSquarePower(5, 0, 0.05), 0.05, 1e-14, 'λ = 0');
  assert.ok(Number.isNaN(chiSquarePower(0, 1)));
  assert.throws(() => chiSquarePower(2, 1, 0), RangeError);
});

test('cramersVBound maps the λ interval to V = √(λ / (n (k − 1)))', () => {
  // χ² = 25 on a 3 × 3 table (df 4), n = 200, so n·(min(r, c) − 1) = 400.
  const b = cramersVBound(25, 4, 200, 3);
  rel(b.estimate, 0.25, 1e-15, 'estimate');
  rel(b.lower, Math.sqrt(6.914713460921732 / 400), 1e-11, 'lower');
  rel(b.upper, Math.sqrt(44.89411028696019 / 400), 1e-11, 'upper');
  // χ² below its df: the population V is bounded below the (upwards biased) sample V.
  const small = cramersVBound(2, 9, 100, 4);
  assert.equal(small.upper, 0);
  assert.ok(small.estimate > 0);
  // Capped at 1 when a tiny sample gives an impossible V.
  assert.equal(cramersVBound(100, 1, 50, 2).estimate, 1);
  assert.ok(Number.isNaN(cramersVBound(5, 1, 100, 1).upper)); // one category: no V
  assert.ok(Number.isNaN(cramersVBound(5, 1, 0, 2).upper));
});

test('epsilonSquaredBound: conservative ends, and the estimate always lies between them', () => {
  const b = epsilonSquaredBound(150, 20, 1000);
  rel(b.estimate, 150 / 999, 1e-15, 'estimate');
  rel(b.lower, 88.4474325213234 / 999, 1e-11, 'lower = λ_lower/(n − 1)');
  rel(b.upper, (181.36447422416273 + 20) / 999, 1e-11, 'upper = (λ_upper + df)/(n − 1)');
  for (const [H, df, n] of [[12, 12, 300], [2, 9, 50], [40, 6, 80], [0, 3, 20]]) {
    const e = epsilonSquaredBound(H, df, n);
    assert.ok(e.lower <= e.estimate && e.estimate <= e.upper, `${H}, ${df}, ${n}: ${JSON.stringify(e)}`);
  }
  // H = 12 on 12 df: λ could be 0, so the lower end is 0, and the upper end keeps the null bias.
  const null12 = epsilonSquaredBound(12, 12, 301);
  assert.equal(null12.lower, 0);
  rel(null12.upper, (15.380221007535802 + 12) / 300, 1e-11, 'upper at H = df');
  assert.equal(epsilonSquaredBound(500, 3, 20).upper, 1);
  assert.ok(Number.isNaN(epsilonSquaredBound(5, 2, 1).estimate));
  assert.ok(Number.isNaN(epsilonSquaredBound(NaN, 2, 10).upper));
});

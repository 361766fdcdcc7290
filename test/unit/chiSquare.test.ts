import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { chiSquareIndependence, gTestIndependence } from '../../src/engine/stats/chiSquare';

const rel = (actual: number, expected: number, tol: number, what: string): void => {
  assert.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
};

/** Codes reproducing a contingency table: row i, column j, table[i][j] times. */
function codesOf(table: number[][]): { a: Int32Array; b: Int32Array } {
  const a: number[] = [];
  const b: number[] = [];
  table.forEach((row, i) =>
    row.forEach((count, j) => {
      for (let k = 0; k < count; k++) {
        a.push(i);
        b.push(j);
      }
    }),
  );
  return { a: Int32Array.from(a), b: Int32Array.from(b) };
}

/**
 * 5000 rows: a in 0…2, b equal to a 30 % of the time and uniform on 0…3 otherwise; a missing every 50th row, b every
 * 77th. ka = 4, so code 3 of a is an empty row. References: the dumped arrays, the 4 × 4 table built from the complete
 * rows, its empty row removed, then scipy.stats.chi2_contingency(T, correction=False) (and lambda_='log-likelihood'),
 * and scipy.stats.contingency.association(T, method='cramer').
 */
function codesData(): { a: Int32Array; b: Int32Array } {
  const rng = createRng(21);
  const n = 5000;
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = rng.int(3);
    const y = rng.next() < 0.3 ? x : rng.int(4);
    a[i] = i % 50 === 0 ? -1 : x;
    b[i] = i % 77 === 0 ? -1 : y;
  }
  return { a, b };
}

test('a 2 × 2 table matches scipy.stats.chi2_contingency(correction=False): no Yates correction', () => {
  const { a, b } = codesOf([
    [10, 20],
    [30, 5],
  ]);
  const r = chiSquareIndependence(a, 2, b, 2);
  rel(r.statistic, 18.726190476190474, 1e-14, 'X²'); // with Yates it would be 16.57848214285714
  rel(r.p, 1.5089565704354248e-5, 1e-12, 'p');
  assert.equal(r.df, 1);
  assert.equal(r.n, 65);
  rel(r.cramersV, Math.sqrt(18.726190476190474 / 65), 1e-14, 'V = φ');
  assert.deepEqual(r.table, [
    [10, 20],
    [30, 5],
  ]);
  rel(gTestIndependence(a, 2, b, 2).statistic, 19.71720513603048, 1e-14, 'G'); // lambda_='log-likelihood'
});

test('generated codes with missing values and an empty row match scipy', () => {
  const { a, b } = codesData();
  const r = chiSquareIndependence(a, 4, b, 4);
  rel(r.statistic, 1122.9162808367598, 1e-13, 'X²');
  rel(r.p, 2.296040726097466e-239, 1e-11, 'p');
  assert.equal(r.df, 6); // (3 − 1)(4 − 1): the empty row of a does not count
  assert.equal(r.nonEmptyRows, 3);
  assert.equal(r.nonEmptyCols, 4);
  assert.equal(r.n, 4837);
  rel(r.cramersV, 0.3406988344060421, 1e-13, 'V');
  rel(r.minExpected, 274.2311350010337, 1e-13, 'min expected');
  assert.deepEqual(r.table, [
    [772, 279, 283, 279],
    [281, 814, 260, 267],
    [278, 292, 750, 282],
    [0, 0, 0, 0],
  ]);
  assert.equal(r.reason, null);
  const g = gTestIndependence(a, 4, b, 4);
  rel(g.statistic, 1043.7413826242596, 1e-13, 'G');
  rel(g.p, 3.091709544003626e-222, 1e-11, 'G p');
  assert.equal(g.df, 6);
});

test('independent columns give a small statistic; a copy of a column gives V = 1', () => {
  const rng = createRng(3);
  const n = 20000;
  const a = Int32Array.from({ length: n }, () => rng.int(5));
  const b = Int32Array.from({ length: n }, () => rng.int(3));
  const r = chiSquareIndependence(a, 5, b, 3);
  assert.ok(r.p > 0.001 && r.cramersV < 0.03, `${r.p} ${r.cramersV}`);
  const same = chiSquareIndependence(a, 5, a, 5);
  rel(same.cramersV, 1, 1e-14, 'V of a with itself');
  assert.equal(same.df, 16);
});

test('no test: a single category, no complete rows — NaN with a reason; the table is still there', () => {
  const one = chiSquareIndependence([0, 0, 0], 2, [0, 1, 1], 2);
  assert.ok(Number.isNaN(one.p) && Number.isNaN(one.statistic) && Number.isNaN(one.cramersV));
  assert.match(one.reason ?? '', /first column/);
  assert.equal(one.df, 0);
  assert.deepEqual(one.table, [
    [1, 2],
    [0, 0],
  ]);
  const other = chiSquareIndependence([0, 1, 1], 2, [1, 1, 1], 2);
  assert.match(other.reason ?? '', /second column/);
  const none = chiSquareIndependence([-1, 0], 1, [0, -1], 1);
  assert.equal(none.n, 0);
  assert.match(none.reason ?? '', /no row/);
  const empty = gTestIndependence([], 0, [], 0);
  assert.deepEqual(empty.table, []);
  assert.ok(Number.isNaN(empty.p));
});

test('invalid codes, sizes and lengths throw RangeError', () => {
  assert.throws(() => chiSquareIndependence([0, 2], 2, [0, 1], 2), RangeError);
  assert.throws(() => chiSquareIndependence([0, 1.5], 2, [0, 1], 2), RangeError);
  assert.throws(() => chiSquareIndependence([0, 1], 2, [0], 2), RangeError);
  assert.throws(() => chiSquareIndependence([0], 1e4, [0], 1e4), RangeError); // 10⁸ cells
  // NaN codes are missing, like negative ones.
  assert.equal(chiSquareIndependence([0, NaN, 1], 2, [0, 1, 1], 2).n, 2);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scaleOf, welford } from '../../src/engine/stats/welford';

/** Welford's running moments against the two-pass definitions (numpy.mean / numpy.var(ddof=0) give the same). */
test('welford: mean and Σ(x − mean)² over chosen rows of several columns, NaN counted as missing', () => {
  const a = Float32Array.from([1, 2, NaN, 4, 1e6]);
  const b = [3, NaN, 5];
  const rows = [0, 1, 2, 3];
  const w = welford([a, Float64Array.from([3, NaN, 5, 7])], rows);
  const used = [1, 2, 4, 3, 5, 7];
  const mean = used.reduce((s, v) => s + v, 0) / used.length;
  const m2 = used.reduce((s, v) => s + (v - mean) ** 2, 0);
  assert.equal(w.n, 6);
  assert.equal(w.missing, 2);
  assert.ok(Math.abs(w.mean - mean) < 1e-12);
  assert.ok(Math.abs(w.m2 - m2) < 1e-9);
  assert.ok(Math.abs(scaleOf(w) - Math.sqrt(m2 / 6)) < 1e-12);
  // Stable where Σx² − n·x̄² cancels: values 1e9 + {0, 1, 2}.
  const big = welford([[1e9, 1e9 + 1, 1e9 + 2]], [0, 1, 2]);
  assert.equal(big.mean, 1e9 + 1);
  assert.ok(Math.abs(big.m2 - 2) < 1e-6, String(big.m2));
  // A constant, an empty selection and a lone value scale by 1 (standardised to 0, never NaN).
  assert.equal(scaleOf(welford([[5, 5, 5]], [0, 1, 2])), 1);
  assert.deepEqual(welford([b], []), { n: 0, mean: 0, m2: 0, missing: 0 });
  assert.equal(scaleOf(welford([b], [0])), 1);
});

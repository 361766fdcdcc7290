import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QUANTILE_PROBS, floatKey, quantileSorted, radixSortFloat32, radixSortKeys, sortedPresent, summarise } from '../../src/engine/stats/summary';
import { createRng } from '../../src/engine/random';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);
const close = (actual: number | null, expected: number, tol = 1e-12, what = ''): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
};

// Known answers from numpy (mean, std(ddof=1), quantile) and scipy.stats skew/kurtosis(bias=False), which are pandas'
// skew() and kurt(). The first is also checked by hand: deviations −3, −2, −1, 0, 6 give S2 = 50, S3 = 180, S4 = 1394,
// so G1 = √20/3 · (36/10^1.5) = 1.69706 and G2 = 6·5·4·1394/(3·2·2500) − 3·16/6 = 3.152.
test('a small integer column: moments, type-7 quantiles, pandas skew and kurt; NaN is missing', () => {
  const s = summarise(f64([1, 2, NaN, 3, 4, 10]));
  assert.equal(s.count, 5);
  assert.equal(s.missing, 1);
  close(s.mean, 4);
  close(s.sd, 3.5355339059327378);
  assert.equal(s.min, 1);
  assert.equal(s.max, 10);
  assert.ok(s.quantiles);
  const q = s.quantiles;
  close(q.p01, 1.04);
  close(q.p05, 1.2);
  close(q.p25, 2);
  close(q.p50, 3);
  close(q.p75, 4);
  close(q.p95, 8.8);
  close(q.p99, 9.76);
  close(s.skewness, 1.6970562748477143);
  close(s.kurtosis, 3.152);
  assert.equal(s.distinct, 5);
  assert.equal(s.integer, true);
});

test('a fractional column with a tie matches numpy/scipy', () => {
  const s = summarise(f64([2.5, -1, 7, 7, 3, 0.5, 12, -4]));
  close(s.mean, 3.375);
  close(s.sd, 5.11824467678408);
  const expected = { p01: -3.79, p05: -2.95, p25: 0.125, p50: 2.75, p75: 7, p95: 10.25, p99: 11.65 };
  for (const [key] of QUANTILE_PROBS) close(s.quantiles?.[key] ?? null, expected[key], 1e-12, key);
  close(s.skewness, 0.32323517777892913);
  close(s.kurtosis, -0.26716515906173033);
  assert.equal(s.distinct, 7);
  assert.equal(s.integer, false);
});

test('all missing: zero count, nulls everywhere, not integer', () => {
  const s = summarise(f64([NaN, NaN, NaN]));
  assert.deepEqual(s, {
    count: 0,
    missing: 3,
    mean: null,
    sd: null,
    min: null,
    max: null,
    quantiles: null,
    skewness: null,
    kurtosis: null,
    distinct: 0,
    integer: false,
  });
  assert.equal(summarise(new Float32Array(0)).count, 0);
});

test('one value: sd, skewness and kurtosis are undefined (null), quantiles are the value', () => {
  const s = summarise(f64([NaN, 7.25]));
  assert.equal(s.count, 1);
  assert.equal(s.mean, 7.25);
  assert.equal(s.sd, null);
  assert.equal(s.skewness, null);
  assert.equal(s.kurtosis, null);
  for (const [key] of QUANTILE_PROBS) assert.equal(s.quantiles?.[key], 7.25);
  assert.equal(s.distinct, 1);
});

test('pandas needs 3 values for skewness and 4 for kurtosis', () => {
  const three = summarise(f64([1, 2, 4]));
  assert.notEqual(three.skewness, null);
  assert.equal(three.kurtosis, null);
  close(three.skewness, 0.9352195295828235);
  assert.equal(summarise(f64([1, 2])).skewness, null);
});

test('a constant column has sd 0 and, as pandas returns, skewness and kurtosis 0', () => {
  const s = summarise(f64([0.1, 0.1, 0.1, 0.1, 0.1]));
  assert.equal(s.mean, 0.1);
  assert.equal(s.sd, 0);
  assert.equal(s.skewness, 0);
  assert.equal(s.kurtosis, 0);
  assert.equal(s.distinct, 1);
});

test('huge values do not overflow: 1e30 and even 1e200 give finite, exact moments', () => {
  const s30 = summarise(f64([1e30, 2e30, 3e30, 5e30]));
  close(s30.mean, 2.75e30);
  close(s30.sd, 1.7078251276599328e30);
  close(s30.skewness, 0.7528371991317248, 1e-12);
  close(s30.kurtosis, 0.34285714285713986, 1e-12);
  const s200 = summarise(f64([1e200, 2e200, 3e200, 5e200]));
  assert.ok(Number.isFinite(s200.sd ?? NaN));
  close(s200.sd, 1.7078251276599328e200);
  close(s200.kurtosis, 0.34285714285713986, 1e-12);
  const s308 = summarise(f64([1.5e308, 1.7e308, 1.6e308]));
  close(s308.mean, 1.6e308, 1e-15);
  assert.ok(Number.isFinite(s308.sd ?? NaN));
});

test('a large offset does not cost precision (corrected two-pass)', () => {
  const xs = Array.from({ length: 10 }, (_, i) => 1e9 + i);
  const s = summarise(f64(xs));
  close(s.mean, 1e9 + 4.5);
  close(s.sd, 3.0276503540974917, 1e-12);
  close(s.kurtosis, -1.2, 1e-9);
});

test('±Inf counts as missing, like NaN', () => {
  const s = summarise(f64([1, Infinity, 2, -Infinity, 3]));
  assert.equal(s.count, 3);
  assert.equal(s.missing, 2);
  assert.equal(s.mean, 2);
});

test('float32 columns are summarised in float64 arithmetic over their exact float32 values', () => {
  const rng = createRng(5);
  const n = 10_000;
  const x32 = new Float32Array(n);
  for (let i = 0; i < n; i++) x32[i] = rng.normal() * 3 + 1;
  x32[17] = NaN;
  const a = summarise(x32);
  const b = summarise(Float64Array.from(x32));
  assert.deepEqual(a, b);
  assert.equal(a.missing, 1);
  close(a.mean, 1, 0.1);
  close(a.sd, 3, 0.1);
});

test('the radix sort used for float32 columns agrees with the native sort, negatives and ±0 included', () => {
  const rng = createRng(9);
  const n = 50_000;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (rng.next() < 0.1 ? 1e-40 : 1) * rng.normal() * Math.pow(10, rng.int(20) - 10);
  x[0] = 0;
  x[1] = -0;
  x[2] = 3.4e38;
  x[3] = -3.4e38;
  const native = x.slice().sort();
  const radix = radixSortFloat32(x.slice());
  assert.deepEqual(Array.from(radix), Array.from(native));
  const viaPresent = sortedPresent(x);
  assert.ok(viaPresent instanceof Float32Array);
  assert.deepEqual(Array.from(viaPresent), Array.from(native));
  // Missing and infinite cells are left out of the sorted present values, in any position.
  const holes = x.map((v, i) => (i % 97 === 5 ? NaN : i % 89 === 7 ? Infinity : i % 83 === 3 ? -Infinity : v));
  const finite = holes.filter((v) => Number.isFinite(v)).sort();
  assert.ok(finite.length < n - 1000);
  assert.deepEqual(Array.from(sortedPresent(holes)), Array.from(finite));
  // A column that is a view into a larger buffer (the pool's shared columns can be).
  assert.deepEqual(Array.from(sortedPresent(holes.subarray(1000, 40_000))), Array.from(holes.slice(1000, 40_000).filter((v) => Number.isFinite(v)).sort()));
});

test('radixSortKeys skips a digit every key shares and still sorts: values in one binade, an odd and an even number of passes', () => {
  const rng = createRng(10);
  // [1, 1.49]: one exponent and the mantissa's top bit 0, so the top digit is shared and two passes run; the result
  // is in the input array.
  const oneBinade = Float32Array.from({ length: 30_000 }, () => 1 + 0.49 * rng.next());
  const bits = new Uint32Array(oneBinade.buffer).map(floatKey);
  const twoPass = bits.slice();
  const sorted = radixSortKeys(twoPass);
  assert.equal(sorted, twoPass);
  assert.deepEqual(Array.from(sorted), Array.from(bits).sort((a, b) => a - b));
  // Both signs and many binades: three passes, the result in a scratch array.
  const wide = Float32Array.from({ length: 30_000 }, () => rng.normal() * Math.pow(10, rng.int(12) - 6));
  const wideKeys = new Uint32Array(wide.buffer).map(floatKey);
  const input = wideKeys.slice();
  const wideSorted = radixSortKeys(input);
  assert.notEqual(wideSorted, input);
  assert.deepEqual(Array.from(wideSorted), Array.from(wideKeys).sort((a, b) => a - b));
  // floatKey orders like the floats: −∞ < −1 < −0 < +0 < 1 < +∞.
  const ordered = Float32Array.of(-Infinity, -1, -0, 0, 1, Infinity);
  const keys = Array.from(new Uint32Array(ordered.buffer), floatKey);
  for (let k = 1; k < keys.length; k++) assert.ok(keys[k - 1] < keys[k], `key ${k}`);
  assert.equal(radixSortKeys(new Uint32Array(0)).length, 0);
});

test('quantileSorted interpolates within a window like numpy on the slice', () => {
  const sorted = f64([0, 1, 2, 3, 10, 20, 30]);
  assert.equal(quantileSorted(sorted, 0.5, 4, 7), 20);
  assert.equal(quantileSorted(sorted, 0.25, 4, 7), 15);
  assert.ok(Number.isNaN(quantileSorted(sorted, 0.5, 3, 3)));
});

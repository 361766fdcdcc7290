import type { Summary } from './types';
import { radixSortInKernel, sortedPresentInKernel } from './radixKernel';

/** The probabilities behind Summary.quantiles, in order. */
export const QUANTILE_PROBS = [
  ['p01', 0.01],
  ['p05', 0.05],
  ['p25', 0.25],
  ['p50', 0.5],
  ['p75', 0.75],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;

export type QuantileKey = (typeof QUANTILE_PROBS)[number][0];

/** A numeric column as the stats modules take it: NaN marks a missing value. */
export type NumericColumn = Float32Array | Float64Array;

/**
 * The present values of a column, sorted ascending, in the column's own precision. NaN and ±Inf count as missing:
 * the dataset readers already turn ±Inf into NaN, and an infinity would make every moment meaningless. Float32
 * columns of 4096 values or more are radix-sorted.
 */
export function sortedPresent(column: Readonly<NumericColumn>): NumericColumn {
  if (column instanceof Float32Array && column.length >= RADIX_MIN) return sortedPresentFloat32(column);
  let count = 0;
  for (let i = 0; i < column.length; i++) if (Number.isFinite(column[i])) count++;
  const out = column instanceof Float32Array ? new Float32Array(count) : new Float64Array(count);
  let k = 0;
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (Number.isFinite(v)) out[k++] = v;
  }
  // Typed-array sort is numeric (no comparator, no string conversion) and native.
  return out.sort();
}

/**
 * sortedPresent of a float32 column, radix-sorted: on the WebAssembly kernel from PROFILE_KERNEL_MIN_VALUES values on
 * (radixKernel.ts: sortedPresentInKernel, the same bits); else one pass over the column's bits picks the finite
 * values (an exponent not all ones), writes their keys and counts their digits, then the sort's passes, then the keys
 * become float32 bits again. The same values as radixSortFloat32 of the copied values (−0 kept, just before +0).
 */
function sortedPresentFloat32(column: Float32Array): Float32Array {
  const fromKernel = sortedPresentInKernel(column);
  if (fromKernel) return fromKernel;
  const n = column.length;
  const bits = new Uint32Array(column.buffer, column.byteOffset, n);
  const keys = new Uint32Array(n);
  const counts = new Uint32Array(3 * 2048);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const b = bits[i];
    if ((b & 0x7f800000) === 0x7f800000) continue;
    const key = floatKey(b);
    keys[m++] = key;
    counts[key & 2047]++;
    counts[2048 + ((key >>> 11) & 2047)]++;
    counts[4096 + (key >>> 22)]++;
  }
  const sorted = radixSortCounted(m === n ? keys : keys.subarray(0, m), counts);
  // A view of the whole buffer when every value is present (a result cloned to another thread copies its buffer).
  const out = m === n ? new Float32Array(sorted.buffer, sorted.byteOffset, m) : new Float32Array(m);
  const outBits = new Uint32Array(out.buffer, out.byteOffset, m);
  for (let i = 0; i < m; i++) outBits[i] = keyBits(sorted[i]);
  return out;
}

/** Below this a native sort is as fast as the radix sort's fixed cost of 3 × 2048 buckets. */
const RADIX_MIN = 4096;

/**
 * In-place LSD radix sort of float32 values other than NaN (±∞ sort at the ends), 3 passes of 11 bits: 2–3× faster
 * than the native sort on 10⁶ values, which matters because every feature is sorted once. IEEE-754 bits become
 * order-preserving unsigned keys (floatKey; −0 then sorts just before +0; they compare equal).
 */
export function radixSortFloat32(values: Float32Array): Float32Array {
  const n = values.length;
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  for (let i = 0; i < n; i++) bits[i] = floatKey(bits[i]);
  const sorted = radixSortKeys(bits);
  for (let i = 0; i < n; i++) bits[i] = keyBits(sorted[i]);
  return values;
}

/** Float32 values other than NaN sorted in place (±∞ at the ends, −0 just before +0): radix-sorted from RADIX_MIN on, else natively. */
export function sortFloat32(values: Float32Array): Float32Array {
  return values.length >= RADIX_MIN ? radixSortFloat32(values) : values.sort();
}

/** A float32's bits as an unsigned key in the float order: all bits of negatives flipped, the sign bit of positives. */
export function floatKey(bits: number): number {
  // Branch-free: the arithmetic shift spreads the sign bit over the word (signs of real data do not predict well).
  return (bits ^ ((bits >> 31) | 0x80000000)) >>> 0;
}

/** floatKey's inverse: a key's float32 bits (branch-free, as floatKey). */
export function keyBits(key: number): number {
  return (key ^ ((~key >> 31) | 0x80000000)) >>> 0;
}

/** Sorted unsigned keys: radix-sorted from RADIX_MIN keys on (the result may be a scratch array: radixSortKeys), else sorted natively in place. */
export function sortKeys(keys: Uint32Array): Uint32Array {
  return keys.length >= RADIX_MIN ? radixSortKeys(keys) : keys.sort();
}

/**
 * LSD radix sort of unsigned 32-bit keys, 3 passes of 11, 11 and 10 bits; a digit every key shares (the exponent of
 * data in one binade, say) needs no pass. Returns the sorted keys: `keys` itself or, after an odd number of passes,
 * a scratch array of the same length (`keys` then holds the last but one pass).
 */
export function radixSortKeys(keys: Uint32Array): Uint32Array {
  if (radixSortInKernel(keys)) return keys;
  const n = keys.length;
  const counts = new Uint32Array(3 * 2048);
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    counts[key & 2047]++;
    counts[2048 + ((key >>> 11) & 2047)]++;
    counts[4096 + (key >>> 22)]++;
  }
  return radixSortCounted(keys, counts);
}

/** radixSortKeys with each pass's digit counts already made (counts[pass · 2048 + digit]); `counts` is used up. */
function radixSortCounted(keys: Uint32Array, counts: Uint32Array): Uint32Array {
  const n = keys.length;
  let src = keys;
  let dst: Uint32Array | null = null;
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * 2048;
    const shift = pass * 11;
    if (n > 0 && counts[base + ((src[0] >>> shift) & 2047)] === n) continue;
    let sum = 0;
    for (let b = 0; b < 2048; b++) {
      const c = counts[base + b];
      counts[base + b] = sum;
      sum += c;
    }
    dst ??= new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const key = src[i];
      dst[counts[base + ((key >>> shift) & 2047)]++] = key;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/**
 * Type-7 quantile (numpy's and pandas' default linear interpolation) of ascending values, optionally of the window
 * sorted[start, end); NaN when empty.
 */
export function quantileSorted(sorted: Readonly<ArrayLike<number>>, p: number, start = 0, end = sorted.length): number {
  const n = end - start;
  if (n <= 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[end - 1];
  const frac = h - lo;
  const a = sorted[start + lo];
  const b = sorted[start + lo + 1];
  // a + frac·(b − a) rather than (1 − frac)·a + frac·b: exact when a === b, and it is what numpy computes.
  return frac === 0 ? a : a + frac * (b - a);
}

/** Count, moments, quantiles, distinct values and the integer flag of a column (NaN = missing). */
export function summarise(column: Readonly<NumericColumn>): Summary {
  return summariseSorted(sortedPresent(column), column.length);
}

/**
 * summarise() for values already sorted by sortedPresent(); `length` is the column's full length so that the
 * missing count is right. describeFeature() uses this to sort a column once for every statistic.
 */
export function summariseSorted(sorted: Readonly<ArrayLike<number>>, length: number): Summary {
  return summariseSortedWithSum(sorted, length).summary;
}

/**
 * summariseSorted(), and the plain sum of the values in order (the first pass of the mean; 0 with no values), which
 * Silverman's bandwidth would otherwise add up again (detectModesSorted's `sum`).
 */
export function summariseSortedWithSum(sorted: Readonly<ArrayLike<number>>, length: number): { summary: Summary; sum: number } {
  const n = sorted.length;
  if (n === 0) return { summary: summaryWithoutMoments(0, length, 0), sum: 0 };
  const min = sorted[0];
  const max = sorted[n - 1];
  const { sum, distinct } = sumAndDistinct(sorted);
  const mean = meanOf(sorted, min, max, sum);
  const m = centralMoments(sorted, mean);

  const integer = allIntegers(sorted);

  const quantiles = {} as Record<QuantileKey, number>;
  for (const [key, p] of QUANTILE_PROBS) quantiles[key] = quantileSorted(sorted, p);

  const summary: Summary = {
    count: n,
    missing: length - n,
    mean,
    sd: n > 1 ? m.scale * Math.sqrt(m.s2 / (n - 1)) : null,
    min,
    max,
    quantiles,
    skewness: skewnessOf(n, m.s2, m.s3),
    kurtosis: kurtosisOf(n, m.s2, m.s4),
    distinct,
    integer,
  };
  return { summary, sum };
}

/**
 * A summary with counts only: a column with no present value (count 0, distinct 0), or text levels, whose codes have no
 * moments or quantiles.
 */
export function summaryWithoutMoments(count: number, missing: number, distinct: number): Summary {
  return {
    count,
    missing,
    mean: null,
    sd: null,
    min: null,
    max: null,
    quantiles: null,
    skewness: null,
    kurtosis: null,
    distinct,
    // Vacuous truth would call an all-missing column integer-valued; nothing downstream should act on that.
    integer: false,
  };
}

/**
 * The plain sum of ascending values (at least one), added in order, and how many distinct values they hold: one pass.
 * Small loops of their own, which V8 optimises whole.
 */
function sumAndDistinct(sorted: Readonly<ArrayLike<number>>): { sum: number; distinct: number } {
  // 0 + the first value, as a sum from 0 takes it (−0 becomes +0).
  let sum = 0 + sorted[0];
  let distinct = 1;
  for (let i = 1; i < sorted.length; i++) {
    const v = sorted[i];
    sum += v;
    if (v !== sorted[i - 1]) distinct++;
  }
  return { sum, distinct };
}

/** Whether every value is an integer (stops at the first that is not). */
function allIntegers(values: Readonly<ArrayLike<number>>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isInteger(values[i])) return false;
  return true;
}

/**
 * Mean with the correction term of the "corrected two-pass" algorithm (Chan, Golub & LeVeque 1983): the second pass
 * adds the mean residual, which removes the rounding error of the first sum. Values are pre-scaled when the plain
 * sum would overflow (|x| near 1e308).
 */
function meanOf(values: Readonly<ArrayLike<number>>, min: number, max: number, sum: number): number {
  const n = values.length;
  let mean = sum / n;
  if (!Number.isFinite(mean)) {
    const scale = Math.max(Math.abs(min), Math.abs(max));
    let scaled = 0;
    for (let i = 0; i < n; i++) scaled += values[i] / scale;
    mean = (scaled / n) * scale;
  }
  let correction = 0;
  for (let i = 0; i < n; i++) correction += values[i] - mean;
  mean += correction / n;
  // Rounding can push the mean of a constant or near-constant column a hair outside [min, max].
  return Math.min(max, Math.max(min, mean));
}

interface Moments {
  /** Sums of the 2nd, 3rd and 4th powers of (x − mean) / scale. */
  readonly s2: number;
  readonly s3: number;
  readonly s4: number;
  readonly scale: number;
}

/**
 * Central power sums in units of the largest absolute deviation, so that no power can overflow (1e30² = 1e60 is
 * fine, but (1e100)⁴ is not) and skewness/kurtosis, which are scale-free, need no unscaling. `values` ascending.
 */
function centralMoments(values: Readonly<ArrayLike<number>>, mean: number): Moments {
  const n = values.length;
  // The values are ascending, so v − mean is too (rounding is monotonic): the largest |v − mean| is at an end.
  const scale = Math.max(Math.abs(values[0] - mean), Math.abs(values[n - 1] - mean));
  if (scale === 0 || !Number.isFinite(scale)) return { s2: 0, s3: 0, s4: 0, scale: 0 };
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] - mean) / scale;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  return { s2, s3, s4, scale };
}

/**
 * Adjusted Fisher–Pearson skewness G1 = √(n(n−1))/(n−2) · m3/m2^1.5 (pandas' nanskew): null below 3 values and 0 for
 * zero variance, as pandas returns.
 */
function skewnessOf(n: number, s2: number, s3: number): number | null {
  if (n < 3) return null;
  if (s2 === 0) return 0;
  const m2 = s2 / n;
  const m3 = s3 / n;
  return ((Math.sqrt(n * (n - 1)) / (n - 2)) * m3) / Math.pow(m2, 1.5);
}

/**
 * Bias-adjusted excess kurtosis G2 = (n+1)n(n−1)·S4 / ((n−2)(n−3)·S2²) − 3(n−1)² / ((n−2)(n−3)) with S the central
 * power sums (pandas' nankurt): null below 4 values and 0 for zero variance, as pandas returns.
 */
function kurtosisOf(n: number, s2: number, s4: number): number | null {
  if (n < 4) return null;
  if (s2 === 0) return 0;
  const a = (n + 1) * n * (n - 1) * s4;
  const b = (n - 2) * (n - 3) * s2 * s2;
  return a / b - (3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3));
}

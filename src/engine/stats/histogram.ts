import type { Histogram, ValueCounts } from './types';
import type { NumericColumn } from './summary';
import { quantileSorted, sortedPresent } from './summary';

export interface HistogramOptions {
  /** A fixed bin count; otherwise the Freedman–Diaconis rule chooses one. */
  readonly bins?: number;
  /** Upper clamp for the automatic bin count (default 120: more bars than a chart panel can show apart). */
  readonly maxBins?: number;
  /** Values outside [lo, hi] are left out, like numpy.histogram's range. */
  readonly range?: readonly [number, number];
}

/** Fewest bins the automatic rule gives: two well-separated peaks still need empty bins between them to read. */
export const MIN_AUTO_BINS = 10;
export const DEFAULT_MAX_BINS = 120;

/**
 * Equal-width histogram of a column (NaN = missing). The bin count is Freedman–Diaconis, width 2·IQR·n^(−1/3)
 * (robust to the long tails and far-apart peaks where Scott's sd-based rule over-smooths), clamped to
 * [10, maxBins]; integer columns with a small range get one bin per integer instead, so bars never alias.
 */
export function histogram(column: Readonly<NumericColumn>, options: HistogramOptions = {}): Histogram {
  return histogramSorted(sortedPresent(column), options);
}

/** histogram() for values already sorted by sortedPresent(). */
export function histogramSorted(sorted: Readonly<ArrayLike<number>>, options: HistogramOptions = {}): Histogram {
  const maxBins = options.maxBins ?? DEFAULT_MAX_BINS;
  if (!Number.isInteger(maxBins) || maxBins < 1) throw new RangeError(`histogram: maxBins must be an integer ≥ 1, got ${maxBins}`);
  if (options.bins !== undefined && (!Number.isInteger(options.bins) || options.bins < 1)) {
    throw new RangeError(`histogram: bins must be an integer ≥ 1, got ${options.bins}`);
  }
  if (options.range && !(options.range[0] <= options.range[1])) {
    throw new RangeError(`histogram: range must be [lo, hi] with lo ≤ hi, got [${options.range.join(', ')}]`);
  }

  // The values that fall in the range, as an index window into the sorted array.
  let start = 0;
  let end = sorted.length;
  if (options.range) {
    start = lowerBound(sorted, options.range[0]);
    end = upperBound(sorted, options.range[1]);
  }
  const n = end - start;
  if (n === 0 && !options.range) return { edges: [], counts: [], pmf: [], rule: 'no values' };

  let lo = options.range ? options.range[0] : sorted[start];
  let hi = options.range ? options.range[1] : sorted[end - 1];
  let bins: number;
  let rule: string;
  let integer = n > 0;
  for (let i = start; i < end && integer; i++) integer = Number.isInteger(sorted[i]);

  if (lo === hi) {
    // numpy widens a degenerate range by ±0.5; one bar centred on the value.
    lo -= 0.5;
    hi += 0.5;
    bins = options.bins ?? 1;
    rule = options.bins !== undefined ? `${bins} bins (fixed)` : 'constant column: one bin';
  } else if (options.bins !== undefined) {
    bins = options.bins;
    rule = `${bins} bins (fixed)`;
  } else if (n === 0) {
    bins = Math.min(MIN_AUTO_BINS, maxBins);
    rule = `no values in range: ${bins} empty bins`;
  } else if (integer && !options.range && hi - lo + 1 <= maxBins) {
    bins = hi - lo + 1;
    lo -= 0.5;
    hi += 0.5;
    rule = `integer values: one bin per integer (${bins} bins)`;
  } else {
    const iqr = quantileSorted(sorted, 0.75, start, end) - quantileSorted(sorted, 0.25, start, end);
    let raw: number;
    let name: string;
    if (iqr > 0) {
      raw = Math.ceil(((hi - lo) * Math.cbrt(n)) / (2 * iqr));
      name = 'Freedman–Diaconis';
    } else {
      // Over half the values tie, so the IQR is 0 and FD's width with it: Sturges' log2(n) + 1 needs no spread.
      raw = Math.ceil(Math.log2(n)) + 1;
      name = 'Sturges (IQR is 0)';
    }
    bins = Math.min(maxBins, Math.max(Math.min(MIN_AUTO_BINS, maxBins), raw));
    if (bins === raw) rule = `${name} (${bins} bins)`;
    else if (bins > raw) rule = `${name}, raised to the minimum of ${bins} bins (rule gave ${raw})`;
    else rule = `${name}, capped at ${bins} bins (rule gave ${raw})`;
  }

  const edges = new Array<number>(bins + 1);
  const width = (hi - lo) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = lo + i * width;
  edges[bins] = hi;
  // Each bin holds the values its edges say, [edges[b], edges[b + 1]) with the last one closed: over sorted values a
  // bin is a run, found by bisection rather than a pass over every value. (This is the bin numpy's per-value
  // computation lands on too, wherever a bin is wider than the values' spacing; where it is not, a value is counted
  // in the bin its shown edges hold.)
  const counts = new Array<number>(bins).fill(0);
  let from = start;
  for (let b = 0; b < bins; b++) {
    const to = b === bins - 1 ? end : Math.min(end, Math.max(from, lowerBound(sorted, edges[b + 1])));
    counts[b] = to - from;
    from = to;
  }
  const pmf = counts.map((c) => (n > 0 ? c / n : 0));
  return { edges, counts, pmf, rule };
}

/**
 * Exact value counts for a discrete column, values ascending; null when the column has more than `maxDistinct`
 * distinct values (a Map with an early exit: a continuous column of 10⁶ values stops after maxDistinct + 1).
 */
export function valueCounts(column: Readonly<NumericColumn>, maxDistinct: number): ValueCounts | null {
  const counts = new Map<number, number>();
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (!Number.isFinite(v)) continue;
    // Map keys use SameValueZero, so −0 and +0 share an entry, as they compare equal.
    const c = counts.get(v);
    if (c === undefined) {
      if (counts.size >= maxDistinct) return null;
      counts.set(v, 1);
    } else counts.set(v, c + 1);
  }
  const values = [...counts.keys()].sort((a, b) => a - b);
  return { values, counts: values.map((v) => counts.get(v) ?? 0) };
}

/** valueCounts() for values already sorted by sortedPresent(): one run-length pass. */
export function valueCountsSorted(sorted: Readonly<ArrayLike<number>>, maxDistinct: number): ValueCounts | null {
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    if (i > 0 && v === sorted[i - 1]) {
      counts[counts.length - 1]++;
      continue;
    }
    if (values.length >= maxDistinct) return null;
    values.push(v);
    counts.push(1);
  }
  return { values, counts };
}

/** First index whose value is ≥ x. */
export function lowerBound(sorted: Readonly<ArrayLike<number>>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x. */
export function upperBound(sorted: Readonly<ArrayLike<number>>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

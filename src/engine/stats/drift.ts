/**
 * Distribution shift between a reference sample (the training rows) and a new one: the population stability index
 * over binned proportions, and the two-sample Kolmogorov–Smirnov statistic — exactly from two samples, or bounded from
 * a stored quantile sketch of the reference when its rows are no longer at hand (a saved model keeps the sketch).
 */
import { lowerBound, upperBound } from './histogram';
import { quantileSorted } from './summary';

/** Proportions below this are raised to it before the logarithm of PSI (an empty bin would give ln 0). */
export const PSI_FLOOR = 1e-4;

/**
 * Population stability index Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ) of the proportions `actual` against `expected` (each summing to
 * 1), with proportions below `floor` raised to it — the usual convention, so an empty bin costs a finite amount.
 * Rules of thumb: < 0.1 stable, 0.1–0.25 a moderate shift, > 0.25 a significant one.
 */
export function psi(expected: readonly number[], actual: readonly number[], floor = PSI_FLOOR): number {
  if (expected.length !== actual.length) throw new Error(`psi: ${expected.length} expected proportions but ${actual.length} actual ones`);
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i], floor);
    const a = Math.max(actual[i], floor);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/**
 * PSI bin cuts: the distinct `bins`-quantiles of ascending values taken at observed values (the lower order statistic
 * at each), never at the maximum — an interpolated cut between two tied groups, or one at the top, would make a bin
 * that is empty on both sides.
 */
export function quantileCuts(sorted: Readonly<ArrayLike<number>>, bins: number): number[] {
  if (sorted.length === 0) return [];
  const top = sorted[sorted.length - 1];
  const cuts: number[] = [];
  for (let i = 1; i < bins; i++) {
    const c = sorted[Math.floor(((sorted.length - 1) * i) / bins)];
    if (c < top && (cuts.length === 0 || c > cuts[cuts.length - 1])) cuts.push(c);
  }
  return cuts;
}

/** Mean and sample standard deviation (n − 1) of values; null where undefined (no value; one value for the sd). */
export function meanAndSd(values: Readonly<ArrayLike<number>>): { mean: number | null; sd: number | null } {
  const n = values.length;
  if (n === 0) return { mean: null, sd: null };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (values[i] - mean) / (i + 1);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : null };
}

/** Counts → proportions (all zero when the counts are). */
export function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/**
 * Values per right-closed bin of ascending `sorted` values: bin 0 is (−∞, cuts[0]], bin i is (cuts[i−1], cuts[i]],
 * the last is (cuts[k−1], ∞). `cuts` ascending and distinct.
 */
export function binCounts(sorted: Readonly<ArrayLike<number>>, cuts: readonly number[]): number[] {
  const counts: number[] = [];
  let prev = 0;
  for (const c of cuts) {
    const at = upperBound(sorted, c);
    counts.push(at - prev);
    prev = at;
  }
  counts.push(sorted.length - prev);
  return counts;
}

/** Type-7 quantiles of ascending values at k/q, k = 0..q (q + 1 values: the minimum, …, the maximum). */
export function quantileSketch(sorted: Readonly<ArrayLike<number>>, q: number): number[] {
  if (!(Number.isInteger(q) && q >= 1)) throw new Error(`quantileSketch: q must be a positive integer, got ${q}`);
  if (sorted.length === 0) return [];
  return Array.from({ length: q + 1 }, (_, k) => quantileSorted(sorted, k / q));
}

/**
 * The reference CDF read off a quantile sketch (q + 1 ascending values at k/q): linear between knots, 0 below the
 * first and 1 from the last. `side` 'right' gives F(x) (knots equal to x counted), 'left' the limit F(x⁻).
 */
export function sketchCdf(sketch: readonly number[], x: number, side: 'left' | 'right' = 'right'): number {
  const q = sketch.length - 1;
  if (q < 1) return NaN;
  // 'right': the last knot ≤ x; 'left': the first knot ≥ x, one step back.
  const k = side === 'right' ? upperBound(sketch, x) - 1 : lowerBound(sketch, x) - 1;
  if (k < 0) return 0;
  if (k >= q) return 1;
  const lo = sketch[k];
  const hi = sketch[k + 1];
  // lo ≤ x < hi ('right') or lo < x ≤ hi ('left'): hi > lo, so the division is safe.
  return (k + Math.min(1, Math.max(0, (x - lo) / (hi - lo)))) / q;
}

/**
 * Two-sample Kolmogorov–Smirnov statistic D = sup |F_a − F_b| of two ascending samples (ties handled as
 * scipy.stats.ks_2samp does: both ECDFs right-continuous, compared at every observed value).
 */
export function ksStatistic(a: Readonly<ArrayLike<number>>, b: Readonly<ArrayLike<number>>): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return NaN;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i], b[j]);
    while (i < n && a[i] <= x) i++;
    while (j < m && b[j] <= x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return d;
}

/**
 * P(D > d) for the two-sided one-sample KS statistic of n values, from the Kolmogorov limit
 * Q(λ) = 2 Σ (−1)^{k−1} e^{−2k²λ²} at Stephens' (1970) finite-sample argument λ = (√n + 0.12 + 0.11/√n)·d.
 * Within 5 % (relative) of scipy's exact kstwo.sf on a grid of n = 50…20,000 and p = 10⁻⁵…0.5 (scipy 1.10; three
 * points of it are in the tests).
 */
export function kolmogorovSf(d: number, n: number): number {
  if (!(n > 0) || Number.isNaN(d)) return NaN;
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  const sn = Math.sqrt(n);
  return kolmogorovQ((sn + 0.12 + 0.11 / sn) * d);
}

/** The Kolmogorov distribution's survival function Q(λ) = P(K > λ) (scipy.stats.kstwobign.sf). */
export function kolmogorovQ(lambda: number): number {
  if (Number.isNaN(lambda)) return NaN;
  if (lambda <= 0) return 1;
  if (lambda < 0.3) {
    // Small λ: the alternating series converges slowly; use the dual (Jacobi theta) form
    // 1 − Q = √(2π)/λ · Σ_{k odd} e^{−k²π²/(8λ²)}, which converges at once there.
    let s = 0;
    for (let k = 1; k < 40; k += 2) s += Math.exp((-k * k * Math.PI * Math.PI) / (8 * lambda * lambda));
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * s));
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * p-value of a two-sample KS statistic d between samples of n and m values: the one-sample distribution at the
 * effective size n·m/(n + m) (Smirnov's asymptotic, as scipy.stats.ks_2samp(method='asymp') does), via kolmogorovSf.
 * For discrete data the test is conservative (the p-value is an upper bound).
 */
export function ksTwoSamplePValue(d: number, n: number, m: number): number {
  if (!(n > 0 && m > 0)) return NaN;
  return kolmogorovSf(d, (n * m) / (n + m));
}

export interface SketchKs {
  /** sup |F_target − F_sketch| over the target's values: the two-sample statistic up to ± bound. */
  readonly statistic: number;
  /** How far the sketch may put the statistic from the exact two-sample one: 1/q + 1/m. */
  readonly bound: number;
  /**
   * p-value of max(0, statistic − bound), the smallest statistic the sketch allows: conservative, so a small p is
   * never an artefact of the sketch.
   */
  readonly pValue: number;
}

/**
 * The two-sample KS test of ascending `target` values against a reference of `m` values known only by its quantile
 * sketch (type-7 quantiles at k/q). Between knots the reference ECDF F_m and the sketch's interpolated CDF both lie in
 * [k/q − 1/m, (k+1)/q + 1/m], so |F_m − F_sketch| ≤ 1/q + 1/m everywhere; the statistic is the exact supremum against
 * the sketch (attained at the target's values, from either side), and the p-value is taken at the lower end of its
 * bound.
 */
export function ksAgainstSketch(sketch: readonly number[], m: number, target: Readonly<ArrayLike<number>>): SketchKs {
  const n = target.length;
  const q = sketch.length - 1;
  if (n === 0 || q < 1 || !(m > 0)) return { statistic: NaN, bound: NaN, pValue: NaN };
  let d = 0;
  let i = 0;
  while (i < n) {
    const x = target[i];
    const below = i / n;
    while (i < n && target[i] === x) i++;
    const at = i / n;
    // Just before x the target ECDF is `below` and the sketch is F(x⁻); at x they are `at` and F(x).
    d = Math.max(d, Math.abs(sketchCdf(sketch, x, 'left') - below), Math.abs(at - sketchCdf(sketch, x, 'right')));
  }
  const bound = 1 / q + 1 / m;
  return { statistic: d, bound, pValue: ksTwoSamplePValue(Math.max(0, d - bound), n, m) };
}

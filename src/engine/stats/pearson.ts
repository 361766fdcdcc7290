/**
 * Pearson's product-moment correlation with its t-test p-value and a Fisher-z confidence interval, over the rows
 * where both values are finite (pairwise deletion, as pandas' DataFrame.corr and the correlation matrix in
 * correlation.ts).
 */
import { studentTTwoSided } from './betaFamily';

export interface PearsonResult {
  /** r in [−1, 1]; NaN when a column is constant on the complete rows or fewer than two rows are complete. */
  readonly r: number;
  /** Two-sided p of H₀: ρ = 0, from t = r√((n − 2)/(1 − r²)) on n − 2 df (scipy.stats.pearsonr); NaN when n < 3. */
  readonly p: number;
  /** Complete rows used. */
  readonly n: number;
  /** 95 % interval tanh(atanh r ± 1.96/√(n − 3)) (Fisher 1921); [NaN, NaN] when n ≤ 3 or r is NaN. */
  readonly ci95: readonly [number, number];
}

/** z for a two-sided 95 % interval: Φ⁻¹(0.975). */
const Z95 = 1.959963984540054;

/** Rows where both x and y are finite, copied into two dense arrays. */
export function completePairs(x: ArrayLike<number>, y: ArrayLike<number>): [Float64Array, Float64Array] {
  if (x.length !== y.length) throw new RangeError(`correlation: columns have ${x.length} and ${y.length} rows`);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) n++;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0, j = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (Number.isFinite(a) && Number.isFinite(b)) {
      xs[j] = a;
      ys[j++] = b;
    }
  }
  return [xs, ys];
}

/**
 * r of two complete arrays of equal length. Two passes (means, then centred sums), because the one-pass
 * Σxy − ΣxΣy/n loses every digit on data like 10⁹ + noise. A column is constant when its minimum equals its maximum:
 * a rounded mean can leave a spurious 1e−30 variance, which must not become a correlation.
 */
export function pearsonR(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  let sx = 0;
  let sy = 0;
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = x[i];
    const b = y[i];
    sx += a;
    sy += b;
    if (a < xMin) xMin = a;
    if (a > xMax) xMax = a;
    if (b < yMin) yMin = b;
    if (b > yMax) yMax = b;
  }
  if (xMin === xMax || yMin === yMax) return NaN;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] - mx;
    const b = y[i] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}

/**
 * Two-sided p-value of a correlation coefficient on n pairs by the t-distribution with n − 2 df: exact for Pearson's
 * r under bivariate normality, and scipy.stats.spearmanr's approximation for Spearman's ρ. (1 − r)(1 + r) rather
 * than 1 − r² keeps |r| near 1 accurate.
 */
export function correlationPValue(r: number, n: number): number {
  if (Number.isNaN(r) || n < 3) return NaN;
  const df = n - 2;
  const denominator = (1 - r) * (1 + r);
  if (denominator <= 0) return 0;
  return studentTTwoSided(r * Math.sqrt(df / denominator), df);
}

/** Fisher-z interval tanh(atanh r ± z·se); [NaN, NaN] when r is NaN or se is not finite. */
export function fisherInterval(r: number, se: number, z = Z95): [number, number] {
  if (Number.isNaN(r) || !Number.isFinite(se)) return [NaN, NaN];
  const centre = Math.atanh(r);
  return [Math.tanh(centre - z * se), Math.tanh(centre + z * se)];
}

/** Pearson's r over pairwise-complete rows, with p (scipy.stats.pearsonr) and 95 % Fisher-z interval. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): PearsonResult {
  const [xs, ys] = completePairs(x, y);
  const n = xs.length;
  const r = pearsonR(xs, ys);
  // se = 1/√(n − 3): Fisher (1921), the interval scipy's PearsonRResult.confidence_interval() gives.
  return { r, p: correlationPValue(r, n), n, ci95: fisherInterval(r, n > 3 ? 1 / Math.sqrt(n - 3) : NaN) };
}

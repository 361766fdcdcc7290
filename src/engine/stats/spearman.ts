/**
 * Spearman's rank correlation ρ (Spearman 1904): Pearson's r of the mid-ranks, so it measures any monotone
 * association and ignores the scale of either column.
 */
import { completePairs, correlationPValue, fisherInterval, pearsonR } from './pearson';
import { averageRanks } from './ranks';

export interface SpearmanResult {
  /** ρ in [−1, 1]; NaN when a column is constant on the complete rows or fewer than two rows are complete. */
  readonly rho: number;
  /** Two-sided p from t = ρ√((n − 2)/(1 − ρ²)) on n − 2 df, exactly as scipy.stats.spearmanr; NaN when n < 3. */
  readonly p: number;
  /** Complete rows used (both values finite). */
  readonly n: number;
  /** 95 % interval tanh(atanh ρ ± 1.96·√(1.06/(n − 3))); [NaN, NaN] when n ≤ 3 or ρ is NaN. */
  readonly ci95: readonly [number, number];
}

/**
 * Spearman's ρ over the pairwise-complete rows, ties given average ranks (scipy.stats.spearmanr). The interval is
 * Fisher's z with the variance 1.06/(n − 3) of Fieller, Hartley & Pearson (1957), "Tests for rank correlation
 * coefficients. I", Biometrika 44, 470–481: their simulations showed atanh(ρ̂) has variance ≈ 1.06/(n − 3) for
 * Spearman's coefficient (against 1/(n − 3) for Pearson's), good for |ρ| ≤ 0.8 and n ≥ 10; beyond that it is
 * approximate (Bonett & Wright 2000 discuss alternatives).
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): SpearmanResult {
  const [xs, ys] = completePairs(x, y);
  const n = xs.length;
  // Float32 columns are ranked as float32 (the same values; a 32-bit sort key, half the radix passes).
  const rank = (v: Float64Array, source: ArrayLike<number>): Float64Array => averageRanks(source instanceof Float32Array ? new Float32Array(v) : v);
  const rho = pearsonR(rank(xs, x), rank(ys, y));
  return {
    rho,
    p: correlationPValue(rho, n),
    n,
    ci95: fisherInterval(rho, n > 3 ? Math.sqrt(1.06 / (n - 3)) : NaN),
  };
}

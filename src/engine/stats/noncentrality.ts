/**
 * Confidence intervals for the noncentrality of a chi-square statistic, and what they say about effect sizes and
 * power. A statistic that is approximately χ²(df, λ) under the alternative (Pearson's χ² of a contingency table,
 * Kruskal–Wallis H, a likelihood-ratio G) carries an interval for λ, and λ maps to an effect size: that is how a
 * report can say "the association is at most this strong" instead of only "not significant".
 *
 * Method: Steiger & Fouladi (1997), "Noncentrality interval estimation and the evaluation of statistical models", in
 * Harlow, Mulaik & Steiger (eds.), What if there were no significance tests? The noncentral CDF falls monotonically
 * in λ, so the bounds are the λ at which the observed statistic sits at the upper and at the lower α/2 point.
 *
 * Approximations to keep in mind (documented once here, relied on by the helpers below):
 * - The statistic is only asymptotically noncentral χ², under local alternatives (λ of order df, effects of order
 *   1/√n). For large effects the interval is approximate; for the "is it negligible?" question, where λ is small,
 *   the approximation is at its best.
 * - λ ↔ effect size: for Pearson's χ², λ = n·φ² with φ² = Σ (p_ij − p_i p_j)² / (p_i p_j), Cohen's (1988, ch. 7) w²,
 *   so V = √(λ / (n (min(r, c) − 1))) (Cramér 1946), the interval of Smithson (2003), "Confidence intervals",
 *   Sage QASS 140. For Kruskal–Wallis, H/(n − 1) is the ε² of Kelley (1935) as used by Tomczak & Tomczak (2014), and
 *   E[H] ≈ df + λ, so λ/(n − 1) is the effect with the null bias df/(n − 1) removed.
 */
import { chiSquareCdf, chiSquareIsf, chiSquareSf } from './distributions';
import { noncentralChiSquareCdf, noncentralChiSquareSf } from './noncentralChiSquare';
import { brentRoot } from './rootFinding';

export interface NoncentralityInterval {
  /** Lower confidence bound for λ; 0 when the statistic is below the central (1 + level)/2 quantile. */
  readonly lower: number;
  /** Upper confidence bound for λ; 0 when the statistic is below the central (1 − level)/2 quantile. */
  readonly upper: number;
}

export interface EffectSizeBound {
  /** The conventional point estimate (sample V, or H/(n − 1)). */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
}

/**
 * Solve tail(λ) = target for λ ≥ 0, where tail is increasing in λ and tail(0) < target. The equation is solved on
 * ln(tail) − ln(target), which is close to linear in λ, so Brent's method converges in a handful of steps.
 */
function solveLambda(tail: (lambda: number) => number, target: number, statistic: number, df: number): number {
  const g = (lambda: number): number => Math.log(tail(lambda)) - Math.log(target);
  // The statistic's mean is df + λ and its sd √(2(df + 2λ)), so λ beyond x + 10·√(2(df + 2x)) + 10 puts x ten sd
  // below the mean: a first upper end that almost always brackets. Doubled until it does.
  let hi = Math.max(1, statistic - df + 10 * Math.sqrt(2 * (df + 2 * statistic)) + 10);
  for (let i = 0; i < 60 && g(hi) < 0; i++) hi *= 2;
  // Absolute tolerance 1e−14·(1 + hi): near the noise of the noncentral CDF (~1e−14 relative), so the tail at the
  // returned λ matches the target to ~1e−12.
  return brentRoot(g, 0, hi, 1e-14 * (1 + hi));
}

/**
 * Confidence interval for λ given an observed χ² statistic with df degrees of freedom (Steiger & Fouladi 1997):
 * lower solves P(χ²(df, λ) ≥ x) = (1 − level)/2, upper solves P(χ²(df, λ) ≤ x) = (1 − level)/2. Each side is solved on
 * its own small tail, so level = 0.999 is as accurate as 0.95. NaN statistic or df ≤ 0 gives NaN bounds.
 */
export function noncentralityInterval(statistic: number, df: number, level = 0.95): NoncentralityInterval {
  checkLevel(level);
  if (Number.isNaN(statistic) || !(df > 0) || statistic < 0 || statistic === Infinity) return { lower: NaN, upper: NaN };
  const alpha = (1 - level) / 2;
  // If λ = 0 already leaves the statistic short of the upper α/2 point, every λ ≥ 0 is compatible from below.
  const lower =
    chiSquareSf(statistic, df) < alpha
      ? solveLambda((lambda) => noncentralChiSquareSf(statistic, df, lambda), alpha, statistic, df)
      : 0;
  // P(χ²(df, λ) ≤ x) falls with λ; solve its reciprocal, which rises, so one solver serves both ends.
  const upper =
    chiSquareCdf(statistic, df) > alpha
      ? solveLambda((lambda) => 1 / noncentralChiSquareCdf(statistic, df, lambda), 1 / alpha, statistic, df)
      : 0;
  return { lower, upper };
}

/**
 * Power of the level-α chi-square test when the statistic is χ²(df, λ): P(χ²(df, λ) > χ²_{df, 1−α}) (Cohen 1988,
 * ch. 7). With λ = n·w² this is the power for Cohen's effect size w on n rows.
 */
export function chiSquarePower(df: number, lambda: number, alpha = 0.05): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(df > 0) || !(lambda >= 0)) return NaN;
  return noncentralChiSquareSf(chiSquareIsf(alpha, df), df, lambda);
}

/**
 * Cramér's V of an r × c table with its confidence interval from the noncentrality interval of Pearson's χ²:
 * V = √(χ² / (n·(min(r, c) − 1))), bounds √(λ / (n·(min(r, c) − 1))) capped at 1 (Smithson 2003).
 *
 * The bounds are for the population V, whose square is λ / (n (k − 1)); the sample V is biased upwards by about
 * df / (n (k − 1)) under the null, so when χ² falls below its degrees of freedom the estimate can exceed the upper
 * bound. That is not a bug: it is the evidence that the population effect is smaller than the sample suggests.
 */
export function cramersVBound(statistic: number, df: number, n: number, minDim: number, level = 0.95): EffectSizeBound {
  checkLevel(level);
  const scale = n * (minDim - 1);
  if (!(scale > 0) || Number.isNaN(statistic)) return { estimate: NaN, lower: NaN, upper: NaN };
  const { lower, upper } = noncentralityInterval(statistic, df, level);
  const v = (x: number): number => Math.min(1, Math.sqrt(x / scale));
  return { estimate: v(statistic), lower: v(lower), upper: v(upper) };
}

/**
 * Kruskal–Wallis ε² = H/(n − 1) (Tomczak & Tomczak 2014) with a deliberately conservative interval:
 *   upper = (λ_upper + df)/(n − 1), the upper bound of E[ε²] = (df + λ)/(n − 1), which keeps the null bias df/(n − 1)
 *           so that it is on the same scale as the usual estimate and its "negligible" thresholds;
 *   lower = λ_lower/(n − 1), the lower bound of the bias-free effect λ/(n − 1).
 * Both capped at 1. Each end is the cautious one for the verdict it supports (an upper bound for "negligible", a
 * lower bound for "relevant"), and the estimate always lies between them: H is the upper α/2 point of χ²(df, λ_lower),
 * so H ≥ λ_lower, and the lower α/2 point of χ²(df, λ_upper), so H ≤ λ_upper + df.
 */
export function epsilonSquaredBound(H: number, df: number, n: number, level = 0.95): EffectSizeBound {
  checkLevel(level);
  if (!(n > 1) || Number.isNaN(H)) return { estimate: NaN, lower: NaN, upper: NaN };
  const { lower, upper } = noncentralityInterval(H, df, level);
  const cap = (x: number): number => Math.min(1, x);
  return { estimate: cap(H / (n - 1)), lower: cap(lower / (n - 1)), upper: cap((upper + df) / (n - 1)) };
}

/**
 * Confidence intervals: a proportion (Wilson), a mean (Student t) and anything else (percentile bootstrap).
 */
import type { Rng } from '../random';
import { studentTQuantile } from './betaFamily';

/** z for a two-sided 95 % interval: Φ⁻¹(0.975). */
const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a proportion (Wilson 1927; Agresti & Coull 1998 show it keeps close to nominal coverage
 * even near 0 and 1 and for small n, where the normal approximation p ± z·√(p(1−p)/n) does not). 0 of 0 gives [0, 1];
 * impossible counts throw a RangeError.
 */
export function wilsonInterval(successes: number, trials: number, z = Z95): [number, number] {
  // No trials, no information: the whole unit interval.
  if (trials === 0 && successes === 0) return [0, 1];
  if (!(trials > 0) || successes < 0 || successes > trials) {
    throw new RangeError(`wilsonInterval: need 0 ≤ successes ≤ trials and trials > 0, got ${successes}/${trials}`);
  }
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 or n successes the bound is exactly 0 or 1 ((p + z²/2n ± z²/2n)/(1 + z²/n)); computed, it can round to 1 − ε
  // and fall below the estimate itself.
  return [successes === 0 ? 0 : Math.max(0, centre - half), successes === trials ? 1 : Math.min(1, centre + half)];
}

function checkLevel(name: string, level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`${name}: level must be in (0, 1), got ${level}`);
}

/**
 * Interval for a population mean from a sample's mean, standard deviation (n − 1 denominator) and size:
 * mean ± t_{n−1, (1+level)/2} · sd/√n (Student 1908). [NaN, NaN] when n < 2 or an input is not finite: one value
 * says nothing about spread.
 */
export function meanInterval(mean: number, sd: number, n: number, level = 0.95): [number, number] {
  checkLevel('meanInterval', level);
  if (!(n >= 2) || !Number.isFinite(mean) || !Number.isFinite(sd) || sd < 0) return [NaN, NaN];
  // The quantile of the small tail (1 − level)/2, negated: 1 − (1 − level)/2 would round it.
  const t = -studentTQuantile((1 - level) / 2, n - 1);
  const half = (t * sd) / Math.sqrt(n);
  return [mean - half, mean + half];
}

export interface BootstrapInterval {
  readonly lower: number;
  readonly upper: number;
  /** Replicates whose statistic was finite, the ones the percentiles are taken over. */
  readonly replicates: number;
}

/**
 * Percentile bootstrap interval (Efron & Tibshirani 1993, ch. 13) of a statistic of n rows: draw `reps` resamples of
 * row indices with replacement from the seeded `rng`, evaluate the statistic on each, and take the (1 − level)/2 and
 * (1 + level)/2 quantiles of the replicates (linear interpolation between order statistics, numpy's default, as
 * scipy.stats.bootstrap(method='percentile')).
 *
 * The index buffer handed to the statistic is reused between replicates: read it, do not keep it. Replicates where
 * the statistic is NaN or infinite (a resample with one class, say) are dropped and counted out of `replicates`; if
 * none remain, the bounds are NaN. The same seed gives the same interval.
 */
export function bootstrapInterval(
  statisticOfIndices: (idx: Uint32Array) => number,
  n: number,
  reps: number,
  rng: Rng,
  level = 0.95,
): BootstrapInterval {
  checkLevel('bootstrapInterval', level);
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`bootstrapInterval: n must be a positive integer, got ${n}`);
  if (!(Number.isInteger(reps) && reps > 0)) {
    throw new RangeError(`bootstrapInterval: reps must be a positive integer, got ${reps}`);
  }
  const idx = new Uint32Array(n);
  const values = new Float64Array(reps);
  let m = 0;
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    const v = statisticOfIndices(idx);
    if (Number.isFinite(v)) values[m++] = v;
  }
  if (m === 0) return { lower: NaN, upper: NaN, replicates: 0 };
  const sorted = values.subarray(0, m).sort();
  const alpha = (1 - level) / 2;
  return { lower: quantileSorted(sorted, alpha), upper: quantileSorted(sorted, 1 - alpha), replicates: m };
}

/** Type-7 quantile (Hyndman & Fan 1996; numpy.percentile's default) of a sorted, non-empty array. */
function quantileSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

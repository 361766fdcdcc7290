/**
 * Multiple-testing control for a family of p-values (one per feature, say). All three procedures return the same
 * shape so a report can say which one it used and show adjusted p-values next to raw ones.
 *
 * Missing p-values: NaN means "no test was possible" (a constant feature, one group). It is never rejected, its
 * adjusted value is NaN, and it does not count in the family size m — a feature that could not be tested cannot
 * produce a false discovery, so counting it would only make the others' thresholds stricter for nothing. (statsmodels'
 * multipletests would propagate the NaN into the sort instead; drop NaNs before comparing with it.)
 * A p-value outside [0, 1] is a bug upstream and throws a RangeError.
 */

export interface MultipleTestResult {
  /** Per input, in input order. */
  readonly rejected: boolean[];
  /** Adjusted p-values (reject ⇔ adjusted ≤ level), in input order; NaN where the input was NaN. */
  readonly adjusted: number[];
  /** Raw p-values ≤ threshold are rejected; 0 when nothing is rejected (BH) — see each procedure. */
  readonly threshold: number;
  /** Family size: the number of non-NaN p-values. */
  readonly m: number;
}

function checkLevel(name: string, level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`${name}: level must be in (0, 1), got ${level}`);
}

/** Indices of the non-NaN p-values, sorted by p ascending (stable, so ties keep input order). */
function sortedValid(name: string, pValues: ArrayLike<number>): number[] {
  const order: number[] = [];
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i];
    if (Number.isNaN(p)) continue;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: p-value ${i} is ${p}, outside [0, 1]`);
    order.push(i);
  }
  return order.sort((a, b) => pValues[a] - pValues[b] || a - b);
}

function emptyResult(n: number): { rejected: boolean[]; adjusted: number[] } {
  return { rejected: new Array<boolean>(n).fill(false), adjusted: new Array<number>(n).fill(NaN) };
}

/**
 * Benjamini & Hochberg (1995) step-up procedure, controlling the false discovery rate at q for independent or
 * positively dependent (PRDS) tests (Benjamini & Yekutieli 2001). With p₍₁₎ ≤ … ≤ p₍ₘ₎, reject the k smallest where
 * k = max{i : p₍ᵢ₎ ≤ i·q/m}. Adjusted p₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎/j), as statsmodels' fdr_bh and
 * scipy.stats.false_discovery_control. threshold = k·q/m (0 when k = 0): p ≤ threshold ⇔ rejected.
 */
export function benjaminiHochberg(pValues: ArrayLike<number>, q = 0.05): MultipleTestResult {
  checkLevel('benjaminiHochberg', q);
  const order = sortedValid('benjaminiHochberg', pValues);
  const m = order.length;
  const { rejected, adjusted } = emptyResult(pValues.length);
  let running = 1;
  let k = 0;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1];
    const p = pValues[i];
    running = Math.min(running, (m * p) / rank);
    adjusted[i] = running;
    if (k === 0 && p <= (rank * q) / m) k = rank;
  }
  for (let rank = 1; rank <= k; rank++) rejected[order[rank - 1]] = true;
  return { rejected, adjusted, threshold: (k * q) / Math.max(1, m), m };
}

/** Bonferroni: reject p ≤ α/m, controlling the family-wise error rate under any dependence. Adjusted = min(1, m·p). */
export function bonferroni(pValues: ArrayLike<number>, alpha = 0.05): MultipleTestResult {
  checkLevel('bonferroni', alpha);
  const order = sortedValid('bonferroni', pValues);
  const m = order.length;
  const { rejected, adjusted } = emptyResult(pValues.length);
  const threshold = alpha / Math.max(1, m);
  for (const i of order) {
    adjusted[i] = Math.min(1, m * pValues[i]);
    rejected[i] = pValues[i] <= threshold;
  }
  return { rejected, adjusted, threshold, m };
}

/**
 * Holm (1979) step-down: reject p₍₁₎, p₍₂₎, … while p₍ᵢ₎ ≤ α/(m − i + 1). Same family-wise guarantee as Bonferroni and
 * never less powerful. Adjusted p₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎) (statsmodels' holm). threshold = α/(m − k)
 * with k rejections, the critical value the first retained p-value failed (α when all are rejected).
 */
export function holm(pValues: ArrayLike<number>, alpha = 0.05): MultipleTestResult {
  checkLevel('holm', alpha);
  const order = sortedValid('holm', pValues);
  const m = order.length;
  const { rejected, adjusted } = emptyResult(pValues.length);
  let running = 0;
  let stopped = false;
  let k = 0;
  for (let rank = 1; rank <= m; rank++) {
    const i = order[rank - 1];
    const p = pValues[i];
    running = Math.max(running, Math.min(1, (m - rank + 1) * p));
    adjusted[i] = running;
    if (!stopped && p <= alpha / (m - rank + 1)) {
      rejected[i] = true;
      k = rank;
    } else {
      stopped = true;
    }
  }
  return { rejected, adjusted, threshold: alpha / Math.max(1, m - k), m };
}

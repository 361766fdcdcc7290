/**
 * The area under the ROC curve of scores for two groups, with DeLong's variance (DeLong, DeLong & Clarke-Pearson
 * 1988) computed from midranks as in Sun & Xu (2014): one sort of all scores, one of each group.
 *
 * AUC = P(score of a positive > score of a negative) + ½ P(tie) — the Mann–Whitney U / (n₁n₀), what
 * sklearn.metrics.roc_auc_score returns. Its structural components V₁₀(xᵢ) = (rank of xᵢ among all − rank among the
 * positives) / n₀ and V₀₁(yⱼ) = 1 − (rank of yⱼ among all − rank among the negatives) / n₁ give
 * Var(AUC) = S₁₀/n₁ + S₀₁/n₀ with S the sample variances of the components.
 */
import { normalQuantile, normalSf } from './distributions';
import { averageRanks } from './ranks';

export interface AucResult {
  /** NaN when either group is empty. */
  readonly auc: number;
  /** DeLong's standard error (NaN with fewer than two of either group). */
  readonly se: number;
  /** auc ± z·se, clipped to [0, 1]. */
  readonly ci95: [number, number];
  /** One-sided p-value of AUC > 0.5: P(Z ≥ (auc − 0.5)/se). */
  readonly pGreater: number;
  readonly positives: number;
  readonly negatives: number;
}

/** `scores[i]` of row i, `positive[i]` its group (true: positive). NaN scores are not allowed (a RangeError). */
export function aucDeLong(scores: ArrayLike<number>, positive: ArrayLike<boolean>, level = 0.95): AucResult {
  const n = scores.length;
  if (positive.length !== n) throw new RangeError(`aucDeLong: ${n} scores for ${positive.length} groups`);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (s !== s) throw new RangeError(`aucDeLong: score ${i} is NaN`);
    (positive[i] ? pos : neg).push(s);
  }
  const n1 = pos.length;
  const n0 = neg.length;
  if (n1 === 0 || n0 === 0) return { auc: NaN, se: NaN, ci95: [NaN, NaN], pGreater: NaN, positives: n1, negatives: n0 };
  const all = averageRanks([...pos, ...neg]);
  const within1 = averageRanks(pos);
  const within0 = averageRanks(neg);
  const v10 = new Float64Array(n1);
  const v01 = new Float64Array(n0);
  let rankSum = 0;
  for (let i = 0; i < n1; i++) {
    rankSum += all[i];
    v10[i] = (all[i] - within1[i]) / n0;
  }
  for (let j = 0; j < n0; j++) v01[j] = 1 - (all[n1 + j] - within0[j]) / n1;
  const auc = (rankSum - (n1 * (n1 + 1)) / 2) / (n1 * n0);
  if (n1 < 2 || n0 < 2) return { auc, se: NaN, ci95: [NaN, NaN], pGreater: NaN, positives: n1, negatives: n0 };
  const se = Math.sqrt(sampleVariance(v10) / n1 + sampleVariance(v01) / n0);
  const z = normalQuantile(1 - (1 - level) / 2);
  const ci95: [number, number] = [Math.max(0, auc - z * se), Math.min(1, auc + z * se)];
  // se = 0 happens when the groups are perfectly separated (or every score ties): no sampling variation is left.
  const pGreater = se > 0 ? normalSf((auc - 0.5) / se) : auc > 0.5 ? 0 : auc < 0.5 ? 1 : 0.5;
  return { auc, se, ci95, pGreater, positives: n1, negatives: n0 };
}

function sampleVariance(v: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i];
  mean /= v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i] - mean) * (v[i] - mean);
  return ss / (v.length - 1);
}

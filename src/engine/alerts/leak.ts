/**
 * The label-leak check's scores: how well one feature alone predicts the label with few parameters — the majority
 * class (or the mean of a numeric target) per level or per quantile bin — and, for a numeric target, the rank
 * correlation that catches any monotone function of it. Continuous features are scored by a kernel
 * (parallel/kernels.ts: `leakScore`) that needs only the column and the label, so a pool's threads score them side by
 * side; alerts.ts turns the scores into alerts.
 */
import { spearman } from '../stats/spearman';
import type { FeatureProfile } from '../stats/profile';

/** Equal-count bins of the leak check: 31 cuts, searched in five fixed steps (quantileCodes). */
export const LEAK_BINS = 32;
/** |Spearman ρ| of a numeric feature with a numeric target at or above this: the feature is the target, reordered. */
export const LEAK_RANK_CORRELATION = 0.995;
/** At most about this many values place a continuous feature's cuts (see quantileCodes). */
const LEAK_CUT_SAMPLE = 65_536;

/** Whether a continuous feature is scored by its quantile bins (enough values for 32 bins of 5). */
export function continuousLeakCheck(f: FeatureProfile): boolean {
  return f.stats.quantiles !== null && f.stats.count >= LEAK_BINS * 5;
}

/**
 * Equal-count bins (LEAK_BINS) of a column's present values; −1 for a missing cell. The cuts come from an evenly
 * strided subset of at most about LEAK_CUT_SAMPLE values of a big column: they only group rows (any cuts give a valid
 * score of those groups, computed on every row), and sorting a million values per feature to place 31 cuts cost
 * seconds per table.
 */
export function quantileCodes(col: Float32Array, count: number): Int32Array {
  const stride = Math.max(1, Math.floor(count / LEAK_CUT_SAMPLE));
  // Every stride-th present value (the 0th, the stride-th, …), counted down rather than by a modulo per cell.
  const picked = new Float64Array(Math.floor(Math.max(0, count - 1) / stride) + 1);
  let m = 0;
  for (let i = 0, wait = 0; i < col.length && m < picked.length; i++) {
    const v = col[i];
    if (v !== v) continue;
    if (wait === 0) {
      picked[m++] = v;
      wait = stride;
    }
    wait--;
  }
  const sorted = picked.subarray(0, m).sort();
  const cuts = new Float64Array(LEAK_BINS - 1);
  for (let b = 1; b < LEAK_BINS; b++) cuts[b - 1] = sorted[Math.floor((b * sorted.length) / LEAK_BINS)];
  const codes = new Int32Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    // The number of cuts at or below v (an upper-bound search), in five fixed steps over the 31 sorted cuts, without
    // branches: 5× faster than a binary search's unpredictable ones on a million values.
    let lo = +(v >= cuts[15]) << 4;
    lo |= +(v >= cuts[lo + 7]) << 3;
    lo |= +(v >= cuts[lo + 3]) << 2;
    lo |= +(v >= cuts[lo + 1]) << 1;
    lo |= +(v >= cuts[lo]);
    codes[i] = v === v ? lo : -1;
  }
  return codes;
}

/** What the leak scores of one table share: the columns and the label (class codes, or a numeric target). */
export interface LeakContext {
  readonly columns: readonly Float32Array[];
  readonly labels: Int32Array | null;
  readonly classes: number;
  readonly target: Float64Array | null;
}

export interface LeakTask {
  readonly feature: number;
  /** The feature's present values (its profile's count). */
  readonly count: number;
  /** Score its quantile bins (continuousLeakCheck). */
  readonly bins: boolean;
  /** A numeric target: test the rank correlation first. */
  readonly rank: boolean;
}

export type LeakScore =
  | { readonly kind: 'rank'; readonly rho: number; readonly rows: number }
  | { readonly kind: 'bins'; readonly value: number; readonly base: number; readonly rows: number; readonly groups: number };

/** One continuous feature's leak score: a near-monotone rank correlation with a numeric target, else its bins' fit. */
export function leakScoreKernel(context: LeakContext, task: LeakTask): LeakScore | null {
  const col = context.columns[task.feature];
  if (task.rank && context.target) {
    const r = spearman(col, context.target);
    if (Number.isFinite(r.rho) && Math.abs(r.rho) >= LEAK_RANK_CORRELATION && r.n >= 20) return { kind: 'rank', rho: r.rho, rows: r.n };
  }
  if (!task.bins) return null;
  const codes = quantileCodes(col, task.count);
  const score = context.target ? binR2(codes, LEAK_BINS, context.target) : context.labels ? binAccuracy(codes, LEAK_BINS, context.labels, context.classes) : null;
  return score ? { kind: 'bins', ...score, groups: LEAK_BINS } : null;
}

export function binAccuracy(codes: Int32Array, k: number, labels: Int32Array, classes: number): { value: number; base: number; rows: number } | null {
  if (classes < 2) return null;
  const table = new Int32Array(k * classes);
  const totals = new Int32Array(classes);
  let rows = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    const y = labels[i];
    if (c < 0 || y < 0) continue;
    table[c * classes + y]++;
    totals[y]++;
    rows++;
  }
  if (rows === 0) return null;
  let right = 0;
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let y = 0; y < classes; y++) best = Math.max(best, table[c * classes + y]);
    right += best;
  }
  return { value: right / rows, base: Math.max(...totals) / rows, rows };
}

export function binR2(codes: Int32Array, k: number, target: Float64Array): { value: number; base: number; rows: number } | null {
  const sum = new Float64Array(k);
  const count = new Float64Array(k);
  let total = 0;
  let rows = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    const y = target[i];
    if (c < 0 || !Number.isFinite(y)) continue;
    sum[c] += y;
    count[c]++;
    total += y;
    rows++;
  }
  if (rows < 2) return null;
  const mean = total / rows;
  let ssTotal = 0;
  let ssWithin = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    const y = target[i];
    if (c < 0 || !Number.isFinite(y)) continue;
    ssTotal += (y - mean) ** 2;
    ssWithin += (y - sum[c] / count[c]) ** 2;
  }
  if (!(ssTotal > 0)) return null;
  return { value: 1 - ssWithin / ssTotal, base: 0, rows };
}

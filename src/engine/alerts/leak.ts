/**
 * The label-leak check's scores: how well one feature alone predicts the label with few parameters — the majority
 * class (or the mean of a numeric target) per level or per quantile bin — and, for a numeric target, the rank
 * correlation that catches any monotone function of it. Continuous features are scored by a kernel
 * (parallel/kernels.ts: `leakScore`) that needs only the column and the label, so a pool's threads score them side by
 * side; alerts.ts turns the scores into alerts.
 */
import { createRng } from '../random';
import { sampleIndices } from '../stats/sampling';
import { spearman } from '../stats/spearman';
import { radixSortFloat32 } from '../stats/summary';
import type { FeatureProfile } from '../stats/profile';
import { mapToInt32 } from '../typed';

/** Equal-count bins of the leak check: 31 cuts, searched in five fixed steps (quantileCodes). */
export const LEAK_BINS = 32;
/** |Spearman ρ| of a numeric feature with a numeric target at or above this: the feature is the target, reordered. */
export const LEAK_RANK_CORRELATION = 0.995;
/** At most about this many values place a continuous feature's cuts (see quantileCodes). */
const LEAK_CUT_SAMPLE = 65_536;
/**
 * A class label on more rows than twice this is screened first on a seeded sample of this many rows (leakScreenRows).
 * A bin accuracy below the alert's threshold by more than LEAK_SCREEN_MARGIN there clears the feature; only the
 * others are scored on every row. Why it is safe: the sample's accuracy is at least that of the full table's majority
 * class per bin counted on the sample, an unbiased proportion, so (Hoeffding, which holds for sampling without
 * replacement) a feature whose full accuracy reaches the threshold shows less than threshold − δ on n sampled rows
 * with probability at most exp(−2nδ²): e^−210 ≈ 10^−91 at n = 65,536 and δ = 0.04. An alert's numbers are always
 * those of every row.
 */
export const LEAK_SCREEN_ROWS = 65_536;
export const LEAK_SCREEN_MARGIN = 0.04;

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
  return binCodes(col, leakCuts(col, count), null);
}

/** The 31 cuts of quantileCodes. */
function leakCuts(col: Float32Array, count: number): Float64Array {
  const stride = Math.max(1, Math.floor(count / LEAK_CUT_SAMPLE));
  // Every stride-th present value (the 0th, the stride-th, …), counted down rather than by a modulo per cell.
  const picked = new Float32Array(Math.floor(Math.max(0, count - 1) / stride) + 1);
  let m = 0;
  // Every value present (count is of the finite ones): the k-th pick is row k·stride, read without a pass.
  if (count === col.length) for (; m < picked.length; m++) picked[m] = col[m * stride];
  for (let i = 0, wait = 0; i < col.length && m < picked.length; i++) {
    const v = col[i];
    if (v !== v) continue;
    if (wait === 0) {
      picked[m++] = v;
      wait = stride;
    }
    wait--;
  }
  // The column's own float32 values, radix-sorted (its keys order ±∞ too): a native sort of 65,536 doubles cost 5 ms
  // per feature.
  const sorted = m >= 4096 ? radixSortFloat32(picked.subarray(0, m)) : picked.subarray(0, m).sort();
  const cuts = new Float64Array(LEAK_BINS - 1);
  for (let b = 1; b < LEAK_BINS; b++) cuts[b - 1] = sorted[Math.floor((b * sorted.length) / LEAK_BINS)];
  return cuts;
}

/** The bin of each value (of the rows listed in `rows`, else of every row), −1 when missing. */
function binCodes(col: Float32Array, cuts: Float64Array, rows: Int32Array | null): Int32Array {
  const m = rows ? rows.length : col.length;
  const codes = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const v = col[rows ? rows[k] : k];
    // The number of cuts at or below v (an upper-bound search), in five fixed steps over the 31 sorted cuts, without
    // branches: 5× faster than a binary search's unpredictable ones on a million values.
    let lo = +(v >= cuts[15]) << 4;
    lo |= +(v >= cuts[lo + 7]) << 3;
    lo |= +(v >= cuts[lo + 3]) << 2;
    lo |= +(v >= cuts[lo + 1]) << 1;
    lo |= +(v >= cuts[lo]);
    codes[k] = v === v ? lo : -1;
  }
  return codes;
}

/** The screening sample: its rows in increasing order and their class codes, shared by every feature's task. */
export interface LeakScreen {
  readonly rows: Int32Array;
  readonly labels: Int32Array;
}

/** The screening sample's rows, in increasing order (LEAK_SCREEN_ROWS), or null when every row is scored at once. */
export function leakScreenRows(rows: number, classLabel: boolean): Int32Array | null {
  if (!classLabel || rows <= 2 * LEAK_SCREEN_ROWS) return null;
  return Int32Array.from(sampleIndices(rows, LEAK_SCREEN_ROWS, createRng(LEAK_SCREEN_SEED)));
}

/** The screening sample of a class label (its rows and their codes, gathered once per table), or null. */
export function leakScreen(labels: Int32Array | null): LeakScreen | null {
  const rows = labels ? leakScreenRows(labels.length, true) : null;
  if (!labels || !rows) return null;
  return { rows, labels: mapToInt32(rows.length, (k) => labels[rows[k]]) };
}

/** A fixed seed: the screen, like every alert, depends on the table only. */
const LEAK_SCREEN_SEED = 0x1eac;

/** What the leak scores of one table share: the columns and the label (class codes, or a numeric target). */
export interface LeakContext {
  readonly columns: readonly Float32Array[];
  readonly labels: Int32Array | null;
  readonly classes: number;
  readonly target: Float64Array | null;
  /** A class label's screening sample (leakScreen), or null. */
  readonly screen: LeakScreen | null;
  /** The bin accuracy at or above which a feature leaks the label (the alert's threshold). */
  readonly threshold: number;
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
  const cuts = leakCuts(col, task.count);
  if (context.labels && context.screen) {
    // Screened: far below the threshold on the sample is below it on every row (LEAK_SCREEN_ROWS).
    const screened = binAccuracy(binCodes(col, cuts, context.screen.rows), LEAK_BINS, context.screen.labels, context.classes);
    if (!screened || screened.value < context.threshold - LEAK_SCREEN_MARGIN) return null;
  }
  const codes = binCodes(col, cuts, null);
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

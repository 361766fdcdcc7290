/**
 * Kruskal–Wallis H test (Kruskal & Wallis 1952): do the groups of a label differ in the distribution of a numeric
 * feature? Rank-based, so it needs no normality and is unmoved by outliers or monotone transforms — the right first
 * test of "does this feature carry any signal about the class".
 */
import { chiSquareSf } from './distributions';
import { groupRankSums, ranksWithTies, tieCorrectionFromSum } from './ranks';

export interface KruskalWallisResult {
  /** Tie-corrected H, as scipy.stats.kruskal; NaN when there is no test (see reason). */
  readonly statistic: number;
  /** Non-empty groups − 1. */
  readonly df: number;
  /** P(χ²_df ≥ H), the large-sample approximation scipy uses; NaN when there is no test. */
  readonly p: number;
  /** Rows used: finite value and a group ≥ 0. */
  readonly n: number;
  /** Non-empty groups among 0…groupCount − 1. */
  readonly groups: number;
  /** Rows per group code, length groupCount. */
  readonly groupSizes: number[];
  /** ε² = H/(n − 1) (Kelley 1935; Tomczak & Tomczak 2014): 0 = no separation, 1 = groups fully separated by rank. */
  readonly epsilonSquared: number;
  /** The tie correction H was divided by (1 = no ties). */
  readonly tieCorrection: number;
  /** Why there is no test, or null when there is one. */
  readonly reason: string | null;
}

/**
 * Kruskal–Wallis over the rows where values[i] is finite and groups[i] ≥ 0 (a negative or NaN group is missing).
 * Group codes must be integers below groupCount. Empty groups are dropped: df counts only the groups that occur.
 *
 * H = 12/(n(n + 1)) Σ nᵢ (R̄ᵢ − (n + 1)/2)² / (1 − Σ(t³ − t)/(n³ − n)): the centred form of the textbook
 * 12/(n(n+1)) Σ Rᵢ²/nᵢ − 3(n + 1), equal in exact arithmetic but free of the cancellation that, at n = 10⁶, leaves the
 * textbook form with an absolute error of ~1e−9.
 */
export function kruskalWallis(
  values: ArrayLike<number>,
  groups: ArrayLike<number>,
  groupCount: number,
): KruskalWallisResult {
  if (values.length !== groups.length) {
    throw new RangeError(`kruskalWallis: ${values.length} values but ${groups.length} group codes`);
  }
  if (!(Number.isInteger(groupCount) && groupCount >= 0)) {
    throw new RangeError(`kruskalWallis: groupCount must be a non-negative integer, got ${groupCount}`);
  }
  // Float32 values in a few groups with integer codes (a feature against a class label, the common case): each group
  // sorted by itself and merged (groupRankSums counts and skips the missing rows itself: the same sums, exactly,
  // without a copy of the rows).
  if (values instanceof Float32Array && groups instanceof Int32Array && groupCount <= MERGE_MAX_GROUPS) {
    // groupRankSums counts the rows it ranks (a group code out of range is its RangeError).
    const merged = groupRankSums(values, groups, groupCount);
    return kruskalWallisFromRanks(merged.sizes, merged.n, () => merged);
  }
  const sizes = new Float64Array(groupCount);
  const rows = compact(values, groups, groupCount, sizes);
  return kruskalWallisFromRanks(sizes, rows.used.length, () => rankSumsByRow(rows.used, rows.codes, groupCount));
}

/**
 * Kruskal–Wallis from the rows per group (`sizes`, `n` in all) and the groups' rank sums and tie term, asked for only
 * when there is a test: what kruskalWallis computes after its sort, for a caller that sorted already (ranks.ts:
 * sortedWithTwoGroupRanks). The same numbers for the same sums.
 */
export function kruskalWallisFromRanks(sizes: Float64Array, n: number, ranks: () => { readonly rankSums: Float64Array; readonly tieSum: number }): KruskalWallisResult {
  const groupCount = sizes.length;
  let nonEmpty = 0;
  for (let g = 0; g < groupCount; g++) if (sizes[g] > 0) nonEmpty++;
  const groupSizes = Array.from(sizes);
  const df = Math.max(0, nonEmpty - 1);
  const none = (reason: string, tieCorrection = 1): KruskalWallisResult => ({
    statistic: NaN,
    df,
    p: NaN,
    n,
    groups: nonEmpty,
    groupSizes,
    epsilonSquared: NaN,
    tieCorrection,
    reason,
  });
  if (n === 0) return none('no row has both a finite value and a group');
  if (nonEmpty < 2) return none('fewer than two non-empty groups: nothing to compare');

  const { rankSums, tieSum } = ranks();
  const correction = tieCorrectionFromSum(tieSum, n);
  if (!(correction > 0)) return none('every value is the same: ranks carry no information', correction);
  const centre = (n + 1) / 2;
  let between = 0;
  for (let g = 0; g < groupCount; g++) {
    if (sizes[g] === 0) continue;
    const d = rankSums[g] / sizes[g] - centre;
    between += sizes[g] * d * d;
  }
  const statistic = (12 / (n * (n + 1))) * between / correction;
  return {
    statistic,
    df,
    p: chiSquareSf(statistic, df),
    n,
    groups: nonEmpty,
    groupSizes,
    epsilonSquared: statistic / (n - 1),
    tieCorrection: correction,
    reason: null,
  };
}

/** The rows with a finite value and a group, copied out (float32 values stay float32: their ranks sort a 32-bit key). */
function compact(values: ArrayLike<number>, groups: ArrayLike<number>, groupCount: number, sizes: Float64Array): { used: Float32Array | Float64Array; codes: Int32Array } {
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const g = groups[i];
    if (!(g >= 0) || !Number.isFinite(values[i])) continue;
    if (g >= groupCount || g !== Math.floor(g)) throw badCode(i, g, groupCount);
    n++;
  }
  const used = values instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  const codes = new Int32Array(n);
  for (let i = 0, j = 0; i < values.length; i++) {
    const g = groups[i];
    const v = values[i];
    if (!(g >= 0) || !Number.isFinite(v)) continue;
    used[j] = v;
    codes[j++] = g;
    sizes[g]++;
  }
  return { used, codes };
}

function badCode(row: number, code: number, groupCount: number): RangeError {
  return new RangeError(`kruskalWallis: row ${row} has group code ${code}; codes must be integers in [0, ${groupCount})`);
}

/** Up to this many groups the merge's per-tie scan of every group stays cheaper than ranking each row. */
const MERGE_MAX_GROUPS = 8;

/** Rank sums by group from every row's mid-rank (any values, any number of groups). */
function rankSumsByRow(used: Float32Array | Float64Array, codes: Int32Array, groupCount: number): { rankSums: Float64Array; tieSum: number } {
  const { ranks, tieSum } = ranksWithTies(used);
  const rankSums = new Float64Array(groupCount);
  for (let j = 0; j < used.length; j++) rankSums[codes[j]] += ranks[j];
  return { rankSums, tieSum };
}

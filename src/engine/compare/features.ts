/**
 * One feature of two tables, side by side: does its distribution differ between A and B, and by how much?
 *
 * - Continuous numbers: the two-sample Kolmogorov–Smirnov test (asymptotic, scipy.stats.ks_2samp(method='asymp')).
 * - Discrete columns (categories, booleans, numbers with at most CATEGORICAL_MAX_DISTINCT distinct values over both
 *   sides): Pearson's χ² test of homogeneity of the value counts (scipy.stats.chi2_contingency, no Yates), where
 *   the KS test would be conservative.
 * - Missing cells: when either side has any, a 2 × 2 χ² test of the missing rate too, the two p-values combined by
 *   Bonferroni (p = min(1, 2·min)) so each feature contributes one p-value to the table's family.
 *
 * Magnitudes come with the test: the population stability index over A's deciles (or over the values), the
 * standardised mean shift (mean_B − mean_A)/sd_A and the ratio of standard deviations, and each side's shape class.
 */
import type { Categories, FeatureType } from '../dataset';
import { chiSquareSf } from '../stats/distributions';
import { binCounts, ksStatistic, ksTwoSamplePValue, meanAndSd, proportions, psi, quantileCuts } from '../stats/drift';
import { valueCountsSorted } from '../stats/histogram';
import { CATEGORICAL_MAX_DISTINCT, sampledShape } from '../stats/shape';
import { quantileSorted, sortedPresent } from '../stats/summary';
import type { ShapeClass } from '../stats/types';

/** One feature's column on one side. */
export interface CompareColumn {
  readonly name: string;
  readonly type: FeatureType;
  /** NaN = missing; categorical: level codes (see categories). */
  readonly values: Float32Array;
  readonly categories: Categories | null;
}

export interface SideSummary {
  readonly count: number;
  readonly missing: number;
  readonly mean: number | null;
  readonly sd: number | null;
  readonly shape: ShapeClass;
}

/** One bar of the overlaid probability mass chart: a value, a level or a bin, with its share on each side. */
export interface PmfBin {
  readonly label: string;
  /** Bin centre (numbers), else null: categories keep their order. */
  readonly x: number | null;
  readonly a: number;
  readonly b: number;
}

export interface FeatureComparison {
  readonly name: string;
  readonly type: FeatureType;
  readonly a: SideSummary;
  readonly b: SideSummary;
  /** The distribution test: 'ks' (continuous numbers) or 'chiSquare' (values or levels). */
  readonly test: 'ks' | 'chiSquare';
  /** KS: D; χ²: X². */
  readonly statistic: number;
  /** The distribution test's p-value. */
  readonly pDistribution: number;
  /** The missing-rate test's p-value; null when neither side has missing cells. */
  readonly pMissing: number | null;
  /** The feature's p-value in the family: the distribution test's, or the Bonferroni combination with the missing-rate test. */
  readonly p: number;
  /** The KS distance of the two ECDFs (numbers and binary columns; null for text levels). */
  readonly ks: number | null;
  readonly psi: number;
  /** (mean_B − mean_A)/sd_A; null when either is undefined or sd_A is 0. */
  readonly meanShift: number | null;
  /** sd_B / sd_A; null when undefined. */
  readonly sdRatio: number | null;
  readonly pmf: PmfBin[];
  /** How the chart's bins were made (and what was clamped into the end bins). */
  readonly pmfNote: string;
  /** Why the comparison is weaker than usual (few rows, small expected counts), else null. */
  readonly caveat: string | null;
}

/** PSI bins for numbers: at A's deciles, the usual choice the 0.1 / 0.25 rules of thumb go with. */
export const PSI_BINS = 10;
/** Bins of the overlaid chart of a continuous feature (equal width between the pooled 0.5 % and 99.5 % quantiles). */
export const PMF_BINS = 30;
/** Shape classes on at most this many rows per side (every k-th row). */
export const SHAPE_ROWS = 50_000;

export function compareFeature(a: CompareColumn, b: CompareColumn): FeatureComparison {
  const sa = sortedPresent(a.values);
  const sb = sortedPresent(b.values);
  const missA = a.values.length - sa.length;
  const missB = b.values.length - sb.length;
  const coded = a.type === 'categorical';
  const sideA = side(a.values, sa, missA, coded);
  const sideB = side(b.values, sb, missB, coded);
  const discrete = discreteKeys(a, b, sa, sb);
  let test: 'ks' | 'chiSquare';
  let statistic: number;
  let pDistribution: number;
  let ks: number | null = null;
  let psiValue: number;
  let pmf: PmfBin[];
  let pmfNote: string;
  let caveat: string | null = null;
  if (discrete) {
    const countsA = discrete.keys.map((k) => discrete.countA.get(k) ?? 0);
    const countsB = discrete.keys.map((k) => discrete.countB.get(k) ?? 0);
    const chi = homogeneity(countsA, countsB);
    test = 'chiSquare';
    statistic = chi.statistic;
    pDistribution = chi.p;
    if (chi.minExpected < 1) caveat = `smallest expected count ${chi.minExpected.toFixed(2)} < 1: the χ² approximation is rough (Cochran 1954)`;
    ks = a.categories === null || a.type === 'boolean' ? ksStatistic(sa, sb) : null;
    psiValue = psi(proportions(withMissing(countsA, missA, missA + missB)), proportions(withMissing(countsB, missB, missA + missB)));
    const pa = proportions(countsA);
    const pb = proportions(countsB);
    pmf = discrete.keys.map((k, i) => ({ label: discrete.labels[i], x: discrete.numeric ? Number(k) : null, a: pa[i], b: pb[i] }));
    pmfNote = `share of present values at each ${discrete.numeric ? 'value' : 'level'}`;
  } else {
    test = 'ks';
    ks = ksStatistic(sa, sb);
    statistic = ks;
    pDistribution = sa.length > 0 && sb.length > 0 ? ksTwoSamplePValue(ks, sa.length, sb.length) : NaN;
    const cuts = quantileCuts(sa, PSI_BINS);
    psiValue = psi(proportions(withMissing(binCounts(sa, cuts), missA, missA + missB)), proportions(withMissing(binCounts(sb, cuts), missB, missA + missB)));
    const chart = continuousPmf(sa, sb);
    pmf = chart.bins;
    pmfNote = chart.note;
  }
  if (sa.length < 20 || sb.length < 20) caveat = `only ${Math.min(sa.length, sb.length)} present values on one side: little power`;
  const pMissing = missA + missB > 0 ? homogeneity([sa.length, missA], [sb.length, missB]).p : null;
  const p = pMissing === null || Number.isNaN(pMissing) ? pDistribution : Number.isNaN(pDistribution) ? pMissing : Math.min(1, 2 * Math.min(pDistribution, pMissing));
  // A categorical column's numbers are level codes, which each file assigns itself: no mean to compare.
  const meanShift = a.type === 'categorical' ? null : shift(sideA, sideB);
  const sdRatio = a.type === 'categorical' || sideA.sd === null || sideB.sd === null || !(sideA.sd > 0) ? null : sideB.sd / sideA.sd;
  return { name: a.name, type: a.type, a: sideA, b: sideB, test, statistic, pDistribution, pMissing, p, ks, psi: psiValue, meanShift, sdRatio, pmf, pmfNote, caveat };
}

function shift(a: SideSummary, b: SideSummary): number | null {
  if (a.mean === null || b.mean === null || a.sd === null || !(a.sd > 0)) return null;
  return (b.mean - a.mean) / a.sd;
}

function side(values: Float32Array, sorted: Readonly<ArrayLike<number>>, missing: number, coded: boolean): SideSummary {
  const { mean, sd } = meanAndSd(sorted);
  const shape = sampledShape(values, SHAPE_ROWS);
  if (coded) return { count: sorted.length, missing, mean: null, sd: null, shape };
  return { count: sorted.length, missing, mean, sd, shape };
}

interface DiscreteKeys {
  /** Keys in display order: level names (categorical), spellings' codes (boolean) or values (numbers). */
  readonly keys: string[];
  readonly labels: string[];
  readonly numeric: boolean;
  readonly countA: Map<string, number>;
  readonly countB: Map<string, number>;
}

/** The two sides' value counts on shared keys, or null for a continuous column. */
function discreteKeys(a: CompareColumn, b: CompareColumn, sa: Readonly<ArrayLike<number>>, sb: Readonly<ArrayLike<number>>): DiscreteKeys | null {
  if (a.type === 'categorical' && a.categories && b.categories) {
    // Text levels match by name (each file numbers its own levels); integer-coded ones too, by their text.
    const countA = levelCounts(a.categories);
    const countB = levelCounts(b.categories);
    const keys = [...new Set([...a.categories.levels, ...b.categories.levels])].filter((k) => (countA.get(k) ?? 0) + (countB.get(k) ?? 0) > 0);
    return { keys, labels: keys, numeric: false, countA, countB };
  }
  if (a.type === 'boolean' && a.categories && b.categories) {
    // Booleans match by truth, whatever each file spells it: code 0 is false, 1 true.
    const countA = new Map([['0', a.categories.counts[0] ?? 0], ['1', a.categories.counts[1] ?? 0]]);
    const countB = new Map([['0', b.categories.counts[0] ?? 0], ['1', b.categories.counts[1] ?? 0]]);
    return { keys: ['0', '1'], labels: ['false', 'true'], numeric: false, countA, countB };
  }
  const va = valueCountsSorted(sa, CATEGORICAL_MAX_DISTINCT);
  const vb = valueCountsSorted(sb, CATEGORICAL_MAX_DISTINCT);
  if (!va || !vb) return null;
  const countA = new Map(va.values.map((v, i) => [String(v), va.counts[i]]));
  const countB = new Map(vb.values.map((v, i) => [String(v), vb.counts[i]]));
  const keys = [...new Set([...countA.keys(), ...countB.keys()])];
  if (keys.length > CATEGORICAL_MAX_DISTINCT) return null;
  keys.sort((x, y) => Number(x) - Number(y));
  return { keys, labels: keys.map((k) => String(Number(Number(k).toPrecision(6)))), numeric: true, countA, countB };
}

function levelCounts(c: Categories): Map<string, number> {
  const m = new Map<string, number>();
  c.levels.forEach((l, i) => m.set(l, (m.get(l) ?? 0) + (c.counts[i] ?? 0)));
  return m;
}


/**
 * Pearson's χ² test of homogeneity of two count vectors over the same keys: the 2 × k table without its empty
 * columns, df = (rows − 1)(columns − 1), no Yates correction (scipy.stats.chi2_contingency(table, correction=False)).
 * One key left (a constant on both sides): nothing can differ, p = 1. A side with no counts: no test (NaN).
 */
export function homogeneity(countsA: readonly number[], countsB: readonly number[]): { statistic: number; p: number; minExpected: number } {
  const totalA = countsA.reduce((s, c) => s + c, 0);
  const totalB = countsB.reduce((s, c) => s + c, 0);
  if (totalA === 0 || totalB === 0) return { statistic: NaN, p: NaN, minExpected: NaN };
  const n = totalA + totalB;
  let statistic = 0;
  let columns = 0;
  let minExpected = Infinity;
  for (let i = 0; i < countsA.length; i++) {
    const col = countsA[i] + countsB[i];
    if (col === 0) continue;
    columns++;
    const ea = (totalA * col) / n;
    const eb = (totalB * col) / n;
    statistic += (countsA[i] - ea) ** 2 / ea + (countsB[i] - eb) ** 2 / eb;
    minExpected = Math.min(minExpected, ea, eb);
  }
  if (columns < 2) return { statistic: 0, p: 1, minExpected };
  return { statistic, p: chiSquareSf(statistic, columns - 1), minExpected };
}

function withMissing(counts: readonly number[], missing: number, anyMissing: number): number[] {
  return anyMissing > 0 ? [...counts, missing] : [...counts];
}


function continuousPmf(sa: Readonly<ArrayLike<number>>, sb: Readonly<ArrayLike<number>>): { bins: PmfBin[]; note: string } {
  if (sa.length === 0 && sb.length === 0) return { bins: [], note: 'no present values' };
  const lowOf = (s: Readonly<ArrayLike<number>>): number => (s.length ? quantileSorted(s, 0.005) : Infinity);
  const highOf = (s: Readonly<ArrayLike<number>>): number => (s.length ? quantileSorted(s, 0.995) : -Infinity);
  let lo = Math.min(lowOf(sa), lowOf(sb));
  let hi = Math.max(highOf(sa), highOf(sb));
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / PMF_BINS;
  const count = (s: Readonly<ArrayLike<number>>): number[] => {
    const c = new Array<number>(PMF_BINS).fill(0);
    for (let i = 0; i < s.length; i++) c[Math.min(PMF_BINS - 1, Math.max(0, Math.floor((s[i] - lo) / width)))]++;
    return c;
  };
  const pa = proportions(count(sa));
  const pb = proportions(count(sb));
  const bins = pa.map((_, i) => {
    const x = lo + (i + 0.5) * width;
    return { label: String(Number(x.toPrecision(4))), x, a: pa[i], b: pb[i] };
  });
  return { bins, note: `share of present values in ${PMF_BINS} equal bins between the pooled 0.5 % and 99.5 % quantiles; values beyond them are counted in the end bins` };
}

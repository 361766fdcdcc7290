import type { Histogram, ModeStructure, ShapeClass, ShapeResult, Summary, ValueCounts } from './types';
import type { NumericColumn } from './summary';
import { sortedPresent, summariseSortedWithSum } from './summary';
import { histogramSorted, valueCountsSorted } from './histogram';
import { normalCdf } from './distributions';
import { ASHMAN_D_MIN, VALLEY_RATIO_MAX, detectModesSorted } from './modes';

/**
 * At most this many distinct values make a column categorical, provided each value repeats on average (distinct ≤
 * count / 2): continuous measurements practically never tie, so repeats on this scale mean a code, not a quantity.
 */
export const CATEGORICAL_MAX_DISTINCT = 20;

/** The three residual families and the Kryptonite shape each stands for. */
export type NoiseFamily = 'uniform' | 'normal' | 'laplace';
type NoiseShape = 'burst' | 'gaussian' | 'spread';
const FAMILIES: readonly NoiseFamily[] = ['uniform', 'normal', 'laplace'];
const SHAPE_OF: Readonly<Record<NoiseFamily, NoiseShape>> = { uniform: 'burst', normal: 'gaussian', laplace: 'spread' };
/** Marks a missing value in the per-value cluster assignment (peaks are far fewer than 65535). */
const MISSING = 0xffff;
const NAME_OF: Readonly<Record<NoiseFamily, string>> = { uniform: 'uniform', normal: 'normal', laplace: 'Laplace' };

export interface FeatureDescription {
  readonly summary: Summary;
  readonly histogram: Histogram;
  /** Exact value counts when the column has at most CATEGORICAL_MAX_DISTINCT distinct values. */
  readonly values: ValueCounts | null;
  readonly modes: ModeStructure;
  readonly shape: ShapeResult;
}

/**
 * Everything the report shows for one feature, sorting the column once (or not at all: `presorted` is its
 * sortedPresent result, made by a caller that sorted it for another reason).
 */
export function describeFeature(column: Readonly<Float32Array>, presorted?: Float32Array): FeatureDescription {
  const sorted = presorted ?? sortedPresent(column);
  const { summary, sum } = summariseSortedWithSum(sorted, column.length);
  const histogram = histogramSorted(sorted);
  const values = summary.distinct <= CATEGORICAL_MAX_DISTINCT ? valueCountsSorted(sorted, CATEGORICAL_MAX_DISTINCT) : null;
  const modes = detectModesSorted(sorted, { sum });
  // The sorted values, not the column: the same values (order does not matter to the fit), and the clusters are then
  // runs of consecutive values, which the passes walk without a mispredicted branch per value.
  const shape = classifyShape(sorted, summary, modes, true);
  return { summary, histogram, values, modes, shape };
}

/**
 * The shape class of a column read on at most `maxRows` rows (every k-th row, k = ⌈n / maxRows⌉): the drift checks
 * and Compare Datasets classify big columns on a fixed-size, deterministic sample.
 */
export function sampledShape(column: Readonly<Float32Array>, maxRows: number): ShapeClass {
  const step = Math.ceil(column.length / maxRows);
  const rows = step <= 1 ? column : Float32Array.from({ length: Math.ceil(column.length / step) }, (_, i) => column[i * step]);
  return describeFeature(rows).shape.shape;
}

/**
 * The shape class of a column.
 *
 * Discrete first: `empty`, `constant` (one value), `binary` (two), `categorical` (≤ 20 distinct values, each
 * repeated on average). A column clustered around two or more cleanly separated peaks (see detectModes) is then
 * classified by the noise around its peaks: each value's residual from its own peak is fitted, cluster by cluster
 * with each family's own location and scale MLE, by a uniform (midrange, half-range: flat and bounded → `burst`),
 * a normal (mean, sd: bell-shaped → `gaussian`) and a Laplace (median, mean absolute deviation: sharp-peaked and
 * heavy-tailed → `spread`). The family with the highest likelihood wins; the confidence is Φ(z) of Vuong's (1989)
 * test of the winner against the runner-up, z = √n·mean(d)/sd(d) over the per-value log-likelihood differences d
 * (all three families have two parameters per cluster, so no penalty term is needed). Anything else is `continuous`.
 */
export function classifyShape(
  column: Readonly<NumericColumn>,
  summary: Summary,
  modes: ModeStructure,
  /** The column is sorted ascending (describeFeature's sorted values): the clusters are then index ranges. */
  sorted = false,
): ShapeResult {
  const n = summary.count;
  if (n === 0) return result('empty', 1, ['no values: every cell is missing']);
  if (summary.distinct === 1) return result('constant', 1, [`one value (${exact(summary.min ?? NaN)}) in all ${n} rows`]);
  if (summary.distinct === 2) {
    return result('binary', 1, [`exactly two values: ${exact(summary.min ?? NaN)} and ${exact(summary.max ?? NaN)}`]);
  }
  if (summary.distinct <= CATEGORICAL_MAX_DISTINCT && summary.distinct * 2 <= n) {
    const kind = summary.integer ? 'integer codes' : 'values';
    return result('categorical', 1, [
      `${summary.distinct} distinct ${kind}, each repeated ${(n / summary.distinct).toFixed(1)} times on average (categorical: ≤ ${CATEGORICAL_MAX_DISTINCT} distinct values)`,
    ]);
  }
  if (modes.clustered && modes.peaks.length >= 2) return classifyClustered(column, modes, sorted);
  return classifyContinuous(summary, modes);
}

function classifyClustered(column: Readonly<NumericColumn>, modes: ModeStructure, sorted: boolean): ShapeResult {
  const peaks = modes.peaks;
  const k = peaks.length;
  // Each value belongs to the peak whose value range holds it; the cut points sit between adjacent ranges so that a
  // column other than the one the modes came from still gets every value assigned. The assignment is computed once
  // (MISSING for absent values) and reused by the three passes below. A sorted column's clusters are index ranges
  // (`ranges`), walked in the same order with the same sums, so the numbers are those of the general passes.
  const cuts = new Float64Array(k - 1);
  for (let j = 0; j + 1 < k; j++) cuts[j] = (peaks[j].to + peaks[j + 1].from) / 2;
  const ranges = sorted ? clusterRanges(column, cuts) : null;
  const assigned = ranges ? null : new Uint16Array(column.length);

  // Pass 1: assignment, counts, sums, ranges.
  const count = new Float64Array(k);
  const sum = new Float64Array(k);
  const lo = new Float64Array(k).fill(Infinity);
  const hi = new Float64Array(k).fill(-Infinity);
  if (ranges) {
    for (let j = 0; j < k; j++) {
      sum[j] = rangeSum(column, ranges[j], ranges[j + 1]);
      count[j] = ranges[j + 1] - ranges[j];
      if (count[j] > 0) {
        lo[j] = column[ranges[j]];
        hi[j] = column[ranges[j + 1] - 1];
      }
    }
  } else {
    const a = assigned as Uint16Array;
    for (let i = 0; i < column.length; i++) {
      const v = column[i];
      if (!Number.isFinite(v)) {
        a[i] = MISSING;
        continue;
      }
      let j = 0;
      while (j < k - 1 && v > cuts[j]) j++;
      a[i] = j;
      count[j]++;
      sum[j] += v;
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  const mean = sum.map((x, j) => x / count[j]);
  const median = Float64Array.from(peaks, (p) => p.location);

  // Pass 2: squared deviations (normal scale, residual moments) and absolute deviations from the median (Laplace scale).
  const ss = new Float64Array(k);
  const sabs = new Float64Array(k);
  let r2 = 0;
  let r4 = 0;
  if (ranges) {
    const sums = new Float64Array(4);
    for (let j = 0; j < k; j++) {
      sums[2] = r2;
      sums[3] = r4;
      rangeDeviations(column, ranges[j], ranges[j + 1], mean[j], median[j], sums);
      ss[j] = sums[0];
      sabs[j] = sums[1];
      r2 = sums[2];
      r4 = sums[3];
    }
  } else {
    const a = assigned as Uint16Array;
    for (let i = 0; i < column.length; i++) {
      const j = a[i];
      if (j === MISSING) continue;
      const v = column[i];
      const d = v - mean[j];
      const d2 = d * d;
      ss[j] += d2;
      sabs[j] += Math.abs(v - median[j]);
      r2 += d2;
      r4 += d2 * d2;
    }
  }
  let total = 0;
  for (let j = 0; j < k; j++) total += count[j];

  // A peak whose median absolute deviation is 0 has at least half its values on one repeated value (a zero-inflated
  // column, a default code): that is a point mass plus stragglers, not a value plus noise.
  const pointMass = peaks.findIndex((p, j) => !(hi[j] > lo[j]) || p.spread === 0);
  if (pointMass >= 0) {
    return result('continuous', 1, [
      `${k} peaks, but at least half the values of the one at ${exact(peaks[pointMass].location)} are that single value: no noise family describes a point mass`,
    ]);
  }

  // Per cluster and family: the log-density is norm − shape·term(v), with term 0 (uniform), (v − μ)² (normal) or
  // |v − median| (Laplace). Their mean over the values at the MLE is norm − 0, −½ and −1 in turn.
  const norm: Record<NoiseFamily, Float64Array> = { uniform: new Float64Array(k), normal: new Float64Array(k), laplace: new Float64Array(k) };
  const coef: Record<NoiseFamily, Float64Array> = { uniform: new Float64Array(k), normal: new Float64Array(k), laplace: new Float64Array(k) };
  const meanLl: Record<NoiseFamily, number> = { uniform: 0, normal: 0, laplace: 0 };
  for (let j = 0; j < k; j++) {
    const half = (hi[j] - lo[j]) / 2;
    const variance = ss[j] / count[j];
    const b = sabs[j] / count[j];
    norm.uniform[j] = -Math.log(2 * half);
    norm.normal[j] = -0.5 * Math.log(2 * Math.PI * variance);
    coef.normal[j] = 1 / (2 * variance);
    norm.laplace[j] = -Math.log(2 * b);
    coef.laplace[j] = 1 / b;
    const w = count[j] / total;
    meanLl.uniform += w * norm.uniform[j];
    meanLl.normal += w * (norm.normal[j] - 0.5);
    meanLl.laplace += w * (norm.laplace[j] - 1);
  }
  const ranked = [...FAMILIES].sort((x, y) => meanLl[y] - meanLl[x]);
  const best = ranked[0];
  const runnerUp = ranked[1];

  // Pass 3: Vuong's statistic over the per-value differences d = ℓ_best − ℓ_runnerUp: their mean, then the sum of
  // squares about it — two passes, as numpy's mean and var take them (a running mean's division per value made this
  // the slowest part of a feature's description).
  const constant = Float64Array.from(norm[best], (x, j) => x - norm[runnerUp][j]);
  const family = (f: NoiseFamily): number => (f === 'uniform' ? 0 : f === 'normal' ? 1 : 2);
  const fb = family(best);
  const fr = family(runnerUp);
  const cb = coef[best];
  const cr = coef[runnerUp];
  // d = constant − cb·term_best + cr·term_runnerUp, with each family's term 0, (v − mean)² or |v − median|: per
  // cluster, d = constant + A·(v − mean)² + B·|v − median| (a uniform's zero term drops out exactly).
  const A = new Float64Array(k);
  const B = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    A[j] = (fr === 1 ? cr[j] : 0) - (fb === 1 ? cb[j] : 0);
    B[j] = (fr === 2 ? cr[j] : 0) - (fb === 2 ? cb[j] : 0);
  }
  // Σ e (or Σ e² when `squared`) over the clustered values, e = (constant − shift) + A·(v − mean)² + B·|v − median|
  // per cluster. A sorted column's cluster j is the index range [ranges[j], ranges[j + 1]); otherwise its rows are
  // those assigned j. Every clustered value is in one cluster: `total` of them.
  const a = assigned as Uint16Array;
  const sumOver = (shift: number, squared: boolean): number => {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const c = constant[j] - shift;
      // A sorted column's cluster is a range, walked by a loop of its own (one V8 optimises; the same sum).
      if (ranges) sum = (squared ? vuongSquaresRange : vuongRange)(column, ranges[j], ranges[j + 1], c, A[j], B[j], mean[j], median[j], sum);
      else sum = vuongAssigned(column, a, j, c, A[j], B[j], mean[j], median[j], squared, sum);
    }
    return sum;
  };
  const m = total > 0 ? sumOver(0, false) / total : 0;
  const s = sumOver(m, true);
  const sdD = total > 1 ? Math.sqrt(s / (total - 1)) : 0;
  const vuongZ = sdD > 0 ? (Math.sqrt(total) * m) / sdD : m > 0 ? Infinity : 0;
  const confidence = clamp01(normalCdf(vuongZ));

  const residualKurtosis = r2 > 0 ? (total * r4) / (r2 * r2) - 3 : 0;
  let gap = Infinity;
  for (let j = 0; j + 1 < k; j++) gap = Math.min(gap, peaks[j + 1].location - peaks[j].location);
  const residualWidth = Math.sqrt(r2 / total) / gap;
  const margin = meanLl[best] - meanLl[runnerUp];

  const reasons = [
    `${k} peaks at ${listOf(peaks.map((p) => fmt(p.location, digitsFor(gap))))} holding ${listOf(peaks.map((p) => pct(p.weight)))} of the values (${k > 2 ? 'smallest ' : ''}Ashman's D = ${fmt(modes.separation ?? NaN, 1)})`,
    `${DESCRIPTION[best]}: ${NAME_OF[best]} fits best (${margin.toFixed(3)} nats/value better than ${NAME_OF[runnerUp]}); kurtosis ${fmt(residualKurtosis)}`,
    `residual sd is ${pct(residualWidth)} of the distance between peaks`,
    `Vuong's z = ${fmt(vuongZ, 1)} against ${NAME_OF[runnerUp]} (confidence ${confidence.toFixed(3)})`,
  ];
  return {
    shape: SHAPE_OF[best],
    confidence,
    evidence: {
      reasons,
      logLikelihood: meanLl,
      residualKurtosis,
      residualWidth,
      vuongZ,
      runnerUp: SHAPE_OF[runnerUp],
    },
  };
}

/**
 * Cluster j of a sorted column is the index range [ranges[j], ranges[j + 1]): its finite values above cuts[j − 1] and
 * at most cuts[j] (the general pass's `while (v > cuts[j]) j++`). Non-finite values sort to the ends, outside.
 */
function clusterRanges(column: Readonly<NumericColumn>, cuts: Float64Array): Uint32Array {
  const k = cuts.length + 1;
  const ranges = new Uint32Array(k + 1);
  let start = 0;
  while (start < column.length && !Number.isFinite(column[start])) start++;
  let end = column.length;
  while (end > start && !Number.isFinite(column[end - 1])) end--;
  ranges[0] = start;
  for (let j = 0; j + 1 < k; j++) {
    // First index in [ranges[j], end) with a value above cuts[j].
    let a = ranges[j];
    let b = end;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (column[mid] > cuts[j]) b = mid;
      else a = mid + 1;
    }
    ranges[j + 1] = a;
  }
  ranges[k] = end;
  return ranges;
}

const DESCRIPTION: Readonly<Record<NoiseFamily, string>> = {
  uniform: 'residuals around the peaks are flat and bounded',
  normal: 'residuals around the peaks are bell-shaped',
  laplace: 'residuals around the peaks are sharp-peaked with heavy tails',
};

/**
 * Not clustered. The confidence says how far the column was from being called clustered, ½ on the threshold either
 * way: with no candidate dip at all it is 1; when the strongest dip was dismissed as noise it is 1 − Φ(z − z_crit);
 * when significant peaks failed a separation test it is 1 − strength/2, strength being the failed statistic as a
 * fraction of its threshold.
 */
function classifyContinuous(summary: Summary, modes: ModeStructure): ShapeResult {
  const reasons: string[] = [];
  let confidence = 1;
  const rejected = modes.rejected ?? [];
  if (rejected.length > 0) {
    const closest = rejected.reduce((a, r) => (r.strength > a.strength ? r : a));
    confidence = 1 - Math.min(1, closest.strength) / 2;
    const why =
      closest.reason === 'ashman'
        ? `Ashman's D = ${fmt(closest.ashmanD, 2)} ≤ ${ASHMAN_D_MIN}`
        : closest.reason === 'valley'
          ? `the valley between them is ${pct(closest.valleyRatio)} of the lower peak (a clean split needs ≤ ${pct(VALLEY_RATIO_MAX)}, Ashman's D = ${fmt(closest.ashmanD, 1)})`
          : `the smaller one holds only ${pct(closest.minorShare)} of the values`;
    const digits = digitsFor((summary.max ?? 0) - (summary.min ?? 0));
    reasons.push(`${rejected.length + 1} density peaks, split at ${listOf(rejected.map((r) => fmt(r.at, digits)))}, but not cleanly separated: ${why}`);
  } else {
    reasons.push('one peak: the density has no significant dip');
    if (modes.noiseDipZ !== undefined && modes.dipZCritical !== undefined) {
      confidence = 1 - normalCdf(modes.noiseDipZ - modes.dipZCritical);
    }
  }
  const skew = summary.skewness;
  if (skew !== null) {
    // Bulmer's (1979) rule of thumb: |skewness| > 1 highly, > ½ moderately skewed.
    const side = skew > 0 ? 'right' : 'left';
    if (Math.abs(skew) > 1) reasons.push(`strongly ${side}-skewed (skewness ${fmt(skew)})`);
    else if (Math.abs(skew) > 0.5) reasons.push(`moderately ${side}-skewed (skewness ${fmt(skew)})`);
    else reasons.push(`roughly symmetric (skewness ${fmt(skew)})`);
  }
  const kurt = summary.kurtosis;
  if (kurt !== null) {
    if (kurt < -0.8) reasons.push(`flat, light tails (excess kurtosis ${fmt(kurt)}; a uniform has −1.2)`);
    else if (kurt > 1) reasons.push(`heavy tails (excess kurtosis ${fmt(kurt)})`);
    else reasons.push(`tails close to normal (excess kurtosis ${fmt(kurt)})`);
  }
  if (summary.integer) reasons.push(`integer-valued with ${summary.distinct} distinct values`);
  return result('continuous', clamp01(confidence), reasons);
}

function result(shape: ShapeClass, confidence: number, reasons: string[]): ShapeResult {
  return { shape, confidence, evidence: { reasons } };
}

function clamp01(x: number): number {
  return Number.isNaN(x) ? 0 : Math.min(1, Math.max(0, x));
}

/** A number for a reason string: fixed decimals below 10⁵, 3 significant digits above, a true minus sign. */
function fmt(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return v === Infinity ? '∞' : v === -Infinity ? '−∞' : 'n/a';
  const a = Math.abs(v);
  const text = a < 1e5 ? a.toFixed(digits) : a.toPrecision(3);
  return v < 0 && Number(text) !== 0 ? `−${text}` : text;
}

/** A data value as the user would type it: 7 significant digits (float32 precision), a true minus sign. */
function exact(v: number): string {
  const text = String(Number(Math.abs(v).toPrecision(7)));
  return v < 0 ? `−${text}` : text;
}

/** Decimals that show a location to 1 % of `scale` (the distance between peaks, or the spread). */
function digitsFor(scale: number): number {
  return scale > 0 && Number.isFinite(scale) ? Math.min(12, Math.max(2, Math.floor(-Math.log10(scale)) + 2)) : 2;
}

function pct(x: number): string {
  const p = 100 * x;
  return `${p >= 9.95 || p === 0 ? p.toFixed(0) : p.toFixed(1)} %`;
}

function listOf(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Vuong's per-value differences over one cluster, added to `sum` in index order: e = c + a·(v − μ)² + b·|v − median|
 * for v = column[from … to − 1] (vuongRange), e² (vuongSquaresRange), or over the rows assigned to cluster j
 * (vuongAssigned).
 */
function vuongRange(column: Readonly<NumericColumn>, from: number, to: number, c: number, a: number, b: number, mu: number, med: number, sum: number): number {
  for (let i = from; i < to; i++) {
    const v = column[i];
    const dn = v - mu;
    sum += c + a * (dn * dn) + b * Math.abs(v - med);
  }
  return sum;
}

function vuongSquaresRange(column: Readonly<NumericColumn>, from: number, to: number, c: number, a: number, b: number, mu: number, med: number, sum: number): number {
  for (let i = from; i < to; i++) {
    const v = column[i];
    const dn = v - mu;
    const e = c + a * (dn * dn) + b * Math.abs(v - med);
    sum += e * e;
  }
  return sum;
}

function vuongAssigned(column: Readonly<NumericColumn>, assigned: Uint16Array, j: number, c: number, a: number, b: number, mu: number, med: number, squared: boolean, sum: number): number {
  for (let i = 0; i < column.length; i++) {
    if (assigned[i] !== j) continue;
    const v = column[i];
    const dn = v - mu;
    const e = c + a * (dn * dn) + b * Math.abs(v - med);
    sum += squared ? e * e : e;
  }
  return sum;
}

/** Σ column[from … to − 1], in index order (a loop of its own, which V8 optimises; inside classifyClustered it did not). */
function rangeSum(column: Readonly<NumericColumn>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += column[i];
  return s;
}

/**
 * One cluster's deviations over column[from … to − 1], in index order: sums[0] = Σ(v − mean)², sums[1] = Σ|v − median|
 * (both from 0), and the residual moments carried over from the clusters before, sums[2] += Σ(v − mean)² and
 * sums[3] += Σ(v − mean)⁴ — the additions classifyClustered's pass 2 makes, in its order.
 */
function rangeDeviations(column: Readonly<NumericColumn>, from: number, to: number, mean: number, median: number, sums: Float64Array): void {
  let ss = 0;
  let sabs = 0;
  let r2 = sums[2];
  let r4 = sums[3];
  for (let i = from; i < to; i++) {
    const v = column[i];
    const d = v - mean;
    const d2 = d * d;
    ss += d2;
    sabs += Math.abs(v - median);
    r2 += d2;
    r4 += d2 * d2;
  }
  sums[0] = ss;
  sums[1] = sabs;
  sums[2] = r2;
  sums[3] = r4;
}

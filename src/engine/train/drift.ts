/**
 * Does a table to predict on look like the training data? At training time each model input feature gets a compact
 * summary of its training rows (moments, shape class, a quantile sketch, decile bin counts), saved with the model; at
 * prediction time every feature of the new table is compared with it by PSI and a KS test, and the ones that differ
 * are named.
 */
import type { FeatureType } from '../dataset';
import { chiSquareIsf } from '../stats/distributions';
import { binCounts, ksAgainstSketch, meanAndSd, proportions, psi, quantileCuts, quantileSketch } from '../stats/drift';
import type { SketchKs } from '../stats/drift';
import { sampledShape } from '../stats/shape';
import { sortedPresent } from '../stats/summary';
import type { ShapeClass } from '../stats/types';

/** Quantiles kept per feature (at k/200): the KS statistic is then known to within 1/200 + 1/m. */
export const SKETCH_QUANTILES = 200;
/** PSI bins: at the training deciles (fewer when values tie), the usual choice the 0.1 / 0.25 rules of thumb go with. */
export const PSI_BINS = 10;
/** PSI above this is a significant shift by the usual rule of thumb. */
export const PSI_THRESHOLD = 0.25;
/** Family-wise level of the drift checks over a model's features (Bonferroni: each feature at DRIFT_ALPHA / k). */
export const DRIFT_ALPHA = 0.01;
/** Shape classes are computed on at most this many rows (every k-th row), at training and at prediction time. */
export const SHAPE_ROWS = 50_000;

export interface FeatureSketch {
  readonly name: string;
  readonly type: FeatureType;
  /** Present values on the training rows. */
  readonly count: number;
  readonly missing: number;
  readonly mean: number | null;
  /** Sample standard deviation (n − 1). */
  readonly sd: number | null;
  readonly shape: ShapeClass;
  /** Type-7 quantiles at k/SKETCH_QUANTILES, k = 0..SKETCH_QUANTILES (empty when no value is present). */
  readonly quantiles: number[];
  /** PSI bins: right-closed at these cut points (distinct training deciles), with the training count of each. */
  readonly cuts: number[];
  readonly counts: number[];
}

/** What a saved model keeps of its training data, for the drift check. */
export interface TrainingSummary {
  /** Training rows summarised (the training split of the first run). */
  readonly rows: number;
  readonly features: FeatureSketch[];
}

export interface FeatureDrift {
  readonly feature: string;
  /** null: no value present on one side. */
  readonly psi: number | null;
  /** PSI that sampling alone exceeds with probability DRIFT_ALPHA / k (χ² approximation: n_e·PSI ≈ χ²(bins − 1)). */
  readonly psiNoise: number | null;
  readonly ks: SketchKs | null;
  readonly mean: { readonly training: number | null; readonly target: number | null };
  readonly shape: { readonly training: ShapeClass; readonly target: ShapeClass | null };
  readonly drifted: boolean;
}

export interface DriftReport {
  /** How the comparison was made, in one line. */
  readonly method: string;
  /** The level each feature's tests are held to: DRIFT_ALPHA / features compared. */
  readonly level: number;
  readonly trainingRows: number;
  readonly rows: number;
  readonly features: FeatureDrift[];
  /** One line per feature that differs from the training data (empty: none does). */
  readonly warnings: string[];
}

/** The training summary of each feature, over the given (training) rows of its column. */
export function summariseTraining(columns: readonly Float32Array[], names: readonly string[], types: readonly FeatureType[], rows: Uint32Array): TrainingSummary {
  const features = columns.map((col, j): FeatureSketch => {
    const values = new Float32Array(rows.length);
    for (let k = 0; k < rows.length; k++) values[k] = col[rows[k]];
    const sorted = sortedPresent(values);
    const { mean, sd } = meanAndSd(sorted);
    const cuts = quantileCuts(sorted, PSI_BINS);
    return {
      name: names[j],
      type: types[j],
      count: sorted.length,
      missing: values.length - sorted.length,
      mean,
      sd,
      shape: sampledShape(values, SHAPE_ROWS),
      // Stored exactly: a knot rounded past a tied value would move that value's whole jump in the CDF.
      quantiles: quantileSketch(sorted, SKETCH_QUANTILES),
      cuts,
      counts: binCounts(sorted, cuts),
    };
  });
  return { rows: rows.length, features };
}

/**
 * Compare a table's columns with the training summary, feature by feature. A feature differs when its PSI is above
 * PSI_THRESHOLD and above what sampling alone gives at the feature's level, or when its KS p-value (conservative,
 * from the sketch) is below that level; with two tests per feature the family-wise false-alarm rate on a table from
 * the training distribution is at most 2 · DRIFT_ALPHA.
 */
export function compareWithTraining(summary: TrainingSummary, columnOf: (name: string) => Float32Array | undefined, rows: number): DriftReport {
  const k = summary.features.length;
  const level = DRIFT_ALPHA / Math.max(1, k);
  const features: FeatureDrift[] = [];
  const warnings: string[] = [];
  for (const f of summary.features) {
    const col = columnOf(f.name);
    if (!col) continue;
    const sorted = sortedPresent(col);
    const missing = col.length - sorted.length;
    // Missing cells get a bin of their own when either side has any: a feature that goes missing has drifted too.
    const withMissing = f.missing + missing > 0;
    const expected = withMissing ? [...f.counts, f.missing] : f.counts;
    const actual = withMissing ? [...binCounts(sorted, f.cuts), missing] : binCounts(sorted, f.cuts);
    const m = sum(expected);
    const n = sum(actual);
    const psiValue = m > 0 && n > 0 && f.count > 0 ? psi(proportions(expected), proportions(actual)) : null;
    const psiNoise = psiValue !== null && expected.length > 1 ? chiSquareIsf(level, expected.length - 1) / ((n * m) / (n + m)) : null;
    const ks = sorted.length > 0 && f.count > 0 ? ksAgainstSketch(f.quantiles, f.count, sorted) : null;
    const byPsi = psiValue !== null && psiValue > PSI_THRESHOLD && (psiNoise === null || psiValue > psiNoise);
    const byKs = ks !== null && ks.pValue < level;
    const target = { mean: meanAndSd(sorted).mean, shape: sorted.length > 0 ? sampledShape(col, SHAPE_ROWS) : null };
    const drift: FeatureDrift = {
      feature: f.name,
      psi: psiValue,
      psiNoise,
      ks,
      mean: { training: f.mean, target: target.mean },
      shape: { training: f.shape, target: target.shape },
      drifted: byPsi || byKs,
    };
    features.push(drift);
    if (drift.drifted) warnings.push(describeDrift(drift, level));
  }
  return {
    method:
      `per feature: PSI over the training deciles (a bin for missing cells when there are any) and the two-sample KS test against a ` +
      `${SKETCH_QUANTILES}-quantile sketch of the training rows (statistic within 1/${SKETCH_QUANTILES} + 1/m of the exact one, p-value at its ` +
      `low end: conservative); differs = PSI > ${PSI_THRESHOLD} beyond its sampling noise, or KS p < ${DRIFT_ALPHA}/${k} (Bonferroni over the ` +
      `model's ${k} features); shapes on at most ${SHAPE_ROWS.toLocaleString('en-US')} rows`,
    level,
    trainingRows: summary.rows,
    rows,
    features,
    warnings,
  };
}

/** `x3 differs from the training data: PSI 0.41, KS D = 0.21 (p = 2.3e-12), mean 0.02 → 0.51, shape gaussian → continuous`. */
export function describeDrift(d: FeatureDrift, level: number): string {
  const parts: string[] = [];
  if (d.psi !== null) parts.push(`PSI ${d.psi.toFixed(2)}${d.psi > PSI_THRESHOLD ? ` (> ${PSI_THRESHOLD})` : ''}`);
  if (d.ks) parts.push(`KS D = ${d.ks.statistic.toFixed(3)} (p ${d.ks.pValue < level ? `= ${d.ks.pValue.toExponential(1)} < ${level.toPrecision(2)}` : `= ${d.ks.pValue.toPrecision(2)}`})`);
  if (d.mean.training !== null && d.mean.target !== null) parts.push(`mean ${num(d.mean.training)} → ${num(d.mean.target)}`);
  if (d.shape.target !== null && d.shape.target !== d.shape.training) parts.push(`shape ${d.shape.training} → ${d.shape.target}`);
  return `${d.feature} differs from the training data: ${parts.join(', ')}`;
}




function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function num(v: number): string {
  return String(Number(v.toPrecision(3)));
}

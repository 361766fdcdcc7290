/**
 * Quantile binning of every feature into one byte per cell, the representation histogram gradient boosting works on
 * (Ke et al. 2017, LightGBM; scikit-learn's `_BinMapper`, whose rules are copied here so the two agree bin for bin):
 *
 * - numeric, ≤ 255 distinct training values: one bin per value, thresholds at the midpoints between them;
 * - numeric, more: thresholds at the 254 interior percentiles 100·i/255 of the training values, numpy's
 *   `method="midpoint"` (no de-duplication: a repeated threshold leaves an empty bin, as in scikit-learn);
 * - a value x falls in bin b when edges[b-1] < x ≤ edges[b] (binary search, ties go left like `_map_to_bins`);
 * - categorical: one bin per level seen in the training rows. Levels never seen in training map to the missing bin:
 *   scikit-learn 1.2 documents that "categories that were not seen during fit time will be treated as missing".
 *   scikit-learn refuses more than 255 categories; here the 254 most frequent training levels keep their own bin and
 *   the rarer ones share bin 254 — such levels mostly fall below the 10-sample category support the split finder
 *   requires (MIN_CAT_SUPPORT) and would be sent right as a group anyway;
 * - NaN (and, for categorical, a code outside 0..levels-1) goes to bin 255, the missing bin.
 *
 * Edges come from the training rows only, so a fold's test rows never shape its bins. The matrix itself covers every
 * row, so one binning per fold serves fitting, predicting and every drop-column refit of that fold.
 */
import type { CancelSignal } from '../cancel';
import type { Rng } from '../random';
import type { TaskRunner } from '../parallel/runner';
import { lowerBound } from '../stats/histogram';
import { sortFloat32 } from '../stats/summary';
import { sharedFloat32 } from '../typed';
import type { ModelFeature } from './types';

/** The bin of missing values in every column (scikit-learn: `n_bins - 1` with the default `max_bins = 255`). */
export const MISSING_BIN = 255;
/** Most non-missing bins per feature: bins 0..254. */
export const MAX_BINS = 255;
/** scikit-learn's `_BinMapper(subsample=2e5)`: quantiles of more training values are taken on a seeded sample. */
export const BINNING_SUBSAMPLE = 200_000;

export interface BinnedMatrix {
  /** Every row of the input, not only the training rows; or, with `mapped`, the rows it holds. */
  readonly rows: number;
  /**
   * Present when only some rows were binned (BinningOptions.mapRows): the input rows it holds, ascending, at positions
   * 0..rows−1 (`bins[f * rows + k]` is row mapped[k]'s). Row indices meant for the input become positions through
   * `matrixRows` before they index it. A million-row table fitted on 20,000 rows and scored on 200,000 keeps 220,000
   * rows of bins, not a million.
   */
  readonly mapped?: Uint32Array;
  readonly featureCount: number;
  /** Column-major: `bins[f * rows + i]`; MISSING_BIN for a missing cell. */
  readonly bins: Uint8Array;
  /** Non-missing bins of each feature (scikit-learn's `n_bins_non_missing`): bins 0..binCount[f]-1 occur. */
  readonly binCount: Uint16Array;
  /** 1 for a categorical feature. */
  readonly categorical: Uint8Array;
  /** Numeric: the thresholds (binCount - 1 of them). Categorical: empty. */
  readonly edges: readonly Float64Array[];
  /** Categorical: the level code of each bin (−1 for the pooled "other levels" bin). Numeric: null. */
  readonly binLevels: readonly (Int32Array | null)[];
  readonly names: readonly string[];
}

export interface BinningOptions {
  /** Non-missing bins per feature, 2..255 (default 255). */
  readonly maxBins?: number;
  /** Draws the quantile subsample when a feature has more than BINNING_SUBSAMPLE training values. */
  readonly rng?: Rng;
  /** Checked before each feature (a pass over every row). */
  readonly signal?: CancelSignal;
  /**
   * Only these rows (ascending) are binned, and the matrix holds only them (BinnedMatrix.mapped): the fold's training
   * and test rows of a sampled plan. Absent: every row. Binning a million rows to fit on 20,000 and score 200,000 cost
   * seconds, and their bins 48 MiB.
   */
  readonly mapRows?: Uint32Array;
  /** Threads for the features (the same bins whatever their number). */
  readonly runner?: TaskRunner;
}

/**
 * Bin every feature; edges from `trainRows` (default: all rows). Rows outside `trainRows` are binned with the same
 * edges, which is what prediction on a fold's test rows needs.
 */
export function binFeatures(
  features: readonly ModelFeature[],
  rows: number,
  trainRows?: Uint32Array,
  options: BinningOptions = {},
): BinnedMatrix {
  const maxBins = Math.max(2, Math.min(MAX_BINS, Math.floor(options.maxBins ?? MAX_BINS)));
  const p = features.length;
  const train = trainRows ?? identity(rows);
  for (const feature of features) {
    if (feature.values.length !== rows) throw new RangeError(`feature ${feature.name}: ${feature.values.length} values for ${rows} rows`);
  }
  // Features are binned side by side on a runner's threads when no quantile subsample is drawn (its random stream is
  // consumed feature after feature, so it stays in this thread); each feature's bins are the same wherever it ran.
  const runner = options.runner;
  const threaded = runner !== undefined && runner.threads > 1 && p > 1 && train.length <= BINNING_SUBSAMPLE;
  const mapRows = options.mapRows;
  const held = mapRows ? mapRows.length : rows;
  const bins = threaded ? new Uint8Array(new SharedArrayBuffer(p * held)) : new Uint8Array(p * held);
  const context: BinContext = {
    features: threaded ? features.map((f) => ({ ...f, values: sharedFloat32(f.values) })) : features,
    rows: held,
    train,
    mapRows: mapRows ?? null,
    maxBins,
    bins,
  };
  const tasks: BinTask[] = features.map((_, feature) => ({ feature }));
  const results =
    threaded && runner
      ? runner.runKernel('binFeature', context, tasks, { signal: options.signal, work: p * (held * 8 + train.length * 20) })
      : tasks.map((task) => {
          options.signal?.throwIfAborted();
          return binFeatureKernel(context, task, options.rng);
        });
  return {
    rows: held,
    ...(mapRows ? { mapped: mapRows } : {}),
    featureCount: p,
    bins,
    binCount: Uint16Array.from(results, (r) => r.count),
    categorical: Uint8Array.from(results, (r) => (r.categorical ? 1 : 0)),
    edges: results.map((r) => r.edges),
    binLevels: results.map((r) => r.levels),
    names: features.map((f) => f.name),
  };
}

/** What the features of one binning share (parallel/kernels.ts: `binFeature`); `bins` is written in place. */
export interface BinContext {
  readonly features: readonly ModelFeature[];
  readonly rows: number;
  readonly train: Uint32Array;
  readonly mapRows: Uint32Array | null;
  readonly maxBins: number;
  /** Column-major p × rows (shared memory when threads write it). */
  readonly bins: Uint8Array;
}

export interface BinTask {
  readonly feature: number;
}

export interface BinResult {
  readonly count: number;
  readonly categorical: boolean;
  readonly edges: Float64Array;
  readonly levels: Int32Array | null;
}

/** One feature: its edges (or levels) from the training rows, its cells mapped into context.bins. */
export function binFeatureKernel(context: BinContext, task: BinTask, rng?: Rng): BinResult {
  const feature = context.features[task.feature];
  const rows = context.rows;
  const column = context.bins.subarray(task.feature * rows, (task.feature + 1) * rows);
  const mapRows = context.mapRows ?? undefined;
  if (feature.kind === 'categorical') {
    const mapped = binCategorical(feature, context.train, context.maxBins, column, mapRows);
    return { count: mapped.count, categorical: true, edges: new Float64Array(0), levels: mapped.levels };
  }
  const e = numericEdges(feature.values, context.train, context.maxBins, rng);
  if (mapRows) mapNumericRows(feature.values, e, column, mapRows);
  else mapNumeric(feature.values, e, column);
  return { count: e.length + 1, categorical: false, edges: e, levels: null };
}

/**
 * Thresholds of one numeric feature from its training values (scikit-learn `_find_binning_thresholds`). The values
 * are float32 and stay so while they are sorted (summary.ts sortFloat32, radix from 4,096 values: the same order as
 * a Float64Array's sort, −0 just before +0); the midpoints and percentiles are computed in float64 from them, as before.
 */
export function numericEdges(values: Float32Array, trainRows: Uint32Array, maxBins: number, rng?: Rng): Float64Array {
  let sample: Float32Array = new Float32Array(trainRows.length);
  let n = 0;
  for (let k = 0; k < trainRows.length; k++) {
    const v = values[trainRows[k]];
    if (v === v) sample[n++] = v;
  }
  if (n > BINNING_SUBSAMPLE && rng) {
    // Partial Fisher–Yates: the first BINNING_SUBSAMPLE slots become a uniform sample without replacement.
    for (let i = 0; i < BINNING_SUBSAMPLE; i++) {
      const j = i + rng.int(n - i);
      const t = sample[i];
      sample[i] = sample[j];
      sample[j] = t;
    }
    n = BINNING_SUBSAMPLE;
  }
  sample = sortFloat32(sample.subarray(0, n));
  if (n === 0) return new Float64Array(0);
  let distinct = 1;
  for (let i = 1; i < n; i++) if (sample[i] !== sample[i - 1]) distinct++;
  let out: Float64Array;
  if (distinct <= maxBins) {
    out = new Float64Array(distinct - 1);
    let k = 0;
    for (let i = 1; i < n; i++) if (sample[i] !== sample[i - 1]) out[k++] = (sample[i - 1] + sample[i]) * 0.5;
  } else {
    out = new Float64Array(maxBins - 1);
    for (let i = 1; i < maxBins; i++) {
      // numpy percentile, method="midpoint": virtual index (n−1)·q with q = linspace(0, 100, maxBins+1)[i] / 100;
      // halfway between the neighbours unless the index is whole (numpy's `_lerp` at t = 0.5: b − (b − a)·0.5).
      const index = (n - 1) * ((i * (100 / maxBins)) / 100);
      const lo = Math.floor(index);
      out[i - 1] = index % 1 !== 0 ? sample[lo + 1] - (sample[lo + 1] - sample[lo]) * 0.5 : sample[lo];
    }
  }
  // scikit-learn clips thresholds to ALMOST_INF so that +inf stays reserved for "split on missing".
  for (let i = 0; i < out.length; i++) if (out[i] > 1e300) out[i] = 1e300;
  return out;
}

/** Bin b such that edges[b-1] < x ≤ edges[b]; NaN → MISSING_BIN. */
export function mapNumeric(values: Float32Array, edges: Float64Array, out: Uint8Array): void {
  const padded = paddedEdges(edges);
  if (!padded) {
    for (let i = 0; i < values.length; i++) out[i] = binOf(values[i], edges);
    return;
  }
  for (let i = 0; i < values.length; i++) out[i] = binOfPadded(values[i], padded);
}

/** The edges padded with +∞ to 255 entries (for binOfPadded), or null when there are more. */
function paddedEdges(edges: Float64Array): Float64Array | null {
  if (edges.length > 255) return null;
  const padded = new Float64Array(255).fill(Infinity);
  padded.set(edges);
  return padded;
}

/**
 * binOf over edges padded to 255 with +∞: the number of edges below x in eight fixed steps, without branches (a
 * binary search's unpredictable ones cost most of the mapping of a million values). The padding is never below x.
 */
function binOfPadded(x: number, e: Float64Array): number {
  if (x !== x) return MISSING_BIN;
  let lo = +(e[127] < x) << 7;
  lo |= +(e[lo + 63] < x) << 6;
  lo |= +(e[lo + 31] < x) << 5;
  lo |= +(e[lo + 15] < x) << 4;
  lo |= +(e[lo + 7] < x) << 3;
  lo |= +(e[lo + 3] < x) << 2;
  lo |= +(e[lo + 1] < x) << 1;
  lo |= +(e[lo] < x);
  return lo;
}

/** The bin of one value (binary search; ties go left like scikit-learn's `_map_to_bins`). */
function binOf(x: number, edges: Float64Array): number {
  if (x !== x) return MISSING_BIN;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** mapNumeric for the listed rows only, packed: out[k] is the bin of values[rows[k]]. */
export function mapNumericRows(values: Float32Array, edges: Float64Array, out: Uint8Array, rows: Uint32Array): void {
  const padded = paddedEdges(edges);
  if (!padded) {
    for (let k = 0; k < rows.length; k++) out[k] = binOf(values[rows[k]], edges);
    return;
  }
  for (let k = 0; k < rows.length; k++) out[k] = binOfPadded(values[rows[k]], padded);
}

/**
 * Input rows as the matrix's own positions: themselves for a matrix of every row, else each row's place in `mapped`
 * (a row the matrix does not hold is an error, never a silent neighbour). A fold's rows ascend, and while they do the
 * place is walked to from the last one's, a merge (1 ms for 200,000 rows where a binary search each took 17); a row
 * below its predecessor (a permutation's) is found by binary search.
 */
export function matrixRows(binned: BinnedMatrix, rows: Uint32Array): Uint32Array {
  const mapped = binned.mapped;
  if (!mapped) return rows;
  const out = new Uint32Array(rows.length);
  let lo = 0;
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k];
    if (k > 0 && row >= rows[k - 1]) while (lo < mapped.length && mapped[lo] < row) lo++;
    else lo = lowerBound(mapped, row);
    if (mapped[lo] !== row) throw new RangeError(`row ${row} is not among the ${mapped.length} rows the binned matrix holds`);
    out[k] = lo;
  }
  return out;
}

function binCategorical(
  feature: ModelFeature,
  trainRows: Uint32Array,
  maxBins: number,
  out: Uint8Array,
  mapRows?: Uint32Array,
): { count: number; levels: Int32Array } {
  const values = feature.values;
  let levels = feature.levels ?? 0;
  if (feature.levels === undefined) {
    for (let i = 0; i < values.length; i++) if (values[i] + 1 > levels && Number.isInteger(values[i])) levels = values[i] + 1;
  }
  const freq = new Float64Array(levels);
  for (let k = 0; k < trainRows.length; k++) {
    const v = values[trainRows[k]];
    if (v >= 0 && v < levels && Number.isInteger(v)) freq[v]++;
  }
  const seen: number[] = [];
  for (let c = 0; c < levels; c++) if (freq[c] > 0) seen.push(c);
  const binOfLevel = new Int16Array(levels).fill(-1);
  let binLevels: Int32Array;
  if (seen.length <= maxBins) {
    binLevels = Int32Array.from(seen);
  } else {
    // Keep the maxBins − 1 most frequent levels (ties: smaller code), in code order; pool the rest into the last bin.
    const byFreq = seen.slice().sort((a, b) => freq[b] - freq[a] || a - b);
    const kept = byFreq.slice(0, maxBins - 1).sort((a, b) => a - b);
    binLevels = new Int32Array(maxBins);
    binLevels.set(kept);
    binLevels[maxBins - 1] = -1;
    for (const c of byFreq.slice(maxBins - 1)) binOfLevel[c] = maxBins - 1;
  }
  for (let b = 0; b < binLevels.length; b++) if (binLevels[b] >= 0) binOfLevel[binLevels[b]] = b;
  const n = mapRows ? mapRows.length : values.length;
  for (let k = 0; k < n; k++) {
    const v = values[mapRows ? mapRows[k] : k];
    const b = v >= 0 && v < levels && Number.isInteger(v) ? binOfLevel[v] : -1;
    out[k] = b < 0 ? MISSING_BIN : b;
  }
  return { count: Math.max(1, binLevels.length), levels: binLevels };
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

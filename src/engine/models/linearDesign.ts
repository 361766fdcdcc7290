/**
 * The design matrix of the linear baselines, fitted on training rows only, as a scikit-learn pipeline would build it
 * (StandardScaler on numeric columns, SimpleImputer(strategy="mean", add_indicator=True), OneHotEncoder):
 *
 * - numeric: (x − mean) / std with the training mean and population std (ddof 0; a constant column keeps scale 1,
 *   as StandardScaler does); a missing cell becomes the training mean, i.e. 0 after scaling, and — when the
 *   feature has missing cells in training — a 0/1 missing-indicator column is added;
 * - categorical: one-hot over the levels seen in training, missing as a level of its own when it occurs in training;
 *   a level unseen in training gets all zeros (OneHotEncoder(handle_unknown="ignore")). At most LINEAR_MAX_LEVELS
 *   columns per feature: the most frequent levels keep their own column, the rest share an "other" column, which
 *   bounds the normal equations of ridge regression and the weights of multinomial logistic regression.
 *
 * One-hot cells are stored as column indices (one per categorical feature and row) rather than as zeros and ones,
 * so a 1,000-level feature costs one integer per row, not 1,000 doubles.
 */
import type { ModelFeature } from './types';

export const LINEAR_MAX_LEVELS = 100;

export interface LinearDesign {
  /** Dense columns first (standardised numerics and missing indicators), then the one-hot blocks. */
  readonly width: number;
  readonly dense: number;
  /** Per dense column: the source feature, and whether it is the indicator (1) or the value (0). */
  readonly denseSource: Int32Array;
  readonly denseIndicator: Uint8Array;
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  /** Per categorical feature used: its index, and for every level code its column (−1: none). */
  readonly catSource: Int32Array;
  readonly catColumn: readonly Int32Array[];
  /** Column of a missing cell for each categorical feature (−1: missing unseen in training → all zeros). */
  readonly catMissing: Int32Array;
  /** Readable column names, for inspection and tests. */
  readonly columnNames: readonly string[];
}

/** A design applied to a set of rows: dense values row-major, and one active one-hot column per categorical. */
export interface DesignRows {
  readonly rows: number;
  readonly dense: Float64Array;
  /** rows × catSource.length, the active column or −1. */
  readonly active: Int32Array;
}

export function fitDesign(
  features: readonly ModelFeature[],
  trainRows: Uint32Array,
  excludeFeatures?: ReadonlySet<number>,
): LinearDesign {
  const denseSource: number[] = [];
  const denseIndicator: number[] = [];
  const mean: number[] = [];
  const scale: number[] = [];
  const names: string[] = [];
  const catSource: number[] = [];
  const catColumnLocal: Int32Array[] = [];
  const catMissingLocal: number[] = [];
  const catNames: string[][] = [];
  for (let f = 0; f < features.length; f++) {
    if (excludeFeatures?.has(f)) continue;
    const feature = features[f];
    const v = feature.values;
    if (feature.kind === 'numeric') {
      let n = 0;
      let sum = 0;
      for (let k = 0; k < trainRows.length; k++) {
        const x = v[trainRows[k]];
        if (x === x) {
          n++;
          sum += x;
        }
      }
      const mu = n > 0 ? sum / n : 0;
      let ss = 0;
      for (let k = 0; k < trainRows.length; k++) {
        const x = v[trainRows[k]];
        if (x === x) ss += (x - mu) * (x - mu);
      }
      const sd = n > 0 ? Math.sqrt(ss / n) : 0;
      denseSource.push(f);
      denseIndicator.push(0);
      mean.push(mu);
      // StandardScaler keeps a zero-variance column unscaled; 1e-12 guards denormal spreads the same way.
      scale.push(sd > 1e-12 * Math.max(1, Math.abs(mu)) ? sd : 1);
      names.push(feature.name);
      if (n < trainRows.length) {
        denseSource.push(f);
        denseIndicator.push(1);
        mean.push(0);
        scale.push(1);
        names.push(`${feature.name} is missing`);
      }
    } else {
      let levels = feature.levels ?? 0;
      if (feature.levels === undefined) for (let i = 0; i < v.length; i++) if (v[i] + 1 > levels) levels = v[i] + 1;
      const freq = new Float64Array(levels);
      let missing = 0;
      for (let k = 0; k < trainRows.length; k++) {
        const x = v[trainRows[k]];
        if (x >= 0 && x < levels && Number.isInteger(x)) freq[x]++;
        else if (x !== x) missing++;
      }
      const seen: number[] = [];
      for (let c = 0; c < levels; c++) if (freq[c] > 0) seen.push(c);
      const column = new Int32Array(levels).fill(-1);
      const local: string[] = [];
      if (seen.length <= LINEAR_MAX_LEVELS) {
        for (const c of seen) {
          column[c] = local.length;
          local.push(`${feature.name} = ${c}`);
        }
      } else {
        const byFreq = seen.slice().sort((a, b) => freq[b] - freq[a] || a - b);
        const kept = byFreq.slice(0, LINEAR_MAX_LEVELS - 1).sort((a, b) => a - b);
        for (const c of kept) {
          column[c] = local.length;
          local.push(`${feature.name} = ${c}`);
        }
        const other = local.length;
        local.push(`${feature.name} = other`);
        for (const c of byFreq.slice(LINEAR_MAX_LEVELS - 1)) column[c] = other;
      }
      let missingColumn = -1;
      if (missing > 0) {
        missingColumn = local.length;
        local.push(`${feature.name} is missing`);
      }
      catSource.push(f);
      catColumnLocal.push(column);
      catMissingLocal.push(missingColumn);
      catNames.push(local);
    }
  }
  const dense = denseSource.length;
  let offset = dense;
  const catColumn: Int32Array[] = [];
  const catMissing = new Int32Array(catSource.length);
  for (let c = 0; c < catSource.length; c++) {
    const local = catColumnLocal[c];
    const global = new Int32Array(local.length);
    for (let l = 0; l < local.length; l++) global[l] = local[l] < 0 ? -1 : local[l] + offset;
    catColumn.push(global);
    catMissing[c] = catMissingLocal[c] < 0 ? -1 : catMissingLocal[c] + offset;
    names.push(...catNames[c]);
    offset += catNames[c].length;
  }
  return {
    width: offset,
    dense,
    denseSource: Int32Array.from(denseSource),
    denseIndicator: Uint8Array.from(denseIndicator),
    mean: Float64Array.from(mean),
    scale: Float64Array.from(scale),
    catSource: Int32Array.from(catSource),
    catColumn,
    catMissing,
    columnNames: names,
  };
}

/** Reusable arrays for applyDesign on blocks of at most `rows` rows. */
export interface DesignBuffers {
  readonly dense: Float64Array;
  readonly active: Int32Array;
}

export function designBuffers(design: LinearDesign, rows: number): DesignBuffers {
  return { dense: new Float64Array(rows * design.dense), active: new Int32Array(rows * design.catSource.length) };
}

/** The design's rows for `rows` (row-major), in fresh arrays or at the start of `into`'s. */
export function applyDesign(design: LinearDesign, features: readonly ModelFeature[], rows: Uint32Array, into?: DesignBuffers): DesignRows {
  const n = rows.length;
  const d = design.dense;
  const c = design.catSource.length;
  if (into && (into.dense.length < n * d || into.active.length < n * c)) throw new RangeError(`applyDesign: buffers too small for ${n} rows`);
  const dense = into ? into.dense.subarray(0, n * d) : new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const v = features[design.denseSource[j]].values;
    if (design.denseIndicator[j] === 1) {
      for (let i = 0; i < n; i++) dense[i * d + j] = v[rows[i]] !== v[rows[i]] ? 1 : 0;
    } else {
      const mu = design.mean[j];
      const sd = design.scale[j];
      for (let i = 0; i < n; i++) {
        const x = v[rows[i]];
        dense[i * d + j] = x === x ? (x - mu) / sd : 0;
      }
    }
  }
  const active = into ? into.active.subarray(0, n * c) : new Int32Array(n * c);
  for (let k = 0; k < c; k++) {
    const v = features[design.catSource[k]].values;
    const column = design.catColumn[k];
    const missing = design.catMissing[k];
    for (let i = 0; i < n; i++) {
      const x = v[rows[i]];
      let col: number;
      if (x === x && x >= 0 && x < column.length && Number.isInteger(x)) col = column[x];
      else col = x === x ? -1 : missing;
      active[i * c + k] = col;
    }
  }
  return { rows: n, dense, active };
}

import type { Rng } from '../random';
import type { ColumnMoments } from './correlation';
import { symmetricEigen } from './linalg';
import { sampleIndices } from './sampling';

export interface PcaPoint {
  readonly pc1: number;
  readonly pc2: number;
  /** Class index into the label's classes, or null when unlabelled / label missing. */
  readonly label: number | null;
}

export interface PcaResult {
  /** PCA on standardised features (the correlation matrix of complete rows), the usual choice when units differ. */
  readonly standardised: true;
  /** Feature names that entered (constant and all-missing features are left out). */
  readonly features: string[];
  readonly rowsUsed: number;
  /** Variance of each component in standardised units, descending (all components). */
  readonly explainedVariance: number[];
  readonly explainedVarianceRatio: number[];
  /** loadings[k][j]: weight of features[j] in component k, for the first two components. */
  readonly loadings: number[][];
  /** A seeded sample of rows projected on the first two components, for the scatter chart. */
  readonly sample: PcaPoint[];
}

export interface PcaOptions {
  readonly labels?: Int32Array | null;
  readonly maxPoints?: number;
  readonly rng: Rng;
  /**
   * The pairwise correlation matrix of these columns, when already computed. With no missing value anywhere it is
   * exactly the matrix PCA needs, so it is reused instead of recomputed.
   */
  readonly correlation?: readonly (readonly (number | null)[])[];
  /**
   * The columns' means and centred sums of squares from the same correlation pass (correlation.ts: ColumnMoments),
   * when no column has a missing value: the very sums this function would compute, so they are not recomputed.
   */
  readonly moments?: ColumnMoments;
}

/** Rows with a missing value in any used feature are left out (listwise), so the matrix is a true correlation matrix. */
export function pca(
  columns: readonly Float32Array[],
  names: readonly string[],
  options: PcaOptions,
): PcaResult | null {
  const n = columns.length === 0 ? 0 : columns[0].length;
  const known = options.moments;
  const reuse = known !== undefined && known.means.length >= columns.length && columns.every((_, j) => !known.anyMissing[j]);
  const complete = new Uint8Array(n).fill(1);
  if (!reuse) for (const col of columns) for (let i = 0; i < n; i++) if (!Number.isFinite(col[i])) complete[i] = 0;
  let rows = 0;
  for (let i = 0; i < n; i++) rows += complete[i];
  if (rows < 3) return null;

  const used: number[] = [];
  const means: number[] = [];
  const sds: number[] = [];
  for (let j = 0; j < columns.length && reuse; j++) {
    // A constant column has no squares (NaN): it is left out, as a zero spread is.
    const sd = Math.sqrt(known.squares[j] / (rows - 1));
    if (sd > 0 && Number.isFinite(sd)) {
      used.push(j);
      means.push(known.means[j]);
      sds.push(sd);
    }
  }
  for (let j = 0; j < columns.length && !reuse; j++) {
    const col = columns[j];
    let s = 0;
    for (let i = 0; i < n; i++) if (complete[i]) s += col[i];
    const m = s / rows;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      if (complete[i]) {
        const d = col[i] - m;
        ss += d * d;
      }
    }
    const sd = Math.sqrt(ss / (rows - 1));
    if (sd > 0 && Number.isFinite(sd)) {
      used.push(j);
      means.push(m);
      sds.push(sd);
    }
  }
  const p = used.length;
  if (p < 2) return null;

  let corr: number[][];
  if (options.correlation && rows === n) {
    corr = used.map((a) => used.map((b) => options.correlation![a][b] ?? 0));
  } else {
    // Standardise once into float64 copies; the p×p cross products are then plain dot products.
    const z: Float64Array[] = used.map((j, k) => {
      const col = columns[j];
      const out = new Float64Array(rows);
      let r = 0;
      for (let i = 0; i < n; i++) if (complete[i]) out[r++] = (col[i] - means[k]) / sds[k];
      return out;
    });
    corr = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let a = 0; a < p; a++) {
      for (let b = a; b < p; b++) {
        let s = 0;
        const x = z[a];
        const y = z[b];
        for (let i = 0; i < rows; i++) s += x[i] * y[i];
        corr[a][b] = corr[b][a] = s / (rows - 1);
      }
    }
  }
  const eig = symmetricEigen(corr);
  const values = eig.values.map((v) => Math.max(0, v));
  const total = values.reduce((s, v) => s + v, 0);
  const loadings = eig.vectors.slice(0, 2);

  const maxPoints = options.maxPoints ?? 2000;
  const completeRows: number[] = [];
  if (rows < n) for (let i = 0; i < n; i++) if (complete[i]) completeRows.push(i);
  const picks = sampleIndices(rows, maxPoints, options.rng);
  const sample: PcaPoint[] = [];
  for (const r of picks) {
    const row = rows < n ? completeRows[r] : r;
    let a = 0;
    let b = 0;
    for (let k = 0; k < p; k++) {
      const zk = (columns[used[k]][row] - means[k]) / sds[k];
      a += loadings[0][k] * zk;
      b += loadings[1][k] * zk;
    }
    const lab = options.labels ? options.labels[row] : -1;
    sample.push({ pc1: a, pc2: b, label: lab >= 0 ? lab : null });
  }
  return {
    standardised: true,
    features: used.map((j) => names[j]),
    rowsUsed: rows,
    explainedVariance: values,
    explainedVarianceRatio: values.map((v) => (total > 0 ? v / total : 0)),
    loadings,
    sample,
  };
}


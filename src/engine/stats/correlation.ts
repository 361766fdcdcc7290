import type { CancelSignal } from '../cancel';
import type { TaskRunner } from '../parallel/runner';
import { sharedFloat32 } from '../typed';
/**
 * Pearson correlation with pairwise deletion of missing values (pandas' DataFrame.corr() default), so a figure here
 * can be checked against pandas on the same file.
 */
export interface CorrelationMatrix {
  readonly names: string[];
  /** Symmetric; null where a column is constant or two columns share fewer than two complete rows. */
  readonly matrix: (number | null)[][];
  readonly method: 'pearson';
  readonly missing: 'pairwise';
}

/** Per column, from the correlation's own passes: mean of the finite values, centred sum of squares, any missing. */
export interface ColumnMoments {
  readonly means: number[];
  /** NaN for a column with a missing value or a constant one. */
  readonly squares: number[];
  readonly anyMissing: boolean[];
}

export function correlationMatrix(
  columns: readonly (Float32Array | Float64Array)[],
  names: readonly string[],
  /** Checked before each row of the matrix (p pair sums over n rows: ~50 ms for 50 × 10⁶), so Cancel stops it soon. */
  signal?: CancelSignal,
  /** With several threads the rows of the matrix are computed side by side; every entry is the same bits. */
  runner?: TaskRunner,
  /** Filled with each column's moments (for PCA, which needs the same sums). */
  moments?: ColumnMoments,
): CorrelationMatrix {
  const p = columns.length;
  const n = p === 0 ? 0 : columns[0].length;
  // Each column's mean, flags and centred squares (columnPass), side by side on a runner's threads; a float64 centred
  // copy of a 1,000,000 × 50 table would double the memory of the analysis, so the pairs centre inside their sums.
  const threaded = runner !== undefined && runner.threads > 1 && p > 2;
  const perColumn: ColumnPass[] = threaded
    ? runner.runKernel('columnPass', { columns: columns.map((c) => (c instanceof Float32Array ? sharedFloat32(c) : c)) }, columns.map((_, column) => ({ column })), { signal, work: 2 * n * p })
    : columns.map((col) => columnPass(col));
  const means = perColumn.map((c) => c.mean);
  const anyMissing = perColumn.map((c) => c.anyMissing);
  const constant = perColumn.map((c) => c.constant);
  const squares = perColumn.map((c) => c.squares);
  if (moments) {
    moments.means.push(...means);
    moments.squares.push(...squares);
    moments.anyMissing.push(...anyMissing);
  }
  const matrix: (number | null)[][] = Array.from({ length: p }, () => new Array<number | null>(p).fill(null));
  const fill = (a: number, row: Float64Array): void => {
    for (let b = a; b < p; b++) {
      const r = Number.isNaN(row[b - a]) ? null : row[b - a];
      matrix[a][b] = r;
      matrix[b][a] = r;
    }
  };
  const tasks: CorrelationRowTask[] = Array.from({ length: p }, (_, a) => ({ row: a }));
  if (runner && runner.threads > 1 && p > 2) {
    const context: CorrelationContext = { columns: columns.map((c) => (c instanceof Float32Array ? sharedFloat32(c) : c)), means, anyMissing, constant, squares };
    // Row a has p − a pairs: the work is about half of p² column passes.
    runner.runKernel('correlationRow', context, tasks, { signal, work: (n * p * p) / 2 }).forEach((row, a) => fill(a, row));
  } else {
    const context: CorrelationContext = { columns, means, anyMissing, constant, squares };
    for (const task of tasks) {
      signal?.throwIfAborted();
      fill(task.row, correlationRowKernel(context, task));
    }
  }
  return { names: [...names], matrix, method: 'pearson', missing: 'pairwise' };
}

/** One column's pass for the matrix: its mean, whether it misses a value or is constant, its centred squares. */
export interface ColumnPass {
  readonly mean: number;
  readonly anyMissing: boolean;
  readonly constant: boolean;
  /** Σ(x − mean)² in row order for a complete, non-constant column; NaN otherwise. */
  readonly squares: number;
}

/**
 * Centre on each column's own mean inside the sums: the one-pass formulas then stay well conditioned even for data
 * far from zero (Σxy − ΣxΣy/n alone loses every digit on columns like 1e6 + noise), and no centred copy of the data is
 * ever made. A constant column's mean can differ from its value by rounding, leaving a spurious 1e-26 variance: it is
 * detected by its range instead.
 */
export function columnPass(col: Float32Array | Float64Array): ColumnPass {
  const n = col.length;
  let sum = 0;
  let count = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v - v === 0) {
      sum += v;
      count++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const mean = count > 0 ? sum / count : 0;
  const anyMissing = count < n;
  const constant = !(hi > lo);
  if (anyMissing || constant) return { mean, anyMissing, constant, squares: NaN };
  // The same sum, in the same order, as every pair with this column would compute (so pairs need only cross sums).
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (col[i] - mean) * (col[i] - mean);
  return { mean, anyMissing, constant, squares: ss };
}

/** The `columnPass` kernel (parallel/kernels.ts). */
export function columnPassKernel(context: { readonly columns: readonly (Float32Array | Float64Array)[] }, task: { readonly column: number }): ColumnPass {
  return columnPass(context.columns[task.column]);
}

/** What every row task of one correlation matrix shares (parallel/kernels.ts: `correlationRow`). */
export interface CorrelationContext {
  readonly columns: readonly (Float32Array | Float64Array)[];
  readonly means: readonly number[];
  readonly anyMissing: readonly boolean[];
  readonly constant: readonly boolean[];
  /** Centred sum of squares of each complete, non-constant column (NaN for the others). */
  readonly squares: readonly number[];
}

export interface CorrelationRowTask {
  readonly row: number;
}

/** Row a of the matrix: r(a, b) for b = a … p − 1 at position b − a, NaN where it is undefined. */
export function correlationRowKernel(context: CorrelationContext, task: CorrelationRowTask): Float64Array {
  const { columns, means, anyMissing, constant, squares } = context;
  const a = task.row;
  const p = columns.length;
  const out = new Float64Array(p - a);
  // Complete partners of a complete column: four cross sums per pass over column a (each sum still adds its rows in
  // order, and the squares are the columns' own: the same bits as a pair at a time).
  const quick: number[] = [];
  for (let b = a; b < p; b++) {
    if (b > a && !constant[a] && !constant[b] && !anyMissing[a] && !anyMissing[b]) {
      quick.push(b);
      continue;
    }
    const r =
      constant[a] || constant[b]
        ? null
        : anyMissing[a] || anyMissing[b]
          ? pairwise(columns[a], means[a], columns[b], means[b])
          : complete(columns[a], means[a], columns[b], means[b]);
    out[b - a] = r === null ? NaN : r;
  }
  const x = columns[a];
  const mx = means[a];
  const n = x.length;
  for (let q = 0; q < quick.length; q += 4) {
    const b0 = quick[q];
    const b1 = quick[Math.min(q + 1, quick.length - 1)];
    const b2 = quick[Math.min(q + 2, quick.length - 1)];
    const b3 = quick[Math.min(q + 3, quick.length - 1)];
    const y0 = columns[b0];
    const y1 = columns[b1];
    const y2 = columns[b2];
    const y3 = columns[b3];
    const m0 = means[b0];
    const m1 = means[b1];
    const m2 = means[b2];
    const m3 = means[b3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i] - mx;
      s0 += d * (y0[i] - m0);
      s1 += d * (y1[i] - m1);
      s2 += d * (y2[i] - m2);
      s3 += d * (y3[i] - m3);
    }
    const sums = [s0, s1, s2, s3];
    for (let k = 0; k < 4 && q + k < quick.length; k++) {
      const b = quick[q + k];
      const r = finish(n, 0, 0, squares[a], squares[b], sums[k]);
      out[b - a] = r === null ? NaN : r;
    }
  }
  return out;
}

type Column = Float32Array | Float64Array;

function complete(x: Column, mx: number, y: Column, my: number): number | null {
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i] - mx;
    const b = y[i] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return finish(x.length, 0, 0, sxx, syy, sxy);
}

/** Rows where either value is missing (NaN or ±Inf: v − v is then not 0) are skipped for this pair only. */
function pairwise(x: Column, mx: number, y: Column, my: number): number | null {
  const s = pairSums(x, mx, y, my, x.length, new Float64Array(6), 0);
  return finish(s[0], s[1], s[2], s[3], s[4], s[5]);
}

/**
 * The pairwise-complete sums of two columns about shifts mx, my over rows 0 … length − 1, written to out[at …]:
 * n, Σx, Σy, Σx², Σy², Σxy (x, y shifted). Rows where either value is missing or infinite are skipped. The
 * correlation of a pair with missing values, and a streamed chunk's co-moments (mergeableMoments.ts), both sum here.
 */
export function pairSums(x: ArrayLike<number>, mx: number, y: ArrayLike<number>, my: number, length: number, out: Float64Array, at: number): Float64Array {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < length; i++) {
    const a = x[i] - mx;
    const b = y[i] - my;
    if (a - a !== 0 || b - b !== 0) continue;
    n++;
    sx += a;
    sy += b;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  out[at] = n;
  out[at + 1] = sx;
  out[at + 2] = sy;
  out[at + 3] = sxx;
  out[at + 4] = syy;
  out[at + 5] = sxy;
  return out;
}

function finish(n: number, sx: number, sy: number, sxx: number, syy: number, sxy: number): number | null {
  if (n < 2) return null;
  const vx = sxx - (sx * sx) / n;
  const vy = syy - (sy * sy) / n;
  // A column whose spread is at rounding level is constant: its correlation is undefined, not 0.
  if (!(vx > 1e-300) || !(vy > 1e-300)) return null;
  const r = (sxy - (sx * sy) / n) / Math.sqrt(vx * vy);
  return Math.max(-1, Math.min(1, r));
}

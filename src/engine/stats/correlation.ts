import type { CancelSignal } from '../cancel';
import type { TaskRunner } from '../parallel/runner';
import { sharedFloat32 } from '../typed';
import { crossSums } from './crossSums';
import type { Summary } from './types';
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
  /** Per column, what its profile already established (null: nothing); its pass then skips those checks. */
  known?: readonly (KnownColumn | null)[],
): CorrelationMatrix {
  const p = columns.length;
  const n = p === 0 ? 0 : columns[0].length;
  // Each column's mean, flags and centred squares (columnPass), side by side on a runner's threads; a float64 centred
  // copy of a 1,000,000 × 50 table would double the memory of the analysis, so the pairs centre inside their sums.
  const threaded = runner !== undefined && runner.threads > 1 && p > 2;
  const perColumn: ColumnPass[] = threaded
    ? runner.runKernel('columnPass', { columns: columns.map((c) => (c instanceof Float32Array ? sharedFloat32(c) : c)), known: known ?? [] }, columns.map((_, column) => ({ column })), { signal, work: 2 * n * p })
    : columns.map((col, c) => columnPass(col, known?.[c]));
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
  const set = (a: number, b: number, r: number | null): void => {
    matrix[a][b] = r;
    matrix[b][a] = r;
  };
  // Complete, non-constant columns: the diagonal from the column's own squares (a pair of a column with itself sums
  // the same products in the same order), the pairs from their cross sums (crossSums.ts).
  const quick = columns.map((_, c) => c).filter((c) => !constant[c] && !anyMissing[c]);
  for (const c of quick) set(c, c, finish(n, 0, 0, squares[c], squares[c], squares[c]));
  if (quick.length >= 2) {
    const q = quick.length;
    const sums = crossSums(
      quick.map((c) => columns[c]),
      quick.map((c) => means[c]),
      runner,
      signal,
    );
    for (let i = 0; i < q; i++) {
      for (let j = i + 1; j < q; j++) set(quick[i], quick[j], finish(n, 0, 0, squares[quick[i]], squares[quick[j]], sums[i * q + j]));
    }
  }
  // Pairs with a missing value in either column: pairwise deletion, row a of the matrix per task.
  const rows = columns.map((_, a) => a).filter((a) => !constant[a] && columns.some((_, b) => b >= a && !constant[b] && (anyMissing[a] || anyMissing[b])));
  if (rows.length > 0) {
    const tasks: CorrelationRowTask[] = rows.map((row) => ({ row }));
    const fill = (a: number, row: Float64Array): void => {
      for (let b = a; b < p; b++) if (pairwiseNeeded(a, b, constant, anyMissing)) set(a, b, Number.isNaN(row[b - a]) ? null : row[b - a]);
    };
    if (runner && runner.threads > 1 && tasks.length > 1) {
      const context: CorrelationContext = { columns: columns.map((c) => (c instanceof Float32Array ? sharedFloat32(c) : c)), means, anyMissing, constant };
      runner.runKernel('correlationRow', context, tasks, { signal, work: n * p * tasks.length }).forEach((row, k) => fill(rows[k], row));
    } else {
      const context: CorrelationContext = { columns, means, anyMissing, constant };
      for (const task of tasks) {
        signal?.throwIfAborted();
        fill(task.row, correlationRowKernel(context, task));
      }
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
export function columnPass(col: Float32Array | Float64Array, known?: KnownColumn | null): ColumnPass {
  const n = col.length;
  if (known?.complete && n > 0) {
    // Every value finite: the sum of the loop below is the plain one (the same additions in the same order).
    const mean = plainSum(col) / n;
    return { mean, anyMissing: false, constant: known.constant, squares: known.constant ? NaN : centredSquares(col, mean) };
  }
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
  return { mean, anyMissing, constant, squares: centredSquares(col, mean) };
}

/**
 * What a column's profile (stats/profile.ts) established, which its correlation pass would otherwise check row by row
 * (its min and max ran about three quarters of the pass): `complete`, no missing or non-finite value; `constant`,
 * its largest finite value is not above its smallest — columnPass's own test.
 */
export interface KnownColumn {
  readonly complete: boolean;
  readonly constant: boolean;
}

/**
 * A column's KnownColumn from its profile's summary: every value finite (no missing), and whether its finite values are
 * all equal. Null where the summary has no range (text levels, an empty column) or the column misses values: its
 * pass then checks every row itself.
 */
export function knownColumn(stats: Summary): KnownColumn | null {
  if (stats.min === null || stats.max === null || stats.missing !== 0) return null;
  return { complete: true, constant: !(stats.max > stats.min) };
}

/** Σ col[i] from 0, in order. */
function plainSum(col: Float32Array | Float64Array): number {
  let sum = 0;
  for (let i = 0; i < col.length; i++) sum += col[i];
  return sum;
}

/**
 * Σ (col[i] − mean)², in order. A function of its own, which V8 optimises whole: as the second loop of columnPass it
 * ran unoptimised after the first loop's on-stack replacement.
 */
function centredSquares(col: Float32Array | Float64Array, mean: number): number {
  let ss = 0;
  for (let i = 0; i < col.length; i++) ss += (col[i] - mean) * (col[i] - mean);
  return ss;
}

/** The `columnPass` kernel (parallel/kernels.ts). */
export function columnPassKernel(context: { readonly columns: readonly (Float32Array | Float64Array)[]; readonly known?: readonly (KnownColumn | null)[] }, task: { readonly column: number }): ColumnPass {
  return columnPass(context.columns[task.column], context.known?.[task.column]);
}

/** What every row task of one correlation matrix shares (parallel/kernels.ts: `correlationRow`). */
export interface CorrelationContext {
  readonly columns: readonly (Float32Array | Float64Array)[];
  readonly means: readonly number[];
  readonly anyMissing: readonly boolean[];
  readonly constant: readonly boolean[];
}

export interface CorrelationRowTask {
  readonly row: number;
}

/** Whether r(a, b) is a pairwise-deletion sum: neither column constant, and one of them missing a value. */
function pairwiseNeeded(a: number, b: number, constant: readonly boolean[], anyMissing: readonly boolean[]): boolean {
  return !constant[a] && !constant[b] && (anyMissing[a] || anyMissing[b]);
}

/**
 * Row a of the matrix where a pair needs pairwise deletion: r(a, b) at position b − a for those b ≥ a (NaN where it
 * is undefined); the other positions are NaN and not read.
 */
export function correlationRowKernel(context: CorrelationContext, task: CorrelationRowTask): Float64Array {
  const { columns, means, anyMissing, constant } = context;
  const a = task.row;
  const p = columns.length;
  const out = new Float64Array(p - a).fill(NaN);
  for (let b = a; b < p; b++) {
    if (!pairwiseNeeded(a, b, constant, anyMissing)) continue;
    const r = pairwise(columns[a], means[a], columns[b], means[b]);
    out[b - a] = r === null ? NaN : r;
  }
  return out;
}

type Column = Float32Array | Float64Array;

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

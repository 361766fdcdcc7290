/**
 * Moments that merge: count, mean, central power sums M2..M4, min and max of a column's present values, computed per
 * chunk of rows and combined (Pébay 2008, "Formulas for robust, one-pass parallel computation of covariances and
 * arbitrary-order statistical moments"; Chan, Golub & LeVeque 1979 for M2). A file streamed in chunks gets the same
 * mean, sd, skewness and kurtosis as one pass over all of it, to float rounding, whatever the chunking.
 */
import { pairSums } from './correlation';
export interface MomentsPartial {
  n: number;
  mean: number;
  m2: number;
  m3: number;
  m4: number;
  min: number;
  max: number;
  /** NaN cells met. */
  missing: number;
}

export function emptyMoments(): MomentsPartial {
  return { n: 0, mean: 0, m2: 0, m3: 0, m4: 0, min: Infinity, max: -Infinity, missing: 0 };
}

/** The moments of values[0 … length − 1] (NaN: missing), two passes over the chunk (mean, then central sums). */
export function chunkMoments(values: ArrayLike<number>, length = values.length): MomentsPartial {
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v !== v) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return { ...emptyMoments(), missing: length };
  const mean = Math.min(max, Math.max(min, sum / n));
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v !== v) continue;
    const d = v - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return { n, mean, m2, m3, m4, min, max, missing: length - n };
}

/** a ⊕ b (Pébay's pairwise update for the 2nd–4th central sums). */
export function mergeMoments(a: MomentsPartial, b: MomentsPartial): MomentsPartial {
  if (a.n === 0) return { ...b, missing: a.missing + b.missing };
  if (b.n === 0) return { ...a, missing: a.missing + b.missing };
  const n = a.n + b.n;
  const d = b.mean - a.mean;
  const dn = d / n;
  const dn2 = dn * dn;
  const na = a.n;
  const nb = b.n;
  const m2 = a.m2 + b.m2 + d * dn * na * nb;
  const m3 = a.m3 + b.m3 + d * dn2 * na * nb * (na - nb) + 3 * dn * (na * b.m2 - nb * a.m2);
  const m4 =
    a.m4 + b.m4 + d * dn2 * dn * na * nb * (na * na - na * nb + nb * nb) + 6 * dn2 * (na * na * b.m2 + nb * nb * a.m2) + 4 * dn * (na * b.m3 - nb * a.m3);
  return { n, mean: a.mean + dn * nb, m2, m3, m4, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), missing: a.missing + b.missing };
}

/** Sample sd (n − 1), and pandas' adjusted skewness G1 and excess kurtosis G2 (as summary.ts computes them). */
export function momentsSummary(m: MomentsPartial): { mean: number | null; sd: number | null; skewness: number | null; kurtosis: number | null } {
  const n = m.n;
  if (n === 0) return { mean: null, sd: null, skewness: null, kurtosis: null };
  const sd = n > 1 ? Math.sqrt(Math.max(0, m.m2) / (n - 1)) : null;
  let skewness: number | null = null;
  if (n >= 3) skewness = m.m2 <= 0 ? 0 : ((Math.sqrt(n * (n - 1)) / (n - 2)) * (m.m3 / n)) / Math.pow(m.m2 / n, 1.5);
  let kurtosis: number | null = null;
  if (n >= 4) kurtosis = m.m2 <= 0 ? 0 : ((n + 1) * n * (n - 1) * m.m4) / ((n - 2) * (n - 3) * m.m2 * m.m2) - (3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3));
  return { mean: m.mean, sd, skewness, kurtosis };
}

/**
 * Pairwise-complete co-moments of p columns, mergeable: per pair (a, b) the rows where both are present, and their
 * sums of x, y, x², y², xy after subtracting a fixed shift per column (the first chunk's means), which keeps the
 * one-pass formulas well conditioned for data far from zero and makes every chunk's sums addable.
 */
export interface CoMoments {
  readonly p: number;
  readonly shift: Float64Array;
  /** Per pair a ≤ b at index a·p + b: n, Σx, Σy, Σx², Σy², Σxy (6 numbers). */
  readonly sums: Float64Array;
}

export function emptyCoMoments(p: number, shift: Float64Array): CoMoments {
  return { p, shift, sums: new Float64Array(p * p * 6) };
}

/** Adds rows 0 … length − 1 of `columns` into `into` (NaN: missing, that pair skips the row). */
export function addCoMoments(into: CoMoments, columns: readonly ArrayLike<number>[], length: number): void {
  for (let a = 0; a < into.p; a++) addCoMomentRow(into, a, coMomentRow({ columns, shift: into.shift, length }, { a }));
}

/** Adds one row of chunk sums (coMomentRow's) into `into`, pair by pair: the same additions as addCoMoments. */
export function addCoMomentRow(into: CoMoments, a: number, row: Float64Array): void {
  const { p, sums } = into;
  for (let b = a; b < p; b++) {
    const at = (a * p + b) * 6;
    const k = (b - a) * 6;
    for (let q = 0; q < 6; q++) sums[at + q] += row[k + q];
  }
}

/** What the rows of one chunk's co-moments share (parallel/kernels.ts: `coMomentRow`). */
export interface CoMomentContext {
  readonly columns: readonly ArrayLike<number>[];
  readonly shift: Float64Array;
  readonly length: number;
}

/** Column a against every b ≥ a over rows 0 … length − 1: per pair n, Σx, Σy, Σx², Σy², Σxy (6 numbers). */
export function coMomentRow(context: CoMomentContext, task: { readonly a: number }): Float64Array {
  const { columns, shift, length } = context;
  const p = columns.length;
  const a = task.a;
  const out = new Float64Array((p - a) * 6);
  const x = columns[a];
  const sa = shift[a];
  for (let b = a; b < p; b++) pairSums(x, sa, columns[b], shift[b], length, out, (b - a) * 6);
  return out;
}

/** Pearson r of columns a and b over their pairwise-complete rows; null when undefined (constant, < 2 rows). */
export function coMomentCorrelation(m: CoMoments, a: number, b: number): number | null {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const at = (lo * m.p + hi) * 6;
  const s = m.sums;
  const n = s[at];
  if (n < 2) return null;
  const vx = s[at + 3] - (s[at + 1] * s[at + 1]) / n;
  const vy = s[at + 4] - (s[at + 2] * s[at + 2]) / n;
  if (!(vx > 1e-300) || !(vy > 1e-300)) return null;
  const r = (s[at + 5] - (s[at + 1] * s[at + 2]) / n) / Math.sqrt(vx * vy);
  return Math.max(-1, Math.min(1, r));
}

/**
 * The evidence that narrows the candidates when the full expansion does not fit: an exact screen of every main effect
 * and pair, and the focused set of terms fitted when even the narrowed candidates are too many for all subsets.
 */
import type { CancelSignal } from '../cancel';
import { normalQuantile } from '../stats/distributions';
import { newSharedFloat32, newSharedFloat64 } from '../typed';
import type { TaskRunner } from '../parallel/runner';
import type { LowOrderScreen } from './types';

/** A target the screen scores terms against: its centred values on the screened rows and its standard deviation. */
export interface ScreenTarget {
  readonly resid: Float64Array;
  readonly sd: number;
  /** One-vs-rest: the class this target is (its terms are reported with it). */
  readonly class?: string;
}

/**
 * Degree-1 and degree-2 terms over all features, scored at the intercept-only model: z = r·√n of the correlation
 * between the term and each target on the given rows. Several targets (one per class) share the products; the
 * Bonferroni correction then covers terms × targets.
 */
export function screenLowOrder(
  bits: readonly Uint8Array[],
  s0: Float64Array,
  s1: Float64Array,
  targets: readonly ScreenTarget[],
  rows: Uint32Array,
  names: readonly string[],
  /** Checked before each feature's pairs (p − 1 passes over the rows). */
  signal?: CancelSignal,
  /** Threads for the pairs (the same scores whatever their number). */
  runner?: TaskRunner,
): LowOrderScreen {
  const p = bits.length;
  const n = rows.length;
  // Float32 is plenty for ±1-scale values and halves the memory on million-row data; sums stay float64.
  // With threads the values go straight onto shared memory (a plain array would be copied there for the pairs).
  const threaded = runner !== undefined && runner.threads > 1;
  const values = bits.map((b, j) => {
    const out = threaded ? newSharedFloat32(n) : new Float32Array(n);
    const zero = s0[j];
    const one = s1[j];
    for (let u = 0; u < n; u++) out[u] = b[rows[u]] ? one : zero;
    return out;
  });
  const scored: { features: string[]; z: number; class?: string }[] = [];
  const z = (sxy: number, sxx: number, sd: number): number => (sxx > 0 && sd > 0 ? (sxy / Math.sqrt(sxx * n) / sd) * Math.sqrt(n) : 0);
  const score = (x: Float32Array, members: string[]): void => {
    if (targets.length === 1) {
      const { resid, sd } = targets[0];
      let sxy = 0;
      let sxx = 0;
      for (let u = 0; u < n; u++) {
        sxy += x[u] * resid[u];
        sxx += x[u] * x[u];
      }
      scored.push({ features: members, z: z(sxy, sxx, sd) });
      return;
    }
    let sxx = 0;
    for (let u = 0; u < n; u++) sxx += x[u] * x[u];
    for (const t of targets) {
      let sxy = 0;
      for (let u = 0; u < n; u++) sxy += x[u] * t.resid[u];
      scored.push({ features: members, z: z(sxy, sxx, t.sd), ...(t.class !== undefined ? { class: t.class } : {}) });
    }
  };
  for (let a = 0; a < p; a++) score(values[a], [names[a]]);
  // Pairs: one kernel task per first feature a (its pairs with every b > a), side by side on a runner's threads.
  const context: ScreenPairsContext = {
    values,
    resids: targets.map((t) => (threaded ? sharedCopy(t.resid) : t.resid)),
  };
  const tasks: ScreenPairsTask[] = Array.from({ length: Math.max(0, p - 1) }, (_, a) => ({ a }));
  const sums = runner && threaded ? runner.runKernel('screenPairs', context, tasks, { signal, work: (n * p * p) / 2 }) : tasks.map((task) => {
    signal?.throwIfAborted();
    return screenPairsKernel(context, task);
  });
  const T = targets.length;
  sums.forEach((row, a) => {
    for (let b = a + 1; b < p; b++) {
      const at = (b - a - 1) * (1 + T);
      const members = [names[a], names[b]];
      targets.forEach((t, k) => {
        scored.push({ features: members, z: z(row[at + 1 + k], row[at], t.sd), ...(T > 1 && t.class !== undefined ? { class: t.class } : {}) });
      });
    }
  });
  const zCritical = normalQuantile(1 - 0.01 / (2 * scored.length));
  scored.sort((x, y) => Math.abs(y.z) - Math.abs(x.z));
  return {
    terms: scored.length / Math.max(1, targets.length),
    zCritical,
    significant: scored.filter((t) => Math.abs(t.z) > zCritical).slice(0, 50),
    strongest: scored[0] ?? null,
  };
}

/** What the pair tasks of one screen share (parallel/kernels.ts: `screenPairs`): values on the rows, the targets. */
export interface ScreenPairsContext {
  readonly values: readonly Float32Array[];
  readonly resids: readonly Float64Array[];
}

export interface ScreenPairsTask {
  readonly a: number;
}

/**
 * Feature a's pairs with every b > a: per pair, Σx² then Σx·resid per target (1 + T numbers), x the product rounded
 * to float32 as a stored product column would be. Up to three targets' sums share one pass over the rows; each sum
 * still adds its rows in order, so the numbers are those of a pass per sum, whatever thread runs it.
 */
export function screenPairsKernel(context: ScreenPairsContext, task: ScreenPairsTask): Float64Array {
  const { values, resids } = context;
  const p = values.length;
  const T = resids.length;
  const a = task.a;
  const va = values[a];
  const n = va.length;
  const out = new Float64Array(Math.max(0, p - a - 1) * (1 + T));
  for (let b = a + 1; b < p; b++) {
    const vb = values[b];
    const at = (b - a - 1) * (1 + T);
    for (let t0 = 0; t0 < T; t0 += 3) {
      const r0 = resids[t0];
      const r1 = resids[Math.min(t0 + 1, T - 1)];
      const r2 = resids[Math.min(t0 + 2, T - 1)];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let xx = 0;
      for (let u = 0; u < n; u++) {
        const x = Math.fround(va[u] * vb[u]);
        xx += x * x;
        s0 += x * r0[u];
        s1 += x * r1[u];
        s2 += x * r2[u];
      }
      if (t0 === 0) out[at] = xx;
      out[at + 1 + t0] = s0;
      if (t0 + 1 < T) out[at + 2 + t0] = s1;
      if (t0 + 2 < T) out[at + 3 + t0] = s2;
    }
  }
  return out;
}

function sharedCopy(values: Float64Array): Float64Array {
  const out = newSharedFloat64(values.length);
  out.set(values);
  return out;
}

/** Singles and pairs over the candidates, the parity term, and the parity term with one feature removed or added. */
export function focusedTerms(candidates: readonly number[], parity: readonly number[], p: number, degree?: readonly [number, number]): number[][] {
  const terms = new Map<string, number[]>();
  const add = (t: number[]): void => {
    const sorted = [...new Set(t)].sort((a, b) => a - b);
    if (degree && (sorted.length < degree[0] || sorted.length > degree[1])) return;
    if (sorted.length > 0) terms.set(sorted.join(','), sorted);
  };
  for (const a of candidates) add([a]);
  for (let x = 0; x < candidates.length; x++) for (let y = x + 1; y < candidates.length; y++) add([candidates[x], candidates[y]]);
  add([...parity]);
  for (const j of parity) add(parity.filter((q) => q !== j));
  for (let j = 0; j < p; j++) if (!parity.includes(j)) add([...parity, j]);
  return [...terms.values()];
}

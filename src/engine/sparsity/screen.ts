/**
 * The evidence that narrows the candidates when the full expansion does not fit: an exact screen of every main effect
 * and pair, and the focused set of terms fitted when even the narrowed candidates are too many for all subsets.
 */
import type { CancelSignal } from '../cancel';
import { normalQuantile } from '../stats/distributions';
import { newSharedFloat64 } from '../typed';
import type { TaskRunner } from '../parallel/runner';
import type { LowOrderScreen } from './types';

/** A target the screen scores terms against: its centred values on the screened rows and its standard deviation. */
export interface ScreenTarget {
  readonly resid: Float64Array;
  readonly sd: number;
  /** One-vs-rest: the class this target is (its terms are reported with it). */
  readonly class?: string;
  /**
   * A two-class label: its bits on the screened rows and their mean, resid = bit − mean. Every sum the screen needs is
   * then a count of rows (see screenLowOrder), taken 32 rows at a time.
   */
  readonly binary?: { readonly bits: Uint8Array; readonly mean: number };
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
  /** Each feature's bits (0 or 1) on `rows`, already gathered (on shared memory when threaded). */
  rowBits?: readonly Uint8Array[],
): LowOrderScreen {
  const p = bits.length;
  const n = rows.length;
  const T = targets.length;
  // A two-valued feature's standardised value is s0 or s1, so a pair's product takes four values, one per cell of
  // the two bits: every sum the screen needs is a sum over those cells. Per feature the screened rows' bits are
  // gathered once (a byte per row, shared with the threads: a quarter of float32 values), and per pair only the
  // cell where both bits are 1 is summed over the rows; the other three cells follow from the features' own sums.
  // The products are the float32 ones a stored product column would hold (as the fit's term columns are).
  const threaded = runner !== undefined && runner.threads > 1;
  const usable = (g: Uint8Array): boolean => g.length === n && (!threaded || g.buffer instanceof SharedArrayBuffer);
  const gathered =
    rowBits && rowBits.length === p && rowBits.every(usable)
      ? rowBits
      : bits.map((b) => {
          const out = threaded ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n);
          // Bits are 0 or 1: copied as they are (a ternary branches on random bits).
          for (let u = 0; u < n; u++) out[u] = b[rows[u]];
          return out;
        });
  const zero = Float32Array.from(s0);
  const one = Float32Array.from(s1);
  // A two-class label: the bits packed 32 rows to a word, and every sum a count — Σ resid over rows where some bits
  // are 1 is (rows where they and the label are 1) − mean·(rows where they are 1).
  const binary = T === 1 ? targets[0].binary : undefined;
  const words = binary ? Math.ceil(n / 32) : 0;
  const packed = binary ? gathered.map((g) => packBits(g, n, threaded)) : null;
  const labelWords = binary ? packBits(binary.bits, n, threaded) : null;
  // Per feature: rows with bit 1, and Σ resid over them per target; per target: Σ resid over all rows.
  const ones = new Float64Array(p);
  const onesResid = new Float64Array(p * T);
  const total = targets.map((t) => {
    if (binary && labelWords) return countOnes(labelWords, null, null, words) - binary.mean * n;
    let sum = 0;
    for (let u = 0; u < n; u++) sum += t.resid[u];
    return sum;
  });
  for (let j = 0; j < p; j++) {
    if (binary && packed && labelWords) {
      ones[j] = countOnes(packed[j], null, null, words);
      onesResid[j] = countOnes(packed[j], labelWords, null, words) - binary.mean * ones[j];
      continue;
    }
    const g = gathered[j];
    let c = 0;
    for (let u = 0; u < n; u++) c += g[u];
    ones[j] = c;
    targets.forEach((t, k) => {
      let sum = 0;
      for (let u = 0; u < n; u++) sum += g[u] * t.resid[u];
      onesResid[j * T + k] = sum;
    });
  }
  const scored: { features: string[]; z: number; class?: string }[] = [];
  const z = (sxy: number, sxx: number, sd: number): number => (sxx > 0 && sd > 0 ? (sxy / Math.sqrt(sxx * n) / sd) * Math.sqrt(n) : 0);
  const push = (members: string[], sxx: number, sxy: (k: number) => number): void => {
    targets.forEach((t, k) => scored.push({ features: members, z: z(sxy(k), sxx, t.sd), ...(T > 1 && t.class !== undefined ? { class: t.class } : {}) }));
  };
  for (let a = 0; a < p; a++) {
    const n1 = ones[a];
    push([names[a]], n1 * one[a] * one[a] + (n - n1) * zero[a] * zero[a], (k) => one[a] * onesResid[a * T + k] + zero[a] * (total[k] - onesResid[a * T + k]));
  }
  // Pairs: one kernel task per first feature a (its pairs with every b > a), side by side on a runner's threads.
  const context: ScreenPairsContext = packed && labelWords
    ? { bits: [], resids: [], packed, labelWords }
    : { bits: gathered, resids: targets.map((t) => (threaded ? sharedCopy(t.resid) : t.resid)) };
  const tasks: ScreenPairsTask[] = Array.from({ length: Math.max(0, p - 1) }, (_, a) => ({ a }));
  const sums = runner && threaded ? runner.runKernel('screenPairs', context, tasks, { signal, work: (n * p * p) / 8 }) : tasks.map((task) => {
    signal?.throwIfAborted();
    return screenPairsKernel(context, task);
  });
  sums.forEach((row, a) => {
    for (let b = a + 1; b < p; b++) {
      const at = (b - a - 1) * (1 + T);
      // The four cells (bit of a, bit of b): their row counts, product values and Σ resid per target.
      if (binary) row[at + 1] -= binary.mean * row[at];
      const n11 = row[at];
      const n10 = ones[a] - n11;
      const n01 = ones[b] - n11;
      const n00 = n - ones[a] - ones[b] + n11;
      const x11 = Math.fround(one[a] * one[b]);
      const x10 = Math.fround(one[a] * zero[b]);
      const x01 = Math.fround(zero[a] * one[b]);
      const x00 = Math.fround(zero[a] * zero[b]);
      const sxx = n11 * x11 * x11 + n10 * x10 * x10 + n01 * x01 * x01 + n00 * x00 * x00;
      push([names[a], names[b]], sxx, (k) => {
        const r11 = row[at + 1 + k];
        const r10 = onesResid[a * T + k] - r11;
        const r01 = onesResid[b * T + k] - r11;
        const r00 = total[k] - onesResid[a * T + k] - onesResid[b * T + k] + r11;
        return x11 * r11 + x10 * r10 + x01 * r01 + x00 * r00;
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

/** What the pair tasks of one screen share (parallel/kernels.ts: `screenPairs`): the bits on the rows, the targets. */
export interface ScreenPairsContext {
  /** Per feature, its bit (0 or 1) on each screened row. */
  readonly bits: readonly Uint8Array[];
  readonly resids: readonly Float64Array[];
  /** A two-class label instead: each feature's bits and the label's, packed 32 rows to a word (bits, resids empty). */
  readonly packed?: readonly Uint32Array[];
  readonly labelWords?: Uint32Array;
}

export interface ScreenPairsTask {
  readonly a: number;
}

/**
 * Feature a's pairs with every b > a: per pair, the rows where both bits are 1, then Σ resid over them per target
 * (1 + T numbers). Up to three targets' sums share one pass over the rows; each sum still adds its rows in order, so
 * the numbers are those of a pass per sum, whatever thread runs it.
 */
export function screenPairsKernel(context: ScreenPairsContext, task: ScreenPairsTask): Float64Array {
  if (context.packed && context.labelWords) {
    // Per pair: rows where both bits are 1, and rows where both and the label are 1 (the caller subtracts the mean).
    const { packed, labelWords } = context;
    const a = task.a;
    const out = new Float64Array(Math.max(0, packed.length - a - 1) * 2);
    for (let b = a + 1; b < packed.length; b++) pairCounts(packed[a], packed[b], labelWords, out, (b - a - 1) * 2);
    return out;
  }
  const { bits, resids } = context;
  const p = bits.length;
  const T = resids.length;
  const a = task.a;
  const ba = bits[a];
  const n = ba.length;
  const out = new Float64Array(Math.max(0, p - a - 1) * (1 + T));
  for (let b = a + 1; b < p; b++) {
    const bb = bits[b];
    const at = (b - a - 1) * (1 + T);
    for (let t0 = 0; t0 < T; t0 += 3) {
      const r0 = resids[t0];
      const r1 = resids[Math.min(t0 + 1, T - 1)];
      const r2 = resids[Math.min(t0 + 2, T - 1)];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let both = 0;
      for (let u = 0; u < n; u++) {
        const m = ba[u] & bb[u];
        both += m;
        s0 += m * r0[u];
        s1 += m * r1[u];
        s2 += m * r2[u];
      }
      if (t0 === 0) out[at] = both;
      out[at + 1 + t0] = s0;
      if (t0 + 1 < T) out[at + 2 + t0] = s1;
      if (t0 + 2 < T) out[at + 3 + t0] = s2;
    }
  }
  return out;
}

/** Bits (0 or 1) packed 32 to a word, row u at bit u % 32 of word u / 32. */
function packBits(bits: Uint8Array, n: number, shared: boolean): Uint32Array {
  const words = Math.ceil(n / 32);
  const out = shared ? new Uint32Array(new SharedArrayBuffer(4 * words)) : new Uint32Array(words);
  // A word at a time, without a branch per bit (a binarised feature's bits do not predict): (−b) >>> 31 is 1 for any
  // non-zero byte b, 0 for 0.
  const full = n >>> 5;
  for (let w = 0; w < full; w++) {
    const base = w << 5;
    let word = 0;
    for (let k = 0; k < 32; k++) word |= (-bits[base + k] >>> 31) << k;
    out[w] = word;
  }
  for (let u = full << 5; u < n; u++) if (bits[u]) out[u >>> 5] |= 1 << (u & 31);
  return out;
}

/**
 * out[at] = rows where both a's and b's bits are 1, out[at + 1] = rows where the label's is 1 too: countOnes(a, b) and
 * countOnes(a, b, label) from one pass over the words (the AND of a and b is made once), half the time of the two.
 */
function pairCounts(a: Uint32Array, b: Uint32Array, label: Uint32Array, out: Float64Array, at: number): void {
  let both = 0;
  let withLabel = 0;
  for (let w = 0; w < label.length; w++) {
    const x = a[w] & b[w];
    both += popcount(x);
    withLabel += popcount(x & label[w]);
  }
  out[at] = both;
  out[at + 1] = withLabel;
}

/** Rows where every given bit set is 1: the popcount of their AND (b, c optional). */
function countOnes(a: Uint32Array, b: Uint32Array | null, c: Uint32Array | null, words: number): number {
  let total = 0;
  for (let w = 0; w < words; w++) {
    let x = a[w];
    if (b) x &= b[w];
    if (c) x &= c[w];
    total += popcount(x);
  }
  return total;
}

/** The set bits of a 32-bit word (the SWAR count: pairs, nibbles, then the bytes summed by one multiplication). */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
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

/**
 * Mid-ranks with ties averaged, the ranking every rank test here uses (Kruskal–Wallis, Spearman).
 *
 * The one sort is an LSD radix argsort of the IEEE-754 bit patterns (six 11-bit passes, keys and row indices moved
 * together so every pass streams through memory). On 10⁶ doubles it takes ~80 ms, where a native sort of the values
 * followed by a binary search per row took ~330 ms (the searches miss the cache) and sorting an index array with a
 * comparator ~280 ms. Tie blocks are then runs of equal keys in sorted order.
 *
 * NaN is missing: it gets a NaN rank and is not counted. ±Infinity are ordinary values and rank at the ends, and −0
 * ties +0, as in scipy.stats.rankdata.
 */
import { floatKey, keyBits, sortKeys } from './summary';
import { twoGroupRanksInKernel } from './radixKernel';

export interface RanksWithTies {
  /** Average ranks 1…count in input order; NaN where the input is NaN. */
  readonly ranks: Float64Array;
  /** Σ (t³ − t) over blocks of t tied values: the tie term of Kruskal–Wallis and of the Spearman variance. */
  readonly tieSum: number;
  /** Number of non-NaN values ranked. */
  readonly count: number;
}

/** Which 32-bit half of a float64 holds the sign and exponent, on this machine. */
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Radix passes over the 64-bit key: [word (0 = low, 1 = high), shift, mask]. */
const PASSES: readonly (readonly [number, number, number])[] = [
  [0, 0, 0x7ff],
  [0, 11, 0x7ff],
  [0, 22, 0x3ff],
  [1, 0, 0x7ff],
  [1, 11, 0x7ff],
  [1, 22, 0x3ff],
];

/** Radix passes over a float32's 32-bit key: [word, shift, mask]. */
const PASSES_32: readonly (readonly [number, number, number])[] = [
  [0, 0, 0x7ff],
  [0, 11, 0x7ff],
  [0, 22, 0x3ff],
];

/**
 * LSD radix argsort (stable) of keys split into 32-bit words (`keys[w]`), each pass sorting by `mask` bits of word
 * `w` from `shift`; every word and the order move together, so each pass streams through memory. A digit shared by
 * every key (the high exponent bits of data in one binade, say) needs no pass.
 */
function radixArgsort(keys: Uint32Array[], order: Uint32Array, passes: readonly (readonly [number, number, number])[]): { keys: Uint32Array[]; order: Uint32Array } {
  if (keys.length < 1 || keys.length > 2) throw new RangeError('radixArgsort: keys of one or two 32-bit words');
  const m = order.length;
  let current: Uint32Array[] = keys.slice();
  let next: Uint32Array[] = keys.map(() => new Uint32Array(m));
  let rows: Uint32Array = order;
  let rowsNext: Uint32Array = new Uint32Array(m);
  const offsets = new Uint32Array(0x800);
  for (const [word, shift, mask] of passes) {
    const key = current[word];
    offsets.fill(0);
    for (let k = 0; k < m; k++) offsets[(key[k] >>> shift) & mask]++;
    let shared = false;
    for (let d = 0; d <= mask; d++) {
      if (offsets[d] === m) shared = true;
      if (offsets[d] !== 0) break;
    }
    if (shared) continue;
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = offsets[d];
      offsets[d] = sum;
      sum += c;
    }
    // One or two words, moved without an inner loop (this is the hot loop of every rank test).
    const [a, b] = current;
    const [na, nb] = next;
    if (b && nb) {
      for (let k = 0; k < m; k++) {
        const position = offsets[(key[k] >>> shift) & mask]++;
        na[position] = a[k];
        nb[position] = b[k];
        rowsNext[position] = rows[k];
      }
    } else {
      for (let k = 0; k < m; k++) {
        const position = offsets[(key[k] >>> shift) & mask]++;
        na[position] = a[k];
        rowsNext[position] = rows[k];
      }
    }
    [current, next] = [next, current];
    [rows, rowsNext] = [rowsNext, rows];
  }
  return { keys: current, order: rows };
}

interface SortedKeys {
  /** Row index of the k-th smallest non-NaN value. */
  readonly order: Uint32Array;
  /** Its order-preserving key, high and low words: equal keys ⇔ equal values. */
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
}

/**
 * Argsort of the non-NaN values (stable). A float64's bits become an unsigned key with the same order by setting the
 * sign bit of a positive number and inverting every bit of a negative one; −0 is first turned into +0.
 */
function argsortValues(values: ArrayLike<number>): SortedKeys {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) m++;
  const asFloat = new Float64Array(m);
  const order = new Uint32Array(m);
  for (let i = 0, k = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    asFloat[k] = v === 0 ? 0 : v;
    order[k++] = i;
  }
  const words = new Uint32Array(asFloat.buffer);
  const hi = new Uint32Array(m);
  const lo = new Uint32Array(m);
  for (let k = 0; k < m; k++) {
    const h = words[2 * k + HIGH_WORD];
    const l = words[2 * k + 1 - HIGH_WORD];
    if (h & 0x80000000) {
      hi[k] = ~h >>> 0;
      lo[k] = ~l >>> 0;
    } else {
      hi[k] = (h | 0x80000000) >>> 0;
      lo[k] = l;
    }
  }
  const sorted = radixArgsort([lo, hi], order, PASSES);
  return { order: sorted.order, hi: sorted.keys[1], lo: sorted.keys[0] };
}

/**
 * argsortValues for float32 values: one 32-bit key (the same order-preserving bit trick), three radix passes instead
 * of six. Equal keys ⇔ equal values, as for doubles. `order` lists the positions of the present values (NaN left
 * out) by value, −0 as 0, equal values in position order (the radix sort is stable).
 */
export function argsortFloat32(values: Float32Array): { readonly order: Uint32Array; readonly key: Uint32Array } {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) m++;
  const asFloat = new Float32Array(m);
  const order = new Uint32Array(m);
  for (let i = 0, k = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    asFloat[k] = v === 0 ? 0 : v;
    order[k++] = i;
  }
  const bits = new Uint32Array(asFloat.buffer);
  const key = new Uint32Array(m);
  for (let k = 0; k < m; k++) key[k] = floatKey(bits[k]);
  const sorted = radixArgsort([key], order, PASSES_32);
  return { order: sorted.order, key: sorted.keys[0] };
}

/**
 * Per group code: the sum of its values' mid-ranks among all the values, and the tie term Σ(t³ − t) — what
 * ranksWithTies and a sum by group give, without ranking every row. Each group's values are sorted by themselves
 * (a value sort moves half the bytes of an argsort) and the sorted runs are merged, tie group by tie group. Ties are
 * equal float32 values, −0 being 0, as in argsortFloat32. Every rank is a half-integer and every sum stays below 2⁵³,
 * so the sums are exact, whatever the order they are added in: the numbers of ranksWithTies, bit for bit.
 * A row whose code is negative or whose value is not finite is missing and left out; every other code must be below
 * groupCount (a RangeError names the first that is not).
 */
export function groupRankSums(values: Float32Array, codes: Int32Array, groupCount: number): GroupRankSums {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const sizes = new Int32Array(groupCount);
  let n = 0;
  for (let i = 0; i < codes.length; i++) {
    const g = codes[i];
    // Not finite: all exponent bits set (±∞, NaN).
    if (g < 0 || (bits[i] & 0x7f800000) === 0x7f800000) continue;
    if (g >= groupCount) throw new RangeError(`groupRankSums: row ${i} has group code ${g}; codes must be integers in [0, ${groupCount})`);
    sizes[g]++;
    n++;
  }
  // Each group's values as order-preserving keys (floatKey), −0 as +0, in one buffer, group after group; each group's
  // run is then sorted by itself and equal keys are tied values.
  const buffer = new Uint32Array(n);
  const next = new Int32Array(groupCount);
  for (let g = 1; g < groupCount; g++) next[g] = next[g - 1] + sizes[g - 1];
  for (let i = 0; i < values.length; i++) {
    const b = bits[i];
    const g = codes[i];
    if (g < 0 || (b & 0x7f800000) === 0x7f800000) continue;
    buffer[next[g]++] = floatKey(b === 0x80000000 ? 0 : b);
  }
  const keys = Array.from(sizes, (size, g) => sortKeys(buffer.subarray(next[g] - size, next[g])));
  const merged = groupCount === 2 ? mergeTwo(keys[0], keys[1]) : mergeMany(keys, sizes);
  return { ...merged, sizes: Float64Array.from(sizes), n };
}

/** Per group, its rank sum and size (rows with a finite value and that code), the rows in all, and the tie term. */
export interface GroupRankSums {
  readonly rankSums: Float64Array;
  readonly tieSum: number;
  readonly sizes: Float64Array;
  readonly n: number;
}

/** A float32 column sorted once for its profile and for the rank sums of a two-class label. */
export interface SortedTwoGroupRanks {
  /**
   * sortedPresent(values), bit for bit: the finite values, ascending. From the kernel, a view into this thread's
   * sorter memory, valid until its next sortedWithTwoGroupRanks: read it before, keep nothing of it.
   */
  readonly sorted: Float32Array;
  /** groupRankSums(values, codes, 2), bit for bit. */
  readonly rankSums: Float64Array;
  readonly tieSum: number;
  /** Rows per code (0, 1) with a finite value, and their total. */
  readonly sizes: Float64Array;
  readonly n: number;
}

/**
 * The profile's sort and the Kruskal–Wallis rank sums of a two-class label from one sort: each class's values are
 * sorted by themselves (as groupRankSums does) and their merge, which hands out the ranks, also writes the merged
 * values — sortedPresent's result. Null, and the caller sorts twice, where the two differ: a finite value on a row
 * without a class (the profile keeps it, the test leaves it out) or a −0 (the test ranks it as 0, the profile keeps
 * its sign).
 */
export function sortedWithTwoGroupRanks(values: Float32Array, codes: Int32Array): SortedTwoGroupRanks | null {
  // The same on the WebAssembly kernel where it takes the column (radixKernel.ts), else below.
  const k = twoGroupRanksInKernel(values, codes);
  return k !== undefined ? k : sortedWithTwoGroupRanksJs(values, codes);
}

/** sortedWithTwoGroupRanks in JavaScript: the reference, and what runs where the kernel does not. */
export function sortedWithTwoGroupRanksJs(values: Float32Array, codes: Int32Array): SortedTwoGroupRanks | null {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let n = 0;
  let n1 = 0;
  for (let i = 0; i < codes.length; i++) {
    const b = bits[i];
    if ((b & 0x7f800000) === 0x7f800000) continue;
    const g = codes[i];
    // Any code but 0 or 1 (a missing class is −1), or −0: not shareable. Both rare, so the branch predicts.
    if ((g >>> 0) > 1 || b === 0x80000000) return null;
    n++;
    n1 += g;
  }
  const n0 = n - n1;
  const buffer = new Uint32Array(n);
  // Class 0 from the front, class 1 after it, each in row order; the class picks the cursor without a branch.
  const next = Int32Array.of(0, n0);
  for (let i = 0; i < codes.length; i++) {
    const b = bits[i];
    if ((b & 0x7f800000) === 0x7f800000) continue;
    buffer[next[codes[i]]++] = floatKey(b);
  }
  const keys0 = sortKeys(buffer.subarray(0, n0));
  const keys1 = sortKeys(buffer.subarray(n0, n));
  const merged = new Uint32Array(n);
  const { rankSums, tieSum } = mergeTwo(keys0, keys1, merged);
  for (let i = 0; i < n; i++) merged[i] = keyBits(merged[i]);
  return { sorted: new Float32Array(merged.buffer, 0, n), rankSums, tieSum, sizes: Float64Array.of(n0, n1), n };
}

/** Beyond every key: an exhausted group's next key. */
const PAST_KEYS = 2 ** 32;

/**
 * groupRankSums' merge of two sorted key runs (the common case: a two-class label), without a branch per value: the
 * two classes interleave unpredictably, and real columns tie often (float32 noise around a few values), so a branch
 * on either mispredicted for most values.
 *
 * A stable merge (run a first among equal keys) hands out the integer ranks 1 … n; a tie group of t values, cA of
 * them from a and cB from b, starting after s values, has the mid-rank s + (t + 1)/2 for each. From a's integer ranks
 * s + 1 … s + cA, the mid-ranks add cA·cB/2; from b's s + cA + 1 … s + t, they take cA·cB/2 away. So the rank sums
 * are the integer ones ± Σ cA·cB/2 over the tie groups, and the tie term adds t³ − t per group. Every partial sum is a
 * multiple of ½ below 2^52 (n ≤ 60 million): exact in any order, the same bits as adding the mid-ranks one by one.
 */
function mergeTwo(a: Uint32Array, b: Uint32Array, out: Uint32Array | null = null): { rankSums: Float64Array; tieSum: number } {
  const na = a.length;
  const nb = b.length;
  const n = na + nb;
  let i = 0;
  let j = 0;
  let sumA = 0;
  let sumB = 0;
  let tieSum = 0;
  let cross = 0;
  // The run of equal values being taken: its value and how many came from each side.
  let previous = -1;
  let runA = 0;
  let runB = 0;
  for (let rank = 1; rank <= n; rank++) {
    // An exhausted side's head is past every key (a branch that changes once).
    const x = i < na ? a[i] : PAST_KEYS;
    const y = j < nb ? b[j] : PAST_KEYS;
    const fromA = x <= y ? 1 : 0;
    const fromB = 1 - fromA;
    const v = y + fromA * (x - y);
    i += fromA;
    j += fromB;
    sumA += fromA * rank;
    sumB += fromB * rank;
    if (out !== null) out[rank - 1] = v;
    // A new value closes the run before it: t³ − t and cA·cB (both 0 for a run of one), added as 0 otherwise.
    const same = v === previous ? 1 : 0;
    const closing = 1 - same;
    const t = runA + runB;
    tieSum += closing * (t * t * t - t);
    cross += closing * runA * runB;
    runA = same * runA + fromA;
    runB = same * runB + fromB;
    previous = v;
  }
  const t = runA + runB;
  tieSum += t * t * t - t;
  cross += runA * runB;
  return { rankSums: Float64Array.of(sumA + cross / 2, sumB - cross / 2), tieSum };
}

/** groupRankSums' merge of any number of sorted key runs. */
function mergeMany(keys: readonly Uint32Array[], sizes: Int32Array): { rankSums: Float64Array; tieSum: number } {
  const groupCount = keys.length;
  const at = new Int32Array(groupCount);
  const end = new Int32Array(groupCount);
  const rankSums = new Float64Array(groupCount);
  let tieSum = 0;
  let before = 0;
  for (;;) {
    let least = PAST_KEYS;
    for (let g = 0; g < groupCount; g++) if (at[g] < sizes[g] && keys[g][at[g]] < least) least = keys[g][at[g]];
    if (least === PAST_KEYS) break;
    let t = 0;
    for (let g = 0; g < groupCount; g++) {
      const key = keys[g];
      let k = at[g];
      while (k < sizes[g] && key[k] === least) k++;
      end[g] = k;
      t += k - at[g];
    }
    const rank = before + (t + 1) / 2;
    for (let g = 0; g < groupCount; g++) {
      rankSums[g] += (end[g] - at[g]) * rank;
      at[g] = end[g];
    }
    if (t > 1) tieSum += t * t * t - t;
    before += t;
  }
  return { rankSums, tieSum };
}


/** Average ranks and the tie term from one sort (float32 values: a 32-bit key, half the radix passes). */
export function ranksWithTies(values: ArrayLike<number>): RanksWithTies {
  if (values instanceof Float32Array) {
    const { order, key } = argsortFloat32(values);
    return tiedRanks(values.length, order, (a, b) => key[a] === key[b]);
  }
  const { order, hi, lo } = argsortValues(values);
  return tiedRanks(values.length, order, (a, b) => hi[a] === hi[b] && lo[a] === lo[b]);
}

/** Mid-ranks from an argsort; `same(k, l)`: sorted positions k and l hold equal values. */
function tiedRanks(length: number, order: Uint32Array, same: (k: number, l: number) => boolean): RanksWithTies {
  const m = order.length;
  const ranks = new Float64Array(length).fill(NaN);
  let tieSum = 0;
  let start = 0;
  while (start < m) {
    let end = start + 1;
    while (end < m && same(end, start)) end++;
    // Sorted positions start…end − 1 hold ranks start + 1…end; their average:
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    const t = end - start;
    if (t > 1) tieSum += t * t * t - t;
    start = end;
  }
  return { ranks, tieSum, count: m };
}

/** Average ranks, ties averaged (scipy.stats.rankdata(method='average')); NaN in, NaN rank out. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  return ranksWithTies(values).ranks;
}

/**
 * Tie correction 1 − Σ(t³ − t)/(n³ − n) (scipy.stats.tiecorrect; Siegel & Castellan 1988) over the non-NaN
 * values. Ties in values are ties in ranks, so values or their ranks give the same answer. 1 when n < 2; 0 when every
 * value is the same.
 */
export function tieCorrection(values: ArrayLike<number>): number {
  const { tieSum, count } = ranksWithTies(values);
  return tieCorrectionFromSum(tieSum, count);
}

/** The same from a tie sum already computed by ranksWithTies. */
export function tieCorrectionFromSum(tieSum: number, count: number): number {
  if (count < 2) return 1;
  return 1 - tieSum / (count * count * count - count);
}

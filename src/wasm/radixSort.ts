// AssemblyScript, compiled to WebAssembly by `npm run build:kernel` (src/wasm/build.mjs), which embeds the module in
// src/engine/stats/radixSortKernel.generated.ts. The LSD radix sort of unsigned 32-bit keys that every feature's
// profile runs (src/engine/stats/summary.ts: radixSortKeys is the JavaScript one, and the host), on a memory the host
// lays out: the keys, a scratch array as long, and 3 × 2048 digit counts. Sorted keys are the same array whichever
// sort made them; this one reads and writes them without a bounds check per access. sortPresent32 and twoGroupRanks
// also do the profile's conversions around the sort (summary.ts: floatKey, keyBits) and, for the second, the rank merge.

/** First byte the host may use: everything below belongs to this module's data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

/**
 * Sorts the n keys at `keys`, 3 passes of 11, 11 and 10 bits (a digit every key shares needs no pass), with `tmp` as
 * scratch. Returns 0 when the sorted keys are at `keys`, 1 when they are at `tmp`.
 */
export function radixSort(keys: usize, tmp: usize, n: i32, counts: usize): i32 {
  return sortRun(keys, tmp, n, counts) == keys ? 0 : 1;
}

/**
 * The profile's sortedPresent of a float32 column, whole: the n words at `keys` are the column's float32 bits. The
 * finite ones (exponent not all ones) become order-preserving keys, kept in order at the front, are sorted as
 * radixSort sorts, and become float32 bits again. Returns 2m + 0 when the m sorted values are at `keys`, 2m + 1 when
 * they are at `tmp`.
 */
export function sortPresent32(keys: usize, tmp: usize, n: i32, counts: usize): i32 {
  clearCounts(counts);
  const end = keys + (<usize>n << 2);
  let to = keys;
  for (let p = keys; p < end; p += 4) {
    const bits = load<u32>(p);
    if ((bits & 0x7f800000) == 0x7f800000) continue;
    const k = floatKey(bits);
    store<u32>(to, k);
    to += 4;
    count(k, counts);
  }
  const m = <i32>((to - keys) >> 2);
  const flipped = passes(keys, tmp, m, counts);
  keysToBits(flipped ? tmp : keys, m);
  return (m << 1) | flipped;
}

/** The host's floatKey (summary.ts): all bits of a negative flipped, the sign bit of a positive. */
@inline
function floatKey(bits: u32): u32 {
  return bits ^ (<u32>(<i32>bits >> 31) | 0x80000000);
}

/** The host's keyBits, in place over the m keys at `at`: floatKey undone. */
function keysToBits(at: usize, m: i32): void {
  const stop = at + (<usize>m << 2);
  for (let p = at; p < stop; p += 4) {
    const k = load<u32>(p);
    store<u32>(p, k ^ (<u32>(~(<i32>k) >> 31) | 0x80000000));
  }
}

/** Zeroes the three passes' 2048 digit counts. */
function clearCounts(counts: usize): void {
  for (let b: usize = 0; b < 3 * 2048; b++) store<u32>(counts + (b << 2), 0);
}

/** Adds a key's three digits to their counts. */
@inline
function count(k: u32, counts: usize): void {
  const a = counts + (<usize>(k & 2047) << 2);
  store<u32>(a, load<u32>(a) + 1);
  const b = counts + 8192 + (<usize>((k >>> 11) & 2047) << 2);
  store<u32>(b, load<u32>(b) + 1);
  const c = counts + 16384 + (<usize>(k >>> 22) << 2);
  store<u32>(c, load<u32>(c) + 1);
}

/** The three counting passes over counted keys; 1 when the result is at `tmp`. */
function passes(keys: usize, tmp: usize, n: i32, counts: usize): i32 {
  let src = keys;
  let dst = tmp;
  let flipped = 0;
  for (let pass: u32 = 0; pass < 3; pass++) {
    const base = counts + <usize>pass * 8192;
    const shift = pass * 11;
    if (n > 0 && load<u32>(base + (<usize>((load<u32>(src) >>> shift) & 2047) << 2)) == <u32>n) continue;
    let sum: u32 = 0;
    for (let b: usize = 0; b < 2048; b++) {
      const c = load<u32>(base + (b << 2));
      store<u32>(base + (b << 2), sum);
      sum += c;
    }
    const stop = src + (<usize>n << 2);
    for (let p = src; p < stop; p += 4) {
      const k = load<u32>(p);
      const a = base + (<usize>((k >>> shift) & 2047) << 2);
      const at = load<u32>(a);
      store<u32>(a, at + 1);
      store<u32>(dst + (<usize>at << 2), k);
    }
    const t = src;
    src = dst;
    dst = t;
    flipped ^= 1;
  }
  return flipped;
}

/**
 * The profile's sort and a two-class label's rank sums from one sort (src/engine/stats/ranks.ts:
 * sortedWithTwoGroupRanks is the JavaScript one, bit for bit). `bits` holds the column's n float32 words and `codes`
 * its n class codes; `keys` and `tmp` are n words each, and `codes` may be `tmp` (the codes are read before the sorts). Rows with a non-finite value are skipped; a class code other
 * than 0 or 1 on a finite row, or a −0, returns −1 (the caller sorts twice, as in JavaScript). Otherwise each class's
 * keys, in row order, are radix-sorted by themselves, merged into `bits` (as float32 bits again: sortedPresent's
 * result), and `results` receives four float64s: the rank sums of classes 0 and 1 and Σ(t³ − t) over the tie groups,
 * each made with the JavaScript merge's float64 operations in its order, and the count m of finite values (the merged
 * ones). Returns the count of class 1.
 */
export function twoGroupRanks(bits: usize, codes: usize, n: i32, keys: usize, tmp: usize, counts: usize, results: usize): i32 {
  const end = bits + (<usize>n << 2);
  let m = 0;
  let n1 = 0;
  for (let p = bits, c = codes; p < end; p += 4, c += 4) {
    const b = load<u32>(p);
    if ((b & 0x7f800000) == 0x7f800000) continue;
    const g = load<u32>(c);
    if (g > 1 || b == 0x80000000) return -1;
    m++;
    n1 += <i32>g;
  }
  const n0 = m - n1;
  let at0 = keys;
  let at1 = keys + (<usize>n0 << 2);
  // Without a branch on the class: the codes of a shuffled table are a coin toss, which a branch mispredicts half the time.
  for (let p = bits, c = codes; p < end; p += 4, c += 4) {
    const b = load<u32>(p);
    if ((b & 0x7f800000) == 0x7f800000) continue;
    const g = <usize>load<u32>(c);
    store<u32>(select<usize>(at1, at0, g != 0), floatKey(b));
    at0 += (1 - g) << 2;
    at1 += g << 2;
  }
  const a = sortRun(keys, tmp, n0, counts);
  const b = sortRun(keys + (<usize>n0 << 2), tmp + (<usize>n0 << 2), n1, counts);
  mergeTwo(a, n0, b, n1, bits, results);
  store<f64>(results, <f64>m, 24);
  keysToBits(bits, m);
  return n1;
}

/** radixSort of the n keys at `keys` (scratch `tmp`); returns where the sorted keys are. */
function sortRun(keys: usize, tmp: usize, n: i32, counts: usize): usize {
  clearCounts(counts);
  const end = keys + (<usize>n << 2);
  for (let p = keys; p < end; p += 4) count(load<u32>(p), counts);
  return passes(keys, tmp, n, counts) ? tmp : keys;
}

/** ranks.ts mergeTwo, in the same float64 operations in the same order (so the same bits); writes the merged keys. */
function mergeTwo(a: usize, na: i32, b: usize, nb: i32, out: usize, results: usize): void {
  const n = na + nb;
  const PAST: u64 = 0x100000000;
  let i = 0;
  let j = 0;
  // The rank sums, the tie runs and Σ cA·cB are integers below 2^53 (n ≤ KERNEL_MAX_KEYS): kept as integers, they are
  // the float64 values the JavaScript merge makes, exactly, without a float64 multiply-add on the loop's critical path.
  // Only Σ(t³ − t) is rounded (t³ may pass 2^53), so it alone stays a float64 sum, made as the merge makes it.
  let sumA: i64 = 0;
  let sumB: i64 = 0;
  let tieSum = 0.0;
  let cross: i64 = 0;
  let previous: i64 = -1;
  let runA: i64 = 0;
  let runB: i64 = 0;
  for (let rank = 1; rank <= n; rank++) {
    const x: u64 = i < na ? <u64>load<u32>(a + (<usize>i << 2)) : PAST;
    const y: u64 = j < nb ? <u64>load<u32>(b + (<usize>j << 2)) : PAST;
    const takeA = x <= y;
    const fromA = <i64>takeA;
    const fromB = 1 - fromA;
    const v: u64 = takeA ? x : y;
    i += <i32>takeA;
    j += 1 - <i32>takeA;
    sumA += fromA * <i64>rank;
    sumB += fromB * <i64>rank;
    store<u32>(out + (<usize>(rank - 1) << 2), <u32>v);
    const same = <i64>(<i64>v == previous);
    const closes: i64 = 1 - same;
    const t = <f64>(runA + runB);
    tieSum += <f64>closes * (t * t * t - t);
    cross += closes * runA * runB;
    runA = same * runA + fromA;
    runB = same * runB + fromB;
    previous = <i64>v;
  }
  const t = <f64>(runA + runB);
  tieSum += t * t * t - t;
  cross += runA * runB;
  // The mid-ranks' sums: the integer ones ± Σ cA·cB/2 (the JavaScript merge's last step).
  store<f64>(results, <f64>sumA + <f64>cross / 2);
  store<f64>(results, <f64>sumB - <f64>cross / 2, 8);
  store<f64>(results, tieSum, 16);
}

/**
 * Seeded row sampling without replacement: a uniform sample, and one with a fixed number of rows per stratum (per
 * class, say), so a rare class is not lost when a huge file is thinned for an expensive analysis.
 */
import type { Rng } from '../random';

/**
 * k distinct indices of 0…n − 1 in increasing order (Floyd's algorithm: Bentley & Floyd 1987, "A sample of
 * brilliance", CACM 30(9)), or all of them when n ≤ k. k draws from the rng whatever n is, no O(n) memory. The same
 * draws and result as sampleIndices in pca.ts, which is to be rewired to this one.
 */
export function sampleIndices(n: number, k: number, rng: Rng): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  // Up to 32 rows per sampled one, a bit per row (n/8 bytes) marks the chosen and reads them out in order: the same
  // set as the Set below, without hashing every draw or sorting.
  if (n <= 32 * k) return sampleIndicesByBits(n, k, rng);
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  // A typed array sorts numbers natively (no comparator calls).
  return Array.from(Float64Array.from(chosen).sort());
}

/** sampleIndices' draws with the chosen indices marked in a bit array, read out ascending. */
function sampleIndicesByBits(n: number, k: number, rng: Rng): number[] {
  const bits = new Uint32Array(Math.ceil(n / 32));
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    const x = (bits[t >>> 5] >>> (t & 31)) & 1 ? j : t;
    bits[x >>> 5] |= 1 << (x & 31);
  }
  const out = new Array<number>(k);
  let m = 0;
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w];
    while (word !== 0) {
      const low = word & -word;
      out[m++] = w * 32 + (31 - Math.clz32(low));
      word ^= low;
    }
  }
  return out;
}

/**
 * At most perStratum rows from each stratum 0…strataCount − 1 (all of a stratum's rows when it has no more), as row
 * indices in increasing order. Rows whose code is negative or NaN belong to no stratum and are never drawn. Strata
 * are sampled in code order with sampleIndices, so the result depends only on the codes, perStratum and the seed.
 */
export function stratifiedSample(
  strata: ArrayLike<number>,
  strataCount: number,
  perStratum: number,
  rng: Rng,
): Uint32Array {
  if (!(Number.isInteger(strataCount) && strataCount >= 0)) {
    throw new RangeError(`stratifiedSample: strataCount must be a non-negative integer, got ${strataCount}`);
  }
  if (!(Number.isInteger(perStratum) && perStratum >= 0)) {
    throw new RangeError(`stratifiedSample: perStratum must be a non-negative integer, got ${perStratum}`);
  }
  // Bucket the rows by stratum (counting sort): start[s]…start[s + 1] − 1 in `members` are stratum s's rows, in order.
  const start = new Uint32Array(strataCount + 1);
  for (let i = 0; i < strata.length; i++) {
    const s = strata[i];
    if (!(s >= 0)) continue;
    if (s >= strataCount || s !== Math.floor(s)) {
      throw new RangeError(`stratifiedSample: row ${i} has stratum ${s}; codes must be integers in [0, ${strataCount})`);
    }
    start[s + 1]++;
  }
  for (let s = 0; s < strataCount; s++) start[s + 1] += start[s];
  const members = new Uint32Array(start[strataCount]);
  const fill = start.slice(0, strataCount);
  for (let i = 0; i < strata.length; i++) {
    const s = strata[i];
    if (s >= 0) members[fill[s]++] = i;
  }
  let total = 0;
  for (let s = 0; s < strataCount; s++) total += Math.min(perStratum, start[s + 1] - start[s]);
  const out = new Uint32Array(total);
  let o = 0;
  for (let s = 0; s < strataCount; s++) {
    const size = start[s + 1] - start[s];
    for (const j of sampleIndices(size, perStratum, rng)) out[o++] = members[start[s] + j];
  }
  return out.sort();
}

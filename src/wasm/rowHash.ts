// AssemblyScript, compiled to WebAssembly with 128-bit SIMD by `npm run build:kernel` (src/wasm/build.mjs), which
// embeds the module in src/engine/alerts/rowHashKernel.generated.ts. The alerts' row hashes (src/engine/alerts/
// rowHash.ts: rowHashKernel's JavaScript loops are the reference, and the host) on a memory the host lays out: the
// two 32-bit hash lanes of up to a block of rows, a column's float32 bits for those rows, and the 53-bit results.
//
// Why WebAssembly: each cell costs a dozen 32-bit multiplies, rotations and xors per lane; here four rows share each
// instruction (a vector's four lanes are four rows, each with its own state), so every row's hash is the same bits.

/** First byte the host may use: everything below belongs to this module's data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

/** The seeds of both lanes for m rows. */
export function start(h1: usize, h2: usize, m: i32): void {
  for (let i = 0; i < m; i++) {
    store<u32>(h1 + (<usize>i << 2), 0x811c9dc5);
    store<u32>(h2 + (<usize>i << 2), 0x9e3779b9);
  }
}

/**
 * Mixes one column's m float32 words at `bits` into both lanes: one NaN (0x7fc00000) and one zero stand for every NaN
 * and for −0, then a MurmurHash3 (x86, 32-bit) block per cell, with different constants in the second lane.
 */
export function mix(bits: usize, h1: usize, h2: usize, m: i32): void {
  const absMask = i32x4.splat(0x7fffffff);
  const inf = i32x4.splat(0x7f800000);
  const nan = i32x4.splat(0x7fc00000);
  const negZero = i32x4.splat(0x80000000);
  const c1 = i32x4.splat(0xcc9e2d51);
  const c2 = i32x4.splat(0x1b873593);
  const c3 = i32x4.splat(0x85ebca6b);
  const five = i32x4.splat(5);
  const n1 = i32x4.splat(0xe6546b64);
  const n2 = i32x4.splat(0x561ccd1b);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const at = <usize>i << 2;
    const w = v128.load(bits + at);
    const isNaN = i32x4.gt_u(v128.and(w, absMask), inf);
    const b = v128.andnot(v128.bitselect(nan, w, isNaN), i32x4.eq(w, negZero));
    let k = i32x4.mul(b, c1);
    k = i32x4.mul(v128.or(i32x4.shl(k, 15), i32x4.shr_u(k, 17)), c2);
    let a = v128.xor(v128.load(h1 + at), k);
    a = v128.or(i32x4.shl(a, 13), i32x4.shr_u(a, 19));
    v128.store(h1 + at, i32x4.add(i32x4.mul(a, five), n1));
    let c = v128.xor(v128.load(h2 + at), i32x4.mul(v128.or(i32x4.shl(k, 11), i32x4.shr_u(k, 21)), c3));
    c = v128.or(i32x4.shl(c, 17), i32x4.shr_u(c, 15));
    v128.store(h2 + at, i32x4.add(i32x4.mul(c, five), n2));
  }
  for (; i < m; i++) {
    const at = <usize>i << 2;
    const w = load<u32>(bits + at);
    const b: u32 = (w & 0x7fffffff) > 0x7f800000 ? 0x7fc00000 : w == 0x80000000 ? 0 : w;
    let k = b * 0xcc9e2d51;
    k = rotl<u32>(k, 15) * 0x1b873593;
    let a = load<u32>(h1 + at) ^ k;
    a = rotl<u32>(a, 13);
    store<u32>(h1 + at, a * 5 + 0xe6546b64);
    let c = load<u32>(h2 + at) ^ (rotl<u32>(k, 11) * 0x85ebca6b);
    c = rotl<u32>(c, 17);
    store<u32>(h2 + at, c * 5 + 0x561ccd1b);
  }
}

/** Each row's 53-bit hash: 21 bits of the first lane's final mix above the 32 of the second's, as float64. */
export function finish(h1: usize, h2: usize, m: i32, length: u32, out: usize): void {
  for (let i = 0; i < m; i++) {
    const at = <usize>i << 2;
    const a = finalMix(load<u32>(h1 + at) ^ length);
    const b = finalMix(load<u32>(h2 + at) ^ length);
    store<f64>(out + (<usize>i << 3), <f64>(a & 0x1fffff) * 4294967296.0 + <f64>b);
  }
}

function finalMix(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

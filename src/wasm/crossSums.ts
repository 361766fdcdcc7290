// AssemblyScript, compiled to WebAssembly with 128-bit SIMD by `npm run build:kernel` (src/wasm/build.mjs), which
// embeds the module in src/engine/stats/crossSumsKernel.generated.ts. The correlation matrix's cross sums of centred
// columns (src/engine/stats/crossSums.ts: crossSumsJs is the reference) on a memory the host lays out itself
// (src/engine/stats/crossSumsKernel.ts): every pointer is a byte offset into it and nothing is allocated here.
//
// Why WebAssembly: every pair of columns costs one multiply-add per row; in JavaScript that is one scalar
// multiply-add with a bounds check, here two pairs per instruction. Each pair still receives the same float64
// products, added in row order into its own sum (the two lanes of a vector are two pairs, never two rows), so the
// sums are bit for bit the JavaScript ones.

/** First byte the host may use: everything below belongs to this module's data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

/**
 * Centres a chunk and turns it row-major: dst[i·Q + c] = src[c·m + i] − means[c] for i < m, c < q, in float64, from
 * q float32 columns of m values laid one after another at `src`. Columns q … Q − 1 of dst are left as they are (the
 * host zeroes them once).
 */
export function centre32(src: usize, m: i32, q: i32, means: usize, dst: usize, Q: i32): void {
  const rowBytes = <usize>Q * 8;
  for (let c = 0; c < q; c++) {
    const mean = load<f64>(means + <usize>c * 8);
    const from = src + <usize>c * <usize>m * 4;
    let to = dst + <usize>c * 8;
    for (let i = 0; i < m; i++) {
      store<f64>(to, <f64>load<f32>(from + <usize>i * 4) - mean);
      to += rowBytes;
    }
  }
}

/** centre32 for float64 columns. */
export function centre64(src: usize, m: i32, q: i32, means: usize, dst: usize, Q: i32): void {
  const rowBytes = <usize>Q * 8;
  for (let c = 0; c < q; c++) {
    const mean = load<f64>(means + <usize>c * 8);
    const from = src + <usize>c * <usize>m * 8;
    let to = dst + <usize>c * 8;
    for (let i = 0; i < m; i++) {
      store<f64>(to, load<f64>(from + <usize>i * 8) - mean);
      to += rowBytes;
    }
  }
}

/**
 * s[a·Q + b] += Σ_{i<m} d[i·Q + a]·d[i·Q + b], rows in order, for a < q and every b from a rounded down to even up to
 * Q (even): the pairs b > a the host reads, and at most one below. `d` is the row-major centred chunk (Q values a
 * row, 16-byte aligned), `s` the Q × Q sums.
 */
export function cross(d: usize, m: i32, q: i32, Q: i32, s: usize): void {
  const rowBytes = <usize>Q * 8;
  for (let a = 0; a < q; a++) {
    const sa = s + <usize>a * rowBytes;
    let b = a & ~1;
    for (; b + 8 <= Q; b += 8) {
      const at = sa + <usize>b * 8;
      let acc0 = v128.load(at);
      let acc1 = v128.load(at, 16);
      let acc2 = v128.load(at, 32);
      let acc3 = v128.load(at, 48);
      let pa = d + <usize>a * 8;
      let pb = d + <usize>b * 8;
      for (let i = 0; i < m; i++) {
        const x = f64x2.splat(load<f64>(pa));
        acc0 = f64x2.add(acc0, f64x2.mul(x, v128.load(pb)));
        acc1 = f64x2.add(acc1, f64x2.mul(x, v128.load(pb, 16)));
        acc2 = f64x2.add(acc2, f64x2.mul(x, v128.load(pb, 32)));
        acc3 = f64x2.add(acc3, f64x2.mul(x, v128.load(pb, 48)));
        pa += rowBytes;
        pb += rowBytes;
      }
      v128.store(at, acc0);
      v128.store(at, acc1, 16);
      v128.store(at, acc2, 32);
      v128.store(at, acc3, 48);
    }
    for (; b < Q; b += 2) {
      const at = sa + <usize>b * 8;
      let acc = v128.load(at);
      let pa = d + <usize>a * 8;
      let pb = d + <usize>b * 8;
      for (let i = 0; i < m; i++) {
        acc = f64x2.add(acc, f64x2.mul(f64x2.splat(load<f64>(pa)), v128.load(pb)));
        pa += rowBytes;
        pb += rowBytes;
      }
      v128.store(at, acc);
    }
  }
}

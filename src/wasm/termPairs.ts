// AssemblyScript, compiled to WebAssembly with 128-bit SIMD by `npm run build:kernel` (src/wasm/build.mjs), which
// embeds the module in src/engine/sparsity/termPairsKernel.generated.ts. The L1 gradient's dot products of the listed
// terms of degree 1 and 2 (src/engine/sparsity/spaces.ts: termDotsKernel is the reference) on a memory the host lays
// out itself (src/engine/sparsity/termPairs.ts): every pointer is a byte offset into it and nothing is allocated here.
//
// Why WebAssembly: a pair's dot product Σ (x_a·x_b)·r costs two multiplications and an addition per row; in
// JavaScript each comes with two float32 loads and their bounds checks, here two pairs share each instruction. The
// training rows' values sit row-major (Q float32 values a row), so the pairs (a, b), (a, b + 1), … are adjacent lanes.
// Each pair still receives the same float64 products, (x_a·x_b)·r, added in row order into its own sum (the two
// lanes of a vector are two pairs, never two rows), so the sums are bit for bit the JavaScript ones.

/** First byte the host may use: everything below belongs to this module's data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

/**
 * Writes the m float32 values at `src` into column c of the row-major matrix at `dst` (Q values a row):
 * dst[i·Q + c] = src[i] for i < m.
 */
export function layout(src: usize, m: i32, dst: usize, Q: i32, c: i32): void {
  const rowBytes = <usize>Q * 4;
  let to = dst + <usize>c * 4;
  for (let i = 0; i < m; i++) {
    store<f32>(to, load<f32>(src + <usize>i * 4));
    to += rowBytes;
  }
}

/**
 * For each of the n chunks (three i32s at `chunks`: a, b and the lane count, 8 or 2), and each lane k:
 * acc[8·chunk + k] += Σ_{i<m} (d[i·Q + a]·d[i·Q + b + k])·r[i], in float64, rows in order. The rows go in blocks of
 * `block` (each block's rows stay in the cache while every chunk reads them); a chunk's sums carry over from block to
 * block, so each is still one sum in row order. Lanes past the pairs the host asked for read padding and are ignored.
 */
export function pairDots(d: usize, m: i32, Q: i32, r: usize, chunks: usize, n: i32, acc: usize, block: i32): void {
  const rowBytes = <usize>Q * 4;
  for (let from = 0; from < m; from += block) {
    const rows = min(block, m - from);
    const base = d + <usize>from * rowBytes;
    const res = r + <usize>from * 8;
    for (let c = 0; c < n; c++) {
      const at = chunks + <usize>c * 12;
      const a = load<i32>(at);
      const b = load<i32>(at, 4);
      const lanes = load<i32>(at, 8);
      const sums = acc + <usize>c * 64;
      if (lanes === 8) eight(base + <usize>a * 4, base + <usize>b * 4, res, rows, rowBytes, sums);
      else two(base + <usize>a * 4, base + <usize>b * 4, res, rows, rowBytes, sums);
    }
  }
}

function eight(pa: usize, pb: usize, pr: usize, rows: i32, rowBytes: usize, sums: usize): void {
  let acc0 = v128.load(sums);
  let acc1 = v128.load(sums, 16);
  let acc2 = v128.load(sums, 32);
  let acc3 = v128.load(sums, 48);
  for (let i = 0; i < rows; i++) {
    const x = f64x2.splat(<f64>load<f32>(pa));
    const y = f64x2.splat(load<f64>(pr));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.mul(x, f64x2.promote_low_f32x4(v128.load64_zero(pb))), y));
    acc1 = f64x2.add(acc1, f64x2.mul(f64x2.mul(x, f64x2.promote_low_f32x4(v128.load64_zero(pb, 8))), y));
    acc2 = f64x2.add(acc2, f64x2.mul(f64x2.mul(x, f64x2.promote_low_f32x4(v128.load64_zero(pb, 16))), y));
    acc3 = f64x2.add(acc3, f64x2.mul(f64x2.mul(x, f64x2.promote_low_f32x4(v128.load64_zero(pb, 24))), y));
    pa += rowBytes;
    pb += rowBytes;
    pr += 8;
  }
  v128.store(sums, acc0);
  v128.store(sums, acc1, 16);
  v128.store(sums, acc2, 32);
  v128.store(sums, acc3, 48);
}

function two(pa: usize, pb: usize, pr: usize, rows: i32, rowBytes: usize, sums: usize): void {
  let acc0 = v128.load(sums);
  for (let i = 0; i < rows; i++) {
    const x = f64x2.splat(<f64>load<f32>(pa));
    const y = f64x2.splat(load<f64>(pr));
    acc0 = f64x2.add(acc0, f64x2.mul(f64x2.mul(x, f64x2.promote_low_f32x4(v128.load64_zero(pb))), y));
    pa += rowBytes;
    pb += rowBytes;
    pr += 8;
  }
  v128.store(sums, acc0);
}

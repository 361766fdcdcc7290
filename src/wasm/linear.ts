// AssemblyScript, compiled to WebAssembly with 128-bit SIMD by `npm run build:kernel` (src/wasm/build.mjs), which
// embeds the module in src/engine/models/linearKernel.generated.ts. The dense half of the logistic baseline's
// objective (src/engine/models/linear.ts: linearScores and the gradient loop of fitLogistic are the reference) on a
// memory the host lays out itself (src/engine/models/linearKernel.ts): every pointer is a byte offset into it, every
// matrix is row-major float64, and nothing is allocated here.
//
// Why WebAssembly: each L-BFGS step of a multinomial model evaluates n × K dot products of the design's dense columns
// and as many updates of the gradient, one multiply-add per JavaScript instruction with a bounds check each; here
// two float64 lanes per instruction. Every value receives the same float64 operations in the same order as in the
// JavaScript (the four partial sums of a dot product are the lanes of two accumulators; the gradient adds rows in
// order), so the fitted weights are bit for bit the JavaScript ones.

/** First byte the host may use: everything below belongs to this module's data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

/**
 * z[i·K + k] = b[k] + Σ_{j<d} x[i·d + j]·w[k·p + j] for i < n, k < K, summed as linearScores does: four partial sums
 * s0 … s3 over j ≡ 0 … 3 (mod 4), s0 starting at b[k] and taking the tail, then ((s0 + s1) + s2) + s3.
 */
export function scores(x: usize, n: i32, d: i32, w: usize, p: i32, b: usize, K: i32, z: usize): void {
  for (let i = 0; i < n; i++) {
    const xi = x + (<usize>i * <usize>d) * 8;
    for (let k = 0; k < K; k++) {
      const wk = w + (<usize>k * <usize>p) * 8;
      let lo = f64x2.replace_lane(f64x2.splat(0), 0, load<f64>(b + <usize>k * 8)); // (s0, s1)
      let hi = f64x2.splat(0); // (s2, s3)
      let j = 0;
      for (; j + 3 < d; j += 4) {
        const o = <usize>j * 8;
        lo = f64x2.add(lo, f64x2.mul(v128.load(xi + o), v128.load(wk + o)));
        hi = f64x2.add(hi, f64x2.mul(v128.load(xi + o, 16), v128.load(wk + o, 16)));
      }
      let s0 = f64x2.extract_lane(lo, 0);
      for (; j < d; j++) s0 += load<f64>(xi + <usize>j * 8) * load<f64>(wk + <usize>j * 8);
      store<f64>(z + (<usize>i * <usize>K + <usize>k) * 8, s0 + f64x2.extract_lane(lo, 1) + f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
    }
  }
}

/**
 * g[k·p + j] += r[i·K + k]·x[i·d + j] for j < d, row after row (i ascending), skipping r = 0 — the order of
 * fitLogistic's gradient loop.
 */
export function gradient(x: usize, n: i32, d: i32, r: usize, K: i32, g: usize, p: i32): void {
  for (let i = 0; i < n; i++) {
    const xi = x + (<usize>i * <usize>d) * 8;
    for (let k = 0; k < K; k++) {
      const rk = load<f64>(r + (<usize>i * <usize>K + <usize>k) * 8);
      if (rk == 0) continue;
      const gk = g + (<usize>k * <usize>p) * 8;
      const rr = f64x2.splat(rk);
      let j = 0;
      for (; j + 3 < d; j += 4) {
        const o = <usize>j * 8;
        v128.store(gk + o, f64x2.add(v128.load(gk + o), f64x2.mul(rr, v128.load(xi + o))));
        v128.store(gk + o, f64x2.add(v128.load(gk + o, 16), f64x2.mul(rr, v128.load(xi + o, 16))), 16);
      }
      for (; j < d; j++) {
        const o = <usize>j * 8;
        store<f64>(gk + o, load<f64>(gk + o) + rk * load<f64>(xi + o));
      }
    }
  }
}

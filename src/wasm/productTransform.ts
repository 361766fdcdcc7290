// AssemblyScript, compiled to WebAssembly with 128-bit SIMD by `npm run build:kernel` (src/wasm/build.mjs), which
// embeds the module in src/engine/sparsity/productTransformKernel.generated.ts. The sparsity analysis's product
// transform (src/engine/sparsity/transform.ts: productTransform is the JavaScript one, and the host) on a memory the
// host lays out: the 2^k cells, then the k values s0 and the k values s1.
//
// Why WebAssembly: every level is 2^(k−1) butterflies (u, v) → (u + v, s0·u + s1·v) over independent pairs of cells;
// from the second level on, cells c and c + 1 belong to two different butterflies, so two butterflies share each
// instruction. Each cell still receives the same float64 operations in the same order (lanes are butterflies, never
// steps of one), so the result is the JavaScript one bit for bit.

/** First byte the host may use: everything below belongs to this module's data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

/** The transform of the 2^k float64 cells at `a`, in place, with the k values at `s0` and at `s1`. */
export function productTransform(a: usize, k: i32, s0: usize, s1: usize): void {
  const size: usize = (<usize>1) << k;
  for (let j = 0; j < k; j++) {
    const h: usize = (<usize>1) << j;
    const z = load<f64>(s0 + (<usize>j << 3));
    const o = load<f64>(s1 + (<usize>j << 3));
    if (h == 1) {
      for (let base: usize = 0; base < size; base += 2) {
        const p = a + (base << 3);
        const u = load<f64>(p);
        const v = load<f64>(p, 8);
        store<f64>(p, u + v);
        store<f64>(p, z * u + o * v, 8);
      }
      continue;
    }
    const zv = f64x2.splat(z);
    const ov = f64x2.splat(o);
    const step = h << 1;
    for (let base: usize = 0; base < size; base += step) {
      const end = a + ((base + h) << 3);
      for (let p = a + (base << 3); p < end; p += 16) {
        const q = p + (h << 3);
        const u = v128.load(p);
        const v = v128.load(q);
        v128.store(p, f64x2.add(u, v));
        v128.store(q, f64x2.add(f64x2.mul(zv, u), f64x2.mul(ov, v)));
      }
    }
  }
}

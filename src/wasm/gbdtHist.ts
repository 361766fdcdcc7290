// AssemblyScript, compiled to WebAssembly with 128-bit SIMD by `npm run build:kernel` (src/wasm/build.mjs), which
// embeds the module in src/engine/models/gbdtKernel.generated.ts. The histogram builder of gradient boosting's
// TreeGrower (src/engine/models/gbdtTree.ts, its buildHist is the reference) on a memory the grower imports and lays
// out itself (src/engine/models/gbdtKernel.ts): every pointer here is a byte offset into that memory and nothing is
// allocated here.
//
// Why WebAssembly: the histogram update is a load-add-store per (row, feature) on three float64 values; in
// JavaScript that is three scalar updates with bounds checks, here one f64x2 add for (Σg, Σh) and one scalar add
// for the count. Each slot still receives the same float64 additions in the same order (rows in partition order),
// so the histogram is bit for bit the JavaScript one. The sibling subtraction (parent − smaller child) is here too,
// two float64 lanes per instruction: on tables with 255-bin features it costs as much as the building.

/** First byte the host may use: everything below belongs to this module's data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

/** Bytes per histogram slot: Σg, Σh, count as float64. */
const SLOT: usize = 24;

/**
 * Zeroes `hist` (histLength float64 values) and fills it with [Σg, Σh, count] per (feature, bin) over the partition
 * positions start..end-1 of `idx` (u32 sample indices). `x` is the compact column-major byte matrix (q columns of m
 * samples), `slotOffset` the first slot of each feature (i32), `grad`/`hess` the per-sample float64 gradients and
 * `gh` scratch for n interleaved (g, h) pairs.
 */
export function buildHist(
  hist: usize,
  histLength: i32,
  x: usize,
  m: i32,
  q: i32,
  slotOffset: usize,
  idx: usize,
  start: i32,
  end: i32,
  grad: usize,
  hess: usize,
  gh: usize,
): void {
  memory.fill(hist, 0, <usize>histLength * 8);
  const n = end - start;
  const rows = idx + <usize>start * 4;
  // Gather the node's gradients once, as (g, h) pairs, so that the per-feature loops read one v128 per sample.
  for (let k = 0; k < n; k++) {
    const s = <usize>load<u32>(rows + <usize>k * 4) * 8;
    const p = gh + <usize>k * 16;
    store<f64>(p, load<f64>(grad + s));
    store<f64>(p, load<f64>(hess + s), 8);
  }
  const mu = <usize>m;
  let fi = 0;
  // Four features per pass over the node's samples, like the JavaScript: the sample index and its gradient pair are
  // loaded once for four histogram updates.
  for (; fi + 3 < q; fi += 4) {
    const c0 = x + <usize>fi * mu;
    const c1 = c0 + mu;
    const c2 = c1 + mu;
    const c3 = c2 + mu;
    const o = slotOffset + <usize>fi * 4;
    const b0 = hist + <usize>load<i32>(o) * SLOT;
    const b1 = hist + <usize>load<i32>(o, 4) * SLOT;
    const b2 = hist + <usize>load<i32>(o, 8) * SLOT;
    const b3 = hist + <usize>load<i32>(o, 12) * SLOT;
    for (let k = 0; k < n; k++) {
      const s = <usize>load<u32>(rows + <usize>k * 4);
      const pair = v128.load(gh + <usize>k * 16);
      let j = b0 + <usize>load<u8>(c0 + s) * SLOT;
      v128.store(j, f64x2.add(v128.load(j, 0, 8), pair), 0, 8);
      store<f64>(j, load<f64>(j, 16) + 1.0, 16);
      j = b1 + <usize>load<u8>(c1 + s) * SLOT;
      v128.store(j, f64x2.add(v128.load(j, 0, 8), pair), 0, 8);
      store<f64>(j, load<f64>(j, 16) + 1.0, 16);
      j = b2 + <usize>load<u8>(c2 + s) * SLOT;
      v128.store(j, f64x2.add(v128.load(j, 0, 8), pair), 0, 8);
      store<f64>(j, load<f64>(j, 16) + 1.0, 16);
      j = b3 + <usize>load<u8>(c3 + s) * SLOT;
      v128.store(j, f64x2.add(v128.load(j, 0, 8), pair), 0, 8);
      store<f64>(j, load<f64>(j, 16) + 1.0, 16);
    }
  }
  for (; fi < q; fi++) {
    const col = x + <usize>fi * mu;
    const base = hist + <usize>load<i32>(slotOffset + <usize>fi * 4) * SLOT;
    for (let k = 0; k < n; k++) {
      const j = base + <usize>load<u8>(col + <usize>load<u32>(rows + <usize>k * 4)) * SLOT;
      v128.store(j, f64x2.add(v128.load(j, 0, 8), v128.load(gh + <usize>k * 16)), 0, 8);
      store<f64>(j, load<f64>(j, 16) + 1.0, 16);
    }
  }
}

/**
 * parent[i] −= child[i] for i < length (float64): histogram subtraction, the larger child's histogram as parent −
 * smaller child. Each lane is one IEEE subtraction of the same operands as gbdtSplit.ts' subtractInPlace.
 */
export function subtractHist(parent: usize, child: usize, length: i32): void {
  const bytes = <usize>length * 8;
  let i: usize = 0;
  for (; i + 32 <= bytes; i += 32) {
    const p = parent + i;
    const c = child + i;
    v128.store(p, f64x2.sub(v128.load(p), v128.load(c)));
    v128.store(p, f64x2.sub(v128.load(p, 16), v128.load(c, 16)), 16);
  }
  for (; i < bytes; i += 8) store<f64>(parent + i, load<f64>(parent + i) - load<f64>(child + i));
}

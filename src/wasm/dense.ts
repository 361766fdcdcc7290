// AssemblyScript, compiled to WebAssembly with 128-bit SIMD by `npm run build:kernel` (src/wasm/build.mjs), which
// embeds the module in src/engine/train/denseKernel.generated.ts. The engine's dense-network kernel
// (src/engine/train/denseWasm.ts) calls these functions on one linear memory that it lays out itself: every pointer
// here is a byte offset into that memory, every matrix is row-major float32, and nothing is allocated here.
//
// Why WebAssembly: V8 does not vectorise JavaScript, so the scalar kernel (fused.ts) does one multiply-add per
// instruction where PyTorch's sgemm does eight; f32x4 gets four. The loops are the scalar kernel's, blocked so that
// sixteen outputs (four f32x4 accumulators) stay in registers while the shared operand is loaded once.

/** First byte the host may use: everything below belongs to this module's data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

// ---------------------------------------------------------------------------------------------------------------
// e^x on four lanes, to float32 precision

/**
 * e^x for x in [−87, 88]: x = k·ln2 + r with k = round(x/ln2), |r| ≤ ln2/2, e^r by its Taylor series to r⁷
 * (truncation ≤ (ln2/2)⁸/8! ≈ 5e-9 relative) and 2^k built in the exponent bits. ln2 is split in two so that k·ln2
 * is exact for |k| ≤ 127.
 */
// @ts-ignore: decorator
@inline
function exp4(x: v128): v128 {
  const k = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(k, f32x4.splat(0.693145751953125)));
  r = f32x4.sub(r, f32x4.mul(k, f32x4.splat(1.42860682030941723e-6)));
  let p = f32x4.add(f32x4.mul(r, f32x4.splat(1.0 / 5040.0)), f32x4.splat(1.0 / 720.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** e^x on one value, through the same polynomial (tails of the four-lane loops). */
// @ts-ignore: decorator
@inline
function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Dense layer forward: z = a·W + bias

/**
 * z[i][j] = bias[j] + Σk a[i][k]·W[k][j] for i < rows, with W as [nIn][nOut] (TensorFlow.js Dense layout). For
 * nOut ≥ 4 every output row is built sixteen (then four) columns at a time: a[i][k] is splatted once and multiplies a
 * contiguous slice of W's row k. For nOut = 1 (a binary output layer) each row is one dot product.
 */
export function forward(a: usize, w: usize, bias: usize, z: usize, rows: i32, nIn: i32, nOut: i32): void {
  if (nOut == 1) {
    const b0 = load<f32>(bias);
    for (let i = 0; i < rows; i++) {
      const ai = a + <usize>(i * nIn) * 4;
      let acc = f32x4.splat(0);
      let k = 0;
      for (; k + 4 <= nIn; k += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(ai + <usize>k * 4), v128.load(w + <usize>k * 4)));
      let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      for (; k < nIn; k++) s += load<f32>(ai + <usize>k * 4) * load<f32>(w + <usize>k * 4);
      store<f32>(z + <usize>i * 4, s + b0);
    }
    return;
  }
  const rowBytes = <usize>nOut * 4;
  let j = 0;
  for (; j + 16 <= nOut; j += 16) {
    const jb = <usize>j * 4;
    for (let i = 0; i < rows; i++) {
      let c0 = v128.load(bias + jb);
      let c1 = v128.load(bias + jb, 16);
      let c2 = v128.load(bias + jb, 32);
      let c3 = v128.load(bias + jb, 48);
      const ai = a + <usize>(i * nIn) * 4;
      let wk = w + jb;
      for (let k = 0; k < nIn; k++) {
        const s = v128.load32_splat(ai + <usize>k * 4);
        c0 = f32x4.add(c0, f32x4.mul(s, v128.load(wk)));
        c1 = f32x4.add(c1, f32x4.mul(s, v128.load(wk, 16)));
        c2 = f32x4.add(c2, f32x4.mul(s, v128.load(wk, 32)));
        c3 = f32x4.add(c3, f32x4.mul(s, v128.load(wk, 48)));
        wk += rowBytes;
      }
      const zi = z + <usize>i * rowBytes + jb;
      v128.store(zi, c0);
      v128.store(zi, c1, 16);
      v128.store(zi, c2, 32);
      v128.store(zi, c3, 48);
    }
  }
  for (; j + 4 <= nOut; j += 4) {
    const jb = <usize>j * 4;
    for (let i = 0; i < rows; i++) {
      let c0 = v128.load(bias + jb);
      const ai = a + <usize>(i * nIn) * 4;
      let wk = w + jb;
      for (let k = 0; k < nIn; k++) {
        c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(ai + <usize>k * 4), v128.load(wk)));
        wk += rowBytes;
      }
      v128.store(z + <usize>i * rowBytes + jb, c0);
    }
  }
  for (; j < nOut; j++) {
    const b0 = load<f32>(bias + <usize>j * 4);
    for (let i = 0; i < rows; i++) {
      const ai = a + <usize>(i * nIn) * 4;
      let s = b0;
      for (let k = 0; k < nIn; k++) s += load<f32>(ai + <usize>k * 4) * load<f32>(w + (<usize>(k * nOut + j)) * 4);
      store<f32>(z + (<usize>(i * nOut + j)) * 4, s);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Activations, in place, with their derivatives

export const ELU: i32 = 0;
export const TANH: i32 = 1;
export const RELU: i32 = 2;
export const SIGMOID: i32 = 3;

/**
 * Applies the activation to z[0..n) in place and writes its derivative to deriv (when deriv ≠ 0). ELU (α = 1):
 * x or eˣ − 1, derivative 1 or eˣ (eˣ − 1 is −1 in float32 below −20). tanh = 1 − 2/(e^{2v} + 1) with v clamped to
 * ±9 (1 − tanh 9 ≈ 3e-8, below half an ulp at 1); derivative 1 − a². Sigmoid 1/(1 + e^{−v}) with v clamped to
 * ±87; derivative a(1 − a).
 */
export function activate(kind: i32, z: usize, deriv: usize, n: i32): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = z + <usize>i * 4;
    const v = v128.load(p);
    let out: v128;
    let d: v128;
    if (kind == ELU) {
      const e = exp4(f32x4.max(v, f32x4.splat(-20)));
      const pos = f32x4.gt(v, zero);
      out = v128.bitselect(v, f32x4.sub(e, one), pos);
      d = v128.bitselect(one, e, pos);
    } else if (kind == TANH) {
      const c = f32x4.min(f32x4.max(v, f32x4.splat(-9)), f32x4.splat(9));
      const e = exp4(f32x4.add(c, c));
      out = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(e, one)));
      d = f32x4.sub(one, f32x4.mul(out, out));
    } else if (kind == RELU) {
      const pos = f32x4.gt(v, zero);
      out = v128.and(v, pos);
      d = v128.and(one, pos);
    } else {
      const c = f32x4.min(f32x4.max(v, f32x4.splat(-87)), f32x4.splat(87));
      out = f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(c))));
      d = f32x4.mul(out, f32x4.sub(one, out));
    }
    v128.store(p, out);
    if (deriv) v128.store(deriv + <usize>i * 4, d);
  }
  for (; i < n; i++) {
    const p = z + <usize>i * 4;
    const v = load<f32>(p);
    let out: f32;
    let d: f32;
    if (kind == ELU) {
      const e = exp1(v < -20 ? -20 : v);
      out = v > 0 ? v : e - 1;
      d = v > 0 ? 1 : e;
    } else if (kind == TANH) {
      const c: f32 = v < -9 ? -9 : v > 9 ? 9 : v;
      out = 1 - 2 / (exp1(c + c) + 1);
      d = 1 - out * out;
    } else if (kind == RELU) {
      out = v > 0 ? v : 0;
      d = v > 0 ? 1 : 0;
    } else {
      const c: f32 = v < -87 ? -87 : v > 87 ? 87 : v;
      out = 1 / (1 + exp1(-c));
      d = out * (1 - out);
    }
    store<f32>(p, out);
    if (deriv) store<f32>(deriv + <usize>i * 4, d);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Dropout masks

/**
 * Fills mask[0..n) with inverted-dropout scales — 0 with probability `threshold`/2^24, else `keep` = 1/(1 − rate) —
 * and, when z ≠ 0, multiplies z[0..n) by them. The draws come from four xoshiro128** streams, one per lane, seeded
 * from `seed` through splitmix32: the mask is a function of (seed, n) alone, so the fused kernel and a
 * TensorFlow.js trainer given the same seeds drop the same units. Each draw keeps its top 24 bits.
 */
export function dropout(mask: usize, z: usize, n: i32, seed: u32, threshold: i32, keep: f32): void {
  let s = seed;
  // splitmix32 → sixteen state words: lane L of word w is the (4w + L)-th output.
  let w0 = i32x4.splat(0);
  let w1 = i32x4.splat(0);
  let w2 = i32x4.splat(0);
  let w3 = i32x4.splat(0);
  for (let q = 0; q < 16; q++) {
    s += 0x9e3779b9;
    let x = s;
    x = (x ^ (x >>> 16)) * 0x85ebca6b;
    x = (x ^ (x >>> 13)) * 0xc2b2ae35;
    x = x ^ (x >>> 16);
    const lane = q & 3;
    const word = q >> 2;
    if (word == 0) w0 = setLane(w0, lane, x);
    else if (word == 1) w1 = setLane(w1, lane, x);
    else if (word == 2) w2 = setLane(w2, lane, x);
    else w3 = setLane(w3, lane, x);
  }
  const thr = i32x4.splat(threshold);
  const keepV = f32x4.splat(keep);
  const five = i32x4.splat(5);
  const nine = i32x4.splat(9);
  let i = 0;
  while (i < n) {
    // xoshiro128** on four lanes.
    const m5 = i32x4.mul(w1, five);
    const result = i32x4.mul(v128.or(i32x4.shl(m5, 7), i32x4.shr_u(m5, 25)), nine);
    const t = i32x4.shl(w1, 9);
    w2 = v128.xor(w2, w0);
    w3 = v128.xor(w3, w1);
    w1 = v128.xor(w1, w2);
    w0 = v128.xor(w0, w3);
    w2 = v128.xor(w2, t);
    w3 = v128.or(i32x4.shl(w3, 11), i32x4.shr_u(w3, 21));
    // Dropped where the draw's top 24 bits are below the threshold.
    const kept = i32x4.ge_s(i32x4.shr_u(result, 8), thr);
    const m = v128.and(keepV, kept);
    if (i + 4 <= n) {
      v128.store(mask + <usize>i * 4, m);
      if (z) {
        const p = z + <usize>i * 4;
        v128.store(p, f32x4.mul(v128.load(p), m));
      }
      i += 4;
    } else {
      for (let l = 0; i < n; l++, i++) {
        const ml = laneF32(m, l);
        store<f32>(mask + <usize>i * 4, ml);
        if (z) store<f32>(z + <usize>i * 4, load<f32>(z + <usize>i * 4) * ml);
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function setLane(v: v128, lane: i32, x: u32): v128 {
  if (lane == 0) return i32x4.replace_lane(v, 0, x);
  if (lane == 1) return i32x4.replace_lane(v, 1, x);
  if (lane == 2) return i32x4.replace_lane(v, 2, x);
  return i32x4.replace_lane(v, 3, x);
}

// @ts-ignore: decorator
@inline
function laneF32(v: v128, lane: i32): f32 {
  if (lane == 0) return f32x4.extract_lane(v, 0);
  if (lane == 1) return f32x4.extract_lane(v, 1);
  if (lane == 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}

// ---------------------------------------------------------------------------------------------------------------
// Output layer

/** p = 1/(1 + e^{−z}) in place over n values (the binary output), z clamped to ±87. */
export function sigmoidOut(z: usize, n: i32): void {
  activate(SIGMOID, z, 0, n);
}

// ---------------------------------------------------------------------------------------------------------------
// Backward

/**
 * gW = aᵀ·delta ([nIn][nOut], overwritten) and gb = column sums of delta, over `rows` rows. For nOut ≥ 4, two rows
 * of gW at a time, sixteen columns wide: every delta slice loaded serves eight multiply-adds. For nOut = 1, gW is
 * Σᵢ delta[i]·a[i], sixteen inputs at a time.
 */
export function weightGrad(a: usize, delta: usize, gw: usize, gb: usize, rows: i32, nIn: i32, nOut: i32): void {
  const inBytes = <usize>nIn * 4;
  const outBytes = <usize>nOut * 4;
  // Bias gradient.
  let j = 0;
  for (; j + 4 <= nOut; j += 4) {
    let c = f32x4.splat(0);
    let d = delta + <usize>j * 4;
    for (let i = 0; i < rows; i++) {
      c = f32x4.add(c, v128.load(d));
      d += outBytes;
    }
    v128.store(gb + <usize>j * 4, c);
  }
  for (; j < nOut; j++) {
    let s: f32 = 0;
    for (let i = 0; i < rows; i++) s += load<f32>(delta + (<usize>(i * nOut + j)) * 4);
    store<f32>(gb + <usize>j * 4, s);
  }
  if (nOut == 1) {
    let k = 0;
    for (; k + 16 <= nIn; k += 16) {
      let c0 = f32x4.splat(0);
      let c1 = c0;
      let c2 = c0;
      let c3 = c0;
      let ai = a + <usize>k * 4;
      for (let i = 0; i < rows; i++) {
        const s = v128.load32_splat(delta + <usize>i * 4);
        c0 = f32x4.add(c0, f32x4.mul(s, v128.load(ai)));
        c1 = f32x4.add(c1, f32x4.mul(s, v128.load(ai, 16)));
        c2 = f32x4.add(c2, f32x4.mul(s, v128.load(ai, 32)));
        c3 = f32x4.add(c3, f32x4.mul(s, v128.load(ai, 48)));
        ai += inBytes;
      }
      const g = gw + <usize>k * 4;
      v128.store(g, c0);
      v128.store(g, c1, 16);
      v128.store(g, c2, 32);
      v128.store(g, c3, 48);
    }
    for (; k + 4 <= nIn; k += 4) {
      let c0 = f32x4.splat(0);
      let ai = a + <usize>k * 4;
      for (let i = 0; i < rows; i++) {
        c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(delta + <usize>i * 4), v128.load(ai)));
        ai += inBytes;
      }
      v128.store(gw + <usize>k * 4, c0);
    }
    for (; k < nIn; k++) {
      let s: f32 = 0;
      for (let i = 0; i < rows; i++) s += load<f32>(delta + <usize>i * 4) * load<f32>(a + (<usize>(i * nIn + k)) * 4);
      store<f32>(gw + <usize>k * 4, s);
    }
    return;
  }
  let k = 0;
  for (; k + 2 <= nIn; k += 2) {
    const g0 = gw + <usize>k * outBytes;
    const g1 = g0 + outBytes;
    j = 0;
    for (; j + 16 <= nOut; j += 16) {
      let c0 = f32x4.splat(0);
      let c1 = c0;
      let c2 = c0;
      let c3 = c0;
      let e0 = c0;
      let e1 = c0;
      let e2 = c0;
      let e3 = c0;
      let d = delta + <usize>j * 4;
      let ai = a + <usize>k * 4;
      for (let i = 0; i < rows; i++) {
        const s = v128.load32_splat(ai);
        const t = v128.load32_splat(ai, 4);
        const d0 = v128.load(d);
        const d1 = v128.load(d, 16);
        const d2 = v128.load(d, 32);
        const d3 = v128.load(d, 48);
        c0 = f32x4.add(c0, f32x4.mul(s, d0));
        c1 = f32x4.add(c1, f32x4.mul(s, d1));
        c2 = f32x4.add(c2, f32x4.mul(s, d2));
        c3 = f32x4.add(c3, f32x4.mul(s, d3));
        e0 = f32x4.add(e0, f32x4.mul(t, d0));
        e1 = f32x4.add(e1, f32x4.mul(t, d1));
        e2 = f32x4.add(e2, f32x4.mul(t, d2));
        e3 = f32x4.add(e3, f32x4.mul(t, d3));
        d += outBytes;
        ai += inBytes;
      }
      const jb = <usize>j * 4;
      v128.store(g0 + jb, c0);
      v128.store(g0 + jb, c1, 16);
      v128.store(g0 + jb, c2, 32);
      v128.store(g0 + jb, c3, 48);
      v128.store(g1 + jb, e0);
      v128.store(g1 + jb, e1, 16);
      v128.store(g1 + jb, e2, 32);
      v128.store(g1 + jb, e3, 48);
    }
    for (; j + 4 <= nOut; j += 4) {
      let c0 = f32x4.splat(0);
      let e0 = c0;
      let d = delta + <usize>j * 4;
      let ai = a + <usize>k * 4;
      for (let i = 0; i < rows; i++) {
        const d0 = v128.load(d);
        c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(ai), d0));
        e0 = f32x4.add(e0, f32x4.mul(v128.load32_splat(ai, 4), d0));
        d += outBytes;
        ai += inBytes;
      }
      v128.store(g0 + <usize>j * 4, c0);
      v128.store(g1 + <usize>j * 4, e0);
    }
    for (; j < nOut; j++) {
      let s: f32 = 0;
      let t: f32 = 0;
      for (let i = 0; i < rows; i++) {
        const dv = load<f32>(delta + (<usize>(i * nOut + j)) * 4);
        s += load<f32>(a + (<usize>(i * nIn + k)) * 4) * dv;
        t += load<f32>(a + (<usize>(i * nIn + k + 1)) * 4) * dv;
      }
      store<f32>(g0 + <usize>j * 4, s);
      store<f32>(g1 + <usize>j * 4, t);
    }
  }
  for (; k < nIn; k++) {
    const g0 = gw + <usize>k * outBytes;
    j = 0;
    for (; j + 4 <= nOut; j += 4) {
      let c0 = f32x4.splat(0);
      let d = delta + <usize>j * 4;
      let ai = a + <usize>k * 4;
      for (let i = 0; i < rows; i++) {
        c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(ai), v128.load(d)));
        d += outBytes;
        ai += inBytes;
      }
      v128.store(g0 + <usize>j * 4, c0);
    }
    for (; j < nOut; j++) {
      let s: f32 = 0;
      for (let i = 0; i < rows; i++) s += load<f32>(a + (<usize>(i * nIn + k)) * 4) * load<f32>(delta + (<usize>(i * nOut + j)) * 4);
      store<f32>(g0 + <usize>j * 4, s);
    }
  }
}

/**
 * prev[i][k] = (Σj delta[i][j]·W[k][j]) · mask[i][k] · deriv[i][k]: the delta one layer down, through the dropout
 * mask (mask = 0: none) and the activation's derivative (deriv = 0: none — the convolution's patch gradient). For
 * nOut = 1 the sum is delta[i]·W[k], four inputs at a time; otherwise a four-lane dot product along j.
 */
export function inputGrad(delta: usize, w: usize, deriv: usize, mask: usize, prev: usize, rows: i32, nIn: i32, nOut: i32): void {
  if (nOut == 1) {
    for (let i = 0; i < rows; i++) {
      const s = v128.load32_splat(delta + <usize>i * 4);
      const o = <usize>(i * nIn) * 4;
      let k = 0;
      for (; k + 4 <= nIn; k += 4) {
        const kb = <usize>k * 4;
        let v = f32x4.mul(s, v128.load(w + kb));
        if (deriv) v = f32x4.mul(v, v128.load(deriv + o + kb));
        if (mask) v = f32x4.mul(v, v128.load(mask + o + kb));
        v128.store(prev + o + kb, v);
      }
      const sd = load<f32>(delta + <usize>i * 4);
      for (; k < nIn; k++) {
        const kb = <usize>k * 4;
        let v = sd * load<f32>(w + kb);
        if (deriv) v *= load<f32>(deriv + o + kb);
        if (mask) v *= load<f32>(mask + o + kb);
        store<f32>(prev + o + kb, v);
      }
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    const di = delta + <usize>(i * nOut) * 4;
    const o = <usize>(i * nIn) * 4;
    for (let k = 0; k < nIn; k++) {
      const wk = w + <usize>(k * nOut) * 4;
      let acc = f32x4.splat(0);
      let j = 0;
      for (; j + 4 <= nOut; j += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(di + <usize>j * 4), v128.load(wk + <usize>j * 4)));
      let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      for (; j < nOut; j++) s += load<f32>(di + <usize>j * 4) * load<f32>(wk + <usize>j * 4);
      const kb = <usize>k * 4;
      if (deriv) s *= load<f32>(deriv + o + kb);
      if (mask) s *= load<f32>(mask + o + kb);
      store<f32>(prev + o + kb, s);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 1-D convolution as im2col: a strided, zero-padded convolution is `forward` on a patch matrix

/**
 * patches[(i·lOut + t)][j·c + ch] = h[i][t·stride − left + j][ch] (0 outside [0, length)): row i of h is a signal of
 * `length` positions × `c` channels; each output position t gets the `kernel` taps of its receptive field, channels
 * innermost — TensorFlow's conv1d kernel [kernel][c][filters] flattened is the matching weight matrix.
 */
export function im2col(h: usize, patches: usize, rows: i32, length: i32, c: i32, kernel: i32, stride: i32, left: i32, lOut: i32): void {
  const tapBytes = <usize>c * 4;
  let out = patches;
  for (let i = 0; i < rows; i++) {
    const hi = h + <usize>(i * length) * tapBytes;
    for (let t = 0; t < lOut; t++) {
      const start = t * stride - left;
      for (let j = 0; j < kernel; j++) {
        const pos = start + j;
        if (pos >= 0 && pos < length) memory.copy(out, hi + <usize>pos * tapBytes, tapBytes);
        else memory.fill(out, 0, tapBytes);
        out += tapBytes;
      }
    }
  }
}

/** The adjoint of im2col: dh (zeroed first) accumulates every patch cell's gradient at the position it was read from. */
export function col2im(dPatches: usize, dh: usize, rows: i32, length: i32, c: i32, kernel: i32, stride: i32, left: i32, lOut: i32): void {
  const tapBytes = <usize>c * 4;
  memory.fill(dh, 0, <usize>(rows * length) * tapBytes);
  let src = dPatches;
  for (let i = 0; i < rows; i++) {
    const hi = dh + <usize>(i * length) * tapBytes;
    for (let t = 0; t < lOut; t++) {
      const start = t * stride - left;
      for (let j = 0; j < kernel; j++) {
        const pos = start + j;
        if (pos >= 0 && pos < length) {
          const dst = hi + <usize>pos * tapBytes;
          let ch = 0;
          for (; ch + 4 <= c; ch += 4) {
            const o = <usize>ch * 4;
            v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
          }
          for (; ch < c; ch++) {
            const o = <usize>ch * 4;
            store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
          }
        }
        src += tapBytes;
      }
    }
  }
}

/** a[0..n) *= b[0..n) (a delta through an activation's stored derivative). */
export function mulInPlace(a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    v128.store(a + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(a + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Optimisers, over the whole parameter block at once

/** SGD with momentum in PyTorch's form: v ← μv + g, w ← w − lr·v (plain w ← w − lr·g when μ = 0). */
export function sgd(w: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32): void {
  const lrV = f32x4.splat(lr);
  const muV = f32x4.splat(momentum);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    let step = v128.load(g + o);
    if (momentum != 0) {
      step = f32x4.add(f32x4.mul(muV, v128.load(v + o)), step);
      v128.store(v + o, step);
    }
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.mul(lrV, step)));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    let step = load<f32>(g + o);
    if (momentum != 0) {
      step = momentum * load<f32>(v + o) + step;
      store<f32>(v + o, step);
    }
    store<f32>(w + o, load<f32>(w + o) - lr * step);
  }
}

/**
 * torch.optim.Adam: m ← β1m + (1−β1)g, v ← β2v + (1−β2)g², w ← w − stepSize·m/(√v·vScale + ε), where the host
 * passes stepSize = lr/(1−β1ᵗ) and vScale = 1/√(1−β2ᵗ).
 */
export function adam(w: usize, g: usize, m: usize, v: usize, n: i32, stepSize: f32, vScale: f32, beta1: f32, beta2: f32, eps: f32): void {
  const b1 = f32x4.splat(beta1);
  const c1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(1 - beta2);
  const stepV = f32x4.splat(stepSize);
  const scaleV = f32x4.splat(vScale);
  const epsV = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vi), scaleV), epsV);
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.div(f32x4.mul(stepV, mi), denom)));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    const gi = load<f32>(g + o);
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(w + o, load<f32>(w + o) - (stepSize * mi) / (Mathf.sqrt(vi) * vScale + eps));
  }
}

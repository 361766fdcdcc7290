import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { DENSE_KERNEL_WASM } from '../../src/engine/train/denseKernel.generated';
import { dropoutMask, fusedKernelAvailable } from '../../src/engine/train/fused';
import type { KernelExports } from '../../src/engine/train/fused';
import { samePadding } from '../../src/engine/train/model';
import { kernelCheck } from './support/wasmCheck';

/**
 * The WebAssembly kernel (src/wasm/dense.ts) function by function against float64 references, on sizes that exercise
 * every path: sixteen-wide blocks, four-wide blocks and scalar tails (nIn 7 and 18, nOut 1, 3, 5, 21, 72; odd rows).
 */
/** The module's exports, as the engine declares them. */
type Kernel = KernelExports;

function kernel(): { k: Kernel; alloc: (values: ArrayLike<number> | number) => { at: number; view: () => Float32Array } } {
  const bytes = Uint8Array.from(atob(DENSE_KERNEL_WASM), (c) => c.charCodeAt(0));
  const k = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as Kernel;
  k.memory.grow(64);
  let next = k.heapBase();
  // Deliberately not 16-byte aligned after the first buffer: the kernel must not rely on alignment.
  const alloc = (values: ArrayLike<number> | number) => {
    const n = typeof values === 'number' ? values : values.length;
    const at = next;
    next += n * 4 + 4;
    const view = () => new Float32Array(k.memory.buffer, at, n);
    if (typeof values !== 'number') view().set(values);
    return { at, view };
  };
  return { k, alloc };
}

function random(n: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * scale);
}

function close(actual: Float32Array, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i];
    assert.ok(Math.abs(actual[i] - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${actual[i]} vs ${e}`);
  }
}

test('the committed kernel is what src/wasm/dense.ts compiles to', () => {
  const out = kernelCheck();
  assert.match(out, /up to date/);
  assert.ok(fusedKernelAvailable());
});

const SHAPES: [number, number, number][] = [
  [5, 7, 1],
  [9, 18, 3],
  [6, 7, 5],
  [11, 18, 21],
  [13, 12, 72],
  [3, 72, 1],
];

test('forward: z = a·W + bias, row-major, every block and tail path', () => {
  for (const [rows, nIn, nOut] of SHAPES) {
    const { k, alloc } = kernel();
    const a = random(rows * nIn, 1);
    const w = random(nIn * nOut, 2);
    const bias = random(nOut, 3);
    const pa = alloc(a);
    const pw = alloc(w);
    const pb = alloc(bias);
    const pz = alloc(rows * nOut);
    k.forward(pa.at, pw.at, pb.at, pz.at, rows, nIn, nOut);
    const expected = new Float64Array(rows * nOut);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < nOut; j++) {
        let s = bias[j];
        for (let q = 0; q < nIn; q++) s += a[i * nIn + q] * w[q * nOut + j];
        expected[i * nOut + j] = s;
      }
    close(pz.view(), expected, 1e-5, `forward ${rows}×${nIn}→${nOut}`);
  }
});

test('weightGrad: gW = aᵀ·delta and gb = column sums (overwriting), every block and tail path', () => {
  for (const [rows, nIn, nOut] of SHAPES) {
    const { k, alloc } = kernel();
    const a = random(rows * nIn, 4);
    const delta = random(rows * nOut, 5);
    const pa = alloc(a);
    const pd = alloc(delta);
    const pgw = alloc(random(nIn * nOut, 6, 100)); // stale values must be overwritten
    const pgb = alloc(random(nOut, 7, 100));
    k.weightGrad(pa.at, pd.at, pgw.at, pgb.at, rows, nIn, nOut);
    const gw = new Float64Array(nIn * nOut);
    const gb = new Float64Array(nOut);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < nOut; j++) {
        gb[j] += delta[i * nOut + j];
        for (let q = 0; q < nIn; q++) gw[q * nOut + j] += a[i * nIn + q] * delta[i * nOut + j];
      }
    close(pgw.view(), gw, 1e-5, `gW ${rows}×${nIn}→${nOut}`);
    close(pgb.view(), gb, 1e-5, `gb ${rows}×${nIn}→${nOut}`);
  }
});

test('inputGrad: (delta·Wᵀ) ⊙ mask ⊙ derivative, with and without a mask', () => {
  for (const [rows, nIn, nOut] of SHAPES) {
    for (const withMask of [false, true]) {
      const { k, alloc } = kernel();
      const delta = random(rows * nOut, 8);
      const w = random(nIn * nOut, 9);
      const deriv = random(rows * nIn, 10);
      const mask = Float32Array.from(random(rows * nIn, 11), (v) => (v < -0.5 ? 0 : 1.25));
      const pd = alloc(delta);
      const pw = alloc(w);
      const pr = alloc(deriv);
      const pm = alloc(mask);
      const pp = alloc(rows * nIn);
      k.inputGrad(pd.at, pw.at, pr.at, withMask ? pm.at : 0, pp.at, rows, nIn, nOut);
      const expected = new Float64Array(rows * nIn);
      for (let i = 0; i < rows; i++)
        for (let q = 0; q < nIn; q++) {
          let s = 0;
          for (let j = 0; j < nOut; j++) s += delta[i * nOut + j] * w[q * nOut + j];
          expected[i * nIn + q] = s * deriv[i * nIn + q] * (withMask ? mask[i * nIn + q] : 1);
        }
      close(pp.view(), expected, 1e-5, `inputGrad ${rows}×${nIn}←${nOut} mask ${withMask}`);
    }
  }
});

test('inputGrad without a derivative or mask is the plain product delta·Wᵀ (the convolution\'s patch gradient)', () => {
  for (const [rows, nIn, nOut] of SHAPES) {
    const { k, alloc } = kernel();
    const delta = random(rows * nOut, 18);
    const w = random(nIn * nOut, 19);
    const pd = alloc(delta);
    const pw = alloc(w);
    const pp = alloc(rows * nIn);
    k.inputGrad(pd.at, pw.at, 0, 0, pp.at, rows, nIn, nOut);
    const expected = new Float64Array(rows * nIn);
    for (let i = 0; i < rows; i++)
      for (let q = 0; q < nIn; q++) for (let j = 0; j < nOut; j++) expected[i * nIn + q] += delta[i * nOut + j] * w[q * nOut + j];
    close(pp.view(), expected, 1e-5, `delta·Wᵀ ${rows}×${nIn}←${nOut}`);
  }
});

test('im2col lays out zero-padded, strided receptive fields; col2im is its adjoint', () => {
  // (length, channels, kernel, stride): odd and even padding, a channel count with a scalar tail, stride 1 and 2.
  for (const [length, c, kern, stride] of [
    [9, 1, 5, 2],
    [10, 25, 5, 2],
    [7, 6, 3, 1],
    [5, 3, 4, 2],
  ]) {
    const rows = 3;
    const { out: lOut, left } = samePadding(length, kern, stride);
    const { k, alloc } = kernel();
    const h = random(rows * length * c, 20);
    const ph = alloc(h);
    const pp = alloc(rows * lOut * kern * c);
    k.im2col(ph.at, pp.at, rows, length, c, kern, stride, left, lOut);
    const expected = new Float32Array(rows * lOut * kern * c);
    for (let i = 0; i < rows; i++)
      for (let t = 0; t < lOut; t++)
        for (let j = 0; j < kern; j++) {
          const pos = t * stride - left + j;
          for (let ch = 0; ch < c; ch++) expected[((i * lOut + t) * kern + j) * c + ch] = pos >= 0 && pos < length ? h[(i * length + pos) * c + ch] : 0;
        }
    assert.deepEqual(pp.view(), expected, `im2col L${length} C${c} k${kern} s${stride}`);
    // <im2col(h), g> = <h, col2im(g)> for any g.
    const g = random(rows * lOut * kern * c, 21);
    const pg = alloc(g);
    const pdh = alloc(random(rows * length * c, 22, 50)); // stale values must be cleared
    k.col2im(pg.at, pdh.at, rows, length, c, kern, stride, left, lOut);
    const dh = pdh.view();
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < g.length; i++) lhs += expected[i] * g[i];
    for (let i = 0; i < h.length; i++) rhs += h[i] * dh[i];
    assert.ok(Math.abs(lhs - rhs) < 1e-4 * Math.max(1, Math.abs(lhs)), `adjoint L${length} C${c} k${kern} s${stride}: ${lhs} vs ${rhs}`);
  }
  const { k, alloc } = kernel();
  const a = random(11, 23);
  const b = random(11, 24);
  const pa = alloc(a);
  const pb = alloc(b);
  k.mulInPlace(pa.at, pb.at, 11);
  assert.deepEqual(pa.view(), Float32Array.from(a, (v, i) => v * b[i]));
});

test('activations and their derivatives agree with Math.exp/Math.tanh to float32 precision', () => {
  const n = 4003; // a scalar tail of 3
  const z = Float32Array.from({ length: n }, (_, i) => -30 + (60 * i) / (n - 1) + 1e-3 * Math.sin(i));
  const references: Record<number, (v: number) => [number, number]> = {
    0: (v) => (v > 0 ? [v, 1] : [Math.exp(v) - 1, Math.exp(v)]),
    1: (v) => [Math.tanh(v), 1 - Math.tanh(v) ** 2],
    2: (v) => (v > 0 ? [v, 1] : [0, 0]),
    3: (v) => {
      const s = 1 / (1 + Math.exp(-v));
      return [s, s * (1 - s)];
    },
  };
  for (const [kind, ref] of Object.entries(references)) {
    const { k, alloc } = kernel();
    const pz = alloc(z);
    const pd = alloc(n);
    k.activate(Number(kind), pz.at, pd.at, n);
    const out = pz.view();
    const deriv = pd.view();
    for (let i = 0; i < n; i++) {
      const [a, d] = ref(z[i]);
      // A few float32 ulps relative, or absolute near zero (ELU's e^v − 1 and tanh's 1 − 2/(e^{2v}+1) cancel there).
      assert.ok(Math.abs(out[i] - a) <= 4e-7 * Math.max(1, Math.abs(a)), `kind ${kind} f(${z[i]}) = ${out[i]} vs ${a}`);
      assert.ok(Math.abs(deriv[i] - d) <= 4e-7 * Math.max(1, Math.abs(d)), `kind ${kind} f'(${z[i]}) = ${deriv[i]} vs ${d}`);
    }
  }
});

test('dropout masks: the asked rate, exact keep scale, a function of the seed alone', () => {
  const n = 200_001;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  const c = new Float32Array(n);
  for (const rate of [0.01, 0.07, 0.5]) {
    dropoutMask(a, rate, 12345);
    dropoutMask(b, rate, 12345);
    dropoutMask(c, rate, 12346);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const keep = Math.fround(1 / (1 - rate));
    let dropped = 0;
    for (const v of a) {
      if (v === 0) dropped++;
      else assert.equal(v, keep);
    }
    // Binomial(n, rate): within 5 standard deviations.
    const sd = Math.sqrt(n * rate * (1 - rate));
    assert.ok(Math.abs(dropped - n * rate) < 5 * sd, `rate ${rate}: dropped ${dropped} of ${n}`);
  }
  // Neighbouring units are not correlated (the four lanes are independent streams).
  dropoutMask(a, 0.5, 7);
  let agree = 0;
  for (let i = 1; i < n; i++) if ((a[i] === 0) === (a[i - 1] === 0)) agree++;
  assert.ok(Math.abs(agree / (n - 1) - 0.5) < 0.01, `adjacent agreement ${agree / (n - 1)}`);
  // A shorter mask from the same seed is a prefix of the longer one.
  const short = new Float32Array(10);
  dropoutMask(short, 0.5, 7);
  assert.deepEqual(short, a.subarray(0, 10));
});

test('dropout applied to activations multiplies them by the mask in place', () => {
  const { k, alloc } = kernel();
  const z = random(37, 12);
  const pz = alloc(z);
  const pm = alloc(37);
  k.dropout(pm.at, pz.at, 37, 99, Math.round(0.3 * 16777216), 1 / 0.7);
  const mask = pm.view();
  const out = pz.view();
  for (let i = 0; i < 37; i++) assert.equal(out[i], Math.fround(z[i] * mask[i]));
  const alone = new Float32Array(37);
  dropoutMask(alone, 0.3, 99);
  assert.deepEqual(mask, alone);
});

test('SGD with momentum and Adam update every parameter as PyTorch does', () => {
  const n = 23;
  const w = random(n, 13);
  const g = random(n, 14);
  const v = random(n, 15, 0.1);
  for (const momentum of [0, 0.9]) {
    const { k, alloc } = kernel();
    const pw = alloc(w);
    const pg = alloc(g);
    const pv = alloc(v);
    k.sgd(pw.at, pg.at, pv.at, n, 0.1, momentum);
    const step = Array.from(g, (gi, i) => (momentum ? momentum * v[i] + gi : gi));
    close(pw.view(), Array.from(w, (wi, i) => wi - 0.1 * step[i]), 1e-6, `sgd μ=${momentum} w`);
    if (momentum) close(pv.view(), step, 1e-6, 'sgd velocity');
    else close(pv.view(), v, 0, 'velocity untouched without momentum');
  }
  const { k, alloc } = kernel();
  const m0 = random(n, 16, 0.1);
  const v0 = Float32Array.from(random(n, 17, 0.1), Math.abs);
  const pw = alloc(w);
  const pg = alloc(g);
  const pm = alloc(m0);
  const pv = alloc(v0);
  const lr = 0.1;
  const t = 3;
  const stepSize = lr / (1 - 0.9 ** t);
  const vScale = 1 / Math.sqrt(1 - 0.999 ** t);
  k.adam(pw.at, pg.at, pm.at, pv.at, n, stepSize, vScale, 0.9, 0.999, 1e-8);
  const m = Array.from(g, (gi, i) => 0.9 * m0[i] + 0.1 * gi);
  const v2 = Array.from(g, (gi, i) => 0.999 * v0[i] + 0.001 * gi * gi);
  close(pm.view(), m, 1e-6, 'adam m');
  close(pv.view(), v2, 1e-6, 'adam v');
  close(pw.view(), Array.from(w, (wi, i) => wi - (stepSize * m[i]) / (Math.sqrt(v2[i]) * vScale + 1e-8)), 1e-5, 'adam w');
});

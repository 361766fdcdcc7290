import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { correlationMatrix } from '../../src/engine/stats/correlation';
import { CROSS_SUM_ROWS, crossSums, crossSumsJs, crossSumsKernel, crossSumsKernelAvailable } from '../../src/engine/stats/crossSums';
import { ThreadTaskRunner } from '../../src/worker/taskPool';
import { kernelCheck } from './support/wasmCheck';

const SCRIPT = join(__dirname, '..', 'support', 'taskWorkerTs.cjs');

function columns(q: number, n: number, seed: number, kind: 'f32' | 'f64'): (Float32Array | Float64Array)[] {
  const rng = createRng(seed);
  const out: (Float32Array | Float64Array)[] = [];
  for (let c = 0; c < q; c++) {
    const col = kind === 'f32' ? new Float32Array(n) : new Float64Array(n);
    // Far from zero and of different scales, each leaning on the previous one: centring matters, the sums are not trivial.
    for (let i = 0; i < n; i++) col[i] = 1000 * (c % 3) + (c + 1) * (rng.next() - 0.5) + (c > 0 ? 0.5 * (out[c - 1][i] - 1000 * ((c - 1) % 3)) : 0) + (c % 2 === 0 ? 0.3 * Math.sin(i / 7) : 0);
    out.push(col);
  }
  return out;
}

function meansOf(cols: readonly (Float32Array | Float64Array)[]): number[] {
  return cols.map((c) => {
    let s = 0;
    for (let i = 0; i < c.length; i++) s += c[i];
    return s / c.length;
  });
}

/** Each pair's products, added one row after another: the definition. */
function naive(cols: readonly (Float32Array | Float64Array)[], means: readonly number[], start: number, end: number): Float64Array {
  const q = cols.length;
  const out = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = a + 1; b < q; b++) {
      let s = 0;
      for (let i = start; i < end; i++) s += (cols[a][i] - means[a]) * (cols[b][i] - means[b]);
      out[a * q + b] = s;
    }
  }
  return out;
}

test('the WebAssembly kernel is what src/wasm/crossSums.ts compiles to', () => {
  const out = kernelCheck('crossSums');
  assert.match(out, /up to date/);
});

test('cross sums: the WebAssembly kernel, the JavaScript one and the definition agree bit for bit', () => {
  assert.ok(crossSumsKernelAvailable(), 'Node 20 runs WebAssembly SIMD');
  // Odd and even column counts, a count with a tail of partners below a block of eight, rows across the 512-row chunks.
  for (const [q, n, kind] of [
    [2, 7, 'f32'],
    [3, 1300, 'f32'],
    [9, 1025, 'f64'],
    [10, 600, 'f32'],
    [17, 2049, 'f32'],
    [12, 513, 'f64'],
  ] as const) {
    const cols = columns(q, n, q * 31 + n, kind);
    const means = meansOf(cols);
    const expected = naive(cols, means, 0, n);
    const js = crossSumsJs(cols, means, 0, n);
    const wasm = crossSumsKernel({ columns: cols, means: Float64Array.from(means) }, { start: 0, end: n });
    assert.deepEqual(Array.from(js), Array.from(expected), `JavaScript, ${q} × ${n} ${kind}`);
    assert.deepEqual(Array.from(wasm), Array.from(expected), `WebAssembly, ${q} × ${n} ${kind}`);
    // A block that starts inside the table.
    const part = crossSumsKernel({ columns: cols, means: Float64Array.from(means) }, { start: 100, end: n });
    assert.deepEqual(Array.from(part), Array.from(naive(cols, means, 100, n)), `rows 100 … ${n}, ${q} columns`);
  }
});

test('cross sums: blocks of rows added in block order, the same bits on 1, 2 and 4 threads; one block is one sum', async () => {
  const n = 2 * CROSS_SUM_ROWS + 777;
  const cols = columns(6, n, 5, 'f32');
  const means = meansOf(cols);
  const inline = crossSums(cols, means);
  const q = cols.length;
  const byBlock = new Float64Array(q * q);
  for (let start = 0; start < n; start += CROSS_SUM_ROWS) {
    const part = naive(cols, means, start, Math.min(n, start + CROSS_SUM_ROWS));
    for (let k = 0; k < byBlock.length; k++) byBlock[k] = start === 0 ? part[k] : byBlock[k] + part[k];
  }
  assert.deepEqual(Array.from(inline), Array.from(byBlock));
  for (const threads of [1, 2, 4]) {
    const runner = new ThreadTaskRunner({ script: SCRIPT, threads, minWork: 0 });
    try {
      assert.deepEqual(Array.from(crossSums(cols, means, runner)), Array.from(inline), `${threads} thread(s)`);
    } finally {
      await runner.close();
    }
  }
  const small = columns(5, 4000, 9, 'f32');
  const smallMeans = meansOf(small);
  assert.deepEqual(Array.from(crossSums(small, smallMeans)), Array.from(naive(small, smallMeans, 0, 4000)));
});

test('the correlation matrix from cross sums: the diagonal is 1, missing values still pair-wise, and the values agree with a two-pass Pearson', () => {
  const rng = createRng(3);
  const n = 3000;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const z = new Float32Array(n);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.next();
    y[i] = 0.6 * x[i] + 0.4 * rng.next();
    z[i] = 5 + rng.next() * 1e-3;
    w[i] = i % 10 === 0 ? NaN : -x[i] + rng.next();
  }
  const m = correlationMatrix([x, y, z, w], ['x', 'y', 'z', 'w']);
  for (let a = 0; a < 4; a++) assert.equal(m.matrix[a][a], 1);
  const pearson = (u: ArrayLike<number>, v: ArrayLike<number>): number => {
    const keep: number[] = [];
    for (let i = 0; i < u.length; i++) if (Number.isFinite(u[i]) && Number.isFinite(v[i])) keep.push(i);
    const mu = keep.reduce((s, i) => s + u[i], 0) / keep.length;
    const mv = keep.reduce((s, i) => s + v[i], 0) / keep.length;
    let suv = 0;
    let suu = 0;
    let svv = 0;
    for (const i of keep) {
      suv += (u[i] - mu) * (v[i] - mv);
      suu += (u[i] - mu) ** 2;
      svv += (v[i] - mv) ** 2;
    }
    return suv / Math.sqrt(suu * svv);
  };
  const cols = [x, y, z, w];
  for (let a = 0; a < 4; a++) {
    for (let b = a + 1; b < 4; b++) {
      const r = m.matrix[a][b] ?? NaN;
      assert.ok(Math.abs(r - pearson(cols[a], cols[b])) < 1e-12, `r(${a}, ${b}) = ${r}`);
      assert.equal(m.matrix[b][a], r);
    }
  }
  assert.ok((m.matrix[0][1] ?? 0) > 0.7);
});

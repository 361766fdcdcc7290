import type { CancelSignal } from '../cancel';
import type { TaskRunner } from '../parallel/runner';
import { sharedFloat32 } from '../typed';
import { embeddedModule, instantiateOn, Layout, registerKernelMemory } from '../wasmMemory';
import { CROSS_SUMS_KERNEL_WASM } from './crossSumsKernel.generated';

/**
 * The correlation matrix's cross sums of complete columns: S[a·q + b] = Σ_i (x_a[i] − mean_a)·(x_b[i] − mean_b) for
 * a < b, in float64.
 *
 * The rows are summed in fixed blocks of CROSS_SUM_ROWS (row order inside a block), and the blocks' sums are added in
 * block order: the same bits for any number of threads, and for a table of one block (every Kryptonite file) the same
 * bits as one sum over all rows. Each block copies its rows of the columns into a WebAssembly memory, centred and
 * row-major, a few hundred rows at a time, so that every pair reads them from cache (src/wasm/crossSums.ts, two pairs
 * per instruction); where WebAssembly SIMD is missing, crossSumsJs gives the same bits.
 */

/** Rows per task: fixed, so the sums do not depend on the threads. */
export const CROSS_SUM_ROWS = 65536;

/** Rows copied into the kernel's memory at a time: a few hundred KiB for 50 columns, which stay in cache. */
const CHUNK_ROWS = 512;

/** Above this many columns the blocks' q² sums are not worth the cache: crossSumsJs. */
const MAX_KERNEL_COLUMNS = 1024;

export interface CrossSumsContext {
  /** Complete columns (no missing value); all float32 or all float64 for the WebAssembly kernel. */
  readonly columns: readonly (Float32Array | Float64Array)[];
  readonly means: Float64Array;
}

export interface CrossSumsTask {
  readonly start: number;
  readonly end: number;
}

/** The cross sums of every pair a < b of `columns` about `means`, over all rows (see above); S[a·q + b]. */
export function crossSums(columns: readonly (Float32Array | Float64Array)[], means: readonly number[], runner?: TaskRunner, signal?: CancelSignal): Float64Array {
  const q = columns.length;
  const n = q === 0 ? 0 : columns[0].length;
  const tasks: CrossSumsTask[] = [];
  for (let start = 0; start < n; start += CROSS_SUM_ROWS) tasks.push({ start, end: Math.min(n, start + CROSS_SUM_ROWS) });
  const context: CrossSumsContext = { columns: columns.map((c) => (c instanceof Float32Array ? sharedFloat32(c) : c)), means: Float64Array.from(means) };
  const parts =
    runner && runner.threads > 1 && tasks.length > 1
      ? runner.runKernel('crossSums', context, tasks, { signal, work: (n * q * q) / 2 })
      : tasks.map((task) => {
          signal?.throwIfAborted();
          return crossSumsKernel(context, task);
        });
  const total = new Float64Array(q * q);
  for (let t = 0; t < parts.length; t++) {
    const part = parts[t];
    if (t === 0) total.set(part);
    else for (let k = 0; k < total.length; k++) total[k] += part[k];
  }
  return total;
}

/** One block's sums (parallel/kernels.ts: `crossSums`): the WebAssembly kernel where it runs, else crossSumsJs. */
export function crossSumsKernel(context: CrossSumsContext, task: CrossSumsTask): Float64Array {
  const { columns, means } = context;
  const q = columns.length;
  const all32 = columns.every((c) => c instanceof Float32Array);
  const all64 = columns.every((c) => c instanceof Float64Array);
  const kernel = q >= 2 && q <= MAX_KERNEL_COLUMNS && (all32 || all64) ? kernelFor(q) : null;
  if (!kernel) return crossSumsJs(columns, means, task.start, task.end);
  const Q = kernel.Q;
  kernel.sums.fill(0);
  kernel.means.set(means);
  for (let r = task.start; r < task.end; r += CHUNK_ROWS) {
    const m = Math.min(CHUNK_ROWS, task.end - r);
    if (all32) {
      const src = new Float32Array(kernel.memory.buffer, kernel.srcAt, q * m);
      for (let c = 0; c < q; c++) src.set((columns[c] as Float32Array).subarray(r, r + m), c * m);
      kernel.exports.centre32(kernel.srcAt, m, q, kernel.meansAt, kernel.dstAt, Q);
    } else {
      const src = new Float64Array(kernel.memory.buffer, kernel.srcAt, q * m);
      for (let c = 0; c < q; c++) src.set((columns[c] as Float64Array).subarray(r, r + m), c * m);
      kernel.exports.centre64(kernel.srcAt, m, q, kernel.meansAt, kernel.dstAt, Q);
    }
    kernel.exports.cross(kernel.dstAt, m, q, Q, kernel.sumsAt);
  }
  const out = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = a + 1; b < q; b++) out[a * q + b] = kernel.sums[a * Q + b];
  return out;
}

/** The reference: each pair's products added in row order, four pairs per pass over column a. */
export function crossSumsJs(columns: readonly (Float32Array | Float64Array)[], means: ArrayLike<number>, start: number, end: number): Float64Array {
  const q = columns.length;
  const out = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    const x = columns[a];
    const mx = means[a];
    for (let b = a + 1; b < q; b += 4) {
      const b1 = Math.min(b + 1, q - 1);
      const b2 = Math.min(b + 2, q - 1);
      const b3 = Math.min(b + 3, q - 1);
      const y0 = columns[b];
      const y1 = columns[b1];
      const y2 = columns[b2];
      const y3 = columns[b3];
      const m0 = means[b];
      const m1 = means[b1];
      const m2 = means[b2];
      const m3 = means[b3];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = start; i < end; i++) {
        const d = x[i] - mx;
        s0 += d * (y0[i] - m0);
        s1 += d * (y1[i] - m1);
        s2 += d * (y2[i] - m2);
        s3 += d * (y3[i] - m3);
      }
      const sums = [s0, s1, s2, s3];
      for (let k = 0; k < 4 && b + k < q; k++) out[a * q + b + k] = sums[k];
    }
  }
  return out;
}

interface CrossSumsExports {
  heapBase(): number;
  centre32(src: number, m: number, q: number, means: number, dst: number, Q: number): void;
  centre64(src: number, m: number, q: number, means: number, dst: number, Q: number): void;
  cross(d: number, m: number, q: number, Q: number, s: number): void;
}

interface CrossSumsMemory {
  readonly q: number;
  /** q rounded up to even: the row length of the centred chunk and of the sums. */
  readonly Q: number;
  readonly memory: WebAssembly.Memory;
  readonly exports: CrossSumsExports;
  readonly srcAt: number;
  readonly meansAt: number;
  readonly dstAt: number;
  readonly sumsAt: number;
  readonly means: Float64Array;
  readonly sums: Float64Array;
}

const kernelModule = embeddedModule(CROSS_SUMS_KERNEL_WASM);

/** Whether the WebAssembly kernel can run here (WebAssembly with 128-bit SIMD). */
export function crossSumsKernelAvailable(): boolean {
  return kernelModule() !== null;
}

/** This thread's memory for q columns (kept for the next block of the same matrix), or null without the kernel. */
let cached: CrossSumsMemory | null = null;
registerKernelMemory(() => {
  const held = cached !== null;
  cached = null;
  return held;
});

function kernelFor(q: number): CrossSumsMemory | null {
  if (cached?.q === q) return cached;
  const module = kernelModule();
  if (!module) return null;
  const Q = q + (q & 1);
  const layout = new Layout();
  const srcAt = layout.bytes(CHUNK_ROWS * q * 8);
  const meansAt = layout.bytes(q * 8);
  const dstAt = layout.bytes(CHUNK_ROWS * Q * 8);
  const sumsAt = layout.bytes(Q * Q * 8);
  const made = instantiateOn<CrossSumsExports>(module, layout, 2 ** 30, 'crossSums');
  if (!made) return null;
  const buffer = made.memory.buffer;
  cached = {
    q,
    Q,
    memory: made.memory,
    exports: made.exports,
    srcAt,
    meansAt,
    dstAt,
    sumsAt,
    means: new Float64Array(buffer, meansAt, q),
    sums: new Float64Array(buffer, sumsAt, Q * Q),
  };
  return cached;
}

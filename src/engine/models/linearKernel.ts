import { LINEAR_KERNEL_WASM } from './linearKernel.generated';
import { embeddedModule, instantiateOn, Layout } from '../wasmMemory';

/**
 * The WebAssembly half of the logistic baseline's objective (src/wasm/linear.ts): the dense part of the scores and
 * of the gradient, on one memory sized once per fit. The design's dense columns are copied in once; per evaluation
 * only the weights go in, and the scores and gradient are read through views. The module is compiled once per thread,
 * on first use, and instantiated per memory. Same numbers as the JavaScript, bit for bit (test/unit/linearWasm.test.ts).
 */

/** How fitLogistic evaluates its objective: 'auto' picks the WebAssembly kernel when this runtime can run it. */
export type LinearKernelChoice = 'auto' | 'wasm' | 'js';

interface LinearKernelExports {
  heapBase(): number;
  scores(x: number, n: number, d: number, w: number, p: number, b: number, K: number, z: number): void;
  gradient(x: number, n: number, d: number, r: number, K: number, g: number, p: number): void;
}

/** Fits above this stay in JavaScript (offsets are u32 in the kernel; the design is copied, so keep it modest). */
const MAX_MEMORY_BYTES = 2 ** 30;

const kernelModule = embeddedModule(LINEAR_KERNEL_WASM);

/** Whether the WebAssembly kernel can run here (WebAssembly with 128-bit SIMD). */
export function linearKernelAvailable(): boolean {
  return kernelModule() !== null;
}

/** The dense design of n rows × d columns and the K × p weights inside the kernel's memory. */
export interface LinearMemory {
  /** Row-major n × d dense design (filled once by the caller). */
  readonly x: Float64Array;
  /** Row-major K × p weights and K intercepts, set before scores(). */
  readonly w: Float64Array;
  readonly b: Float64Array;
  /** n × K scores after scores(); the caller overwrites them with residuals before gradient(). */
  readonly z: Float64Array;
  /** K × p gradient: gradient() adds the dense columns' terms to it (the caller zeroes it). */
  readonly g: Float64Array;
  scores(): void;
  gradient(): void;
}

/** Lays out a fit in a fresh memory, or null when the kernel cannot run here or the fit is too large for it. */
export function createLinearMemory(n: number, d: number, K: number, p: number): LinearMemory | null {
  const module = kernelModule();
  if (!module) return null;
  const layout = new Layout();
  const reserve = (values: number): number => layout.bytes(values * 8);
  const xAt = reserve(n * d);
  const wAt = reserve(K * p);
  const bAt = reserve(K);
  const zAt = reserve(n * K);
  const gAt = reserve(K * p);
  const made = instantiateOn<LinearKernelExports>(module, layout, MAX_MEMORY_BYTES, 'linear');
  if (!made) return null;
  const { memory, exports: kernel } = made;
  const buffer = memory.buffer;
  return {
    x: new Float64Array(buffer, xAt, n * d),
    w: new Float64Array(buffer, wAt, K * p),
    b: new Float64Array(buffer, bAt, K),
    z: new Float64Array(buffer, zAt, n * K),
    g: new Float64Array(buffer, gAt, K * p),
    scores: (): void => kernel.scores(xAt, n, d, wAt, p, bAt, K, zAt),
    gradient: (): void => kernel.gradient(xAt, n, d, zAt, K, gAt, p),
  };
}

import { GBDT_KERNEL_WASM } from './gbdtKernel.generated';
import { embeddedModule, instantiateOn, Layout } from '../wasmMemory';

/**
 * The WebAssembly histogram builder of TreeGrower (src/wasm/gbdtHist.ts: building and sibling subtraction) and the
 * one memory it works on. The grower's arrays — the compact bin matrix, the partition, the gradients and its
 * histogram buffers — are typed-array views into a `WebAssembly.Memory` sized once here and never grown (growing
 * would detach every view), so a histogram is built by one call with byte offsets and nothing is copied but the
 * tree's gradients. The module is compiled once per thread, on first use, and instantiated per memory (a fresh
 * memory and instance cost ≈ 0.2 ms, against tens of milliseconds for a fit).
 */

/** How TreeGrower builds histograms: 'auto' picks the WebAssembly kernel when this runtime can run it. */
export type HistogramKernel = 'auto' | 'wasm' | 'js';

interface GbdtKernelExports {
  heapBase(): number;
  buildHist(
    hist: number,
    histLength: number,
    x: number,
    m: number,
    q: number,
    slotOffset: number,
    idx: number,
    start: number,
    end: number,
    grad: number,
    hess: number,
    gh: number,
  ): void;
  subtractHist(parent: number, child: number, length: number): void;
}

/**
 * Layouts above this use the JavaScript builder: offsets are u32 in the kernel, and V8 caps a memory at 4 GiB. A
 * fit this large (e.g. 10 million rows × 200 features) is far past the models' row caps anyway.
 */
const MAX_MEMORY_BYTES = 2 ** 31;

/** The compiled histogram module, or null when this runtime has no WebAssembly SIMD (checked once). */
const kernelModule = embeddedModule(GBDT_KERNEL_WASM);

/** Whether the WebAssembly histogram builder can run here (WebAssembly with 128-bit SIMD: Node ≥ 16.4). */
export function gbdtKernelAvailable(): boolean {
  return kernelModule() !== null;
}

export interface HistogramLayout {
  /** Training samples (columns of the bin matrix). */
  readonly m: number;
  /** Features (rows of the bin matrix). */
  readonly q: number;
  /** Float64 values per histogram (3 per slot). */
  readonly histLength: number;
  /** Histogram buffers to preallocate: the most a tree ever holds at once. */
  readonly histograms: number;
}

/** The grower's arrays inside the kernel's memory, and the kernel bound to them. */
export interface HistogramMemory {
  /** Compact column-major bins: x[f * m + s]. */
  readonly x: Uint8Array;
  readonly idx: Uint32Array;
  readonly slotOffset: Int32Array;
  /** The current tree's per-sample gradients and hessians (the grower copies them in before growing). */
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  readonly hists: readonly Float64Array[];
  /** Zero histogram `hist` and fill it over partition positions start..end-1 of `idx`. */
  build(hist: number, start: number, end: number): void;
  /** Histogram `parent` −= histogram `child`, value by value. */
  subtract(parent: number, child: number): void;
}

/**
 * Lays out `layout` in a fresh memory, or returns null when the kernel cannot run here or the layout does not fit
 * (the caller then uses the JavaScript builder, which gives the same histograms).
 */
export function createHistogramMemory(layout: HistogramLayout): HistogramMemory | null {
  const module = kernelModule();
  if (!module) return null;
  const { m, q, histLength, histograms } = layout;
  const place = new Layout();
  const reserve = (bytes: number): number => place.bytes(bytes);
  const histAt: number[] = [];
  for (let b = 0; b < histograms; b++) histAt.push(reserve(histLength * 8));
  const gradAt = reserve(m * 8);
  const hessAt = reserve(m * 8);
  const ghAt = reserve(m * 16);
  const idxAt = reserve(m * 4);
  const slotAt = reserve(q * 4);
  const xAt = reserve(q * m);
  const made = instantiateOn<GbdtKernelExports>(module, place, MAX_MEMORY_BYTES, 'gbdt');
  if (!made) return null;
  const { memory, exports: kernel } = made;
  const buffer = memory.buffer;
  return {
    x: new Uint8Array(buffer, xAt, q * m),
    idx: new Uint32Array(buffer, idxAt, m),
    slotOffset: new Int32Array(buffer, slotAt, q),
    grad: new Float64Array(buffer, gradAt, m),
    hess: new Float64Array(buffer, hessAt, m),
    hists: histAt.map((at) => new Float64Array(buffer, at, histLength)),
    build: (hist: number, start: number, end: number): void =>
      kernel.buildHist(histAt[hist], histLength, xAt, m, q, slotAt, idxAt, start, end, gradAt, hessAt, ghAt),
    subtract: (parent: number, child: number): void => kernel.subtractHist(histAt[parent], histAt[child], histLength),
  };
}

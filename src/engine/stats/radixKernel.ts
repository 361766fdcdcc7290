/**
 * The profile's radix sort on a WebAssembly kernel (src/wasm/radixSort.ts): the same sorted keys as the JavaScript
 * sort (summary.ts: radixSortKeys), in about half the time (1M keys: 4.8 ms with both copies, against 10.5 ms). Each
 * thread keeps one instance, its memory sized for the largest sort so far (two arrays of keys, rounded up to a power
 * of two, at most KERNEL_MAX_KEYS); sorts outside [KERNEL_MIN_KEYS, KERNEL_MAX_KEYS] stay in JavaScript.
 */
import { embeddedModule, instantiateOn, Layout } from '../wasmMemory';
import { RADIX_SORT_KERNEL_WASM } from './radixSortKernel.generated';

interface Exports {
  radixSort(keys: number, tmp: number, n: number, counts: number): number;
}

interface Sorter {
  readonly exports: Exports;
  readonly u32: Uint32Array;
  readonly keys: number;
  readonly tmp: number;
  readonly counts: number;
  readonly capacity: number;
}

/** Below this many keys the two copies cost about what the kernel saves. */
export const KERNEL_MIN_KEYS = 65536;
/** Above this many keys the sort stays in JavaScript: a thread's kernel memory is at most 2 × 4 × this bytes (32 MiB). */
export const KERNEL_MAX_KEYS = 4 * 1024 * 1024;

const compiled = embeddedModule(RADIX_SORT_KERNEL_WASM);
let sorter: Sorter | null = null;

function sorterFor(n: number): Sorter | null {
  if (sorter && sorter.capacity >= n) return sorter;
  const module = compiled();
  if (!module) return null;
  const capacity = Math.min(KERNEL_MAX_KEYS, 2 ** Math.ceil(Math.log2(Math.max(n, KERNEL_MIN_KEYS))));
  const layout = new Layout();
  const keys = layout.bytes(4 * capacity);
  const tmp = layout.bytes(4 * capacity);
  const counts = layout.bytes(3 * 2048 * 4);
  const made = instantiateOn<Exports>(module, layout, layout.end, 'radixSort');
  if (!made) return null;
  sorter = { exports: made.exports, u32: new Uint32Array(made.memory.buffer), keys, tmp, counts, capacity };
  return sorter;
}

/** Whether the kernel takes a sort of n keys (by its size; it may still decline where WebAssembly cannot run). */
export function kernelTakes(n: number): boolean {
  return n >= KERNEL_MIN_KEYS && n <= KERNEL_MAX_KEYS;
}

/** Sorts `keys` in place on the kernel; false (keys untouched) when the kernel does not take them. */
export function radixSortInKernel(keys: Uint32Array): boolean {
  const n = keys.length;
  if (!kernelTakes(n)) return false;
  const s = sorterFor(n);
  if (!s) return false;
  s.u32.set(keys, s.keys >> 2);
  const at = s.exports.radixSort(s.keys, s.tmp, n, s.counts) === 0 ? s.keys : s.tmp;
  keys.set(s.u32.subarray(at >> 2, (at >> 2) + n));
  return true;
}

/**
 * The profile's radix sort on a WebAssembly kernel (src/wasm/radixSort.ts): the same sorted keys as the JavaScript
 * sort (summary.ts: radixSortKeys), in about half the time (1M keys: 4.8 ms with both copies, against 10.5 ms); and
 * the profile's two sorts whole, conversions and the two-class rank merge included (sortedPresentInKernel,
 * twoGroupRanksInKernel). Each thread keeps one instance, its memory sized for the largest sort so far (three arrays of
 * keys, rounded up to a power of two, at most KERNEL_MAX_KEYS); sorts outside [KERNEL_MIN_KEYS, KERNEL_MAX_KEYS] stay
 * in JavaScript.
 */
import { embeddedModule, instantiateOn, Layout, registerKernelMemory } from '../wasmMemory';
import { RADIX_SORT_KERNEL_WASM } from './radixSortKernel.generated';
import type { SortedTwoGroupRanks } from './ranks';

interface Exports {
  radixSort(keys: number, tmp: number, n: number, counts: number): number;
  sortPresent32(keys: number, tmp: number, n: number, counts: number): number;
  twoGroupRanks(bits: number, codes: number, n: number, keys: number, tmp: number, counts: number, results: number): number;
}

interface Sorter {
  readonly exports: Exports;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  readonly keys: number;
  readonly tmp: number;
  /** The column's bits, for twoGroupRanks (its class codes go into `tmp`, the sorts' scratch once they are read). */
  readonly bits: number;
  readonly counts: number;
  readonly results: number;
  readonly capacity: number;
}

/** Below this many keys the two copies cost about what the kernel saves. */
export const KERNEL_MIN_KEYS = 65536;
/** Above this many keys the sort stays in JavaScript: a thread's kernel memory is at most 3 × 4 × this bytes (48 MiB). */
export const KERNEL_MAX_KEYS = 4 * 1024 * 1024;

const compiled = embeddedModule(RADIX_SORT_KERNEL_WASM);
let sorter: Sorter | null = null;
registerKernelMemory(() => {
  const held = sorter !== null;
  sorter = null;
  return held;
});

function sorterFor(n: number): Sorter | null {
  if (sorter && sorter.capacity >= n) return sorter;
  const module = compiled();
  if (!module) return null;
  const capacity = Math.min(KERNEL_MAX_KEYS, 2 ** Math.ceil(Math.log2(Math.max(n, KERNEL_MIN_KEYS))));
  const layout = new Layout();
  const keys = layout.bytes(4 * capacity);
  const tmp = layout.bytes(4 * capacity);
  const bits = layout.bytes(4 * capacity);
  const counts = layout.bytes(3 * 2048 * 4);
  const results = layout.bytes(4 * 8);
  const made = instantiateOn<Exports>(module, layout, layout.end, 'radixSort');
  if (!made) return null;
  const buffer = made.memory.buffer;
  sorter = { exports: made.exports, u32: new Uint32Array(buffer), f64: new Float64Array(buffer), keys, tmp, bits, counts, results, capacity };
  return sorter;
}

/**
 * The profile's whole sorts (sortedPresentInKernel, twoGroupRanksInKernel) copy each value in and out once, and save
 * JavaScript passes besides: the kernel pays from this many values on (a thread's memory is then sized for
 * KERNEL_MIN_KEYS at least).
 */
export const PROFILE_KERNEL_MIN_VALUES = 4096;

function profileKernelTakes(n: number): boolean {
  return n >= PROFILE_KERNEL_MIN_VALUES && n <= KERNEL_MAX_KEYS;
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

/**
 * The finite values of a float32 column, ascending, as a new array (summary.ts: sortedPresentFloat32 gives the same
 * bits in JavaScript): the keys made, sorted and turned back into floats on the kernel. Null when it does not take
 * the column (its length outside [KERNEL_MIN_KEYS, KERNEL_MAX_KEYS], or no WebAssembly).
 */
export function sortedPresentInKernel(column: Float32Array): Float32Array | null {
  const n = column.length;
  if (!profileKernelTakes(n)) return null;
  const s = sorterFor(n);
  if (!s) return null;
  s.u32.set(new Uint32Array(column.buffer, column.byteOffset, n), s.keys >> 2);
  const r = s.exports.sortPresent32(s.keys, s.tmp, n, s.counts);
  const m = r >>> 1;
  const at = (r & 1 ? s.tmp : s.keys) >> 2;
  const out = new Float32Array(m);
  new Uint32Array(out.buffer).set(s.u32.subarray(at, at + m));
  return out;
}

/**
 * ranks.ts sortedWithTwoGroupRanks on the kernel, bit for bit: the finite values sorted, the two classes' rank sums
 * and tie term, and the class sizes. Null where the JavaScript one returns null (a finite value without a class 0 or
 * 1, or a −0); undefined where the kernel does not take the column.
 */
export function twoGroupRanksInKernel(values: Float32Array, codes: Int32Array): SortedTwoGroupRanks | null | undefined {
  const n = values.length;
  if (!profileKernelTakes(n) || codes.length !== n) return undefined;
  const s = sorterFor(n);
  if (!s) return undefined;
  s.u32.set(new Uint32Array(values.buffer, values.byteOffset, n), s.bits >> 2);
  s.u32.set(new Uint32Array(codes.buffer, codes.byteOffset, n), s.tmp >> 2);
  const n1 = s.exports.twoGroupRanks(s.bits, s.tmp, n, s.keys, s.tmp, s.counts, s.results);
  if (n1 < 0) return null;
  const r = s.results >> 3;
  // The sorted values fill bits[0, m): handed out as they lie there, not copied into a fresh array per column (3.8 MiB
  // a column of a million rows; the 1M × 50 analysis paired 0.988× the wall time without the copies). The profile
  // reads them before its next column is sorted here (SortedTwoGroupRanks.sorted).
  const m = s.f64[r + 3];
  const sorted = new Float32Array(s.u32.buffer, s.bits, m);
  return { sorted, rankSums: s.f64.slice(r, r + 2), tieSum: s.f64[r + 2], sizes: Float64Array.of(m - n1, n1), n: m };
}

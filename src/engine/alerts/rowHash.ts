/**
 * Rows are compared by a 53-bit hash of their feature values (two MurmurHash3 lanes): for a million rows the chance
 * that two different rows share a hash is about n²/2^54 ≈ 6·10⁻⁵, and the rows a hash calls equal are then compared
 * value by value (alerts.ts), so the counts are exact. Blocks of rows are hashed side by side on a runner's threads (`rowHash` kernel);
 * a row's hash depends on its values only.
 */
import type { CancelSignal } from '../cancel';
import type { TaskRunner } from '../parallel/runner';
import { newSharedFloat64, sharedFloat32 } from '../typed';
import { embeddedModule, instantiateOn, Layout } from '../wasmMemory';
import { ROW_HASH_KERNEL_WASM } from './rowHashKernel.generated';

/** What the row-hash tasks share: the feature columns, and the hashes they write (one per row, in place). */
export interface RowHashContext {
  readonly columns: readonly Float32Array[];
  readonly out: Float64Array;
}

export interface RowHashTask {
  readonly from: number;
  readonly to: number;
}

const BLOCK_ROWS = 65_536;

export function rowHashes(columns: readonly Float32Array[], rows: number, runner?: TaskRunner, signal?: CancelSignal): Float64Array {
  return startRowHashes(columns, rows, runner, signal)();
}

/** As rowHashes, but a runner's threads start hashing at once; the returned function joins in and returns them. */
export function startRowHashes(columns: readonly Float32Array[], rows: number, runner?: TaskRunner, signal?: CancelSignal): () => Float64Array {
  const threaded = runner !== undefined && runner.threads > 1 && rows >= 2 * BLOCK_ROWS;
  const out = threaded ? newSharedFloat64(rows) : new Float64Array(rows);
  const context: RowHashContext = { columns: threaded ? columns.map(sharedFloat32) : columns, out };
  if (!threaded || !runner) {
    return () => {
      rowHashKernel(context, { from: 0, to: rows });
      return out;
    };
  }
  const tasks: RowHashTask[] = [];
  for (let from = 0; from < rows; from += BLOCK_ROWS) tasks.push({ from, to: Math.min(rows, from + BLOCK_ROWS) });
  const pending = runner.startKernel('rowHash', context, tasks, { signal, work: rows * columns.length * 4 });
  return () => {
    pending();
    return out;
  };
}

interface HashExports {
  start(h1: number, h2: number, m: number): void;
  mix(bits: number, h1: number, h2: number, m: number): void;
  finish(h1: number, h2: number, m: number, length: number, out: number): void;
}

interface Hasher {
  readonly exports: HashExports;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  readonly h1: number;
  readonly h2: number;
  readonly bits: number;
  readonly out: number;
}

const compiled = embeddedModule(ROW_HASH_KERNEL_WASM);
/** This thread's hasher (a block of rows: about 1.3 MB), made at first use; null where WebAssembly cannot run it. */
let hasher: Hasher | null | undefined;

function getHasher(): Hasher | null {
  if (hasher !== undefined) return hasher;
  hasher = null;
  const module = compiled();
  if (!module) return null;
  const layout = new Layout();
  const h1 = layout.bytes(4 * BLOCK_ROWS);
  const h2 = layout.bytes(4 * BLOCK_ROWS);
  const bits = layout.bytes(4 * BLOCK_ROWS);
  const out = layout.bytes(8 * BLOCK_ROWS);
  const made = instantiateOn<HashExports>(module, layout, layout.end, 'rowHash');
  if (!made) return null;
  const buffer = made.memory.buffer;
  hasher = { exports: made.exports, u32: new Uint32Array(buffer), f64: new Float64Array(buffer), h1, h2, bits, out };
  return hasher;
}

/**
 * The `rowHash` kernel: rows [from, to) hashed into `out`; returns the rows hashed. On the WebAssembly kernel
 * (src/wasm/rowHash.ts: four rows per instruction, the same hashes) a block of rows at a time, else rowHashJs.
 */
export function rowHashKernel(context: RowHashContext, task: RowHashTask): number {
  const k = getHasher();
  if (!k) return rowHashJs(context, task);
  const length = context.columns.length;
  for (let from = task.from; from < task.to; from += BLOCK_ROWS) {
    const m = Math.min(BLOCK_ROWS, task.to - from);
    k.exports.start(k.h1, k.h2, m);
    for (const col of context.columns) {
      k.u32.set(new Uint32Array(col.buffer, col.byteOffset + 4 * from, m), k.bits >> 2);
      k.exports.mix(k.bits, k.h1, k.h2, m);
    }
    k.exports.finish(k.h1, k.h2, m, length, k.out);
    context.out.set(k.f64.subarray(k.out >> 3, (k.out >> 3) + m), from);
  }
  return task.to - task.from;
}

/** rowHashKernel in JavaScript: the reference, and what runs where WebAssembly cannot. */
export function rowHashJs(context: RowHashContext, task: RowHashTask): number {
  const { from, to } = task;
  const m = to - from;
  // Two MurmurHash3 (x86, 32-bit) lanes with different seeds, a cell per block. Its rotations carry every bit of a
  // cell into every bit of the state; a multiply-only mix (FNV) never moves high bits down, and integer-valued float32
  // cells differ only in their high bits — on a table of small integers that left a fraction of the 53 bits to tell
  // rows apart, and distinct rows shared hashes.
  const h1 = new Uint32Array(m).fill(0x811c9dc5);
  const h2 = new Uint32Array(m).fill(0x9e3779b9);
  for (const col of context.columns) {
    // The float32 bits read in place, with one NaN (0x7fc00000) and one zero: the bits a Float32Array holds after
    // `NaN` or `0` is stored in it.
    const words = new Uint32Array(col.buffer, col.byteOffset + 4 * from, m);
    for (let i = 0; i < m; i++) {
      const w = words[i];
      const b = (w & 0x7fffffff) > 0x7f800000 ? 0x7fc00000 : w === 0x80000000 ? 0 : w;
      let k = Math.imul(b, 0xcc9e2d51);
      k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
      let a = h1[i] ^ k;
      a = (a << 13) | (a >>> 19);
      h1[i] = (Math.imul(a, 5) + 0xe6546b64) | 0;
      let c = h2[i] ^ Math.imul((k << 11) | (k >>> 21), 0x85ebca6b);
      c = (c << 17) | (c >>> 15);
      h2[i] = (Math.imul(c, 5) + 0x561ccd1b) | 0;
    }
  }
  const out = context.out;
  const length = context.columns.length;
  for (let i = 0; i < m; i++) out[from + i] = (finalMix(h1[i] ^ length) & 0x1fffff) * 4294967296 + finalMix(h2[i] ^ length);
  return m;
}

/** MurmurHash3's finaliser: every input bit flips each output bit with probability about one half. */
function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

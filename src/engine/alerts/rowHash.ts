/**
 * Rows are compared by a 53-bit hash of their feature values (two independent 32-bit FNV-style mixes): for a million
 * rows the chance that two different rows share a hash is about n²/2^54 ≈ 6·10⁻⁵, so counts are exact for practical
 * purposes (said in the evidence). Blocks of rows are hashed side by side on a runner's threads (`rowHash` kernel);
 * a row's hash depends on its values only.
 */
import type { CancelSignal } from '../cancel';
import type { TaskRunner } from '../parallel/runner';
import { newSharedFloat64, sharedFloat32 } from '../typed';

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

/** The `rowHash` kernel: rows [from, to) hashed into `out`; returns the rows hashed. */
export function rowHashKernel(context: RowHashContext, task: RowHashTask): number {
  const { from, to } = task;
  const m = to - from;
  const h1 = new Uint32Array(m).fill(0x811c9dc5);
  const h2 = new Uint32Array(m).fill(0x01000193);
  for (const col of context.columns) {
    // The float32 bits read in place, with one NaN (0x7fc00000) and one zero: the bits a Float32Array holds after
    // `NaN` or `0` is stored in it.
    const words = new Uint32Array(col.buffer, col.byteOffset + 4 * from, m);
    for (let i = 0; i < m; i++) {
      const w = words[i];
      const b = (w & 0x7fffffff) > 0x7f800000 ? 0x7fc00000 : w === 0x80000000 ? 0 : w;
      h1[i] = Math.imul(h1[i] ^ b, 0x01000193) >>> 0;
      h2[i] = Math.imul((h2[i] ^ b) + 0x9e3779b9, 0x85ebca6b) >>> 0;
    }
  }
  const out = context.out;
  for (let i = 0; i < m; i++) out[from + i] = (h1[i] & 0x1fffff) * 4294967296 + h2[i];
  return m;
}

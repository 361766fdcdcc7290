/**
 * The binarised representation of the L1 analysis: each feature cut at its threshold into bits, standardised on the
 * training rows (a bit b becomes s1 when set, s0 when not: mean 0, sd 1 there). The listed-term fits read the values
 * through the bits (termValues.ts: a byte per row, not a float32 column). One kernel task per feature
 * (parallel/kernels.ts: `binarise`), written into shared memory when threads run.
 */
import type { CancelSignal } from '../cancel';
import { binariseInto } from '../binarise';
import type { TaskRunner } from '../parallel/runner';
import { sharedFloat32 } from '../typed';
import { twoValued } from './termValues';
import type { TwoValued } from './termValues';

export interface BinariseContext {
  readonly columns: readonly Float32Array[];
  readonly thresholds: readonly number[];
  readonly train: Uint32Array;
  /** Written by the tasks: each feature's bits, and its bits on the training rows in their order (0 or 1). */
  readonly bits: readonly Uint8Array[];
  readonly trainBits: readonly Uint8Array[];
}

export interface BinariseTask {
  readonly feature: number;
}

/** One feature: its bits and values written in place; returns [s0, s1]. */
export function binariseKernel(context: BinariseContext, task: BinariseTask): Float64Array {
  const j = task.feature;
  const bits = context.bits[j];
  binariseInto(context.columns[j], context.thresholds[j], bits);
  // Standardisation from the training rows only.
  const ones = gatherBits(bits, context.train, context.trainBits[j]);
  const q = Math.min(1 - 1e-9, Math.max(1e-9, ones / context.train.length));
  const sd = Math.sqrt(q * (1 - q));
  const zero = -q / sd;
  const one = (1 - q) / sd;
  return Float64Array.of(zero, one);
}

/**
 * gathered[u] = bits[train[u]]; returns how many are 1. The bits are 0 or 1 already: read as they are, not through a
 * ternary (a branch on random bits mispredicts half the time; the loop ran 10× slower that way). A function of its
 * own, which V8 optimises whole (a second loop in the kernel ran unoptimised on every call).
 */
function gatherBits(bits: Uint8Array, train: Uint32Array, gathered: Uint8Array): number {
  let ones = 0;
  for (let u = 0; u < train.length; u++) {
    const b = bits[train[u]];
    gathered[u] = b;
    ones += b;
  }
  return ones;
}

export function binariseAll(
  columns: readonly Float32Array[],
  thresholds: readonly number[],
  train: Uint32Array,
  runner?: TaskRunner,
  signal?: CancelSignal,
): { bits: Uint8Array[]; trainBits: Uint8Array[]; s0: Float64Array; s1: Float64Array; values: TwoValued[] } {
  const p = columns.length;
  const n = p === 0 ? 0 : columns[0].length;
  const threaded = runner !== undefined && runner.threads > 1 && p > 1;
  const bits = columns.map(() => (threaded ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n)));
  const trainBits = columns.map(() => (threaded ? new Uint8Array(new SharedArrayBuffer(train.length)) : new Uint8Array(train.length)));
  const context: BinariseContext = { columns: threaded ? columns.map(sharedFloat32) : columns, thresholds, train, bits, trainBits };
  const tasks: BinariseTask[] = columns.map((_, feature) => ({ feature }));
  const scales =
    threaded && runner
      ? runner.runKernel('binarise', context, tasks, { signal, work: n * p * 3 })
      : tasks.map((task) => {
          signal?.throwIfAborted();
          return binariseKernel(context, task);
        });
  const s0 = Float64Array.from(scales, (s) => s[0]);
  const s1 = Float64Array.from(scales, (s) => s[1]);
  return { bits, trainBits, s0, s1, values: bits.map((b, j) => twoValued(b, s0[j], s1[j])) };
}

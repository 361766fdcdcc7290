/**
 * Who runs the engine's parallel work. A heavy pass is cut into independent tasks of one kernel (kernels.ts): a fold
 * of a model fit, one feature's profile, one row of the correlation matrix, a block of gradient terms. A task's
 * result depends only on its kernel, context and task — never on which thread ran it or in what order — so a report
 * is the same whatever the thread count. The engine says what a task is; how many threads run them is the caller's
 * business (the CLI and the extension's worker bring a thread pool, src/worker/taskPool.ts).
 */
import type { CancelSignal } from '../cancel';
import { releaseKernelMemories } from '../wasmMemory';
import { runKernel } from './kernels';
import type { KernelContext, KernelKind, KernelResult, KernelTask } from './kernels';
import type { FoldContext, FoldResult, FoldTask } from './foldTasks';

export interface KernelRunOptions {
  readonly signal?: CancelSignal;
  /** Called as each task finishes (k: how many have), for progress. */
  readonly onDone?: (done: number) => void;
  /**
   * The batch's size in element operations (rows × features × tasks, say). Below the runner's threshold the batch
   * runs in the calling thread: handing work to threads costs about a millisecond per batch.
   */
  readonly work?: number;
}

export interface TaskRunner {
  readonly threads: number;
  /** Model fits: fold tasks, results in task order. */
  run(context: FoldContext, tasks: readonly FoldTask[], signal?: CancelSignal, onDone?: (done: number) => void): FoldResult[];
  /**
   * Hands the batch out and returns at once; the returned function waits for the results. Between the two the
   * calling thread is free for other work (the L1 analysis while the threads fit the baselines).
   */
  start(context: FoldContext, tasks: readonly FoldTask[], signal?: CancelSignal, onDone?: (done: number) => void): () => FoldResult[];
  /** Any kernel's tasks, results in task order. Big arrays in the context should sit on a SharedArrayBuffer. */
  runKernel<K extends KernelKind>(kind: K, context: KernelContext<K>, tasks: readonly KernelTask<K>[], options?: KernelRunOptions): KernelResult<K>[];
  /**
   * As runKernel, but hands the batch out and returns at once (see start): the returned function joins in and
   * returns the results. With one thread the work happens when the results are asked for.
   */
  startKernel<K extends KernelKind>(kind: K, context: KernelContext<K>, tasks: readonly KernelTask<K>[], options?: KernelRunOptions): () => KernelResult<K>[];
  /**
   * Drops the kernel memories every thread keeps between tasks (wasmMemory.ts releaseKernelMemories): called when a
   * stage that used them is over. The threads drop theirs between two tasks; nothing in flight is touched.
   */
  releaseMemory(): void;
}

function runInline<K extends KernelKind>(kind: K, context: KernelContext<K>, tasks: readonly KernelTask<K>[], options: KernelRunOptions = {}): KernelResult<K>[] {
  return tasks.map((task, k) => {
    options.signal?.throwIfAborted();
    const result = runKernel(kind, context, task, options.signal);
    options.onDone?.(k + 1);
    return result;
  });
}

/** One thread: the tasks in order, in this thread. */
export const inlineRunner: TaskRunner = {
  threads: 1,
  run(context, tasks, signal, onDone) {
    return runInline('fold', context, tasks, { signal, onDone });
  },
  // One thread: the work happens when the results are asked for.
  start(context, tasks, signal, onDone) {
    return () => runInline('fold', context, tasks, { signal, onDone });
  },
  runKernel: runInline,
  startKernel(kind, context, tasks, options) {
    return () => runInline(kind, context, tasks, options);
  },
  releaseMemory() {
    releaseKernelMemories();
  },
};

/**
 * A pool of worker threads that runs the engine's fold tasks (src/engine/parallel/foldTasks.ts) side by side, for
 * the CLI and the extension's analysis worker. `run` is synchronous — the analysis is a synchronous computation —
 * so the calling thread blocks in Atomics.wait until a thread bumps the shared counter, then takes the answer with
 * receiveMessageOnPort (no event loop needed). Tasks are handed out one at a time as threads finish, so long and
 * short fits balance; results come back in task order and do not depend on the thread count.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { CancelledError } from '../engine/cancel';
import type { CancelSignal } from '../engine/cancel';
import { inlineRunner } from '../engine/parallel/foldTasks';
import type { FoldContext, FoldResult, FoldTask, TaskRunner } from '../engine/parallel/foldTasks';
import type { PoolToThread } from './taskProtocol';
import { isThreadToPool } from './taskProtocol';

export interface TaskPoolOptions {
  /** The thread script: dist/taskWorker.js (tests: test/support/taskWorkerTs.cjs, which loads the source under tsx). */
  readonly script: string;
  readonly threads: number;
  /**
   * Batches with less work than this (rows × features × tasks) run in the calling thread: starting threads and
   * copying the context costs tens of milliseconds, more than a small table's whole fit.
   */
  readonly minWork?: number;
}

interface Thread {
  readonly worker: Worker;
  readonly port: MessagePort;
}

/** Below this a batch runs inline (measured: two threads pay off from about 0.2 s of sequential fitting). */
export const DEFAULT_MIN_WORK = 5_000_000;
/** How often a blocked wait looks at the cancel signal. */
const POLL_MS = 25;

export class ThreadTaskRunner implements TaskRunner {
  readonly threads: number;
  private readonly options: TaskPoolOptions;
  private pool: Thread[] | null = null;
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  private readonly cancel = new Int32Array(new SharedArrayBuffer(4));
  private batch = 0;

  constructor(options: TaskPoolOptions) {
    this.options = options;
    this.threads = Math.max(1, Math.floor(options.threads));
  }

  run(context: FoldContext, tasks: readonly FoldTask[], signal?: CancelSignal, onDone?: (done: number) => void): FoldResult[] {
    if (this.threads < 2 || tasks.length < 2 || workOf(context, tasks) < (this.options.minWork ?? DEFAULT_MIN_WORK)) {
      return inlineRunner.run(context, tasks, signal, onDone);
    }
    const threads = this.start();
    const batch = ++this.batch;
    Atomics.store(this.cancel, 0, 0);
    for (const t of threads) t.port.postMessage({ type: 'context', batch, context } satisfies PoolToThread);
    const results: (FoldResult | null)[] = new Array<FoldResult | null>(tasks.length).fill(null);
    let next = 0;
    let done = 0;
    let failure: string | null = null;
    let cancelled = false;
    const busy = new Array<boolean>(threads.length).fill(false);
    const hand = (k: number): void => {
      if (next >= tasks.length || failure !== null || cancelled) return;
      threads[k].port.postMessage({ type: 'task', batch, index: next, task: tasks[next] } satisfies PoolToThread);
      busy[k] = true;
      next++;
    };
    threads.forEach((_, k) => hand(k));
    while (busy.some((b) => b)) {
      const seen = Atomics.load(this.counter, 0);
      // A thread that died (threadId −1, readable while this thread blocks, unlike the 'exit' event) never answers.
      const dead = threads.findIndex((t, k) => busy[k] && t.worker.threadId < 0);
      if (dead >= 0) {
        this.pool = null;
        for (const t of threads) void t.worker.terminate();
        throw new Error('a model-fitting thread stopped unexpectedly (out of memory?); the analysis was abandoned');
      }
      let got = false;
      for (let k = 0; k < threads.length; k++) {
        const received = receiveMessageOnPort(threads[k].port);
        if (!received) continue;
        got = true;
        const message: unknown = received.message;
        if (!isThreadToPool(message) || message.batch !== batch) continue;
        busy[k] = false;
        if (message.type === 'result') {
          results[message.index] = message.result;
          onDone?.(++done);
        } else if (message.cancelled) {
          cancelled = true;
        } else {
          failure ??= message.message;
        }
        hand(k);
      }
      if (got) continue;
      if (signal?.aborted && !cancelled) {
        cancelled = true;
        Atomics.store(this.cancel, 0, 1);
      }
      Atomics.wait(this.counter, 0, seen, POLL_MS);
    }
    if (cancelled || signal?.aborted) throw signal?.reason instanceof Error ? signal.reason : new CancelledError();
    if (failure !== null) throw new Error(`a model fit failed in a pool thread: ${failure}`);
    return results.map((r) => r as FoldResult);
  }

  /** Stops the threads (the next run starts new ones). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (!pool) return;
    for (const t of pool) t.port.close();
    await Promise.all(pool.map((t) => t.worker.terminate()));
  }

  private start(): Thread[] {
    if (this.pool) return this.pool;
    this.pool = Array.from({ length: this.threads }, () => {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(this.options.script, {
        workerData: { port: port2, counter: this.counter.buffer, cancel: this.cancel.buffer },
        transferList: [port2],
      });
      // The pool's threads never keep a finished CLI alive.
      worker.unref();
      return { worker, port: port1 };
    });
    return this.pool;
  }
}

/** Rows × features × tasks: the scale of a batch's fitting. */
function workOf(context: FoldContext, tasks: readonly FoldTask[]): number {
  let rows = 0;
  for (const fold of context.folds) rows = Math.max(rows, fold.train.length);
  const features = Math.max(context.features.length, context.binnedFolds[0]?.featureCount ?? 0);
  const classes = context.target.task === 'multiclass' ? context.target.classes : 1;
  return rows * features * classes * tasks.length;
}

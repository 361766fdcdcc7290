/**
 * A pool of worker threads that runs the engine's kernels (src/engine/parallel/kernels.ts: model folds, feature
 * profiles, correlation rows, gradient blocks) side by side, for the CLI and the extension's analysis worker. Big
 * arrays in a batch's context sit on SharedArrayBuffers, so posting it to the threads copies no data. `run` is synchronous — the analysis is a synchronous computation —
 * so the calling thread blocks in Atomics.wait until a thread bumps the shared counter, then takes the answer with
 * receiveMessageOnPort (no event loop needed). The threads and the calling thread claim a batch's tasks one at a time
 * from a shared counter; results come back in task order and do not depend on the thread count or on who ran what.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { CancelledError } from '../engine/cancel';
import type { CancelSignal } from '../engine/cancel';
import type { FoldContext, FoldResult, FoldTask } from '../engine/parallel/foldTasks';
import { runKernel } from '../engine/parallel/kernels';
import type { KernelContext, KernelKind, KernelResult, KernelTask } from '../engine/parallel/kernels';
import { inlineRunner } from '../engine/parallel/runner';
import type { KernelRunOptions, TaskRunner } from '../engine/parallel/runner';
import { releaseKernelMemories } from '../engine/wasmMemory';
import type { PoolRelease, PoolToThread } from './taskProtocol';
import { isThreadToPool } from './taskProtocol';

export interface TaskPoolOptions {
  /** The thread script: dist/taskWorker.js (tests: test/support/taskWorkerTs.cjs, which loads the source under tsx). */
  readonly script: string;
  /** Threads that fit models, the calling thread included (so threads − 1 are started). */
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

/** A batch handed to the threads: its claim counter, its own cancel flag, and the signal of the job that posted it. */
interface OpenBatch {
  readonly claim: Int32Array;
  readonly cancel: Int32Array;
  readonly signal: CancelSignal | undefined;
}

/**
 * Below this a batch runs inline: starting a thread and copying the context costs about 40 ms, which pays off from
 * a few tens of milliseconds of sequential fitting (battery: gapminder, 8,436 × 9 × 10 fits = 0.76 million, gains 0.4 s).
 */
export const DEFAULT_MIN_WORK = 100_000;
/** A claim counter past every batch's end, far from overflowing however many threads still add to it. */
const ABANDONED = 1 << 30;
/** How often a blocked wait looks at the cancel signal. */
const POLL_MS = 25;

export class ThreadTaskRunner implements TaskRunner {
  readonly threads: number;
  private readonly options: TaskPoolOptions;
  private pool: Thread[] | null = null;
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  private batch = 0;
  /** Batches posted and not yet collected, and answers to them read while another batch was being collected. */
  private readonly open = new Map<number, OpenBatch>();
  private readonly inbox = new Map<number, unknown[]>();
  /**
   * Batches called off while another batch was collected: a job's cancel, noticed while one of its batches is
   * collected, calls off every batch that job handed out (those posted with the same signal), and the job will not
   * collect them. Other jobs on the same pool (the extension's worker keeps one for all its jobs) are not touched:
   * each batch has its own cancel flag.
   */
  private readonly dead = new Set<number>();

  constructor(options: TaskPoolOptions) {
    this.options = options;
    this.threads = Math.max(1, Math.floor(options.threads));
  }

  run(context: FoldContext, tasks: readonly FoldTask[], signal?: CancelSignal, onDone?: (done: number) => void): FoldResult[] {
    // A lone task waited on at once runs here: posting it would only add the hand-over.
    if (tasks.length < 2) return inlineRunner.run(context, tasks, signal, onDone);
    return this.start(context, tasks, signal, onDone)();
  }

  /**
   * Posts the batch to every thread; the threads claim tasks one at a time from a shared counter, so they stay busy
   * while the calling thread does other work. The returned function joins in — the calling thread claims and runs
   * tasks too, until none are left — then waits for the threads' last answers. A lone task goes out too: the calling
   * thread has other work before it collects (a hold-out plan's one tree fit, while it plans the linear fits' tests).
   */
  start(context: FoldContext, tasks: readonly FoldTask[], signal?: CancelSignal, onDone?: (done: number) => void): () => FoldResult[] {
    if (this.threads < 2 || tasks.length < 1 || workOf(context, tasks) < (this.options.minWork ?? DEFAULT_MIN_WORK)) {
      return inlineRunner.start(context, tasks, signal, onDone);
    }
    return this.post('fold', context, tasks, signal, onDone);
  }

  runKernel<K extends KernelKind>(kind: K, context: KernelContext<K>, tasks: readonly KernelTask<K>[], options: KernelRunOptions = {}): KernelResult<K>[] {
    if (this.threads < 2 || tasks.length < 2 || (options.work ?? Infinity) < (this.options.minWork ?? DEFAULT_MIN_WORK)) {
      return inlineRunner.runKernel(kind, context, tasks, options);
    }
    return this.post(kind, context, tasks, options.signal, options.onDone)();
  }

  startKernel<K extends KernelKind>(kind: K, context: KernelContext<K>, tasks: readonly KernelTask<K>[], options: KernelRunOptions = {}): () => KernelResult<K>[] {
    // A single task is worth handing out too: the calling thread does other work meanwhile.
    if (this.threads < 2 || tasks.length < 1 || (options.work ?? Infinity) < (this.options.minWork ?? DEFAULT_MIN_WORK)) {
      return inlineRunner.startKernel(kind, context, tasks, options);
    }
    return this.post(kind, context, tasks, options.signal, options.onDone);
  }

  private post<K extends KernelKind>(kind: K, context: KernelContext<K>, tasks: readonly KernelTask<K>[], signal?: CancelSignal, onDone?: (done: number) => void): () => KernelResult<K>[] {
    const threads = this.spawn();
    const batch = ++this.batch;
    for (const dead of this.dead) {
      this.open.delete(dead);
      this.inbox.delete(dead);
    }
    this.dead.clear();
    const claim = new Int32Array(new SharedArrayBuffer(4));
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    this.open.set(batch, { claim, cancel, signal });
    for (const t of threads) t.port.postMessage({ type: 'batch', kind, batch, context, tasks, claim: claim.buffer, cancel: cancel.buffer } as PoolToThread);
    return () => this.collect(threads, batch, kind, context, tasks, claim, signal, onDone);
  }

  private collect<K extends KernelKind>(...args: Parameters<ThreadTaskRunner['collectBatch']>): KernelResult<K>[] {
    const batch = args[1];
    try {
      // A batch called off by its job's cancel, noticed in another batch, was stopped on every thread: nothing to wait for.
      if (this.dead.has(batch) || !this.open.has(batch)) throw new CancelledError();
      return this.collectBatch(...args) as KernelResult<K>[];
    } finally {
      this.open.delete(batch);
      this.inbox.delete(batch);
      this.dead.delete(batch);
    }
  }

  /**
   * Calls off every batch still open that was posted with `signal`: its job has ended (failed, or cancelled outside a
   * wait on the pool) without collecting them, so their remaining tasks need not run.
   */
  callOff(signal: CancelSignal): void {
    this.callOffJob(-1, signal);
  }

  /**
   * Calls off the other open batches of the job whose signal is `signal` (the caller of `batch` settles its own
   * claims): their threads stop at the next check, and no thread claims another of their tasks.
   */
  private callOffJob(batch: number, signal: CancelSignal | undefined): void {
    if (!signal) return;
    for (const [other, open] of this.open) {
      if (other === batch || open.signal !== signal) continue;
      Atomics.store(open.cancel, 0, 1);
      Atomics.store(open.claim, 0, ABANDONED);
      this.dead.add(other);
    }
  }

  private collectBatch<K extends KernelKind>(
    threads: Thread[],
    batch: number,
    kind: K,
    context: KernelContext<K>,
    tasks: readonly KernelTask<K>[],
    claim: Int32Array,
    signal?: CancelSignal,
    onDone?: (done: number) => void,
  ): KernelResult<K>[] {
    const n = tasks.length;
    const results: (KernelResult<K> | null)[] = new Array<KernelResult<K> | null>(n).fill(null);
    let done = 0;
    let answers = 0;
    let failure: string | null = null;
    let cancelled = false;
    const own = this.open.get(batch) as OpenBatch;
    // This batch's threads stop at their next check; on the job's cancel, so do its other batches' (a failure here
    // ends this batch only: its caller throws, and the job ends as it decides).
    const stop = (): void => {
      Atomics.store(own.cancel, 0, 1);
      if (cancelled) this.callOffJob(batch, signal);
    };
    const take = (message: unknown): void => {
      if (!isThreadToPool(message, kind)) return;
      answers++;
      if (message.type === 'result') {
        results[message.index] = message.result as KernelResult<K>;
        onDone?.(++done);
      } else if (message.cancelled) {
        cancelled = true;
      } else {
        // The rest of the batch is not worth waiting for.
        failure ??= message.message;
        stop();
      }
    };
    // Answers to this batch that another batch's wait already read (batches overlap: the L1 gradients run while the
    // baselines' folds are out).
    for (const message of this.inbox.get(batch) ?? []) take(message);
    this.inbox.delete(batch);
    const drain = (): void => {
      for (const t of threads) {
        for (let received = receiveMessageOnPort(t.port); received; received = receiveMessageOnPort(t.port)) {
          const message: unknown = received.message;
          const of = isRecord(message) && typeof message.batch === 'number' ? message.batch : -1;
          if (of === batch) take(message);
          else if (this.open.has(of)) {
            const kept = this.inbox.get(of);
            if (kept) kept.push(message);
            else this.inbox.set(of, [message]);
          }
        }
      }
    };
    // This thread joins in: it claims and runs tasks like the pool's threads, until none are left (or the batch is
    // called off, and then no thread may claim another: the counter is pushed past the end).
    let ranHere = 0;
    let handedOut = n;
    for (;;) {
      if (signal?.aborted) cancelled = true;
      if (failure !== null || cancelled) {
        stop();
        handedOut = Math.min(n, Atomics.exchange(claim, 0, n));
        break;
      }
      const index = Atomics.add(claim, 0, 1);
      if (index >= n) break;
      results[index] = runKernel(kind, context, tasks[index], signal);
      ranHere++;
      onDone?.(++done);
      drain();
    }
    // Then the answers for the tasks the threads claimed: every claimed task answers, with a result or a failure.
    while (answers < handedOut - ranHere) {
      const seen = Atomics.load(this.counter, 0);
      const before = answers;
      drain();
      if (answers !== before) continue;
      // A thread that died (threadId −1, readable while this thread blocks, unlike the 'exit' event) never answers.
      if (threads.some((t) => t.worker.threadId < 0)) {
        this.pool = null;
        for (const t of threads) void t.worker.terminate();
        throw new Error('a pool thread stopped unexpectedly (out of memory?); the analysis was abandoned');
      }
      if (signal?.aborted && !cancelled) {
        cancelled = true;
        stop();
      }
      Atomics.wait(this.counter, 0, seen, POLL_MS);
    }
    if (failure !== null) throw new Error(`a ${kind} task failed in a pool thread: ${failure}`);
    if (cancelled || signal?.aborted) throw signal?.reason instanceof Error ? signal.reason : new CancelledError();
    return results.map((r) => r as KernelResult<K>);
  }

  /** This thread's kernel memories now, each started thread's between two of its tasks. */
  releaseMemory(): void {
    releaseKernelMemories();
    for (const t of this.pool ?? []) t.port.postMessage({ type: 'release' } satisfies PoolRelease);
  }

  /** Stops the threads (the next run starts new ones). */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (!pool) return;
    for (const t of pool) t.port.close();
    await Promise.all(pool.map((t) => t.worker.terminate()));
  }

  /**
   * Starts the threads now rather than at the first batch: a thread's start-up (about 0.1 s of loading its script)
   * then overlaps the caller's reading of the file instead of delaying the first batch handed out.
   */
  prestart(): void {
    if (this.threads >= 2) this.spawn();
  }

  /** Whether the threads are running (prestart, or a batch was handed out). */
  get started(): boolean {
    return this.pool !== null;
  }

  private spawn(): Thread[] {
    if (this.pool) return this.pool;
    // The calling thread fits too, so one thread fewer is started.
    this.pool = Array.from({ length: this.threads - 1 }, () => {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(this.options.script, {
        workerData: { port: port2, counter: this.counter.buffer },
        transferList: [port2],
      });
      // The pool's threads never keep a finished CLI alive.
      worker.unref();
      return { worker, port: port1 };
    });
    return this.pool;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Rows × features × tasks: the scale of a batch's fitting. */
function workOf(context: FoldContext, tasks: readonly FoldTask[]): number {
  let rows = 0;
  for (const fold of context.folds) rows = Math.max(rows, fold.train.length);
  const features = Math.max(context.features.length, context.binnedFolds[0]?.featureCount ?? 0);
  const classes = context.target.task === 'multiclass' ? context.target.classes : 1;
  return rows * features * classes * tasks.length;
}

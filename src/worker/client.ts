import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Job, JobResult, ProgressMessage, WorkerError, WorkerToHost } from '../protocol';
import { isWorkerToHost } from '../protocolGuards';

/** Why a job did not finish: its error as data, plus how it ended. */
export class JobFailedError extends Error {
  readonly error: WorkerError;
  constructor(error: WorkerError) {
    super(error.message);
    this.name = 'JobFailedError';
    this.error = error;
  }
}

export class JobCancelledError extends Error {
  /** True when the worker ignored the cancel past the grace period and was terminated. */
  readonly forced: boolean;
  constructor(forced: boolean) {
    super(forced ? 'cancelled (the worker did not stop in time and was restarted)' : 'cancelled');
    this.name = 'JobCancelledError';
    this.forced = forced;
  }
}

export interface RunningJob {
  readonly id: number;
  readonly result: Promise<JobResult>;
  cancel(): void;
}

export interface WorkerClientOptions {
  /** The worker script; default: worker.js beside this bundle (dist/), or the TypeScript source under tsx. */
  readonly workerPath?: string;
  /** How long a cancelled job may take to answer before the worker is terminated. */
  readonly cancelGraceMs?: number;
  /** Warnings: a crash, a restart, a malformed message. */
  readonly log?: (line: string) => void;
  /** Facts worth a line in the log: a worker started, and at what priority. */
  readonly info?: (line: string) => void;
}

interface Pending {
  readonly flag: Int32Array;
  readonly resolve: (r: JobResult) => void;
  readonly reject: (e: Error) => void;
  readonly onProgress?: (p: ProgressMessage) => void;
  graceTimer?: NodeJS.Timeout;
}

/**
 * Host side of the one long-lived worker (started lazily). Every incoming message is guarded; a crash or a worker
 * that will not cancel fails its jobs with a clear error and the next job starts a fresh worker — the host is never
 * taken down and never blocks.
 */
export class WorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly workerPath: string;
  private readonly cancelGraceMs: number;
  private readonly log: (line: string) => void;
  private readonly info: (line: string) => void;

  constructor(options: WorkerClientOptions = {}) {
    this.workerPath = options.workerPath ?? defaultWorkerPath();
    this.cancelGraceMs = options.cancelGraceMs ?? 2000;
    this.log = options.log ?? (() => undefined);
    this.info = options.info ?? (() => undefined);
  }

  run(job: Job, onProgress?: (p: ProgressMessage) => void): RunningJob {
    const id = this.nextId++;
    const shared = new SharedArrayBuffer(4);
    const flag = new Int32Array(shared);
    const result = new Promise<JobResult>((resolve, reject) => {
      this.pending.set(id, { flag, resolve, reject, onProgress });
    });
    this.ensureWorker().postMessage({ type: 'start', id, job, cancelFlag: shared }, transferables(job));
    return { id, result, cancel: () => this.cancel(id) };
  }

  /** Cancel a job: the shared flag stops it at its next check; past the grace period the worker is replaced. */
  cancel(id: number): void {
    const p = this.pending.get(id);
    if (!p || p.graceTimer) return;
    Atomics.store(p.flag, 0, 1);
    this.worker?.postMessage({ type: 'cancel', id });
    p.graceTimer = setTimeout(() => {
      if (!this.pending.has(id)) return;
      this.log(`job ${id} did not stop within ${this.cancelGraceMs} ms; restarting the worker`);
      this.pending.delete(id);
      p.reject(new JobCancelledError(true));
      this.restart(new JobFailedError({ kind: 'internal', message: 'the worker was restarted while this job ran' }));
    }, this.cancelGraceMs);
  }

  /** Terminate the worker and fail whatever is pending. */
  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    for (const [id, p] of this.pending) {
      clearTimeout(p.graceTimer);
      p.reject(new JobCancelledError(false));
      this.pending.delete(id);
    }
    if (w) await w.terminate();
  }

  get running(): number {
    return this.pending.size;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // A TypeScript worker (tests, running from source) needs tsx in its own thread: its CommonJS hook, since the
    // ESM hooks registered by --import do not reach a worker whose entry is a .ts path on Node 20.
    const w = new Worker(this.workerPath, this.workerPath.endsWith('.ts') ? { execArgv: ['--require', 'tsx/cjs'] } : {});
    w.on('message', (raw: unknown) => this.onMessage(w, raw));
    w.on('error', (error: Error) => {
      this.log(`worker crashed: ${error.stack ?? error.message}`);
      if (this.worker === w) this.restart(new JobFailedError({ kind: 'internal', message: `the worker crashed: ${error.message}` }));
    });
    w.on('exit', (code) => {
      if (this.worker === w) {
        this.log(`worker exited with code ${code}`);
        this.worker = null;
        this.failAll(new JobFailedError({ kind: 'internal', message: `the worker exited unexpectedly (code ${code})` }));
      }
    });
    this.worker = w;
    return w;
  }

  private onMessage(from: Worker, raw: unknown): void {
    if (from !== this.worker) return;
    if (!isWorkerToHost(raw)) {
      this.log(`ignored a malformed message from the worker: ${safeJson(raw)}`);
      return;
    }
    const message: WorkerToHost = raw;
    if (message.type === 'ready') {
      this.info(`worker started at ${message.priority ?? 'an unreported priority'}`);
      return;
    }
    const p = this.pending.get(message.id);
    if (!p) return;
    switch (message.type) {
      case 'progress':
        p.onProgress?.(message);
        return;
      case 'done':
        this.settle(message.id, p, () => p.resolve(message.result));
        return;
      case 'failed':
        this.settle(message.id, p, () => p.reject(new JobFailedError(message.error)));
        return;
      case 'cancelled':
        this.settle(message.id, p, () => p.reject(new JobCancelledError(false)));
        return;
    }
  }

  private settle(id: number, p: Pending, action: () => void): void {
    clearTimeout(p.graceTimer);
    this.pending.delete(id);
    action();
  }

  private restart(reason: Error): void {
    const w = this.worker;
    this.worker = null;
    this.failAll(reason);
    void w?.terminate();
  }

  private failAll(reason: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.graceTimer);
      p.reject(reason);
      this.pending.delete(id);
    }
  }
}

function defaultWorkerPath(): string {
  const bundled = join(__dirname, 'worker.js');
  if (existsSync(bundled)) return bundled;
  // Running from source (tests under tsx): the worker inherits the --import tsx of its parent.
  return join(__dirname, 'worker.ts');
}

/** Columns a job carries cross as transferred buffers (moved, not copied): the host's arrays are detached after. */
function transferables(job: Job): ArrayBuffer[] {
  if (job.kind !== 'train' || !job.data) return [];
  const buffers = new Set<ArrayBuffer>();
  for (const a of [...job.data.columns, job.data.labels]) if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  return [...buffers];
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v).slice(0, 200);
  } catch {
    return String(v);
  }
}

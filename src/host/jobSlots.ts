import * as vscode from 'vscode';
import type { Job, JobResult, ProgressMessage } from '../protocol';
import { Coalescer, timerScheduler } from '../engine/coalescer';
import { JobCancelledError, JobFailedError, type WorkerClient } from '../worker/client';

/** How a slot's job ended: its result, a cancel (forced: the worker had to be restarted), or a failure as text. */
export type JobOutcome<R> =
  | { readonly status: 'done'; readonly result: R }
  | { readonly status: 'cancelled'; readonly forced: boolean }
  | { readonly status: 'failed'; readonly message: string; readonly error?: JobFailedError };

export interface SlotJob<R> {
  /** The progress notification's title. */
  readonly title: string;
  readonly job: Job;
  /** Called once the slot is taken and before any work starts (a Cancel from here on reaches this job). */
  readonly started?: () => void;
  /**
   * Each progress message: where it puts the bar (0..100) and what the notification says; undefined: no change. The
   * notification shows the latest of them at most every PROGRESS_MS.
   */
  readonly progress?: (p: ProgressMessage) => { readonly at: number; readonly message: string } | undefined;
  /**
   * Called once, at once, when the job is asked to stop (Cancel in the notification, Cancel elsewhere, a newer request
   * for the key) — before the worker has stopped, which the outcome waits for.
   */
  readonly cancelling?: () => void;
  /** The worker's result as the caller's value (may do more work, e.g. save it); undefined: the wrong kind of result. */
  readonly accept: (result: JobResult) => R | undefined | Promise<R | undefined>;
}

/**
 * The least time between two updates of a progress notification. Each update is a message to the workbench; a
 * training reports every epoch, hundreds a second on a small table, and the notification only needs to be readable.
 */
export const PROGRESS_MS = 150;

interface Running {
  readonly id: number;
  cancel(): void;
}

/**
 * One worker job per key (a dataset, a document) under a cancellable progress notification: a newer request for the
 * same key cancels the older one, Cancel reaches a job even before its notification shows, and every way a job can
 * end is triaged the same way — input errors become the outcome's message, bugs are logged with their stack.
 */
export class JobSlots implements vscode.Disposable {
  private readonly running = new Map<string, Running>();
  private seq = 0;

  constructor(
    private readonly worker: WorkerClient,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  /** Cancel one key's job, or every running one. Returns how many were asked to stop. */
  cancel(key?: string): number {
    const targets = [...this.running].filter(([k]) => key === undefined || k === key);
    for (const [, r] of targets) r.cancel();
    return targets.length;
  }

  /** Run a job in the key's slot. Never throws; the outcome says what happened. */
  async run<R>(key: string, spec: SlotJob<R>): Promise<JobOutcome<R>> {
    this.running.get(key)?.cancel();
    const slot = ++this.seq;
    // The slot exists before the progress UI does, so a newer request or Cancel always reaches this run.
    let stopped: () => void = () => undefined;
    const stopping = new Promise<void>((resolve) => (stopped = resolve));
    const control: { cancelled: boolean; job: { cancel(): void } | null } = { cancelled: false, job: null };
    const cancel = (): void => {
      if (!control.cancelled) {
        control.cancelled = true;
        stopped();
        spec.cancelling?.();
      }
      control.job?.cancel();
    };
    this.running.set(key, { id: slot, cancel });
    spec.started?.();
    let work: Promise<JobOutcome<R>> = Promise.resolve({ status: 'cancelled', forced: false });
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: spec.title, cancellable: true }, async (progress, token): Promise<void> => {
      if (control.cancelled) return;
      let done = 0;
      let shown: { readonly at: number; readonly message: string } | undefined;
      const report = new Coalescer<void>(
        () => {
          if (!shown || control.cancelled) return;
          progress.report({ message: shown.message, increment: Math.max(0, shown.at - done) });
          done = Math.max(done, shown.at);
        },
        timerScheduler,
        PROGRESS_MS,
      );
      const running = this.worker.run(spec.job, (p) => {
        const next = spec.progress?.(p);
        if (!next) return;
        shown = next;
        report.push();
      });
      control.job = running;
      if (control.cancelled) running.cancel();
      const sub = token.onCancellationRequested(cancel);
      work = (async (): Promise<JobOutcome<R>> => {
        try {
          const result = await spec.accept(await running.result);
          if (result === undefined) return { status: 'failed', message: 'the worker answered with the wrong kind of result' };
          return { status: 'done', result };
        } catch (error) {
          return this.triage(error);
        } finally {
          sub.dispose();
          report.dispose();
        }
      })();
      // The notification closes as soon as Cancel is asked for: the worker stops at its next epoch or batch, or is
      // restarted after its grace period, and the outcome below waits for that — the user need not.
      await Promise.race([work, stopping]);
    });
    const outcome = await work;
    if (this.running.get(key)?.id === slot) this.running.delete(key);
    return outcome;
  }

  private triage<R>(error: unknown): JobOutcome<R> {
    if (error instanceof JobCancelledError) return { status: 'cancelled', forced: error.forced };
    if (error instanceof JobFailedError) {
      if (error.error.kind === 'internal') this.log.error(error.error.stack ?? error.message);
      return { status: 'failed', message: error.message, error };
    }
    this.log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return { status: 'failed', message: error instanceof Error ? error.message : String(error) };
  }

  dispose(): void {
    this.cancel();
  }
}

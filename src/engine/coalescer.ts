/**
 * Coalescing a fast stream of updates into few deliveries: every item is kept, but they are handed over in batches, at
 * most one batch per interval and never while the previous delivery is still running. The clock and the timer are
 * passed in (setTimeout on the extension host, requestAnimationFrame in a webview, a fake in the tests), so the
 * batching is the same everywhere and testable without waiting.
 */

/** A clock and a timer: the real ones, or a test's fake. */
export interface Scheduler {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Run `task` once after about `ms` milliseconds (0: as soon as the scheduler can); the result cancels it. */
  schedule(task: () => void, ms: number): () => void;
}

/** setTimeout and performance.now: the scheduler of the extension host. */
export const timerScheduler: Scheduler = {
  now: () => performance.now(),
  schedule: (task, ms) => {
    const t = setTimeout(task, ms);
    return () => clearTimeout(t);
  },
};

export class Coalescer<T> {
  private pending: T[] = [];
  private cancelTimer: (() => void) | null = null;
  private busy = false;
  private last = -Infinity;
  private disposed = false;

  /**
   * @param deliver receives every item pushed since the last delivery, in order; a promise holds the next delivery
   *   back until it settles (a webview's render).
   * @param intervalMs the least time from one delivery's start to the next; the first item after a quiet spell goes at
   *   once (on the scheduler's next turn), so a slow stream is not delayed at all.
   */
  constructor(
    private readonly deliver: (items: T[]) => void | Promise<void>,
    private readonly scheduler: Scheduler,
    private readonly intervalMs: number,
  ) {}

  /** Items waiting for the next delivery. */
  get size(): number {
    return this.pending.length;
  }

  push(item: T): void {
    if (this.disposed) return;
    this.pending.push(item);
    this.arm();
  }

  /**
   * Deliver what is waiting now, ahead of the interval (before a message that must follow the last items). A delivery
   * still running keeps its turn: the items then go as soon as it settles.
   */
  flush(): void {
    this.disarm();
    this.run();
  }

  /** Drop what is waiting (the receiver has it already by another route). */
  clear(): void {
    this.pending = [];
    this.disarm();
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }

  private arm(): void {
    if (this.cancelTimer || this.busy || this.pending.length === 0 || this.disposed) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.scheduler.now());
    this.cancelTimer = this.scheduler.schedule(() => {
      this.cancelTimer = null;
      this.run();
    }, wait);
  }

  private disarm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  private run(): void {
    if (this.busy || this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.last = this.scheduler.now();
    this.busy = true;
    const settle = (): void => {
      this.busy = false;
      this.arm();
    };
    let delivered: void | Promise<void>;
    try {
      delivered = this.deliver(items);
    } catch (error) {
      settle();
      throw error;
    }
    // A synchronous delivery is over when it returns (a flush right after it delivers again at once).
    if (delivered instanceof Promise) delivered.then(settle, settle);
    else settle();
  }
}

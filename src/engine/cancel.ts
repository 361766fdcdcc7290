/**
 * Cancellation as the engine sees it: anything with `aborted`, `reason` and `throwIfAborted()` — a DOM/Node
 * AbortSignal fits as it is. The worker backs it with a shared-memory flag instead, because a synchronous analysis
 * never returns to the event loop to receive a "cancel" message; Atomics.load sees the host's write at once.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  throwIfAborted(): void;
}

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** A CancelSignal that reads slot 0 of a shared Int32Array: non-zero means cancelled. */
export function sharedFlagSignal(flag: Int32Array): CancelSignal {
  const reason = new CancelledError();
  return {
    get aborted(): boolean {
      return Atomics.load(flag, 0) !== 0;
    },
    get reason(): unknown {
      return Atomics.load(flag, 0) !== 0 ? reason : undefined;
    },
    throwIfAborted(): void {
      if (Atomics.load(flag, 0) !== 0) throw reason;
    },
  };
}

export function isCancelled(error: unknown): boolean {
  return error instanceof CancelledError || (error instanceof Error && error.name === 'AbortError');
}

import { parentPort } from 'node:worker_threads';
import { isCancelled, sharedFlagSignal } from '../engine/cancel';
import { DatasetError } from '../engine/errors';
import { HypothesisError } from '../engine/hypothesis/ast';
import { TrainInputError } from '../engine/train/errors';
import type { HostToWorker, WorkerError, WorkerToHost } from '../protocol';
import { assertNever, isHostToWorker } from '../protocolGuards';
import { defaultTaskRunner } from './defaultPool';
import { runJob } from './jobs';
import { yieldToEditor } from './priority';

/**
 * The long-lived analysis worker: one job at a time per message id, progress as it goes, cancellation through a
 * shared flag (seen even inside synchronous loops), and every failure turned into a message — never an exception
 * that would take the thread down.
 */
const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
// One pool of model-fitting threads for every job of this worker, started with the first job (their start-up overlaps
// its reading of the file).
const runner = defaultTaskRunner() ?? undefined;

function post(message: WorkerToHost): void {
  port!.postMessage(message);
}

port.on('message', (raw: unknown) => {
  if (!isHostToWorker(raw)) {
    // Nothing to answer to without a valid id; the host guards against silence with its own timeout.
    return;
  }
  const message: HostToWorker = raw;
  switch (message.type) {
    case 'start': {
      const { id, job } = message;
      runner?.prestart();
      const flag = new Int32Array(message.cancelFlag);
      const signal = sharedFlagSignal(flag);
      let lastProgress = 0;
      runJob(
        job,
        signal,
        (stage, fraction, text, epoch) => {
          // Stage messages are only shown, so at most ~20 a second; an epoch is data (a point on a live curve), so
          // every one is sent — the host batches them for the panel. Its time lets the panel's lag be measured.
          const now = Date.now();
          if (!epoch && now - lastProgress < 50 && fraction > 0) return;
          lastProgress = now;
          post({ type: 'progress', id, stage, fraction, message: text, ...(epoch ? { epoch, at: now } : {}) });
        },
        runner,
      ).then(
        (result) => post(signal.aborted ? { type: 'cancelled', id } : { type: 'done', id, result }),
        (error: unknown) => {
          // Batches the job handed to the pool and never collected stop now, not after their last task.
          runner?.callOff(signal);
          post(isCancelled(error) || signal.aborted ? { type: 'cancelled', id } : { type: 'failed', id, error: toWorkerError(error) });
        },
      );
      return;
    }
    case 'cancel':
      // The host also sets the shared flag; this message only covers a job that has not started reading it yet.
      return;
    default:
      assertNever(message);
  }
});

function toWorkerError(error: unknown): WorkerError {
  if (error instanceof DatasetError) {
    return {
      kind: 'input',
      message: error.message,
      code: error.code,
      file: error.file,
      ...(error.row !== undefined ? { row: error.row } : {}),
      ...(error.column !== undefined ? { column: error.column } : {}),
    };
  }
  // The user's settings or rule, not a bug: show the message, no stack.
  if (error instanceof TrainInputError || error instanceof HypothesisError) return { kind: 'input', message: error.message, code: error.code };
  if (error instanceof Error) return { kind: 'internal', message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { kind: 'internal', message: String(error) };
}

// Before any job: the pool's threads, started later from this one, inherit the priority.
post({ type: 'ready', priority: yieldToEditor() });

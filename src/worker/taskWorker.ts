/**
 * A thread of the task pool (taskPool.ts): receives a batch (its context and tasks), claims tasks one at a time from
 * a shared counter, and answers each on its MessagePort, bumping a second shared counter so that the pool, blocked in
 * Atomics.wait, wakes up. Every failure is answered too — a silent thread would leave the pool waiting.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { CancelledError, isCancelled, sharedFlagSignal } from '../engine/cancel';
import { runKernel } from '../engine/parallel/kernels';
import type { PoolToThread, ThreadToPool } from './taskProtocol';
import { isPoolToThread } from './taskProtocol';

interface ThreadData {
  readonly port: MessagePort;
  readonly counter: SharedArrayBuffer;
  readonly cancel: SharedArrayBuffer;
}

const data = workerData as ThreadData;
if (!parentPort || !data?.port) throw new Error('taskWorker.ts must run as a task-pool thread');
const port = data.port;
const counter = new Int32Array(data.counter);
const signal = sharedFlagSignal(new Int32Array(data.cancel));
function answer(message: ThreadToPool): void {
  port.postMessage(message);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

/** Claims tasks of the batch one at a time (shared with the other threads and the caller) until none are left. */
port.on('message', (raw: unknown) => {
  if (!isPoolToThread(raw)) return;
  const message: PoolToThread = raw;
  const claim = new Int32Array(message.claim);
  for (;;) {
    const index = Atomics.add(claim, 0, 1);
    if (index >= message.tasks.length) return;
    try {
      const result = runKernel(message.kind, message.context as never, message.tasks[index] as never, signal);
      answer({ type: 'result', batch: message.batch, index, result });
    } catch (error) {
      const cancelled = isCancelled(error) || error instanceof CancelledError;
      answer({ type: 'failed', batch: message.batch, index, cancelled, message: error instanceof Error ? error.message : String(error) });
    }
  }
});

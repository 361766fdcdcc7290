/**
 * A thread of the task pool (taskPool.ts): receives a batch (its context and tasks), claims tasks one at a time from
 * a shared counter, and answers each on its MessagePort, bumping a second shared counter so that the pool, blocked in
 * Atomics.wait, wakes up. Every failure is answered too — a silent thread would leave the pool waiting.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { CancelledError, isCancelled, sharedFlagSignal } from '../engine/cancel';
import type { CancelSignal } from '../engine/cancel';
import { runKernel } from '../engine/parallel/kernels';
import type { PoolToThread, ThreadToPool } from './taskProtocol';
import { isPoolRelease, isPoolToThread, rejectedBatch } from './taskProtocol';
import { releaseKernelMemories } from '../engine/wasmMemory';

interface ThreadData {
  readonly port: MessagePort;
  readonly counter: SharedArrayBuffer;
}

const data = workerData as ThreadData;
if (!parentPort || !data?.port) throw new Error('taskWorker.ts must run as a task-pool thread');
const port = data.port;
const counter = new Int32Array(data.counter);
function answer(message: ThreadToPool): void {
  port.postMessage(message);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

/**
 * Batches this thread has received and not finished, newest last. The newest is served first: it is the one the
 * calling thread is waiting on (an earlier batch handed out with start — the baselines' folds, say — is background
 * work the caller collects later), so between two tasks the thread looks for a newer batch before claiming again.
 */
const batches: { readonly message: PoolToThread; readonly claim: Int32Array; readonly signal: CancelSignal }[] = [];

function receive(raw: unknown): void {
  // Each batch's own cancel flag: the caller raises it when the batch's job is cancelled or a task of it failed.
  if (isPoolToThread(raw)) batches.push({ message: raw, claim: new Int32Array(raw.claim), signal: sharedFlagSignal(new Int32Array(raw.cancel)) });
  // Between two tasks: a task that is running keeps what it holds, and the next one makes what it needs.
  else if (isPoolRelease(raw)) releaseKernelMemories();
  else {
    const refused = rejectedBatch(raw);
    if (refused) {
      answer({ type: 'failed', batch: refused.batch, index: 0, cancelled: false, message: `the thread refused a ${refused.kind} batch whose context or tasks fail its checks (taskProtocol.ts)` });
    }
  }
}

/** Claims tasks one at a time (shared with the other threads and the caller) until no batch has any left. */
port.on('message', (raw: unknown) => {
  receive(raw);
  while (batches.length > 0) {
    for (let newer = receiveMessageOnPort(port); newer; newer = receiveMessageOnPort(port)) receive(newer.message);
    const { message, claim, signal } = batches[batches.length - 1];
    const index = Atomics.add(claim, 0, 1);
    if (index >= message.tasks.length) {
      batches.pop();
      continue;
    }
    try {
      const result = runKernel(message.kind, message.context as never, message.tasks[index] as never, signal);
      answer({ type: 'result', batch: message.batch, index, result });
    } catch (error) {
      const cancelled = isCancelled(error) || error instanceof CancelledError;
      answer({ type: 'failed', batch: message.batch, index, cancelled, message: error instanceof Error ? error.message : String(error) });
    }
  }
});

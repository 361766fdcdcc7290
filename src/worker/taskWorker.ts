/**
 * A thread of the task pool (taskPool.ts): receives a batch's shared context once, then fold tasks, and answers each
 * on its MessagePort, bumping a shared counter so that the pool, blocked in Atomics.wait, wakes up. Every failure is
 * answered too — a silent thread would leave the pool waiting.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { CancelledError, isCancelled, sharedFlagSignal } from '../engine/cancel';
import { runFoldTask } from '../engine/parallel/foldTasks';
import type { FoldContext } from '../engine/parallel/foldTasks';
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
const contexts = new Map<number, FoldContext>();

function answer(message: ThreadToPool): void {
  port.postMessage(message);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

port.on('message', (raw: unknown) => {
  if (!isPoolToThread(raw)) return;
  const message: PoolToThread = raw;
  switch (message.type) {
    case 'context':
      contexts.clear();
      contexts.set(message.batch, message.context);
      return;
    case 'task': {
      const context = contexts.get(message.batch);
      try {
        if (!context) throw new Error(`no context for batch ${message.batch}`);
        const result = runFoldTask(context, message.task, signal);
        answer({ type: 'result', batch: message.batch, index: message.index, result });
      } catch (error) {
        const cancelled = isCancelled(error) || error instanceof CancelledError;
        answer({ type: 'failed', batch: message.batch, index: message.index, cancelled, message: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
  }
});

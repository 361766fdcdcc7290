/** Messages between the task pool and its threads (taskPool.ts, taskWorker.ts), with the guard for incoming ones. */
import type { FoldContext, FoldResult, FoldTask } from '../engine/parallel/foldTasks';

export type PoolToThread = {
  readonly type: 'batch';
  readonly batch: number;
  readonly context: FoldContext;
  readonly tasks: readonly FoldTask[];
  /** One Int32: the next task index to claim (Atomics.add), shared by every thread of the batch and the caller. */
  readonly claim: SharedArrayBuffer;
};

export type ThreadToPool =
  | { readonly type: 'result'; readonly batch: number; readonly index: number; readonly result: FoldResult }
  | { readonly type: 'failed'; readonly batch: number; readonly index: number; readonly cancelled: boolean; readonly message: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function isTask(t: unknown): t is FoldTask {
  return (
    isRecord(t) &&
    (t.model === 'gbdt' || t.model === 'linear') &&
    isCount(t.fold) &&
    Array.isArray(t.exclude) &&
    t.exclude.every(isCount) &&
    (t.permute === undefined || typeof t.permute === 'boolean') &&
    (t.keepModel === undefined || typeof t.keepModel === 'boolean') &&
    (t.reuse === undefined || typeof t.reuse === 'boolean')
  );
}

export function isPoolToThread(v: unknown): v is PoolToThread {
  return (
    isRecord(v) &&
    v.type === 'batch' &&
    isCount(v.batch) &&
    isRecord(v.context) &&
    Array.isArray(v.context.folds) &&
    isRecord(v.context.target) &&
    Array.isArray(v.tasks) &&
    v.tasks.every(isTask) &&
    v.claim instanceof SharedArrayBuffer &&
    v.claim.byteLength >= 4
  );
}

export function isThreadToPool(v: unknown): v is ThreadToPool {
  if (!isRecord(v) || !isCount(v.batch) || !isCount(v.index)) return false;
  if (v.type === 'result') {
    if (!isRecord(v.result) || !(v.result.predictions instanceof Float64Array)) return false;
    const { permuted, model } = v.result;
    const modelOk = model === undefined || model === null || (isRecord(model) && Array.isArray(model.trees) && model.baseline instanceof Float64Array);
    return modelOk && (permuted === null || (Array.isArray(permuted) && permuted.every((a) => a instanceof Float64Array)));
  }
  if (v.type === 'failed') return typeof v.cancelled === 'boolean' && typeof v.message === 'string';
  return false;
}

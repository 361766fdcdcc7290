/** Messages between the task pool and its threads (taskPool.ts, taskWorker.ts), with the guard for incoming ones. */
import type { FoldContext, FoldResult, FoldTask } from '../engine/parallel/foldTasks';

export type PoolToThread =
  | { readonly type: 'context'; readonly batch: number; readonly context: FoldContext }
  | { readonly type: 'task'; readonly batch: number; readonly index: number; readonly task: FoldTask };

export type ThreadToPool =
  | { readonly type: 'result'; readonly batch: number; readonly index: number; readonly result: FoldResult }
  | { readonly type: 'failed'; readonly batch: number; readonly index: number; readonly cancelled: boolean; readonly message: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function isPoolToThread(v: unknown): v is PoolToThread {
  if (!isRecord(v) || !isCount(v.batch)) return false;
  if (v.type === 'context') return isRecord(v.context) && Array.isArray(v.context.folds) && isRecord(v.context.target);
  if (v.type === 'task') {
    const t = v.task;
    return isCount(v.index) && isRecord(t) && (t.model === 'gbdt' || t.model === 'linear') && isCount(t.fold) && Array.isArray(t.exclude) && t.exclude.every(isCount);
  }
  return false;
}

export function isThreadToPool(v: unknown): v is ThreadToPool {
  if (!isRecord(v) || !isCount(v.batch) || !isCount(v.index)) return false;
  if (v.type === 'result') return isRecord(v.result) && v.result.predictions instanceof Float64Array;
  if (v.type === 'failed') return typeof v.cancelled === 'boolean' && typeof v.message === 'string';
  return false;
}

/** Messages between the task pool and its threads (taskPool.ts, taskWorker.ts), with the guards for incoming ones. */
import type { FoldTask } from '../engine/parallel/foldTasks';
import { KERNEL_KINDS } from '../engine/parallel/kernels';
import type { KernelContext, KernelKind, KernelResult, KernelTask } from '../engine/parallel/kernels';

export type PoolToThread = {
  [K in KernelKind]: {
    readonly type: 'batch';
    readonly kind: K;
    readonly batch: number;
    readonly context: KernelContext<K>;
    readonly tasks: readonly KernelTask<K>[];
    /** One Int32: the next task index to claim (Atomics.add), shared by every thread of the batch and the caller. */
    readonly claim: SharedArrayBuffer;
    /** One Int32: 1 once the caller calls the batch off (its job was cancelled, or one of its tasks failed). */
    readonly cancel: SharedArrayBuffer;
  };
}[KernelKind];

/** Drop the thread's kernel memories (TaskRunner.releaseMemory): a stage that used them is over. */
export interface PoolRelease {
  readonly type: 'release';
}

export type ThreadToPool =
  | { readonly type: 'result'; readonly batch: number; readonly index: number; readonly result: KernelResult<KernelKind> }
  | { readonly type: 'failed'; readonly batch: number; readonly index: number; readonly cancelled: boolean; readonly message: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Strictly increasing: distinct row numbers in order. */
function ascending(rows: Uint32Array): boolean {
  for (let k = 1; k < rows.length; k++) if (rows[k] <= rows[k - 1]) return false;
  return true;
}
const isFloatColumn = (v: unknown): boolean => v instanceof Float32Array || v instanceof Float64Array;

function isFoldTask(t: unknown): t is FoldTask {
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

/** Float32 feature columns with the label as class codes and/or a numeric target (the marginal and leak kernels). */
function labelledColumns(c: Record<string, unknown>): boolean {
  return (
    Array.isArray(c.columns) &&
    c.columns.every((x) => x instanceof Float32Array) &&
    (c.labels === null || c.labels instanceof Int32Array) &&
    isCount(c.classes) &&
    (c.target === null || c.target instanceof Float64Array)
  );
}

/** Per kernel: a plausible context, a plausible task (indices in range where the context says the range). */
const BATCH_GUARDS: { readonly [K in KernelKind]: { context(c: Record<string, unknown>): boolean; task(t: unknown, c: Record<string, unknown>): boolean } } = {
  fold: {
    context: (c) => Array.isArray(c.folds) && isRecord(c.target),
    task: (t) => isFoldTask(t),
  },
  csvSegment: {
    context: (c) =>
      typeof c.file === 'string' &&
      c.file !== '' &&
      isCount(c.delimiter) &&
      typeof c.crlf === 'boolean' &&
      isCount(c.fieldCount) &&
      Number.isSafeInteger(c.labelIndex) &&
      (c.labelIndex as number) >= -1 &&
      isCount(c.totalRows) &&
      Array.isArray(c.columns) &&
      c.columns.every((x) => x === null || (x instanceof Float32Array && x.buffer instanceof SharedArrayBuffer && x.length >= (c.totalRows as number))),
    task: (t, c) =>
      isRecord(t) &&
      (t.phase === 'scan' || (t.phase === 'parse' && (c.columns as unknown[]).length === c.fieldCount)) &&
      isCount(t.start) &&
      isCount(t.end) &&
      (t.start as number) <= (t.end as number) &&
      isCount(t.firstLine) &&
      isCount(t.rowOffset),
  },
  parquetChunk: {
    context: (c) =>
      typeof c.file === 'string' &&
      c.file !== '' &&
      Array.isArray(c.columns) &&
      c.columns.every((x) => x === null || (x instanceof Float32Array && x.buffer instanceof SharedArrayBuffer)) &&
      (c.done === undefined || (c.done instanceof Int32Array && c.done.length === 1 && c.done.buffer instanceof SharedArrayBuffer)),
    task: (t, c) =>
      isRecord(t) &&
      isCount(t.column) &&
      (c.columns as unknown[])[t.column] instanceof Float32Array &&
      isRecord(t.element) &&
      typeof t.element.name === 'string' &&
      typeof t.codec === 'string' &&
      isCount(t.start) &&
      isCount(t.end) &&
      (t.start as number) <= (t.end as number) &&
      isCount(t.rowStart) &&
      isCount(t.rows) &&
      (t.rowStart as number) + (t.rows as number) <= ((c.columns as Float32Array[])[t.column as number]).length,
  },
  coMomentRow: {
    context: (c) =>
      Array.isArray(c.columns) &&
      c.columns.every(isFloatColumn) &&
      c.shift instanceof Float64Array &&
      c.shift.length === c.columns.length &&
      isCount(c.length) &&
      c.columns.every((x) => (x as Float32Array).length >= (c.length as number)),
    task: (t, c) => isRecord(t) && isCount(t.a) && t.a < (c.columns as unknown[]).length,
  },
  binFeature: {
    context: (c) =>
      Array.isArray(c.features) &&
      isCount(c.rows) &&
      // Every row's values; the matrix holds them all (rows), or only the listed ones (mapRows: rows of them, ascending).
      (c.mapRows === null || (c.mapRows instanceof Uint32Array && c.mapRows.length === c.rows && ascending(c.mapRows))) &&
      c.features.every(
        (f) =>
          isRecord(f) &&
          (f.kind === 'numeric' || f.kind === 'categorical') &&
          f.values instanceof Float32Array &&
          (c.mapRows === null ? f.values.length === c.rows : c.rows === 0 || (c.mapRows as Uint32Array)[(c.rows as number) - 1] < f.values.length),
      ) &&
      c.train instanceof Uint32Array &&
      isCount(c.maxBins) &&
      c.bins instanceof Uint8Array &&
      c.bins.buffer instanceof SharedArrayBuffer &&
      c.bins.length === (c.features as unknown[]).length * (c.rows as number),
    task: (t, c) => isRecord(t) && isCount(t.feature) && t.feature < (c.features as unknown[]).length,
  },
  profile: {
    context: (c) =>
      Array.isArray(c.columns) &&
      c.columns.every((x) => x instanceof Float32Array) &&
      (c.twoClassCodes === null || (c.twoClassCodes instanceof Int32Array && c.columns.every((x) => (x as Float32Array).length === (c.twoClassCodes as Int32Array).length))),
    task: (t, c) => isRecord(t) && isCount(t.index) && t.index < (c.columns as unknown[]).length && typeof t.name === 'string' && typeof t.type === 'string',
  },
  correlationRow: {
    context: (c) =>
      Array.isArray(c.columns) &&
      c.columns.every(isFloatColumn) &&
      Array.isArray(c.means) &&
      Array.isArray(c.anyMissing) &&
      Array.isArray(c.constant) &&
      c.means.length === c.columns.length &&
      c.anyMissing.length === c.columns.length &&
      c.constant.length === c.columns.length,
    task: (t, c) => isRecord(t) && isCount(t.row) && t.row < (c.columns as unknown[]).length,
  },
  crossSums: {
    context: (c) =>
      Array.isArray(c.columns) &&
      c.columns.every(isFloatColumn) &&
      c.columns.every((x) => (x as Float32Array).length === (c.columns as Float32Array[])[0].length) &&
      c.means instanceof Float64Array &&
      c.means.length === c.columns.length,
    task: (t, c) =>
      isRecord(t) &&
      isCount(t.start) &&
      isCount(t.end) &&
      t.start < t.end &&
      t.end <= ((c.columns as Float32Array[])[0]?.length ?? 0),
  },
  marginal: {
    context: (c) => labelledColumns(c) && (c.labels !== null || c.target !== null),
    task: (t, c) => isRecord(t) && isCount(t.feature) && t.feature < (c.columns as unknown[]).length,
  },
  leakScore: {
    context: (c) =>
      labelledColumns(c) &&
      (c.screen === null || (isRecord(c.screen) && c.screen.rows instanceof Int32Array && c.screen.labels instanceof Int32Array && c.screen.rows.length === c.screen.labels.length)) &&
      typeof c.threshold === 'number',
    task: (t, c) =>
      isRecord(t) && isCount(t.feature) && t.feature < (c.columns as unknown[]).length && isCount(t.count) && typeof t.bins === 'boolean' && typeof t.rank === 'boolean',
  },
  binarise: {
    context: (c) => {
      const n = Array.isArray(c.columns) && c.columns[0] instanceof Float32Array ? c.columns[0].length : -1;
      const shared = (x: unknown, type: typeof Uint8Array | typeof Float32Array): boolean => x instanceof type && x.buffer instanceof SharedArrayBuffer && x.length === n;
      return (
        n >= 0 &&
        (c.columns as unknown[]).every((x) => x instanceof Float32Array && x.length === n) &&
        Array.isArray(c.thresholds) &&
        c.thresholds.every((t) => typeof t === 'number') &&
        c.train instanceof Uint32Array &&
        Array.isArray(c.bits) &&
        c.bits.every((x) => shared(x, Uint8Array)) &&
        c.train instanceof Uint32Array &&
        Array.isArray(c.trainBits) &&
        c.trainBits.length === c.bits.length &&
        c.trainBits.every((x) => x instanceof Uint8Array && x.buffer instanceof SharedArrayBuffer && x.length === (c.train as Uint32Array).length)
      );
    },
    task: (t, c) => isRecord(t) && isCount(t.feature) && t.feature < (c.columns as unknown[]).length && t.feature < (c.bits as unknown[]).length,
  },
  screenPairs: {
    context: (c) =>
      Array.isArray(c.bits) &&
      c.bits.every((x) => x instanceof Uint8Array && x.length === (c.bits as Uint8Array[])[0].length) &&
      (c.packed === undefined ||
        (Array.isArray(c.packed) &&
          c.labelWords instanceof Uint32Array &&
          c.packed.every((x) => x instanceof Uint32Array && x.length === (c.labelWords as Uint32Array).length))) &&
      Array.isArray(c.resids) &&
      (c.resids.length > 0 || c.packed !== undefined) &&
      c.resids.every((x) => x instanceof Float64Array),
    task: (t, c) => isRecord(t) && isCount(t.a) && t.a < Math.max((c.bits as unknown[]).length, Array.isArray(c.packed) ? c.packed.length : 0),
  },
  termColumns: {
    context: (c) =>
      Array.isArray(c.terms) &&
      c.terms.every((t) => Array.isArray(t) && t.every(isCount)) &&
      Array.isArray(c.gathered) &&
      c.gathered.every((x) => x === null || x instanceof Float32Array) &&
      Array.isArray(c.stored) &&
      c.stored.length === c.terms.length &&
      c.stored.every((x) => x === null || (x instanceof Float32Array && x.buffer instanceof SharedArrayBuffer)),
    task: (t, c) => isRecord(t) && isCount(t.term) && t.term < (c.terms as unknown[]).length && (c.stored as unknown[])[t.term] !== null,
  },
  termDots: {
    context: (c) =>
      Array.isArray(c.terms) &&
      c.terms.every((t) => Array.isArray(t) && t.every(isCount)) &&
      Array.isArray(c.stored) &&
      c.stored.length === c.terms.length &&
      c.stored.every((x) => x === null || x instanceof Float32Array) &&
      Array.isArray(c.gathered) &&
      c.gathered.every((x) => x === null || x instanceof Float32Array) &&
      c.residual instanceof Float64Array &&
      isCount(c.key) &&
      isCount(c.pass),
    task: (t, c) => isRecord(t) && isCount(t.from) && isCount(t.to) && t.from <= t.to && t.to <= (c.terms as unknown[]).length,
  },
  rowHash: {
    context: (c) =>
      Array.isArray(c.columns) &&
      c.out instanceof Float64Array &&
      c.out.buffer instanceof SharedArrayBuffer &&
      c.columns.every((x) => x instanceof Float32Array && x.buffer instanceof SharedArrayBuffer && x.length === (c.out as Float64Array).length),
    task: (t, c) => isRecord(t) && isCount(t.from) && isCount(t.to) && t.from <= t.to && t.to <= (c.out as Float64Array).length,
  },
  columnPass: {
    context: (c) =>
      Array.isArray(c.columns) &&
      c.columns.every(isFloatColumn) &&
      (c.known === undefined || (Array.isArray(c.known) && c.known.length <= c.columns.length && c.known.every((k) => k === null || (isRecord(k) && typeof k.complete === 'boolean' && typeof k.constant === 'boolean')))),
    task: (t, c) => isRecord(t) && isCount(t.column) && t.column < (c.columns as unknown[]).length,
  },
  numberProfile: {
    context: (c) => Array.isArray(c.columns) && c.columns.every((x) => x instanceof Float32Array && x.buffer instanceof SharedArrayBuffer),
    task: (t, c) => isRecord(t) && isCount(t.column) && t.column < (c.columns as unknown[]).length,
  },
  l1Pass: {
    context: (c) => {
      const onShared = (x: unknown): x is Float64Array => x instanceof Float64Array && x.buffer instanceof SharedArrayBuffer;
      if (!onShared(c.eta) || typeof c.step !== 'number' || !Number.isFinite(c.step)) return false;
      const u = c.eta.length;
      return [c.p, c.weight, c.positives].every((x) => onShared(x) && x.length === u) && (c.x === null || (onShared(c.x) && c.x.length === u));
    },
    task: (t, c) =>
      isRecord(t) &&
      (t.op === 'g' || t.op === 'h' || t.op === 'update' || t.op === 'refresh') &&
      isCount(t.from) &&
      isCount(t.to) &&
      t.from <= t.to &&
      t.to <= (c.eta as Float64Array).length,
  },
  oracle: {
    context: (c) =>
      Array.isArray(c.columns) &&
      c.columns.every((x) => x instanceof Float32Array) &&
      Array.isArray(c.names) &&
      c.names.length === c.columns.length &&
      c.labels instanceof Int32Array &&
      c.train instanceof Uint32Array &&
      c.test instanceof Uint32Array,
    task: (t, c) => isRecord(t) && Array.isArray(t.relevant) && t.relevant.length > 0 && t.relevant.every((j) => isCount(j) && j < (c.columns as unknown[]).length),
  },
};

export function isPoolRelease(v: unknown): v is PoolRelease {
  return isRecord(v) && v.type === 'release' && Object.keys(v).length === 1;
}

/**
 * The number and kind of a batch message that fails isPoolToThread (null for anything else). The thread answers it
 * with a failure: a caller still running the batch's tasks stops with the reason, where a dropped batch left every
 * task to the calling thread unnoticed (binFeature's check once refused every sampled plan's binning that way). A
 * caller that has run every task itself by then has its results, and the late answer is dropped.
 */
export function rejectedBatch(v: unknown): { readonly batch: number; readonly kind: string } | null {
  if (!isRecord(v) || v.type !== 'batch' || !isCount(v.batch) || isPoolToThread(v)) return null;
  return { batch: v.batch, kind: typeof v.kind === 'string' ? v.kind.slice(0, 40) : 'unnamed' };
}

export function isPoolToThread(v: unknown): v is PoolToThread {
  if (!isRecord(v) || v.type !== 'batch' || !isCount(v.batch) || !(v.claim instanceof SharedArrayBuffer) || v.claim.byteLength < 4) return false;
  if (!(v.cancel instanceof SharedArrayBuffer) || v.cancel.byteLength < 4) return false;
  const kind = v.kind as KernelKind;
  if (!KERNEL_KINDS.includes(kind) || !isRecord(v.context) || !Array.isArray(v.tasks)) return false;
  const guard = BATCH_GUARDS[kind];
  const context = v.context;
  return guard.context(context) && v.tasks.every((t) => guard.task(t, context));
}

/** Per kernel: a plausible result. */
const RESULT_GUARDS: { readonly [K in KernelKind]: (r: unknown) => boolean } = {
  fold: (r) => {
    if (!isRecord(r) || !(r.predictions instanceof Float64Array)) return false;
    const { permuted, model } = r;
    const modelOk = model === undefined || model === null || (isRecord(model) && Array.isArray(model.trees) && model.baseline instanceof Float64Array);
    return modelOk && (permuted === null || (Array.isArray(permuted) && permuted.every((a) => a instanceof Float64Array)));
  },
  csvSegment: (r) => isRecord(r) && isCount(r.rows) && (typeof r.sequential === 'boolean' || (typeof r.halted === 'boolean' && Array.isArray(r.empty) && Array.isArray(r.texts))),
  parquetChunk: (r) => isRecord(r) && isCount(r.empty) && isCount(r.nonFinite) && isCount(r.firstMissingRow) && (r.problem === null || typeof r.problem === 'string'),
  coMomentRow: (r) => r instanceof Float64Array,
  binFeature: (r) => isRecord(r) && isCount(r.count) && typeof r.categorical === 'boolean' && r.edges instanceof Float64Array,
  profile: (r) =>
    isRecord(r) &&
    isRecord(r.profile) &&
    isCount(r.profile.index) &&
    typeof r.profile.name === 'string' &&
    isRecord(r.profile.stats) &&
    isRecord(r.profile.histogram) &&
    (r.ranks === null || (isRecord(r.ranks) && r.ranks.rankSums instanceof Float64Array && r.ranks.sizes instanceof Float64Array && isCount(r.ranks.n) && typeof r.ranks.tieSum === 'number')),
  correlationRow: (r) => r instanceof Float64Array,
  crossSums: (r) => r instanceof Float64Array,
  marginal: (r) => r === null || (isRecord(r) && typeof r.test === 'string' && typeof r.p === 'number'),
  leakScore: (r) => r === null || (isRecord(r) && (r.kind === 'rank' || r.kind === 'bins') && typeof r.rows === 'number'),
  binarise: (r) => r instanceof Float64Array && r.length === 2,
  screenPairs: (r) => r instanceof Float64Array,
  termColumns: (r) => isCount(r),
  termDots: (r) => r instanceof Float64Array,
  rowHash: (r) => isCount(r),
  columnPass: (r) => isRecord(r) && typeof r.mean === 'number' && typeof r.anyMissing === 'boolean' && typeof r.constant === 'boolean' && typeof r.squares === 'number',
  numberProfile: (r) =>
    isRecord(r) && isCount(r.finite) && typeof r.integer === 'boolean' && Array.isArray(r.distinct) && r.distinct.every((v) => typeof v === 'number') && typeof r.many === 'boolean' && typeof r.rowNumber === 'boolean',
  l1Pass: (r) => typeof r === 'number',
  oracle: (r) => isRecord(r) && Array.isArray(r.features) && typeof r.coefficient === 'number' && typeof r.testAccuracy === 'number' && Array.isArray(r.testCi95),
};

/** An answer of a thread to a batch of `kind`. */
export function isThreadToPool(v: unknown, kind: KernelKind): v is ThreadToPool {
  if (!isRecord(v) || !isCount(v.batch) || !isCount(v.index)) return false;
  if (v.type === 'result') return RESULT_GUARDS[kind](v.result);
  if (v.type === 'failed') return typeof v.cancelled === 'boolean' && typeof v.message === 'string';
  return false;
}

import type { HostToWorker, Job, WorkerError, WorkerToHost } from './protocol';

/**
 * Guards for every message that crosses a boundary. Workers and webviews are untrusted: a malformed message is
 * rejected whole, never half-read.
 */
type Rec = Record<string, unknown>;

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function optional(v: unknown, check: (x: unknown) => boolean): boolean {
  return v === undefined || check(v);
}

const isString = (v: unknown): boolean => typeof v === 'string';
const isFiniteNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isLabel = (v: unknown): boolean => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v) && v >= 0);

export function isJob(v: unknown): v is Job {
  if (!isRecord(v) || typeof v.path !== 'string' || v.path === '') return false;
  switch (v.kind) {
    case 'analyse':
      return (
        optional(v.label, isLabel) &&
        optional(v.detectLabel, (x) => typeof x === 'boolean') &&
        optional(v.seed, (x) => Number.isSafeInteger(x)) &&
        optional(v.sparsity, (x) => typeof x === 'boolean') &&
        optional(v.budgetBytes, (x) => isFiniteNumber(x) && (x as number) > 0)
      );
    case 'hypothesis':
      return Array.isArray(v.rules) && v.rules.every(isString) && optional(v.label, isLabel) && optional(v.seed, (x) => Number.isSafeInteger(x));
    default:
      return false;
  }
}

export function isHostToWorker(v: unknown): v is HostToWorker {
  if (!isRecord(v) || !isId(v.id)) return false;
  switch (v.type) {
    case 'start':
      return isJob(v.job) && v.cancelFlag instanceof SharedArrayBuffer && v.cancelFlag.byteLength >= 4;
    case 'cancel':
      return true;
    default:
      return false;
  }
}

function isWorkerError(v: unknown): v is WorkerError {
  return (
    isRecord(v) &&
    (v.kind === 'input' || v.kind === 'internal') &&
    typeof v.message === 'string' &&
    optional(v.code, isString) &&
    optional(v.file, isString) &&
    optional(v.row, isFiniteNumber) &&
    optional(v.column, (x) => isString(x) || isFiniteNumber(x)) &&
    optional(v.stack, isString)
  );
}

export function isWorkerToHost(v: unknown): v is WorkerToHost {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'progress':
      return isId(v.id) && typeof v.stage === 'string' && isFiniteNumber(v.fraction) && typeof v.message === 'string';
    case 'done':
      return isId(v.id) && isRecord(v.result) && (v.result.kind === 'analyse' ? isRecord(v.result.report) : v.result.kind === 'hypothesis' && Array.isArray(v.result.outcomes));
    case 'failed':
      return isId(v.id) && isWorkerError(v.error);
    case 'cancelled':
      return isId(v.id);
    default:
      return false;
  }
}

/** Exhaustiveness check for switches over message unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(value)}`);
}

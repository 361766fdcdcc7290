/**
 * The one message protocol of Kryptonite: host ⇄ worker and host ⇄ webview. Types only; every message that crosses
 * a boundary is checked by the guards in protocolGuards.ts before anything reads it.
 */
import type { HypothesisEvaluation } from './engine/hypothesis/evaluate';
import type { Report } from './engine/report';

// ─── Host ⇄ worker ────────────────────────────────────────────────────────────────────────────────────────────────

/** Describe a dataset file: the whole `kryptonite analyse` job. */
export interface AnalyseJob {
  readonly kind: 'analyse';
  readonly path: string;
  /** Label column name or 0-based index; absent = auto-detect. */
  readonly label?: string | number;
  readonly detectLabel?: boolean;
  readonly seed?: number;
  readonly sparsity?: boolean;
  readonly budgetBytes?: number;
}

/** Evaluate hypothesis rules against a dataset (one result per rule, in order). */
export interface HypothesisJob {
  readonly kind: 'hypothesis';
  readonly path: string;
  readonly rules: readonly string[];
  readonly label?: string | number;
  readonly seed?: number;
}

export type Job = AnalyseJob | HypothesisJob;
export type JobKind = Job['kind'];

export type HostToWorker =
  /** `cancelFlag` is a SharedArrayBuffer of one Int32: the host sets it to 1 to cancel, even mid-computation. */
  | { readonly type: 'start'; readonly id: number; readonly job: Job; readonly cancelFlag: SharedArrayBuffer }
  | { readonly type: 'cancel'; readonly id: number };

export interface ProgressMessage {
  readonly type: 'progress';
  readonly id: number;
  readonly stage: string;
  /** 0..1 within the stage. */
  readonly fraction: number;
  readonly message: string;
}

export type HypothesisOutcome =
  | { readonly ok: true; readonly evaluation: HypothesisEvaluation }
  | { readonly ok: false; readonly error: { readonly message: string; readonly column: number; readonly length: number; readonly code: string } };

export type JobResult =
  | { readonly kind: 'analyse'; readonly report: Report }
  | { readonly kind: 'hypothesis'; readonly outcomes: HypothesisOutcome[] };

/** What went wrong, as data (errors do not survive structured cloning with their class). */
export interface WorkerError {
  /** `input`: the user's data or arguments (show the message); `internal`: a bug (show message, log stack). */
  readonly kind: 'input' | 'internal';
  readonly message: string;
  readonly code?: string;
  readonly file?: string;
  readonly row?: number;
  readonly column?: string | number;
  readonly stack?: string;
}

export type WorkerToHost =
  | { readonly type: 'ready' }
  | ProgressMessage
  | { readonly type: 'done'; readonly id: number; readonly result: JobResult }
  | { readonly type: 'failed'; readonly id: number; readonly error: WorkerError }
  | { readonly type: 'cancelled'; readonly id: number };

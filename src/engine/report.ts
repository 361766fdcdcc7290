import type { ColumnInfo, DatasetFormat, LabelTask } from './dataset';
import type { DatasetWarning } from './errors';
import type { EnergyReport } from './energy/energy';
import type { Alert } from './alerts/types';
import type { HypothesisResult, OracleModel, RejectedConjecture } from './hypothesis/conjecture';
import type { Baseline } from './models/types';
import type { Relevance, RelevanceEvidence, RelevanceSummary } from './relevance/types';
import type { AnalysisStatus } from './status';
import type { SparsityReport } from './sparsity/types';
import type { TrainingReport } from './train/types';
import type { CorrelationMatrix } from './stats/correlation';
import type { PcaResult } from './stats/pca';
import type { FeatureProfile } from './stats/profile';

/**
 * The one report type: what the CLI prints and writes, what the worker returns and what the webview renders.
 *
 * This module is a sink: it only declares the assembled shape and is imported by no analysis. Each analysis returns
 * its own section (stats/profile, relevance/, models/, alerts/, sparsity/, hypothesis/), and tasks/analyseFile.ts
 * assembles them. Readers must ignore sections they do not know; the schema string changes when an existing field
 * changes meaning (report/2: relevance gained `redundant` and its evidence became tests with error rates).
 */
export const REPORT_SCHEMA = 'kryptonite.report/2';

export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  readonly generator: { readonly name: 'kryptonite'; readonly version: string };
  readonly dataset: DatasetInfo;
  readonly features: FeatureReport[];
  /** Features with a numeric meaning and (for a two-class label) the label as a 0/1 column, last. */
  readonly correlation: CorrelationReport;
  readonly pca: PcaResult | null;
  /** How learnable the label is: base rate, a regularised linear model, gradient-boosted trees; absent without a label. */
  readonly baselines?: Baseline[];
  /** What the baselines say together (additive structure, interactions, nothing to learn), in one or two sentences. */
  readonly baselineReading?: string;
  /** Relevance over all features: the method, its error rate, the counts and the shape cross-check. */
  readonly relevance?: RelevanceSummary;
  /** L1 coefficient sparsity over interaction terms; absent when skipped by the caller. */
  readonly sparsity?: SparsityReport;
  /**
   * Rules in the hypothesis language that hold: the XOR conjecture when it beats the L1 model or lies within its
   * interval. `accuracy` is over all labelled rows (as the published figures are), `testAccuracy` over the test split.
   */
  readonly hypotheses?: HypothesisResult[];
  /** What was tested and not claimed, and the single-product logistic regression ("feature-selection oracle"). */
  readonly conjectures?: { readonly rejected: RejectedConjecture[]; readonly oracle: OracleModel | null };
  /** Models trained on the data (`kryptonite train`): config, backend, history, test metrics, repeated runs. */
  readonly training?: TrainingReport;
  /** Data-quality findings, each with a stable code and its evidence. */
  readonly alerts: Alert[];
  /** Every analysis with whether it ran, and why not when it did not. */
  readonly analyses: AnalysisStatus[];
  readonly warnings: DatasetWarning[];
  /** The seed of every random choice, and how many threads ran the heavy passes (the report is the same for any count). */
  readonly settings: { readonly seed: number; readonly threads?: number };
  readonly timings: Timings;
  /**
   * Energy and carbon of the analysis (reading included): RAPL package counters when readable, else process CPU time ×
   * watts per core, with the method and its inputs. Like timings, a measurement: absent from reports made in memory.
   */
  readonly energy?: EnergyReport;
  /**
   * Present when the file was bigger than the memory budget and was streamed: what was computed exactly over every
   * row, what from the seeded sample (with the error bound where one applies).
   */
  readonly scale?: ScaleReport;
}

export interface ScaleReport {
  readonly mode: 'streamed';
  /** The memory budget that called for streaming, MiB, and the estimate of what an in-memory analysis would need. */
  readonly memoryBudgetMB: number;
  readonly inMemoryEstimateMB: number;
  /**
   * The estimated peak of this streamed analysis (the process and its threads, the pass's buffers, the sample's
   * analysis), MiB; above the budget when even streaming cannot keep it (a warning then says so).
   */
  readonly streamedEstimateMB: number;
  /** Data rows read (every one), in chunks of chunkRows. */
  readonly rows: number;
  readonly chunks: number;
  readonly chunkRows: number;
  /** The seeded uniform sample the row-level analyses ran on. */
  readonly sample: { readonly rows: number; readonly rate: number; readonly seed: number };
  /** Computed over every row of the file (mergeable partial statistics per chunk). */
  readonly exact: readonly string[];
  /**
   * From the sample, with a bound: any quantile of a numeric feature is within `rankError` in rank (probability)
   * of the true one, with probability `confidence` for every feature at once (Dvoretzky–Kiefer–Wolfowitz, Massart's
   * constant, Bonferroni over the features).
   */
  readonly sketched: { readonly what: readonly string[]; readonly rankError: number; readonly confidence: number };
  /** From the sample alone (their own intervals and tests account for its size). */
  readonly sampled: readonly string[];
}

export interface DatasetInfo {
  readonly path: string;
  readonly files: string[];
  readonly format: DatasetFormat;
  readonly bytes: number;
  readonly parser: string;
  /** A .csv.gz / .csv.zst: how it was decompressed (the text is then read as any CSV). */
  readonly compression?: 'gzip' | 'zstd';
  readonly delimiter: string | null;
  readonly hasHeader: boolean | null;
  readonly rows: number;
  readonly featureCount: number;
  /** Every source column with its type and role: a feature, the label, or excluded with the reason. */
  readonly columns: ColumnInfo[];
  readonly excludedColumns: { readonly index: number; readonly name: string; readonly reason: string }[];
  readonly label: LabelInfo | null;
}

export interface LabelInfo {
  readonly name: string;
  readonly kind: 'integer' | 'string' | 'number';
  readonly task: LabelTask;
  readonly taskEvidence: string;
  readonly taskOverridden: boolean;
  /** Each class with its original value and row count; `index` is the class code used elsewhere. Empty for regression. */
  readonly classes: { readonly index: number; readonly value: string; readonly count: number }[];
  readonly missing: number;
  /** Regression: the target's distribution. */
  readonly target: { readonly count: number; readonly mean: number; readonly sd: number; readonly min: number; readonly max: number; readonly distinct: number } | null;
}

export interface FeatureReport extends FeatureProfile {
  /** Present once a label was analysed. */
  readonly relevance?: Relevance;
  readonly relevanceEvidence?: RelevanceEvidence;
}

export interface CorrelationReport extends CorrelationMatrix {
  /** Name of the label row/column in the matrix, or null when the label is absent or not a two-class or numeric one. */
  readonly label: string | null;
  /** Why the label is not in the matrix, when it is not. */
  readonly labelNote: string | null;
  /** Features left out of the matrix because their values have no order (text levels), in one line; null if none. */
  readonly excludedNote: string | null;
}

export interface Timings {
  readonly loadMs: number;
  readonly statsMs: number;
  readonly correlationMs: number;
  readonly pcaMs: number;
  /** From the start of the baselines' fits to their end: with a thread pool this overlaps the sparsity stage. */
  readonly baselinesMs?: number;
  readonly relevanceMs?: number;
  readonly sparsityMs?: number;
  readonly totalMs: number;
}

/** NaN and ±Infinity cannot cross JSON; the report carries null for them instead. */
export function reportToJson(report: Report, indent = 2): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), indent);
}

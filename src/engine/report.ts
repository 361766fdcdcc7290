import type { DatasetFormat } from './dataset';
import type { DatasetWarning } from './errors';
import type { HypothesisResult, OracleModel, RejectedConjecture } from './hypothesis/conjecture';
import type { Relevance, RelevanceEvidence, ShapeRelevanceCheck } from './relevance';
import type { SparsityReport } from './sparsity/sparsity';
import type { TrainingReport } from './train/types';
import type { CorrelationMatrix } from './stats/correlation';
import type { PcaResult } from './stats/pca';
import type {
  Histogram,
  ModeStructure,
  ShapeClass,
  ShapeEvidence,
  Summary,
  ValueCounts,
} from './stats/types';

/**
 * The one report type: what the CLI prints and writes, what the worker returns and what the webview renders. Later
 * analyses add optional top-level sections (`sparsity`, `hypotheses`, `training`); readers must ignore sections they
 * do not know, and the schema string changes only when an existing field changes meaning.
 */
export const REPORT_SCHEMA = 'kryptonite.report/1';

export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  readonly generator: { readonly name: 'kryptonite'; readonly version: string };
  readonly dataset: DatasetInfo;
  readonly features: FeatureReport[];
  /** Features and (for a two-class label) the label as a 0/1 column, last. */
  readonly correlation: CorrelationReport;
  readonly pca: PcaResult | null;
  /** L1 coefficient sparsity over interaction terms; absent when skipped by the caller. */
  readonly sparsity?: SparsityReport;
  /** The shape ↔ relevance cross-check; present with `sparsity`. */
  readonly relevance?: { readonly crossCheck: ShapeRelevanceCheck; readonly zCritical: number | null };
  /**
   * Rules in the hypothesis language that hold: the XOR conjecture when it beats the L1 model or lies within its
   * interval. `accuracy` is over all labelled rows (as the published figures are), `testAccuracy` over the test split.
   */
  readonly hypotheses?: HypothesisResult[];
  /** What was tested and not claimed, and the single-product logistic regression ("feature-selection oracle"). */
  readonly conjectures?: { readonly rejected: RejectedConjecture[]; readonly oracle: OracleModel | null };
  /** Models trained on the data (`kryptonite train`): config, backend, history, test metrics, repeated runs. */
  readonly training?: TrainingReport;
  readonly warnings: DatasetWarning[];
  readonly settings: { readonly seed: number };
  readonly timings: Timings;
}

export interface DatasetInfo {
  readonly path: string;
  readonly files: string[];
  readonly format: DatasetFormat;
  readonly bytes: number;
  readonly parser: string;
  readonly delimiter: string | null;
  readonly hasHeader: boolean | null;
  readonly rows: number;
  readonly featureCount: number;
  readonly excludedColumns: { readonly index: number; readonly name: string; readonly reason: string }[];
  readonly label: LabelInfo | null;
}

export interface LabelInfo {
  readonly name: string;
  readonly kind: 'integer' | 'string';
  /** Each class with its original value and row count; `index` is the class code used elsewhere in the report. */
  readonly classes: { readonly index: number; readonly value: string; readonly count: number }[];
  readonly missing: number;
}

export interface FeatureReport {
  /** 0-based position among the features (the label is not a feature). */
  readonly index: number;
  readonly name: string;
  readonly stats: Summary;
  readonly histogram: Histogram;
  /** Exact value counts for discrete features, else null. */
  readonly values: ValueCounts | null;
  readonly modes: ModeStructure;
  readonly shape: ShapeClass;
  /** 0..1. */
  readonly shapeConfidence: number;
  readonly shapeEvidence: ShapeEvidence;
  /** Present once the sparsity analysis ran. */
  readonly relevance?: Relevance;
  readonly relevanceEvidence?: RelevanceEvidence;
}

export interface CorrelationReport extends CorrelationMatrix {
  /** Name of the label row/column in the matrix, or null when the label is absent or has more than two classes. */
  readonly label: string | null;
  /** Why the label is not in the matrix, when it is not. */
  readonly labelNote: string | null;
}

export interface Timings {
  readonly loadMs: number;
  readonly statsMs: number;
  readonly correlationMs: number;
  readonly pcaMs: number;
  readonly sparsityMs?: number;
  readonly totalMs: number;
}

/** NaN and ±Infinity cannot cross JSON; the report carries null for them instead. */
export function reportToJson(report: Report, indent = 2): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), indent);
}

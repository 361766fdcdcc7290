/**
 * The one message protocol of Kryptonite: host ⇄ worker and host ⇄ webview. Types only; every message that crosses
 * a boundary is checked by the guards in protocolGuards.ts before anything reads it.
 */
import type { RankedHypothesis } from './engine/charts/hypotheses';
import type { LiveEpochs } from './engine/charts/liveEpochs';
import type { CurveScore } from './engine/charts/training';
import type { ColumnType, LabelTask } from './engine/dataset';
import type { CompareReport } from './engine/compare/compare';
import type { Report } from './engine/report';
import type { RuleOutcome } from './engine/tasks/evaluateRules';
import type { PlanRequest, TrainPlan } from './engine/tasks/planTraining';
export type { TrainPlan } from './engine/tasks/planTraining';
import type { PredictRequest } from './engine/tasks/predictFile';
import type { TrainColumns, TrainRequest } from './engine/tasks/trainFile';
import type { DriftReport } from './engine/train/drift';
import type { EpochProgress, TrainingReport } from './engine/train/types';

// ─── Host ⇄ worker ────────────────────────────────────────────────────────────────────────────────────────────────

/** Describe a dataset file: the whole `kryptonite analyse` job (options as the engine's analyse task takes them). */
export interface AnalyseJob {
  readonly kind: 'analyse';
  readonly path: string;
  /** Label column name or 0-based index; absent = auto-detect. */
  readonly label?: string | number;
  readonly detectLabel?: boolean;
  /** Column types set by the user, by column name. */
  readonly columnTypes?: Readonly<Record<string, ColumnType>>;
  /** The label's task set by the user. */
  readonly task?: LabelTask;
  readonly seed?: number;
  readonly sparsity?: boolean;
  readonly budgetBytes?: number;
  /** Analyse a seeded sample of at most this many rows (absent or 0: all rows). */
  readonly sampleRows?: number;
  /** Features the user excluded (the quick fix's .kryptonite/settings.json): listed as excluded by the user. */
  readonly exclude?: readonly string[];
  /** Grid carbon intensity for the report's energy section, gCO2eq/kWh (the kryptonite.carbonIntensity setting). */
  readonly carbonIntensity?: number;
  /** Memory budget, MiB (the kryptonite.memoryBudgetMB setting): a CSV needing more is streamed. */
  readonly memoryBudgetMB?: number;
}

/** Evaluate hypothesis rules against a dataset (one result per rule, in order). */
export interface HypothesisJob {
  readonly kind: 'hypothesis';
  readonly path: string;
  readonly rules: readonly string[];
  readonly label?: string | number;
  readonly seed?: number;
}

/**
 * Train models on a file the worker reads (`path`), or on columns the host sends (`data`: the column buffers are
 * transferred, not copied, and are unusable on the host afterwards). The request is the engine's train task's.
 */
export interface TrainJob extends TrainRequest {
  readonly kind: 'train';
}

export type TrainData = TrainColumns;

/**
 * Apply a saved model to a dataset file; labels go to `out` (.npy int64 or .csv) when given. A table that does not fit
 * the model fails as an input error with code `missingFeatures` or `extraFeatures` (the latter unless `ignoreExtra`).
 */
export interface PredictJob extends PredictRequest {
  readonly kind: 'predict';
}

/** What a training of this file would be, asked before anything trains (the engine's plan use case). */
export interface TrainPlanJob extends PlanRequest {
  readonly kind: 'trainPlan';
}

/** Compare two dataset files (`path` is A): the engine's compare use case. */
export interface CompareJob {
  readonly kind: 'compare';
  readonly path: string;
  readonly pathB: string;
  readonly seed?: number;
  /** Run the classifier two-sample test (default true). */
  readonly classifier?: boolean;
}

export type Job = AnalyseJob | HypothesisJob | TrainJob | PredictJob | TrainPlanJob | CompareJob;
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
  /** Training jobs: the epoch just finished (losses, accuracies, elapsed time). */
  readonly epoch?: EpochProgress;
  /** With an epoch: when the worker sent it (wall clock, ms since 1970), so the panel's lag behind it can be measured. */
  readonly at?: number;
}

export type HypothesisOutcome = RuleOutcome;

export type JobResult =
  | { readonly kind: 'analyse'; readonly report: Report }
  | { readonly kind: 'hypothesis'; readonly outcomes: HypothesisOutcome[] }
  | { readonly kind: 'train'; readonly training: TrainingReport; readonly saved?: string }
  | {
      readonly kind: 'predict';
      readonly rows: number;
      /** What the model predicts: classes, or a number (regression: `values` summarises the predictions). */
      readonly task: 'binary' | 'multiclass' | 'regression';
      readonly classes: string[];
      readonly counts: number[];
      readonly values?: { readonly count: number; readonly mean: number; readonly min: number; readonly max: number };
      /** Categorical levels the model never saw in training, per feature (read as no known level). */
      readonly unseen: readonly { readonly feature: string; readonly levels: readonly string[]; readonly rows: number }[];
      readonly out?: string;
      /** The table against the model's training data (null: the model has no training summary). */
      readonly drift: DriftReport | null;
      /** How the columns were matched and what was left unread. */
      readonly notes: string[];
    }
  | ({ readonly kind: 'trainPlan' } & TrainPlan)
  | { readonly kind: 'compare'; readonly report: CompareReport };

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
  /** The worker is up; `priority` says what priority its threads run at (for the log). */
  | { readonly type: 'ready'; readonly priority?: string }
  | ProgressMessage
  | { readonly type: 'done'; readonly id: number; readonly result: JobResult }
  | { readonly type: 'failed'; readonly id: number; readonly error: WorkerError }
  | { readonly type: 'cancelled'; readonly id: number };

// ─── Host ⇄ webview (report panel) ────────────────────────────────────────────────────────────────────────────────

/** Vega-Lite specs by chart id, built on the host by src/engine/charts (the webview only renders). */
export type ChartSpecs = Readonly<Record<string, unknown>>;

export type HostToWebview =
  | { readonly type: 'analysing'; readonly dataset: string; readonly stage: string; readonly message: string; readonly fraction: number }
  | {
      readonly type: 'report';
      readonly dataset: string;
      readonly report: Report;
      readonly charts: ChartSpecs;
      /** One line under each chart saying what is drawn (and what is left out), by chart id; built on the host. */
      readonly captions?: Readonly<Record<string, string>>;
      /** The data file changed after this report was made and no re-analysis has finished yet. */
      readonly stale?: boolean;
      /** What differs from what was asked (e.g. the configured label is not in the file), in one line. */
      readonly notice?: string;
    }
  /** The report on screen no longer describes the file (it changed on disk); a re-analysis follows. */
  | { readonly type: 'stale'; readonly dataset: string; readonly message: string }
  | { readonly type: 'failed'; readonly dataset: string; readonly message: string }
  | { readonly type: 'cancelled'; readonly dataset: string }
  /** Ask the webview for every rendered chart as SVG (for the HTML export); answered by `exportData` with the same id. */
  | { readonly type: 'collectExport'; readonly id: number }
  /** "Compare Hypotheses": the rules of one .kryp file ranked by accuracy, and their chart (null: nothing to draw). */
  | {
      readonly type: 'hypotheses';
      readonly file: string;
      readonly title: string;
      readonly dataset: string;
      readonly seed: number;
      readonly ranked: readonly RankedHypothesis[];
      readonly chart: unknown;
    };

export type WebviewToHost =
  /** Sent first; the host posts nothing before it. */
  | { readonly type: 'ready' }
  | { readonly type: 'reanalyse' }
  | { readonly type: 'cancel' }
  /** "Set label…" / "Set task…" buttons: the host asks with its quick picks. */
  | { readonly type: 'chooseLabel' }
  | { readonly type: 'chooseTask' }
  | { readonly type: 'exportChart'; readonly chart: string; readonly format: 'svg' | 'png'; readonly data: string }
  | { readonly type: 'exportReport' }
  | {
      readonly type: 'exportData';
      readonly id: number;
      readonly charts: Readonly<Record<string, string>>;
      /**
       * The theme the charts were drawn in: VS Code's colour and font variables as the webview computed them
       * (EXPORT_THEME_VARIABLES), so the exported page has the colours the charts' text was drawn for.
       */
      readonly theme?: Readonly<Record<string, string>>;
    };

// ─── Host ⇄ webview (training panel, one per dataset) ─────────────────────────────────────────────────────────────

/** A saved run as the training panel lists it (selectable for the overlay). */
export interface TrainingRunListItem {
  readonly id: string;
  readonly label: string;
  readonly description: string;
}

/** What the panel shows of one selected run beside the curves. */
export interface TrainingRunDetails {
  readonly id: string;
  readonly label: string;
  readonly config: string;
  readonly backend: string;
  readonly kernel: string;
  readonly bestEpoch: number;
  readonly epochsRun: number;
  readonly stoppedEarly: boolean;
  /** What the run learnt, and the score its test, validation and repeated-run figures are in. */
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly metric: 'accuracy' | 'r2';
  /** Regression: the target's name (the residual plot's axes, the errors' unit). */
  readonly target?: string;
  /** Why this configuration (the preset's or auto's reason). */
  readonly reason: string;
  /**
   * Features the user excluded from training (the quick fix's .kryptonite/settings.json, or --exclude): in the table,
   * not inputs of this run's model. Absent when none were.
   */
  readonly excluded?: readonly string[];
  /**
   * Test metrics: accuracy for classes (null for a regression); for a regression R², MAE and RMSE in the target's
   * units, and `loss` the mean squared error.
   */
  readonly test: {
    readonly rows: number;
    readonly accuracy: number | null;
    readonly loss: number | null;
    readonly r2?: number | null;
    readonly mae?: number | null;
    readonly rmse?: number | null;
  };
  /** Vega-Lite spec of the test confusion matrix (null for a regression). */
  readonly confusion: unknown;
  /** Regression: Vega-Lite spec of predicted against actual on the test rows (null: nothing to draw). */
  readonly residuals?: unknown;
  /** Regression: the plot shows a seeded sample of the test rows, not all of them. */
  readonly residualsSampled?: boolean;
  /** The run's energy (training.energy): kWh and gCO2eq, null when not measured, and how it was obtained. */
  readonly energy?: { readonly kWh: number | null; readonly gCO2eq: number | null; readonly method: 'rapl' | 'cpuTime' | null; readonly description: string };
  /**
   * Repeated runs: one row per seed (its test score in `metric`, its energy in kWh and gCO2eq — null: not measured)
   * and the mean ± sd, with how the energy was obtained (absent for a single run).
   */
  readonly repeated?: {
    readonly rows: readonly {
      readonly label: string;
      readonly seed: number | null;
      readonly accuracy: number;
      readonly epochsRun: number | null;
      readonly kWh?: number | null;
      readonly gCO2eq?: number | null;
    }[];
    readonly mean: number;
    readonly sd: number;
    /** `rapl`: the whole CPU package's counters; `cpuTime`: process CPU time × watts per core; null: not recorded. */
    readonly energyMethod?: 'rapl' | 'cpuTime' | null;
  };
}

export type HostToTrainingWebview =
  /** The whole view: the runs to pick from, the curves of the selected runs (or of the live run) and their details. */
  | {
      readonly type: 'trainingView';
      readonly dataset: string;
      readonly title: string;
      readonly runs: readonly TrainingRunListItem[];
      readonly selected: readonly string[];
      /** `loss` and `accuracy` Vega-Lite specs (named data `points` and `best` for streaming). */
      readonly charts: ChartSpecs;
      /**
       * What the `accuracy` curve holds: accuracy (classifiers), R² (regressions), or either (runs of both kinds
       * overlaid); the headings and labels follow it.
       */
      readonly metric: CurveScore;
      readonly details: readonly TrainingRunDetails[];
      /** Set while a training of this dataset runs: its series name in the curves. */
      readonly live: string | null;
      readonly status: string;
    }
  /**
   * Epochs of the live run since the last such message (at most one per LIVE_POST_MS): rows to insert into `points`,
   * the series' best epoch so far (replaces the old mark), the status line, and when the worker sent them.
   */
  | ({ readonly type: 'trainingEpoch' } & LiveEpochs)
  | { readonly type: 'trainingStatus'; readonly status: string; readonly kind: 'running' | 'done' | 'cancelled' | 'failed' };

export type TrainingWebviewToHost =
  /** Sent first; the host posts nothing before it. */
  | { readonly type: 'ready' }
  | { readonly type: 'selectRuns'; readonly runs: readonly string[] }
  | { readonly type: 'cancel' }
  /**
   * After each update: how many curve points the webview's views hold (a test hook, and a check that streaming works),
   * the ids of the charts it drew, its section headings (what the user sees named: "R²", the residual plot) and the
   * runs' "Excluded by the user: …" lines as shown.
   */
  | { readonly type: 'rendered'; readonly points: number; readonly charts: readonly string[]; readonly headings: readonly string[]; readonly excluded: readonly string[] };

// ─── Host ⇄ webview (Compare Datasets) ────────────────────────────────────────────────────────────────────────────

export type HostToCompareWebview =
  | { readonly type: 'compareRunning'; readonly title: string; readonly message: string }
  /** The comparison and its charts (`compare-overview`, `pmf-<j>` per feature j). */
  | { readonly type: 'compareResult'; readonly title: string; readonly report: CompareReport; readonly charts: ChartSpecs }
  | { readonly type: 'compareFailed'; readonly title: string; readonly message: string; readonly cancelled: boolean };

export type CompareWebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'cancel' }
  | { readonly type: 'rerun' }
  /** Swap A and B and compare again. */
  | { readonly type: 'swap' }
  /** After each render: the chart ids drawn and the feature rows shown (a test hook). */
  | { readonly type: 'compareRendered'; readonly charts: readonly string[]; readonly rows: number };

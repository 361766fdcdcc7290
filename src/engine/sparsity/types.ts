/**
 * The L1 interaction analysis as the report carries it (SparsityReport) and the fitted model the relevance tests and
 * the hypotheses read (SparsityModel).
 *
 * One shape for every task, backward compatible: a two-class label gives exactly the original report (L1 logistic
 * regression; no `task`, `loss` or `classes`). A numeric target adds `task: 'regression'`, `loss: 'squared'` (the
 * lasso), `target` and `holdoutRegression` (R² and mean squared error; `holdout`, which readers take for accuracy and
 * log-loss, is null), and its `path` points carry the validation mean squared error and R².
 * More than two classes add `task: 'multiclass'`, `loss: 'logistic'` and `classes[]` (one-vs-rest: one L1 logistic
 * model per class), and the top-level `holdout` is the multi-class accuracy and log-loss of the normalised
 * one-vs-rest probabilities.
 */
import type { TermValues } from './termValues';
import type { Binarisation } from '../binarise';
import type { Split } from '../split';

/** A point of the λ path of a logistic fit: the validation log-loss with its standard error, and accuracy. */
export interface PathPoint {
  readonly lambda: number;
  readonly nonzero: number;
  readonly validationLogLoss: number;
  readonly validationLogLossSe: number;
  readonly validationAccuracy: number;
}

/** A point of the lasso path: validation mean squared error of the standardised target, and R². */
export interface SquaredPathPoint {
  readonly lambda: number;
  readonly nonzero: number;
  readonly validationMse: number;
  readonly validationMseSe: number;
  readonly validationR2: number;
}

export interface SparsityStep {
  readonly id: string;
  readonly title: string;
  readonly detail: string;
}

export interface SparsityTerm {
  readonly features: string[];
  readonly degree: number;
  /** Coefficient of the standardised term in the fitted L1 model (logistic: log-odds; lasso: standardised target). */
  readonly coefficient: number;
  /** One-vs-rest only: the class whose model the term belongs to. */
  readonly class?: string;
}

export interface SparsityReport {
  readonly status: 'done' | 'skipped';
  readonly reason: string | null;
  /** `exact`: every term of the expansion certified; `focused`: a stated subset of terms (see approximations). */
  readonly mode: 'exact' | 'focused' | null;
  readonly representation: string;
  readonly candidates: string[];
  readonly degree: { readonly min: number; readonly max: number };
  /** Terms in the space that was fitted, and in the complete interaction-only expansion over all features. */
  readonly terms: number;
  readonly fullExpansionTerms: number;
  /** Non-zero terms (one-vs-rest: distinct terms non-zero in at least one class). */
  readonly nonzero: number;
  /** 1 − nonzero / terms. */
  readonly sparsity: number;
  /** One-vs-rest: null here, per class in `classes`. */
  readonly lambda: number | null;
  readonly lambdaMax: number | null;
  readonly lambdaRule: string | null;
  readonly pathEnd: string | null;
  readonly path: PathPoint[] | SquaredPathPoint[];
  /** Strongest first. */
  readonly top: SparsityTerm[];
  readonly intercept: number | null;
  /** Classification (two classes, or the multi-class figures of one-vs-rest); null for a numeric target. */
  readonly holdout: HoldOut | null;
  /** Share of the total |coefficient| mass in terms that involve each feature (one entry per feature). */
  readonly participation: { readonly feature: string; readonly share: number }[];
  readonly parity: ParityFinding | null;
  readonly lowOrder: LowOrderScreen | null;
  readonly binarisation: { readonly feature: string; readonly threshold: number; readonly rule: Binarisation['rule'] }[];
  readonly budget: { readonly bytes: number; readonly transformFeatures: number };
  readonly split: { readonly seed: number; readonly train: number; readonly validation: number; readonly test: number };
  readonly rowsUsed: number;
  readonly steps: SparsityStep[];
  readonly approximations: string[];
  /** Absent for a two-class label. */
  readonly task?: 'regression' | 'multiclass';
  /** Absent for a two-class label (logistic). `squared`: the lasso on the standardised target. */
  readonly loss?: 'logistic' | 'squared';
  /** Regression: R² and mean squared error of the lasso on the splits, the test R² with its interval. */
  readonly holdoutRegression?: RegressionHoldOut;
  /** Regression: the target was standardised with its training mean and sd; coefficients are in those units. */
  readonly target?: { readonly name: string; readonly mean: number; readonly sd: number };
  /** One-vs-rest: one section per class (class c against the rest, on the same split). */
  readonly classes?: SparsityClass[];
}

export interface HoldOut {
  readonly train: { readonly accuracy: number; readonly logLoss: number };
  readonly validation: { readonly accuracy: number; readonly logLoss: number };
  readonly test: { readonly accuracy: number; readonly logLoss: number; readonly rows: number; readonly ci95: [number, number] };
}

/** The lasso's fit: R² and mean squared error of the standardised target (MSE × sd² is in the target's units). */
export interface RegressionHoldOut {
  readonly train: { readonly r2: number; readonly mse: number };
  readonly validation: { readonly r2: number; readonly mse: number };
  readonly test: {
    readonly r2: number;
    readonly mse: number;
    readonly rows: number;
    /** 95 % interval of the test R². */
    readonly ci95: [number, number];
    /** How the interval was computed. */
    readonly interval: string;
  };
}

/** One class of a one-vs-rest analysis: its own L1 logistic model of "this class" against the rest. */
export interface SparsityClass {
  readonly class: string;
  /** Rows of this class in the training, validation and test parts. */
  readonly rows: { readonly train: number; readonly validation: number; readonly test: number };
  /** `base rate`: too few training rows of it (or of the rest) for a model; its probability is its training frequency. */
  readonly status: 'fitted' | 'base rate';
  readonly reason: string | null;
  readonly lambda: number | null;
  readonly lambdaMax: number | null;
  readonly lambdaRule: string | null;
  readonly pathEnd: string | null;
  readonly path: PathPoint[];
  readonly nonzero: number;
  readonly top: SparsityTerm[];
  readonly intercept: number;
  /** This class against the rest. */
  readonly holdout: HoldOut | null;
  readonly parity: ParityFinding | null;
}

export interface ParityFinding {
  readonly features: string[] | null;
  readonly negated: boolean;
  readonly agreement: number;
  readonly z: number;
  readonly attempts: number;
  readonly detectableNoise: number;
}

export interface LowOrderScreen {
  readonly terms: number;
  /** |z| a term needs to count, Bonferroni-corrected for the number of terms (× classes) screened (family-wise 1 %). */
  readonly zCritical: number;
  readonly significant: { readonly features: string[]; readonly z: number; readonly class?: string }[];
  readonly strongest: { readonly features: string[]; readonly z: number; readonly class?: string } | null;
}

/** A fitted set of terms: feature positions with their coefficient, strongest first. */
export interface ModelTerms {
  readonly terms: { readonly features: number[]; readonly coefficient: number }[];
  readonly intercept: number;
}

/** The fitted model behind a sparsity report, for the relevance tests and the hypotheses that follow it. */
export interface SparsityModel {
  /**
   * Every non-zero term (feature positions) with its coefficient, strongest first. One-vs-rest: every class's terms
   * together (see `classes` for each model).
   */
  readonly terms: { readonly features: number[]; readonly coefficient: number }[];
  readonly intercept: number;
  /** `logistic` for two classes; `squared` for a numeric target; `ovr` for one-vs-rest over more than two classes. */
  readonly loss: 'logistic' | 'squared' | 'ovr';
  readonly representation: 'binarised' | 'continuous';
  /** Per feature and row: the standardised value that enters the products (from the training rows' statistics). */
  readonly values: readonly TermValues[];
  /** Terms of degree above this were not in the fitted space (Infinity: every subset was). */
  readonly certifiedDegree: number;
  /** Labels (class codes; 0 for a numeric target) with −1 for rows left out (no label or a missing feature). */
  readonly labels: Int32Array;
  /** Numeric target only: the standardised target of every row (NaN where left out). */
  readonly target?: Float64Array;
  /** One-vs-rest only: one model per class (a class left at its base rate has no terms). */
  readonly classes?: readonly ModelTerms[];
  readonly split: Split;
  /** Features whose every term was in the fitted space (so a zero there is certified by KKT). */
  readonly examined: readonly number[];
  readonly mode: 'exact' | 'focused';
  readonly parityFeatures: readonly number[] | null;
}

export interface SparsityAnalysis {
  readonly report: SparsityReport;
  readonly model: SparsityModel | null;
}

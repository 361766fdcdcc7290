/**
 * Relevance of each feature to the label (Kohavi & John 1997): `relevant` (strongly relevant: the label depends on
 * it given all the others, interactions included), `redundant` (weakly relevant: associated with the label but
 * replaceable by other features), `irrelevant` (positive evidence that it carries nothing, at a stated effect size
 * and power) and `unknown` (the data do not settle it). Discoveries are multiplicity-controlled (relevance.ts).
 */
import type { ShapeClass } from '../stats/types';

export type Relevance = 'relevant' | 'redundant' | 'irrelevant' | 'unknown';
export const RELEVANCE_VALUES: readonly Relevance[] = ['relevant', 'redundant', 'irrelevant', 'unknown'];

export interface EffectSize {
  readonly name: string;
  readonly estimate: number;
  /** 95 % confidence interval. */
  readonly lower: number;
  readonly upper: number;
}

/** The feature alone against the label. */
export interface MarginalTest {
  readonly test: 'kruskal-wallis' | 'chi-square' | 'spearman';
  readonly statistic: number;
  readonly df: number | null;
  readonly p: number;
  /** Bonferroni-adjusted over the table's features (min(1, p·m)). */
  readonly adjustedP: number;
  /** A discovery: adjusted p ≤ α/2 (the marginal family's share of the table's error rate). */
  readonly discovered: boolean;
  /** Significant at 0.05 after Bonferroni over the table's features. */
  readonly bonferroni: boolean;
  readonly rows: number;
  readonly effect: EffectSize;
  /** Power of this test to detect the reference effect (`relevance.reference`) at the 5 % level with these rows. */
  readonly power: number;
}

/** The feature given the others: what the best model loses when it is left out. */
export interface ConditionalTest {
  /**
   * `drop-column`: the model refitted without the feature; `conditional permutation`: the full model with the
   * feature's values permuted among rows alike in `conditionedOn` (no refit: for the features a work budget leaves).
   */
  readonly method: 'drop-column' | 'conditional permutation';
  /** The feature the permutation was stratified by (its most correlated one), or null (permuted among all rows). */
  readonly conditionedOn?: string | null;
  readonly model: string;
  /** `log-loss` (nats per row) for classes, `squared error / var(y)` for regression. */
  readonly metric: 'log-loss' | 'relative squared error';
  /** Mean per-row loss increase without the feature, with its 95 % interval (paired over out-of-fold rows). */
  readonly increase: number;
  readonly ci95: [number, number];
  readonly z: number;
  /** One-sided: the loss rises without the feature. */
  readonly p: number;
  readonly adjustedP: number;
  readonly discovered: boolean;
  readonly rows: number;
  /** Accuracy (classes) or R² (regression) with and without the feature, for reading. */
  readonly scoreWith: number;
  readonly scoreWithout: number;
  /** True when the feature was never used by the fitted model, so leaving it out cannot change a prediction. */
  readonly unused: boolean;
}

/** The exact parity engine's view (two-valued features, L1 over every interaction term). */
export interface SparsityEvidence {
  /** Share of the L1 model's |coefficient| mass in terms that involve the feature. */
  readonly participation: number;
  readonly inTopTerm: boolean;
  /** Every interaction term involving the feature was in the fitted space, so its zero coefficients are KKT-certified. */
  readonly certified: boolean;
  /**
   * Drop-one test on held-out rows of the L1 model: paired z of the per-row loss increase without the feature's
   * terms — log-loss for classes (one-vs-rest: of the normalised class probabilities, the feature's terms removed
   * from every class model), squared error for a numeric target.
   */
  readonly dropOne: DropOneTest | DropOneSquared | null;
}

/** The drop-one test of a classification model (two classes, or one-vs-rest). */
export interface DropOneTest {
  readonly accuracyWith: number;
  readonly accuracyWithout: number;
  readonly logLossWith: number;
  readonly logLossWithout: number;
  readonly z: number;
  readonly rows: number;
}

/** The drop-one test of the lasso (numeric target): squared error of the standardised target, and R². */
export interface DropOneSquared {
  readonly metric: 'squared error';
  readonly r2With: number;
  readonly r2Without: number;
  /** Mean squared error of the standardised target (× sd² for the target's units). */
  readonly mseWith: number;
  readonly mseWithout: number;
  readonly z: number;
  readonly rows: number;
}

export interface RelevanceEvidence {
  readonly marginal: MarginalTest | null;
  readonly conditional: ConditionalTest | null;
  /** The trees' drop-column test, run when the conditional model is linear and the feature might be irrelevant. */
  readonly nonlinear?: ConditionalTest;
  readonly sparsity: SparsityEvidence | null;
  /** Why this verdict, most important first. */
  readonly reasons: string[];
}

export interface ShapeRelevanceCheck {
  /** counts[shape][relevance]. */
  readonly counts: Partial<Record<ShapeClass, Record<Relevance, number>>>;
  /** One sentence: the shape ↔ relevance relation the data shows, with counts. */
  readonly statement: string;
  /** The shape class whose features are exactly the irrelevant ones, when there is one. */
  readonly irrelevantShape: ShapeClass | null;
  readonly relevantShapes: ShapeClass[];
}

export interface RelevanceSummary {
  /** How relevance was decided, in one or two sentences. */
  readonly method: string;
  /** The error rate relevant + redundant calls are held to (per table), and how. */
  readonly errorRate: number;
  readonly errorControl: string;
  /** The effect sizes an `irrelevant` verdict rules out, and the power it requires. */
  readonly reference: {
    readonly marginal: string;
    readonly conditional: string;
    readonly power: number;
  };
  readonly counts: Record<Relevance, number>;
  readonly crossCheck: ShapeRelevanceCheck;
  /** Notes on what was sampled, skipped or could not be tested. */
  readonly notes: string[];
}

/**
 * The label-aware half of the analysis: how learnable the label is (baselines), and each feature's relevance from
 * its marginal test, a drop-column test of the best model, and (two-valued features) the exact parity engine.
 */
import type { CancelSignal } from '../cancel';
import type { Dataset } from '../dataset';
import { hasNumericMeaning } from '../dataset';
import { BASE_RATE_NAME, startBaselines } from '../models/baselines';
import type { BaselinesResult, ModelPredictions } from '../models/baselines';
import type { Baseline, ModelFeature, ModelInput, ModelTarget } from '../models/types';
import type { TaskRunner } from '../parallel/runner';
import type { CorrelationMatrix } from '../stats/correlation';
import type { AnalysisStatus } from '../status';
import type { SparsityModel, SparsityReport } from '../sparsity/types';
import { wilsonInterval } from '../stats/intervals';
import type { FeatureProfile, TwoGroupRanks } from '../stats/profile';
import { startMarginalTests } from './marginal';
import { CONDITIONAL_WORK_BUDGET, conditionalTests } from './conditional';
import { closestPartners, conditionalPermutations } from './permutations';
import { assessParityRelevance } from './parityRelevance';
import type { ParityRelevance } from './parityRelevance';
import { combineRelevance } from './relevance';
import type { RawMarginal } from './relevance';
import type { Relevance, RelevanceEvidence, RelevanceSummary } from './types';

export interface RelevanceAnalysisInput {
  readonly dataset: Dataset;
  readonly profiles: readonly FeatureProfile[];
  /** The L1 interaction analysis, when it ran; `features` maps its feature positions to the dataset's. */
  readonly parity: { readonly sparsity: SparsityReport; readonly model: SparsityModel | null; readonly features: readonly number[] } | null;
  readonly seed: number;
  readonly signal?: CancelSignal;
  readonly onProgress?: (stage: 'baselines' | 'relevance', fraction: number, message: string) => void;
  /** Runs the model fits (default: one thread); the analysis is the same whatever it is. */
  readonly runner?: TaskRunner;
  /** Pearson correlations between the features with an order: the permutation tests condition on a feature's closest partner. */
  readonly correlation?: CorrelationMatrix;
  /**
   * Work budget of the drop-column refits (default CONDITIONAL_WORK_BUDGET). When it cannot cover a refit for every
   * feature the model uses, every feature gets the conditional permutation test instead; 0 forces that.
   */
  readonly conditionalBudget?: number;
  /** Per feature, a two-class label's rank sums from the profile's sort, when it made them (stats/profile.ts). */
  readonly ranks?: readonly (TwoGroupRanks | null)[];
}

export interface RelevanceAnalysis {
  readonly features: { readonly relevance: Relevance; readonly evidence: RelevanceEvidence }[];
  readonly summary: RelevanceSummary;
  readonly baselines: Baseline[];
  readonly baselineReading: string;
  readonly analyses: AnalysisStatus[];
  readonly timings: { readonly baselinesMs: number; readonly relevanceMs: number };
}


export function analyseRelevance(input: RelevanceAnalysisInput): RelevanceAnalysis {
  const { parity, ...rest } = input;
  return startRelevance(rest)(parity);
}

/**
 * Starts the baselines' model fits (on the runner's threads, when it has them) and returns the function that
 * finishes the analysis once the L1 interaction analysis — which the caller runs meanwhile in this thread — is known.
 */
export function startRelevance(input: Omit<RelevanceAnalysisInput, 'parity'>): (parity: RelevanceAnalysisInput['parity']) => RelevanceAnalysis {
  const { dataset, profiles, seed, signal } = input;
  if (!dataset.label) throw new RangeError('analyseRelevance needs a label');
  const t0 = performance.now();
  const modelInput = toModelInput(dataset, profiles);
  const partners = closestPartners(profiles.map((f) => f.name), input.correlation);
  // The marginal tests go out first: the threads test while this thread plans and bins the folds (a thread serves the
  // newest batch first, so the folds, and later the L1 analysis's kernels, overtake them).
  const marginal = startMarginalTests(dataset, profiles, signal, input.runner, input.ranks);
  input.onProgress?.('baselines', 0, 'Baselines: base rate, linear model, gradient boosting (5-fold CV)');
  const pending = startBaselines(modelInput, {
    seed,
    signal,
    runner: input.runner,
    onProgress: (fraction, message) => input.onProgress?.('baselines', fraction, message),
    // The plan of the conditional permutation tests: the linear fits predict them at once, the trees keep their
    // models for the ones a test later needs (permuteTrees) — no refits either way.
    permutations: (plan) => conditionalPermutations(modelInput, plan, partners, seed),
  });
  return (parity) => finishRelevance({ ...input, parity }, modelInput, pending, marginal, partners, t0);
}

function finishRelevance(
  input: RelevanceAnalysisInput,
  modelInput: ModelInput,
  pending: () => BaselinesResult,
  pendingMarginal: () => (RawMarginal | null)[],
  partners: readonly (number | null)[],
  t0: number,
): RelevanceAnalysis {
  const { dataset, profiles, seed, signal } = input;
  const label = dataset.label!;
  const analyses: AnalysisStatus[] = [];
  // The interaction model's verdicts need only its own fit, and the marginal tests (the oldest batch, which the
  // threads serve last) only the columns: this thread settles both while the threads still fit the baselines' last
  // folds, and joins those after (the other way round, the threads idle through both at the end).
  const parity = input.parity ? parityVerdicts(input.parity, profiles) : null;
  const parityBaseline = input.parity ? parityModelBaseline(input.parity.sparsity) : null;
  signal?.throwIfAborted();
  const marginal = pendingMarginal();
  const base = pending();
  const baselines = [...base.baselines];
  if (parityBaseline) baselines.push(parityBaseline);
  analyses.push(
    base.baselines.length > 0
      ? { id: 'baselines', status: 'done', note: base.note ?? null }
      : { id: 'baselines', status: 'skipped', note: base.note ?? 'no labelled rows' },
  );
  const t1 = performance.now();

  input.onProgress?.('relevance', 0, 'Conditional tests');
  signal?.throwIfAborted();
  const conditional = conditionalTests(modelInput, base, marginal, partners, {
    seed,
    runner: input.runner,
    signal,
    budget: input.conditionalBudget ?? CONDITIONAL_WORK_BUDGET,
    progress: (fraction, message) => input.onProgress?.('relevance', fraction, message),
  });
  // The interaction model decides only where it sees what the baselines cannot: it predicts significantly better
  // than every one of them (a parity). Elsewhere its drop-one test, which removes terms without refitting, would call
  // both of two near-copies needed; its evidence is shown, and the refitted drop-column test decides.
  signal?.throwIfAborted();
  const parityDecisive = parity !== null && parityBaseline !== null && parity.informative && beatsAll(parityBaseline, base.baselines);
  const parityAtCeiling = parityDecisive;
  const notes: string[] = [];
  if (parity && parityBaseline && !parityDecisive && parity.informative) {
    notes.push('the L1 interaction model does not predict better than the baselines, so its verdicts are shown as evidence only');
  }
  if (parity && input.parity && input.parity.features.length < profiles.length) {
    notes.push(`the L1 interaction engine saw ${input.parity.features.length} of ${profiles.length} features (text categories have no order to multiply)`);
  }
  const combined = combineRelevance({
    profiles,
    marginal,
    conditional: conditional.tests,
    nonlinear: conditional.nonlinear,
    conditionalIsTrees: conditional.trees,
    conditionalInformative: conditional.informative,
    conditionalNote: conditional.note,
    parity: parity && !parityDecisive ? muted(parity) : parity,
    parityAtCeiling,
    task: label.task,
    notes,
  });
  analyses.push({ id: 'relevance', status: 'done', note: conditional.note });
  const t2 = performance.now();
  return {
    features: combined.features,
    summary: combined.summary,
    baselines,
    baselineReading: readBaselines(base, parityBaseline, label.task),
    analyses,
    timings: { baselinesMs: t1 - t0, relevanceMs: t2 - t1 },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Model input.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Features as the models take them: text categories with more than two levels are categorical (one-hot for the
 * linear model, native category splits for the trees); everything with an order (numbers, booleans, integer codes,
 * two-level texts as 0/1) is numeric, as scikit-learn would see it.
 */
export function toModelInput(dataset: Dataset, profiles: readonly FeatureProfile[]): ModelInput {
  const label = dataset.label;
  if (!label) throw new RangeError('toModelInput needs a label');
  const features: ModelFeature[] = profiles.map((f, j) => {
    const cats = dataset.categories[j];
    if (cats && !hasNumericMeaning(dataset, j)) return { name: f.name, kind: 'categorical', values: dataset.columns[j], levels: cats.levels.length };
    return { name: f.name, kind: 'numeric', values: dataset.columns[j] };
  });
  let target: ModelTarget;
  if (label.task === 'regression' && label.target) {
    target = { task: 'regression', values: label.target, classes: 0 };
  } else {
    const values = new Float64Array(label.values.length);
    for (let i = 0; i < values.length; i++) values[i] = label.values[i] < 0 ? NaN : label.values[i];
    target = { task: label.classes.length <= 2 ? 'binary' : 'multiclass', values, classes: label.classes.length };
  }
  return { rows: dataset.rows, features, target };
}

// ---------------------------------------------------------------------------------------------------------------
// The parity engine and the baselines' reading.
// ---------------------------------------------------------------------------------------------------------------

function parityVerdicts(parity: NonNullable<RelevanceAnalysisInput['parity']>, profiles: readonly FeatureProfile[]): ParityRelevance {
  const sub = parity.features.map((j) => profiles[j]);
  const result = assessParityRelevance(sub, parity.sparsity, parity.model);
  // Back to the dataset's feature positions; features the engine did not see get no verdict from it.
  const features = profiles.map((_, j) => {
    const at = parity.features.indexOf(j);
    return at >= 0
      ? result.features[at]
      : { verdict: 'unknown' as const, evidence: { participation: 0, inTopTerm: false, certified: false, dropOne: null }, reasons: ['not in the L1 interaction analysis (text categories)'] };
  });
  return { ...result, features };
}

/**
 * The L1 interaction model as a fourth baseline, on its own 60/20/20 hold-out, in the baselines' metric: accuracy
 * (two classes; one-vs-rest: the argmax of the normalised class probabilities) with its Wilson interval, or R² (the
 * lasso on a numeric target) with its interval.
 */
function parityModelBaseline(sparsity: SparsityReport): Baseline | null {
  if (sparsity.status !== 'done') return null;
  const validation = `hold-out 20 % (seed ${sparsity.split.seed}, 60/20/20 split)`;
  const r = sparsity.holdoutRegression;
  if (r) {
    if (r.test.rows === 0 || !Number.isFinite(r.test.r2)) return null;
    return { model: 'L1 least squares (lasso) on interaction terms', metric: 'r2', value: r.test.r2, ci95: r.test.ci95, validation };
  }
  const h = sparsity.holdout;
  if (!h || h.test.rows === 0) return null;
  return {
    model: sparsity.task === 'multiclass' ? 'L1 logistic regression on interaction terms (one-vs-rest)' : 'L1 logistic regression on interaction terms',
    metric: 'accuracy',
    value: h.test.accuracy,
    ci95: wilsonInterval(Math.round(h.test.accuracy * h.test.rows), h.test.rows),
    validation,
  };
}

/**
 * The interaction model's interval lies wholly above the score of every baseline in the same metric (accuracy with
 * accuracy, R² with R²); with no baseline to compare against it beats nothing.
 */
function beatsAll(parity: Baseline, baselines: readonly Baseline[]): boolean {
  const comparable = baselines.filter((b) => b.metric === parity.metric);
  return comparable.length > 0 && comparable.every((b) => parity.ci95[0] > b.value);
}

/** The parity engine's evidence without its verdicts (every feature 'unknown' from it; informative: false). */
function muted(parity: ParityRelevance): ParityRelevance {
  return { ...parity, informative: false, features: parity.features.map((f) => ({ ...f, verdict: 'unknown' as const })) };
}

function readBaselines(base: BaselinesResult, parity: Baseline | null, task: ModelTarget['task']): string {
  const find = (kind: ModelPredictions['kind']): Baseline | undefined => {
    const m = base.predictions.find((p) => p.kind === kind);
    return m ? base.baselines.find((b) => b.model === m.model) : undefined;
  };
  const b0 = find('base');
  const lin = find('linear');
  const gb = find('gbdt');
  if (!b0) return base.note ?? 'No baseline could be computed.';
  if (!lin || !gb) return `Only the ${b0.model} could be scored (${base.note ?? 'no models'}).`;
  const fmt = (b: Baseline): string => `${b.model} ${b.value.toFixed(3)} [${b.ci95[0].toFixed(3)}, ${b.ci95[1].toFixed(3)}]`;
  const metric = task === 'regression' ? 'R²' : 'accuracy';
  const above = (a: Baseline, b: Baseline): boolean => a.ci95[0] > b.value;
  const parts: string[] = [];
  const anyBeatsBase = above(lin, b0) || above(gb, b0);
  if (!anyBeatsBase) {
    parts.push(`Neither the linear model (${metric} ${lin.value.toFixed(3)}) nor gradient boosting (${gb.value.toFixed(3)}) beats the ${b0.model} (${b0.value.toFixed(3)}): nothing these models can represent predicts the label.`);
    if (parity && parity.metric === b0.metric && parity.ci95[0] > b0.value) {
      parts.push(
        `Yet the L1 model over interaction terms reaches ${parity.value.toFixed(3)} [${parity.ci95[0].toFixed(3)}, ${parity.ci95[1].toFixed(3)}] on held-out rows: ` +
          (task === 'binary'
            ? 'the label is a high-order interaction (a parity) of two-valued features, invisible to main effects and too deep for the trees — see the interaction analysis.'
            : 'the label depends on a high-order interaction, invisible to main effects and too deep for the trees — see the interaction analysis.'),
      );
    } else {
      parts.push('A high-order interaction (such as a parity) can hide from both; the interaction analysis says whether one is there.');
    }
    return parts.join(' ');
  }
  if (above(gb, lin)) {
    parts.push(`Non-linear ≫ linear: ${fmt(gb)} against ${fmt(lin)}. The label depends on interactions or bends, so look at the drop-column tests and the interaction search.`);
  } else if (above(lin, gb)) {
    parts.push(`Linear > non-linear: ${fmt(lin)} against ${fmt(gb)}. The structure is additive and close to linear; the trees need more data to match it.`);
  } else {
    parts.push(`Linear ≈ non-linear: ${fmt(lin)} and ${fmt(gb)} lie within each other's intervals, so the structure is mostly additive.`);
  }
  if (parity && parity.metric === b0.metric && parity.ci95[0] > Math.max(lin.value, gb.value)) {
    parts.push(`The L1 model over interaction terms does better still (${parity.value.toFixed(3)} on held-out rows): a high-order interaction carries the label.`);
  }
  parts.push(`${b0.model === BASE_RATE_NAME ? 'Base rate' : 'Predicting the mean'}: ${b0.value.toFixed(3)}.`);
  return parts.join(' ');
}

/**
 * The label-aware half of the analysis: how learnable the label is (baselines), and each feature's relevance from
 * its marginal test, a drop-column test of the best model, and (two-valued features) the exact parity engine.
 */
import type { CancelSignal } from '../cancel';
import type { Dataset } from '../dataset';
import { hasNumericMeaning } from '../dataset';
import { BASE_RATE_NAME, permuteTrees, refitOutOfFold, startBaselines } from '../models/baselines';
import type { BaselinesResult, ModelPredictions, PermutedPredictions } from '../models/baselines';
import { binFolds } from '../models/baselines';
import { planFolds, evaluatedTruth } from '../models/crossValidation';
import type { FoldPlan, OutOfFold } from '../models/crossValidation';
import { accuracy, predictionWidth, r2, rowLosses } from '../models/metrics';
import type { Baseline, ModelFeature, ModelInput, ModelTarget } from '../models/types';
import type { TaskRunner } from '../parallel/runner';
import type { CorrelationMatrix } from '../stats/correlation';
import { createRng } from '../random';
import type { AnalysisStatus } from '../status';
import type { SparsityModel, SparsityReport } from '../sparsity/types';
import { normalSf } from '../stats/distributions';
import { wilsonInterval } from '../stats/intervals';
import type { FeatureProfile } from '../stats/profile';
import { startMarginalTests } from './marginal';
import { closestPartners, conditionalPermutations, PARTNER_MIN_CORRELATION } from './permutations';
import { assessParityRelevance } from './parityRelevance';
import type { ParityRelevance } from './parityRelevance';
import { combineRelevance, IRRELEVANCE_POWER, REFERENCE_CONDITIONAL, REFERENCE_EFFECTS } from './relevance';
import type { RawConditional, RawMarginal } from './relevance';
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
}

export interface RelevanceAnalysis {
  readonly features: { readonly relevance: Relevance; readonly evidence: RelevanceEvidence }[];
  readonly summary: RelevanceSummary;
  readonly baselines: Baseline[];
  readonly baselineReading: string;
  readonly analyses: AnalysisStatus[];
  readonly timings: { readonly baselinesMs: number; readonly relevanceMs: number };
}

/**
 * Drop-column tests run on at most this many labelled rows (a seeded, stratified sample beyond it, stated): the
 * per-row loss differences of a few thousand rows already resolve an increase of 0.01 nats, and every test refits
 * the model five times.
 */
export const CONDITIONAL_MAX_ROWS = 4000;
/** Folds of the drop-column tests (see conditionalTests). */
export const CONDITIONAL_FOLDS = 2;
/**
 * Work budget of the drop-column refits (units: refitWork): deterministic, so the same data always test the same
 * features, and about half a second of refits on this project's 2-core reference machine. Features are tested in
 * order of the model's use of them; the ones left over are said to be untested.
 */
export const CONDITIONAL_WORK_BUDGET = 1.5e8;

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
  const marginal = startMarginalTests(dataset, profiles, signal, input.runner);
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
  const base = pending();
  const baselines = [...base.baselines];
  const parity = input.parity ? parityVerdicts(input.parity, profiles) : null;
  const parityBaseline = input.parity ? parityModelBaseline(input.parity.sparsity) : null;
  if (parityBaseline) baselines.push(parityBaseline);
  analyses.push(
    base.baselines.length > 0
      ? { id: 'baselines', status: 'done', note: base.note ?? null }
      : { id: 'baselines', status: 'skipped', note: base.note ?? 'no labelled rows' },
  );
  const t1 = performance.now();

  input.onProgress?.('relevance', 0, 'Marginal tests');
  signal?.throwIfAborted();
  const marginal = pendingMarginal();
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
// Conditional (drop-column) tests.
// ---------------------------------------------------------------------------------------------------------------

interface ConditionalResult {
  readonly tests: (RawConditional | null)[];
  /**
   * When the linear model is the conditional model: the trees' conditional permutation test of each feature that might be
   * irrelevant (no association, small effect ruled out, the linear model does not need it) — a linear model cannot
   * see a bend or an interaction, so an `irrelevant` verdict needs the trees' word too.
   */
  readonly nonlinear: (RawConditional | null)[];
  /** The conditional model is the trees. */
  readonly trees: boolean;
  readonly informative: boolean;
  readonly note: string | null;
}

function conditionalTests(
  input: ModelInput,
  base: BaselinesResult,
  marginal: readonly (RawMarginal | null)[],
  partners: readonly (number | null)[],
  options: {
    readonly seed: number;
    readonly runner: TaskRunner | undefined;
    readonly signal: CancelSignal | undefined;
    readonly budget: number;
    readonly progress: (fraction: number, message: string) => void;
  },
): ConditionalResult {
  const { seed, runner, signal, progress } = options;
  const p = input.features.length;
  const none = (note: string): ConditionalResult => ({
    tests: new Array<RawConditional | null>(p).fill(null),
    nonlinear: new Array<RawConditional | null>(p).fill(null),
    trees: false,
    informative: false,
    note,
  });
  const marginalP = marginal.map((m) => m?.p);
  const linear = base.predictions.find((m) => m.kind === 'linear');
  const gbdt = base.predictions.find((m) => m.kind === 'gbdt');
  const baseModel = base.predictions.find((m) => m.kind === 'base');
  if (!linear || !gbdt || !baseModel || p === 0) return none(base.note ?? 'no model could be fitted');
  const task = input.target.task;
  const width = predictionWidth(task, input.target.classes);
  const scale = task === 'regression' ? targetVariance(base.truth) : 1;
  const loss = (oof: OutOfFold): Float64Array => rowLossesScaled(task, base.truth, oof.predictions, width, scale);
  // The model the test asks: the trees when they predict significantly better than the linear model (the label has
  // interactions or bends), else the linear model, whose refits are cheap and whose verdicts are easier to read.
  const linearLoss = loss(linear.outOfFold);
  const gbdtLoss = loss(gbdt.outOfFold);
  const treesWin = pairedZ(linearLoss, gbdtLoss) > 2.576;
  const chosen: ModelPredictions = treesWin ? gbdt : linear;
  const chosenLoss = treesWin ? gbdtLoss : linearLoss;
  const baseLoss = loss(baseModel.outOfFold);
  // Does the chosen model know anything? One-sided paired test against the base rate at 1 %.
  const informative = pairedZ(baseLoss, chosenLoss) > 2.326;
  const score = (truth: Float64Array, oof: Float64Array): number => (task === 'regression' ? r2(truth, oof) : accuracy(truth, oof, width));
  const treeUsage = base.gbdtUsage;
  // Features no tree of any fold splits on: leaving them out or permuting them changes no prediction.
  const treesIgnore = (j: number): boolean => treeUsage !== null && treeUsage.splits[j] === 0;
  const unusedTest = (model: string, rows: number, fullScore: number): RawConditional => ({
    method: 'drop-column', model, metric: metricName(task), increase: 0, ci95: [0, 0], z: 0, p: 1, rows, scoreWith: fullScore, scoreWithout: fullScore, unused: true,
  });

  // Order of importance: the trees' split gain, or for the linear model the marginal evidence (most significant first).
  const order = Array.from({ length: p }, (_, j) => j);
  if (treesWin && treeUsage) order.sort((a, b) => treeUsage.gain[b] - treeUsage.gain[a] || a - b);
  else order.sort((a, b) => (marginalP[a] ?? 1) - (marginalP[b] ?? 1) || a - b);

  // The drop-column tests refit the model once per feature, so they run on their own plan: 2-fold CV (every row is
  // still scored once, out of fold; each refit costs two fits on half the rows instead of five on four fifths) on at
  // most CONDITIONAL_MAX_ROWS labelled rows (a seeded, stratified sample beyond that; the baselines used every row).
  // They run when the work budget covers every feature the model uses (and the full refit); otherwise every feature
  // gets the conditional permutation test of the baseline model instead, from predictions its fits already made.
  const sample = sampleTarget(input.target, CONDITIONAL_MAX_ROWS, seed);
  const plan = planFolds(sample, seed, { folds: CONDITIONAL_FOLDS, maxRowsForCv: Infinity });
  const workInput: ModelInput = { ...input, target: sample };
  const candidates = order.filter((j) => !treesWin || !treesIgnore(j));
  const perRefit = refitWork(workInput, plan, treesWin);
  const affordable = Math.floor(options.budget / Math.max(1, perRefit));
  const permutable = treesWin ? base.gbdtModels !== undefined : chosen.permuted !== undefined;
  const dropColumn = affordable >= candidates.length + 1 || !permutable;

  const tests: (RawConditional | null)[] = new Array<RawConditional | null>(p).fill(null);
  const notes: string[] = [];
  if (dropColumn) {
    const truth = evaluatedTruth(plan, sample);
    const binned = treesWin ? binFolds(workInput, plan, seed, signal, runner) : [];
    const model = treesWin ? 'gbdt' : 'linear';
    const refit = (exclusions: readonly (readonly number[])[]): ReturnType<typeof refitOutOfFold> =>
      refitOutOfFold(workInput, plan, binned, model, exclusions, { seed, runner, signal });
    const [full] = refit([[]]);
    const fullPredictions = full.outOfFold.predictions;
    const usage = full.usage;
    const fullLoss = rowLossesScaled(task, truth, fullPredictions, width, scale);
    const fullScore = score(truth, fullPredictions);
    const used = (j: number): boolean => usage === null || usage.splits[j] > 0;
    for (const j of order) if (!used(j)) tests[j] = unusedTest(chosen.model, truth.length, fullScore);
    // Every refit in one batch, so a thread pool runs them side by side.
    const usedFeatures = order.filter(used);
    const chosenFeatures = usedFeatures.slice(0, Math.max(1, affordable - 1));
    progress(0, `Drop-column tests: ${chosenFeatures.length} feature(s)`);
    const refits = chosenFeatures.length > 0 ? refit(chosenFeatures.map((j) => [j])) : [];
    chosenFeatures.forEach((j, u) => {
      const without = refits[u].outOfFold.predictions;
      tests[j] = dropColumnTest(fullLoss, rowLossesScaled(task, truth, without, width, scale), chosen.model, task, fullScore, score(truth, without));
    });
    notes.push(`drop-column tests of the ${chosen.model}${treesWin ? ' (it predicts significantly better than the linear model)' : ''}`);
    if (chosenFeatures.length < usedFeatures.length) {
      notes.push(`${usedFeatures.length - chosenFeatures.length} of ${usedFeatures.length} features the model uses were not tested (work budget; they are the ones it relies on least)`);
    }
    notes.push(
      plan.evaluated.length < base.plan.labelled
        ? `drop-column tests on a seeded sample of ${plan.evaluated.length.toLocaleString('en-US')} of ${base.plan.labelled.toLocaleString('en-US')} labelled rows (2-fold CV)`
        : `drop-column tests by 2-fold CV on all ${plan.evaluated.length.toLocaleString('en-US')} labelled rows`,
    );
  } else {
    progress(0, 'Conditional permutation tests');
    const permuted = (treesWin ? permuteTrees(input, base, candidates, { runner, signal }) : chosen.permuted) as PermutedPredictions;
    const at = permutationScoring(base, permuted, input.target, chosen.outOfFold, width, scale);
    for (const j of order) {
      if (treesWin && treesIgnore(j)) tests[j] = unusedTest(chosen.model, at.truth.length, at.fullScore);
      else tests[j] = permutationTest(at, permuted, j, chosen.model, task, partners, input, width, scale, score);
    }
    notes.push(
      `conditional permutation tests of the ${chosen.model}${treesWin ? ' (it predicts significantly better than the linear model)' : ''} from its ${base.plan.description} fits: ` +
        `each feature's values permuted among rows alike in its most correlated feature (|r| ≥ ${PARTNER_MIN_CORRELATION}; else among all rows), ` +
        `the rise in out-of-fold loss tested (refitting without each of ${candidates.length} features would exceed the work budget)`,
    );
    notes.push(permutationRowsNote(permuted.rows.length, base.plan.evaluated.length));
  }

  // The trees' word on the features the linear model would let go as irrelevant: their conditional permutation test
  // from the baseline trees' own fits (a feature no tree splits on is unused).
  const nonlinear: (RawConditional | null)[] = new Array<RawConditional | null>(p).fill(null);
  if (!treesWin && informative && base.gbdtModels) {
    const tested = marginal.filter((m) => m !== null).length;
    const mightBeIrrelevant = order.filter((j) => {
      const m = marginal[j];
      const c = tests[j];
      if (!m || !c) return false;
      const reference = REFERENCE_EFFECTS[m.test].value;
      return m.p > 0.05 / Math.max(1, tested) && m.effect.upper < reference && m.power >= IRRELEVANCE_POWER && c.ci95[1] < REFERENCE_CONDITIONAL && c.ci95[0] > -REFERENCE_CONDITIONAL;
    });
    if (mightBeIrrelevant.length > 0) {
      // Only the features the trees split on need predictions; the rest change nothing when permuted.
      const trees = permuteTrees(input, base, mightBeIrrelevant.filter((j) => !treesIgnore(j)), { runner, signal }) as PermutedPredictions;
      const at = permutationScoring(base, trees, input.target, gbdt.outOfFold, width, scale);
      for (const j of mightBeIrrelevant) {
        nonlinear[j] = treesIgnore(j) ? unusedTest(gbdt.model, at.truth.length, at.fullScore) : permutationTest(at, trees, j, gbdt.model, task, partners, input, width, scale, score);
      }
    }
  }
  if (!informative) notes.push(`the ${chosen.model} does not beat the base rate out of fold, so its conditional tests cannot show a feature is needed`);
  return { tests, nonlinear, trees: treesWin, informative, note: notes.join('; ') };
}

/** The full model's losses and score on the rows the permutation tests scored. */
interface PermutationScoring {
  readonly truth: Float64Array;
  readonly fullLoss: Float64Array;
  readonly fullScore: number;
}

function permutationScoring(
  base: BaselinesResult,
  permuted: PermutedPredictions,
  target: ModelTarget,
  full: OutOfFold,
  width: number,
  scale: number,
): PermutationScoring {
  const index = new Map<number, number>();
  base.plan.evaluated.forEach((row, i) => index.set(row, i));
  const n = permuted.rows.length;
  const truth = Float64Array.from(permuted.rows, (row) => target.values[row]);
  const predictions = new Float64Array(n * width);
  permuted.rows.forEach((row, i) => {
    const k = index.get(row);
    if (k === undefined) throw new RangeError(`permutation row ${row} was not scored out of fold`);
    predictions.set(full.predictions.subarray(k * width, (k + 1) * width), i * width);
  });
  const fullScore = target.task === 'regression' ? r2(truth, predictions) : accuracy(truth, predictions, width);
  return { truth, fullLoss: rowLossesScaled(target.task, truth, predictions, width, scale), fullScore };
}

function permutationTest(
  at: PermutationScoring,
  permuted: PermutedPredictions,
  j: number,
  model: string,
  task: ModelTarget['task'],
  partners: readonly (number | null)[],
  input: ModelInput,
  width: number,
  scale: number,
  score: (truth: Float64Array, oof: Float64Array) => number,
): RawConditional {
  const s = permuted.features.indexOf(j);
  if (s < 0) throw new RangeError(`feature ${j} was not permuted`);
  const predictions = permuted.predictions[s];
  const lossPermuted = rowLossesScaled(task, at.truth, predictions, width, scale);
  const partner = partners[j];
  return {
    ...dropColumnTest(at.fullLoss, lossPermuted, model, task, at.fullScore, score(at.truth, predictions)),
    method: 'conditional permutation',
    conditionedOn: partner !== null ? input.features[partner].name : null,
  };
}

function permutationRowsNote(scored: number, evaluated: number): string {
  return scored < evaluated
    ? `permutation tests scored on a seeded sample of ${scored.toLocaleString('en-US')} of ${evaluated.toLocaleString('en-US')} out-of-fold rows`
    : `permutation tests scored on all ${scored.toLocaleString('en-US')} out-of-fold rows`;
}

function metricName(task: ModelTarget['task']): RawConditional['metric'] {
  return task === 'regression' ? 'relative squared error' : 'log-loss';
}

/** Per-row loss increase without the feature: mean, 95 % interval, one-sided z test (the loss rises). */
function dropColumnTest(
  withLoss: Float64Array,
  withoutLoss: Float64Array,
  model: string,
  task: ModelTarget['task'],
  scoreWith: number,
  scoreWithout: number,
): RawConditional {
  const n = withLoss.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += withoutLoss[i] - withLoss[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (withoutLoss[i] - withLoss[i] - mean) ** 2;
  const se = Math.sqrt(ss / Math.max(1, n - 1) / n);
  const z = se > 0 ? mean / se : mean > 0 ? Infinity : mean < 0 ? -Infinity : 0;
  return {
    method: 'drop-column',
    model,
    metric: metricName(task),
    increase: mean,
    ci95: [mean - 1.959963984540054 * se, mean + 1.959963984540054 * se],
    z,
    p: normalSf(z),
    rows: n,
    scoreWith,
    scoreWithout,
    unused: false,
  };
}

/** z of the paired mean difference a − b (positive: b has the smaller loss). */
function pairedZ(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i] - b[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (a[i] - b[i] - mean) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  return se > 0 ? mean / se : mean > 0 ? Infinity : 0;
}

function rowLossesScaled(task: ModelTarget['task'], truth: Float64Array, predictions: Float64Array, width: number, scale: number): Float64Array {
  const l = rowLosses(task, truth, predictions, width);
  if (scale !== 1) for (let i = 0; i < l.length; i++) l[i] /= scale;
  return l;
}

function targetVariance(truth: Float64Array): number {
  let s = 0;
  for (const y of truth) s += y;
  const mean = s / Math.max(1, truth.length);
  let ss = 0;
  for (const y of truth) ss += (y - mean) ** 2;
  const v = ss / Math.max(1, truth.length);
  return v > 0 ? v : 1;
}

/** The target with all but a seeded, class-stratified sample of labelled rows set to missing. */
function sampleTarget(target: ModelTarget, size: number, seed: number): ModelTarget {
  const rng = createRng(seed ^ 0x51ed);
  const values = new Float64Array(target.values.length).fill(NaN);
  const labelled: number[] = [];
  for (let i = 0; i < target.values.length; i++) if (!Number.isNaN(target.values[i])) labelled.push(i);
  if (labelled.length <= size) return target;
  if (target.task === 'regression') {
    // Partial Fisher–Yates: the first `size` of a seeded shuffle.
    for (let k = 0; k < size; k++) {
      const r = k + rng.int(labelled.length - k);
      [labelled[k], labelled[r]] = [labelled[r], labelled[k]];
      values[labelled[k]] = target.values[labelled[k]];
    }
    return { ...target, values };
  }
  // Stratified: each class keeps its share (at least one row each where it has any).
  const byClass = new Map<number, number[]>();
  for (const i of labelled) {
    const list = byClass.get(target.values[i]) ?? [];
    list.push(i);
    byClass.set(target.values[i], list);
  }
  for (const list of byClass.values()) {
    const take = Math.max(1, Math.round((list.length * size) / labelled.length));
    for (let k = 0; k < Math.min(take, list.length); k++) {
      const r = k + rng.int(list.length - k);
      [list[k], list[r]] = [list[r], list[k]];
      values[list[k]] = target.values[list[k]];
    }
  }
  return { ...target, values };
}

/**
 * Work of one drop-column refit (every fold), in the units of CONDITIONAL_WORK_BUDGET (≈ 3 ns each on the reference
 * machine, measured on the battery's gapminder and spam folds). Trees: per tree, a histogram pass over about three node sizes' worth of rows for every feature, plus a
 * scan of every bin of every feature for each of the ≤ 2·leaves nodes. The linear model: L-BFGS, about 60 passes
 * (forward and back) over the design per fit.
 */
function refitWork(input: ModelInput, plan: FoldPlan, trees: boolean): number {
  const classes = input.target.task === 'multiclass' ? input.target.classes : 1;
  const p = input.features.length;
  let work = 0;
  for (const fold of plan.folds) {
    const rows = fold.train.length;
    if (trees) {
      const leaves = Math.max(1, Math.min(31, Math.floor(rows / 20)));
      let bins = 0;
      for (const f of input.features) bins += f.kind === 'categorical' ? Math.min(256, (f.levels ?? 1) + 1) : Math.min(256, rows);
      work += 100 * classes * (3 * rows * p + 2 * leaves * bins);
    } else {
      let columns = 0;
      for (const f of input.features) columns += f.kind === 'categorical' ? Math.min(100, f.levels ?? 1) : 1;
      work += 120 * rows * columns * classes;
    }
  }
  return work;
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

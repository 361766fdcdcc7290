/**
 * The conditional (drop-column) tests of relevance: does the model need a feature given the others? The linear model
 * or the trees are refitted without each feature (or the feature's column is permuted, conditionally on its closest
 * partner), and the loss per row is compared, paired, with the baseline's — all under a work budget.
 */
import type { CancelSignal } from '../cancel';
import { binFolds, permuteTrees, refitOutOfFold } from '../models/baselines';
import type { BaselinesResult, ModelPredictions, PermutedPredictions } from '../models/baselines';
import { planFolds, evaluatedTruth } from '../models/crossValidation';
import type { FoldPlan, OutOfFold } from '../models/crossValidation';
import { accuracy, predictionWidth, r2, rowLosses } from '../models/metrics';
import type { ModelInput, ModelTarget } from '../models/types';
import type { TaskRunner } from '../parallel/runner';
import { createRng } from '../random';
import { normalSf } from '../stats/distributions';
import { PARTNER_MIN_CORRELATION } from './permutations';
import { IRRELEVANCE_POWER, REFERENCE_CONDITIONAL, REFERENCE_EFFECTS } from './relevance';
import type { RawConditional, RawMarginal } from './relevance';
import { mapToFloat64 } from '../typed';

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

export interface ConditionalResult {
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

export function conditionalTests(
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
  const truth = mapToFloat64(n, (i) => target.values[permuted.rows[i]]);
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
  const mean = differenceSum(withoutLoss, withLoss) / n;
  const ss = differenceSquares(withoutLoss, withLoss, mean);
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
  const mean = differenceSum(a, b) / n;
  const ss = differenceSquares(a, b, mean);
  const se = Math.sqrt(ss / (n - 1) / n);
  return se > 0 ? mean / se : mean > 0 ? Infinity : 0;
}

// The two passes of a paired difference, each a function of its own: V8 optimises each whole, where the second loop of
// one body ran unoptimised after the first loop's on-stack replacement.

/** Σ (a[i] − b[i]), in order. */
function differenceSum(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] - b[i];
  return sum;
}

/** Σ (a[i] − b[i] − mean)², in order. */
function differenceSquares(a: Float64Array, b: Float64Array, mean: number): number {
  let ss = 0;
  for (let i = 0; i < a.length; i++) ss += (a[i] - b[i] - mean) ** 2;
  return ss;
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
  const all = target.values;
  const values = new Float64Array(all.length).fill(NaN);
  // The labelled rows, and per class (in order of first appearance) its rows, as typed lists: the same draws as
  // lists of numbers, without a push per row of a million-row table.
  let count = 0;
  const perClass = new Map<number, number>();
  for (let i = 0; i < all.length; i++) {
    const v = all[i];
    if (Number.isNaN(v)) continue;
    count++;
    perClass.set(v, (perClass.get(v) ?? 0) + 1);
  }
  if (count <= size) return target;
  if (target.task === 'regression') {
    const labelled = new Uint32Array(count);
    for (let i = 0, k = 0; i < all.length; i++) if (!Number.isNaN(all[i])) labelled[k++] = i;
    // Partial Fisher–Yates: the first `size` of a seeded shuffle.
    for (let k = 0; k < size; k++) {
      const r = k + rng.int(count - k);
      const t = labelled[k];
      labelled[k] = labelled[r];
      labelled[r] = t;
      values[labelled[k]] = all[labelled[k]];
    }
    return { ...target, values };
  }
  // Stratified: each class keeps its share (at least one row each where it has any).
  const byClass = new Map<number, { list: Uint32Array; filled: number }>();
  for (const [v, n] of perClass) byClass.set(v, { list: new Uint32Array(n), filled: 0 });
  for (let i = 0; i < all.length; i++) {
    const v = all[i];
    if (Number.isNaN(v)) continue;
    const entry = byClass.get(v) as { list: Uint32Array; filled: number };
    entry.list[entry.filled++] = i;
  }
  for (const { list } of byClass.values()) {
    const take = Math.max(1, Math.round((list.length * size) / count));
    for (let k = 0; k < Math.min(take, list.length); k++) {
      const r = k + rng.int(list.length - k);
      const t = list[k];
      list[k] = list[r];
      list[r] = t;
      values[list[k]] = all[list[k]];
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


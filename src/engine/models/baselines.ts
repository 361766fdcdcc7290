/**
 * How learnable is the label? Three reference models validated on the same folds (crossValidation.ts):
 *
 * - the base rate (classes: the training class frequencies, whose argmax is the majority class — scikit-learn's
 *   DummyClassifier(strategy="prior")) or the training mean (regression), scored out of fold, so its R² is ≤ 0;
 * - a regularised linear model: logistic regression (L2, C = 1) or ridge (α = 1) on standardised, imputed, one-hot
 *   features (linear.ts);
 * - histogram gradient boosting with scikit-learn's defaults (gbdt.ts), binned per fold from its training rows.
 *
 * Scores: accuracy pooled over all out-of-fold predictions with a Wilson 95 % interval (each row is one Bernoulli
 * trial); R² as the mean of the per-fold R² — the number `cross_val_score(..., scoring="r2").mean()` reports — with a
 * 95 % percentile bootstrap interval (1,000 resamples of rows within each fold, the same resamples for every model,
 * seeded). Out-of-fold predictions of every model are returned so that callers can compute per-row losses.
 */
import type { CancelSignal } from '../cancel';
import { createRng } from '../random';
import { binFeatures } from './binning';
import type { BinnedMatrix } from './binning';
import { crossValidate, evaluatedTruth, labelledRows, planFolds } from './crossValidation';
import type { FoldPlan, OutOfFold } from './crossValidation';
import { autoEarlyStopping, GBDT_DEFAULTS } from './gbdt';
import type { GbdtModel } from './gbdt';
import { inlineRunner } from '../parallel/runner';
import type { TaskRunner } from '../parallel/runner';
import type { FoldContext, FoldPermutations, FoldResult, FoldTask } from '../parallel/foldTasks';
import { wilsonInterval } from '../stats/intervals';
import { accuracy, predictionWidth, r2 } from './metrics';
import type { Baseline, ModelInput, ModelTarget } from './types';
import { mapToFloat64 } from '../typed';

export interface BaselineOptions {
  readonly seed: number;
  /** Runs the fold fits (default: one thread, in order); results do not depend on it. */
  readonly runner?: TaskRunner;
  readonly signal?: CancelSignal;
  readonly onProgress?: (fraction: number, message: string) => void;
  /** Bootstrap resamples for the R² interval (default 1,000). */
  readonly bootstrap?: number;
  /**
   * Conditional permutation tests for the linear model and the trees to predict as well, per fold of the plan
   * (every fold the same swaps, in the same order); null for none.
   */
  readonly permutations?: (plan: FoldPlan) => FoldPermutations[] | null;
}

export interface ModelPredictions {
  readonly model: string;
  readonly kind: 'base' | 'linear' | 'gbdt';
  readonly outOfFold: OutOfFold;
  /** With BaselineOptions.permutations: the model's out-of-fold predictions with each swap applied. */
  readonly permuted?: PermutedPredictions;
}

/** Out-of-fold predictions under conditional permutations, on the scored rows of every fold, fold after fold. */
export interface PermutedPredictions {
  /** Row ids of the scored rows, fold after fold (in each fold, in the order of its positions). */
  readonly rows: Uint32Array;
  /** The permuted feature of each swap. */
  readonly features: readonly number[];
  /** Per swap, rows.length × width predictions. */
  readonly predictions: readonly Float64Array[];
}

export interface BaselinesResult {
  readonly baselines: Baseline[];
  readonly plan: FoldPlan;
  /** Targets of plan.evaluated, aligned with every model's out-of-fold predictions. */
  readonly truth: Float64Array;
  readonly predictions: ModelPredictions[];
  /** The per-fold bins the boosted model used (empty when it did not run), for drop-column refits. */
  readonly binnedFolds: readonly BinnedMatrix[];
  /** Split counts and gains of the boosted baseline per feature (all folds), when it ran. */
  readonly gbdtUsage: FeatureUsage | null;
  /** Why models were left out (no features, a single class, a constant target, too few labelled rows). */
  readonly note?: string;
  /** With BaselineOptions.permutations: the plan's permutation tests, and the trees of every fold (permuteTrees). */
  readonly permutations?: readonly FoldPermutations[];
  readonly gbdtModels?: readonly GbdtModel[];
}

export const BASE_RATE_NAME = 'base rate';
export const MEAN_NAME = 'mean';
export const LOGISTIC_NAME = 'logistic regression (L2, C = 1)';
export const RIDGE_NAME = 'ridge (α = 1)';

export function computeBaselines(input: ModelInput, options: BaselineOptions): BaselinesResult {
  return startBaselines(input, options)();
}

/**
 * Plans the folds, bins them and hands the model fits to the runner; the returned function waits for them and
 * scores. Between the two the calling thread is free (a thread pool fits while it does other work).
 */
export function startBaselines(input: ModelInput, options: BaselineOptions): () => BaselinesResult {
  const { target, features } = input;
  const seed = options.seed;
  const plan = planFolds(target, seed);
  const truth = evaluatedTruth(plan, target);
  const width = predictionWidth(target.task, target.classes);
  const regression = target.task === 'regression';
  if (plan.kind === 'none') {
    return () => ({ baselines: [], plan, truth, predictions: [], binnedFolds: [], gbdtUsage: null, note: 'fewer than two labelled rows' });
  }
  const progress = options.onProgress;
  const degenerate = degenerateTarget(target, plan);
  const runModels = features.length > 0 && degenerate === null;
  const steps = plan.folds.length * (runModels ? 3 : 1);
  let done = 0;
  const tick = (message: string): void => {
    done++;
    progress?.(done / steps, message);
  };

  const predictions: ModelPredictions[] = [];
  const baseName = regression ? MEAN_NAME : BASE_RATE_NAME;
  predictions.push({
    model: baseName,
    kind: 'base',
    outOfFold: crossValidate(
      plan,
      width,
      (train, test, f) => {
        const out = basePrediction(target, train, test.length, width);
        tick(`${baseName}: fold ${f + 1}/${plan.folds.length}`);
        return out;
      },
      options.signal,
    ),
  });
  let binnedFolds: BinnedMatrix[] = [];
  let wait: (() => FoldResult[]) | null = null;
  let permutations: FoldPermutations[] | null = null;
  if (runModels) {
    binnedFolds = binFolds(input, plan, seed, options.signal, options.runner);
    const runner = options.runner ?? inlineRunner;
    const k = plan.folds.length;
    const finished = [0, 0];
    const before = done;
    const onDone = (which: number) => (count: number): void => {
      finished[which] = count;
      done = before + finished[0] + finished[1];
      progress?.(done / steps, `linear model and gradient boosting: ${finished[0] + finished[1]} of ${2 * k} fold fits`);
    };
    // The linear fits go out first and the trees after them: a thread serves the newest batch first, so the threads
    // start on the trees, the long fits, and the short linear ones fill in at the end, where the last long fit would
    // otherwise leave a thread idle (sklearn_digits: a tree fold takes about 0.3 s, a linear one a fifth of that).
    // The linear model's permutation tests are cheap and come with its fits; the trees' cost more and are asked for
    // later (permuteTrees), only for the features a test needs — so the trees keep their models instead.
    const keepModel = options.permutations !== undefined;
    const treeContext: FoldContext = { target, folds: plan.folds, binnedFolds, features, seed };
    permutations = options.permutations?.(plan) ?? null;
    const permute = permutations !== null;
    const linearContext: FoldContext = { ...treeContext, ...(permutations ? { permutations } : {}) };
    const linear = runner.start(
      linearContext,
      plan.folds.map((_, fold) => ({ model: 'linear' as const, fold, exclude: [], permute })),
      options.signal,
      onDone(1),
    );
    const trees = runner.start(
      treeContext,
      plan.folds.map((_, fold) => ({ model: 'gbdt' as const, fold, exclude: [], ...(keepModel ? { keepModel: true } : {}) })),
      options.signal,
      onDone(0),
    );
    // This thread, when it joins, takes the remaining trees first too (trees() is collected before linear()).
    wait = () => [...trees(), ...linear()];
  }
  return () => {
    let gbdtUsage: FeatureUsage | null = null;
    if (wait) {
      const results = wait();
      const k = plan.folds.length;
      const linearName = regression ? RIDGE_NAME : LOGISTIC_NAME;
      const linearResults = results.slice(k);
      const gbdtResults = results.slice(0, k);
      predictions.push({
        model: linearName,
        kind: 'linear',
        outOfFold: assembleFolds(plan, width, linearResults),
        ...(permutations ? { permuted: assemblePermuted(plan, permutations, width, linearResults) } : {}),
      });
      predictions.push({ model: gbdtModelName(plan, target, features.length), kind: 'gbdt', outOfFold: assembleFolds(plan, width, gbdtResults) });
      gbdtUsage = usageOf(results.slice(0, k), features.length);
      const models = gbdtResults.map((r) => r.model ?? null);
      if (permutations && models.every((m): m is GbdtModel => m !== null)) {
        return { ...scoreBaselines(input, plan, truth, predictions, binnedFolds, gbdtUsage, seed, options, degenerate), permutations, gbdtModels: models };
      }
    }
    return scoreBaselines(input, plan, truth, predictions, binnedFolds, gbdtUsage, seed, options, degenerate);
  };
}

function scoreBaselines(
  input: ModelInput,
  plan: FoldPlan,
  truth: Float64Array,
  predictions: ModelPredictions[],
  binnedFolds: BinnedMatrix[],
  gbdtUsage: FeatureUsage | null,
  seed: number,
  options: BaselineOptions,
  degenerate: string | null,
): BaselinesResult {
  const { target, features } = input;
  const regression = target.task === 'regression';
  const width = predictionWidth(target.task, target.classes);
  const baselines: Baseline[] = [];
  if (regression) {
    const intervals = bootstrapR2(plan, truth, predictions.map((p) => p.outOfFold.predictions), seed, options.bootstrap ?? 1000);
    predictions.forEach((p, m) => {
      baselines.push({
        model: p.model,
        metric: 'r2',
        value: meanFoldR2(plan, truth, p.outOfFold.predictions),
        ci95: intervals[m],
        validation: plan.description,
      });
    });
  } else {
    for (const p of predictions) {
      const value = accuracy(truth, p.outOfFold.predictions, width);
      const correct = Math.round(value * truth.length);
      baselines.push({
        model: p.model,
        metric: 'accuracy',
        value,
        ci95: wilsonInterval(correct, truth.length),
        validation: plan.description,
      });
    }
  }
  const note = features.length === 0 ? 'no features: base rate only' : (degenerate ?? undefined);
  return note === undefined
    ? { baselines, plan, truth, predictions, binnedFolds, gbdtUsage }
    : { baselines, plan, truth, predictions, binnedFolds, gbdtUsage, note };
}

/** How much the boosted baseline used each feature, summed over folds: which drop-column refits can change anything. */
export interface FeatureUsage {
  readonly splits: Float64Array;
  readonly gain: Float64Array;
}

/**
 * One BinnedMatrix per fold, edges from that fold's training rows (seeded quantile subsample on huge folds). Bin
 * once, then refit as often as needed: excluding features never needs new bins.
 */
export function binFolds(input: ModelInput, plan: FoldPlan, seed: number, signal?: CancelSignal, runner?: TaskRunner): BinnedMatrix[] {
  return plan.folds.map((fold, f) => {
    // A sampled plan reads a fraction of the rows (fit on a sample, scored on the hold-out): only those are binned.
    const mapRows = fold.train.length + fold.test.length < input.rows ? unionRows(input.rows, fold.train, fold.test) : undefined;
    return binFeatures(input.features, input.rows, fold.train, { rng: createRng(seed + 7919 * (f + 1)), signal, mapRows, runner });
  });
}

function unionRows(rows: number, a: Uint32Array, b: Uint32Array): Uint32Array {
  const mark = new Uint8Array(rows);
  for (const i of a) mark[i] = 1;
  for (const i of b) mark[i] = 1;
  let n = 0;
  for (let i = 0; i < rows; i++) n += mark[i];
  const out = new Uint32Array(n);
  for (let i = 0, k = 0; i < rows; i++) if (mark[i]) out[k++] = i;
  return out;
}

/**
 * Out-of-fold predictions of gradient boosting or the linear model with some features left out: the exact recipe of
 * the baseline (fold f of the trees draws its early-stopping rows from createRng(seed + f)), so a refit that excludes
 * a feature the trees never split on reproduces the baseline's predictions bit for bit, and any difference is the
 * feature's.
 */
export function refitOutOfFold(
  input: ModelInput,
  plan: FoldPlan,
  binnedFolds: readonly BinnedMatrix[],
  model: 'gbdt' | 'linear',
  exclusions: readonly (readonly number[])[],
  options: { readonly seed: number; readonly runner?: TaskRunner; readonly signal?: CancelSignal },
): { outOfFold: OutOfFold; usage: FeatureUsage | null }[] {
  const width = predictionWidth(input.target.task, input.target.classes);
  const context: FoldContext = { target: input.target, folds: plan.folds, binnedFolds, features: input.features, seed: options.seed };
  const k = plan.folds.length;
  const tasks: FoldTask[] = exclusions.flatMap((exclude) => plan.folds.map((_, fold) => ({ model, fold, exclude })));
  const results = (options.runner ?? inlineRunner).run(context, tasks, options.signal);
  return exclusions.map((_, e) => {
    const mine = results.slice(e * k, (e + 1) * k);
    return { outOfFold: assembleFolds(plan, width, mine), usage: model === 'gbdt' ? usageOf(mine, input.features.length) : null };
  });
}

/**
 * The baseline trees' conditional permutation tests of `features` (those of base.permutations), predicted with the
 * trees each fold already fitted — no refit. Null when the baselines kept no trees or permutations.
 */
export function permuteTrees(
  input: ModelInput,
  base: BaselinesResult,
  features: readonly number[],
  options: { readonly runner?: TaskRunner; readonly signal?: CancelSignal } = {},
): PermutedPredictions | null {
  const { permutations, gbdtModels } = base;
  if (!permutations || !gbdtModels) return null;
  const wanted = new Set(features);
  const subset: FoldPermutations[] = permutations.map((fold) => ({ positions: fold.positions, swaps: fold.swaps.filter((swap) => wanted.has(swap.feature)) }));
  const width = predictionWidth(input.target.task, input.target.classes);
  if (features.length === 0) return { rows: assemblePermuted(base.plan, subset, width, []).rows, features: [], predictions: [] };
  const context: FoldContext = {
    target: input.target,
    folds: base.plan.folds,
    binnedFolds: base.binnedFolds,
    features: input.features,
    seed: 0,
    permutations: subset,
    fitted: gbdtModels,
  };
  const tasks: FoldTask[] = base.plan.folds.map((_, fold) => ({ model: 'gbdt', fold, exclude: [], permute: true, reuse: true }));
  const results = (options.runner ?? inlineRunner).run(context, tasks, options.signal);
  return assemblePermuted(base.plan, subset, width, results);
}

/** Per-fold permuted predictions (in fold order) → one array per swap over every fold's scored rows. */
function assemblePermuted(plan: FoldPlan, permutations: readonly FoldPermutations[], width: number, results: readonly FoldResult[]): PermutedPredictions {
  const total = permutations.reduce((sum, fold) => sum + fold.positions.length, 0);
  const rows = new Uint32Array(total);
  const features = permutations[0]?.swaps.map((swap) => swap.feature) ?? [];
  const predictions = features.map(() => new Float64Array(total * width));
  let at = 0;
  permutations.forEach((fold, f) => {
    const test = plan.folds[f].test;
    fold.positions.forEach((position, i) => (rows[at + i] = test[position]));
    const permuted = results[f]?.permuted ?? [];
    predictions.forEach((out, s) => out.set(permuted[s], at * width));
    at += fold.positions.length;
  });
  return { rows, features, predictions };
}

/** Fold results (in fold order) → out-of-fold predictions in the order of plan.evaluated. */
function assembleFolds(plan: FoldPlan, width: number, results: readonly FoldResult[]): OutOfFold {
  return crossValidate(plan, width, (_train, _test, f) => results[f].predictions);
}

function usageOf(results: readonly FoldResult[], p: number): FeatureUsage {
  const usage: FeatureUsage = { splits: new Float64Array(p), gain: new Float64Array(p) };
  for (const r of results) {
    if (!r.splitCount || !r.splitGain) continue;
    for (let j = 0; j < p; j++) {
      usage.splits[j] += r.splitCount[j];
      usage.gain[j] += r.splitGain[j];
    }
  }
  return usage;
}

/** "gradient boosting (histogram, 100 iterations)", or "≤ 100 iterations, early stopping" when any fold stops early. */
export function gbdtModelName(plan: FoldPlan, target: ModelTarget, features: number): string {
  const iterations = GBDT_DEFAULTS.maxIter;
  const perIteration = target.task === 'multiclass' ? target.classes : 1;
  const early = plan.folds.some((fold) => autoEarlyStopping(labelledRows(target, fold.train).length, features, perIteration));
  return early
    ? `gradient boosting (histogram, ≤ ${iterations} iterations, early stopping)`
    : `gradient boosting (histogram, ${iterations} iterations)`;
}

/** Single-class or constant targets leave nothing to learn: only the base model is reported. */
function degenerateTarget(target: ModelTarget, plan: FoldPlan): string | null {
  const rows = plan.folds[0] ? [...plan.folds[0].train, ...plan.folds[0].test] : [];
  if (rows.length === 0) return null;
  const first = target.values[rows[0]];
  for (const r of rows) if (target.values[r] !== first) return null;
  return target.task === 'regression' ? 'constant target: mean only' : 'a single class: base rate only';
}

/** Class frequencies of the training rows (every test row gets them), or the training mean. */
function basePrediction(target: ModelTarget, train: Uint32Array, nTest: number, width: number): Float64Array {
  const out = new Float64Array(nTest * width);
  if (target.task === 'regression') {
    let s = 0;
    for (const r of train) s += target.values[r];
    out.fill(train.length > 0 ? s / train.length : 0);
    return out;
  }
  const freq = new Float64Array(width);
  for (const r of train) freq[target.values[r]]++;
  for (let k = 0; k < width; k++) freq[k] /= Math.max(1, train.length);
  for (let i = 0; i < nTest; i++) out.set(freq, i * width);
  return out;
}

function meanFoldR2(plan: FoldPlan, truth: Float64Array, predicted: Float64Array): number {
  const k = plan.folds.length;
  let total = 0;
  for (let f = 0; f < k; f++) {
    const positions: number[] = [];
    for (let i = 0; i < truth.length; i++) if (plan.foldOf[i] === f) positions.push(i);
    total += r2(
      mapToFloat64(positions.length, (k) => truth[positions[k]]),
      mapToFloat64(positions.length, (k) => predicted[positions[k]]),
    );
  }
  return total / k;
}

/**
 * 95 % percentile bootstrap of the mean per-fold R² (Efron & Tibshirani 1993, ch. 13): each resample draws, within
 * every fold, as many rows with replacement as the fold has, and scores all models on the same draw.
 */
function bootstrapR2(
  plan: FoldPlan,
  truth: Float64Array,
  models: readonly Float64Array[],
  seed: number,
  reps: number,
): [number, number][] {
  const rng = createRng(seed + 104729);
  const k = plan.folds.length;
  const byFold: Uint32Array[] = [];
  for (let f = 0; f < k; f++) {
    const positions: number[] = [];
    for (let i = 0; i < truth.length; i++) if (plan.foldOf[i] === f) positions.push(i);
    byFold.push(Uint32Array.from(positions));
  }
  const M = models.length;
  const draws = models.map(() => new Float64Array(reps));
  const sumRes = new Float64Array(M);
  for (let b = 0; b < reps; b++) {
    for (let f = 0; f < k; f++) {
      const positions = byFold[f];
      const n = positions.length;
      let sy = 0;
      let syy = 0;
      sumRes.fill(0);
      for (let j = 0; j < n; j++) {
        const i = positions[rng.int(n)];
        const y = truth[i];
        sy += y;
        syy += y * y;
        for (let m = 0; m < M; m++) sumRes[m] += (y - models[m][i]) ** 2;
      }
      const ssTot = syy - (sy * sy) / n;
      for (let m = 0; m < M; m++) {
        // Relative floor: a resample of identical values has SS_tot = 0 up to rounding (scikit-learn's force_finite).
        const score = ssTot > 1e-12 * syy ? 1 - sumRes[m] / ssTot : sumRes[m] === 0 ? 1 : 0;
        draws[m][b] += score / k;
      }
    }
  }
  return draws.map((d) => {
    const sorted = d.sort();
    return [quantile(sorted, 0.025), quantile(sorted, 0.975)];
  });
}

/** Linear interpolation between order statistics (numpy's default "linear" method). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}


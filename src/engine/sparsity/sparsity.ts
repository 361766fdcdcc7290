import type { TaskRunner } from '../parallel/runner';
import type { CancelSignal } from '../cancel';
import { binarisation } from '../binarise';
import { binariseAll } from './binarised';
import type { Dataset } from '../dataset';
import { createRng } from '../random';
import type { FeatureProfile } from '../stats/profile';
import { rowMoments, splitRows } from '../split';
import type { Split } from '../split';
import { sampleIndices } from '../stats/sampling';
import { mapToFloat32, mapToFloat64, mapToInt32 } from '../typed';
import { assemble } from './assemble';
import { cellIndex } from './cells';
import { describeFits, fitExact, fitExplicit, workBoundNote } from './fits';
import type { FitSetup, Fits, SparsityTask } from './fits';
import { focusedSet, narrow } from './narrow';
import { abbreviate, fmtBig, fmtBytes, fmtInt } from './text';
import { maskMembers, termCount } from './transform';
import type { LowOrderScreen, ParityFinding, SparsityAnalysis, SparsityReport, SparsityStep } from './types';

export interface SparsityOptions {
  readonly seed?: number;
  /** Memory the expansion may use, in bytes (the transform needs 8·2^k bytes for k candidate features). */
  readonly budgetBytes?: number;
  /** Interaction degrees [min, max]; default 1..number of candidates. */
  readonly degree?: readonly [number, number];
  /** Feature positions to expand (skips the automatic narrowing). */
  readonly candidates?: readonly number[];
  readonly lambda?: number;
  /**
   * `binarised`: two-valued features cut at their gap, products are parity characters, all degrees exact.
   * `continuous`: standardised raw values, explicit products up to degree 2 by default. `auto` (default):
   * binarised when at least half the features are two-valued, else continuous.
   */
  readonly representation?: 'auto' | 'binarised' | 'continuous';
  /** Add plain powers (squares of the standardised features); implies the continuous representation. */
  readonly powers?: boolean;
  readonly signal?: CancelSignal;
  /** Threads for the heavy passes (the same report whatever their number). */
  readonly runner?: TaskRunner;
}

/** Standardised values of the continuous representation are clipped here (|z| > 4 has probability 6e-5 for a normal). */
export const CONTINUOUS_CLIP = 4;

/** Degree cap of the continuous representation unless asked otherwise: products of raw values grow heavy-tailed. */
export const CONTINUOUS_DEFAULT_DEGREE = 2;
/** More explicit terms than this cost minutes of streaming per λ; the degree is lowered instead, and said so. */
export const MAX_EXPLICIT_TERMS = 20000;

/**
 * Explicit (listed-term) fits stream every term over every training row at each KKT check; past this many rows a
 * seeded sample of the training rows is used for the coefficients (validation and test stay whole), and said so.
 * The exact transform needs no such cap: its cost depends on occupied cells, not rows.
 */
export const MAX_EXPLICIT_TRAIN_ROWS = 200_000;

export const DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024;
/** Above this many candidates the transform's O(k·2^k) per KKT check costs seconds, whatever the memory budget. */
export const MAX_TRANSFORM_FEATURES = 22;

/**
 * The L1 analysis runs beside the baselines' 5-fold fits, and one-vs-rest fits one model per class, so the work of a
 * listed-term fit over continuous features is bounded for every task: it streams terms × training rows products per
 * KKT check and per class; past this many, the training rows are sampled (seeded, stated). For numeric targets and
 * one-vs-rest, where even MIN_EXPLICIT_ROWS rows would exceed it, the degree is lowered first. The binarised
 * (Kryptonite) analyses keep the limits above, unchanged.
 */
export const EXPLICIT_WORK = 6e6;
/**
 * Work bound (terms × training rows per KKT check) of a two-class listed-term fit over binarised features: a focused
 * set of ~600 terms keeps ~83,000 rows, ~8 ms of products per check on one core; never fewer than
 * MIN_BINARY_EXPLICIT_ROWS rows.
 */
export const BINARY_EXPLICIT_WORK = 5e7;
export const MIN_BINARY_EXPLICIT_ROWS = 20_000;
export const MIN_EXPLICIT_ROWS = 600;
/**
 * One-vs-rest: the training rows of all class models together (a seeded sample, the same rows for every class,
 * stated), so at most 4,000 per model for four classes and 2,000 for eight. A logistic fit on raw rows costs a sigmoid
 * or a pass per row per coordinate step: 4 classes on 36,000 rows took 1.9 s where 4,000 rows take a fifth of that.
 * (Where the cells of the exact fit compress the rows, 2^k ≤ the cap, the cap does not apply there.)
 */
export const OVR_TRAIN_ROWS = 16_000;
/**
 * Numeric targets and one-vs-rest: the exact fits together cover at most this many cells (models × 2^k), so at most 18
 * candidates for the lasso and 16 for four classes (two classes keep MAX_TRANSFORM_FEATURES): the transform's
 * O(k·2^k) per KKT check at k = 22 took 2 s for the lasso on 60,000 rows, 0.5 s at k = 18.
 */
export const EXACT_CELLS = 2 ** 18;
/** One-vs-rest over more classes than this is not run (a model per class), and said so. */
export const MAX_OVR_CLASSES = 20;
/** A class needs this many training rows of it, and of the rest, for its own model; otherwise it keeps its base rate. */
export const OVR_MIN_CLASS_ROWS = 5;

type Base = FitSetup['base'];

/**
 * The published route — standardise, expand into interaction-only products, fit L1 logistic regression, read off the
 * dominant terms — done exactly where it fits and narrowed by stated evidence where it does not. A numeric target gets
 * the lasso over the same terms, more than two classes one L1 logistic model per class (one-vs-rest).
 */
export function analyseSparsity(dataset: Dataset, features: readonly FeatureProfile[], options: SparsityOptions = {}): SparsityAnalysis {
  const seed = options.seed ?? 42;
  const budgetBytes = options.budgetBytes ?? DEFAULT_BUDGET_BYTES;
  const names = dataset.names;
  const p = names.length;
  const steps: SparsityStep[] = [];
  const approximations: string[] = [];
  const transformFeatures = Math.max(1, Math.min(MAX_TRANSFORM_FEATURES, Math.floor(Math.log2(budgetBytes / 8))));
  const label = dataset.label;
  const base = {
    budget: { bytes: budgetBytes, transformFeatures },
    fullExpansionTerms: termCount(p, 1, p),
  };
  if (!label) return skipped('no label: the sparsity analysis needs a label', base);
  const task: SparsityTask | null = label.task === 'regression' ? 'regression' : label.classes.length === 2 ? 'binary' : label.classes.length > 2 ? 'multiclass' : null;
  if (!task) {
    return skipped(`label "${label.name}" has ${label.classes.length} class(es): there is nothing to tell apart, so relevance comes from the marginal and drop-column tests`, base);
  }
  if (task === 'multiclass' && label.classes.length > MAX_OVR_CLASSES) {
    return skipped(
      `label "${label.name}" has ${label.classes.length} classes; one-vs-rest fits one L1 model per class, and more than ${MAX_OVR_CLASSES} exceeds the time this analysis may take beside the baselines, so relevance comes from the marginal and drop-column tests`,
      base,
    );
  }

  // Rows with a label and every feature present; the others cannot enter a product term.
  const labels = label.values.slice();
  let dropped = 0;
  for (let j = 0; j < p; j++) {
    const col = dataset.columns[j];
    // A column whose profile counted a finite value in every row has nothing to drop (its count excludes NaN and ±Inf).
    if (features[j]?.stats.count === col.length) continue;
    dropped += dropNonFinite(col, labels);
  }
  const split = splitRows(labels, dataset.rows, seed);
  const rowsUsed = split.train.length + split.validation.length + split.test.length;
  if (split.train.length < 20 || split.validation.length < 5 || split.test.length < 5) {
    return skipped(`only ${rowsUsed} complete labelled rows: too few for a 60/20/20 split`, base);
  }
  if (dropped > 0) approximations.push(`${dropped} labelled row(s) with a missing feature value were left out`);

  const setup = prepareTarget(task, dataset, labels, split, { seed, budgetBytes, base, steps, approximations, rowsUsed, options });
  if (typeof setup === 'string') return skipped(setup, base);

  // Binarise: two-valued features at the gap between their peaks, the rest at the mean (stated).
  const bins = features.map((f) => binarisation(f.modes, f.stats, f.values));
  const atMean = bins.flatMap((b, j) => (b.rule === 'mean' ? [names[j]] : []));
  const twoValued = p - atMean.length;
  const wanted = options.powers ? 'continuous' : (options.representation ?? 'auto');
  const representation: 'binarised' | 'continuous' = wanted === 'auto' ? (twoValued * 2 >= p ? 'binarised' : 'continuous') : wanted;
  if (representation === 'continuous') {
    return continuousAnalysis(dataset, setup, options, {
      twoValued,
      requested: wanted,
    });
  }
  // Per feature (side by side on a runner's threads): its bits, their standardised values from the training rows.
  const { bits, trainBits, s0, s1, values: bitValues } = binariseAll(dataset.columns, bins.map((b) => b.threshold), split.train, options.runner, options.signal);
  steps.push({
    id: 'representation',
    title: 'Standardised binarised features',
    detail:
      `${twoValued} of ${p} features sit at two values (two peaks or two distinct values), so each is cut at the gap between them; ` +
      `products of standardised two-valued features are parity (Walsh) characters, whose fit to the ${task === 'regression' ? 'target' : 'label'} can be computed for all subsets at once.` +
      (atMean.length > 0 ? ` ${atMean.length} feature(s) without two peaks (${abbreviate(atMean)}) are cut at their mean, which keeps only their direction.` : ''),
  });
  if (atMean.length > 0) approximations.push(`features without two peaks were binarised at their mean: ${abbreviate(atMean)}`);


  // Numeric targets and one-vs-rest (one exact fit per class): the cells of all fits together are bounded, so fewer
  // candidates fit exactly than for two classes.
  const fitCount = task === 'multiclass' ? setup.fitted.filter((f) => f).length : 1;
  const exactLimit = task === 'binary' ? transformFeatures : Math.max(1, Math.min(transformFeatures, Math.floor(Math.log2(EXACT_CELLS / Math.max(1, fitCount)))));
  if (exactLimit < transformFeatures && p > exactLimit && !options.candidates) {
    approximations.push(
      task === 'multiclass'
        ? `one-vs-rest over ${fitCount} class model(s): exact fits are limited to ${fitCount} × 2^k ≤ 2^${Math.log2(EXACT_CELLS)} cells, so at most ${exactLimit} candidates (${transformFeatures} for two classes)`
        : `the lasso's exact fit is limited to 2^${exactLimit} cells (time beside the baselines), so at most ${exactLimit} candidates (${transformFeatures} for two classes)`,
    );
  }
  let candidates: number[];
  let parity: ParityFinding | null = null;
  let classParity: (ParityFinding | null)[] | undefined;
  let parityFeatures: number[] | null = null;
  let lowOrder: LowOrderScreen | null = null;
  let mode: 'exact' | 'focused' = 'exact';
  if (options.candidates) {
    candidates = [...new Set(options.candidates)].sort((a, b) => a - b);
    steps.push({ id: 'candidates', title: 'Candidates given', detail: `Expansion over the ${candidates.length} features asked for: ${abbreviate(candidates.map((j) => names[j]))}.` });
  } else if (p <= exactLimit) {
    candidates = range(p);
    steps.push({
      id: 'full',
      title: 'Full expansion fits the budget',
      detail: `All ${fmtInt(termCount(p, options.degree?.[0] ?? 1, options.degree?.[1] ?? p))} interaction terms of degree ${options.degree?.[0] ?? 1}..${Math.min(p, options.degree?.[1] ?? p)} over the ${p} features fit the budget (${fmtBytes(8 * 2 ** p)} of ${fmtBytes(budgetBytes)}); fitted exactly, no narrowing.`,
    });
  } else {
    steps.push({
      id: 'budget',
      title: 'Full expansion does not fit',
      detail: `The full expansion has ${fmtBig(p)} terms; the budget (${fmtBytes(budgetBytes)}, and the time an exact fit takes) allows all subsets of at most ${exactLimit} features. Narrowing the candidates with the evidence below.`,
    });
    const narrowed = narrow(setup, bits, s0, s1, features, trainBits);
    // The gathered training bits serve the low-order screen only: dropped here, before the fit (29 MiB on a
    // million rows by 50 features, which the fit's peak would otherwise carry).
    trainBits.length = 0;
    parity = narrowed.parity;
    classParity = narrowed.classParity;
    parityFeatures = narrowed.parityFeatures;
    lowOrder = narrowed.lowOrder;
    candidates = narrowed.candidates;
    if (candidates.length > exactLimit) mode = 'focused';
  }

  const dmin = Math.max(1, options.degree?.[0] ?? 1);
  let fits: Fits;
  let describeTerm: (id: number) => number[];
  let spaceTerms: number;
  let dmax: number;
  const model = task === 'regression' ? 'L1 least squares (lasso)' : task === 'multiclass' ? 'L1 logistic regression per class (one-vs-rest)' : 'L1 logistic regression';
  if (mode === 'exact') {
    const k = candidates.length;
    dmax = Math.min(k, options.degree?.[1] ?? k);
    const cellOf = cellIndex(candidates.map((j) => bits[j]), dataset.rows);
    const exact = fitExact(setup, k, cellOf, Float64Array.from(candidates, (j) => s0[j]), Float64Array.from(candidates, (j) => s1[j]), dmin, dmax);
    fits = exact.fits;
    describeTerm = (id) => maskMembers(id).map((b) => candidates[b]);
    spaceTerms = termCount(k, dmin, dmax);
    steps.push({
      id: 'fit',
      title: `${model}, exact over the expansion`,
      detail:
        `${fmtInt(spaceTerms)} standardised interaction terms (degree ${dmin}..${dmax} over ${k} features), as ${fmtInt(exact.cells)} occupied cells instead of a ${fmtInt(split.train.length)} × ${fmtInt(spaceTerms)} matrix; ` +
        `coordinate descent along a λ path with strong rules, every zero coefficient certified by a KKT check over all terms ${describeFits(fits, 'transforms')}`,
    });
  } else {
    const terms = focusedSet(setup, candidates, parityFeatures, classParity, p, options.degree);
    const fitSplit = setup.task === 'binary' ? capBinaryWork(setup, terms.length) : capWork(setup, terms.length, fitCount);
    fits = fitExplicit(setup, terms, bitValues, fitSplit);
    describeTerm = (id) => [...terms[id]];
    spaceTerms = terms.length;
    dmax = Math.max(...terms.map((t) => t.length));
    steps.push({
      id: 'fit',
      title: `${model} on a focused set of terms`,
      detail: `${candidates.length} candidates are too many for all ${fmtBig(candidates.length)} subsets, so the fit covers ${fmtInt(terms.length)} terms: every single feature and pair, the parity term and each parity term with one feature removed or added; KKT-certified within that set. ${describeFits(fits, null)}`,
    });
    approximations.push(
      `the fit covered ${fmtInt(terms.length)} chosen terms, not the ${fmtBig(candidates.length)} subsets of the ${candidates.length} candidates; terms outside that set were not examined`,
    );
  }

  const bounded = workBoundNote(fits);
  if (bounded) approximations.push(bounded);
  return assemble(setup, fits, {
    describeTerm,
    spaceTerms,
    mode,
    candidates,
    degree: { min: dmin, max: dmax },
    representation: 'binarised',
    values: bitValues,
    certifiedDegree: Infinity,
    // A zero is certified for a feature only if every subset containing it was in the space: all degrees.
    examined: mode === 'exact' && dmin === 1 && dmax === candidates.length ? candidates : [],
    parity,
    classParity,
    lowOrder,
    binarisation: bins.map((b, j) => ({ feature: names[j], threshold: b.threshold, rule: b.rule })),
  });
}

interface SetupParts {
  readonly seed: number;
  readonly budgetBytes: number;
  readonly base: Base;
  readonly steps: SparsityStep[];
  readonly approximations: string[];
  readonly rowsUsed: number;
  readonly options: SparsityOptions;
}

/**
 * The target(s) the fits share: the 0/1 label; the numeric target standardised on the training rows (a constant one
 * cannot be fitted: the reason is returned); or one 0/1 label per class, with the classes too rare for a model.
 */
function prepareTarget(task: SparsityTask, dataset: Dataset, labels: Int32Array, split: Split, parts: SetupParts): FitSetup | string {
  const label = dataset.label!;
  const common = {
    task,
    names: dataset.names,
    labels,
    split,
    rowsUsed: parts.rowsUsed,
    seed: parts.seed,
    budgetBytes: parts.budgetBytes,
    base: parts.base,
    steps: parts.steps,
    approximations: parts.approximations,
    lambda: parts.options.lambda,
    signal: parts.options.signal,
    runner: parts.options.runner,
    ovrMaxTrainRows: MAX_EXPLICIT_TRAIN_ROWS,
    capRows: (cap: number, why: string) => capTrainRows(split, parts.seed, parts.approximations, cap, why, 'the exact one-vs-rest fits'),
  };
  if (task === 'binary') return { ...common, y: null, target: null, classNames: label.classes, fitted: [], classLabels: [] };
  if (task === 'regression') {
    const t = label.target!;
    let sum = 0;
    for (const r of split.train) sum += t[r];
    const mean = sum / split.train.length;
    let ss = 0;
    for (const r of split.train) ss += (t[r] - mean) ** 2;
    const sd = Math.sqrt(ss / Math.max(1, split.train.length - 1));
    // A spread below rounding of the values themselves is no spread: a constant target has nothing to explain.
    if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) return `the target "${label.name}" is constant on the ${split.train.length} training rows: there is nothing to fit`;
    const y = mapToFloat64(dataset.rows, (i) => (labels[i] >= 0 ? (t[i] - mean) / sd : NaN));
    parts.steps.push({
      id: 'target',
      title: 'Standardised target',
      detail:
        `The numeric target "${label.name}" is standardised with its training mean ${fmtNum(mean)} and sd ${fmtNum(sd)}, and fitted by least squares with an L1 penalty (the lasso, ` +
        '(1/2n)·‖y − b − Xw‖² + λ‖w‖₁, scikit-learn\'s convention) over the same interaction terms; for squared loss a zero is KKT-certified when |x_jᵀr|/n ≤ λ.',
    });
    return { ...common, y, target: { name: label.name, mean, sd }, classNames: [], fitted: [], classLabels: [] };
  }
  const K = label.classes.length;
  const classLabels = label.classes.map((_, c) => mapToInt32(labels.length, (i) => (labels[i] < 0 ? -1 : labels[i] === c ? 1 : 0)));
  const trainCounts = label.classes.map((_, c) => split.train.reduce((n, r) => n + (labels[r] === c ? 1 : 0), 0));
  const fitted = trainCounts.map((k) => k >= OVR_MIN_CLASS_ROWS && split.train.length - k >= OVR_MIN_CLASS_ROWS);
  const rare = label.classes.filter((_, c) => !fitted[c]);
  parts.steps.push({
    id: 'ovr',
    title: 'One-vs-rest',
    detail:
      `${K} classes: one L1 logistic model of each class against the rest, every one on the same seeded 60/20/20 split of the rows (not stratified, as for two classes; training rows per class ${label.classes.map((c, k) => `${c} ${trainCounts[k]}`).join(', ')}). ` +
      'The class probabilities are the models\' σ(η) normalised to sum to one; the predicted class is the most probable.' +
      (rare.length > 0 ? ` ${rare.length} class(es) with fewer than ${OVR_MIN_CLASS_ROWS} training rows (${abbreviate(rare)}) keep their base rate instead of a model.` : ''),
  });
  if (rare.length > 0) parts.approximations.push(`class(es) too rare for a model keep their training frequency: ${abbreviate(rare)}`);
  const ovrMaxTrainRows = Math.max(MIN_EXPLICIT_ROWS, Math.floor(OVR_TRAIN_ROWS / Math.max(1, fitted.filter((f) => f).length)));
  return { ...common, y: null, target: null, classNames: label.classes, fitted, classLabels, ovrMaxTrainRows };
}

interface ContinuousInfo {
  readonly twoValued: number;
  readonly requested: 'auto' | 'binarised' | 'continuous';
}

/**
 * Features that do not sit at two values: products of their standardised values, listed explicitly (every term of
 * degree dmin..dmax over the candidates, plus squares when asked), fitted along the same certified λ path.
 */
function continuousAnalysis(dataset: Dataset, setup: FitSetup, options: SparsityOptions, info: ContinuousInfo): SparsityAnalysis {
  const { names, split, steps, approximations, seed, task } = setup;
  const p = names.length;
  const values: Float32Array[] = [];
  const constant: number[] = [];
  for (let j = 0; j < p; j++) {
    const col = dataset.columns[j];
    const { mean, sd } = rowMoments(col, split.train);
    if (!(sd > 0)) constant.push(j);
    // Clipped at ±CONTINUOUS_CLIP sd: one extreme row (a viral tweet's retweet count) must not dominate every
    // product term it enters, and heavy tails make the coordinate descent crawl. Gaussian data are barely touched.
    values.push(mapToFloat32(col.length, (i) => (sd > 0 ? clip((col[i] - mean) / sd, CONTINUOUS_CLIP) : 0)));
  }
  const candidates = (options.candidates ? [...new Set(options.candidates)].sort((a, b) => a - b) : Array.from({ length: p }, (_, j) => j)).filter(
    (j) => !constant.includes(j),
  );
  const why =
    info.requested === 'continuous'
      ? options.powers
        ? 'plain powers were asked for, which only the continuous representation has'
        : 'the continuous representation was asked for'
      : `only ${info.twoValued} of ${p} features sit at two values`;
  const dmin = Math.max(1, options.degree?.[0] ?? 1);
  let dmax = Math.min(candidates.length, Math.max(dmin, options.degree?.[1] ?? CONTINUOUS_DEFAULT_DEGREE));
  const powers = options.powers === true && dmin <= 2 && dmax >= 2;
  const count = (d: number): number => termCount(candidates.length, dmin, d) + (powers ? candidates.length : 0);
  while (dmax > dmin && count(dmax) > MAX_EXPLICIT_TERMS) dmax--;
  if (dmax < Math.min(candidates.length, options.degree?.[1] ?? CONTINUOUS_DEFAULT_DEGREE)) {
    approximations.push(`degree lowered to ${dmax}: higher degrees over ${candidates.length} features exceed ${fmtInt(MAX_EXPLICIT_TERMS)} explicit terms`);
  }
  // Numeric targets and one-vs-rest: a bounded number of products per KKT check (see EXPLICIT_WORK).
  const fitCount = task === 'multiclass' ? setup.fitted.filter((f) => f).length : 1;
  if (task !== 'binary') {
    const before = dmax;
    while (dmax > dmin && count(dmax) * fitCount * MIN_EXPLICIT_ROWS > EXPLICIT_WORK) dmax--;
    if (dmax < before) {
      approximations.push(
        `degree lowered to ${dmax}: ${fmtInt(count(before))} terms × ${fitCount} model(s) on at least ${fmtInt(MIN_EXPLICIT_ROWS)} training rows exceed the work bound of this analysis (${EXPLICIT_WORK.toExponential(1)} products per check)`,
      );
    }
  }
  steps.push({
    id: 'representation',
    title: 'Standardised continuous features',
    detail:
      `Continuous representation because ${why}: products are taken of the standardised values z = (x − mean)/sd (training rows), ` +
      `so every term must be listed explicitly — all ${fmtInt(termCount(candidates.length, dmin, dmax))} products of degree ${dmin}..${dmax} over ${candidates.length} features` +
      (powers ? `, plus ${candidates.length} plain powers z²` : '') +
      '.' +
      (constant.length > 0 ? ` Constant features left out: ${abbreviate(constant.map((j) => names[j]))}.` : ''),
  });
  const terms: number[][] = [];
  for (let d = dmin; d <= dmax; d++) combinations(candidates, d, (c) => terms.push(c));
  if (powers) for (const j of candidates) terms.push([j, j]);
  // Every task: a bounded number of products per KKT check (EXPLICIT_WORK; the battery's spam table, 1,653 terms ×
  // 2,760 training rows, is within it, while 60 continuous features × 36,000 training rows took 4.9 s unbounded).
  const fitSplit = capWork(setup, terms.length, fitCount);
  const fits = fitExplicit(setup, terms, values, fitSplit);
  const model = task === 'regression' ? 'L1 least squares (lasso)' : task === 'multiclass' ? 'L1 logistic regression per class (one-vs-rest)' : 'L1 logistic regression';
  steps.push({
    id: 'fit',
    title: `${model} over the listed terms`,
    detail: `${fmtInt(terms.length)} terms over ${fmtInt(fitSplit.train.length)} training rows, streamed term by term within the budget; every zero coefficient certified by a KKT check over all listed terms. ${describeFits(fits, null)}`,
  });
  if (dmax < candidates.length) approximations.push(`interactions above degree ${dmax} were not examined (continuous representation)`);
  const bounded = workBoundNote(fits);
  if (bounded) approximations.push(bounded);
  return assemble(setup, fits, {
    describeTerm: (id) => terms[id],
    spaceTerms: terms.length,
    mode: 'exact',
    candidates,
    degree: { min: dmin, max: dmax },
    representation: 'continuous',
    values,
    certifiedDegree: dmax,
    examined: dmin === 1 ? candidates : [],
    parity: null,
    lowOrder: null,
    binarisation: [],
  });
}

/** The split with at most MAX_EXPLICIT_TRAIN_ROWS training rows (a seeded sample), noting the cut. */
function capTrainRows(split: Split, seed: number, approximations: string[], cap = MAX_EXPLICIT_TRAIN_ROWS, why = '', subject = 'the listed-term fit'): Split {
  if (split.train.length <= cap) return split;
  const picks = sampleIndices(split.train.length, cap, createRng(seed ^ 0x5eed));
  approximations.push(
    `${subject} used a seeded sample of ${fmtInt(cap)} of the ${fmtInt(split.train.length)} training rows${why}; validation and test rows were all used`,
  );
  const train = new Uint32Array(picks.length);
  picks.forEach((i, k) => (train[k] = split.train[i]));
  return { ...split, train };
}

/**
 * The training rows of a two-class listed-term fit: at most MAX_EXPLICIT_TRAIN_ROWS, and at most
 * BINARY_EXPLICIT_WORK / terms, so that one KKT check streams a bounded number of products whatever the table's
 * size (a million-row table's 600 focused terms: about 83,000 rows). The λ path is still chosen on every
 * validation row and scored on every test row; the sample is said in the report.
 */
function capBinaryWork(setup: FitSetup, terms: number): Split {
  const byWork = Math.max(MIN_BINARY_EXPLICIT_ROWS, Math.floor(BINARY_EXPLICIT_WORK / Math.max(1, terms)));
  const cap = Math.min(MAX_EXPLICIT_TRAIN_ROWS, byWork);
  return capTrainRows(setup.split, setup.seed, setup.approximations, cap, cap === byWork ? ` (${fmtInt(terms)} terms: work bound)` : '');
}

/** The training rows a listed-term fit over continuous features may stream within EXPLICIT_WORK (every task). */
function capWork(setup: FitSetup, terms: number, fits: number): Split {
  const byWork = Math.max(MIN_EXPLICIT_ROWS, Math.floor(EXPLICIT_WORK / Math.max(1, terms * fits)));
  const cap = Math.min(MAX_EXPLICIT_TRAIN_ROWS, setup.task === 'multiclass' ? Math.min(setup.ovrMaxTrainRows, byWork) : byWork);
  const why =
    cap === byWork
      ? ` (${fmtInt(terms)} terms × ${fits} model(s): work bound)`
      : cap === setup.ovrMaxTrainRows
        ? ` (one-vs-rest: at most ${fmtInt(OVR_TRAIN_ROWS)} rows over the ${fits} class models)`
        : '';
  return capTrainRows(setup.split, setup.seed, setup.approximations, cap, why);
}

/** Calls `emit` with every k-subset of `items` (ascending). */
function combinations(items: readonly number[], k: number, emit: (c: number[]) => void): void {
  const chosen: number[] = [];
  const walk = (start: number): void => {
    if (chosen.length === k) {
      emit([...chosen]);
      return;
    }
    for (let i = start; i <= items.length - (k - chosen.length); i++) {
      chosen.push(items[i]);
      walk(i + 1);
      chosen.pop();
    }
  };
  walk(0);
}

function skipped(reason: string, base: Base): SparsityAnalysis {
  const report: SparsityReport = {
    status: 'skipped',
    reason,
    mode: null,
    representation: 'standardised binarised features',
    candidates: [],
    degree: { min: 0, max: 0 },
    terms: 0,
    ...base,
    nonzero: 0,
    sparsity: 0,
    lambda: null,
    lambdaMax: null,
    lambdaRule: null,
    pathEnd: null,
    path: [],
    top: [],
    intercept: null,
    holdout: null,
    participation: [],
    parity: null,
    lowOrder: null,
    binarisation: [],
    split: { seed: 0, train: 0, validation: 0, test: 0 },
    rowsUsed: 0,
    steps: [{ id: 'skipped', title: 'Skipped', detail: reason }],
    approximations: [],
  };
  return { model: null, report };
}

function clip(z: number, limit: number): number {
  return z > limit ? limit : z < -limit ? -limit : z;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function fmtNum(x: number): string {
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(3) : Number(x.toPrecision(5)).toString();
}

/**
 * Marks with −1 the labelled rows where `col` is not a finite number; returns how many it marked. Column by column
 * (a walk down each array, in a small function V8 optimises), each row counted once: the first column that marks it.
 */
function dropNonFinite(col: Float32Array, labels: Int32Array): number {
  let dropped = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= 0 && !Number.isFinite(col[i])) {
      labels[i] = -1;
      dropped++;
    }
  }
  return dropped;
}

import type { CancelSignal } from '../cancel';
import { binarisation, binariseColumn } from '../binarise';
import type { Binarisation } from '../binarise';
import type { Dataset } from '../dataset';
import { createRng } from '../random';
import type { FeatureProfile } from '../stats/profile';
import { rowMoments, splitRows } from '../split';
import type { Split } from '../split';
import { normalQuantile } from '../stats/distributions';
import { wilsonInterval } from '../stats/intervals';
import { sampleIndices } from '../stats/sampling';
import { mapToFloat32, mapToFloat64 } from '../typed';
import { buildCellTable, cellIndex } from './cells';
import { fitPath } from './path';
import type { PathPoint, PathResult, TermSpace } from './path';
import { searchParity } from './parity';
import { explicitSpace, transformSpace } from './spaces';
import { maskMembers, termCount } from './transform';

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

export interface SparsityStep {
  readonly id: string;
  readonly title: string;
  readonly detail: string;
}

export interface SparsityTerm {
  readonly features: string[];
  readonly degree: number;
  /** Coefficient of the standardised term in the fitted L1 logistic model. */
  readonly coefficient: number;
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
  readonly nonzero: number;
  /** 1 − nonzero / terms. */
  readonly sparsity: number;
  readonly lambda: number | null;
  readonly lambdaMax: number | null;
  readonly lambdaRule: string | null;
  readonly pathEnd: string | null;
  readonly path: PathPoint[];
  /** Strongest first. */
  readonly top: SparsityTerm[];
  readonly intercept: number | null;
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
}

export interface HoldOut {
  readonly train: { readonly accuracy: number; readonly logLoss: number };
  readonly validation: { readonly accuracy: number; readonly logLoss: number };
  readonly test: { readonly accuracy: number; readonly logLoss: number; readonly rows: number; readonly ci95: [number, number] };
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
  /** |z| a term needs to count, Bonferroni-corrected for the number of terms screened (family-wise 1 %). */
  readonly zCritical: number;
  readonly significant: { readonly features: string[]; readonly z: number }[];
  readonly strongest: { readonly features: string[]; readonly z: number } | null;
}

/** The fitted model behind a sparsity report, for the relevance tests and the hypotheses that follow it. */
export interface SparsityModel {
  /** Every non-zero term (feature positions) with its coefficient, strongest first. */
  readonly terms: { readonly features: number[]; readonly coefficient: number }[];
  readonly intercept: number;
  readonly representation: 'binarised' | 'continuous';
  /** Per feature and row: the standardised value that enters the products (from the training rows' statistics). */
  readonly values: readonly Float32Array[];
  /** Terms of degree above this were not in the fitted space (Infinity: every subset was). */
  readonly certifiedDegree: number;
  /** Labels with −1 for rows left out (no label or a missing feature). */
  readonly labels: Int32Array;
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

/**
 * The published route — standardise, expand into interaction-only products, fit L1 logistic regression, read off the
 * dominant terms — done exactly where it fits and narrowed by stated evidence where it does not.
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
  if (!label || label.task !== 'binary' || label.classes.length !== 2) {
    return skipped(
      !label
        ? 'no label: the sparsity analysis needs a two-class label'
        : label.task === 'regression'
          ? `label "${label.name}" is a numeric target; the L1 interaction analysis fits two classes, so relevance comes from the marginal and drop-column tests`
          : `label "${label.name}" has ${label.classes.length} classes; the L1 interaction analysis fits exactly two, so relevance comes from the marginal and drop-column tests`,
      base,
    );
  }

  // Rows with a label and every feature present; the others cannot enter a product term.
  const labels = Int32Array.from(label.values);
  let dropped = 0;
  for (let i = 0; i < dataset.rows; i++) {
    if (labels[i] < 0) continue;
    for (let j = 0; j < p; j++) {
      if (!Number.isFinite(dataset.columns[j][i])) {
        labels[i] = -1;
        dropped++;
        break;
      }
    }
  }
  const split = splitRows(labels, dataset.rows, seed);
  const rowsUsed = split.train.length + split.validation.length + split.test.length;
  if (split.train.length < 20 || split.validation.length < 5 || split.test.length < 5) {
    return skipped(`only ${rowsUsed} complete labelled rows: too few for a 60/20/20 split`, base);
  }
  if (dropped > 0) approximations.push(`${dropped} labelled row(s) with a missing feature value were left out`);

  // Binarise: two-valued features at the gap between their peaks, the rest at the mean (stated).
  const bins = features.map((f) => binarisation(f.modes, f.stats, f.values));
  const atMean = bins.flatMap((b, j) => (b.rule === 'mean' ? [names[j]] : []));
  const twoValued = p - atMean.length;
  const wanted = options.powers ? 'continuous' : (options.representation ?? 'auto');
  const representation: 'binarised' | 'continuous' = wanted === 'auto' ? (twoValued * 2 >= p ? 'binarised' : 'continuous') : wanted;
  if (representation === 'continuous') {
    return continuousAnalysis(dataset, labels, split, rowsUsed, options, base, steps, approximations, {
      twoValued,
      requested: wanted,
    });
  }
  const bits = dataset.columns.map((c, j) => binariseColumn(c, bins[j].threshold));
  steps.push({
    id: 'representation',
    title: 'Standardised binarised features',
    detail:
      `${twoValued} of ${p} features sit at two values (two peaks or two distinct values), so each is cut at the gap between them; ` +
      'products of standardised two-valued features are parity (Walsh) characters, whose fit to the label can be computed for all subsets at once.' +
      (atMean.length > 0 ? ` ${atMean.length} feature(s) without two peaks (${abbreviate(atMean)}) are cut at their mean, which keeps only their direction.` : ''),
  });
  if (atMean.length > 0) approximations.push(`features without two peaks were binarised at their mean: ${abbreviate(atMean)}`);

  // Standardisation from the training rows only.
  const s0 = new Float64Array(p);
  const s1 = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let ones = 0;
    for (const r of split.train) ones += bits[j][r];
    const q = Math.min(1 - 1e-9, Math.max(1e-9, ones / split.train.length));
    const sd = Math.sqrt(q * (1 - q));
    s0[j] = -q / sd;
    s1[j] = (1 - q) / sd;
  }
  const bitValues = bits.map((b, j) => {
    const out = new Float32Array(b.length);
    const zero = s0[j];
    const one = s1[j];
    for (let i = 0; i < b.length; i++) out[i] = b[i] ? one : zero;
    return out;
  });

  let candidates: number[];
  let parity: ParityFinding | null = null;
  let lowOrder: LowOrderScreen | null = null;
  let mode: 'exact' | 'focused' = 'exact';
  if (options.candidates) {
    candidates = [...new Set(options.candidates)].sort((a, b) => a - b);
    steps.push({ id: 'candidates', title: 'Candidates given', detail: `Expansion over the ${candidates.length} features asked for: ${abbreviate(candidates.map((j) => names[j]))}.` });
  } else if (p <= transformFeatures) {
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
      detail: `The full expansion has ${fmtBig(p)} terms; the budget (${fmtBytes(budgetBytes)}, and the time an exact fit takes) allows all subsets of at most ${transformFeatures} features. Narrowing the candidates with the evidence below.`,
    });
    const rng = createRng(seed);
    const found = searchParity({ bits, labels, rows: split.train, checkRows: split.validation, rng });
    parity = {
      features: found.features ? found.features.map((j) => names[j]) : null,
      negated: found.negated,
      agreement: found.agreement,
      z: found.z,
      attempts: found.attempts,
      detectableNoise: found.detectableNoise,
    };
    steps.push({
      id: 'parity',
      title: 'Parity search over all features',
      detail: found.features
        ? `Gaussian elimination over GF(2) on random sets of ${found.rowsPerAttempt} training rows found the rule y = ${found.negated ? 'NOT ' : ''}parity(${abbreviate(found.features.map((j) => names[j]))}) after ${found.attempts} attempt(s); it agrees with ${(100 * found.agreement).toFixed(1)} % of validation rows (z = ${found.z.toFixed(1)} against chance).`
        : `No parity rule beat chance after ${found.attempts} attempts (best validation agreement ${(100 * found.agreement).toFixed(1)} %); a parity over any subset of the ${p} features with label noise below ${(100 * found.detectableNoise).toFixed(1)} % would have been found with 99 % probability.`,
    });
    lowOrder = screenLowOrder(bits, s0, s1, labels, split, names);
    steps.push({
      id: 'lowOrder',
      title: 'Low-order screen',
      detail:
        `All ${fmtInt(lowOrder.terms)} terms of degree 1–2 scored against the label on training rows (|z| > ${lowOrder.zCritical.toFixed(2)} counts, Bonferroni 1 %): ` +
        (lowOrder.significant.length > 0
          ? `${lowOrder.significant.length} significant, strongest ${lowOrder.significant.slice(0, 5).map((t) => `${t.features.join('·')} (z = ${t.z.toFixed(1)})`).join(', ')}.`
          : `none significant (strongest ${lowOrder.strongest ? `${lowOrder.strongest.features.join('·')}, |z| = ${Math.abs(lowOrder.strongest.z).toFixed(1)}` : '—'}): no main effect or pairwise interaction carries the label.`),
    });
    const bursts = features.filter((f) => f.shape === 'burst').map((f) => f.index);
    const lowOrderFeatures = new Set(lowOrder.significant.flatMap((t) => t.features.map((n) => names.indexOf(n))));
    const set = new Set<number>(found.features ?? range(p).filter((j) => !bursts.includes(j)));
    for (const j of lowOrderFeatures) set.add(j);
    candidates = [...set].sort((a, b) => a - b);
    steps.push({
      id: 'narrow',
      title: 'Candidates narrowed',
      detail:
        (found.features
          ? `Candidates = the ${found.features.length} features of the parity rule`
          : `Candidates = the ${p - bursts.length} features that are not burst-like (shape evidence: ${bursts.length} burst-like feature(s) set aside)`) +
        (lowOrderFeatures.size > 0 ? ` plus ${lowOrderFeatures.size} feature(s) from significant low-order terms` : '') +
        `: ${candidates.length} in all.` +
        (found.features && bursts.length > 0
          ? ` Shape evidence agrees on ${bursts.filter((j) => !set.has(j)).length} of ${bursts.length} burst-like features being outside.`
          : ''),
    });
    if (candidates.length > transformFeatures) mode = 'focused';
  }

  const dmin = Math.max(1, options.degree?.[0] ?? 1);
  let result: PathResult;
  let describeTerm: (id: number) => number[];
  let spaceTerms: number;
  let dmax: number;
  if (mode === 'exact') {
    const k = candidates.length;
    dmax = Math.min(k, options.degree?.[1] ?? k);
    const cellOf = cellIndex(candidates.map((j) => bits[j]), dataset.rows);
    const tables = {
      train: buildCellTable(k, cellOf, labels, split.train),
      validation: buildCellTable(k, cellOf, labels, split.validation),
      test: buildCellTable(k, cellOf, labels, split.test),
    };
    const space = transformSpace(tables, Float64Array.from(candidates, (j) => s0[j]), Float64Array.from(candidates, (j) => s1[j]), dmin, dmax);
    result = fitPath(space, { lambda: options.lambda, signal: options.signal });
    describeTerm = (id) => maskMembers(id).map((b) => candidates[b]);
    spaceTerms = termCount(k, dmin, dmax);
    steps.push({
      id: 'fit',
      title: 'L1 logistic regression, exact over the expansion',
      detail:
        `${fmtInt(spaceTerms)} standardised interaction terms (degree ${dmin}..${dmax} over ${k} features), as ${fmtInt(tables.train.cells.length)} occupied cells instead of a ${fmtInt(split.train.length)} × ${fmtInt(spaceTerms)} matrix; ` +
        `coordinate descent along a λ path with strong rules, every zero coefficient certified by a KKT check over all terms (${result.gradientChecks} transforms). ${result.lambdaRule}; ${result.pathEnd}.`,
    });
  } else {
    const parityFeatures = parity?.features ? parity.features.map((n) => names.indexOf(n)) : candidates;
    const terms = focusedTerms(candidates, parityFeatures, p, options.degree);
    const fitSplit = capTrainRows(split, seed, approximations);
    const space: TermSpace = explicitSpace(terms, bitValues, fitSplit, labels, budgetBytes / 2);
    result = fitPath(space, { lambda: options.lambda, signal: options.signal });
    describeTerm = (id) => [...terms[id]];
    spaceTerms = terms.length;
    dmax = Math.max(...terms.map((t) => t.length));
    steps.push({
      id: 'fit',
      title: 'L1 logistic regression on a focused set of terms',
      detail:
        `${candidates.length} candidates are too many for all ${fmtBig(candidates.length)} subsets, so the fit covers ${fmtInt(terms.length)} terms: every single feature and pair, the parity term and each parity term with one feature removed or added; KKT-certified within that set. ${result.lambdaRule}; ${result.pathEnd}.`,
    });
    approximations.push(
      `the fit covered ${fmtInt(terms.length)} chosen terms, not the ${fmtBig(candidates.length)} subsets of the ${candidates.length} candidates; terms outside that set were not examined`,
    );
  }

  return assemble({
    names,
    result,
    describeTerm,
    spaceTerms,
    steps,
    approximations,
    labels,
    split,
    seed,
    rowsUsed,
    base,
    mode,
    candidates,
    degree: { min: dmin, max: dmax },
    representation: 'binarised',
    values: bitValues,
    certifiedDegree: Infinity,
    // A zero is certified for a feature only if every subset containing it was in the space: all degrees.
    examined: mode === 'exact' && dmin === 1 && dmax === candidates.length ? candidates : [],
    parity,
    lowOrder,
    binarisation: bins.map((b, j) => ({ feature: names[j], threshold: b.threshold, rule: b.rule })),
  });
}

interface AssembleInput {
  readonly names: readonly string[];
  readonly result: PathResult;
  readonly describeTerm: (id: number) => number[];
  readonly spaceTerms: number;
  readonly steps: SparsityStep[];
  readonly approximations: string[];
  readonly labels: Int32Array;
  readonly split: Split;
  readonly seed: number;
  readonly rowsUsed: number;
  readonly base: { readonly budget: SparsityReport['budget']; readonly fullExpansionTerms: number };
  readonly mode: 'exact' | 'focused';
  readonly candidates: readonly number[];
  readonly degree: { readonly min: number; readonly max: number };
  readonly representation: 'binarised' | 'continuous';
  readonly values: readonly Float32Array[];
  readonly certifiedDegree: number;
  readonly examined: readonly number[];
  readonly parity: ParityFinding | null;
  readonly lowOrder: LowOrderScreen | null;
  readonly binarisation: SparsityReport['binarisation'];
}

/** The report and model from a fitted path: top terms, participation, hold-out figures, the closing steps. */
function assemble(a: AssembleInput): SparsityAnalysis {
  const { names, result, describeTerm, spaceTerms, steps } = a;
  const p = names.length;
  const top = result.terms.slice(0, 20).map((t) => {
    const members = describeTerm(t.id);
    return { features: members.map((j) => names[j]), degree: members.length, coefficient: t.coefficient };
  });
  const mass = new Float64Array(p);
  let totalMass = 0;
  for (const t of result.terms) {
    const w = Math.abs(t.coefficient);
    totalMass += w;
    for (const j of new Set(describeTerm(t.id))) mass[j] += w;
  }
  const n = result.test.rows;
  const acc = result.test.accuracy;
  const nonzero = result.terms.length;
  steps.push({
    id: 'result',
    title: 'What the coefficients say',
    detail:
      nonzero === 0
        ? 'No term survives the penalty: nothing in the expansion predicts the label better than its base rate.'
        : `${nonzero} non-zero of ${fmtInt(spaceTerms)} terms (sparsity ${(100 * (1 - nonzero / spaceTerms)).toFixed(3)} %); ` +
          `the strongest is ${top[0].degree === 1 ? 'the single feature' : `the degree-${top[0].degree} product`} ${top[0].features.join('·')} (coefficient ${top[0].coefficient.toFixed(3)})` +
          (top.length > 1 ? `, next ${top[1].features.join('·')} (${top[1].coefficient.toFixed(3)})` : '') +
          `; hold-out accuracy ${acc.toFixed(4)} on ${n} test rows.`,
  });
  steps.push({
    id: 'structure',
    title: 'Structure',
    detail: describeStructure(top, result.terms.map((t) => ({ degree: describeTerm(t.id).length, coefficient: t.coefficient }))),
  });
  const model: SparsityModel = {
    terms: result.terms.map((t) => ({ features: describeTerm(t.id), coefficient: t.coefficient })),
    intercept: result.intercept,
    representation: a.representation,
    values: a.values,
    certifiedDegree: a.certifiedDegree,
    labels: a.labels,
    split: a.split,
    examined: a.examined,
    mode: a.mode,
    parityFeatures: a.parity?.features ? a.parity.features.map((f) => names.indexOf(f)) : null,
  };
  const report: SparsityReport = {
    status: 'done',
    reason: null,
    mode: a.mode,
    representation: a.representation === 'binarised' ? 'standardised binarised features' : 'standardised continuous features',
    candidates: a.candidates.map((j) => names[j]),
    degree: a.degree,
    terms: spaceTerms,
    ...a.base,
    nonzero,
    sparsity: 1 - nonzero / spaceTerms,
    lambda: result.lambda,
    lambdaMax: result.lambdaMax,
    lambdaRule: result.lambdaRule,
    pathEnd: result.pathEnd,
    path: result.path,
    top,
    intercept: result.intercept,
    holdout: {
      train: { accuracy: result.train.accuracy, logLoss: result.train.logLoss },
      validation: { accuracy: result.validation.accuracy, logLoss: result.validation.logLoss },
      test: { accuracy: acc, logLoss: result.test.logLoss, rows: n, ci95: n > 0 ? wilsonInterval(Math.round(acc * n), n) : [0, 1] },
    },
    participation: names.map((feature, j) => ({ feature, share: totalMass > 0 ? mass[j] / totalMass : 0 })),
    parity: a.parity,
    lowOrder: a.lowOrder,
    binarisation: a.binarisation,
    split: { seed: a.seed, train: a.split.train.length, validation: a.split.validation.length, test: a.split.test.length },
    rowsUsed: a.rowsUsed,
    steps,
    approximations: a.approximations,
  };
  return { report, model };
}

interface ContinuousInfo {
  readonly twoValued: number;
  readonly requested: 'auto' | 'binarised' | 'continuous';
}

/**
 * Features that do not sit at two values: products of their standardised values, listed explicitly (every term of
 * degree dmin..dmax over the candidates, plus squares when asked), fitted along the same certified λ path.
 */
function continuousAnalysis(
  dataset: Dataset,
  labels: Int32Array,
  split: Split,
  rowsUsed: number,
  options: SparsityOptions,
  base: { readonly budget: SparsityReport['budget']; readonly fullExpansionTerms: number },
  steps: SparsityStep[],
  approximations: string[],
  info: ContinuousInfo,
): SparsityAnalysis {
  const names = dataset.names;
  const p = names.length;
  const seed = options.seed ?? 42;
  const budgetBytes = base.budget.bytes;
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
  const fitSplit = capTrainRows(split, seed, approximations);
  const result = fitPath(explicitSpace(terms, values, fitSplit, labels, budgetBytes / 2), { lambda: options.lambda, signal: options.signal });
  steps.push({
    id: 'fit',
    title: 'L1 logistic regression over the listed terms',
    detail: `${fmtInt(terms.length)} terms over ${fmtInt(fitSplit.train.length)} training rows, streamed term by term within the budget; every zero coefficient certified by a KKT check over all listed terms. ${result.lambdaRule}; ${result.pathEnd}.`,
  });
  if (dmax < candidates.length) approximations.push(`interactions above degree ${dmax} were not examined (continuous representation)`);
  return assemble({
    names,
    result,
    describeTerm: (id) => terms[id],
    spaceTerms: terms.length,
    steps,
    approximations,
    labels,
    split,
    seed,
    rowsUsed,
    base,
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
function capTrainRows(split: Split, seed: number, approximations: string[]): Split {
  if (split.train.length <= MAX_EXPLICIT_TRAIN_ROWS) return split;
  const picks = sampleIndices(split.train.length, MAX_EXPLICIT_TRAIN_ROWS, createRng(seed ^ 0x5eed));
  approximations.push(
    `the listed-term fit used a seeded sample of ${fmtInt(MAX_EXPLICIT_TRAIN_ROWS)} of the ${fmtInt(split.train.length)} training rows; validation and test rows were all used`,
  );
  const train = new Uint32Array(picks.length);
  picks.forEach((i, k) => (train[k] = split.train[i]));
  return { ...split, train };
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

/**
 * What kind of dependence the non-zero terms describe, in one sentence: the claim a researcher takes away, so it
 * must not overstate (a parity is named only when one product of degree ≥ 2 carries nearly all the weight).
 */
function describeStructure(top: readonly SparsityTerm[], terms: readonly { degree: number; coefficient: number }[]): string {
  if (terms.length === 0) return 'No structure: no term of the expansion predicts the label.';
  const mass = terms.reduce((sum, t) => sum + Math.abs(t.coefficient), 0);
  const lead = terms[0];
  const share = Math.abs(lead.coefficient) / mass;
  const maxDegree = Math.max(...terms.map((t) => t.degree));
  if (lead.degree >= 2 && share >= 0.9) {
    return (
      `One product dominates: the degree-${lead.degree} term ${top[0].features.join('·')} carries ${(100 * share).toFixed(1)} % of the coefficient mass. ` +
      'A product of standardised two-valued features is a parity, so the natural hypothesis is y = parity of these features (tested below).'
    );
  }
  if (maxDegree === 1) {
    return `Main effects only: ${terms.length} single feature(s) and no interaction — the label is close to a linear function of the features; there is no parity (XOR) structure.`;
  }
  return (
    `Mixed: ${terms.filter((t) => t.degree === 1).length} main effect(s) and ${terms.filter((t) => t.degree > 1).length} interaction(s) up to degree ${maxDegree}; ` +
    `no single product dominates (the strongest carries ${(100 * share).toFixed(1)} %), so this is not a pure parity.`
  );
}

/** Degree-1 and degree-2 terms over all features, scored at the intercept-only model. */
function screenLowOrder(
  bits: readonly Uint8Array[],
  s0: Float64Array,
  s1: Float64Array,
  labels: Int32Array,
  split: Split,
  names: readonly string[],
): LowOrderScreen {
  const p = bits.length;
  const rows = split.train;
  const n = rows.length;
  let ybar = 0;
  for (const r of rows) ybar += labels[r];
  ybar /= n;
  const sdY = Math.sqrt(ybar * (1 - ybar));
  // Float32 is plenty for ±1-scale values and halves the memory on million-row data; sums stay float64.
  const values = bits.map((b, j) => mapToFloat32(n, (u) => (b[rows[u]] ? s1[j] : s0[j])));
  const resid = mapToFloat64(n, (u) => labels[rows[u]] - ybar);
  const scored: { features: string[]; z: number }[] = [];
  const score = (x: Float32Array, members: string[]): void => {
    let sxy = 0;
    let sxx = 0;
    for (let u = 0; u < n; u++) {
      sxy += x[u] * resid[u];
      sxx += x[u] * x[u];
    }
    // z of the correlation between the term and the label: r·√n.
    const z = sxx > 0 && sdY > 0 ? (sxy / Math.sqrt(sxx * n) / sdY) * Math.sqrt(n) : 0;
    scored.push({ features: members, z });
  };
  for (let a = 0; a < p; a++) score(values[a], [names[a]]);
  const prod = new Float32Array(n);
  for (let a = 0; a < p; a++) {
    for (let b = a + 1; b < p; b++) {
      for (let u = 0; u < n; u++) prod[u] = values[a][u] * values[b][u];
      score(prod, [names[a], names[b]]);
    }
  }
  const zCritical = normalQuantile(1 - 0.01 / (2 * scored.length));
  scored.sort((x, y) => Math.abs(y.z) - Math.abs(x.z));
  return {
    terms: scored.length,
    zCritical,
    significant: scored.filter((t) => Math.abs(t.z) > zCritical).slice(0, 50),
    strongest: scored[0] ?? null,
  };
}

/** Singles and pairs over the candidates, the parity term, and the parity term with one feature removed or added. */
function focusedTerms(candidates: readonly number[], parity: readonly number[], p: number, degree?: readonly [number, number]): number[][] {
  const terms = new Map<string, number[]>();
  const add = (t: number[]): void => {
    const sorted = [...new Set(t)].sort((a, b) => a - b);
    if (degree && (sorted.length < degree[0] || sorted.length > degree[1])) return;
    if (sorted.length > 0) terms.set(sorted.join(','), sorted);
  };
  for (const a of candidates) add([a]);
  for (let x = 0; x < candidates.length; x++) for (let y = x + 1; y < candidates.length; y++) add([candidates[x], candidates[y]]);
  add([...parity]);
  for (const j of parity) add(parity.filter((q) => q !== j));
  for (let j = 0; j < p; j++) if (!parity.includes(j)) add([...parity, j]);
  return [...terms.values()];
}

function skipped(reason: string, base: { budget: SparsityReport['budget']; fullExpansionTerms: number }): SparsityAnalysis {
  return { model: null, report: {
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
  } };
}

function clip(z: number, limit: number): number {
  return z > limit ? limit : z < -limit ? -limit : z;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function abbreviate(names: readonly string[]): string {
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 10).join(', ')}, … (${names.length})`;
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** 2^k − 1 as text, exact for any k (beyond 2^53 a number would round). */
function fmtBig(k: number): string {
  return k <= 50 ? fmtInt(2 ** k - 1) : `2^${k} − 1`;
}

function fmtBytes(b: number): string {
  return b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(1)} GiB` : b >= 1024 ** 2 ? `${(b / 1024 ** 2).toFixed(0)} MiB` : `${(b / 1024).toFixed(0)} KiB`;
}

/**
 * The fits of the sparsity analysis for each task, over either kind of term space: a two-class label (one L1
 * logistic path), a numeric target (one lasso path) or more classes (one L1 logistic path per class, one-vs-rest,
 * sharing the term columns). Everything that depends on the task and not on the representation lives here.
 */
import type { TaskRunner } from '../parallel/runner';
import type { CancelSignal } from '../cancel';
import type { Split } from '../split';
import { buildCellMoments, buildCellTable } from './cells';
import { fitPath } from './path';
import { WorkMeter } from './l1';
import type { PathResult, SquaredPathResult } from './path';
import { cellColumns, explicitSpace, explicitSquaredSpace, termStore, transformSpace, transformSquaredSpace } from './spaces';
import type { SparsityReport, SparsityStep } from './types';
import type { TermValues } from './termValues';

export type SparsityTask = 'binary' | 'regression' | 'multiclass';

/** What every fit of one analysis shares: the rows, the split, the target(s) and where the report's words go. */
export interface FitSetup {
  readonly task: SparsityTask;
  readonly names: readonly string[];
  /** 0/1 (two classes), class codes (more), 0 (numeric target); −1 for rows left out. */
  readonly labels: Int32Array;
  readonly split: Split;
  readonly rowsUsed: number;
  readonly seed: number;
  readonly budgetBytes: number;
  readonly base: { readonly budget: SparsityReport['budget']; readonly fullExpansionTerms: number };
  readonly steps: SparsityStep[];
  readonly approximations: string[];
  readonly lambda?: number;
  readonly signal?: CancelSignal;
  /** Threads for the listed-term gradients (the same coefficients whatever their number). */
  readonly runner?: TaskRunner;
  /** Numeric target: its standardised value per row (NaN where left out), and how it was standardised. */
  readonly y: Float64Array | null;
  readonly target: { readonly name: string; readonly mean: number; readonly sd: number } | null;
  /** One-vs-rest: the class names, which classes get a model, and each class's 0/1 label. */
  readonly classNames: readonly string[];
  readonly fitted: readonly boolean[];
  readonly classLabels: readonly Int32Array[];
  /** One-vs-rest: training rows a class model may use, and the split with its training rows capped (said so). */
  readonly ovrMaxTrainRows: number;
  capRows(cap: number, why: string): Split;
}

export type Fits =
  | { readonly kind: 'logistic'; readonly result: PathResult }
  | { readonly kind: 'squared'; readonly result: SquaredPathResult }
  | { readonly kind: 'ovr'; readonly results: readonly (PathResult | null)[] };

/**
 * One-vs-rest paths: glmnet's quadratic phase first (see L1Options.quadraticFirst), and the path ends before more
 * than 32 terms would enter at once (64 for one model): a class model that needs more is fitting noise, and K of
 * them on many rows cost seconds (20 two-valued features × 3,600 rows × 4 classes: 0.89 s → 0.58 s). On raw rows
 * (listed terms) the quadratic phase uses naive updates (see L1Options.naive); on cells, covariance updates, which
 * measured faster there (12 two-valued features, 60,000 rows, 4 classes: 0.49 s naive, 0.38 s covariance).
 */
/**
 * Coordinate-descent tolerance of the one-vs-rest fits: no coefficient step above 1e-5 in curvature-scaled units
 * (h·Δβ² < 1e-10, still tighter than glmnet's default 1e-7 on that scale). The two-class fits keep 1e-7.
 */
const OVR_TOL = 1e-5;

/**
 * Work bound of all the one-vs-rest paths together, in multiply-adds (WorkMeter), shared equally by the class models:
 * a few tenths of a second here. Near-separable classes over correlated degree-2 terms converge slowly (the battery's
 * weather table, 5 classes × 21 terms, took 6 s with every fit at its sweep limits); a path that reaches the bound
 * ends at its last complete, KKT-certified λ and says so in its `pathEnd`.
 */
export const OVR_WORK = 1.5e8;

function ovrWork(setup: FitSetup): number {
  const models = Math.max(1, setup.fitted.filter(Boolean).length);
  return OVR_WORK / models;
}
const OVR_CELLS = { maxActive: 32, logistic: { quadraticFirst: true, tol: OVR_TOL } } as const;
const OVR_ROWS = { maxActive: 32, logistic: { quadraticFirst: true, naive: true, tol: OVR_TOL } } as const;

/** Exact fits over every subset of degree dmin..dmax of k binarised candidates (cells and the product transform). */
export function fitExact(setup: FitSetup, k: number, cellOf: Uint32Array, s0: Float64Array, s1: Float64Array, dmin: number, dmax: number): { fits: Fits; cells: number } {
  const { split } = setup;
  const options = { lambda: setup.lambda, signal: setup.signal };
  if (setup.task === 'regression') {
    const y = setup.y!;
    const tables = {
      train: buildCellMoments(k, cellOf, y, split.train),
      validation: buildCellMoments(k, cellOf, y, split.validation),
      test: buildCellMoments(k, cellOf, y, split.test),
    };
    return { fits: { kind: 'squared', result: fitPath(transformSquaredSpace(tables, s0, s1, dmin, dmax), options) }, cells: tables.train.cells.length };
  }
  const tablesOf = (labels: Int32Array, rows: Split = split): Parameters<typeof transformSpace>[0] => {
    setup.signal?.throwIfAborted();
    return tablesOfUnchecked(labels, rows);
  };
  const tablesOfUnchecked = (labels: Int32Array, rows: Split): Parameters<typeof transformSpace>[0] => ({
    train: buildCellTable(k, cellOf, labels, rows.train),
    validation: buildCellTable(k, cellOf, labels, rows.validation),
    test: buildCellTable(k, cellOf, labels, rows.test),
  });
  if (setup.task === 'binary') {
    const tables = tablesOf(setup.labels);
    setup.signal?.throwIfAborted();
    const space = transformSpace(tables, s0, s1, dmin, dmax);
    setup.signal?.throwIfAborted();
    return { fits: { kind: 'logistic', result: fitPath(space, options) }, cells: tables.train.cells.length };
  }
  // One-vs-rest: the occupied cells do not depend on the label, so every class shares their term columns. Where the
  // cells cannot compress the rows (2^k above the row cap), each class would fit on nearly every training row: the
  // rows are then capped as for listed terms (the certificate still covers all 2^k − 1 terms, on those rows).
  const ovr = { ...options, ...OVR_CELLS };
  const fitSplit = 2 ** k > setup.ovrMaxTrainRows ? setup.capRows(setup.ovrMaxTrainRows, ` (one-vs-rest: at most ${setup.ovrMaxTrainRows.toLocaleString('en-US')} rows per class model where 2^${k} cells cannot compress them)`) : split;
  let shared: ReturnType<typeof cellColumns> | null = null;
  let cells = 0;
  const results = setup.classLabels.map((labels, c) => {
    if (!setup.fitted[c]) return null;
    const tables = tablesOf(labels, fitSplit);
    shared ??= cellColumns(tables, s0, s1);
    setup.signal?.throwIfAborted();
    cells = tables.train.cells.length;
    return fitPath(transformSpace(tables, s0, s1, dmin, dmax, shared), { ...ovr, meter: new WorkMeter(ovrWork(setup)) });
  });
  return { fits: { kind: 'ovr', results }, cells };
}

/** Fits over an explicit list of terms (feature positions) on the rows of `fitSplit`. */
export function fitExplicit(setup: FitSetup, terms: readonly (readonly number[])[], values: readonly TermValues[], fitSplit: Split): Fits {
  // The logistic fits on rows may run their sweeps on the runner's threads (l1Passes.ts): the same fits.
  const options = { lambda: setup.lambda, signal: setup.signal, runner: setup.runner };
  const budget = setup.budgetBytes / 2;
  const store = termStore(terms, values, fitSplit, budget, setup.runner, setup.signal);
  if (setup.task === 'regression') return { kind: 'squared', result: fitPath(explicitSquaredSpace(terms, values, fitSplit, setup.y!, budget, store), options) };
  if (setup.task === 'binary') return { kind: 'logistic', result: fitPath(explicitSpace(terms, values, fitSplit, setup.labels, budget, store), options) };
  const ovr = { ...options, ...OVR_ROWS };
  return {
    kind: 'ovr',
    results: setup.classLabels.map((labels, c) => (setup.fitted[c] ? fitPath(explicitSpace(terms, values, fitSplit, labels, budget, store), { ...ovr, meter: new WorkMeter(ovrWork(setup)) }) : null)),
  };
}

/** When class paths ended at the work bound (OVR_WORK) before their stopping rule: which, in one line. */
export function workBoundNote(fits: Fits): string | null {
  if (fits.kind !== 'ovr') return null;
  const bounded = fits.results.filter((r) => r !== null && r.pathEnd.includes('work bound')).length;
  if (bounded === 0) return null;
  return `${bounded} of ${fits.results.filter((r) => r !== null).length} class model(s) ended their λ path at the work bound (${OVR_WORK.toExponential(0)} multiply-adds over all classes) before the validation loss stopped improving; their sparsest certified λ so far was used (see classes[].pathEnd)`;
}

/** How the fits ended, for the `fit` step: the full-space checks (when `unit` names them), the λ rule and path end. */
export function describeFits(fits: Fits, unit: string | null): string {
  if (fits.kind !== 'ovr') {
    const end = `${fits.result.lambdaRule}; ${fits.result.pathEnd}.`;
    return unit === null ? end : `(${fits.result.gradientChecks} ${unit}). ${end}`;
  }
  const fitted = fits.results.filter((r): r is PathResult => r !== null);
  const checks = fitted.reduce((sum, r) => sum + r.gradientChecks, 0);
  const end = 'λ per class by the one-standard-error rule on its validation log-loss (see classes[]).';
  return unit === null ? end : `(${checks} ${unit} over ${fitted.length} class model(s)). ${end}`;
}

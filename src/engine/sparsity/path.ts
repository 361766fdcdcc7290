import type { CancelSignal } from '../cancel';
import type { TaskRunner } from '../parallel/runner';
import { normalQuantile } from '../stats/distributions';
import { evaluateUnits, fitL1Logistic } from './l1';
import type { L1Options, L1Result, L1State, UnitEvaluation, Units, WorkMeter } from './l1';
import { evaluateSquared, fitL1Squared } from './lasso';
import type { SquaredEvaluation, SquaredUnits } from './lasso';
import type { PathPoint, SquaredPathPoint } from './types';

/**
 * A space of candidate terms for the L1 path. Terms are numbered 0..size−1; only the active ones ever become columns.
 * The gradient of every term at once is what makes the strong-rule screen and the KKT check possible, so each space
 * supplies it in its own cheap way (a product transform for binarised features, a streamed pass for explicit ones).
 */
interface SpaceTerms {
  readonly size: number;
  allowed(id: number): boolean;
  /**
   * −∂(mean loss)/∂β_id for every id (length ≥ size), at the linear predictor `eta` on the train units: for the
   * logistic loss mean(x·(y − p)), for the squared loss mean(x·(y − η)) — either way |∇| ≤ λ is the KKT condition.
   */
  gradient(eta: Float64Array): Float64Array;
  /**
   * The same gradient handed to the runner's threads, collected by the returned function (this thread joins in then);
   * absent where the gradient runs in this thread anyway. Between the two the path evaluates the fit it just made.
   */
  startGradient?(eta: Float64Array): () => Float64Array;
  column(id: number, part: 'train' | 'validation' | 'test'): Float64Array;
}

/** Terms for a two-class label: L1 logistic regression (`loss` absent means logistic). */
export interface LogisticSpace extends SpaceTerms {
  readonly loss?: 'logistic';
  readonly train: Units;
  readonly validation: Units;
  readonly test: Units;
}

/** Terms for a numeric target: the lasso, (1/2n)‖y − b − Xβ‖² + λ‖β‖₁. */
export interface SquaredSpace extends SpaceTerms {
  readonly loss: 'squared';
  readonly train: SquaredUnits;
  readonly validation: SquaredUnits;
  readonly test: SquaredUnits;
}

export type TermSpace = LogisticSpace | SquaredSpace;

export interface PathOptions {
  /** Fit only this λ instead of choosing along the path. */
  readonly lambda?: number;
  readonly pathLength?: number;
  /** Smallest λ on the path as a fraction of λ_max. */
  readonly lambdaMinRatio?: number;
  /** Stop the path before more than this many terms would be active (smaller λ only fits noise). */
  readonly maxActive?: number;
  /** Logistic fits: how each fit is solved (see L1Options.quadraticFirst and naive); default as for two classes. */
  readonly logistic?: Pick<L1Options, 'quadraticFirst' | 'naive' | 'tol'>;
  /**
   * Bounds the work of the path's fits (logistic loss). A λ whose fit runs it out is discarded, and the path ends at
   * the previous λ — every fit kept is complete and KKT-certified — saying so in `pathEnd`.
   */
  readonly meter?: WorkMeter;
  readonly signal?: CancelSignal;
  /** Logistic fits over many units on SharedArrayBuffers: their exact sweeps on the runner's threads (L1Options.runner). */
  readonly runner?: TaskRunner;
}

interface PathCommon {
  readonly lambda: number;
  readonly lambdaMax: number;
  /** How λ was chosen, in words. */
  readonly lambdaRule: string;
  /** Why the path ended where it did. */
  readonly pathEnd: string;
  readonly intercept: number;
  /** Non-zero terms and their coefficients, strongest first. */
  readonly terms: { readonly id: number; readonly coefficient: number }[];
  /** Full-space gradient evaluations (each one screens or certifies every term). */
  readonly gradientChecks: number;
}

export interface PathResult extends PathCommon {
  readonly path: PathPoint[];
  readonly train: UnitEvaluation;
  readonly validation: UnitEvaluation;
  readonly test: UnitEvaluation;
}

export interface SquaredPathResult extends PathCommon {
  readonly loss: 'squared';
  readonly path: SquaredPathPoint[];
  readonly train: SquaredEvaluation;
  readonly validation: SquaredEvaluation;
  readonly test: SquaredEvaluation;
}

/** What the path needs of a loss: the fit, a part's validation loss with its standard error, and the words for it. */
interface LossModel<E> {
  /** Intercept of the intercept-only model on the training units. */
  readonly start: number;
  /** Standard error of a standardised term's score (its gradient) at the intercept-only model. */
  readonly scoreSe: number;
  readonly lossName: string;
  fit(columns: readonly Float64Array[], lambda: number, start: L1State): L1Result;
  evaluate(state: L1State, active: readonly number[], part: 'train' | 'validation' | 'test'): E;
  loss(e: E): { readonly value: number; readonly se: number };
}

/**
 * The L1 logistic path with sequential strong rules and KKT checks (Tibshirani et al. 2012): every term left at zero
 * is certified optimal against the whole space, so the answer is exact for the space, not for a sample of it.
 */
/** Grid points plus refinements: a bound on the fits one path may take. */
const MAX_PATH_STEPS = 200;
/**
 * Refined λ values (between two grid points, because too many terms would enter at once) a path may fit. Every fit
 * costs coordinate descent over the active terms, slow among correlated ones (on the battery's breast-cancer table
 * an unbounded path took 57 fits and 2.5 s); past this many the old stop applies, but only once a term is in.
 */
const MAX_REFINED_STEPS = 12;

export function fitPath(space: LogisticSpace, options?: PathOptions): PathResult;
export function fitPath(space: SquaredSpace, options?: PathOptions): SquaredPathResult;
export function fitPath(space: TermSpace, options?: PathOptions): PathResult | SquaredPathResult;
export function fitPath(space: TermSpace, options: PathOptions = {}): PathResult | SquaredPathResult {
  if (space.loss === 'squared') {
    const model = squaredModel(space, options.signal ? { signal: options.signal } : {});
    const { path: points, chosen, common } = runPath(space, model, options);
    const path = points.map((p) => ({ lambda: p.lambda, nonzero: p.nonzero, validationMse: p.e.mse, validationMseSe: p.e.mseSe, validationR2: p.e.r2 }));
    return { loss: 'squared', ...common, path, ...parts(model, chosen) };
  }
  const model = logisticModel(space, {
    ...options.logistic,
    ...(options.meter ? { meter: options.meter } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.runner ? { runner: options.runner } : {}),
  });
  const { path: points, chosen, common } = runPath(space, model, options);
  const path = points.map((p) => ({ lambda: p.lambda, nonzero: p.nonzero, validationLogLoss: p.e.logLoss, validationLogLossSe: p.e.logLossSe, validationAccuracy: p.e.accuracy }));
  return { ...common, path, ...parts(model, chosen) };
}

function parts<E>(model: LossModel<E>, chosen: { state: L1State; active: number[] }): { train: E; validation: E; test: E } {
  return {
    train: model.evaluate(chosen.state, chosen.active, 'train'),
    validation: model.evaluate(chosen.state, chosen.active, 'validation'),
    test: model.evaluate(chosen.state, chosen.active, 'test'),
  };
}

function logisticModel(space: LogisticSpace, fitOptions: L1Options = {}): LossModel<UnitEvaluation> {
  const W = sum(space.train.weight);
  const ybar = sum(space.train.positives) / Math.max(1, W);
  return {
    start: logit(ybar),
    // The gradient of a standardised term at the intercept-only model is its score statistic mean(x·(y − ȳ)), with
    // standard error ≈ √(ȳ(1 − ȳ)/W).
    scoreSe: Math.sqrt(Math.max(1e-12, ybar * (1 - ybar)) / Math.max(1, W)),
    lossName: 'log-loss',
    fit: (columns, lambda, start) => fitL1Logistic(space.train, columns, lambda, start, fitOptions),
    evaluate: (state, active, part) => evaluateUnits(space[part], predictor(space, state, active, part)),
    loss: (e) => ({ value: e.logLoss, se: e.logLossSe }),
  };
}

function squaredModel(space: SquaredSpace, signalOptions: L1Options = {}): LossModel<SquaredEvaluation> {
  const W = sum(space.train.weight);
  const ybar = sum(space.train.sum) / Math.max(1, W);
  const variance = Math.max(0, sum(space.train.sum2) / Math.max(1, W) - ybar * ybar);
  return {
    start: ybar,
    // For the squared loss the score of a standardised term at the mean is mean(x·(y − ȳ)), standard error ≈ sd(y)/√W.
    scoreSe: Math.sqrt(Math.max(1e-12, variance) / Math.max(1, W)),
    lossName: 'mean squared error (standardised target)',
    fit: (columns, lambda, start) => fitL1Squared(space.train, columns, lambda, start, signalOptions),
    evaluate: (state, active, part) => evaluateSquared(space[part], predictor(space, state, active, part)),
    loss: (e) => ({ value: e.mse, se: e.mseSe }),
  };
}

interface RunResult<E> {
  readonly path: { readonly lambda: number; readonly nonzero: number; readonly e: E }[];
  readonly chosen: { state: L1State; active: number[] };
  readonly common: PathCommon;
}

/** Terms t of `ids` with |grad[t]| ≥ bound. (The path's scans over every term are small functions of their own.) */
function countAtLeast(grad: Float64Array, ids: Uint32Array, bound: number): number {
  let n = 0;
  for (let a = 0; a < ids.length; a++) if (Math.abs(grad[ids[a]]) >= bound) n++;
  return n;
}

/**
 * Appends to `list`, in `ids` order, each term not yet flagged whose |grad| is ≥ bound (> bound when `strict`), and
 * flags it; returns whether any joined.
 */
function joinAbove(grad: Float64Array, ids: Uint32Array, bound: number, strict: boolean, flags: Uint8Array, list: number[]): boolean {
  let joined = false;
  for (let a = 0; a < ids.length; a++) {
    const t = ids[a];
    const g = Math.abs(grad[t]);
    if ((strict ? g > bound : g >= bound) && flags[t] === 0) {
      flags[t] = 1;
      list.push(t);
      joined = true;
    }
  }
  return joined;
}

function runPath<E>(space: TermSpace, model: LossModel<E>, options: PathOptions): RunResult<E> {
  let gradientChecks = 0;
  const gradient = (eta: Float64Array): Float64Array => {
    gradientChecks++;
    return space.gradient(eta);
  };
  const begin = space.startGradient?.bind(space);
  const startGradient = begin
    ? (eta: Float64Array): (() => Float64Array) => {
        gradientChecks++;
        return begin(eta);
      }
    : null;
  const trainUnits = space.train.weight.length;
  let state: L1State = { intercept: model.start, beta: new Float64Array(0) };
  let active: number[] = [];
  // The allowed ids once, as a flat list: the screens below walk it several times per λ.
  let allowedCount = 0;
  for (let t = 0; t < space.size; t++) if (space.allowed(t)) allowedCount++;
  const ids = new Uint32Array(allowedCount);
  for (let t = 0, a = 0; t < space.size; t++) if (space.allowed(t)) ids[a++] = t;
  let grad = gradient(new Float64Array(trainUnits).fill(state.intercept));
  let lambdaMax = 0;
  for (let a = 0; a < ids.length; a++) lambdaMax = Math.max(lambdaMax, Math.abs(grad[ids[a]]));
  // Does any term have a significant effect at the intercept-only model? The gradient of a standardised term there is
  // its score statistic (model.scoreSe): a z-test, Bonferroni 5 % over the terms. If one does, the path must not end
  // before it enters, however many others crowd in beside it.
  const scoreSe = model.scoreSe;
  const significantEntry = lambdaMax / scoreSe >= normalQuantile(1 - 0.025 / Math.max(1, ids.length));

  const lambdas: number[] = [];
  if (options.lambda !== undefined) lambdas.push(options.lambda);
  else {
    const n = options.pathLength ?? 16;
    const ratio = options.lambdaMinRatio ?? 1e-3;
    // Start a hair above λ_max: there the solution is exactly zero, and rounding in the coordinate step cannot
    // leave a spurious 1e-12 coefficient behind.
    for (let l = 0; l < n; l++) lambdas.push(lambdaMax * (l === 0 ? 1 + 1e-9 : Math.pow(ratio, l / (n - 1))));
  }
  const maxActive = options.maxActive ?? 64;

  const path: { lambda: number; nonzero: number; e: E; loss: number; lossSe: number }[] = [];
  const fits: { state: L1State; active: number[] }[] = [];
  let previousLambda = Math.max(lambdaMax, lambdas[0]);
  let bestLoss = Infinity;
  let sinceBest = 0;
  let pathEnd = 'end of the λ path';
  const entering = (lambda: number): number => {
    // Sequential strong rule: terms with |∇| < 2λ − λ_prev are very likely zero at λ (checked by KKT below).
    return countAtLeast(grad, ids, 2 * lambda - previousLambda);
  };
  // This λ's candidate terms and their flags (cleared at the next λ; one flag array for the whole path).
  let candidate: number[] = [];
  const isCandidate = new Uint8Array(space.size);
  let gridIndex = 0;
  let steps = 0;
  let refinedSteps = 0;
  // Refinement goes on only while it pays: once a refined step fails to improve the validation loss, the crowd of
  // terms entering is noise (on Kryptonite, after the parity term), and the old stop applies again.
  let refinementPaid = true;
  while (gridIndex < lambdas.length && steps++ < MAX_PATH_STEPS) {
    options.signal?.throwIfAborted();
    // The next grid λ, or — when more than maxActive terms would enter at once, as happens with many correlated
    // continuous features just below λ_max — a λ between it and the last one (geometric midpoints until few enough
    // enter), so that terms enter a few at a time and the path never ends before the first of them is in.
    let lambda = lambdas[gridIndex];
    let count = entering(lambda);
    let refined = false;
    const mayRefine = significantEntry && (active.length === 0 || (refinementPaid && refinedSteps < MAX_REFINED_STEPS));
    while (mayRefine && count > maxActive && lambda < previousLambda * (1 - 1e-9)) {
      const closer = Math.sqrt(lambda * previousLambda);
      if (closer >= previousLambda * (1 - 1e-9)) break;
      lambda = closer;
      count = entering(lambda);
      refined = true;
    }
    if (count > maxActive && path.length > 0 && (active.length > 0 || !significantEntry)) {
      pathEnd = `stopped before λ = ${lambda.toExponential(2)}: ${count} terms would enter at once (more than ${maxActive}; smaller λ only fits noise)`;
      break;
    }
    const screen = 2 * lambda - previousLambda;
    const before = { state, active, grad };
    // The candidates in the order they join (the active terms, then the screened ones, then KKT violators), with a
    // flag per term for membership: a Set of a few thousand numbers per λ cost more than the screen itself.
    for (const t of candidate) isCandidate[t] = 0;
    candidate = [...active];
    for (const id of active) isCandidate[id] = 1;
    joinAbove(grad, ids, screen, false, isCandidate, candidate);
    let evaluated: E | null = null;
    for (;;) {
      // Each pass refits and recomputes every term's gradient (one transform over all 2^k terms): check in between.
      options.signal?.throwIfAborted();
      const fitted = [...candidate];
      const start = new Float64Array(fitted.length);
      fitted.forEach((id, i) => {
        const a = active.indexOf(id);
        start[i] = a >= 0 ? state.beta[a] : 0;
      });
      const fit = model.fit(
        fitted.map((id) => space.column(id, 'train')),
        lambda,
        { intercept: state.intercept, beta: start },
      );
      const keep = fitted.map((id, i) => [id, fit.state.beta[i]] as const).filter(([, b]) => b !== 0);
      active = keep.map(([id]) => id);
      state = { intercept: fit.state.intercept, beta: Float64Array.from(keep.map(([, b]) => b)) };
      options.signal?.throwIfAborted();
      // With threads, the fit is evaluated on the validation units while they compute the gradient: it is this λ's
      // evaluation unless the KKT check below sends the path round again (then it is made anew for the new fit).
      const pending = startGradient ? startGradient(fit.eta) : null;
      evaluated = pending ? model.evaluate(state, active, 'validation') : null;
      grad = pending ? pending() : gradient(fit.eta);
      // KKT: a zero coefficient is optimal only if |∇| ≤ λ; anything above (beyond rounding) must join and refit.
      const violated = joinAbove(grad, ids, lambda * (1 + 1e-6), true, isCandidate, candidate);
      if (!violated || options.meter?.exhausted) break;
    }
    if (options.meter?.exhausted && path.length > 0) {
      ({ state, active, grad } = before);
      pathEnd = `stopped before λ = ${lambda.toExponential(2)}: the fits reached this analysis's work bound (${options.meter.limit.toExponential(1)} multiply-adds)`;
      break;
    }
    previousLambda = lambda;
    const e = evaluated ?? model.evaluate(state, active, 'validation');
    // The validation loss the stopping rule watches (log-loss, or mean squared error).
    const v = model.loss(e);
    path.push({ lambda, nonzero: active.length, e, loss: v.value, lossSe: v.se });
    fits.push({ state: { intercept: state.intercept, beta: Float64Array.from(state.beta) }, active: [...active] });
    if (refined) {
      refinedSteps++;
      if (v.value < bestLoss - 0.1 * v.se) bestLoss = v.value;
      else if (active.length > 0) refinementPaid = false;
      continue;
    }
    gridIndex++;
    // Stop once the validation loss has not improved by a tenth of its standard error for three grid steps.
    if (v.value < bestLoss - 0.1 * v.se) {
      bestLoss = v.value;
      sinceBest = 0;
    } else if (++sinceBest >= 3) {
      pathEnd = `stopped at λ = ${lambda.toExponential(2)}: validation loss no longer improving`;
      break;
    }
  }
  // One-standard-error rule (Breiman et al. 1984; glmnet's lambda.1se): the sparsest model whose validation loss is
  // within one standard error of the best — the honest answer to "how few terms explain the label".
  let bestIndex = 0;
  for (let i = 1; i < path.length; i++) if (path[i].loss < path[bestIndex].loss) bestIndex = i;
  const limit = path[bestIndex].loss + path[bestIndex].lossSe;
  let chosenIndex = bestIndex;
  for (let i = 0; i <= bestIndex; i++) {
    if (path[i].loss <= limit) {
      chosenIndex = i;
      break;
    }
  }
  const chosen = fits[chosenIndex];
  const best = path[bestIndex];
  const lambdaRule =
    options.lambda !== undefined
      ? 'λ given'
      : `one-standard-error rule on validation ${model.lossName} (best ${best.loss.toFixed(4)} ± ${best.lossSe.toFixed(4)} at λ = ${best.lambda.toExponential(2)} with ${best.nonzero} terms)`;
  const terms = chosen.active.map((id, i) => ({ id, coefficient: chosen.state.beta[i] }));
  terms.sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient));
  return {
    path: path.map((p) => ({ lambda: p.lambda, nonzero: p.nonzero, e: p.e })),
    chosen,
    common: {
      lambda: path[chosenIndex].lambda,
      lambdaMax,
      lambdaRule,
      pathEnd,
      intercept: chosen.state.intercept,
      terms,
      gradientChecks,
    },
  };
}

/** The linear predictor of a fitted state on a part's units. */
function predictor(space: TermSpace, state: L1State, active: readonly number[], part: 'train' | 'validation' | 'test'): Float64Array {
  const eta = new Float64Array(space[part].weight.length).fill(state.intercept);
  active.forEach((id, i) => {
    const x = space.column(id, part);
    const b = state.beta[i];
    for (let u = 0; u < eta.length; u++) eta[u] += b * x[u];
  });
  return eta;
}

function sum(xs: Float64Array): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
}

import type { CancelSignal } from '../cancel';
import { normalQuantile } from '../stats/distributions';
import { evaluateUnits, fitL1Logistic } from './l1';
import type { L1State, UnitEvaluation, Units } from './l1';

/**
 * A space of candidate terms for the L1 path. Terms are numbered 0..size−1; only the active ones ever become columns.
 * The gradient of every term at once is what makes the strong-rule screen and the KKT check possible, so each space
 * supplies it in its own cheap way (a product transform for binarised features, a streamed pass for explicit ones).
 */
export interface TermSpace {
  readonly size: number;
  allowed(id: number): boolean;
  readonly train: Units;
  readonly validation: Units;
  readonly test: Units;
  /** ∂(mean log-likelihood)/∂β_id for every id (length ≥ size), at the linear predictor `eta` on the train units. */
  gradient(eta: Float64Array): Float64Array;
  column(id: number, part: 'train' | 'validation' | 'test'): Float64Array;
}

export interface PathOptions {
  /** Fit only this λ instead of choosing along the path. */
  readonly lambda?: number;
  readonly pathLength?: number;
  /** Smallest λ on the path as a fraction of λ_max. */
  readonly lambdaMinRatio?: number;
  /** Stop the path before more than this many terms would be active (smaller λ only fits noise). */
  readonly maxActive?: number;
  readonly signal?: CancelSignal;
}

export interface PathPoint {
  readonly lambda: number;
  readonly nonzero: number;
  readonly validationLogLoss: number;
  readonly validationLogLossSe: number;
  readonly validationAccuracy: number;
}

export interface PathResult {
  readonly lambda: number;
  readonly lambdaMax: number;
  /** How λ was chosen, in words. */
  readonly lambdaRule: string;
  /** Why the path ended where it did. */
  readonly pathEnd: string;
  readonly intercept: number;
  /** Non-zero terms and their coefficients, strongest first. */
  readonly terms: { readonly id: number; readonly coefficient: number }[];
  readonly path: PathPoint[];
  readonly train: UnitEvaluation;
  readonly validation: UnitEvaluation;
  readonly test: UnitEvaluation;
  /** Full-space gradient evaluations (each one screens or certifies every term). */
  readonly gradientChecks: number;
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

export function fitPath(space: TermSpace, options: PathOptions = {}): PathResult {
  let gradientChecks = 0;
  const gradient = (eta: Float64Array): Float64Array => {
    gradientChecks++;
    return space.gradient(eta);
  };
  const trainUnits = space.train.weight.length;
  const W = sum(space.train.weight);
  const ybar = sum(space.train.positives) / Math.max(1, W);
  let state: L1State = { intercept: logit(ybar), beta: new Float64Array(0) };
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
  // its score statistic mean(x·(y − ȳ)), with standard error ≈ √(ȳ(1 − ȳ)/W): a z-test, Bonferroni 5 % over the
  // terms. If one does, the path must not end before it enters, however many others crowd in beside it.
  const scoreSe = Math.sqrt(Math.max(1e-12, ybar * (1 - ybar)) / Math.max(1, W));
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

  const path: PathPoint[] = [];
  const fits: { state: L1State; active: number[] }[] = [];
  let previousLambda = Math.max(lambdaMax, lambdas[0]);
  let bestLoss = Infinity;
  let sinceBest = 0;
  let pathEnd = 'end of the λ path';
  const entering = (lambda: number): number => {
    // Sequential strong rule: terms with |∇| < 2λ − λ_prev are very likely zero at λ (checked by KKT below).
    const screen = 2 * lambda - previousLambda;
    let n = 0;
    for (let a = 0; a < ids.length; a++) if (Math.abs(grad[ids[a]]) >= screen) n++;
    return n;
  };
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
    const candidate = new Set(active);
    for (let a = 0; a < ids.length; a++) if (Math.abs(grad[ids[a]]) >= screen) candidate.add(ids[a]);
    for (;;) {
      const fitted = [...candidate];
      const start = new Float64Array(fitted.length);
      fitted.forEach((id, i) => {
        const a = active.indexOf(id);
        start[i] = a >= 0 ? state.beta[a] : 0;
      });
      const fit = fitL1Logistic(space.train, fitted.map((id) => space.column(id, 'train')), lambda, { intercept: state.intercept, beta: start });
      const keep = fitted.map((id, i) => [id, fit.state.beta[i]] as const).filter(([, b]) => b !== 0);
      active = keep.map(([id]) => id);
      state = { intercept: fit.state.intercept, beta: Float64Array.from(keep.map(([, b]) => b)) };
      grad = gradient(fit.eta);
      // KKT: a zero coefficient is optimal only if |∇| ≤ λ; anything above (beyond rounding) must join and refit.
      let violated = false;
      const bound = lambda * (1 + 1e-6);
      for (let a = 0; a < ids.length; a++) {
        const t = ids[a];
        if (Math.abs(grad[t]) > bound && !candidate.has(t)) {
          candidate.add(t);
          violated = true;
        }
      }
      if (!violated) break;
    }
    previousLambda = lambda;
    const v = evaluate(space, state, active, 'validation');
    path.push({ lambda, nonzero: active.length, validationLogLoss: v.logLoss, validationLogLossSe: v.logLossSe, validationAccuracy: v.accuracy });
    fits.push({ state: { intercept: state.intercept, beta: Float64Array.from(state.beta) }, active: [...active] });
    if (refined) {
      refinedSteps++;
      if (v.logLoss < bestLoss - 0.1 * v.logLossSe) bestLoss = v.logLoss;
      else if (active.length > 0) refinementPaid = false;
      continue;
    }
    gridIndex++;
    // Stop once the validation loss has not improved by a tenth of its standard error for three grid steps.
    if (v.logLoss < bestLoss - 0.1 * v.logLossSe) {
      bestLoss = v.logLoss;
      sinceBest = 0;
    } else if (++sinceBest >= 3) {
      pathEnd = `stopped at λ = ${lambda.toExponential(2)}: validation loss no longer improving`;
      break;
    }
  }
  // One-standard-error rule (Breiman et al. 1984; glmnet's lambda.1se): the sparsest model whose validation loss is
  // within one standard error of the best — the honest answer to "how few terms explain the label".
  let bestIndex = 0;
  for (let i = 1; i < path.length; i++) if (path[i].validationLogLoss < path[bestIndex].validationLogLoss) bestIndex = i;
  const limit = path[bestIndex].validationLogLoss + path[bestIndex].validationLogLossSe;
  let chosenIndex = bestIndex;
  for (let i = 0; i <= bestIndex; i++) {
    if (path[i].validationLogLoss <= limit) {
      chosenIndex = i;
      break;
    }
  }
  const chosen = fits[chosenIndex];
  const best = path[bestIndex];
  const lambdaRule =
    options.lambda !== undefined
      ? 'λ given'
      : `one-standard-error rule on validation log-loss (best ${best.validationLogLoss.toFixed(4)} ± ${best.validationLogLossSe.toFixed(4)} at λ = ${best.lambda.toExponential(2)} with ${best.nonzero} terms)`;
  const terms = chosen.active.map((id, i) => ({ id, coefficient: chosen.state.beta[i] }));
  terms.sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient));
  return {
    lambda: path[chosenIndex].lambda,
    lambdaMax,
    lambdaRule,
    pathEnd,
    intercept: chosen.state.intercept,
    terms,
    path,
    train: evaluate(space, chosen.state, chosen.active, 'train'),
    validation: evaluate(space, chosen.state, chosen.active, 'validation'),
    test: evaluate(space, chosen.state, chosen.active, 'test'),
    gradientChecks,
  };
}

function evaluate(space: TermSpace, state: L1State, active: readonly number[], part: 'train' | 'validation' | 'test'): UnitEvaluation {
  const units = space[part];
  const eta = new Float64Array(units.weight.length).fill(state.intercept);
  active.forEach((id, i) => {
    const x = space.column(id, part);
    const b = state.beta[i];
    for (let u = 0; u < eta.length; u++) eta[u] += b * x[u];
  });
  return evaluateUnits(units, eta);
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

/**
 * L1-regularised logistic regression by cyclic coordinate descent (Friedman, Hastie & Tibshirani 2010, "glmnet"):
 * glmnet's quadratic approximations first (quadraticPhase), then one Newton step per coordinate on the exact
 * log-likelihood, soft-thresholded, the intercept unpenalised, to the stated tolerance.
 *
 * The data are "units" carrying a weight (rows in the unit) and a count of positives, so the same solver fits a model
 * on raw rows (weight 1) or on cells of binarised features (weight = rows in the cell) — the second is what makes an
 * exact fit over thousands of interaction terms cheap.
 *
 * Objective: −(1/W)·Σ_u [pos_u·log p_u + (w_u − pos_u)·log(1 − p_u)] + λ·Σ_k |β_k|,  W = Σ w_u.
 */
import type { CancelSignal } from '../cancel';
import type { TaskRunner } from '../parallel/runner';
import { newSharedFloat64 } from '../typed';
import { localPasses, lockStep, runsInLockStep, sigmoid } from './l1Passes';
export interface Units {
  readonly weight: Float64Array;
  readonly positives: Float64Array;
}

export interface L1State {
  intercept: number;
  /** One coefficient per column, in the caller's order. */
  beta: Float64Array;
}

export interface L1Options {
  /** Checked every sweep (and every inner sweep of the quadratic phase): Cancel stops a fit mid-way. */
  readonly signal?: CancelSignal;
  /** Stop when no coefficient moves by more than tol (in units of its curvature-scaled size). */
  readonly tol?: number;
  readonly maxSweeps?: number;
  /**
   * Start with the quadratic phase instead of after EXACT_SWEEPS_FIRST exact sweeps: the same fixed point, reached with
   * far fewer sigmoids when the units are many (one-vs-rest fits one model per class on them).
   */
  readonly quadraticFirst?: boolean;
  /**
   * Solve the quadratic phase's weighted lasso by naive updates (naiveLassoSolver) instead of covariance updates: no
   * Gram matrix, which pays when the units are raw rows and many columns move (one-vs-rest on listed terms: 4 classes ×
   * 4,000 rows × 60 terms, 0.68 s → 0.47 s for the whole analysis).
   */
  readonly naive?: boolean;
  /** Counts the fit's work; once it is exhausted the fit stops where it is (not converged). */
  readonly meter?: WorkMeter;
  /**
   * With more than one thread, a fit over many units (l1Passes.ts LOCK_STEP_MIN_UNITS) whose units and columns sit on
   * SharedArrayBuffers runs its exact sweeps' passes on the threads in lock step: the same fit, bit for bit.
   */
  readonly runner?: TaskRunner;
}

/**
 * A deterministic bound on the work of a set of fits: multiply-adds counted by the solvers (a sweep over u units and
 * K columns counts u·K), not time, so the same data always stop at the same place. Fits stop early once `used`
 * passes `limit`, and the path that shares the meter ends there, saying so.
 */
export class WorkMeter {
  used = 0;
  constructor(readonly limit: number) {}
  get exhausted(): boolean {
    return this.used > this.limit;
  }
}

export interface L1Result {
  readonly state: L1State;
  readonly sweeps: number;
  readonly converged: boolean;
  /** Linear predictor per unit at the solution. */
  readonly eta: Float64Array;
}

/** A Newton step may not move a coefficient further than this in one go: a trust region for flat, saturated fits. */
const MAX_STEP = 2;

export function fitL1Logistic(
  units: Units,
  columns: readonly Float64Array[],
  lambda: number,
  start: L1State,
  options: L1Options = {},
): L1Result {
  const tol = options.tol ?? 1e-7;
  const maxSweeps = options.maxSweeps ?? 500;
  const { weight } = units;
  const u = weight.length;
  let total = 0;
  for (let i = 0; i < u; i++) total += weight[i];
  const beta = Float64Array.from(start.beta);
  let intercept = start.intercept;
  const threaded = runsInLockStep(options.runner, u);
  const eta = threaded ? newSharedFloat64(u) : new Float64Array(u);
  for (let i = 0; i < u; i++) eta[i] = intercept;
  for (let k = 0; k < columns.length; k++) {
    const b = beta[k];
    if (b === 0) continue;
    const x = columns[k];
    for (let i = 0; i < u; i++) eta[i] += b * x[i];
  }
  const p = threaded ? newSharedFloat64(u) : new Float64Array(u);
  // The exact sweeps' passes over the units: on the runner's threads in lock step, or here. Either way small functions
  // of their own (l1Passes.ts), which V8 optimises whole: written inline in this long function, their loops ran
  // unoptimised after each deoptimisation, boxing every double (100 MB of garbage on Kryptonite-18).
  const passes = (threaded ? lockStep(options.runner, units, columns, eta, p, options.signal) : null) ?? localPasses(units, eta, p);
  const gh = new Float64Array(2);
  passes.refresh();

  let sweeps = 0;
  let converged = false;
  let quadratic = false;
  const meter = options.meter;
  while (sweeps < maxSweeps) {
    if (meter?.exhausted) break;
    options.signal?.throwIfAborted();
    sweeps++;
    // Slow to converge (correlated or heavy-tailed columns): switch once to glmnet's quadratic approximations, whose
    // sweeps cost no sigmoid, then finish with these exact sweeps.
    if (sweeps === (options.quadraticFirst ? 1 : EXACT_SWEEPS_FIRST + 1) && !quadratic && columns.length > 0) {
      quadratic = true;
      intercept = quadraticPhase(units, columns, lambda, beta, intercept, eta, total, tol, options.naive === true, meter, options.signal);
      passes.refresh();
      if (meter?.exhausted) break;
    }
    if (meter) meter.used += 2 * u * (columns.length + 1);
    let worst = 0;
    // Intercept: plain Newton step.
    passes.sums(null, gh);
    if (gh[1] > 0) {
      const h = gh[1];
      const step = clamp(gh[0] / h, MAX_STEP);
      if (step !== 0) {
        intercept += step;
        passes.update(null, step);
        worst = Math.max(worst, Math.abs(step) * Math.sqrt(h / total));
      }
    }
    for (let k = 0; k < columns.length; k++) {
      const x = columns[k];
      passes.sums(x, gh);
      const g = gh[0] / total;
      const h = gh[1] / total;
      if (!(h > 1e-12)) continue;
      const old = beta[k];
      const next = softThreshold(old + g / h, lambda / h);
      const step = clamp(next - old, MAX_STEP);
      if (step === 0) continue;
      beta[k] = old + step;
      passes.update(x, step);
      worst = Math.max(worst, Math.abs(step) * Math.sqrt(h));
    }
    if (worst < tol) {
      converged = true;
      break;
    }
  }
  return { state: { intercept, beta }, sweeps, converged, eta };
}

/**
 * Exact sweeps before the quadratic phase is tried: most fits converge well within them (warm starts along the path;
 * on Kryptonite's parity terms, one or two), and for those the quadratic phase only costs.
 */
const EXACT_SWEEPS_FIRST = 8;
/** Outer quadratic approximations at most; each is cheap, and the exact sweeps finish from where they stop. */
const MAX_OUTER = 30;
/** Inner sweeps of coordinate descent on one quadratic approximation (each O(K²) with the Gram matrix). */
const MAX_INNER = 200;

/**
 * glmnet's outer loop (Friedman, Hastie & Tibshirani 2010, §3): replace the log-likelihood by its quadratic
 * approximation at the current η (weights w·p(1 − p), working response η + (pos − w·p)/(w·p(1 − p))) and solve that
 * weighted lasso by coordinate descent on residuals — one sigmoid per unit per outer step, instead of one per unit per
 * coordinate update as in the exact sweeps. A step is kept only when the true objective falls (a quadratic model can
 * overshoot where the fit saturates); the exact per-coordinate Newton sweeps then finish to the caller's tolerance,
 * so the answer is the same fixed point as before, reached in a fraction of the sigmoid evaluations (on the
 * battery's tweet table, 5,168 rows × 10 heavy-tailed terms, the sparsity stage went from 1.9 s to well under 0.5 s).
 * Mutates beta and eta; returns the intercept.
 */
function quadraticPhase(
  units: Units,
  columns: readonly Float64Array[],
  lambda: number,
  beta: Float64Array,
  intercept: number,
  eta: Float64Array,
  total: number,
  tol: number,
  naive = false,
  meter?: WorkMeter,
  signal?: CancelSignal,
): number {
  const { weight, positives } = units;
  const u = weight.length;
  const K = columns.length;
  const w = new Float64Array(u);
  const res = new Float64Array(u);
  const solver = naive ? naiveLassoSolver(columns, w, u) : lassoSolver(columns, w, u);
  const trialBeta = new Float64Array(K);
  let current = objective(units, eta, beta, lambda, total);
  const trialEta = new Float64Array(u);
  for (let outer = 0; outer < MAX_OUTER && !meter?.exhausted; outer++) {
    if (meter) meter.used += 2 * u * (K + 1);
    // Weights and weighted residuals w·(z − η) = pos − w·p at the current η.
    for (let i = 0; i < u; i++) {
      const pi = sigmoid(eta[i]);
      // glmnet's floor keeps saturated units from dropping out of the approximation altogether.
      const wi = Math.max(weight[i] * pi * (1 - pi), 1e-5 * weight[i]);
      w[i] = wi;
      res[i] = positives[i] - weight[i] * pi;
    }
    trialBeta.set(beta);
    const trialIntercept = solver.solve(res, total, lambda, trialBeta, intercept, tol, MAX_INNER, true, meter, signal).intercept;
    for (let i = 0; i < u; i++) trialEta[i] = eta[i] + (trialIntercept - intercept);
    for (let k = 0; k < K; k++) {
      const step = trialBeta[k] - beta[k];
      if (step === 0) continue;
      const x = columns[k];
      for (let i = 0; i < u; i++) trialEta[i] += step * x[i];
    }
    const next = objective(units, trialEta, trialBeta, lambda, total);
    if (!(next < current)) break;
    const improvement = current - next;
    beta.set(trialBeta);
    eta.set(trialEta);
    intercept = trialIntercept;
    current = next;
    if (improvement < tol * tol) break;
  }
  return intercept;
}

/** Coordinate descent on one weighted lasso problem over fixed columns (see lassoSolver). */
export interface LassoSolver {
  /**
   * Minimises (1/2T)·Σ_u w_u·(z_u − b − x_u·β)² + λ‖β‖₁ from (intercept, beta), given res_u = w_u·(z_u − η_u) at
   * that start, until no step exceeds tol or after maxSweeps. `weightsChanged: false` keeps the Gram rows of the
   * previous solve (same weights). Mutates beta; returns the intercept and the sweeps taken.
   */
  solve(
    res: Float64Array,
    total: number,
    lambda: number,
    beta: Float64Array,
    intercept: number,
    tol: number,
    maxSweeps: number,
    weightsChanged?: boolean,
    meter?: WorkMeter,
    /** Checked every sweep. */
    signal?: CancelSignal,
  ): { readonly intercept: number; readonly sweeps: number };
}

/**
 * Row k of a Gram matrix K × K (row-major in `gram`): gram[k·K + j] = Σ_i wx[i]·x_j[i] for every column j ≠ k, each
 * sum over the rows in order from 0. Four columns per pass over wx, four independent sums (one accumulator waits on
 * the latency of every addition): each is the sum of one column at a time, bit for bit. `others` is scratch for K − 1
 * column indices.
 */
export function gramRow(wx: Float64Array, columns: readonly Float64Array[], k: number, gram: Float64Array, others: Int32Array): void {
  const K = columns.length;
  const u = wx.length;
  let m = 0;
  for (let j = 0; j < K; j++) if (j !== k) others[m++] = j;
  const row = k * K;
  let t = 0;
  for (; t + 3 < m; t += 4) {
    const a = columns[others[t]];
    const b = columns[others[t + 1]];
    const c = columns[others[t + 2]];
    const d = columns[others[t + 3]];
    let ga = 0;
    let gb = 0;
    let gc = 0;
    let gd = 0;
    for (let i = 0; i < u; i++) {
      const v = wx[i];
      ga += v * a[i];
      gb += v * b[i];
      gc += v * c[i];
      gd += v * d[i];
    }
    gram[row + others[t]] = ga;
    gram[row + others[t + 1]] = gb;
    gram[row + others[t + 2]] = gc;
    gram[row + others[t + 3]] = gd;
  }
  for (; t < m; t++) gram[row + others[t]] = dot(wx, columns[others[t]]);
}

/** r[i] −= w[i]·x[i]·step. */
function update(r: Float64Array, w: Float64Array, x: Float64Array, step: number): void {
  for (let i = 0; i < r.length; i++) r[i] -= w[i] * x[i] * step;
}

/** update(r, w, x, step), then Σ next[i]·r[i] over the updated residuals in order from 0, in one pass. */
function updateThenDot(r: Float64Array, w: Float64Array, x: Float64Array, step: number, next: Float64Array): number {
  let g = 0;
  for (let i = 0; i < r.length; i++) {
    const ri = r[i] - w[i] * x[i] * step;
    r[i] = ri;
    g += next[i] * ri;
  }
  return g;
}

/** Σ a[i]·b[i] over a's length, in order from 0. */
function dot(a: Float64Array, b: Float64Array): number {
  let g = 0;
  for (let i = 0; i < a.length; i++) g += a[i] * b[i];
  return g;
}

/**
 * glmnet's "covariance updates" (Friedman, Hastie & Tibshirani 2010, §2.2): with the weighted Gram matrix of the
 * columns in hand, a coordinate step updates every gradient in O(K) instead of a pass over the units — the sweeps
 * cost K² each, not u·K, which matters where correlated columns need hundreds of sweeps. A Gram row is computed only
 * when its column first moves (most columns of a lasso stay at zero, and a zero column's row is never needed).
 * Shared by the quadratic approximations of the logistic fit and the squared-loss fit, where it is the exact problem.
 */
export function lassoSolver(columns: readonly Float64Array[], w: Float64Array, u: number): LassoSolver {
  const K = columns.length;
  const gram = new Float64Array(K * K);
  const rowReady = new Uint8Array(K);
  const wx = new Float64Array(u);
  const colW = new Float64Array(K);
  const grad = new Float64Array(K);
  const others = new Int32Array(Math.max(0, K - 1));
  return {
    solve(res, total, lambda, beta, intercept, tol, maxSweeps, weightsChanged = true, meter, signal) {
      if (meter) meter.used += u * K;
      let wSum = 0;
      let g0 = 0;
      for (let i = 0; i < u; i++) {
        wSum += w[i];
        g0 += res[i];
      }
      if (!weightsChanged) {
        for (let a = 0; a < K; a++) {
          const xa = columns[a];
          let c = 0;
          for (let i = 0; i < u; i++) c += xa[i] * res[i];
          grad[a] = c;
        }
      }
      // Gradients, column weights and the diagonal now; the off-diagonal rows on demand.
      if (weightsChanged) rowReady.fill(0);
      for (let a = 0; weightsChanged && a < K; a++) {
        const xa = columns[a];
        let c = 0;
        let s1 = 0;
        let d = 0;
        for (let i = 0; i < u; i++) {
          const x = xa[i];
          const wxi = w[i] * x;
          c += x * res[i];
          s1 += wxi;
          d += wxi * x;
        }
        grad[a] = c;
        colW[a] = s1;
        gram[a * K + a] = d;
      }
      const ensureRow = (k: number): void => {
        if (rowReady[k]) return;
        rowReady[k] = 1;
        if (meter) meter.used += u * K;
        const xk = columns[k];
        for (let i = 0; i < u; i++) wx[i] = w[i] * xk[i];
        gramRow(wx, columns, k, gram, others);
      };
      let b0 = intercept;
      let sweeps = 0;
      while (sweeps < maxSweeps && !meter?.exhausted) {
        signal?.throwIfAborted();
        sweeps++;
        if (meter) meter.used += K * K;
        let worst = 0;
        const step0 = wSum > 0 ? g0 / wSum : 0;
        if (step0 !== 0) {
          b0 += step0;
          g0 -= wSum * step0;
          for (let k = 0; k < K; k++) grad[k] -= colW[k] * step0;
          worst = Math.abs(step0) * Math.sqrt(wSum / total);
        }
        for (let k = 0; k < K; k++) {
          const hk = gram[k * K + k] / total;
          if (!(hk > 1e-12)) continue;
          const old = beta[k];
          const next = softThreshold(old + grad[k] / total / hk, lambda / hk);
          const step = next - old;
          if (step === 0) continue;
          beta[k] = next;
          ensureRow(k);
          const row = k * K;
          for (let j = 0; j < K; j++) grad[j] -= gram[row + j] * step;
          g0 -= colW[k] * step;
          worst = Math.max(worst, Math.abs(step) * Math.sqrt(hk));
        }
        if (worst < tol) break;
      }
      return { intercept: b0, sweeps };
    },
  };
}

/**
 * The same weighted lasso by glmnet's "naive updates": the weighted residuals are kept and updated after each step,
 * O(u) per coordinate and no Gram matrix — cheaper than covariance updates when many columns move and the fit is
 * redone for new weights at every outer step (one-vs-rest on raw rows).
 */
export function naiveLassoSolver(columns: readonly Float64Array[], w: Float64Array, u: number): LassoSolver {
  const K = columns.length;
  const h = new Float64Array(K);
  const r = new Float64Array(u);
  const visit = new Int32Array(K);
  return {
    solve(res, total, lambda, beta, intercept, tol, maxSweeps, _weightsChanged, meter, signal) {
      if (meter) meter.used += u * K;
      let wSum = 0;
      for (let i = 0; i < u; i++) {
        wSum += w[i];
        r[i] = res[i];
      }
      for (let k = 0; k < K; k++) {
        const x = columns[k];
        let d = 0;
        for (let i = 0; i < u; i++) d += w[i] * x[i] * x[i];
        h[k] = d / total;
      }
      let b0 = intercept;
      let sweeps = 0;
      // glmnet's active-set cycling: a sweep over every column, then sweeps over the non-zero ones until they settle,
      // then a full sweep again — done when a full sweep moves nothing by more than tol.
      let full = true;
      while (sweeps < maxSweeps && !meter?.exhausted) {
        signal?.throwIfAborted();
        sweeps++;
        let worst = 0;
        let g0 = 0;
        for (let i = 0; i < u; i++) g0 += r[i];
        const step0 = wSum > 0 ? g0 / wSum : 0;
        if (step0 !== 0) {
          b0 += step0;
          for (let i = 0; i < u; i++) r[i] -= w[i] * step0;
          worst = Math.abs(step0) * Math.sqrt(wSum / total);
        }
        // The columns this sweep visits: a column's own coefficient is the only one that decides, and it does not
        // change before its turn. Each step's residual update and the next column's gradient share one pass over the
        // rows (the gradient reads each residual just updated, and adds in row order: the sums of two passes).
        let visits = 0;
        for (let k = 0; k < K; k++) if (h[k] > 1e-12 && (full || beta[k] !== 0)) visit[visits++] = k;
        let g = visits > 0 ? dot(r, columns[visit[0]]) : 0;
        for (let t = 0; t < visits; t++) {
          const k = visit[t];
          const hk = h[k];
          const old = beta[k];
          if (meter) meter.used += 2 * u;
          const x = columns[k];
          const next = softThreshold(old + g / total / hk, lambda / hk);
          const step = next - old;
          const following = t + 1 < visits ? columns[visit[t + 1]] : null;
          if (step === 0) {
            if (following) g = dot(r, following);
            continue;
          }
          beta[k] = next;
          if (following) g = updateThenDot(r, w, x, step, following);
          else update(r, w, x, step);
          worst = Math.max(worst, Math.abs(step) * Math.sqrt(hk));
        }
        if (worst < tol) {
          if (full) break;
          full = true;
        } else {
          full = false;
        }
      }
      return { intercept: b0, sweeps };
    },
  };
}

/** The penalised objective: mean log-loss + λ·Σ|β|. */
function objective(units: Units, eta: Float64Array, beta: Float64Array, lambda: number, total: number): number {
  let loss = 0;
  for (let i = 0; i < eta.length; i++) {
    const pos = units.positives[i];
    const e = eta[i];
    const t = softplusCore(e);
    loss += pos * (e > 0 ? t : -e + t) + (units.weight[i] - pos) * (e > 0 ? e + t : t);
  }
  let l1 = 0;
  for (let k = 0; k < beta.length; k++) l1 += Math.abs(beta[k]);
  return loss / Math.max(1e-300, total) + lambda * l1;
}

/** Mean log-loss and accuracy of a linear predictor on units (ties at p = 0.5 count as class 1). */
export interface UnitEvaluation {
  readonly logLoss: number;
  /** Standard error of the mean log-loss (per-row losses treated as independent). */
  readonly logLossSe: number;
  readonly accuracy: number;
  readonly rows: number;
}

export function evaluateUnits(units: Units, eta: Float64Array): UnitEvaluation {
  let loss = 0;
  let loss2 = 0;
  let correct = 0;
  let total = 0;
  for (let i = 0; i < eta.length; i++) {
    const w = units.weight[i];
    const pos = units.positives[i];
    const e = eta[i];
    // log(1 + e^{-e}) and log(1 + e^{e}) without overflow (see softplusCore).
    const t = softplusCore(e);
    const l1 = e > 0 ? t : -e + t;
    const l0 = e > 0 ? e + t : t;
    loss += pos * l1 + (w - pos) * l0;
    loss2 += pos * l1 * l1 + (w - pos) * l0 * l0;
    correct += e >= 0 ? pos : w - pos;
    total += w;
  }
  if (!(total > 0)) return { logLoss: NaN, logLossSe: NaN, accuracy: NaN, rows: 0 };
  const mean = loss / total;
  const variance = Math.max(0, loss2 / total - mean * mean);
  return { logLoss: mean, logLossSe: Math.sqrt(variance / total), accuracy: correct / total, rows: total };
}

/**
 * log1p(exp(−|e|)), the part softplus(e) = log(1 + e^e) and softplus(−e) share: for e > 0, softplus(−e) is it and
 * softplus(e) is e plus it; otherwise softplus(e) is it and softplus(−e) is −e plus it — exactly the operations of
 * x > 0 ? x + log1p(exp(−x)) : log1p(exp(x)), so one exp and one log1p give both, bit for bit (0, −0 and NaN too).
 */
function softplusCore(e: number): number {
  return Math.log1p(Math.exp(e > 0 ? -e : e));
}

export function softThreshold(z: number, t: number): number {
  return z > t ? z - t : z < -t ? z + t : 0;
}

function clamp(x: number, limit: number): number {
  return x > limit ? limit : x < -limit ? -limit : x;
}

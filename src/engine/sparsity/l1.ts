/**
 * L1-regularised logistic regression by cyclic coordinate descent (Friedman, Hastie & Tibshirani 2010, "glmnet"):
 * one Newton step per coordinate on the exact log-likelihood, soft-thresholded, the intercept unpenalised.
 *
 * The data are "units" carrying a weight (rows in the unit) and a count of positives, so the same solver fits a model
 * on raw rows (weight 1) or on cells of binarised features (weight = rows in the cell) — the second is what makes an
 * exact fit over thousands of interaction terms cheap.
 *
 * Objective: −(1/W)·Σ_u [pos_u·log p_u + (w_u − pos_u)·log(1 − p_u)] + λ·Σ_k |β_k|,  W = Σ w_u.
 */
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
  /** Stop when no coefficient moves by more than tol (in units of its curvature-scaled size). */
  readonly tol?: number;
  readonly maxSweeps?: number;
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
  const { weight, positives } = units;
  const u = weight.length;
  let total = 0;
  for (let i = 0; i < u; i++) total += weight[i];
  const beta = Float64Array.from(start.beta);
  let intercept = start.intercept;
  const eta = new Float64Array(u);
  for (let i = 0; i < u; i++) eta[i] = intercept;
  for (let k = 0; k < columns.length; k++) {
    const b = beta[k];
    if (b === 0) continue;
    const x = columns[k];
    for (let i = 0; i < u; i++) eta[i] += b * x[i];
  }
  const p = new Float64Array(u);
  const refresh = (): void => {
    for (let i = 0; i < u; i++) p[i] = sigmoid(eta[i]);
  };
  refresh();

  let sweeps = 0;
  let converged = false;
  while (sweeps < maxSweeps) {
    sweeps++;
    let worst = 0;
    // Intercept: plain Newton step.
    {
      let g = 0;
      let h = 0;
      for (let i = 0; i < u; i++) {
        g += positives[i] - weight[i] * p[i];
        h += weight[i] * p[i] * (1 - p[i]);
      }
      if (h > 0) {
        const step = clamp(g / h, MAX_STEP);
        if (step !== 0) {
          intercept += step;
          for (let i = 0; i < u; i++) {
            eta[i] += step;
            p[i] = sigmoid(eta[i]);
          }
          worst = Math.max(worst, Math.abs(step) * Math.sqrt(h / total));
        }
      }
    }
    for (let k = 0; k < columns.length; k++) {
      const x = columns[k];
      let g = 0;
      let h = 0;
      for (let i = 0; i < u; i++) {
        const xi = x[i];
        g += xi * (positives[i] - weight[i] * p[i]);
        h += weight[i] * p[i] * (1 - p[i]) * xi * xi;
      }
      g /= total;
      h /= total;
      if (!(h > 1e-12)) continue;
      const old = beta[k];
      const next = softThreshold(old + g / h, lambda / h);
      const step = clamp(next - old, MAX_STEP);
      if (step === 0) continue;
      beta[k] = old + step;
      for (let i = 0; i < u; i++) {
        eta[i] += step * x[i];
        p[i] = sigmoid(eta[i]);
      }
      worst = Math.max(worst, Math.abs(step) * Math.sqrt(h));
    }
    if (worst < tol) {
      converged = true;
      break;
    }
  }
  return { state: { intercept, beta }, sweeps, converged, eta };
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
    // log(1 + e^{-e}) and log(1 + e^{e}) without overflow.
    const l1 = softplus(-e);
    const l0 = softplus(e);
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

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function softThreshold(z: number, t: number): number {
  return z > t ? z - t : z < -t ? z + t : 0;
}

function clamp(x: number, limit: number): number {
  return x > limit ? limit : x < -limit ? -limit : x;
}

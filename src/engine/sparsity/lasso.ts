/**
 * L1-regularised least squares (the lasso) for a numeric target, on the same "units" as the logistic fit: a unit
 * carries a weight (rows in it) and the sums Σy, Σy², Σy³, Σy⁴ of the target over its rows, so one solver fits raw
 * rows (weight 1) or cells of binarised features exactly — Σ_i (y_i − η_u)² over a cell's rows is
 * Σy² − 2η·Σy + w·η², and the third and fourth sums give the spread of the per-row squared errors (for the standard
 * error the one-standard-error rule needs) without keeping the rows.
 *
 * Objective, scikit-learn's Lasso convention: (1/2W)·Σ_i (y_i − b − x_i·β)² + λ·Σ_k |β_k|,  W = Σ w_u; the intercept
 * b is unpenalised. Solved by coordinate descent with covariance updates (lassoSolver, shared with the logistic
 * fit's quadratic phase, for which the squared loss is the exact problem, not an approximation).
 */
import { lassoSolver } from './l1';
import type { L1Options, L1Result, L1State } from './l1';

export interface SquaredUnits {
  readonly weight: Float64Array;
  /** Σy over each unit's rows, then Σy², Σy³, Σy⁴. */
  readonly sum: Float64Array;
  readonly sum2: Float64Array;
  readonly sum3: Float64Array;
  readonly sum4: Float64Array;
}

/** Mean squared error (with its standard error) and R² of a linear predictor on units. */
export interface SquaredEvaluation {
  readonly mse: number;
  /** Standard error of the mean squared error (per-row squared errors treated as independent). */
  readonly mseSe: number;
  /** 1 − SSE/SST around these rows' own mean (scikit-learn's r2_score). */
  readonly r2: number;
  readonly rows: number;
}

/** Sweeps at most: the lasso's coordinate descent converges linearly, and slowly only among near-collinear terms. */
const MAX_SWEEPS = 10_000;

export function fitL1Squared(units: SquaredUnits, columns: readonly Float64Array[], lambda: number, start: L1State, options: L1Options = {}): L1Result {
  const tol = options.tol ?? 1e-7;
  const maxSweeps = options.maxSweeps ?? MAX_SWEEPS;
  const { weight, sum } = units;
  const u = weight.length;
  let total = 0;
  for (let i = 0; i < u; i++) total += weight[i];
  const beta = Float64Array.from(start.beta);
  const eta = linearPredictor(u, columns, start.intercept, beta);
  // Weighted residuals w·(ȳ_u − η_u) = Σy − w·η: the weighted least-squares problem on cell means is the row-level one.
  const res = new Float64Array(u);
  for (let i = 0; i < u; i++) res[i] = sum[i] - weight[i] * eta[i];
  const solver = lassoSolver(columns, weight, u);
  let intercept = start.intercept;
  let sweeps = 0;
  let converged = false;
  // The solver's gradients are updated step by step; each further solve starts from exact residuals, and the fit has
  // converged when such a fresh start moves nothing by more than tol.
  for (let call = 0; sweeps < maxSweeps; call++) {
    const before = Float64Array.from(beta);
    const b0 = intercept;
    const solved = solver.solve(res, total, lambda, beta, intercept, tol, maxSweeps - sweeps, call === 0, undefined, options.signal);
    intercept = solved.intercept;
    sweeps += solved.sweeps;
    let moved = Math.abs(intercept - b0);
    for (let k = 0; k < beta.length; k++) moved = Math.max(moved, Math.abs(beta[k] - before[k]));
    const next = linearPredictor(u, columns, intercept, beta);
    for (let i = 0; i < u; i++) {
      eta[i] = next[i];
      res[i] = sum[i] - weight[i] * next[i];
    }
    if (call > 0 && moved < tol) {
      converged = true;
      break;
    }
  }
  return { state: { intercept, beta }, sweeps, converged, eta };
}

export function evaluateSquared(units: SquaredUnits, eta: Float64Array): SquaredEvaluation {
  let total = 0;
  let s1 = 0;
  let s2 = 0;
  let sse = 0;
  let sse2 = 0;
  for (let i = 0; i < eta.length; i++) {
    const w = units.weight[i];
    if (w === 0) continue;
    const e = eta[i];
    const a1 = units.sum[i];
    const a2 = units.sum2[i];
    // Σ(y − η)² and Σ(y − η)⁴ over the unit's rows from its power sums (binomial expansion).
    const e2 = Math.max(0, a2 - 2 * e * a1 + w * e * e);
    const e4 = Math.max(0, units.sum4[i] - 4 * e * units.sum3[i] + 6 * e * e * a2 - 4 * e * e * e * a1 + w * e * e * e * e);
    sse += e2;
    sse2 += e4;
    total += w;
    s1 += a1;
    s2 += a2;
  }
  if (!(total > 0)) return { mse: NaN, mseSe: NaN, r2: NaN, rows: 0 };
  const mse = sse / total;
  const sst = s2 - (s1 * s1) / total;
  return {
    mse,
    mseSe: Math.sqrt(Math.max(0, sse2 / total - mse * mse) / total),
    r2: sst > 0 ? 1 - sse / sst : NaN,
    rows: total,
  };
}

/** Units of single rows (weight 1) of a target, for the listed-term fits and the tests. */
export function squaredRowUnits(rows: ArrayLike<number>, target: ArrayLike<number>): SquaredUnits {
  const n = rows.length;
  const units: SquaredUnits = {
    weight: new Float64Array(n).fill(1),
    sum: new Float64Array(n),
    sum2: new Float64Array(n),
    sum3: new Float64Array(n),
    sum4: new Float64Array(n),
  };
  for (let u = 0; u < n; u++) {
    const y = target[rows[u]];
    const y2 = y * y;
    units.sum[u] = y;
    units.sum2[u] = y2;
    units.sum3[u] = y2 * y;
    units.sum4[u] = y2 * y2;
  }
  return units;
}

function linearPredictor(u: number, columns: readonly Float64Array[], intercept: number, beta: Float64Array): Float64Array {
  const eta = new Float64Array(u).fill(intercept);
  for (let k = 0; k < columns.length; k++) {
    const b = beta[k];
    if (b === 0) continue;
    const x = columns[k];
    for (let i = 0; i < u; i++) eta[i] += b * x[i];
  }
  return eta;
}

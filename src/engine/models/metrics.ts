/**
 * Scores of out-of-fold predictions, defined as scikit-learn defines them (sklearn.metrics 1.2):
 * accuracy = share of rows whose most probable class (first one on ties, numpy argmax) is the label; log-loss with
 * probabilities clipped to [1e-15, 1 − 1e-15]; R² = 1 − SS_res/SS_tot, with scikit-learn's `force_finite` rule for a
 * constant truth (1 when the predictions are exact, else 0); MAE; RMSE.
 *
 * Predictions are flat row-major arrays: `width` probabilities per row for classes, one value per row for regression.
 */
import type { Task } from './types';

/** scikit-learn `log_loss(eps=1e-15)`. */
const LOG_LOSS_EPS = 1e-15;

/** Number of prediction columns for a task: the classes, or 1 for regression. */
export function predictionWidth(task: Task, classes: number): number {
  return task === 'regression' ? 1 : classes;
}

/** The predicted class of each row: argmax of its probabilities, first on ties. */
export function predictedClasses(proba: Float64Array, width: number): Int32Array {
  const n = width > 0 ? proba.length / width : 0;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < width; k++) if (proba[i * width + k] > proba[i * width + best]) best = k;
    out[i] = best;
  }
  return out;
}

export function accuracy(labels: Float64Array, proba: Float64Array, width: number): number {
  if (labels.length === 0) return NaN;
  const predicted = predictedClasses(proba, width);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/** Per-row log-loss −log p(label), clipped like scikit-learn; the building block of drop-column comparisons. */
export function rowLogLoss(labels: Float64Array, proba: Float64Array, width: number): Float64Array {
  const out = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const p = proba[i * width + labels[i]];
    out[i] = -Math.log(Math.min(1 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, p)));
  }
  return out;
}

export function logLoss(labels: Float64Array, proba: Float64Array, width: number): number {
  if (labels.length === 0) return NaN;
  return mean(rowLogLoss(labels, proba, width));
}

/** Per-row squared error, the regression counterpart of rowLogLoss. */
export function rowSquaredError(truth: Float64Array, predicted: Float64Array): Float64Array {
  const out = new Float64Array(truth.length);
  for (let i = 0; i < truth.length; i++) out[i] = (truth[i] - predicted[i]) ** 2;
  return out;
}

/** Per-row loss of a task: log-loss for classes, squared error for regression. */
export function rowLosses(task: Task, truth: Float64Array, predictions: Float64Array, width: number): Float64Array {
  return task === 'regression' ? rowSquaredError(truth, predictions) : rowLogLoss(truth, predictions, width);
}

export function r2(truth: Float64Array, predicted: Float64Array): number {
  const n = truth.length;
  if (n === 0) return NaN;
  let m = 0;
  for (let i = 0; i < n; i++) m += truth[i];
  m /= n;
  let ssTot = 0;
  let ssRes = 0;
  for (let i = 0; i < n; i++) {
    ssTot += (truth[i] - m) ** 2;
    ssRes += (truth[i] - predicted[i]) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

export function mae(truth: Float64Array, predicted: Float64Array): number {
  if (truth.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += Math.abs(truth[i] - predicted[i]);
  return s / truth.length;
}

export function rmse(truth: Float64Array, predicted: Float64Array): number {
  if (truth.length === 0) return NaN;
  return Math.sqrt(mean(rowSquaredError(truth, predicted)));
}


function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

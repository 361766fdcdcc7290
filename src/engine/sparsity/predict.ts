/**
 * Predictions of a fitted sparsity model on rows, optionally with every term involving one feature removed (the
 * drop-one tests): the linear predictor of one model, and the normalised one-vs-rest class probabilities.
 */
import { sigmoid } from './l1Passes';
import type { ModelTerms } from './types';
import { multiplyAllValues } from './termValues';
import type { TermValues } from './termValues';

/**
 * η = intercept + Σ coefficient·Π values over `rows`; terms involving feature `drop` (≥ 0) are left out. Term by
 * term over all rows (each row's products and sums in the same order as row by row: the same numbers).
 */
export function termPredictor(model: ModelTerms, values: readonly TermValues[], rows: Uint32Array, drop = -1): Float64Array {
  const out = new Float64Array(rows.length).fill(model.intercept);
  const terms = drop < 0 ? model.terms : model.terms.filter((t) => !t.features.includes(drop));
  const product = new Float64Array(rows.length);
  for (const t of terms) {
    product.fill(t.coefficient);
    multiplyAllValues(
      t.features.map((j) => values[j]),
      rows,
      product,
    );
    for (let u = 0; u < rows.length; u++) out[u] += product[u];
  }
  return out;
}

/** Term columns a cached predictor may hold: 64 MiB of float64. */
export const PREDICTOR_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * termPredictor for one model and one set of rows, called for many `drop`s (the drop-one tests): each term's column
 * (coefficient · Π values) is computed once when they fit in `maxBytes`, and every prediction adds the kept columns
 * in term order — the same operations, so the same numbers, as termPredictor.
 */
export function cachedTermPredictor(model: ModelTerms, values: readonly TermValues[], rows: Uint32Array, maxBytes = PREDICTOR_CACHE_BYTES): (drop: number) => Float64Array {
  if (model.terms.length * rows.length * 8 > maxBytes) return (drop) => termPredictor(model, values, rows, drop);
  const columns = model.terms.map((t) => {
    const product = new Float64Array(rows.length).fill(t.coefficient);
    multiplyAllValues(
      t.features.map((j) => values[j]),
      rows,
      product,
    );
    return product;
  });
  return (drop) => {
    const out = new Float64Array(rows.length).fill(model.intercept);
    model.terms.forEach((t, k) => {
      if (drop >= 0 && t.features.includes(drop)) return;
      const product = columns[k];
      for (let u = 0; u < rows.length; u++) out[u] += product[u];
    });
    return out;
  };
}

/**
 * One-vs-rest class probabilities, row-major (rows × classes): each class model's σ(η), normalised to sum to one
 * (Rifkin & Klautau 2004 — the usual way to read one-vs-rest scores as a distribution; scikit-learn's
 * OneVsRestClassifier.predict_proba does the same).
 */
export function ovrProbabilities(models: readonly ModelTerms[], values: readonly TermValues[], rows: Uint32Array, drop = -1): Float64Array {
  const K = models.length;
  const out = new Float64Array(rows.length * K);
  models.forEach((m, c) => {
    const eta = termPredictor(m, values, rows, drop);
    for (let u = 0; u < rows.length; u++) out[u * K + c] = sigmoid(eta[u]);
  });
  for (let u = 0; u < rows.length; u++) {
    let s = 0;
    for (let c = 0; c < K; c++) s += out[u * K + c];
    for (let c = 0; c < K; c++) out[u * K + c] = s > 0 ? out[u * K + c] / s : 1 / K;
  }
  return out;
}

/** Probabilities below this are read as this in a log-loss (one confident miss must not make the mean infinite). */
export const PROBABILITY_FLOOR = 1e-15;

/** Per-row multi-class log-loss −log q_y and whether the argmax is right, from row-major probabilities. */
export function classLosses(proba: Float64Array, classes: number, labels: Int32Array, rows: Uint32Array): { readonly loss: Float64Array; readonly right: Uint8Array } {
  const loss = new Float64Array(rows.length);
  const right = new Uint8Array(rows.length);
  for (let u = 0; u < rows.length; u++) {
    const y = labels[rows[u]];
    let best = 0;
    for (let c = 1; c < classes; c++) if (proba[u * classes + c] > proba[u * classes + best]) best = c;
    right[u] = best === y ? 1 : 0;
    loss[u] = -Math.log(Math.max(PROBABILITY_FLOOR, proba[u * classes + y]));
  }
  return { loss, right };
}

/**
 * Log-odds of one class against the rest on the training rows, with half a row added to each side (Jeffreys): the
 * model of a class too rare to fit, and the base model of the one-vs-rest drop-one tests; it never gives a class
 * probability zero.
 */
export function classBaseLogit(labels: Int32Array, train: Uint32Array, c: number): number {
  let k = 0;
  for (const r of train) if (labels[r] === c) k++;
  const q = (k + 0.5) / (train.length + 1);
  return Math.log(q / (1 - q));
}

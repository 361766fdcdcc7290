/**
 * How the baselines are validated, decided once per table so that every model (and every drop-column refit of the
 * relevance analysis) sees the same rows in the same folds:
 *
 * - ≤ 20,000 labelled rows: 5-fold cross-validation, stratified for classes the way scikit-learn's
 *   StratifiedKFold(shuffle=True) allocates them (rows sorted by class are dealt to folds in turn, so every fold gets
 *   ⌊n_c/5⌋ or ⌈n_c/5⌉ rows of each class; which rows is seeded), plain shuffled KFold for regression;
 * - more rows: one seeded hold-out of 20 % (stratified for classes, like train_test_split(stratify=y)), because five
 *   fits of a 100-iteration boosted model on 40,000+ rows cost more than the extra precision is worth — the
 *   hold-out alone already has ≥ 4,000 rows, a 95 % interval of about ±1.5 points on an accuracy.
 *
 * Rows whose target is missing (NaN) are in no fold.
 */
import { createRng, permutation } from '../random';
import type { Rng } from '../random';
import type { CancelSignal } from '../cancel';
import type { ModelTarget } from './types';
import { iota } from '../typed';

export const CV_FOLDS = 5;
export const CV_MAX_ROWS = 20_000;
export const HOLDOUT_FRACTION = 0.2;

export interface Fold {
  /** Ascending row indices. */
  readonly train: Uint32Array;
  readonly test: Uint32Array;
}

export interface FoldPlan {
  readonly kind: 'kfold' | 'holdout' | 'none';
  /** "5-fold CV", "hold-out 20 % (seed 42)", or "none" (fewer than two labelled rows). */
  readonly description: string;
  readonly seed: number;
  /** Rows with a target. */
  readonly labelled: number;
  readonly folds: readonly Fold[];
  /** Rows that receive an out-of-fold prediction, ascending (every labelled row for k-fold, the test rows otherwise). */
  readonly evaluated: Uint32Array;
  /** Fold of each evaluated row, aligned with `evaluated`. */
  readonly foldOf: Uint8Array;
  /** For every row of the table: its position in `evaluated`, or −1. */
  readonly positionOf: Int32Array;
}

export interface PlanOptions {
  readonly folds?: number;
  readonly maxRowsForCv?: number;
  readonly holdoutFraction?: number;
  /** Hold-out plans fit on at most this many training rows (a seeded sample, said in the description). */
  readonly maxTrainRows?: number;
}

/**
 * Past this many training rows a hold-out plan fits on a seeded sample of them: the scores of these models move by
 * a few thousandths between 20,000 and 50,000 training rows (measured on the battery's diamonds and shuttle, in
 * the hold-out's own noise), while the time grows with every row. The hold-out rows are all scored.
 */
export const HOLDOUT_MAX_TRAIN_ROWS = 20_000;

export function planFolds(target: ModelTarget, seed: number, options: PlanOptions = {}): FoldPlan {
  const k0 = Math.max(2, Math.floor(options.folds ?? CV_FOLDS));
  const maxRows = options.maxRowsForCv ?? CV_MAX_ROWS;
  const fraction = options.holdoutFraction ?? HOLDOUT_FRACTION;
  const N = target.values.length;
  const classification = target.task !== 'regression';
  const rows = labelledRows(target, iota(N));
  const n = rows.length;
  const rng = createRng(seed);
  const testFold = new Int32Array(n).fill(-1);
  let kind: FoldPlan['kind'];
  let description: string;
  let k: number;
  if (n < 2) {
    kind = 'none';
    description = 'none';
    k = 0;
  } else if (n <= maxRows) {
    kind = 'kfold';
    k = Math.min(k0, n);
    description = `${k}-fold CV`;
    if (classification) stratifiedFolds(target, rows, k, rng, testFold);
    else {
      const order = permutation(n, rng);
      // KFold: the first n mod k folds get one row more.
      let at = 0;
      for (let f = 0; f < k; f++) {
        const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
        for (let i = 0; i < size; i++) testFold[order[at++]] = f;
      }
    }
  } else {
    kind = 'holdout';
    k = 1;
    description = `hold-out ${Math.round(fraction * 100)} % (seed ${seed})`;
    const nTest = Math.min(n - 1, Math.max(1, Math.ceil(fraction * n)));
    for (const i of holdoutRows(target, rows, nTest, rng)) testFold[i] = 0;
  }
  const folds: Fold[] = [];
  const maxTrain = options.maxTrainRows ?? HOLDOUT_MAX_TRAIN_ROWS;
  // Typed arrays throughout: a million-row table's folds as number[] cost a young-generation collection each.
  const testSize = new Int32Array(k);
  let evaluatedCount = 0;
  for (let i = 0; i < n; i++) {
    if (testFold[i] < 0) continue;
    testSize[testFold[i]]++;
    evaluatedCount++;
  }
  for (let f = 0; f < k; f++) {
    let train = new Uint32Array(n - testSize[f]);
    const test = new Uint32Array(testSize[f]);
    for (let i = 0, a = 0, b = 0; i < n; i++) {
      if (testFold[i] === f) test[b++] = rows[i];
      else train[a++] = rows[i];
    }
    if (kind === 'holdout' && train.length > maxTrain) {
      const all = train.length;
      // Partial Fisher–Yates: the first maxTrain of a seeded shuffle, back in row order.
      for (let a = 0; a < maxTrain; a++) {
        const b = a + rng.int(all - a);
        const t = train[a];
        train[a] = train[b];
        train[b] = t;
      }
      train = train.slice(0, maxTrain).sort();
      description += `; models fitted on a seeded sample of ${maxTrain.toLocaleString('en-US')} of the ${all.toLocaleString('en-US')} training rows`;
    }
    folds.push({ train, test });
  }
  const evaluated = new Uint32Array(evaluatedCount);
  const foldOf = new Uint8Array(evaluatedCount);
  for (let i = 0, e = 0; i < n; i++) {
    if (testFold[i] < 0) continue;
    evaluated[e] = rows[i];
    foldOf[e++] = testFold[i];
  }
  const positionOf = new Int32Array(N).fill(-1);
  for (let i = 0; i < evaluated.length; i++) positionOf[evaluated[i]] = i;
  return { kind, description, seed, labelled: n, folds, evaluated, foldOf, positionOf };
}

/** The rows of `rows` with a usable target: not NaN, and for classes an integer code in 0..classes-1. */
export function labelledRows(target: ModelTarget, rows: Uint32Array): Uint32Array {
  const keep = new Uint32Array(rows.length);
  let n = 0;
  const classification = target.task !== 'regression';
  for (let k = 0; k < rows.length; k++) {
    const v = target.values[rows[k]];
    if (v !== v) continue;
    if (classification && !(v >= 0 && v < target.classes && Number.isInteger(v))) continue;
    keep[n++] = rows[k];
  }
  return keep.slice(0, n);
}

/** Out-of-fold predictions: `width` numbers per evaluated row, in the order of `plan.evaluated`. */
export interface OutOfFold {
  readonly rows: Uint32Array;
  readonly width: number;
  readonly predictions: Float64Array;
}

/** Fits and predicts one fold: returns test.length × width predictions, in the order of `test`. */
export type FoldFitPredict = (train: Uint32Array, test: Uint32Array, fold: number) => Float64Array;

export function crossValidate(
  plan: FoldPlan,
  width: number,
  fitPredict: FoldFitPredict,
  signal?: CancelSignal,
): OutOfFold {
  const predictions = new Float64Array(plan.evaluated.length * width);
  plan.folds.forEach((fold, f) => {
    signal?.throwIfAborted();
    const out = fitPredict(fold.train, fold.test, f);
    if (out.length !== fold.test.length * width) {
      throw new RangeError(`fold ${f}: ${out.length} predictions for ${fold.test.length} rows × ${width}`);
    }
    for (let i = 0; i < fold.test.length; i++) {
      const at = plan.positionOf[fold.test[i]] * width;
      for (let w = 0; w < width; w++) predictions[at + w] = out[i * width + w];
    }
  });
  return { rows: plan.evaluated, width, predictions };
}

/** The target values of the evaluated rows, aligned with out-of-fold predictions. */
export function evaluatedTruth(plan: FoldPlan, target: ModelTarget): Float64Array {
  const out = new Float64Array(plan.evaluated.length);
  for (let i = 0; i < out.length; i++) out[i] = target.values[plan.evaluated[i]];
  return out;
}

function stratifiedFolds(target: ModelTarget, rows: Uint32Array, k: number, rng: Rng, testFold: Int32Array): void {
  const byClass: number[][] = Array.from({ length: target.classes }, () => []);
  for (let i = 0; i < rows.length; i++) byClass[target.values[rows[i]]].push(i);
  // Deal the class-sorted rows to folds 0, 1, …, k−1, 0, 1, … (StratifiedKFold's allocation), then shuffle which
  // rows of each class receive which of its fold labels.
  let position = 0;
  for (const members of byClass) {
    const labels = new Int32Array(members.length);
    for (let j = 0; j < members.length; j++) labels[j] = position++ % k;
    const order = permutation(members.length, rng);
    for (let j = 0; j < members.length; j++) testFold[members[order[j]]] = labels[j];
  }
}

function holdoutRows(target: ModelTarget, rows: Uint32Array, nTest: number, rng: Rng): number[] {
  const n = rows.length;
  if (target.task === 'regression') return Array.from(permutation(n, rng).subarray(0, nTest));
  const byClass: number[][] = Array.from({ length: target.classes }, () => []);
  for (let i = 0; i < n; i++) byClass[target.values[rows[i]]].push(i);
  // Proportional allocation with largest remainders (train_test_split's stratified counts up to tie order).
  const quota = byClass.map((g) => (g.length * nTest) / n);
  const take = quota.map(Math.floor);
  let left = nTest - take.reduce((a, b) => a + b, 0);
  const order = quota.map((_, c) => c).sort((a, b) => quota[b] - take[b] - (quota[a] - take[a]) || a - b);
  for (const c of order) {
    if (left <= 0) break;
    if (take[c] < byClass[c].length) {
      take[c]++;
      left--;
    }
  }
  const out: number[] = [];
  byClass.forEach((members, c) => {
    const perm = permutation(members.length, rng);
    for (let j = 0; j < take[c]; j++) out.push(members[perm[j]]);
  });
  return out;
}

// Static imports: a dynamic import() bypasses the CommonJS hooks that run the worker's TypeScript source under tsx.
import { profileDataset } from '../stats/profile';
import { analyseSparsity } from '../sparsity/sparsity';
import { binarisation } from '../binarise';
import type { Dataset, LabelTask } from '../dataset';
import { DatasetError } from '../errors';
import { compileHypothesis } from '../hypothesis/evaluate';
import { scaleOf, welford } from '../stats/welford';
import type { Split } from '../split';
import { splitRows } from '../split';
import { applyEncoding, fitEncoding } from './encoding';
import type { InputEncoding, SourceColumn } from './encoding';
import type { FeatureTransform } from './types';

/**
 * The design matrix a model trains on: row-major Float32, standardised with statistics of the training split only
 * (so nothing about the validation or test rows leaks into the inputs), missing cells imputed at the training mean.
 */
export interface PreparedData {
  readonly names: string[];
  readonly rows: number;
  readonly inputs: number;
  readonly x: Float32Array;
  /** Class index per row; -1 for rows without a label (in no split part). */
  readonly labels: Int32Array;
  readonly classes: string[];
  readonly split: Split;
  readonly splitSource: 'seeded' | 'column';
  readonly standardisation: Standardisation;
  /** Raw dataset features behind the model inputs (for a saved model to check a dataset to predict on). */
  readonly sourceFeatures: string[];
  readonly transform: FeatureTransform;
  /** Statistics of the raw features that interaction products are built from (null for other transforms). */
  readonly rawStandardisation: Standardisation | null;
  /** What the label asks for: classes (labels) or a number (targets). */
  readonly task: LabelTask;
  /** Regression: the target of every row standardised with the training rows' mean and sd (NaN: no label). */
  readonly targets: Float32Array | null;
  /** Regression: the training rows' target mean and population sd (predictions are mapped back with them). */
  readonly targetScale: { readonly mean: number; readonly sd: number } | null;
  /**
   * How each source feature became inputs (standardisation, imputation, missing indicators, one-hot levels), fitted
   * on the training rows: the plain-feature models' recipe, saved with the model. Null for the interaction and
   * hypothesis transforms and the CNN's pooled scaling, which keep `standardisation`.
   */
  readonly encoding: InputEncoding | null;
}

export interface Standardisation {
  readonly mean: number[];
  /** 1 where a feature is constant on the training rows, so it maps to 0 rather than NaN. */
  readonly sd: number[];
}

export interface PrepareOptions {
  readonly seed: number;
  /** A column holding the split: 0/1/2 (train/validation/test); it is not used as a feature. */
  readonly splitColumn?: string;
  readonly transform?: FeatureTransform;
  /**
   * `feature` (default): each input standardised on its own. `pooled`: one mean and sd over all inputs, for ordered
   * signals (the 1-D CNN) — per-position scaling would distort the shape that the convolution slides over (edge
   * positions, mostly padding, would be stretched to unit variance).
   */
  readonly scaling?: 'feature' | 'pooled';
}

export function prepareTraining(dataset: Dataset, options: PrepareOptions): PreparedData {
  const label = dataset.label;
  if (!label) {
    throw new DatasetError('labelNotFound', 'training needs a label column', { file: dataset.path, expected: 'a label (--label NAME) or a NAME-y.npy file' });
  }
  const regression = label.task === 'regression';
  if (regression && !label.target) {
    throw new DatasetError('labelInvalid', `the label "${label.name}" is a number to predict but its values are missing`, { file: dataset.path, column: label.name, expected: 'numeric target values' });
  }
  if (!regression && label.classes.length < 2) {
    throw new DatasetError('labelInvalid', `the label "${label.name}" has ${label.classes.length} class; a classifier needs at least two`, {
      file: dataset.path,
      column: label.name,
      expected: 'two or more classes',
    });
  }
  let featureIdx = dataset.columns.map((_, i) => i);
  let split: Split;
  let splitSource: 'seeded' | 'column' = 'seeded';
  if (options.splitColumn !== undefined) {
    const s = dataset.names.indexOf(options.splitColumn);
    if (s < 0) throw new DatasetError('labelNotFound', `no split column "${options.splitColumn}"`, { file: dataset.path, column: options.splitColumn, expected: 'a numeric column of 0 (train), 1 (validation), 2 (test)' });
    split = splitFromColumn(dataset, s, label.values);
    featureIdx = featureIdx.filter((i) => i !== s);
    splitSource = 'column';
  } else {
    split = splitRows(label.values, dataset.rows, options.seed);
  }
  if (split.train.length === 0 || split.validation.length === 0 || split.test.length === 0) {
    throw new DatasetError('noRows', `too few labelled rows to split (${split.train.length}/${split.validation.length}/${split.test.length})`, {
      file: dataset.path,
      expected: 'rows in each of train, validation and test',
    });
  }
  const transform = options.transform ?? { kind: 'raw' };
  const raw = featureIdx.map((i) => dataset.columns[i]);
  const rawNames = featureIdx.map((i) => dataset.names[i]);
  const task = label.task;
  const { targets, targetScale } = regression ? standardiseTarget(label.target as Float64Array, split.train) : { targets: null, targetScale: null };
  const common = { rows: dataset.rows, labels: label.values, classes: regression ? [] : [...label.classes], split, splitSource, sourceFeatures: rawNames, transform, task, targets, targetScale };
  if (transform.kind === 'raw' && (options.scaling ?? 'feature') === 'feature') {
    // Plain features: every source feature encoded by its type, with statistics from the training rows only.
    const sources = sourceColumns(dataset, featureIdx);
    const encoding = fitEncoding(sources, split.train);
    const { x } = applyEncoding(encoding, sources, dataset.rows);
    const standardisation: Standardisation = {
      mean: encoding.sources.flatMap((e) => (e.kind === 'numeric' ? [e.mean, ...(e.missingIndicator ? [0] : [])] : new Array<number>(e.levels.length + (e.other ? 1 : 0)).fill(0))),
      sd: encoding.sources.flatMap((e) => (e.kind === 'numeric' ? [e.sd, ...(e.missingIndicator ? [1] : [])] : new Array<number>(e.levels.length + (e.other ? 1 : 0)).fill(1))),
    };
    return { ...common, names: [...encoding.inputs], inputs: encoding.inputs.length, x, standardisation, rawStandardisation: null, encoding };
  }
  const rawStandardisation = transform.kind === 'interactions' ? fitStandardisation(raw, split.train) : null;
  const built = buildInputs(raw, rawNames, transform, rawStandardisation);
  const { x, standardisation } = standardise(built.columns, dataset.rows, split.train, options.scaling ?? 'feature');
  return { ...common, names: built.names, inputs: built.columns.length, x, standardisation, rawStandardisation, encoding: null };
}

/**
 * The encoder's view of features `featureIdx`: categorical features (text levels or integer codes typed categorical)
 * are one-hot by their level texts; numeric, binary and boolean features are numbers.
 */
export function sourceColumns(dataset: Dataset, featureIdx: readonly number[]): SourceColumn[] {
  return featureIdx.map((j) => ({
    name: dataset.names[j],
    values: dataset.columns[j],
    categories: dataset.types[j] === 'categorical' ? (dataset.categories[j] ?? null) : null,
  }));
}

/** The target standardised with the training rows' mean and population sd (a constant target keeps sd 1). */
function standardiseTarget(target: Float64Array, trainRows: Uint32Array): { targets: Float32Array; targetScale: { mean: number; sd: number } } {
  const w = welford([target], trainRows);
  const mean = w.mean;
  const sd = scaleOf(w);
  const targets = new Float32Array(target.length);
  for (let i = 0; i < target.length; i++) targets[i] = (target[i] - mean) / sd;
  return { targets, targetScale: { mean, sd } };
}

/**
 * Model inputs from raw columns: the columns themselves, or (logistic regression on interaction features) the
 * products of standardised features named by each term, or a hypothesis' ±1 parity feature.
 */
export function buildInputs(
  raw: readonly Float32Array[],
  names: readonly string[],
  transform: FeatureTransform,
  stats: Standardisation | null,
): { columns: Float32Array[]; names: string[] } {
  const rows = raw[0]?.length ?? 0;
  switch (transform.kind) {
    case 'raw':
      return { columns: [...raw], names: [...names] };
    case 'hypothesis': {
      const { features, thresholds } = transform;
      if (!features || !thresholds) throw new Error('hypothesis transform used before resolveTransform()');
      const out = new Float32Array(rows).fill(1);
      features.forEach((f, k) => {
        const col = raw[f];
        const cut = thresholds[k];
        for (let i = 0; i < rows; i++) out[i] = Number.isNaN(col[i]) ? NaN : col[i] > cut ? out[i] : -out[i];
      });
      return { columns: [out], names: [`product(${features.map((f) => names[f]).join(', ')})`] };
    }
    case 'interactions': {
      const terms = transform.terms;
      if (!terms || !stats) throw new Error('interaction transform used before resolveTransform()');
      const columns = terms.map((term) => {
        const out = new Float32Array(rows).fill(1);
        for (const f of term) {
          const col = raw[f];
          const m = stats.mean[f];
          const s = stats.sd[f];
          for (let i = 0; i < rows; i++) out[i] *= (col[i] - m) / s;
        }
        return out;
      });
      return { columns, names: terms.map((t) => t.map((f) => names[f]).join('·')) };
    }
  }
}

/** Mean and population sd of the non-missing values of `columns` on the training rows (one Welford pass). */
function moments(columns: readonly Float32Array[], trainRows: Uint32Array): { mean: number; sd: number } {
  const w = welford(columns, trainRows);
  // A constant (or empty) input maps to 0 rather than NaN.
  return { mean: w.mean, sd: scaleOf(w) };
}

export function fitStandardisation(columns: readonly Float32Array[], trainRows: Uint32Array): Standardisation {
  const each = columns.map((col) => moments([col], trainRows));
  return { mean: each.map((e) => e.mean), sd: each.map((e) => e.sd) };
}

/** One mean and population sd over every non-missing value of every column on the training rows, repeated per column. */
export function fitPooledStandardisation(columns: readonly Float32Array[], trainRows: Uint32Array): Standardisation {
  const { mean, sd } = moments(columns, trainRows);
  return { mean: columns.map(() => mean), sd: columns.map(() => sd) };
}

/** Row-major standardised matrix; NaN → 0 (the training mean). */
export function applyStandardisation(columns: readonly Float32Array[], rows: number, stats: Standardisation): Float32Array {
  const d = columns.length;
  const x = new Float32Array(rows * d);
  for (let f = 0; f < d; f++) {
    const col = columns[f];
    const m = stats.mean[f];
    const inv = 1 / stats.sd[f];
    for (let i = 0; i < rows; i++) {
      const v = (col[i] - m) * inv;
      x[i * d + f] = Number.isNaN(v) ? 0 : v;
    }
  }
  return x;
}

function standardise(columns: readonly Float32Array[], rows: number, trainRows: Uint32Array, scaling: 'feature' | 'pooled'): { x: Float32Array; standardisation: Standardisation } {
  const standardisation = scaling === 'pooled' ? fitPooledStandardisation(columns, trainRows) : fitStandardisation(columns, trainRows);
  return { x: applyStandardisation(columns, rows, standardisation), standardisation };
}

function splitFromColumn(dataset: Dataset, column: number, labels: Int32Array): Split {
  const parts: number[][] = [[], [], []];
  const col = dataset.columns[column];
  for (let i = 0; i < dataset.rows; i++) {
    if (labels[i] < 0) continue;
    const v = col[i];
    if (v === 0 || v === 1 || v === 2) parts[v].push(i);
    else {
      throw new DatasetError('labelInvalid', `split column "${dataset.names[column]}" holds ${v} on row ${i + 1}`, {
        file: dataset.path,
        column: dataset.names[column],
        expected: '0 (train), 1 (validation) or 2 (test)',
      });
    }
  }
  return {
    train: Uint32Array.from(parts[0]),
    validation: Uint32Array.from(parts[1]),
    test: Uint32Array.from(parts[2]),
    seed: -1,
    fractions: [parts[0].length, parts[1].length, parts[2].length],
  };
}

/**
 * Fill in what a transform needs from the data: the sparsity engine's top interaction terms (when none are given),
 * or a hypothesis' features and the cuts bin() uses. Runs the descriptive analysis once (and the sparsity analysis
 * for `interactions` without terms).
 */
export async function resolveTransform(dataset: Dataset, transform: FeatureTransform, seed: number, maxTerms = 8): Promise<FeatureTransform> {
  if (transform.kind === 'raw') return transform;
  if (transform.kind === 'interactions' && transform.terms) return transform;
  if (transform.kind === 'hypothesis' && transform.features && transform.thresholds) return transform;
  if (transform.kind === 'interactions') {
    const { report: sparsity } = analyseSparsity(dataset, profileDataset(dataset), { seed });
    const top = sparsity.status === 'skipped' ? [] : sparsity.top;
    const terms = top.slice(0, maxTerms).map((t) => t.features.map((name) => dataset.names.indexOf(name)));
    if (terms.length === 0) throw new DatasetError('labelInvalid', 'the sparsity analysis found no interaction terms to train on', { file: dataset.path, expected: 'a two-class label' });
    return { kind: 'interactions', terms };
  }
  const binarisations = profileDataset(dataset).map((f) => binarisation(f.modes, f.stats, f.values));
  const compiled = compileHypothesis(transform.rule, { names: dataset.names, binarisations });
  return { kind: 'hypothesis', rule: compiled.text, features: [...compiled.features], thresholds: compiled.features.map((f) => binarisations[f].threshold) };
}

import type { Dataset } from '../dataset';
import { LABEL_NAME_GUESSES } from '../dataset';
import { FeatureMismatchError } from '../errors';
import { listNames } from '../exclude';
import type { Tf } from './backend';
import type { Categories } from '../dataset';
import { applyStandardisation, buildInputs } from './data';
import { applyEncoding } from './encoding';
import type { SourceColumn, UnseenLevels } from './encoding';
import type { ModelMetadata } from './save';

export interface Prediction {
  /** Predicted class index per row (into `classes`); empty for a regression. */
  readonly classIndex: Int32Array;
  readonly classes: readonly string[];
  /** Rows per predicted class. */
  readonly counts: number[];
  /** Regression: the predicted value of every row, in the target's units. */
  readonly values?: Float64Array;
  /** Categorical levels the training rows never had (read as all-zero inputs), per feature. */
  readonly unseen: UnseenLevels[];
}

export interface MatchOptions {
  /** Predict even when the table has feature columns the model was not trained on (they are left unread). */
  readonly ignoreExtra?: boolean;
  /** Where the model came from, for the messages. */
  readonly modelDir?: string;
}

export interface FeatureMatch {
  /** The model's source features, in the model's order. */
  readonly columns: Float32Array[];
  /** Their levels and codes where the table read them as categorical (else null). */
  readonly categories: (Categories | null)[];
  /** What was matched how, or left unread, in one line each (empty when every column is a model feature). */
  readonly notes: string[];
}

/**
 * The table's columns for each of the model's source features, by name. Refused (FeatureMismatchError, naming the
 * columns): a table that lacks any of them, and one with feature columns that are none of the model's features, its
 * label, its split column or the features the user excluded from training — unless `ignoreExtra`. A table whose
 * columns have no names of their own (an .npy, a CSV without a header: x1…xN) and exactly the model's number of
 * features is matched by position, and the notes say so.
 */
export function matchModelFeatures(meta: ModelMetadata, dataset: Dataset, options: MatchOptions = {}): FeatureMatch {
  const wanted = meta.sourceFeatures;
  const names = dataset.names;
  const model = options.modelDir ? `the model in ${options.modelDir}` : 'the model';
  const missing = wanted.filter((name) => !names.includes(name));
  const unnamed = dataset.format === 'npy' || dataset.source.hasHeader === false;
  if (missing.length > 0 && unnamed && names.length === wanted.length) {
    return {
      columns: [...dataset.columns],
      categories: [...dataset.categories],
      notes: [`features matched by position: ${dataset.path} has no column names, and its ${names.length} columns are taken as ${listNames(wanted)}`],
    };
  }
  const known = new Set<string>([...wanted, ...(meta.excluded ?? []), ...(meta.config.splitColumn !== undefined ? [meta.config.splitColumn] : [])]);
  // Models saved before the label was recorded: the names a label is found by.
  const isLabel = (name: string): boolean => (meta.label !== undefined ? name === meta.label : LABEL_NAME_GUESSES.includes(name.toLowerCase()));
  const extra = names.filter((name) => !known.has(name) && !isLabel(name));
  if (missing.length > 0) {
    const where = { file: dataset.path };
    const also = extra.length > 0 ? `; it has ${listNames(extra)} instead` : '';
    throw new FeatureMismatchError(`lacks ${listNames(missing)}, which ${model} expects${also}`, where, missing, extra);
  }
  if (extra.length > 0 && !options.ignoreExtra) {
    const where = { file: dataset.path, expected: `only the model's features ${listNames(wanted)}${meta.label !== undefined ? ` and its label ${meta.label}` : ''}` };
    throw new FeatureMismatchError(`has ${extra.length} feature column${extra.length === 1 ? '' : 's'} ${model} was not trained on: ${listNames(extra)}`, where, [], extra);
  }
  const notes: string[] = [];
  if (extra.length > 0) notes.push(`not read (the model was not trained on them): ${listNames(extra)}`);
  const skipped = (meta.excluded ?? []).filter((name) => names.includes(name));
  if (skipped.length > 0) notes.push(`not read (excluded from training by the user): ${listNames(skipped)}`);
  return {
    columns: wanted.map((name) => dataset.columns[names.indexOf(name)]),
    categories: wanted.map((name) => dataset.categories[names.indexOf(name)] ?? null),
    notes,
  };
}

/**
 * Apply a saved model to a dataset with the model's features (see matchModelFeatures; a label, if present, is
 * ignored); standardisation and any interaction transform are the ones fitted at training time.
 */
export function predictDataset(tf: Tf, model: import('@tensorflow/tfjs').LayersModel, meta: ModelMetadata, dataset: Dataset, options: MatchOptions = {}): Prediction {
  const match = matchModelFeatures(meta, dataset, options);
  return predictColumns(tf, model, meta, match.columns, dataset.rows, match.categories);
}

/**
 * Apply a saved model to its source features' columns (in the model's order), with their categories where the table
 * read them as categorical. The inputs are built with the encoding (or standardisation and transform) saved at
 * training time, never with the new table's statistics.
 */
export function predictColumns(
  tf: Tf,
  model: import('@tensorflow/tfjs').LayersModel,
  meta: ModelMetadata,
  columns: readonly Float32Array[],
  rows: number,
  categories: readonly (Categories | null)[] = [],
): Prediction {
  let x: Float32Array;
  let d: number;
  let unseen: UnseenLevels[] = [];
  if (meta.encoding) {
    const sources: SourceColumn[] = meta.encoding.sources.map((source, j) => ({ name: source.name, values: columns[j], categories: source.kind === 'categorical' ? (categories[j] ?? null) : null }));
    ({ x, unseen } = applyEncoding(meta.encoding, sources, rows));
    d = meta.encoding.inputs.length;
  } else {
    const raw = buildInputs(columns, meta.sourceFeatures, meta.transform, meta.rawStandardisation).columns;
    x = applyStandardisation(raw, rows, meta.standardisation);
    d = raw.length;
  }
  const regression = meta.task === 'regression';
  const classIndex = new Int32Array(regression ? 0 : rows);
  const values = regression ? new Float64Array(rows) : undefined;
  const chunk = 4096;
  for (let start = 0; start < rows; start += chunk) {
    const b = Math.min(chunk, rows - start);
    const p = tf.tidy(() => {
      const out = model.predict(tf.tensor2d(x.subarray(start * d, (start + b) * d), [b, d])) as import('@tensorflow/tfjs').Tensor;
      if (regression) return out.reshape([b]);
      return out.shape[1] === 1 ? tf.cast(tf.greater(out, 0.5), 'int32').reshape([b]) : tf.argMax(out, 1);
    });
    const data = p.dataSync();
    if (values && meta.targetScale) {
      const { mean, sd } = meta.targetScale;
      for (let i = 0; i < b; i++) values[start + i] = data[i] * sd + mean;
    } else {
      classIndex.set(data as Int32Array, start);
    }
    p.dispose();
  }
  const counts = meta.classes.map(() => 0);
  for (const k of classIndex) counts[k]++;
  return { classIndex, classes: meta.classes, counts, ...(values ? { values } : {}), unseen };
}

import type { Dataset } from '../dataset';
import { DatasetError } from '../errors';
import type { Tf } from './backend';
import { applyStandardisation, buildInputs } from './data';
import type { ModelMetadata } from './save';

export interface Prediction {
  /** Predicted class index per row (into `classes`). */
  readonly classIndex: Int32Array;
  readonly classes: readonly string[];
  /** Rows per predicted class. */
  readonly counts: number[];
}

/**
 * Apply a saved model to a dataset with the same features (a label, if present, is ignored): features are matched
 * by name when the file has the model's names, else by position when the count agrees; standardisation and any
 * interaction transform are the ones fitted at training time.
 */
export function predictDataset(tf: Tf, model: import('@tensorflow/tfjs').LayersModel, meta: ModelMetadata, dataset: Dataset): Prediction {
  const wanted = meta.sourceFeatures;
  let columns: Float32Array[];
  if (wanted.every((name) => dataset.names.includes(name))) {
    columns = wanted.map((name) => dataset.columns[dataset.names.indexOf(name)]);
  } else if (dataset.columns.length === wanted.length) {
    columns = [...dataset.columns];
  } else {
    throw new DatasetError('notADataset', `has ${dataset.columns.length} features; the model was trained on ${wanted.length} (${wanted.slice(0, 6).join(', ')}${wanted.length > 6 ? ', …' : ''})`, {
      file: dataset.path,
      expected: `the same ${wanted.length} features (by name, or in the same order)`,
    });
  }
  // The transform uses the statistics and cuts saved at training time, not the new data's.
  const raw = buildInputs(columns, wanted, meta.transform, meta.rawStandardisation).columns;
  const x = applyStandardisation(raw, dataset.rows, meta.standardisation);
  const d = raw.length;
  const classIndex = new Int32Array(dataset.rows);
  const chunk = 4096;
  for (let start = 0; start < dataset.rows; start += chunk) {
    const b = Math.min(chunk, dataset.rows - start);
    const p = tf.tidy(() => {
      const out = model.predict(tf.tensor2d(x.subarray(start * d, (start + b) * d), [b, d])) as import('@tensorflow/tfjs').Tensor;
      return out.shape[1] === 1 ? tf.cast(tf.greater(out, 0.5), 'int32').reshape([b]) : tf.argMax(out, 1);
    });
    classIndex.set(p.dataSync() as Int32Array, start);
    p.dispose();
  }
  const counts = meta.classes.map(() => 0);
  for (const k of classIndex) counts[k]++;
  return { classIndex, classes: meta.classes, counts };
}

/**
 * The predict use case: apply a saved model to a dataset and write its labels. The CLI's `predict` and the worker's
 * predict job both call this. A table that lacks the model's features, or has feature columns the model was not
 * trained on (unless `ignoreExtra`), is refused before anything is written; features whose distribution differs from
 * the training data are named in `drift`.
 */
import type { CancelSignal } from '../cancel';
import type { ColumnType } from '../dataset';
import { loadDataset } from '../io/load';
import { loadTf } from '../train/backend';
import { compareWithTraining } from '../train/drift';
import { levelIndexColumn } from '../train/encoding';
import type { DriftReport } from '../train/drift';
import { writeLabels } from '../train/labels';
import { matchModelFeatures, predictColumns } from '../train/predict';
import { loadModel } from '../train/save';
import type { ModelMetadata } from '../train/save';

export interface PredictRequest {
  readonly modelDir: string;
  readonly path: string;
  /** Where the labels go (.npy int64 or .csv); absent: predict and count only. */
  readonly out?: string;
  /** Predict even when the table has feature columns the model was not trained on (left unread, named in `notes`). */
  readonly ignoreExtra?: boolean;
}

export interface PredictOutcome {
  readonly rows: number;
  /** What the model predicts: classes, or a number (regression). */
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly classes: string[];
  readonly counts: number[];
  /** Regression: the predictions' count, mean, minimum and maximum (the values themselves go to `out`). */
  readonly values?: { readonly count: number; readonly mean: number; readonly min: number; readonly max: number };
  /** Categorical levels the model never saw in training, per feature (read as all-zero inputs). */
  readonly unseen: { readonly feature: string; readonly levels: string[]; readonly rows: number }[];
  readonly out?: string;
  /** The TensorFlow.js backend that ran the model. */
  readonly backend: string;
  /** The table against the training data, feature by feature; null for a model saved without its training summary. */
  readonly drift: DriftReport | null;
  /** How the columns were matched and what was left unread, one line each. */
  readonly notes: string[];
}

export async function predictFile(
  request: PredictRequest,
  options: { readonly signal?: CancelSignal; readonly onProgress?: (stage: 'load' | 'predict', fraction: number, message: string) => void } = {},
): Promise<PredictOutcome> {
  options.onProgress?.('load', 0, `Reading ${request.path}`);
  const { tf, detail } = await loadTf('auto');
  const { model, meta } = await loadModel(tf, request.modelDir);
  try {
    const dataset = await loadDataset(request.path, { detectLabel: false, signal: options.signal, columnTypes: trainingTypes(meta) });
    options.signal?.throwIfAborted();
    const match = matchModelFeatures(meta, dataset, { ignoreExtra: request.ignoreExtra, modelDir: request.modelDir });
    const notes = [...match.notes];
    let drift: DriftReport | null = null;
    if (meta.trainingData) {
      // One-hot features in the encoding's level order, as at training time (codes depend on each file).
      const byName = new Map(
        meta.sourceFeatures.map((name, j) => {
          const source = meta.encoding?.sources[j];
          const column = source?.kind === 'categorical' ? levelIndexColumn(source, { name, values: match.columns[j], categories: match.categories[j] }) : match.columns[j];
          return [name, column];
        }),
      );
      drift = compareWithTraining(meta.trainingData, (name) => byName.get(name), dataset.rows);
    } else {
      notes.push('no drift check: the model was saved without a summary of its training data (saved by an older version)');
    }
    options.onProgress?.('predict', 0, `Predicting ${dataset.rows.toLocaleString('en-US')} rows`);
    const prediction = predictColumns(tf, model, meta, match.columns, dataset.rows, match.categories);
    for (const u of prediction.unseen) {
      notes.push(`${u.feature}: ${u.rows.toLocaleString('en-US')} row${u.rows === 1 ? '' : 's'} with level${u.levels.length === 1 ? '' : 's'} never seen in training (${u.levels.slice(0, 5).map((l) => JSON.stringify(l)).join(', ')}${u.levels.length > 5 ? ', …' : ''}): read as no known level`);
    }
    if (request.out) await writeLabels(request.out, prediction);
    const task = meta.task ?? (meta.classes.length > 2 ? 'multiclass' : 'binary');
    return {
      rows: dataset.rows,
      task,
      classes: [...prediction.classes],
      counts: prediction.counts,
      ...(prediction.values ? { values: summarise(prediction.values) } : {}),
      unseen: prediction.unseen,
      backend: detail,
      ...(request.out ? { out: request.out } : {}),
      drift,
      notes,
    };
  } finally {
    model.dispose();
  }
}

/**
 * Features are read as the model read them: numbers as numbers (a small table to predict on could otherwise have such
 * a column typed as an identifier, every value distinct, and left out), one-hot features as categorical (their
 * levels are matched by text).
 */
function trainingTypes(meta: ModelMetadata): Record<string, ColumnType> | undefined {
  const types: Record<string, ColumnType> = {};
  for (const f of meta.trainingData?.features ?? []) {
    if (f.type === 'numeric' || f.type === 'binary') types[f.name] = 'numeric';
    else if (f.type === 'boolean') types[f.name] = 'boolean';
  }
  for (const source of meta.encoding?.sources ?? []) if (source.kind === 'categorical') types[source.name] = 'categorical';
  return Object.keys(types).length > 0 ? types : undefined;
}

function summarise(values: Float64Array): { count: number; mean: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { count: values.length, mean: values.length ? sum / values.length : NaN, min, max };
}

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
  readonly classes: string[];
  readonly counts: number[];
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
    const dataset = await loadDataset(request.path, { detectLabel: false, signal: options.signal, columnTypes: numericTypes(meta) });
    options.signal?.throwIfAborted();
    const match = matchModelFeatures(meta, dataset, { ignoreExtra: request.ignoreExtra, modelDir: request.modelDir });
    const notes = [...match.notes];
    let drift: DriftReport | null = null;
    if (meta.trainingData) {
      const byName = new Map(meta.sourceFeatures.map((name, j) => [name, match.columns[j]]));
      drift = compareWithTraining(meta.trainingData, (name) => byName.get(name), dataset.rows);
    } else {
      notes.push('no drift check: the model was saved without a summary of its training data (saved by an older version)');
    }
    options.onProgress?.('predict', 0, `Predicting ${dataset.rows.toLocaleString('en-US')} rows`);
    const prediction = predictColumns(tf, model, meta, match.columns, dataset.rows);
    if (request.out) await writeLabels(request.out, prediction);
    return {
      rows: dataset.rows,
      classes: [...prediction.classes],
      counts: prediction.counts,
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
 * Features that were numbers at training time are read as numbers again: a small table to predict on could otherwise
 * have such a column typed as an identifier (every value distinct) and left out.
 */
function numericTypes(meta: ModelMetadata): Record<string, ColumnType> | undefined {
  const numeric = meta.trainingData?.features.filter((f) => f.type === 'numeric' || f.type === 'binary') ?? [];
  return numeric.length > 0 ? Object.fromEntries(numeric.map((f) => [f.name, 'numeric' as const])) : undefined;
}

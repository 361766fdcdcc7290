/**
 * The predict use case: apply a saved model to a dataset and write its labels. The CLI's `predict` and the worker's
 * predict job both call this.
 */
import type { CancelSignal } from '../cancel';
import { loadDataset } from '../io/load';
import { loadTf } from '../train/backend';
import { writeLabels } from '../train/labels';
import { predictDataset } from '../train/predict';
import { loadModel } from '../train/save';

export interface PredictRequest {
  readonly modelDir: string;
  readonly path: string;
  /** Where the labels go (.npy int64 or .csv); absent: predict and count only. */
  readonly out?: string;
}

export interface PredictOutcome {
  readonly rows: number;
  readonly classes: string[];
  readonly counts: number[];
  readonly out?: string;
  /** The TensorFlow.js backend that ran the model. */
  readonly backend: string;
}

export async function predictFile(
  request: PredictRequest,
  options: { readonly signal?: CancelSignal; readonly onProgress?: (stage: 'load' | 'predict', fraction: number, message: string) => void } = {},
): Promise<PredictOutcome> {
  options.onProgress?.('load', 0, `Reading ${request.path}`);
  const { tf, detail } = await loadTf('auto');
  const { model, meta } = await loadModel(tf, request.modelDir);
  try {
    const dataset = await loadDataset(request.path, { detectLabel: false, signal: options.signal });
    options.signal?.throwIfAborted();
    options.onProgress?.('predict', 0, `Predicting ${dataset.rows.toLocaleString('en-US')} rows`);
    const prediction = predictDataset(tf, model, meta, dataset);
    if (request.out) await writeLabels(request.out, prediction);
    return {
      rows: dataset.rows,
      classes: [...prediction.classes],
      counts: prediction.counts,
      backend: detail,
      ...(request.out ? { out: request.out } : {}),
    };
  } finally {
    model.dispose();
  }
}

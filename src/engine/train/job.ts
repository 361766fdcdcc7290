import type { CancelSignal } from '../cancel';
import type { Dataset } from '../dataset';
import { DatasetError } from '../errors';
import { loadDataset } from '../io/load';
import type { PredictJob, TrainJob } from '../../protocol';
import { loadTf } from './backend';
import { writeLabels } from './labels';
import { predictDataset } from './predict';
import { resolveConfig } from './presets';
import { loadModel, saveModel } from './save';
import { trainDataset } from './train';
import type { EpochProgress } from './types';

type Progress = (stage: string, fraction: number, message: string, epoch?: EpochProgress) => void;

/** The worker's `train` job: load (or take the transferred columns), resolve the preset, train, optionally save. */
export async function runTrainJob(
  job: TrainJob,
  signal: CancelSignal,
  progress: Progress,
): Promise<{ kind: 'train'; training: import('./types').TrainingReport; saved?: string }> {
  progress('load', 0, job.path ? `Reading ${job.path}` : 'Receiving columns');
  const dataset = job.path ? await loadDataset(job.path, { label: job.label, signal }) : datasetFromColumns(job);
  const { config, reason } = resolveConfig(dataset, { preset: job.preset, overrides: job.config });
  const { report, model } = await trainDataset(
    dataset,
    config,
    {
      signal,
      onEpoch: (p) => {
        const fraction = (p.run - 1 + p.epoch / p.epochs) / p.runs;
        progress('train', fraction, `run ${p.run}/${p.runs}, epoch ${p.epoch}: val loss ${p.valLoss.toFixed(4)}, val acc ${p.valAccuracy.toFixed(4)}`, p);
      },
    },
    reason,
  );
  if (job.saveDir) {
    const { tf } = await loadTf('auto');
    await saveModel(tf, job.saveDir, model);
  }
  return { kind: 'train', training: report, ...(job.saveDir ? { saved: job.saveDir } : {}) };
}

export async function runPredictJob(
  job: PredictJob,
  signal: CancelSignal,
  progress: Progress,
): Promise<{ kind: 'predict'; rows: number; classes: string[]; counts: number[]; out?: string }> {
  progress('load', 0, `Reading ${job.path}`);
  const { tf } = await loadTf('auto');
  const { model, meta } = await loadModel(tf, job.modelDir);
  try {
    const dataset = await loadDataset(job.path, { detectLabel: false, signal });
    signal.throwIfAborted();
    const prediction = predictDataset(tf, model, meta, dataset);
    if (job.out) await writeLabels(job.out, prediction);
    return { kind: 'predict', rows: dataset.rows, classes: [...prediction.classes], counts: prediction.counts, ...(job.out ? { out: job.out } : {}) };
  } finally {
    model.dispose();
  }
}

/** A Dataset over columns the host sent (already labelled with class indices). */
export function datasetFromColumns(job: TrainJob): Dataset {
  const d = job.data;
  if (!d) throw new DatasetError('notADataset', 'a train job needs a path or columns', { file: '(columns)' });
  const counts = d.classes.map(() => 0);
  let missing = 0;
  for (const y of d.labels) {
    if (y >= 0 && y < counts.length) counts[y]++;
    else missing++;
  }
  return {
    path: '(columns from the host)',
    files: [],
    format: 'npy',
    rows: d.labels.length,
    names: d.names,
    columns: d.columns,
    missing: d.columns.map(() => 0),
    label: { name: 'label', sourceColumn: null, values: d.labels, classes: d.classes, counts, kind: 'integer', missing },
    warnings: [],
    source: { bytes: 0, parser: 'npy' },
  };
}

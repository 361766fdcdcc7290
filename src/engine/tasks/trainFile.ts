/**
 * The train use case: load a dataset (or take columns sent by the host), resolve the preset, train, optionally save.
 * The CLI's `train` and the worker's train job both call this; the request type is owned here and the protocol
 * carries it.
 */
import type { CancelSignal } from '../cancel';
import { classLabel, inMemoryDataset } from '../dataset';
import type { ColumnType, Dataset, LabelSpec, LabelTask } from '../dataset';
import { DatasetError } from '../errors';
import { excludeFeatures } from '../exclude';
import { loadDataset } from '../io/load';
import { loadTf } from '../train/backend';
import { sourceColumns } from '../train/data';
import { summariseTraining } from '../train/drift';
import { TrainInputError } from '../train/errors';
import { levelIndexColumn } from '../train/encoding';
import { resolveConfig } from '../train/presets';
import { saveModel } from '../train/save';
import { trainDataset } from '../train/train';
import type { EpochProgress, PresetName, TrainConfig, TrainingReport } from '../train/types';

/** Columns sent by the host instead of a path (class index per row, −1: no label). */
export interface TrainColumns {
  readonly names: string[];
  readonly columns: Float32Array[];
  readonly labels: Int32Array;
  readonly classes: string[];
}

export interface TrainRequest {
  readonly path?: string;
  readonly data?: TrainColumns;
  readonly label?: string | number;
  readonly preset?: PresetName | 'auto';
  /** Explicit settings; they win over the preset. */
  readonly config?: Partial<TrainConfig>;
  /** Save the first run's model here (TensorFlow.js layers format + kryptonite.json). */
  readonly saveDir?: string;
  /**
   * Features left out of training (`--exclude`, the "Exclude feature from training" quick fix): the model's inputs
   * lack them, and the saved model names them so that predict knows them.
   */
  readonly exclude?: readonly string[];
  /** The label's task when the inference should be overridden (`--task`). */
  readonly task?: LabelTask;
  /** Column types set by the user (`--type`, the kryptonite.columnTypes setting). */
  readonly columnTypes?: Readonly<Record<string, ColumnType>>;
  /**
   * Grid carbon intensity for the report's energy section, gCO2eq/kWh (`--carbon-intensity`, the
   * kryptonite.carbonIntensity setting); absent: the world average.
   */
  readonly carbonIntensity?: number;
}

export interface TrainFileOptions {
  readonly signal?: CancelSignal;
  readonly onProgress?: (stage: 'load' | 'train', fraction: number, message: string, epoch?: EpochProgress) => void;
  /** Lines about what ran (the kernel), for a log. */
  readonly log?: (line: string) => void;
  /** Called once the configuration is resolved, with the reason for it (before training starts). */
  readonly onConfig?: (reason: string) => void;
}

export interface TrainOutcome {
  readonly dataset: Dataset;
  readonly training: TrainingReport;
  /** Why this configuration (the preset's or auto's reason). */
  readonly reason: string;
  readonly saved?: string;
}

export async function trainFile(request: TrainRequest, options: TrainFileOptions = {}): Promise<TrainOutcome> {
  const { signal, onProgress } = options;
  const { carbonIntensity } = request;
  if (carbonIntensity !== undefined && !(Number.isFinite(carbonIntensity) && carbonIntensity >= 0)) {
    throw new TrainInputError('invalidConfig', `the carbon intensity is a number of gCO2eq/kWh ≥ 0, got ${carbonIntensity}`);
  }
  onProgress?.('load', 0, request.path ? `Reading ${request.path}` : 'Receiving columns');
  const loaded = request.path
    ? await loadDataset(request.path, { label: request.label, signal, ...(request.task ? { task: request.task } : {}), ...(request.columnTypes ? { columnTypes: request.columnTypes } : {}) })
    : datasetFromColumns(request.data);
  const dataset = excludeFeatures(loaded, request.exclude ?? []);
  const excluded = loaded.names.filter((n) => !dataset.names.includes(n));
  const { config, reason } = resolveConfig(dataset, { preset: request.preset, overrides: request.config });
  options.onConfig?.(reason);
  const { report, model } = await trainDataset(
    dataset,
    config,
    {
      signal,
      log: options.log,
      ...(carbonIntensity !== undefined ? { energy: { intensity: carbonIntensity } } : {}),
      onEpoch: (p) => {
        const fraction = (p.run - 1 + p.epoch / p.epochs) / p.runs;
        onProgress?.('train', fraction, `run ${p.run}/${p.runs}, epoch ${p.epoch}: val loss ${p.valLoss.toFixed(4)}, val ${p.metric === 'r2' ? 'R²' : 'acc'} ${p.valAccuracy.toFixed(4)}`, p);
      },
    },
    reason,
  );
  if (request.saveDir) {
    const { tf } = await loadTf('auto');
    // The drift check's reference: the model's source features over the rows it was trained on.
    const sources = model.data.sourceFeatures.map((name) => dataset.names.indexOf(name));
    // One-hot features are summarised in the encoding's level order: codes depend on the file, level texts do not.
    const encoded = model.data.encoding;
    const columns = sources.map((j, s) => {
      const source = encoded?.sources[s];
      return source?.kind === 'categorical' ? levelIndexColumn(source, sourceColumns(dataset, [j])[0]) : dataset.columns[j];
    });
    const trainingData = summariseTraining(
      columns,
      model.data.sourceFeatures,
      sources.map((j) => dataset.types[j]),
      model.data.split.train,
    );
    await saveModel(tf, request.saveDir, model, { label: dataset.label?.name, excluded, trainingData });
  }
  const training: TrainingReport = excluded.length > 0 ? { ...report, excluded } : report;
  return { dataset, training, reason, ...(request.saveDir ? { saved: request.saveDir } : {}) };
}

/** A Dataset over columns the host sent (already labelled with class indices). */
export function datasetFromColumns(data: TrainColumns | undefined): Dataset {
  if (!data) throw new DatasetError('notADataset', 'a train request needs a path or columns', { file: '(columns)' });
  return inMemoryDataset({
    path: '(columns from the host)',
    format: 'npy',
    names: data.names,
    columns: data.columns,
    label: classLabel('label', data.labels, data.classes),
  });
}

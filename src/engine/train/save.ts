import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tf } from './backend';
import { TrainInputError } from './errors';
import type { Standardisation } from './data';
import type { TrainingSummary } from './drift';
import { isInputEncoding } from './encoding';
import type { InputEncoding } from './encoding';
import type { Architecture, NamedWeight } from './model';
import type { TrainedModel } from './train';
import type { FeatureTransform, ResolvedBackend, TrainConfig } from './types';

/** Our metadata beside the TensorFlow.js model files. */
export const METADATA_FILE = 'kryptonite.json';
export const MODEL_SCHEMA = 'kryptonite.model/1';

export interface ModelMetadata {
  readonly schema: typeof MODEL_SCHEMA;
  readonly architecture: Architecture;
  /** Dataset features the model reads, in order (before any transform). */
  readonly sourceFeatures: string[];
  /** Model inputs after the transform (products for interaction features). */
  readonly inputs: string[];
  readonly transform: FeatureTransform;
  readonly standardisation: Standardisation;
  readonly rawStandardisation: Standardisation | null;
  readonly classes: string[];
  readonly config: TrainConfig;
  readonly seed: number;
  readonly backend: ResolvedBackend;
  readonly kernel: string;
  readonly savedAt: string;
  /** The label column trained on (absent in models saved before it was recorded). */
  readonly label?: string;
  /** Features the user excluded from training (`--exclude`, the quick fix): known to the model, never read. */
  readonly excluded?: string[];
  /** Per-feature summary of the training rows, for predict's drift check (absent in older models: no check). */
  readonly trainingData?: TrainingSummary;
  /** What the model predicts (absent in models saved before it was recorded: classes). */
  readonly task?: 'binary' | 'multiclass' | 'regression';
  /**
   * How the source features become inputs (standardisation, imputation, missing indicators, one-hot levels), fitted
   * on the training rows; predict applies exactly this. Absent: `standardisation` over the transform's inputs.
   */
  readonly encoding?: InputEncoding;
  /** Regression: the training rows' target mean and sd; the network's output is mapped back with them. */
  readonly targetScale?: { readonly mean: number; readonly sd: number };
}

/** What the caller knows about the training beside the model itself. */
export interface SaveExtras {
  readonly label?: string;
  readonly excluded?: readonly string[];
  readonly trainingData?: TrainingSummary;
}

/** A tf.LayersModel with the architecture and weights: what `model.json` + `weights.bin` hold. */
export function toLayersModel(tf: Tf, arch: Architecture, weights: readonly NamedWeight[], dropout = true): import('@tensorflow/tfjs').LayersModel {
  const model = tf.sequential();
  const outAct = arch.kind === 'dense' && arch.output === 'linear' ? 'linear' : arch.outputs === 1 ? 'sigmoid' : 'softmax';
  if (arch.kind === 'dense') {
    arch.hidden.forEach((units, l) => {
      model.add(tf.layers.dense({ units, activation: arch.activation, ...(l === 0 ? { inputShape: [arch.inputs] } : {}) }));
      if (dropout && arch.dropout[l] > 0) model.add(tf.layers.dropout({ rate: arch.dropout[l] }));
    });
    model.add(tf.layers.dense({ units: arch.outputs, activation: outAct, ...(arch.hidden.length === 0 ? { inputShape: [arch.inputs] } : {}) }));
  } else {
    model.add(tf.layers.reshape({ targetShape: [arch.inputs, 1], inputShape: [arch.inputs] }));
    for (let l = 0; l < arch.cnn.layers; l++) {
      model.add(tf.layers.conv1d({ filters: arch.cnn.filters, kernelSize: arch.cnn.kernel, strides: arch.cnn.stride, padding: 'same', activation: 'relu' }));
    }
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: arch.outputs, activation: outAct }));
  }
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights(tensors);
  // setWeights copies the values into the layers' variables.
  for (const t of tensors) t.dispose();
  return model;
}

/**
 * Write `dir/model.json` + `dir/weights.bin` (the TensorFlow.js layers format, loadable by tf.loadLayersModel and
 * tensorflowjs_converter) and `dir/kryptonite.json`. The pure-JS tfjs package has no file:// handler (only
 * tfjs-node does), so the artifacts are written by our own save handler.
 */
export async function saveModel(tf: Tf, dir: string, model: TrainedModel, extras: SaveExtras = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const layers = toLayersModel(tf, model.architecture, model.weights);
  try {
    await layers.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weightData = artifacts.weightData;
        const bytes = weightData instanceof ArrayBuffer ? new Uint8Array(weightData) : Buffer.concat((weightData ?? []).map((b) => new Uint8Array(b)));
        const json = {
          modelTopology: artifacts.modelTopology,
          format: 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: null,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        };
        await writeFile(join(dir, 'model.json'), JSON.stringify(json));
        await writeFile(join(dir, 'weights.bin'), bytes);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.byteLength } };
      }),
    );
  } finally {
    layers.dispose();
  }
  const meta: ModelMetadata = {
    schema: MODEL_SCHEMA,
    architecture: model.architecture,
    sourceFeatures: model.data.sourceFeatures,
    inputs: model.data.names,
    transform: model.data.transform,
    standardisation: model.data.standardisation,
    rawStandardisation: model.data.rawStandardisation,
    classes: model.data.classes,
    config: model.config,
    seed: model.config.seed,
    backend: model.backend,
    kernel: model.kernel,
    savedAt: new Date().toISOString(),
    ...(extras.label !== undefined ? { label: extras.label } : {}),
    ...(extras.excluded && extras.excluded.length > 0 ? { excluded: [...extras.excluded] } : {}),
    ...(extras.trainingData ? { trainingData: extras.trainingData } : {}),
    task: model.data.task,
    ...(model.data.encoding ? { encoding: model.data.encoding } : {}),
    ...(model.data.targetScale ? { targetScale: model.data.targetScale } : {}),
  };
  await writeFile(join(dir, METADATA_FILE), JSON.stringify(meta, null, 2) + '\n');
}

export interface LoadedModel {
  readonly model: import('@tensorflow/tfjs').LayersModel;
  readonly meta: ModelMetadata;
}

/** Read a directory written by saveModel. Throws with a message naming the missing or malformed file. */
export async function loadModel(tf: Tf, dir: string): Promise<LoadedModel> {
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, name));
    } catch {
      throw new ModelFileError(`${join(dir, name)}: not found — is ${dir} a folder written by \`kryptonite train --save\`?`);
    }
  };
  const parsed = parseJson(await read(METADATA_FILE), join(dir, METADATA_FILE)) as unknown as ModelMetadata;
  if (parsed.schema !== MODEL_SCHEMA) throw new ModelFileError(`${join(dir, METADATA_FILE)}: schema "${String(parsed.schema)}", expected "${MODEL_SCHEMA}"`);
  if (!isStringArray(parsed.sourceFeatures) || !isStringArray(parsed.classes)) throw new ModelFileError(`${join(dir, METADATA_FILE)}: no list of the model's features and classes`);
  // The optional parts were written by this code; a file edited by hand loses what does not check out, not the model.
  const { trainingData, excluded, label, task, encoding, targetScale, ...rest } = parsed;
  if (task === 'regression' && !(targetScale && Number.isFinite(targetScale.mean) && Number.isFinite(targetScale.sd) && targetScale.sd > 0)) {
    throw new ModelFileError(`${join(dir, METADATA_FILE)}: a regression model without the target's mean and sd (targetScale)`);
  }
  if (encoding !== undefined && !isInputEncoding(encoding)) throw new ModelFileError(`${join(dir, METADATA_FILE)}: the input encoding is malformed`);
  const meta: ModelMetadata = {
    ...rest,
    ...(task === 'binary' || task === 'multiclass' || task === 'regression' ? { task } : {}),
    ...(encoding !== undefined ? { encoding } : {}),
    ...(task === 'regression' && targetScale ? { targetScale } : {}),
    ...(typeof label === 'string' ? { label } : {}),
    ...(isStringArray(excluded) ? { excluded } : {}),
    ...(isTrainingSummary(trainingData) ? { trainingData } : {}),
  };
  const json = JSON.parse((await read('model.json')).toString('utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }[];
  };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map(read));
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
  return { model, meta };
}

function parseJson(bytes: Buffer, file: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ModelFileError(`${file}: not a JSON object — was it written by \`kryptonite train --save\`?`);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

function isTrainingSummary(v: unknown): v is TrainingSummary {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.rows === 'number' &&
    Array.isArray(s.features) &&
    s.features.every((f: unknown) => {
      if (typeof f !== 'object' || f === null) return false;
      const x = f as Record<string, unknown>;
      return (
        typeof x.name === 'string' &&
        typeof x.count === 'number' &&
        typeof x.missing === 'number' &&
        typeof x.shape === 'string' &&
        isNumberArray(x.quantiles) &&
        isNumberArray(x.cuts) &&
        isNumberArray(x.counts) &&
        x.counts.length === x.cuts.length + 1
      );
    })
  );
}

/** A model folder that is missing or was not written by `kryptonite train --save`. */
export class ModelFileError extends TrainInputError {
  constructor(message: string) {
    super('modelFile', message);
    this.name = 'ModelFileError';
  }
}

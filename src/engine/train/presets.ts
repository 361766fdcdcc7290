import type { Dataset } from '../dataset';
import { TrainInputError } from './errors';
import type { PresetName, TrainConfig } from './types';

/**
 * The published Kryptonite MLP configurations (one hidden layer of 72 units, up to 1000 epochs, early stopping on
 * validation loss with patience 200 and the best weights restored), plus defaults for other data.
 */
const PUBLISHED_BASE = {
  model: 'mlp',
  hidden: [72],
  momentum: 0.9,
  epochs: 1000,
  patience: 200,
} as const;

export const PRESETS: Readonly<Record<PresetName, Partial<TrainConfig>>> = {
  'N-9': { ...PUBLISHED_BASE, optimizer: 'sgd', activation: 'elu', learningRate: 0.01, dropout: [0], batchSize: 128, preset: 'N-9' },
  'N-12': { ...PUBLISHED_BASE, optimizer: 'sgd', activation: 'elu', learningRate: 0.1, dropout: [0.01], batchSize: 256, preset: 'N-12' },
  'N-15': { ...PUBLISHED_BASE, optimizer: 'sgd', activation: 'tanh', learningRate: 0.1, dropout: [0.03], batchSize: 256, preset: 'N-15' },
  'N-18': { ...PUBLISHED_BASE, optimizer: 'adam', activation: 'tanh', learningRate: 0.1, dropout: [0.07], batchSize: 256, preset: 'N-18' },
};

/** Published target test accuracies (mean over seeds) for each preset. */
export const PRESET_TARGETS: Readonly<Record<PresetName, number>> = { 'N-9': 0.95, 'N-12': 0.925, 'N-15': 0.9, 'N-18': 0.875 };

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(v: string): v is PresetName {
  return (PRESET_NAMES as string[]).includes(v);
}

export const DEFAULT_CONFIG: TrainConfig = {
  model: 'mlp',
  hidden: [72],
  activation: 'relu',
  dropout: [0],
  optimizer: 'adam',
  learningRate: 0.001,
  momentum: 0.9,
  batchSize: 128,
  epochs: 300,
  patience: 30,
  seed: 42,
  init: 'torch',
  runs: 1,
  backend: 'auto',
  preset: 'default',
  cnn: { filters: 25, kernel: 5, stride: 2, layers: 3 },
  features: { kind: 'raw' },
};

/**
 * MNIST-1D's convolutional baseline (Greydanus 2020: three conv layers of 25 channels, kernel 5, stride 2, ReLU, a
 * linear head; Adam 1e-2, batch 100).
 */
export const CNN_PRESET: Partial<TrainConfig> = {
  model: 'cnn1d',
  hidden: [],
  activation: 'relu',
  dropout: [],
  optimizer: 'adam',
  learningRate: 0.01,
  batchSize: 100,
  epochs: 200,
  patience: 25,
  preset: 'cnn1d',
};

export interface AutoChoice {
  readonly config: Partial<TrainConfig>;
  readonly reason: string;
}

/**
 * `--preset auto`: sequence-like data (many features whose neighbours are strongly correlated, more than two
 * classes) → the 1-D CNN; a two-class label on 6–24 features → the published preset for the nearest N; anything
 * else → a ReLU MLP with Adam.
 */
export function autoPreset(dataset: Dataset): AutoChoice {
  const d = dataset.columns.length;
  const classes = dataset.label?.classes.length ?? 0;
  const lag1 = neighbourCorrelation(dataset);
  if (d >= 16 && classes > 2 && lag1 > 0.5) {
    return {
      config: CNN_PRESET,
      reason: `${d} ordered features with neighbour correlation ${lag1.toFixed(2)} and ${classes} classes look like a 1-D signal: 1-D CNN (MNIST-1D baseline)`,
    };
  }
  if (classes === 2 && d >= 6 && d <= 24) {
    const name: PresetName = d <= 10 ? 'N-9' : d <= 13 ? 'N-12' : d <= 16 ? 'N-15' : 'N-18';
    return { config: PRESETS[name], reason: `two classes on ${d} features: the published Kryptonite configuration for the nearest N (${name})` };
  }
  return {
    config: { preset: 'default' },
    reason: `${d} features, ${classes} classes: no published configuration applies; default ReLU MLP (72 units, Adam 1e-3, batch 128, patience 30)`,
  };
}

/** Mean Pearson correlation of feature i with feature i+1 over (up to) the first 2000 rows. */
export function neighbourCorrelation(dataset: Dataset): number {
  const cols = dataset.columns;
  if (cols.length < 2) return 0;
  const n = Math.min(dataset.rows, 2000);
  let total = 0;
  let pairs = 0;
  for (let f = 0; f + 1 < cols.length; f++) {
    const a = cols[f];
    const b = cols[f + 1];
    let sa = 0;
    let sb = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(a[i]) || Number.isNaN(b[i])) continue;
      sa += a[i];
      sb += b[i];
      m++;
    }
    if (m < 3) continue;
    const ma = sa / m;
    const mb = sb / m;
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(a[i]) || Number.isNaN(b[i])) continue;
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) ** 2;
      sbb += (b[i] - mb) ** 2;
    }
    if (saa > 0 && sbb > 0) {
      total += sab / Math.sqrt(saa * sbb);
      pairs++;
    }
  }
  return pairs > 0 ? total / pairs : 0;
}

/** What the user asked for: a preset (or auto) and explicit overrides, which always win over the preset. */
export interface ConfigRequest {
  readonly preset?: PresetName | 'auto';
  readonly overrides?: Partial<TrainConfig>;
}

/**
 * The full configuration of a training job: defaults, then the preset (chosen from the data for `auto`, and for a
 * CNN request without a preset), then the user's overrides; with the reason in words for the report.
 */
export function resolveConfig(dataset: Dataset, request: ConfigRequest): { config: TrainConfig; reason: string } {
  const overrides = request.overrides ?? {};
  let base: Partial<TrainConfig>;
  let reason: string;
  if (request.preset === 'auto') {
    const auto = autoPreset(dataset);
    base = auto.config;
    reason = `auto: ${auto.reason}`;
  } else if (request.preset) {
    base = PRESETS[request.preset];
    reason = `preset ${request.preset} (published Kryptonite configuration)`;
  } else if (overrides.model === 'cnn1d') {
    base = CNN_PRESET;
    reason = '1-D CNN defaults (MNIST-1D baseline)';
  } else {
    base = {};
    reason = 'defaults';
  }
  const named = Object.keys(overrides).filter((k) => (overrides as Record<string, unknown>)[k] !== undefined);
  if (named.length > 0) reason += `; set by the user: ${named.join(', ')}`;
  const clean = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<TrainConfig>;
  const config: TrainConfig = { ...DEFAULT_CONFIG, ...base, ...clean };
  validateConfig(config);
  return { config, reason };
}

export function validateConfig(c: TrainConfig): void {
  const bad = (what: string): never => {
    throw new TrainInputError('invalidConfig', `invalid training configuration: ${what}`);
  };
  if (!['mlp', 'logreg', 'cnn1d'].includes(c.model)) bad(`model "${c.model}" (mlp, logreg or cnn1d)`);
  if (!['elu', 'tanh', 'relu', 'sigmoid'].includes(c.activation)) bad(`activation "${c.activation}" (elu, tanh, relu or sigmoid)`);
  if (!['sgd', 'adam'].includes(c.optimizer)) bad(`optimizer "${c.optimizer}" (sgd or adam)`);
  if (!['auto', 'fused', 'tensorflow', 'wasm', 'cpu'].includes(c.backend)) bad(`backend "${c.backend}" (auto, fused, tensorflow, wasm or cpu)`);
  if (!c.hidden.every((h) => Number.isInteger(h) && h >= 1)) bad(`hidden sizes ${JSON.stringify(c.hidden)} (positive integers)`);
  if (!c.dropout.every((d) => d >= 0 && d < 1)) bad(`dropout ${JSON.stringify(c.dropout)} (each in [0, 1))`);
  if (!(c.learningRate > 0 && Number.isFinite(c.learningRate))) bad(`learning rate ${c.learningRate}`);
  if (!(c.momentum >= 0 && c.momentum < 1)) bad(`momentum ${c.momentum}`);
  if (!(Number.isInteger(c.batchSize) && c.batchSize >= 1)) bad(`batch size ${c.batchSize}`);
  if (!(Number.isInteger(c.epochs) && c.epochs >= 1)) bad(`epochs ${c.epochs}`);
  if (!(Number.isInteger(c.patience) && c.patience >= 1)) bad(`patience ${c.patience}`);
  if (!(Number.isInteger(c.runs) && c.runs >= 1)) bad(`runs ${c.runs}`);
  if (!Number.isSafeInteger(c.seed)) bad(`seed ${c.seed}`);
  if (c.init !== undefined && !['torch', 'glorot'].includes(c.init)) bad(`init "${c.init}" (torch or glorot)`);
}

import type { CancelSignal } from '../cancel';
import type { Dataset } from '../dataset';
import { createRng, permutation } from '../random';
import type { Rng } from '../random';
import { loadTf } from './backend';
import { TrainInputError } from './errors';
import type { TfBackend } from './backend';
import type { PreparedData } from './data';
import { prepareTraining, resolveTransform } from './data';
import { FusedDense, fusedKernelAvailable } from './fused';
import type { FusedNetwork, OptimizerSpec } from './fused';
import { FusedCnn } from './fusedCnn';
import type { Architecture, NamedWeight, Trainer } from './model';
import { countParameters, initialWeights } from './model';
import { TfTrainer } from './tfTrainer';
import type { EpochMetrics, EpochProgress, Evaluation, ResolvedBackend, RunResult, TrainConfig, TrainingReport } from './types';

export interface TrainHooks {
  readonly signal?: CancelSignal;
  /** After every epoch of every run. */
  readonly onEpoch?: (p: EpochProgress) => void;
  /** Bench only: after every epoch, with a function scoring the current weights on the test split. */
  readonly onEpochProbe?: (p: EpochProgress, testAccuracy: () => number) => void;
  /** Log lines (backend choice, fallbacks). */
  readonly log?: (line: string) => void;
}

/** A trained model with everything needed to save it and apply it to new rows. */
export interface TrainedModel {
  readonly architecture: Architecture;
  readonly weights: NamedWeight[];
  readonly data: Pick<PreparedData, 'names' | 'classes' | 'standardisation' | 'sourceFeatures' | 'transform' | 'rawStandardisation' | 'split'>;
  readonly config: TrainConfig;
  readonly backend: ResolvedBackend;
  readonly kernel: string;
}

export interface TrainOutcome {
  readonly report: TrainingReport;
  /** The model of the first run (seed = config.seed). */
  readonly model: TrainedModel;
}

/** Rough per-run cost used to yield to the event loop (CLI progress, in-process callers): at most every 100 ms. */
const YIELD_MS = 100;

/**
 * Train `config.runs` models with seeds seed, seed+1, … — each with its own seeded split (unless a split column is
 * given), initial weights, shuffling and dropout — and report the first run in full and all runs' test accuracy.
 */
export async function trainDataset(dataset: Dataset, config: TrainConfig, hooks: TrainHooks = {}, presetReason = ''): Promise<TrainOutcome> {
  const started = performance.now();
  const backend = await resolveBackend(config, hooks);
  const transform = await resolveTransform(dataset, config.features, config.seed);
  const results: RunResult[] = [];
  let first: { data: PreparedData; model: TrainedModel; kernel: string; parameters: number } | null = null;
  for (let run = 0; run < config.runs; run++) {
    const seed = config.seed + run;
    hooks.signal?.throwIfAborted();
    const data = prepareTraining(dataset, { seed, splitColumn: config.splitColumn, transform, scaling: config.model === 'cnn1d' ? 'pooled' : 'feature' });
    const arch = architecture(config, data);
    const { result, trainer, weights } = await trainRun(data, arch, config, seed, backend, run, hooks);
    results.push(result);
    if (!first) {
      first = {
        data,
        kernel: trainer,
        parameters: countParameters(weights),
        model: { architecture: arch, weights, data, config, backend, kernel: trainer },
      };
    }
  }
  const f = first!;
  const r0 = results[0];
  const accs = results.map((r) => r.test.accuracy);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const sd = accs.length > 1 ? Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / (accs.length - 1)) : 0;
  const report: TrainingReport = {
    config,
    presetReason,
    backend,
    kernel: f.kernel,
    features: f.data.names,
    classes: f.data.classes,
    split: { train: f.data.split.train.length, validation: f.data.split.validation.length, test: f.data.split.test.length, source: f.data.splitSource },
    parameters: f.parameters,
    history: r0.history,
    bestEpoch: r0.bestEpoch,
    epochsRun: r0.epochsRun,
    stoppedEarly: r0.stoppedEarly,
    validation: r0.validation,
    test: r0.test,
    msPerEpoch: r0.msPerEpoch,
    ...(config.runs > 1 ? { runs: { seeds: results.map((r) => r.seed), accuracy: accs, mean, sd, epochsRun: results.map((r) => r.epochsRun) } } : {}),
    totalMs: performance.now() - started,
  };
  return { report, model: f.model };
}

export function architecture(config: TrainConfig, data: Pick<PreparedData, 'inputs' | 'classes'>): Architecture {
  const outputs = data.classes.length === 2 ? 1 : data.classes.length;
  if (config.model === 'cnn1d') return { kind: 'cnn1d', inputs: data.inputs, outputs, cnn: config.cnn };
  const hidden = config.model === 'logreg' ? [] : [...config.hidden];
  const dropout = hidden.map((_, i) => config.dropout[i] ?? config.dropout[config.dropout.length - 1] ?? 0);
  return { kind: 'dense', inputs: data.inputs, hidden, outputs, activation: config.activation, dropout };
}

/** `auto`: the fused WebAssembly kernel (every model), or the best TensorFlow.js backend where WebAssembly SIMD is missing. */
async function resolveBackend(config: TrainConfig, hooks: TrainHooks): Promise<ResolvedBackend> {
  if (config.backend === 'fused') {
    if (!fusedKernelAvailable()) throw new TrainInputError('unsupportedOption', 'the fused kernel needs WebAssembly SIMD, which this runtime lacks; use --backend auto, wasm, cpu or tensorflow');
    return 'fused';
  }
  if (config.backend === 'auto' && fusedKernelAvailable()) return 'fused';
  if (config.backend === 'auto') hooks.log?.('fused kernel passed over — this runtime has no WebAssembly SIMD');
  const loaded = await loadTf(config.backend === 'auto' ? 'auto' : config.backend);
  for (const note of loaded.notes) hooks.log?.(`backend passed over — ${note}`);
  hooks.log?.(`TensorFlow.js backend: ${loaded.detail}`);
  return loaded.backend;
}

async function createTrainer(arch: Architecture, config: TrainConfig, backend: ResolvedBackend, data: PreparedData, rng: Rng): Promise<{ trainer: Trainer; initial: NamedWeight[] }> {
  const initial = initialWeights(arch, rng, config.init ?? 'torch');
  const optimizer = { kind: config.optimizer, learningRate: config.learningRate, momentum: config.momentum };
  if (backend === 'fused') {
    return { trainer: fusedTrainer(arch, initial, optimizer, data, config.batchSize), initial };
  }
  const loaded = await loadTf(backend as TfBackend);
  return { trainer: new TfTrainer(loaded, arch, initial, optimizer, data.x, data.labels), initial };
}

/** A dense model or the CNN on the fused WebAssembly kernel, behind the Trainer interface. */
function fusedTrainer(arch: Architecture, initial: readonly NamedWeight[], optimizer: OptimizerSpec, data: PreparedData, batchSize: number): Trainer {
  const values = initial.map((w) => w.values);
  // Evaluation runs in chunks of at least 1024 rows: buffers are sized for the larger of that and a training batch.
  const maxBatch = Math.max(batchSize, 1024);
  const net: FusedNetwork = arch.kind === 'dense' ? new FusedDense(arch, values, optimizer, maxBatch) : new FusedCnn(arch, values, optimizer, maxBatch);
  return {
    kernel: net.description,
    trainBatch: (rows, from, to, rng) => net.trainBatch(data.x, data.labels, rows, from, to, rng),
    evaluate: (rows, predicted) => net.evaluate(data.x, data.labels, rows, predicted),
    snapshot: () => net.snapshot(),
    restore: (s) => net.restore(s),
    weights: () => initial.map((w, i) => ({ name: w.name, shape: w.shape, values: net.weights[i].slice() })),
    dispose: () => undefined,
  };
}

async function trainRun(
  data: PreparedData,
  arch: Architecture,
  config: TrainConfig,
  seed: number,
  backend: ResolvedBackend,
  run: number,
  hooks: TrainHooks,
): Promise<{ result: RunResult; trainer: string; weights: NamedWeight[] }> {
  // One stream for initial weights, then shuffling and dropout, in a fixed order: the run is a function of the seed.
  const rng = createRng(seed ^ 0x5eed7a11);
  const { trainer } = await createTrainer(arch, config, backend, data, rng);
  if (run === 0) hooks.log?.(`kernel: ${trainer.kernel}`);
  try {
    const train = data.split.train;
    const n = train.length;
    const order = new Uint32Array(n);
    const history: EpochMetrics[] = [];
    const byAccuracy = config.monitor === 'accuracy';
    let best = Infinity;
    let bestEpoch = 0;
    let bestWeights = trainer.snapshot();
    let stoppedEarly = false;
    const t0 = performance.now();
    let lastYield = t0;
    const batch = Math.max(1, Math.min(config.batchSize, n));
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const perm = permutation(n, rng);
      for (let i = 0; i < n; i++) order[i] = train[perm[i]];
      let lossSum = 0;
      let correct = 0;
      for (let from = 0; from < n; from += batch) {
        hooks.signal?.throwIfAborted();
        const o = trainer.trainBatch(order, from, Math.min(n, from + batch), rng);
        lossSum += o.lossSum;
        correct += o.correct;
      }
      const val = trainer.evaluate(data.split.validation);
      const valLoss = val.lossSum / data.split.validation.length;
      const m: EpochMetrics = {
        epoch,
        trainLoss: lossSum / n,
        trainAccuracy: correct / n,
        valLoss,
        valAccuracy: val.correct / data.split.validation.length,
        elapsedMs: performance.now() - t0,
      };
      history.push(m);
      // Keras EarlyStopping(monitor='val_loss' or 'val_accuracy', patience, restore_best_weights=True): strictly
      // better than the best so far counts as an improvement.
      const score = byAccuracy ? -m.valAccuracy : valLoss;
      if (score < best) {
        best = score;
        bestEpoch = epoch;
        bestWeights = trainer.snapshot();
      }
      const progress: EpochProgress = { ...m, run: run + 1, runs: config.runs, seed, epochs: config.epochs };
      hooks.onEpoch?.(progress);
      hooks.onEpochProbe?.(progress, () => trainer.evaluate(data.split.test).correct / data.split.test.length);
      if (!Number.isFinite(valLoss) || epoch - bestEpoch >= config.patience) {
        stoppedEarly = epoch < config.epochs;
        break;
      }
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    const trainMs = performance.now() - t0;
    trainer.restore(bestWeights);
    const result: RunResult = {
      seed,
      epochsRun: history.length,
      bestEpoch,
      stoppedEarly,
      history,
      validation: score(trainer, data, data.split.validation),
      test: score(trainer, data, data.split.test),
      trainMs,
      msPerEpoch: trainMs / Math.max(1, history.length),
    };
    return { result, trainer: trainer.kernel, weights: trainer.weights() };
  } finally {
    trainer.dispose();
  }
}

function score(trainer: Trainer, data: PreparedData, rows: Uint32Array): Evaluation {
  const predicted = new Int32Array(rows.length);
  const { lossSum, correct } = trainer.evaluate(rows, predicted);
  const c = data.classes.length;
  const confusion = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  for (let i = 0; i < rows.length; i++) confusion[data.labels[rows[i]]][predicted[i]]++;
  return { rows: rows.length, accuracy: rows.length ? correct / rows.length : NaN, loss: rows.length ? lossSum / rows.length : NaN, confusion };
}

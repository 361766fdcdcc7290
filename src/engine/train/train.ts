import type { CancelSignal } from '../cancel';
import type { Dataset } from '../dataset';
import { startEnergyMeter } from '../energy/meter';
import type { EnergyMeter, EnergyOptions } from '../energy/meter';
import type { EnergyReport } from '../energy/energy';
import { createRng, permutation } from '../random';
import type { Rng } from '../random';
import { loadTf } from './backend';
import { TrainInputError } from './errors';
import type { TfBackend } from './backend';
import type { PreparedData } from './data';
import type { InputEncoding } from './encoding';
import { welford } from '../stats/welford';
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
  /** Grid intensity for the energy section (and, in tests, a fake system to measure); absent: world average, this process. */
  readonly energy?: EnergyOptions;
}

/** A trained model with everything needed to save it and apply it to new rows. */
export interface TrainedModel {
  readonly architecture: Architecture;
  readonly weights: NamedWeight[];
  readonly data: Pick<PreparedData, 'names' | 'classes' | 'standardisation' | 'sourceFeatures' | 'transform' | 'rawStandardisation' | 'split' | 'task' | 'encoding' | 'targetScale'>;
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
 * RAPL counters are re-read at the first epoch end this long after the last reading: far inside the minutes a counter
 * takes to wrap, and a few file reads per 10 s cost nothing.
 */
const ENERGY_SAMPLE_MS = 10_000;

/**
 * Train `config.runs` models with seeds seed, seed+1, … — each with its own seeded split (unless a split column is
 * given), initial weights, shuffling and dropout — and report the first run in full and all runs' test accuracy.
 */
export async function trainDataset(dataset: Dataset, config: TrainConfig, hooks: TrainHooks = {}, presetReason = ''): Promise<TrainOutcome> {
  const started = performance.now();
  // The training's interval: from here (backend, transform) to the last run's end; loading and saving are the caller's.
  const meter = startEnergyMeter(hooks.energy);
  const backend = await resolveBackend(config, hooks);
  const transform = await resolveTransform(dataset, config.features, config.seed);
  const results: RunResult[] = [];
  let first: { data: PreparedData; model: TrainedModel; kernel: string; parameters: number } | null = null;
  // With `compare`, the first run decides between the configured model and the linear one; later runs use the kept one.
  let runConfig = config;
  let selection: TrainingReport['selection'];
  const perRun: EnergyReport[] = [];
  for (let run = 0; run < config.runs; run++) {
    const seed = config.seed + run;
    hooks.signal?.throwIfAborted();
    // Repeated runs: each seed's own interval too, so the runs table can show what each cost.
    const runMeter = config.runs > 1 ? startEnergyMeter(hooks.energy) : null;
    const runHooks = sampledHooks(hooks, [meter, runMeter]);
    const data = prepareTraining(dataset, { seed, splitColumn: config.splitColumn, transform, scaling: config.model === 'cnn1d' ? 'pooled' : 'feature' });
    let arch = architecture(runConfig, data);
    let outcome = await trainRun(data, arch, runConfig, seed, backend, run, runHooks);
    if (run === 0 && config.compare === 'linear' && config.model === 'mlp') {
      const linear: TrainConfig = { ...config, model: 'logreg', hidden: [], dropout: [] };
      const linearArch = architecture(linear, data);
      hooks.log?.('training the linear model on the same split to compare on validation loss');
      // The comparison's epochs are not streamed: the live curves stay those of the model being shown.
      const other = await trainRun(data, linearArch, linear, seed, backend, run, { ...runHooks, onEpoch: undefined, onEpochProbe: undefined });
      const score = (r: RunResult): number => (data.task === 'regression' ? (r.validation.r2 ?? NaN) : r.validation.accuracy);
      // Judged by what early stopping watches (validation loss, or accuracy); the linear model is kept only when strictly
      // better — ties go to the configured model.
      const byAccuracy = config.monitor === 'accuracy' && data.task !== 'regression';
      const keepLinear = byAccuracy ? other.result.validation.accuracy > outcome.result.validation.accuracy : other.result.validation.loss < outcome.result.validation.loss;
      selection = {
        by: byAccuracy ? 'validation accuracy' : 'validation loss',
        candidates: [
          { model: 'mlp', validationLoss: outcome.result.validation.loss, validationScore: score(outcome.result) },
          { model: 'logreg', validationLoss: other.result.validation.loss, validationScore: score(other.result) },
        ],
        chosen: keepLinear ? 'logreg' : 'mlp',
      };
      if (keepLinear) {
        runConfig = linear;
        arch = linearArch;
        outcome = other;
      }
    }
    const { result, trainer, weights } = outcome;
    results.push(result);
    if (runMeter) perRun.push(runMeter.stop());
    if (!first) {
      first = {
        data,
        kernel: trainer,
        parameters: countParameters(weights),
        model: { architecture: arch, weights, data, config: runConfig, backend, kernel: trainer },
      };
    }
  }
  const f = first!;
  const r0 = results[0];
  const regression = f.data.task === 'regression';
  const accs = results.map((r) => (regression ? (r.test.r2 ?? NaN) : r.test.accuracy));
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const sd = accs.length > 1 ? Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / (accs.length - 1)) : 0;
  const metricName = regression ? 'R²' : 'accuracy';
  const chosenWhy = selection
    ? `; kept the ${selection.chosen === 'mlp' ? 'MLP' : regression ? 'linear regression' : 'logistic regression'} (by ${selection.by}: loss ${selection.candidates.map((c) => `${c.model === 'mlp' ? 'MLP' : 'linear'} ${c.validationLoss.toPrecision(4)}, ${metricName} ${c.validationScore.toFixed(3)}`).join(' vs ')})`
    : '';
  const report: TrainingReport = {
    config: runConfig,
    presetReason: presetReason + chosenWhy,
    ...(selection ? { selection } : {}),
    backend,
    kernel: f.kernel,
    features: f.data.names,
    classes: f.data.classes,
    task: f.data.task,
    metric: regression ? 'r2' : 'accuracy',
    ...(regression && f.data.targetScale ? { target: { name: dataset.label?.name ?? 'label', ...f.data.targetScale } } : {}),
    ...(f.data.encoding ? { encoding: describeEncoding(f.data.encoding) } : {}),
    split: { train: f.data.split.train.length, validation: f.data.split.validation.length, test: f.data.split.test.length, source: f.data.splitSource },
    parameters: f.parameters,
    history: r0.history,
    bestEpoch: r0.bestEpoch,
    epochsRun: r0.epochsRun,
    stoppedEarly: r0.stoppedEarly,
    validation: r0.validation,
    test: r0.test,
    msPerEpoch: r0.msPerEpoch,
    ...(config.runs > 1
      ? { runs: { seeds: results.map((r) => r.seed), accuracy: accs, mean, sd, epochsRun: results.map((r) => r.epochsRun), kWh: perRun.map((e) => e.kWh), gCO2eq: perRun.map((e) => e.gCO2eq) } }
      : {}),
    totalMs: performance.now() - started,
    energy: meter.stop(),
  };
  return { report, model: f.model };
}

/** The hooks of one run, with the energy meters' RAPL counters read at an epoch's end every ENERGY_SAMPLE_MS. */
function sampledHooks(hooks: TrainHooks, meters: readonly (EnergyMeter | null)[]): TrainHooks {
  let last = performance.now();
  return {
    ...hooks,
    onEpoch: (p) => {
      const now = performance.now();
      if (now - last > ENERGY_SAMPLE_MS) {
        last = now;
        for (const m of meters) m?.sample();
      }
      hooks.onEpoch?.(p);
    },
  };
}

export function architecture(config: TrainConfig, data: Pick<PreparedData, 'inputs' | 'classes'> & { readonly task?: PreparedData['task'] }): Architecture {
  const regression = data.task === 'regression';
  const outputs = regression || data.classes.length === 2 ? 1 : data.classes.length;
  if (config.model === 'cnn1d') {
    if (regression) throw new TrainInputError('unsupportedOption', 'the 1-D CNN classifies; for a number to predict use --model mlp or logreg (linear regression)');
    return { kind: 'cnn1d', inputs: data.inputs, outputs, cnn: config.cnn };
  }
  const hidden = config.model === 'logreg' ? [] : [...config.hidden];
  const dropout = hidden.map((_, i) => config.dropout[i] ?? config.dropout[config.dropout.length - 1] ?? 0);
  return { kind: 'dense', inputs: data.inputs, hidden, outputs, activation: config.activation, dropout, ...(regression ? { output: 'linear' as const } : {}) };
}

/** One line per source feature: how the model reads it (for the report). */
function describeEncoding(encoding: InputEncoding): { feature: string; how: string }[] {
  return encoding.sources.map((e) => {
    if (e.kind === 'numeric') {
      const how = `standardised with the training rows' mean ${fmt(e.mean)} and sd ${fmt(e.sd)}`;
      return { feature: e.name, how: e.missingIndicator ? `${how}; missing cells imputed at that mean, with a 0/1 "missing" input` : how };
    }
    const other = e.other ? ` and one (other) input for ${e.otherLevels.length} rarer levels` : '';
    return { feature: e.name, how: `one-hot over ${e.levels.length} training level${e.levels.length === 1 ? '' : 's'}${other}; missing or unseen levels are all zeros` };
  });
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
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
  if (data.task === 'regression') {
    throw new TrainInputError('unsupportedOption', `regression trains on the fused WebAssembly kernel; --backend ${backend} (TensorFlow.js) classifies only — use --backend auto or fused`);
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
  const targets = data.targets ?? data.labels;
  return {
    kernel: net.description,
    trainBatch: (rows, from, to, rng) => net.trainBatch(data.x, targets, rows, from, to, rng),
    evaluate: (rows, predicted, values) => net.evaluate(data.x, targets, rows, predicted, values),
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
    // A regression's epoch scores are R² of the standardised target: 1 − MSE / the split's target variance.
    const trainVariance = data.targets ? variance(data.targets, train) : NaN;
    const valVariance = data.targets ? variance(data.targets, data.split.validation) : NaN;
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
        trainAccuracy: data.targets ? 1 - lossSum / n / trainVariance : correct / n,
        valLoss,
        valAccuracy: data.targets ? 1 - valLoss / valVariance : val.correct / data.split.validation.length,
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
      const progress: EpochProgress = { ...m, ...(data.targets ? { metric: 'r2' as const } : {}), run: run + 1, runs: config.runs, seed, epochs: config.epochs };
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

/** Population variance of `values` over `rows` (NaN skipped); 1 when there is none, so an R² stays finite. */
function variance(values: Float32Array, rows: Uint32Array): number {
  const w = welford([values], rows);
  const s = w.n > 0 ? w.m2 / w.n : 0;
  return s > 0 ? s : 1;
}

/** Rows whose actual and predicted values the report keeps for the residual plot. */
export const RESIDUAL_SAMPLE = 2000;

function score(trainer: Trainer, data: PreparedData, rows: Uint32Array): Evaluation {
  if (data.targets && data.targetScale) return scoreRegression(trainer, data, rows, data.targetScale);
  const predicted = new Int32Array(rows.length);
  const { lossSum, correct } = trainer.evaluate(rows, predicted);
  const c = data.classes.length;
  const confusion = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  for (let i = 0; i < rows.length; i++) confusion[data.labels[rows[i]]][predicted[i]]++;
  return { rows: rows.length, accuracy: rows.length ? correct / rows.length : NaN, loss: rows.length ? lossSum / rows.length : NaN, confusion };
}

/** A regression's evaluation in the target's own units: R² (scikit-learn's r2_score), MAE, RMSE and MSE as the loss. */
function scoreRegression(trainer: Trainer, data: PreparedData, rows: Uint32Array, scale: { readonly mean: number; readonly sd: number }): Evaluation {
  const values = new Float32Array(rows.length);
  trainer.evaluate(rows, undefined, values);
  const targets = data.targets as Float32Array;
  const actual: number[] = [];
  const predicted: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const y = targets[rows[i]];
    if (Number.isNaN(y)) continue;
    actual.push(y * scale.sd + scale.mean);
    predicted.push(values[i] * scale.sd + scale.mean);
  }
  const n = actual.length;
  const mean = actual.reduce((a, b) => a + b, 0) / Math.max(1, n);
  let sse = 0;
  let sst = 0;
  let sae = 0;
  for (let i = 0; i < n; i++) {
    const r = actual[i] - predicted[i];
    sse += r * r;
    sae += Math.abs(r);
    sst += (actual[i] - mean) ** 2;
  }
  // The plot keeps a seeded sample of a large split, and says so.
  let keep = actual.map((_, i) => i);
  const sampled = n > RESIDUAL_SAMPLE;
  if (sampled) keep = Array.from(permutation(n, createRng(data.split.seed ^ 0x2e51d)).slice(0, RESIDUAL_SAMPLE)).sort((a, b) => a - b);
  return {
    rows: n,
    accuracy: NaN,
    loss: n > 0 ? sse / n : NaN,
    confusion: [],
    // A constant split has SST 0: scikit-learn's r2_score reports 1 for a perfect fit and 0 otherwise there.
    r2: n > 0 ? (sst > 0 ? 1 - sse / sst : sse === 0 ? 1 : 0) : NaN,
    mae: n > 0 ? sae / n : NaN,
    rmse: n > 0 ? Math.sqrt(sse / n) : NaN,
    residuals: { actual: keep.map((i) => actual[i]), predicted: keep.map((i) => predicted[i]), sampled },
  };
}

import { COLUMN_TYPES, LABEL_TASKS } from '../engine/dataset';
import type { ColumnType, LabelTask } from '../engine/dataset';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { reportToJson } from '../engine/report';
import { analyseDataset } from '../engine/tasks/analyseFile';
import { predictFile } from '../engine/tasks/predictFile';
import { trainFile } from '../engine/tasks/trainFile';
import { FeatureMismatchError } from '../engine/errors';
import { energyLine } from '../engine/energy/energy';
import { isPresetName } from '../engine/train/presets';
import { TrainInputError } from '../engine/train/errors';
import type { Activation, BackendChoice, EarlyStoppingMonitor, EpochProgress, FeatureTransform, ModelKind, OptimizerKind, PresetName, TrainConfig, TrainingReport, WeightInit } from '../engine/train/types';

/** Bad arguments to train/predict: main.ts reports these like its own usage errors (exit 2). */
export class TrainUsageError extends Error {}

export const TRAIN_HELP = `  kryptonite train PATH [--preset N-9|N-12|N-15|N-18|auto] [--model mlp|logreg|cnn1d] [--hidden 72[,36]]
                        [--activation elu|tanh|relu|sigmoid] [--optimizer sgd|adam] [--lr LR] [--momentum M]
                        [--batch B] [--epochs E] [--patience P] [--monitor loss|accuracy] [--dropout D[,D]] [--runs K] [--seed S]
                        [--init torch|glorot] [--backend auto|fused|wasm|cpu|tensorflow] [--label L] [--split-column NAME]
                        [--features raw|interactions] [--hypothesis "RULE"] [--exclude NAME[,NAME]]... [--save DIR]
                        [--task binary|multiclass|regression] [--type COLUMN=TYPE]... [--carbon-intensity G]
                        [--json OUT|-] [--quiet]
      Train a model of the label's task — classes, or a number (regression: R², MAE, RMSE) — on a seeded 60/20/20
      split, every input statistic from the training rows (numbers standardised, missing cells imputed at the
      mean with a missing indicator, categorical levels one-hot), with early stopping on validation loss, or
      accuracy with --monitor accuracy (best weights restored). Presets are the published Kryptonite MLPs (72
      tanh/ELU units); without one (or with auto) the defaults suit the task and say why: on a plain table an
      MLP compared with the linear model on validation. --runs K repeats with seeds S..S+K-1 and reports the test
      accuracy as mean ± sd. Backend auto: the fused WebAssembly SIMD kernel for every model; --backend
      wasm|cpu|tensorflow trains on TensorFlow.js instead. Initial weights: PyTorch's default (torch), or Keras' (glorot). logreg can use the sparsity engine's interaction terms
      (--features interactions) or a rule's ±1 product feature (--hypothesis). --exclude leaves features out
      (repeatable or comma-separated); the saved model's inputs lack them. --save writes a TensorFlow.js model
      with a summary of each feature's training distribution. Energy and carbon of the training: RAPL package
      counters when readable, else process CPU time × 4 W per core (CodeCarbon's default), × G gCO2eq/kWh
      (--carbon-intensity; default 475, the world average CodeCarbon uses).
  kryptonite predict MODEL_DIR PATH --out LABELS.npy|LABELS.csv [--ignore-extra]
      Apply a saved model to a dataset with the same features; writes int64 .npy or a one-column CSV. Refused
      (exit 2, naming the columns): a table that lacks any of the model's features, or has feature columns the
      model was not trained on (--ignore-extra leaves those unread). Warns on stderr for every feature whose
      distribution differs from the training data (PSI > 0.25 beyond sampling noise, or KS p < 0.01/features).
`;

export async function trainCommand(args: string[]): Promise<number> {
  return asUsage(() => train(args));
}

export async function predictCommand(args: string[]): Promise<number> {
  return asUsage(() => predict(args));
}

/** The engine's TrainInputError (bad setting, backend not installed, not a model folder) is the user's to fix: exit 2. */
async function asUsage(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TrainInputError) throw new TrainUsageError(error.message);
    throw error;
  }
}

async function train(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    preset: { type: 'string' },
    model: { type: 'string' },
    hidden: { type: 'string' },
    activation: { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    momentum: { type: 'string' },
    batch: { type: 'string' },
    epochs: { type: 'string' },
    patience: { type: 'string' },
    monitor: { type: 'string' },
    dropout: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string' },
    init: { type: 'string' },
    backend: { type: 'string' },
    label: { type: 'string' },
    'split-column': { type: 'string' },
    features: { type: 'string' },
    hypothesis: { type: 'string' },
    save: { type: 'string' },
    json: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    exclude: { type: 'string', multiple: true },
    task: { type: 'string' },
    type: { type: 'string', multiple: true },
    'carbon-intensity': { type: 'string' },
  });
  if (positionals.length !== 1) throw new TrainUsageError(`train takes one dataset path, got ${positionals.length}`);
  const s = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const presetText = s('preset');
  if (presetText !== undefined && presetText !== 'auto' && !isPresetName(presetText)) throw new TrainUsageError(`--preset expects N-9, N-12, N-15, N-18 or auto, got "${presetText}"`);
  const overrides: { -readonly [K in keyof TrainConfig]?: TrainConfig[K] } = {
    model: oneOf<ModelKind>('--model', s('model'), ['mlp', 'logreg', 'cnn1d']),
    hidden: list('--hidden', s('hidden'), true),
    activation: oneOf<Activation>('--activation', s('activation'), ['elu', 'tanh', 'relu', 'sigmoid']),
    optimizer: oneOf<OptimizerKind>('--optimizer', s('optimizer'), ['sgd', 'adam']),
    init: oneOf<WeightInit>('--init', s('init'), ['torch', 'glorot']),
    learningRate: num('--lr', s('lr')),
    momentum: num('--momentum', s('momentum')),
    batchSize: int('--batch', s('batch'), 1),
    epochs: int('--epochs', s('epochs'), 1),
    patience: int('--patience', s('patience'), 1),
    monitor: oneOf<EarlyStoppingMonitor>('--monitor', s('monitor'), ['loss', 'accuracy']),
    dropout: list('--dropout', s('dropout'), false),
    runs: int('--runs', s('runs'), 1),
    seed: int('--seed', s('seed'), 0),
    backend: oneOf<BackendChoice>('--backend', s('backend'), ['auto', 'fused', 'wasm', 'cpu', 'tensorflow']),
    splitColumn: s('split-column'),
    features: transform(s('features'), s('hypothesis')),
  };
  if (overrides.features && overrides.features.kind !== 'raw' && overrides.model === undefined) overrides.model = 'logreg';
  const path = positionals[0];
  const quiet = values.quiet === true || s('json') === '-';
  const err = process.stderr;
  const line = new ProgressLine(err, quiet);
  const save = s('save');
  const exclude = nameList('--exclude', values.exclude);
  const carbonIntensity = carbonIntensityOption(s('carbon-intensity'));
  const outcome = await trainFile(
    {
      path,
      label: s('label'),
      preset: presetText as PresetName | 'auto' | undefined,
      config: overrides,
      saveDir: save,
      ...(exclude.length > 0 ? { exclude } : {}),
      ...(taskOption(s('task')) ? { task: taskOption(s('task')) } : {}),
      ...(typeOptions(values.type) ? { columnTypes: typeOptions(values.type) } : {}),
      ...(carbonIntensity !== undefined ? { carbonIntensity } : {}),
    },
    {
      onProgress: (stage, _fraction, _message, epoch) => {
        if (epoch) line.update(epoch);
      },
      log: (l) => !quiet && err.write(l + '\n'),
      onConfig: (reason) => !quiet && err.write(`Training on ${path}: ${reason}\n`),
    },
  );
  line.done();
  const report = outcome.training;
  const json = s('json');
  if (json !== undefined) {
    const full = { ...analyseDataset(outcome.dataset, { seed: report.config.seed, sparsity: false, relevance: false }), training: report };
    if (json === '-') process.stdout.write(reportToJson(full) + '\n');
    else await writeFile(json, reportToJson(full) + '\n');
  }
  if (json !== '-') process.stdout.write(formatTraining(report, save));
  return 0;
}

async function predict(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string', short: 'o' }, 'ignore-extra': { type: 'boolean' } });
  if (positionals.length !== 2) throw new TrainUsageError(`predict takes a model folder and a dataset path, got ${positionals.length} argument(s)`);
  const out = typeof values.out === 'string' ? values.out : undefined;
  if (out === undefined || !/\.(npy|csv)$/i.test(out)) throw new TrainUsageError('predict needs --out LABELS.npy or --out LABELS.csv');
  const [dir, path] = positionals;
  const outcome = await predictFile({ modelDir: dir, path, out, ignoreExtra: values['ignore-extra'] === true }).catch((error: unknown) => {
    // The engine names the columns; only the CLI knows the flag that lets extra ones through.
    if (error instanceof FeatureMismatchError && error.missing.length === 0) throw new TrainUsageError(`${error.message}; --ignore-extra predicts without them`);
    throw error;
  });
  const err = process.stderr;
  for (const note of outcome.notes) err.write(`kryptonite: note: ${note}\n`);
  for (const warning of outcome.drift?.warnings ?? []) err.write(`kryptonite: warning: ${warning}\n`);
  if (outcome.drift && outcome.drift.warnings.length > 0) {
    err.write(`kryptonite: ${outcome.drift.warnings.length} of ${outcome.drift.features.length} features differ from the training data (${outcome.drift.method}); the predictions may be less accurate than the model's test score\n`);
  }
  const counts = outcome.values
    ? `mean ${formatNumber(outcome.values.mean)}, range ${formatNumber(outcome.values.min)} … ${formatNumber(outcome.values.max)}`
    : outcome.classes.map((c, k) => `${c}: ${outcome.counts[k]}`).join(', ');
  process.stdout.write(`Predicted ${outcome.rows.toLocaleString('en-US')} rows with ${dir} (TensorFlow.js ${outcome.backend}) → ${out} (${counts})\n`);
  return 0;
}

export function formatTraining(r: TrainingReport, saved?: string): string {
  const c = r.config;
  const arch =
    c.model === 'cnn1d'
      ? `1-D CNN ${c.cnn.layers}×conv(${c.cnn.filters}, k${c.cnn.kernel}, s${c.cnn.stride})`
      : c.model === 'logreg'
        ? 'logistic regression'
        : `MLP ${r.features.length}→${c.hidden.join('→')}→${r.task === 'regression' || r.classes.length === 2 ? 1 : r.classes.length} (${c.activation}, dropout ${c.dropout.join('/')})`;
  const pct = (v: number): string => `${(100 * v).toFixed(2)} %`;
  const regression = r.task === 'regression';
  const model = regression && c.model === 'logreg' ? 'linear regression (squared error)' : arch;
  const scores = (e: TrainingReport['test'], part: string, rows = ''): string =>
    regression
      ? `  ${part} R² ${(e.r2 ?? NaN).toFixed(4)}, MAE ${formatNumber(e.mae ?? NaN)}, RMSE ${formatNumber(e.rmse ?? NaN)}${rows}`
      : `  ${part} accuracy ${pct(e.accuracy)}, loss ${e.loss.toFixed(4)}${rows}`;
  const lines = [
    `Task: ${r.task}${regression && r.target ? ` — predicting ${r.target.name} (mean ${formatNumber(r.target.mean)}, sd ${formatNumber(r.target.sd)} on the training rows; the network learns it standardised, squared error)` : ` — ${r.classes.length} classes`}`,
    `Model: ${model}, ${r.parameters.toLocaleString('en-US')} parameters; ${c.optimizer === 'sgd' ? `SGD (momentum ${c.momentum})` : 'Adam'} lr ${c.learningRate}, batch ${c.batchSize}, ≤ ${c.epochs} epochs, patience ${c.patience} on validation ${c.monitor ?? 'loss'}, ${c.init === 'glorot' ? 'Glorot-uniform init (Keras)' : 'PyTorch default init'}`,
    `Backend: ${r.backend} — ${r.kernel}`,
    `Split: ${r.split.train}/${r.split.validation}/${r.split.test} rows (${r.split.source === 'seeded' ? `seeded, seed ${c.seed}` : 'from the split column'}); standardised on the training rows`,
    `Run 1: ${r.epochsRun} epochs (${r.stoppedEarly ? `stopped early; best epoch ${r.bestEpoch}` : `best epoch ${r.bestEpoch}`}), ${r.msPerEpoch.toFixed(1)} ms/epoch`,
    scores(r.validation, 'validation'),
    scores(r.test, 'test', ` on ${r.test.rows.toLocaleString('en-US')} rows`),
    ...(regression
      ? []
      : [
          `Confusion (test; rows actual, columns predicted: ${r.classes.join(', ')}):`,
          ...r.test.confusion.map((row, k) => `  ${r.classes[k].padStart(8)}: ${row.map((v) => String(v).padStart(7)).join('')}`),
        ]),
  ];
  const imputed = (r.encoding ?? []).filter((e) => e.how.includes('imputed'));
  const oneHot = (r.encoding ?? []).filter((e) => e.how.startsWith('one-hot'));
  if (oneHot.length > 0) lines.push(`One-hot: ${oneHot.map((e) => `${e.feature} (${e.how.replace(/^one-hot over /, '').replace(/; missing.*$/, '')})`).join(', ')}`);
  if (imputed.length > 0) lines.push(`Missing cells imputed at the training mean, with a missing indicator: ${imputed.map((e) => e.feature).join(', ')}`);
  if (r.runs) {
    const show = (v: number): string => (regression ? v.toFixed(4) : pct(v));
    lines.push(
      `Runs: ${r.runs.seeds.length} seeds (${r.runs.seeds[0]}..${r.runs.seeds[r.runs.seeds.length - 1]}): test ${regression ? 'R²' : 'accuracy'} ${show(r.runs.mean)} ± ${show(r.runs.sd)} (mean ± sd)`,
      `  per seed: ${r.runs.accuracy.map((a, i) => `${r.runs!.seeds[i]}: ${show(a)}`).join(', ')}`,
    );
  }
  if (r.excluded && r.excluded.length > 0) lines.push(`Excluded by the user (not model inputs): ${r.excluded.join(', ')}`);
  lines.push(`Total ${(r.totalMs / 1000).toFixed(2)} s`);
  if (r.energy) lines.push(energyLine(r.energy));
  if (saved) lines.push(`Saved to ${saved} (TensorFlow.js model.json + weights.bin, kryptonite.json)`);
  return lines.join('\n') + '\n';
}

/** A live `\r` line on a TTY; otherwise a plain line at most every 2 s (and the last epoch of each run). */
class ProgressLine {
  private last = 0;
  private shown = false;
  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly quiet: boolean,
  ) {}

  update(p: EpochProgress): void {
    if (this.quiet) return;
    const now = Date.now();
    const tty = this.out.isTTY === true;
    if (now - this.last < (tty ? 100 : 2000) && p.epoch !== 1) return;
    this.last = now;
    const perEpoch = p.elapsedMs / p.epoch;
    const eta = ((p.epochs - p.epoch) * perEpoch + (p.runs - p.run) * p.epochs * perEpoch) / 1000;
    const text =
      `run ${p.run}/${p.runs} epoch ${p.epoch}/${p.epochs}  loss ${p.trainLoss.toFixed(4)}/${p.valLoss.toFixed(4)}  ` +
      `${p.metric === 'r2' ? 'R²' : 'acc'} ${p.trainAccuracy.toFixed(4)}/${p.valAccuracy.toFixed(4)} (train/val)  ${perEpoch.toFixed(1)} ms/epoch  ETA ≤ ${eta.toFixed(0)} s`;
    if (tty) {
      this.out.write(`\r${text}\x1b[K`);
      this.shown = true;
    } else this.out.write(text + '\n');
  }

  done(): void {
    if (this.shown) this.out.write('\n');
  }
}

function parse(
  args: string[],
  options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (error) {
    throw new TrainUsageError(error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
}

/** A repeatable option of comma-separated names (`--exclude x8,x9 --exclude x10`), in order, without repeats. */
export function nameList(flag: string, v: string | boolean | string[] | undefined): string[] {
  const items = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
  const out: string[] = [];
  for (const item of items) {
    const parts = item.split(',').map((t) => t.trim());
    if (parts.some((t) => t === '')) throw new TrainUsageError(`${flag} expects feature names separated by commas, got "${item}"`);
    for (const t of parts) if (!out.includes(t)) out.push(t);
  }
  return out;
}

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new TrainUsageError(`${name} expects ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < 0) throw new TrainUsageError(`${name} expects a non-negative number, got "${v}"`);
  return x;
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(x) || x < min) throw new TrainUsageError(`${name} expects an integer ≥ ${min}, got "${v}"`);
  return x;
}

function list(name: string, v: string | undefined, integers: boolean): number[] | undefined {
  if (v === undefined) return undefined;
  const xs = v.split(',').map((t) => Number(t.trim()));
  if (xs.some((x) => !Number.isFinite(x) || (integers && !Number.isInteger(x)))) throw new TrainUsageError(`${name} expects comma-separated ${integers ? 'integers' : 'numbers'}, got "${v}"`);
  return xs;
}

function transform(features: string | undefined, rule: string | undefined): FeatureTransform | undefined {
  if (rule !== undefined) {
    if (features !== undefined && features !== 'hypothesis') throw new TrainUsageError('--hypothesis and --features contradict each other');
    return { kind: 'hypothesis', rule };
  }
  if (features === undefined) return undefined;
  if (features === 'raw') return { kind: 'raw' };
  if (features === 'interactions') return { kind: 'interactions' };
  throw new TrainUsageError(`--features expects raw or interactions (or use --hypothesis "RULE"), got "${features}"`);
}

/** A number to four significant digits (integers as they are). */
function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(4);
}

/** `--carbon-intensity G`: the grid's gCO2eq/kWh for the energy figures (absent: the engine's world average). */
export function carbonIntensityOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw new TrainUsageError(`--carbon-intensity expects gCO2eq/kWh, a number ≥ 0 (e.g. 475), got "${text}"`);
  return v;
}

/** `--task binary|multiclass|regression`. */
export function taskOption(text: string | undefined): LabelTask | undefined {
  if (text === undefined) return undefined;
  if (!(LABEL_TASKS as readonly string[]).includes(text)) throw new TrainUsageError(`--task expects ${LABEL_TASKS.join(', ')}, got "${text}"`);
  return text as LabelTask;
}

/** `--type NAME=TYPE`, repeatable; NAME may contain '=' (the last one splits). */
export function typeOptions(value: string | boolean | string[] | undefined): Record<string, ColumnType> | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const out: Record<string, ColumnType> = {};
  for (const item of typeof value === 'string' ? [value] : value) {
    const at = item.lastIndexOf('=');
    const name = at > 0 ? item.slice(0, at).trim() : '';
    const type = at > 0 ? item.slice(at + 1).trim() : '';
    if (name === '' || !(COLUMN_TYPES as readonly string[]).includes(type)) {
      throw new TrainUsageError(`--type expects COLUMN=TYPE with TYPE one of ${COLUMN_TYPES.join(', ')}, got "${item}"`);
    }
    out[name] = type as ColumnType;
  }
  return out;
}

/**
 * What the user asks for when training, and the words shown for it. Pure (no vscode): the quick picks, the progress
 * notification and the tree all format through here.
 */
import type { LabelTask } from '../../engine/dataset';
import { PRESET_NAMES, PRESET_TARGETS, PRESETS } from '../../engine/train/presets';
import type { EpochProgress, PresetName, TrainConfig, TrainingReport } from '../../engine/train/types';
import type { JobResult } from '../../protocol';

/** What Predict Labels reports from the worker's answer. */
export type PredictSummary = Pick<Extract<JobResult, { kind: 'predict' }>, 'rows' | 'task' | 'classes' | 'counts' | 'values' | 'unseen' | 'drift'>;

/** A preset (or auto) and/or explicit settings; remembered per dataset in workspaceState. */
export interface TrainRequest {
  readonly preset?: PresetName | 'auto';
  readonly config?: Partial<TrainConfig>;
}

export function isTrainRequest(v: unknown): v is TrainRequest {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const presetOk = r.preset === undefined || r.preset === 'auto' || (typeof r.preset === 'string' && r.preset in PRESETS);
  const configOk = r.config === undefined || (typeof r.config === 'object' && r.config !== null && !Array.isArray(r.config));
  return presetOk && configOk;
}

/** One line per preset for the quick pick. */
export function presetDescription(name: PresetName): string {
  const p = PRESETS[name];
  const dropout = p.dropout?.[0] ?? 0;
  return `MLP ${p.hidden?.join('→')} ${p.activation}, ${p.optimizer === 'adam' ? 'Adam' : 'SGD'} lr ${p.learningRate}, batch ${p.batchSize}, dropout ${dropout}, ≤${p.epochs} epochs, patience ${p.patience}`;
}

export function presetDetail(name: PresetName): string {
  return `Published Kryptonite configuration for N = ${name.slice(2)} features (target test accuracy ${(PRESET_TARGETS[name] * 100).toFixed(1)} %).`;
}

/** Short words for a request: the tree, the quick pick's "last used" entry. */
export function describeRequest(r: TrainRequest): string {
  const parts: string[] = [];
  if (r.preset) parts.push(r.preset === 'auto' ? 'auto preset' : r.preset);
  const c = r.config ?? {};
  if (c.model) parts.push(c.model === 'mlp' && c.hidden ? `mlp ${c.hidden.join('→')}` : c.model);
  if (c.activation && c.model !== 'logreg') parts.push(c.activation);
  if (c.optimizer) parts.push(`${c.optimizer}${c.learningRate !== undefined ? ` ${c.learningRate}` : ''}`);
  if (c.batchSize !== undefined) parts.push(`batch ${c.batchSize}`);
  if (c.epochs !== undefined) parts.push(`${c.epochs} epochs`);
  if (c.runs !== undefined && c.runs > 1) parts.push(`${c.runs} runs`);
  if (c.seed !== undefined) parts.push(`seed ${c.seed}`);
  return parts.length ? parts.join(', ') : 'defaults';
}

/** The resolved configuration in one line (the panel's details, the run's tooltip). */
export function describeConfig(c: TrainConfig, task?: LabelTask): string {
  const arch =
    c.model === 'cnn1d'
      ? `1-D CNN ${c.cnn.layers}×conv(${c.cnn.filters}, k${c.cnn.kernel}, s${c.cnn.stride})`
      : c.model === 'logreg'
        ? task === 'regression'
          ? 'linear regression'
          : 'logistic regression'
        : `MLP ${c.hidden.join('→')} ${c.activation}, dropout ${c.dropout.join('/') || 0}`;
  return `${arch}; ${c.optimizer === 'adam' ? 'Adam' : `SGD (momentum ${c.momentum})`} lr ${c.learningRate}, batch ${c.batchSize}, ≤${c.epochs} epochs, patience ${c.patience} on validation ${c.monitor === 'accuracy' ? (task === 'regression' ? 'R²' : 'accuracy') : 'loss'}, ${c.runs} run(s) from seed ${c.seed}${c.preset ? ` [${c.preset}]` : ''}`;
}

/** What a report says about its task; a run saved before regression existed has no `task` and was a classifier. */
export function taskOf(r: Pick<TrainingReport, 'classes'> & { readonly task?: TrainingReport['task'] }): LabelTask {
  return r.task ?? (r.classes.length > 2 ? 'multiclass' : 'binary');
}

/** The score a report's test, validation and runs figures are in: R² for a regression, else accuracy. */
export function metricOf(r: Pick<TrainingReport, 'classes'> & { readonly task?: TrainingReport['task'] }): 'accuracy' | 'r2' {
  return taskOf(r) === 'regression' ? 'r2' : 'accuracy';
}

/** A score in its own words: accuracy as a percentage, R² with three decimals. */
export function formatScore(metric: 'accuracy' | 'r2', v: number): string {
  return metric === 'r2' ? (Number.isFinite(v) ? v.toFixed(3) : '—') : pct(v);
}

/** `test R² 0.902`, `test accuracy 96.1 %`, or with repeated runs `test R² 0.902 ± 0.011 over 3 runs`. */
export function testScore(r: Pick<TrainingReport, 'classes' | 'test' | 'runs'> & { readonly task?: TrainingReport['task'] }, withRuns = true): string {
  const metric = metricOf(r);
  const name = metric === 'r2' ? 'R²' : 'accuracy';
  const value = r.runs && r.runs.seeds.length > 1 ? `${formatScore(metric, r.runs.mean)} ± ${formatScore(metric, r.runs.sd)}${withRuns ? ` over ${r.runs.seeds.length} runs` : ''}` : formatScore(metric, testValue(r));
  return `test ${name} ${value}`;
}

/** The first run's test score: R² for a regression (absent in a malformed report: NaN), else accuracy. */
export function testValue(r: Pick<TrainingReport, 'classes' | 'test'> & { readonly task?: TrainingReport['task'] }): number {
  return metricOf(r) === 'r2' ? (r.test.r2 ?? NaN) : r.test.accuracy;
}

/** A regression's errors in the target's units: `MAE 1.92, RMSE 2.48` (empty for a classifier). */
export function errorsLine(r: Pick<TrainingReport, 'classes' | 'test'> & { readonly task?: TrainingReport['task'] }): string {
  if (metricOf(r) !== 'r2') return '';
  return `MAE ${sig(r.test.mae ?? NaN)}, RMSE ${sig(r.test.rmse ?? NaN)}`;
}

/**
 * The tree's and the run pickers' one line for a finished training: task and test score first, then the model and
 * epochs — `regression · test R² 0.902 · mlp 72 · 123 epochs (best 93)`. Read from the saved report each time, so
 * runs saved by earlier versions (no task: classifiers) read the same way.
 */
export function summariseTraining(r: TrainingReport): string {
  const model = r.config.model === 'mlp' ? `mlp ${r.config.hidden.join('→')}` : r.config.model === 'logreg' ? (taskOf(r) === 'regression' ? 'linear' : 'logreg') : r.config.model;
  return `${taskOf(r)} · ${testScore(r, false)} · ${model} · ${r.epochsRun} epochs${r.stoppedEarly ? ` (best ${r.bestEpoch})` : ''}`;
}

/**
 * The presets Train Model offers for a task: the published Kryptonite MLPs are two-class classifiers, so a regression
 * (a number to predict) gets none of them — auto picks its default and Custom asks the rest. Unknown task: all.
 */
export function presetsFor(task: LabelTask | undefined): PresetName[] {
  return task === 'regression' ? [] : [...PRESET_NAMES];
}

/** What `auto` will do for a task, in one line for the quick pick. */
export function autoDetail(task: LabelTask | undefined): string {
  switch (task) {
    case 'regression':
      return 'A number to predict: the engine picks an MLP or the linear model for this table and says why; reports R², MAE, RMSE.';
    case 'binary':
      return 'Two classes: the published preset for the nearest N on a Kryptonite-like table of 6–24 features; else an MLP or the linear model, and why.';
    case 'multiclass':
      return 'More classes: a two-layer ReLU MLP or the linear model (the better on validation accuracy); a 1-D CNN for signal-like data.';
    default:
      return 'Chosen from the data (the label could not be read yet): a published preset, a 1-D CNN, an MLP or the linear model, and why.';
  }
}

/**
 * Whether a request suits a task: a Kryptonite preset (a classifier) or the 1-D CNN does not suit a regression. Used
 * to leave "Same as last time" out when the label has changed its nature since.
 */
export function requestFitsTask(r: TrainRequest, task: LabelTask | undefined): boolean {
  if (task !== 'regression') return true;
  return (r.preset === undefined || r.preset === 'auto') && r.config?.model !== 'cnn1d';
}

/**
 * The Custom flow's two summaries: `main` (what was asked: model, hidden units, epochs) and `advanced` (everything
 * else, with its current value), so the user sees what Train will use without opening anything.
 */
export function customSummary(c: TrainConfig, task: LabelTask | undefined, part: 'main' | 'advanced'): string {
  const regression = task === 'regression';
  if (part === 'main') {
    const model = c.model === 'mlp' ? `MLP ${c.hidden.join('→')}` : c.model === 'logreg' ? (regression ? 'linear regression' : 'logistic regression') : '1-D CNN';
    return `${model}, ≤ ${c.epochs} epochs`;
  }
  const parts: string[] = [];
  if (c.model === 'mlp') parts.push(c.activation);
  parts.push(`${c.optimizer === 'adam' ? 'Adam' : 'SGD'} lr ${c.learningRate}`, `batch ${c.batchSize}`);
  if (c.model === 'mlp') parts.push(`dropout ${c.dropout.join('/') || 0}`);
  parts.push(`patience ${c.patience}${!regression && c.monitor === 'accuracy' ? ' on accuracy' : ''}`, `${c.runs} run${c.runs === 1 ? '' : 's'}`, `seed ${c.seed}`);
  return parts.join(', ');
}

/**
 * What Predict Labels says when it wrote a file: for classes the count per class, for a regression the count, mean
 * and range of the predicted values; then categorical levels the model never saw and features that drifted.
 */
export function predictMessage(r: PredictSummary, out: string, target?: string): string {
  const parts: string[] = [];
  if (r.task === 'regression' && r.values) {
    const v = r.values;
    parts.push(
      `Kryptonite: ${v.count.toLocaleString('en')} predicted ${target ? `values of ${target}` : 'values'} written to ${out} (mean ${sig(v.mean)}, range ${sig(v.min)} … ${sig(v.max)})`,
    );
  } else {
    parts.push(`Kryptonite: ${r.rows.toLocaleString('en')} labels written to ${out} (${r.classes.map((c, k) => `${c}: ${r.counts[k]}`).join(', ')})`);
  }
  if (r.unseen.length > 0) {
    const listed = r.unseen
      .slice(0, 4)
      .map((u) => `${u.feature}: ${u.rows.toLocaleString('en')} row${u.rows === 1 ? '' : 's'} with ${u.levels.length === 1 ? 'a level' : `${u.levels.length} levels`} never seen in training (${u.levels.slice(0, 4).map((l) => `"${l}"`).join(', ')}${u.levels.length > 4 ? ', …' : ''})`);
    parts.push(`Unseen categorical levels, read as no known level — ${listed.join('; ')}${r.unseen.length > 4 ? `; and ${r.unseen.length - 4} more features` : ''}`);
  }
  const drifted = r.drift?.features.filter((f) => f.drifted).map((f) => f.feature) ?? [];
  if (drifted.length > 0) {
    parts.push(
      `${drifted.length === 1 ? 'The feature' : `${drifted.length} features,`} ${drifted.slice(0, 6).join(', ')}${drifted.length > 6 ? ', …' : ''}${drifted.length === 1 ? ',' : ''} ${drifted.length === 1 ? 'differs' : 'differ'} from the training data (PSI or KS test; the numbers are in the Kryptonite log): the predictions may be less accurate than the run's test score`,
    );
  }
  return parts.join('. ') + (parts.length > 1 ? '.' : '');
}

/** Four significant digits, no trailing zeros (22.76, 1234, 0.0123). */
function sig(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '—';
}

export function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '—';
}

/**
 * Time left, in ms, assuming every remaining epoch costs what the finished ones did on average. An upper bound:
 * early stopping usually ends a run before `epochs`.
 */
export function etaMs(p: Pick<EpochProgress, 'epoch' | 'epochs' | 'run' | 'runs' | 'elapsedMs'>): number {
  if (p.epoch <= 0) return NaN;
  const perEpoch = p.elapsedMs / p.epoch;
  const left = p.epochs - p.epoch + (p.runs - p.run) * p.epochs;
  return Math.max(0, left * perEpoch);
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '…';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** The progress notification's line for one epoch (a regression's history holds R² in its accuracy fields). */
export function epochMessage(p: EpochProgress, metric: 'accuracy' | 'r2' = 'accuracy'): string {
  const runs = p.runs > 1 ? `run ${p.run}/${p.runs} · ` : '';
  const score = metric === 'r2' ? `R² ${formatScore('r2', p.trainAccuracy)}/${formatScore('r2', p.valAccuracy)}` : `acc ${pct(p.trainAccuracy)}/${pct(p.valAccuracy)}`;
  return `${runs}epoch ${p.epoch}/${p.epochs} · loss ${fmt(p.trainLoss)}/${fmt(p.valLoss)} · ${score} (train/val) · ETA ≤ ${formatDuration(etaMs(p))}`;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : '—';
}

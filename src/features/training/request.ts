/**
 * What the user asks for when training, and the words shown for it. Pure (no vscode): the quick picks, the progress
 * notification and the tree all format through here.
 */
import { PRESET_TARGETS, PRESETS } from '../../engine/train/presets';
import type { EpochProgress, PresetName, TrainConfig, TrainingReport } from '../../engine/train/types';

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
export function describeConfig(c: TrainConfig): string {
  const arch =
    c.model === 'cnn1d'
      ? `1-D CNN ${c.cnn.layers}×conv(${c.cnn.filters}, k${c.cnn.kernel}, s${c.cnn.stride})`
      : c.model === 'logreg'
        ? 'logistic regression'
        : `MLP ${c.hidden.join('→')} ${c.activation}, dropout ${c.dropout.join('/') || 0}`;
  return `${arch}; ${c.optimizer === 'adam' ? 'Adam' : `SGD (momentum ${c.momentum})`} lr ${c.learningRate}, batch ${c.batchSize}, ≤${c.epochs} epochs, patience ${c.patience} on validation ${c.monitor ?? 'loss'}, ${c.runs} run(s) from seed ${c.seed}${c.preset ? ` [${c.preset}]` : ''}`;
}

/** The tree's one-line summary of a finished training. */
export function summariseTraining(r: TrainingReport): string {
  const acc = r.runs ? `${pct(r.runs.mean)} ± ${pct(r.runs.sd)}` : pct(r.test.accuracy);
  const model = r.config.model === 'mlp' ? `mlp ${r.config.hidden.join('→')}` : r.config.model;
  return `${model} · test ${acc} · ${r.epochsRun} epochs${r.stoppedEarly ? ` (best ${r.bestEpoch})` : ''}`;
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

/** The progress notification's line for one epoch. */
export function epochMessage(p: EpochProgress): string {
  const runs = p.runs > 1 ? `run ${p.run}/${p.runs} · ` : '';
  return `${runs}epoch ${p.epoch}/${p.epochs} · loss ${fmt(p.trainLoss)}/${fmt(p.valLoss)} · acc ${pct(p.trainAccuracy)}/${pct(p.valAccuracy)} (train/val) · ETA ≤ ${formatDuration(etaMs(p))}`;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : '—';
}

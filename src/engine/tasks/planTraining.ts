/**
 * The plan use case: what a training of this file would be, asked before anything trains. The file is read as the
 * train use case reads it (the same label, task, column types and exclusions), so the task and the defaults are the
 * ones training will see; per model a user may name (Custom), the configuration the engine resolves for it. Train
 * Model uses it to offer only the presets that suit the task and to pre-fill Custom with this table's defaults.
 */
import type { CancelSignal } from '../cancel';
import type { ColumnType, LabelTask } from '../dataset';
import { excludeFeatures } from '../exclude';
import { loadDataset } from '../io/load';
import { resolveConfig } from '../train/presets';
import type { ModelKind, TrainConfig } from '../train/types';

export interface PlanRequest {
  readonly path: string;
  readonly label?: string | number;
  readonly task?: LabelTask;
  readonly columnTypes?: Readonly<Record<string, ColumnType>>;
  readonly exclude?: readonly string[];
}

export interface TrainPlan {
  /** The label's name and task (null: no label found). */
  readonly label: string | null;
  readonly task: LabelTask | null;
  readonly features: number;
  /** Labelled rows. */
  readonly rows: number;
  /** The configuration the engine resolves when the user names this model and nothing else (absent: not offered). */
  readonly defaults: Partial<Record<ModelKind, TrainConfig>>;
}

export async function planTraining(request: PlanRequest, options: { readonly signal?: CancelSignal } = {}): Promise<TrainPlan> {
  const loaded = await loadDataset(request.path, {
    label: request.label,
    signal: options.signal,
    ...(request.task ? { task: request.task } : {}),
    ...(request.columnTypes ? { columnTypes: request.columnTypes } : {}),
  });
  const dataset = excludeFeatures(loaded, request.exclude ?? []);
  const task = dataset.label?.task ?? null;
  const defaults: Partial<Record<ModelKind, TrainConfig>> = {};
  if (dataset.label) {
    // The 1-D CNN classifies only.
    for (const model of (task === 'regression' ? ['mlp', 'logreg'] : ['mlp', 'logreg', 'cnn1d']) as ModelKind[]) {
      try {
        defaults[model] = resolveConfig(dataset, { overrides: { model } }).config;
      } catch {
        // Not resolvable for this table: Custom falls back to the general defaults for it.
      }
    }
  }
  return { label: dataset.label?.name ?? null, task, features: dataset.names.length, rows: dataset.rows - (dataset.label?.missing ?? 0), defaults };
}

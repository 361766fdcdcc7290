/**
 * Which label (and task, and column types) a job on a dataset uses, from the user's per-dataset choice and the
 * folder-wide settings. Pure (no vscode import): unit-tested with node:test.
 */
import { COLUMN_TYPES, LABEL_TASKS, type ColumnType, type LabelTask } from '../engine/dataset';

/**
 * What the user chose for one dataset: its label column (or none) and the label's task. Kept per dataset in the
 * workspace's state (workspaceState), never in the data file; the folder-wide `kryptonite.labelColumn` setting is
 * only the default for datasets without a choice. Every feature reads it (analysis, training, hypothesis files).
 */
export interface DatasetChoice {
  /** A column name, `null` for "No label", absent: the folder default (setting, else auto-detection). */
  readonly label?: string | null;
  /** The task override; absent: inferred from the label's values. */
  readonly task?: LabelTask;
}

export function isDatasetChoice(v: unknown): v is DatasetChoice {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const c = v as Record<string, unknown>;
  const labelOk = c.label === undefined || c.label === null || (typeof c.label === 'string' && c.label !== '');
  const taskOk = c.task === undefined || (typeof c.task === 'string' && (LABEL_TASKS as readonly string[]).includes(c.task));
  return labelOk && taskOk;
}

/** Where the label of an analysis comes from, so a missing column can be explained in one line. */
export type LabelSource = 'dataset' | 'setting';

export interface ResolvedLabel {
  /** The label to ask the engine for; absent: auto-detect (or none, with `detectLabel: false`). */
  readonly label?: string | number;
  readonly detectLabel?: false;
  readonly task?: LabelTask;
  /** Set when `label` was configured (not auto-detected): where from. */
  readonly source?: LabelSource;
}

/** The dataset's choice over the folder default: the label (or none) and task an analysis or training should use. */
export function resolveLabel(choice: DatasetChoice, setting: string | number | undefined): ResolvedLabel {
  const task = choice.task ? { task: choice.task } : {};
  if (choice.label === null) return { detectLabel: false };
  if (typeof choice.label === 'string') return { label: choice.label, source: 'dataset', ...task };
  if (setting !== undefined) return { label: setting, source: 'setting', ...task };
  return task;
}

/**
 * The `kryptonite.columnTypes` setting (column name → type), keeping only entries the engine understands; the rest
 * are returned as `ignored` so the caller can say so once.
 */
export function columnTypesFrom(raw: unknown): { readonly types: Readonly<Record<string, ColumnType>>; readonly ignored: readonly string[] } {
  const types: Record<string, ColumnType> = {};
  const ignored: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { types, ignored };
  for (const [name, type] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof type === 'string' && (COLUMN_TYPES as readonly string[]).includes(type)) types[name] = type as ColumnType;
    else ignored.push(name);
  }
  return { types, ignored };
}

import * as vscode from 'vscode';
import { LABEL_TASKS, type LabelTask } from '../../engine/dataset';
import type { Report } from '../../engine/report';
import type { DatasetChoice } from '../../host/labelResolution';

/** A column the label quick pick offers, with what the last analysis knows of it. */
export interface ColumnOption {
  readonly name: string;
  readonly detail?: string;
}

/** Every source column of the last report (features, label, excluded), with its type and role. */
export function columnOptions(report: Report): ColumnOption[] {
  return report.dataset.columns.map((c) => ({
    name: c.name,
    detail: c.role === 'label' ? `${c.type} · the label (${report.dataset.label?.task ?? '—'})` : c.role === 'excluded' ? `${c.type} · excluded: ${c.reason ?? ''}` : `${c.type} · feature`,
  }));
}

/** What "Set Label Column…" chose: a column, no label, or back to the folder default. */
export type LabelPick = { readonly kind: 'column'; readonly name: string } | { readonly kind: 'none' } | { readonly kind: 'default' };

type LabelItem = vscode.QuickPickItem & { readonly pick?: LabelPick };

/**
 * "Set Label Column…": every column, plus "No label" and "Folder default" (the kryptonite.labelColumn setting or
 * auto-detection). The current choice says so. Undefined when the user escapes.
 */
export async function pickLabelColumn(datasetLabel: string, columns: readonly ColumnOption[], current: DatasetChoice, folderDefault: string): Promise<LabelPick | undefined> {
  const mark = (isCurrent: boolean): Partial<vscode.QuickPickItem> => (isCurrent ? { detail: 'current choice' } : {});
  const items: LabelItem[] = [
    { label: '$(circle-slash) No label', description: 'describe the columns only (no baselines, no relevance)', pick: { kind: 'none' }, ...mark(current.label === null) },
    { label: '$(settings) Folder default', description: folderDefault, pick: { kind: 'default' }, ...mark(current.label === undefined) },
    { label: 'Columns', kind: vscode.QuickPickItemKind.Separator },
    ...columns.map((c): LabelItem => ({ label: c.name, description: c.detail, pick: { kind: 'column', name: c.name }, ...mark(current.label === c.name) })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Kryptonite: label of ${datasetLabel}`,
    placeHolder: 'Which column is the label? (remembered for this dataset in this workspace)',
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return picked?.pick;
}

type TaskItem = vscode.QuickPickItem & { readonly task: LabelTask | undefined };

const TASK_TEXT: Record<LabelTask, string> = {
  binary: 'two classes: accuracy, L1 interaction analysis (logistic, parity rules)',
  multiclass: 'more than two classes: accuracy, L1 interaction analysis (one model per class)',
  regression: 'a number to predict: R², L1 interaction analysis (lasso)',
};

/** "Set Label Task…": infer from the values (with what was inferred last), or binary / multiclass / regression. */
export async function pickLabelTask(datasetLabel: string, current: DatasetChoice, report: Report | undefined): Promise<{ readonly task: LabelTask | undefined } | undefined> {
  const label = report?.dataset.label;
  const inferred = label && !label.taskOverridden ? `${label.task}: ${label.taskEvidence}` : 'from the label\'s values';
  const items: TaskItem[] = [
    { label: '$(sparkle) Infer', description: inferred, task: undefined },
    ...LABEL_TASKS.map((t) => ({ label: t, description: TASK_TEXT[t], task: t })),
  ].map((i) => ({ ...i, ...(i.task === current.task ? { detail: 'current choice' } : {}) }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Kryptonite: task of the label${label ? ` "${label.name}"` : ''} of ${datasetLabel}`,
    placeHolder: 'What should the label be predicted as? (remembered for this dataset in this workspace)',
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return picked ? { task: picked.task } : undefined;
}

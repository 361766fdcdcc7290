import * as vscode from 'vscode';
import type { LabelTask } from '../engine/dataset';
import { isDatasetChoice, type DatasetChoice } from './labelResolution';

/**
 * What the user chose per dataset (label column or none, task), kept in the workspace's state (workspaceState), never
 * in the data file; the folder-wide `kryptonite.labelColumn` setting is only the default for datasets without a choice.
 */
const STATE_KEY = 'kryptonite.datasetChoices/1';

export class DatasetChoices implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the dataset key whose choice changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  get(key: string): DatasetChoice {
    const v = this.all()[key];
    return isDatasetChoice(v) ? v : {};
  }

  /** Choose the label column (`null`: no label, `undefined`: back to the folder default). A new column resets the task. */
  async setLabel(key: string, label: string | null | undefined): Promise<void> {
    const current = this.get(key);
    const next: DatasetChoice = { ...(label !== undefined ? { label } : {}), ...(current.label === label && current.task ? { task: current.task } : {}) };
    await this.put(key, next);
  }

  /** Override the label's task (`undefined`: infer it from the values again). */
  async setTask(key: string, task: LabelTask | undefined): Promise<void> {
    const current = this.get(key);
    await this.put(key, { ...(current.label !== undefined ? { label: current.label } : {}), ...(task ? { task } : {}) });
  }

  private all(): Record<string, unknown> {
    return this.state.get<Record<string, unknown>>(STATE_KEY, {});
  }

  private async put(key: string, choice: DatasetChoice): Promise<void> {
    const all = { ...this.all() };
    if (choice.label === undefined && choice.task === undefined) delete all[key];
    else all[key] = choice;
    await this.state.update(STATE_KEY, all);
    this.changed.fire(key);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

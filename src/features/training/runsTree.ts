import * as path from 'node:path';
import * as vscode from 'vscode';
import { TrainingCommands } from '../../constants';
import { energyLine } from '../../engine/energy/energy';
import type { TrainingReport } from '../../engine/train/types';
import type { DatasetRef } from '../../host/datasetIndex';
import { isContributedNode, type ContributedNode, type TreeContribution } from '../../host/explorerTree';
import { describeConfig, describeRequest, errorsLine, summariseTraining, taskOf } from './request';
import { runSeries, type RunStore, type StoredRun } from './runStore';
import type { Trainer } from './trainer';

export const TRAINING_RUNS_CONTEXT = 'kryptonite.trainingRuns';
export const TRAINING_RUN_CONTEXT = 'kryptonite.trainingRun';

/** A tree node's saved run (for command arguments coming from the tree). */
export function runOfNode(arg: unknown): StoredRun | undefined {
  if (!isContributedNode(arg)) return undefined;
  const data = arg.data as { run?: StoredRun } | undefined;
  return data?.run;
}

/**
 * "Training runs" under each dataset in the Kryptonite explorer, newest first, read from the RunStore. The listing is
 * cached per dataset and re-read when a training finishes or a run is deleted.
 */
export class TrainingRunsTree implements TreeContribution, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<string, readonly StoredRun[]>();
  private readonly loading = new Map<string, Promise<readonly StoredRun[]>>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly store: RunStore,
    trainer: Trainer,
  ) {
    this.disposables.push(
      trainer.onDidChange((e) => {
        if (e.kind === 'finished' || e.kind === 'deleted' || e.kind === 'started') this.invalidate();
      }),
    );
  }

  /** The runs of a dataset file (read from disk once, then cached). */
  runs(datasetPath: string): Promise<readonly StoredRun[]> {
    const key = path.resolve(datasetPath);
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve(cached);
    let p = this.loading.get(key);
    if (!p) {
      p = this.store.list(key).then((runs) => {
        this.cache.set(key, runs);
        this.loading.delete(key);
        return runs;
      });
      this.loading.set(key, p);
    }
    return p;
  }

  invalidate(): void {
    this.cache.clear();
    this.changed.fire();
  }

  children(parent: DatasetRef | ContributedNode): ContributedNode[] {
    const isDataset = !('kind' in parent);
    const dataset = isDataset ? parent : parent.dataset;
    if (dataset.uri.scheme !== 'file') return [];
    const file = path.resolve(dataset.uri.fsPath);
    const runs = this.cache.get(file);
    if (!runs) {
      // Load, then redraw; nothing to show until then.
      void this.runs(file).then((r) => r.length > 0 && this.changed.fire());
      return [];
    }
    if (isDataset) return runs.length ? [{ kind: 'contributed', dataset, owner: this, id: `${dataset.key}#training`, data: { group: true } }] : [];
    if ((parent.data as { group?: boolean } | undefined)?.group) return runs.map((run) => ({ kind: 'contributed', dataset, owner: this, id: `${dataset.key}#training/${run.meta.id}`, data: { run } }));
    return [];
  }

  treeItem(node: ContributedNode): vscode.TreeItem {
    const run = runOfNode(node);
    if (!run) {
      const n = this.cache.get(path.resolve(node.dataset.uri.fsPath))?.length ?? 0;
      const item = new vscode.TreeItem('Training runs', vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.id;
      item.description = String(n);
      item.iconPath = new vscode.ThemeIcon('pulse');
      item.contextValue = TRAINING_RUNS_CONTEXT;
      return item;
    }
    const item = new vscode.TreeItem(runSeries(run.meta.id), vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    // From the saved report, not the line stored at the time: runs saved before regression existed read the same way.
    item.description = summariseTraining(run.report);
    item.iconPath = new vscode.ThemeIcon('graph-line');
    item.contextValue = TRAINING_RUN_CONTEXT;
    item.tooltip = new vscode.MarkdownString(
      [
        `**${run.meta.datasetLabel}** — ${describeRequest(run.meta.request)}`,
        '',
        `${summariseTraining(run.report)}${errorsLine(run.report) ? ` · ${errorsLine(run.report)}` : ''}`,
        '',
        describeConfig(run.config, taskOf(run.report)),
        '',
        `Backend ${run.report.backend}: ${run.report.kernel}`,
        '',
        ...energyLines(run.report.energy),
        `\`${vscode.workspace.asRelativePath(run.dir)}\``,
      ].join('\n'),
    );
    item.command = { command: TrainingCommands.openRun, title: 'Open Training Run', arguments: [node] };
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * The run's energy in the tooltip: the summary line and how it was obtained (RAPL: the whole CPU package; else the
 * CPU-time estimate and its inputs). Nothing for runs saved before energy was recorded. Markdown-escaped: the
 * description holds parentheses, `+` and sysfs paths with `_`.
 */
export function energyLines(energy: TrainingReport['energy']): string[] {
  if (!energy) return [];
  const escape = (t: string): string => t.replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&');
  return [escape(energyLine(energy)), '', `_${escape(energy.description)}_`, ''];
}

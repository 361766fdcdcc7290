import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { FeatureReport, Report } from '../../engine/report';
import type { ShapeClass } from '../../engine/stats/types';
import type { DatasetIndex, DatasetRef } from '../../host/datasetIndex';
import type { ContributedNode, TreeContribution, TreeContributions } from '../../host/explorerTree';
import type { Analyses, RunRecord } from './analyses';

export type ExplorerNode =
  | { readonly kind: 'dataset'; readonly dataset: DatasetRef }
  | { readonly kind: 'feature'; readonly dataset: DatasetRef; readonly feature: FeatureReport }
  | { readonly kind: 'runs'; readonly dataset: DatasetRef }
  | { readonly kind: 'run'; readonly dataset: DatasetRef; readonly run: RunRecord }
  | { readonly kind: 'hint'; readonly dataset: DatasetRef; readonly text: string }
  | ContributedNode;

const SHAPE_ICON: Record<ShapeClass, string> = {
  burst: 'pulse',
  gaussian: 'graph-line',
  spread: 'symbol-array',
  binary: 'symbol-boolean',
  categorical: 'symbol-enum',
  continuous: 'graph',
  constant: 'symbol-constant',
  empty: 'circle-slash',
};

const RELEVANCE_COLOUR: Record<string, string> = {
  relevant: 'charts.green',
  redundant: 'charts.blue',
  irrelevant: 'disabledForeground',
};

/** The dataset item's description once analysed: where it is, its label and the label's task (or "no label"). */
export function datasetDescription(folder: string, report: Report | undefined): string {
  const where = folder === '' || folder === '.' ? [] : [folder];
  if (!report) return where.join('');
  const d = report.dataset;
  const label = d.label;
  const size = `${d.rows.toLocaleString('en-US')} rows × ${report.features.length} feature${report.features.length === 1 ? '' : 's'}`;
  return [...where, size, label ? `label ${label.name} (${label.task})` : 'no label'].join(' · ');
}

/** The tooltip's summary of a report: how many features of each shape, and of each relevance verdict. */
export function datasetCounts(report: Report): string[] {
  const count = (values: readonly string[]): string => {
    const n = new Map<string, number>();
    for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
    return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, c]) => `${c} ${k}`).join(', ');
  };
  const lines = [`shapes: ${count(report.features.map((f) => f.shape))}`];
  const verdicts = report.features.flatMap((f) => (f.relevance ? [f.relevance] : []));
  if (verdicts.length > 0) lines.push(`relevance: ${count(verdicts)}`);
  return lines;
}

/** A feature item's description: its type (and shape, for numbers) and, once known, its relevance. */
export function featureDescription(f: FeatureReport): string {
  const type = f.categories ? `${f.type}, ${f.categories.cardinality} levels` : `${f.type}, ${f.shape}`;
  return `${type}${f.relevance ? ` · ${f.relevance}` : ''}`;
}

/** Datasets of the workspace → their features (shape icon, relevance once known) and past runs. */
export class ExplorerProvider implements vscode.TreeDataProvider<ExplorerNode>, TreeContributions, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly contributions: TreeContribution[] = [];

  constructor(
    private readonly index: DatasetIndex,
    private readonly analyses: Analyses,
  ) {
    this.disposables.push(
      index.onDidChange(() => this.changed.fire(undefined)),
      analyses.onDidChange((e) => {
        if (e.kind !== 'progress') this.changed.fire(undefined);
      }),
    );
  }

  /** Add nodes under every dataset (e.g. saved training runs); removed again on dispose. */
  contribute(c: TreeContribution): vscode.Disposable {
    this.contributions.push(c);
    const sub = c.onDidChange(() => this.changed.fire(undefined));
    this.changed.fire(undefined);
    return new vscode.Disposable(() => {
      sub.dispose();
      this.contributions.splice(this.contributions.indexOf(c), 1);
    });
  }

  getChildren(node?: ExplorerNode): ExplorerNode[] {
    if (!node) return this.index.all.map((dataset) => ({ kind: 'dataset', dataset }));
    if (node.kind === 'dataset') {
      const report = this.analyses.report(node.dataset.key);
      const children: ExplorerNode[] = report
        ? report.features.map((feature) => ({ kind: 'feature', dataset: node.dataset, feature }))
        : [{ kind: 'hint', dataset: node.dataset, text: this.analyses.isRunning(node.dataset.key) ? 'Analysing…' : 'Not analysed yet — Analyse Dataset to see its features' }];
      if (this.analyses.runs(node.dataset.key).length > 0) children.push({ kind: 'runs', dataset: node.dataset });
      for (const c of this.contributions) children.push(...c.children(node.dataset));
      return children;
    }
    if (node.kind === 'runs') return this.analyses.runs(node.dataset.key).map((run) => ({ kind: 'run', dataset: node.dataset, run }));
    if (node.kind === 'contributed') return node.owner.children(node);
    return [];
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    switch (node.kind) {
      case 'dataset': {
        const item = new vscode.TreeItem(node.dataset.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.dataset.key;
        item.resourceUri = node.dataset.uri;
        const report = this.analyses.report(node.dataset.key);
        // The folder relative to the workspace ('' at its root), never an absolute path that crowds out the name.
        item.description = datasetDescription(path.dirname(vscode.workspace.asRelativePath(node.dataset.uri, false)), report);
        item.contextValue = 'kryptonite.dataset';
        item.iconPath = new vscode.ThemeIcon(this.analyses.isRunning(node.dataset.key) ? 'loading~spin' : node.dataset.format === 'npy' ? 'file-binary' : 'table');
        const label = report?.dataset.label;
        item.tooltip = [
          ...node.dataset.files.map((f) => vscode.workspace.asRelativePath(f)),
          ...(report ? [`${report.dataset.rows.toLocaleString('en-US')} rows × ${report.features.length} features`] : []),
          ...(label ? [`label ${label.name}: ${label.task}${label.taskOverridden ? ' (set by hand)' : ''} — ${label.taskEvidence}`] : report ? ['no label: columns described only'] : []),
          ...(report ? datasetCounts(report) : []),
          ...(report && report.dataset.excludedColumns.length > 0 ? [`excluded: ${report.dataset.excludedColumns.map((c) => `${c.name} (${c.reason})`).join('; ')}`] : []),
        ].join('\n');
        return item;
      }
      case 'feature': {
        const f = node.feature;
        const item = new vscode.TreeItem(f.name, vscode.TreeItemCollapsibleState.None);
        item.id = `${node.dataset.key}#${f.index}`;
        item.description = featureDescription(f);
        item.iconPath = new vscode.ThemeIcon(SHAPE_ICON[f.shape] ?? 'symbol-field', f.relevance ? new vscode.ThemeColor(RELEVANCE_COLOUR[f.relevance] ?? 'foreground') : undefined);
        item.tooltip = `${f.name}: ${f.type} (${f.typeEvidence}); shape ${f.shape} (confidence ${(f.shapeConfidence * 100).toFixed(0)} %)\n${f.shapeEvidence.reasons.slice(0, 2).join('\n')}${f.relevanceEvidence ? `\n${f.relevance}: ${f.relevanceEvidence.reasons[0] ?? ''}` : ''}`;
        item.contextValue = 'kryptonite.feature';
        return item;
      }
      case 'runs': {
        const item = new vscode.TreeItem('Runs', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${node.dataset.key}#runs`;
        item.iconPath = new vscode.ThemeIcon('history');
        return item;
      }
      case 'run': {
        const r = node.run;
        const item = new vscode.TreeItem(new Date(r.at).toLocaleString(), vscode.TreeItemCollapsibleState.None);
        item.description = `${r.status} · ${(r.ms / 1000).toFixed(1)} s · ${r.summary}`;
        item.iconPath = new vscode.ThemeIcon(r.status === 'done' ? 'pass' : r.status === 'cancelled' ? 'circle-slash' : 'error');
        item.contextValue = 'kryptonite.run';
        item.command = { command: Commands.openReport, title: 'Open Report', arguments: [node.dataset.uri] };
        return item;
      }
      case 'contributed':
        return node.owner.treeItem(node);
      case 'hint': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        item.command = { command: Commands.analyseDataset, title: 'Analyse Dataset', arguments: [node.dataset.uri] };
        return item;
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

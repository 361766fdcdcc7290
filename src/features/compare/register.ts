import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands, Config } from '../../constants';
import { compareSpecs } from '../../engine/charts/compare';
import type { CompareReport } from '../../engine/compare/compare';
import type { DatasetIndex, DatasetRef } from '../../host/datasetIndex';
import { isContributedNode, type ContributedNode, type TreeContribution, type TreeContributions } from '../../host/explorerTree';
import { JobSlots } from '../../host/jobSlots';
import type { CompareJob } from '../../protocol';
import type { WorkerClient } from '../../worker/client';
import { CompareDatasetsPanel } from './comparePanel';
import { obviousPartners } from './pairs';

export interface CompareDeps {
  readonly worker: WorkerClient;
  readonly index: DatasetIndex;
  readonly tree: TreeContributions;
  readonly log: vscode.LogOutputChannel;
}

/** What the integration tests and Predict Labels use. */
export interface CompareApi {
  /** Compare two dataset files in the worker and show the panel; undefined when cancelled or failed (said to the user). */
  compare(a: vscode.Uri, b: vscode.Uri, options?: { readonly quiet?: boolean }): Promise<CompareReport | undefined>;
  /** The datasets named like this one (its hidden or test set, or its training set), best first. */
  partners(dataset: vscode.Uri): DatasetRef[];
  readonly panel: CompareDatasetsPanel | undefined;
}

const SLOT = 'compare';

/** "Kryptonite: Compare Datasets": the command, the tree's "Compare with …" items and the panel. */
export function registerCompare(context: vscode.ExtensionContext, deps: CompareDeps): CompareApi {
  const slots = new JobSlots(deps.worker, deps.log);
  const pairs = new ComparePairsTree(deps.index);

  const label = (uri: vscode.Uri): string => deps.index.find(uri)?.label ?? path.basename(uri.fsPath);
  const partners = (uri: vscode.Uri): DatasetRef[] => {
    const all = deps.index.all;
    const self = deps.index.find(uri);
    const names = all.map((d) => d.uri.path);
    const found = obviousPartners(self?.uri.path ?? uri.path, names, (n) => n.slice(0, n.lastIndexOf('/')));
    return found.map((n) => all.find((d) => d.uri.path === n)).filter((d): d is DatasetRef => d !== undefined);
  };
  pairs.partnersOf = partners;

  const compare = async (a: vscode.Uri, b: vscode.Uri, options: { readonly quiet?: boolean } = {}): Promise<CompareReport | undefined> => {
    if (a.scheme !== 'file' || b.scheme !== 'file') {
      void vscode.window.showErrorMessage('Kryptonite compares local files only.');
      return undefined;
    }
    const title = `${label(a)} ⇄ ${label(b)}`;
    const actions = { rerun: () => void compare(a, b), swap: () => void compare(b, a), cancel: () => void slots.cancel(SLOT) };
    const show = (m: Parameters<CompareDatasetsPanel['post']>[0]): void => {
      if (options.quiet && !CompareDatasetsPanel.open) return;
      CompareDatasetsPanel.show(context.extensionUri, m, actions, deps.log);
    };
    show({ type: 'compareRunning', title, message: `Reading ${label(a)} and ${label(b)}…` });
    const seed = vscode.workspace.getConfiguration(Config.section).get<number>(Config.seed, 42);
    const job: CompareJob = { kind: 'compare', path: path.normalize(a.fsPath), pathB: path.normalize(b.fsPath), ...(Number.isSafeInteger(seed) && seed >= 0 ? { seed } : {}) };
    const weights: Record<string, [number, number]> = { load: [0, 15], features: [15, 40], classifier: [40, 100] };
    const outcome = await slots.run(SLOT, {
      title: `Kryptonite: comparing ${title}`,
      job,
      progress: (p) => {
        const [lo, hi] = weights[p.stage] ?? [0, 100];
        show({ type: 'compareRunning', title, message: p.message });
        return { at: lo + (hi - lo) * p.fraction, message: p.message };
      },
      cancelling: () => show({ type: 'compareFailed', title, message: 'Cancelled.', cancelled: true }),
      accept: (r) => (r.kind === 'compare' ? r.report : undefined),
    });
    switch (outcome.status) {
      case 'done': {
        const report = outcome.result;
        show({ type: 'compareResult', title, report, charts: compareSpecs(report) });
        deps.log.info(`compare ${title}: ${report.summary}`);
        return report;
      }
      case 'cancelled':
        show({ type: 'compareFailed', title, message: outcome.forced ? 'Cancelled (the worker was restarted).' : 'Cancelled.', cancelled: true });
        return undefined;
      case 'failed':
        show({ type: 'compareFailed', title, message: outcome.message, cancelled: false });
        if (!options.quiet) void vscode.window.showErrorMessage(`Kryptonite: cannot compare ${title}: ${outcome.message}`);
        return undefined;
    }
  };

  const command = async (first?: unknown, second?: unknown): Promise<void> => {
    // Explorer: (clicked, selected[]) — two selected files are A and B. Tree: a dataset, or a "Compare with" item.
    if (first instanceof vscode.Uri && Array.isArray(second) && second.length === 2 && second.every((u) => u instanceof vscode.Uri)) {
      await compare(second[0] as vscode.Uri, second[1] as vscode.Uri);
      return;
    }
    if (isContributedNode(first) && first.owner === pairs) {
      await compare(first.dataset.uri, (first.data as { partner: DatasetRef }).partner.uri);
      return;
    }
    const a = first instanceof vscode.Uri ? first : isDatasetNode(first) ? first.dataset.uri : await pickA(deps.index);
    if (!a) return;
    const b = second instanceof vscode.Uri ? second : await pickB(deps.index, a, partners(a));
    if (!b) return;
    await compare(a, b);
  };

  context.subscriptions.push(slots, pairs, deps.tree.contribute(pairs), vscode.commands.registerCommand(Commands.compareDatasets, command));
  return {
    compare,
    partners,
    get panel() {
      return CompareDatasetsPanel.open;
    },
  };
}

function isDatasetNode(v: unknown): v is { kind: 'dataset'; dataset: DatasetRef } {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'dataset' && (v as { dataset?: { uri?: unknown } }).dataset?.uri instanceof vscode.Uri;
}

async function pickA(index: DatasetIndex): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const current = active ? index.find(active) : undefined;
  if (current) return current.uri;
  if (index.all.length < 2) {
    void vscode.window.showInformationMessage('Kryptonite: Compare Datasets needs two datasets in the workspace (CSV/TSV or .npy).');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    index.all.map((d) => ({ label: d.label, description: vscode.workspace.asRelativePath(d.uri), uri: d.uri })),
    { placeHolder: 'Compare which dataset (A, e.g. the training set)?' },
  );
  return pick?.uri;
}

async function pickB(index: DatasetIndex, a: vscode.Uri, partners: readonly DatasetRef[]): Promise<vscode.Uri | undefined> {
  const aKey = index.find(a)?.key ?? a.toString();
  const first = new Set(partners.map((p) => p.key));
  const others = index.all.filter((d) => d.key !== aKey && !first.has(d.key));
  const items = [
    ...partners.map((d) => ({ label: d.label, description: `${vscode.workspace.asRelativePath(d.uri)} · named like it: its hidden, test or training set?`, uri: d.uri })),
    ...others.map((d) => ({ label: d.label, description: vscode.workspace.asRelativePath(d.uri), uri: d.uri })),
  ];
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Kryptonite: no other dataset in the workspace to compare with.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, { placeHolder: `Compare ${path.basename(a.fsPath)} with which dataset (B, e.g. the hidden set)?` });
  return pick?.uri;
}

/** Under each dataset that has an obvious partner: "Compare with <partner>", one click to the comparison. */
class ComparePairsTree implements TreeContribution, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  partnersOf: (uri: vscode.Uri) => DatasetRef[] = () => [];
  private readonly sub: vscode.Disposable;

  constructor(index: DatasetIndex) {
    this.sub = index.onDidChange(() => this.changed.fire());
  }

  children(parent: DatasetRef | ContributedNode): ContributedNode[] {
    if ('kind' in parent) return [];
    return this.partnersOf(parent.uri).map((partner) => ({ kind: 'contributed', dataset: parent, owner: this, id: `${parent.key}#compare/${partner.key}`, data: { partner } }));
  }

  treeItem(node: ContributedNode): vscode.TreeItem {
    const partner = (node.data as { partner: DatasetRef }).partner;
    const item = new vscode.TreeItem(`Compare with ${partner.label}`, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = 'same distribution?';
    item.tooltip = `Compare ${node.dataset.label} (A) with ${vscode.workspace.asRelativePath(partner.uri)} (B): per-feature tests at FDR 5 % and a classifier two-sample test.`;
    item.iconPath = new vscode.ThemeIcon('diff');
    item.command = { command: Commands.compareDatasets, title: 'Compare Datasets', arguments: [node] };
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

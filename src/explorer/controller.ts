import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands, Config } from '../constants';
import { KryptoniteDiagnostics } from '../diagnostics/diagnostics';
import { excludedFeatures, excludeFeature } from '../diagnostics/exclusions';
import { ReportPanels } from '../panels/panels';
import { messageFor, type PanelHost } from '../panels/reportPanel';
import type { HostToWebview } from '../protocol';
import { Analyses, type AnalysisOutcome } from './analyses';
import { DatasetIndex, type DatasetRef } from './datasets';
import type { ExplorerNode } from './tree';

const DATA_FILE = /\.(csv|tsv|npy)$/i;
const RERUN_DEBOUNCE_MS = 500;

/** The glue between commands, the worker, diagnostics and panels. extension.ts only constructs and registers it. */
export class Controller implements vscode.Disposable, PanelHost {
  readonly panels: ReportPanels;
  private readonly last = new Map<string, AnalysisOutcome>();
  private readonly rerunTimers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    readonly index: DatasetIndex,
    readonly analyses: Analyses,
    readonly diagnostics: KryptoniteDiagnostics,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.panels = new ReportPanels(extensionUri, this, (uri) => this.keyOf(uri));
    this.disposables.push(
      this.panels,
      analyses.onDidChange((e) => {
        this.panels.onAnalysis(e);
        if (e.kind === 'finished') this.last.set(e.key, e.outcome);
      }),
      index.onDidChangeFile((uri) => this.fileChanged(uri)),
      index.onDidDeleteFile((uri) => {
        const key = this.keyOf(uri);
        diagnostics.fileDeleted(uri);
        analyses.clear(key);
        this.last.delete(key);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        const affects = [Config.labelColumn, Config.expansionBudgetMB, Config.sparsity, Config.seed, Config.sampleRows].some((k) =>
          e.affectsConfiguration(`${Config.section}.${k}`),
        );
        if (!affects) return;
        // Settings are read per run; re-run what is on screen so the change shows at once.
        for (const d of index.all) if (this.panels.has(d.key)) void this.analyse(d.uri);
      }),
    );
  }

  register(): vscode.Disposable[] {
    const reg = (id: string, fn: (...args: unknown[]) => unknown): vscode.Disposable => vscode.commands.registerCommand(id, fn);
    return [
      reg(Commands.analyseDataset, async (arg) => {
        const uri = await this.resolveTarget(arg, 'Analyse which dataset?');
        if (!uri) return undefined;
        this.panels.show(uri);
        return this.analyse(uri);
      }),
      reg(Commands.openReport, async (arg) => {
        const uri = await this.resolveTarget(arg, 'Open the report of which dataset?');
        if (!uri) return false;
        this.panels.show(uri);
        return true;
      }),
      reg(Commands.cancel, (arg) => {
        const uri = toUri(arg);
        const n = this.analyses.cancel(uri ? this.keyOf(uri) : undefined);
        if (n === 0 && !uri) void vscode.window.showInformationMessage('Kryptonite: no analysis is running.');
        return n;
      }),
      reg(Commands.clearDiagnostics, (arg) => {
        const uri = toUri(arg);
        this.diagnostics.clear(uri ? this.keyOf(uri) : undefined);
      }),
      reg(Commands.exportReport, async (arg, targetArg) => this.exportReport(toUri(arg), toUri(targetArg))),
      reg(Commands.excludeFeature, async (arg, name) => {
        const uri = toUri(arg);
        if (!uri || typeof name !== 'string') return undefined;
        const written = await excludeFeature(uri, name);
        const key = this.keyOf(uri);
        const report = this.analyses.report(key);
        if (report) await this.diagnostics.update(key, this.datasetOf(uri)?.uri ?? uri, report, await excludedFeatures(uri));
        void vscode.window.showInformationMessage(`Kryptonite: "${name}" is excluded from training (recorded in ${vscode.workspace.asRelativePath(written)}).`);
        return written;
      }),
      reg(Commands.openDataset, async () => {
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Datasets: ['csv', 'tsv', 'npy'] }, openLabel: 'Analyse' });
        if (picked?.[0]) return vscode.commands.executeCommand(Commands.analyseDataset, picked[0]);
        return undefined;
      }),
      reg(Commands.refreshExplorer, () => this.index.refresh()),
    ];
  }

  /** Analyse and publish: panels get progress and the result, the Problems panel the findings. */
  async analyse(uri: vscode.Uri): Promise<AnalysisOutcome> {
    const dataset = this.datasetOf(uri);
    const target = dataset?.uri ?? uri;
    const key = this.keyOf(target);
    const outcome = await this.analyses.analyse(target, key, dataset?.label ?? path.basename(target.fsPath));
    if (outcome.status === 'done') {
      await this.diagnostics.update(key, target, outcome.report, await excludedFeatures(target));
    } else if (outcome.status === 'failed') {
      void vscode.window.showErrorMessage(`Kryptonite: ${outcome.message}`);
    }
    return outcome;
  }

  cancel(uri: vscode.Uri): void {
    this.analyses.cancel(this.keyOf(uri));
  }

  current(uri: vscode.Uri): HostToWebview | undefined {
    const key = this.keyOf(uri);
    if (this.analyses.isRunning(key)) return { type: 'analysing', dataset: uri.toString(), stage: 'load', message: 'Analysing…', fraction: 0 };
    const report = this.analyses.report(key);
    if (report) return messageFor(uri, { status: 'done', report });
    const last = this.last.get(key);
    return last ? messageFor(uri, last) : undefined;
  }

  keyOf(uri: vscode.Uri): string {
    return this.datasetOf(uri)?.key ?? uri.toString();
  }

  private datasetOf(uri: vscode.Uri): DatasetRef | undefined {
    return this.index.find(uri);
  }

  private fileChanged(uri: vscode.Uri): void {
    const key = this.keyOf(uri);
    if (!this.panels.has(key) && !this.analyses.report(key)) return;
    clearTimeout(this.rerunTimers.get(key));
    // Saves often arrive as several change events; analyse once they settle.
    this.rerunTimers.set(key, setTimeout(() => {
      this.rerunTimers.delete(key);
      void this.analyse(this.datasetOf(uri)?.uri ?? uri);
    }, RERUN_DEBOUNCE_MS));
  }

  private async exportReport(arg: vscode.Uri | undefined, target: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
    const uri = arg ?? (await this.resolveTarget(undefined, 'Export the report of which dataset?'));
    if (!uri) return undefined;
    const key = this.keyOf(uri);
    const report = this.analyses.report(key) ?? (await this.analyse(uri).then((o) => (o.status === 'done' ? o.report : undefined)));
    if (!report) return undefined;
    const panel = this.panels.show(this.datasetOf(uri)?.uri ?? uri);
    const dest =
      target ??
      (await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(uri.fsPath.replace(/\.[^./\\]+$/, '') + '-report.html'),
        filters: { HTML: ['html'] },
      }));
    if (!dest) return undefined;
    await panel.exportReport(dest, report);
    if (!target) void vscode.window.showInformationMessage(`Kryptonite: report saved to ${vscode.workspace.asRelativePath(dest)}`);
    return dest;
  }

  /** A Uri from a command argument, the active editor, or a quick pick of the workspace's datasets. */
  private async resolveTarget(arg: unknown, placeHolder: string): Promise<vscode.Uri | undefined> {
    const explicit = toUri(arg);
    if (explicit) return explicit;
    const active = activeDataFile();
    if (active) return active;
    await this.index.refresh();
    if (this.index.all.length === 0) {
      const choice = await vscode.window.showInformationMessage('Kryptonite: no CSV or .npy datasets in this workspace.', 'Open a dataset…');
      if (choice) await vscode.commands.executeCommand(Commands.openDataset);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      this.index.all.map((d) => ({ label: d.label, description: vscode.workspace.asRelativePath(d.uri), dataset: d })),
      { placeHolder, matchOnDescription: true },
    );
    return picked?.dataset.uri;
  }

  dispose(): void {
    for (const t of this.rerunTimers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * The data file the user is looking at: the active text editor's, or else the active tab's. A file over VS Code's
 * document size limit (and an .npy, which is binary) opens no text editor at all, and just after a tab opens the
 * editor may not be active yet — the tab is what the user sees.
 */
function activeDataFile(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor?.document.uri;
  if (editor && DATA_FILE.test(editor.path)) return editor;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const tab = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
  return tab && DATA_FILE.test(tab.path) ? tab : undefined;
}

/** Command arguments come as a Uri (editor/explorer menus, tests), a tree node, or [uri, uris] from multi-select. */
function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  if (typeof arg === 'object' && arg !== null && 'dataset' in arg) return (arg as ExplorerNode).dataset.uri;
  return undefined;
}

import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands, Config } from '../../constants';
import type { Report } from '../../engine/report';
import type { DatasetChoices } from '../../host/datasetChoices';
import type { DatasetIndex, DatasetRef } from '../../host/datasetIndex';
import type { AnalysisOutcome, DatasetReports } from '../../host/datasetReports';
import { excludedFeatures, excludeFeature, includeFeature } from '../../host/exclusions';
import { activeDataFile, toUri } from '../../host/targets';
import type { HostToWebview } from '../../protocol';
import type { Analyses } from './analyses';
import type { KryptoniteDiagnostics } from './diagnostics';
import { registerLabelCommands } from './labelCommands';
import { messageFor, type PanelHost, type ReportExtras } from './reportPanel';
import { ReportPanels } from './reportPanels';

const RERUN_DEBOUNCE_MS = 500;

/**
 * The datasets feature's glue between commands, the worker, diagnostics and panels. extension.ts only constructs
 * and registers it; other features see it as DatasetReports.
 */
export class Controller implements vscode.Disposable, PanelHost, DatasetReports {
  readonly panels: ReportPanels;
  private readonly last = new Map<string, AnalysisOutcome>();
  /** Datasets whose file changed on disk after their report was made, until a re-analysis finishes. */
  private readonly staleKeys = new Set<string>();
  private readonly rerunTimers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    readonly index: DatasetIndex,
    readonly analyses: Analyses,
    readonly diagnostics: KryptoniteDiagnostics,
    readonly choices: DatasetChoices,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.panels = new ReportPanels(extensionUri, this, (uri) => this.keyOf(uri));
    this.disposables.push(
      this.panels,
      analyses.onDidChange((e) => {
        if (e.kind === 'finished') {
          this.last.set(e.key, e.outcome);
          if (e.outcome.status === 'done') this.staleKeys.delete(e.key);
        }
        this.panels.onAnalysis(e);
      }),
      index.onDidChangeFile((uri) => this.fileChanged(uri)),
      index.onDidDeleteFile((uri) => {
        const key = this.keyOf(uri);
        diagnostics.fileDeleted(uri);
        analyses.clear(key);
        this.last.delete(key);
        this.staleKeys.delete(key);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        const affects = [Config.labelColumn, Config.columnTypes, Config.expansionBudgetMB, Config.sparsity, Config.seed, Config.sampleRows].some((k) =>
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
        void vscode.window.showInformationMessage(
          `Kryptonite: "${name}" is excluded by the user (recorded in ${vscode.workspace.asRelativePath(written)}): the analysis, Train Model and Predict Labels leave it out; on the command line, pass --exclude ${name}.`,
        );
        // The analysis honours it too: analyse again, so the report and the Problems view say so.
        if (this.analyses.report(this.keyOf(uri))) await this.analyse(uri);
        return written;
      }),
      reg(Commands.includeFeature, async (arg, name) => {
        const uri = toUri(arg);
        if (!uri || typeof name !== 'string') return undefined;
        const written = await includeFeature(uri, name);
        void vscode.window.showInformationMessage(`Kryptonite: "${name}" is a feature again (${vscode.workspace.asRelativePath(written)}).`);
        if (this.analyses.report(this.keyOf(uri))) await this.analyse(uri);
        return written;
      }),
      reg(Commands.openDataset, async () => {
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Datasets: ['csv', 'tsv', 'npy', 'parquet', 'pq', 'arrow', 'feather', 'ipc', 'arrows', 'gz', 'zst'] }, openLabel: 'Analyse' });
        if (picked?.[0]) return vscode.commands.executeCommand(Commands.analyseDataset, picked[0]);
        return undefined;
      }),
      reg(Commands.refreshExplorer, () => this.index.refresh()),
      ...registerLabelCommands(this),
    ];
  }

  /** Show the dataset's report panel and analyse it (after a new label or task: the user wants to see the result). */
  async analyseAndShow(uri: vscode.Uri): Promise<AnalysisOutcome> {
    this.panels.show(this.datasetOf(uri)?.uri ?? uri);
    return this.analyse(uri);
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

  reportOf(uri: vscode.Uri): Report | undefined {
    return this.analyses.report(this.keyOf(uri));
  }

  cancel(uri: vscode.Uri): void {
    this.analyses.cancel(this.keyOf(uri));
  }

  current(uri: vscode.Uri): HostToWebview | undefined {
    const key = this.keyOf(uri);
    if (this.analyses.isRunning(key)) return { type: 'analysing', dataset: uri.toString(), stage: 'load', message: 'Analysing…', fraction: 0 };
    const report = this.analyses.report(key);
    if (report) return messageFor(uri, { status: 'done', report }, this.extras(uri));
    const last = this.last.get(key);
    return last ? messageFor(uri, last, this.extras(uri)) : undefined;
  }

  /** What the panel shows beside a report: whether it is stale, and its notice. */
  extras(uri: vscode.Uri): ReportExtras {
    const key = this.keyOf(uri);
    const notice = this.analyses.notice(key);
    return { stale: this.isStale(uri), ...(notice ? { notice } : {}) };
  }

  /** The data file changed after the dataset's report was made, and no re-analysis has finished since. */
  isStale(uri: vscode.Uri): boolean {
    const key = this.keyOf(uri);
    if (!this.analyses.report(key)) return false;
    const target = this.datasetOf(uri)?.uri ?? uri;
    return this.staleKeys.has(key) || this.analyses.changedSince(key, target);
  }

  keyOf(uri: vscode.Uri): string {
    return this.datasetOf(uri)?.key ?? uri.toString();
  }

  datasetOf(uri: vscode.Uri): DatasetRef | undefined {
    return this.index.find(uri);
  }

  private fileChanged(uri: vscode.Uri): void {
    const key = this.keyOf(uri);
    if (!this.panels.has(key) && !this.analyses.report(key)) return;
    if (this.analyses.report(key) && !this.staleKeys.has(key)) {
      // The report no longer describes the file: say so in its panel, and take its findings (header cells, rows that
      // may have moved) off the Problems panel until the re-analysis below replaces them.
      this.staleKeys.add(key);
      this.diagnostics.clear(key);
      this.panels.get(this.datasetOf(uri)?.uri ?? uri)?.post({ type: 'stale', dataset: (this.datasetOf(uri)?.uri ?? uri).toString(), message: 'The data file changed after this report was made; it is being re-analysed.' });
    }
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
  async resolveTarget(arg: unknown, placeHolder: string): Promise<vscode.Uri | undefined> {
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

import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands, PANEL_VIEW_TYPE } from '../../constants';
import { chartCaptions } from '../../engine/charts/captions';
import { buildCharts } from '../../engine/charts/specs';
import type { Report } from '../../engine/report';
import type { AnalysisOutcome } from '../../host/datasetReports';
import { createPanel, jsonSafe, WebviewController } from '../../host/webviewController';
import type { HostToWebview, WebviewToHost } from '../../protocol';
import { assertNever, isWebviewToHost } from '../../protocolGuards';
import type { AnalysisEvent } from './analyses';
import { exportHtml } from './exportHtml';


/** The webview's answer to collectExport. */
export interface ExportAnswer {
  readonly charts: Readonly<Record<string, string>>;
  readonly theme: Readonly<Record<string, string>>;
}

/** What a panel remembers across reloads (the webview stores it with setState; the serializer reads it back). */
export interface PanelState {
  readonly v: 1;
  readonly dataset: string;
}

export function isPanelState(v: unknown): v is PanelState {
  return typeof v === 'object' && v !== null && (v as PanelState).v === 1 && typeof (v as PanelState).dataset === 'string';
}

export interface PanelHost {
  analyse(uri: vscode.Uri): Promise<AnalysisOutcome>;
  cancel(uri: vscode.Uri): void;
  /** The current state of the dataset's analysis, to post after `ready`. */
  current(uri: vscode.Uri): HostToWebview | undefined;
  /** Whether the dataset's report is stale, and its notice. */
  extras(uri: vscode.Uri): ReportExtras;
  readonly log: vscode.LogOutputChannel;
}

/** One webview panel per dataset, beside the code. */
export class ReportPanel implements vscode.Disposable {
  private exportSeq = 0;
  private readonly pendingExports = new Map<number, (answer: ExportAnswer) => void>();
  readonly view: WebviewController<HostToWebview, WebviewToHost>;
  readonly onDidDispose: vscode.Event<void>;
  /** Resolves when the webview has said `ready` (tests and exports wait on it). */
  readonly whenReady: Promise<void>;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly dataset: vscode.Uri,
    private readonly extensionUri: vscode.Uri,
    private readonly host: PanelHost,
  ) {
    this.view = new WebviewController(panel, { extensionUri, name: 'report', isMessage: isWebviewToHost, log: host.log });
    this.view.handle({ ready: () => this.onReady(), message: (m) => this.onMessage(m) });
    this.onDidDispose = this.view.onDidDispose;
    this.whenReady = this.view.whenReady;
  }

  static create(dataset: vscode.Uri, extensionUri: vscode.Uri, host: PanelHost): ReportPanel {
    return new ReportPanel(createPanel(PANEL_VIEW_TYPE, title(dataset), extensionUri), dataset, extensionUri, host);
  }

  /** Forward an analysis event for this panel's dataset. Nothing is posted before the webview's `ready`. */
  onAnalysis(event: AnalysisEvent): void {
    if (event.kind === 'progress') {
      this.post({ type: 'analysing', dataset: this.dataset.toString(), stage: event.progress.stage, message: event.progress.message, fraction: event.progress.fraction });
    } else if (event.kind === 'started') {
      this.post({ type: 'analysing', dataset: this.dataset.toString(), stage: 'load', message: 'Starting…', fraction: 0 });
    } else if (event.kind === 'finished') {
      this.post(messageFor(this.dataset, event.outcome, this.host.extras(this.dataset)));
    }
  }

  /** Every chart as SVG, from the webview (for the HTML export). */
  /** Every rendered chart as SVG, and the theme colours they were drawn with. */
  collectCharts(): Promise<ExportAnswer> {
    const id = ++this.exportSeq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingExports.delete(id);
        reject(new Error('the report panel did not answer'));
      }, 30_000);
      this.pendingExports.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.post({ type: 'collectExport', id });
    });
  }

  post(message: HostToWebview): void {
    this.view.post(message);
  }

  private onReady(): void {
    const current = this.host.current(this.dataset);
    if (current) this.post(current);
    else void this.host.analyse(this.dataset);
  }

  private onMessage(message: Exclude<WebviewToHost, { type: 'ready' }>): void {
    switch (message.type) {
      case 'reanalyse':
        void this.host.analyse(this.dataset);
        return;
      case 'cancel':
        this.host.cancel(this.dataset);
        return;
      case 'chooseLabel':
        void vscode.commands.executeCommand(Commands.setLabelColumn, this.dataset);
        return;
      case 'chooseTask':
        void vscode.commands.executeCommand(Commands.setLabelTask, this.dataset);
        return;
      case 'exportChart':
        void this.saveChart(message.chart, message.format, message.data);
        return;
      case 'exportReport':
        void vscode.commands.executeCommand('kryptonite.exportReport', this.dataset);
        return;
      case 'exportData':
        this.pendingExports.get(message.id)?.({ charts: message.charts, theme: message.theme ?? {} });
        this.pendingExports.delete(message.id);
        return;
      default:
        assertNever(message);
    }
  }

  private async saveChart(chart: string, format: 'svg' | 'png', data: string): Promise<void> {
    const base = path.basename(this.dataset.fsPath).replace(/\.[^.]+$/, '');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.dataset, '..', `${base}-${chart}.${format}`),
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
    });
    if (!target) return;
    const bytes = format === 'svg' ? new TextEncoder().encode(data) : Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Kryptonite: saved ${vscode.workspace.asRelativePath(target)}`);
  }

  /** Write the whole report as one self-contained HTML file (charts inlined as SVG). */
  async exportReport(target: vscode.Uri, report: Report): Promise<void> {
    // The charts are drawn by the webview, and a panel that is a background tab of the results group has not loaded
    // its webview: show it first (focus stays where it is).
    if (!this.panel.visible) this.reveal();
    await this.whenReady;
    const { charts, theme } = await this.collectCharts();
    const css = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css')));
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(exportHtml(report, charts, css, theme)));
  }

  reveal(): void {
    this.view.reveal();
  }

  dispose(): void {
    this.view.dispose();
  }
}

/** Beside a report: whether it is stale, and a notice (e.g. the configured label was missing). */
export interface ReportExtras {
  readonly stale: boolean;
  readonly notice?: string;
}

export function messageFor(dataset: vscode.Uri, outcome: AnalysisOutcome, extras: ReportExtras = { stale: false }): HostToWebview {
  switch (outcome.status) {
    case 'done':
      return {
        type: 'report',
        dataset: dataset.toString(),
        report: jsonSafe(outcome.report),
        charts: jsonSafe(buildCharts(outcome.report)),
        captions: chartCaptions(outcome.report),
        stale: extras.stale,
        ...(extras.notice ?? outcome.notice ? { notice: extras.notice ?? outcome.notice } : {}),
      };
    case 'cancelled':
      return { type: 'cancelled', dataset: dataset.toString() };
    case 'failed':
      return { type: 'failed', dataset: dataset.toString(), message: outcome.message };
  }
}

function title(dataset: vscode.Uri): string {
  return `Kryptonite: ${path.basename(dataset.fsPath)}`;
}

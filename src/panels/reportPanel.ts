import * as path from 'node:path';
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE } from '../constants';
import { buildCharts } from '../engine/charts/specs';
import type { AnalysisEvent, AnalysisOutcome } from '../explorer/analyses';
import type { HostToWebview, WebviewToHost } from '../protocol';
import { assertNever, isWebviewToHost } from '../protocolGuards';
import { exportHtml } from './exportHtml';
import { localResourceRoots, panelHtml } from './html';

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
  readonly log: vscode.LogOutputChannel;
}

/** One webview panel per dataset, beside the code. */
export class ReportPanel implements vscode.Disposable {
  private ready = false;
  private exportSeq = 0;
  private readonly pendingExports = new Map<number, (charts: Readonly<Record<string, string>>) => void>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  /** Resolves when the webview has said `ready` (tests and exports wait on it). */
  readonly whenReady: Promise<void>;
  private markReady!: () => void;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly dataset: vscode.Uri,
    private readonly extensionUri: vscode.Uri,
    private readonly host: PanelHost,
  ) {
    this.whenReady = new Promise((r) => (this.markReady = r));
    panel.webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(extensionUri) };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'kryptonite.svg');
    panel.webview.html = panelHtml(panel.webview, extensionUri, panel.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static create(dataset: vscode.Uri, extensionUri: vscode.Uri, host: PanelHost): ReportPanel {
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, title(dataset), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: localResourceRoots(extensionUri),
    });
    return new ReportPanel(panel, dataset, extensionUri, host);
  }

  /** Forward an analysis event for this panel's dataset. Nothing is posted before the webview's `ready`. */
  onAnalysis(event: AnalysisEvent): void {
    if (event.kind === 'progress') {
      this.post({ type: 'analysing', dataset: this.dataset.toString(), stage: event.progress.stage, message: event.progress.message, fraction: event.progress.fraction });
    } else if (event.kind === 'started') {
      this.post({ type: 'analysing', dataset: this.dataset.toString(), stage: 'load', message: 'Starting…', fraction: 0 });
    } else if (event.kind === 'finished') {
      this.post(messageFor(this.dataset, event.outcome));
    }
  }

  /** Every chart as SVG, from the webview (for the HTML export). */
  collectCharts(): Promise<Readonly<Record<string, string>>> {
    const id = ++this.exportSeq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingExports.delete(id);
        reject(new Error('the report panel did not answer'));
      }, 30_000);
      this.pendingExports.set(id, (charts) => {
        clearTimeout(timer);
        resolve(charts);
      });
      this.post({ type: 'collectExport', id });
    });
  }

  private post(message: HostToWebview): void {
    if (!this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    if (!isWebviewToHost(raw)) {
      this.host.log.warn(`ignored a malformed message from the report webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const message: WebviewToHost = raw;
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        this.markReady();
        const current = this.host.current(this.dataset);
        if (current) this.post(current);
        else void this.host.analyse(this.dataset);
        return;
      }
      case 'reanalyse':
        void this.host.analyse(this.dataset);
        return;
      case 'cancel':
        this.host.cancel(this.dataset);
        return;
      case 'exportChart':
        void this.saveChart(message.chart, message.format, message.data);
        return;
      case 'exportReport':
        void vscode.commands.executeCommand('kryptonite.exportReport', this.dataset);
        return;
      case 'exportData':
        this.pendingExports.get(message.id)?.(message.charts);
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
  async exportReport(target: vscode.Uri, report: Parameters<typeof exportHtml>[0]): Promise<void> {
    await this.whenReady;
    const charts = await this.collectCharts();
    const css = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css')));
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(exportHtml(report, charts, css)));
  }

  reveal(): void {
    this.panel.reveal(vscode.ViewColumn.Beside, true);
  }

  dispose(): void {
    this.disposed.fire();
    this.disposed.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

export function messageFor(dataset: vscode.Uri, outcome: AnalysisOutcome): HostToWebview {
  switch (outcome.status) {
    case 'done':
      return { type: 'report', dataset: dataset.toString(), report: jsonSafe(outcome.report), charts: jsonSafe(buildCharts(outcome.report)) };
    case 'cancelled':
      return { type: 'cancelled', dataset: dataset.toString() };
    case 'failed':
      return { type: 'failed', dataset: dataset.toString(), message: outcome.message };
  }
}

/** NaN/Infinity become null, as in the JSON report (postMessage would keep them, Vega would choke on them). */
function jsonSafe<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x))) as T;
}

function title(dataset: vscode.Uri): string {
  return `Kryptonite: ${path.basename(dataset.fsPath)}`;
}

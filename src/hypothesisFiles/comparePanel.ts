import * as path from 'node:path';
import * as vscode from 'vscode';
import { HYPOTHESES_VIEW_TYPE } from '../constants';
import { hypothesisComparisonSpec, rankHypotheses, type RankedHypothesis } from '../engine/charts/hypotheses';
import { localResourceRoots, panelHtml } from '../panels/html';
import type { HostToWebview, WebviewToHost } from '../protocol';
import { assertNever, isWebviewToHost } from '../protocolGuards';
import type { HypothesisFileState } from './hypothesisFiles';

/** The ranking of one file's rules, as the panel shows it. */
export function comparison(state: HypothesisFileState): HostToWebview & { type: 'hypotheses' } {
  const rules = state.parsed.rules;
  const outcomes = rules.map((r) => state.results.get(r.text) ?? { ok: false as const, error: { message: state.failure ?? 'not evaluated (syntax error)' } });
  const ranked: RankedHypothesis[] = rankHypotheses(rules, outcomes);
  return {
    type: 'hypotheses',
    file: state.uri.toString(),
    title: path.basename(state.uri.fsPath),
    dataset: state.dataset ? path.basename(state.dataset.fsPath) : '',
    seed: state.seed,
    ranked,
    chart: hypothesisComparisonSpec(ranked),
  };
}

/**
 * "Compare Hypotheses": one webview beside the editor (reused), rendered by the same bundle as the report panel under
 * the same CSP and nonce rules. It posts nothing before the webview's `ready`; "Re-evaluate" arrives as `reanalyse`.
 */
export class ComparePanel implements vscode.Disposable {
  private static current: ComparePanel | undefined;
  private ready = false;
  private message: HostToWebview | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  readonly whenReady: Promise<void>;
  private markReady!: () => void;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private file: vscode.Uri,
    private readonly reevaluate: (file: vscode.Uri) => void,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.whenReady = new Promise((r) => (this.markReady = r));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static show(extensionUri: vscode.Uri, file: vscode.Uri, message: HostToWebview, reevaluate: (file: vscode.Uri) => void, log: vscode.LogOutputChannel): ComparePanel {
    let p = ComparePanel.current;
    if (!p) {
      const panel = vscode.window.createWebviewPanel(HYPOTHESES_VIEW_TYPE, 'Kryptonite: hypotheses', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        localResourceRoots: localResourceRoots(extensionUri),
      });
      panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'kryptonite.svg');
      panel.webview.html = panelHtml(panel.webview, extensionUri, panel.title);
      p = new ComparePanel(panel, file, reevaluate, log);
      ComparePanel.current = p;
    } else {
      p.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    p.file = file;
    p.panel.title = `Kryptonite: ${path.basename(file.fsPath)}`;
    p.post(message);
    return p;
  }

  private post(message: HostToWebview): void {
    this.message = message;
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    if (!isWebviewToHost(raw)) {
      this.log.warn(`ignored a malformed message from the hypotheses webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const message: WebviewToHost = raw;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.markReady();
        if (this.message) void this.panel.webview.postMessage(this.message);
        return;
      case 'reanalyse':
        this.reevaluate(this.file);
        return;
      case 'cancel':
      case 'exportChart':
      case 'exportReport':
      case 'exportData':
        // Not offered by this view.
        return;
      default:
        assertNever(message);
    }
  }

  dispose(): void {
    if (ComparePanel.current === this) ComparePanel.current = undefined;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

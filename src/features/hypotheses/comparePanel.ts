import * as path from 'node:path';
import * as vscode from 'vscode';
import { HYPOTHESES_VIEW_TYPE } from '../../constants';
import { hypothesisComparisonSpec, rankHypotheses, type RankedHypothesis } from '../../engine/charts/hypotheses';
import { createPanel, WebviewController } from '../../host/webviewController';
import type { HostToWebview, WebviewToHost } from '../../protocol';
import { assertNever, isWebviewToHost } from '../../protocolGuards';
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
  private message: HostToWebview | undefined;
  private readonly view: WebviewController<HostToWebview, WebviewToHost>;
  readonly whenReady: Promise<void>;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private file: vscode.Uri,
    private readonly reevaluate: (file: vscode.Uri) => void,
    log: vscode.LogOutputChannel,
  ) {
    this.view = new WebviewController(panel, { extensionUri, name: 'hypotheses', isMessage: isWebviewToHost, log });
    this.view.handle({
      ready: () => {
        if (this.message) this.view.post(this.message);
      },
      message: (m) => this.onMessage(m),
    });
    this.view.onDidDispose(() => {
      if (ComparePanel.current === this) ComparePanel.current = undefined;
    });
    this.whenReady = this.view.whenReady;
  }

  static show(extensionUri: vscode.Uri, file: vscode.Uri, message: HostToWebview, reevaluate: (file: vscode.Uri) => void, log: vscode.LogOutputChannel): ComparePanel {
    let p = ComparePanel.current;
    if (!p) {
      p = new ComparePanel(createPanel(HYPOTHESES_VIEW_TYPE, 'Kryptonite: hypotheses', extensionUri), extensionUri, file, reevaluate, log);
      ComparePanel.current = p;
    } else {
      p.view.reveal();
    }
    p.file = file;
    p.panel.title = `Kryptonite: ${path.basename(file.fsPath)}`;
    p.message = message;
    p.view.post(message);
    return p;
  }

  private onMessage(message: Exclude<WebviewToHost, { type: 'ready' }>): void {
    switch (message.type) {
      case 'reanalyse':
        this.reevaluate(this.file);
        return;
      case 'cancel':
      case 'chooseLabel':
      case 'chooseTask':
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
    this.view.dispose();
  }
}

import * as vscode from 'vscode';
import { COMPARE_VIEW_TYPE } from '../../constants';
import { createPanel, jsonSafe, WebviewController } from '../../host/webviewController';
import type { CompareWebviewToHost, HostToCompareWebview } from '../../protocol';
import { assertNever, isCompareWebviewToHost } from '../../protocolGuards';

export interface ComparePanelActions {
  rerun(): void;
  swap(): void;
  cancel(): void;
}

/**
 * "Compare Datasets": one webview (reused) in the results group, drawn by the shared bundle with `data-view="compare"`
 * under the same CSP and nonce rules. It keeps the last message so that a panel made visible again (or restored)
 * shows it at once.
 */
export class CompareDatasetsPanel implements vscode.Disposable {
  private static current: CompareDatasetsPanel | undefined;
  private last: HostToCompareWebview | undefined;
  private readonly view: WebviewController<HostToCompareWebview, CompareWebviewToHost>;
  readonly whenReady: Promise<void>;
  /** What the webview last reported drawing (a test hook). */
  rendered: { readonly charts: readonly string[]; readonly rows: number } | null = null;
  private readonly renderedEmitter = new vscode.EventEmitter<void>();
  readonly onDidRender = this.renderedEmitter.event;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private actions: ComparePanelActions,
    log: vscode.LogOutputChannel,
  ) {
    this.view = new WebviewController(panel, { extensionUri, name: 'compare', isMessage: isCompareWebviewToHost, log, page: { view: 'compare', waiting: 'Comparing…' } });
    this.view.handle({
      ready: () => {
        if (this.last) this.view.post(this.last);
      },
      message: (m) => this.onMessage(m),
    });
    this.view.onDidDispose(() => {
      if (CompareDatasetsPanel.current === this) CompareDatasetsPanel.current = undefined;
      this.renderedEmitter.dispose();
    });
    this.whenReady = this.view.whenReady;
  }

  static get open(): CompareDatasetsPanel | undefined {
    return CompareDatasetsPanel.current;
  }

  /** The panel (created in the results group when none is open), showing `message`. */
  static show(extensionUri: vscode.Uri, message: HostToCompareWebview, actions: ComparePanelActions, log: vscode.LogOutputChannel): CompareDatasetsPanel {
    let p = CompareDatasetsPanel.current;
    if (!p) {
      p = new CompareDatasetsPanel(createPanel(COMPARE_VIEW_TYPE, message.title, extensionUri), extensionUri, actions, log);
      CompareDatasetsPanel.current = p;
    } else {
      p.actions = actions;
      p.view.reveal();
    }
    p.post(message);
    return p;
  }

  post(message: HostToCompareWebview): void {
    const safe = jsonSafe(message);
    this.last = safe;
    this.panel.title = `Compare: ${message.title}`;
    this.view.post(safe);
  }

  private onMessage(m: Exclude<CompareWebviewToHost, { type: 'ready' }>): void {
    switch (m.type) {
      case 'cancel':
        this.actions.cancel();
        return;
      case 'rerun':
        this.actions.rerun();
        return;
      case 'swap':
        this.actions.swap();
        return;
      case 'compareRendered':
        this.rendered = { charts: m.charts, rows: m.rows };
        this.renderedEmitter.fire();
        return;
      default:
        assertNever(m);
    }
  }

  dispose(): void {
    this.view.dispose();
  }
}

import * as vscode from 'vscode';
import { localResourceRoots, panelHtml, type PanelPage } from './webviewHtml';

/**
 * The one webview plumbing every Kryptonite panel shares: the page (strict CSP, per-load nonce, resources limited to
 * dist/webview and media/), the ready gate (nothing is posted before the webview says `ready`), a checked dispatch
 * (every incoming message passes a guard first: a webview is an untrusted boundary) and the serializer that restores
 * a panel from a small versioned state object, or closes it when the state is not understood.
 */
export interface WebviewControllerOptions<In extends { readonly type: string }> {
  readonly extensionUri: vscode.Uri;
  /** Used in log lines ("report", "training", …). */
  readonly name: string;
  readonly page?: PanelPage;
  readonly isMessage: (v: unknown) => v is In;
  readonly log: vscode.LogOutputChannel;
}

export interface WebviewHandlers<In extends { readonly type: string }> {
  /** The webview said `ready`: the gate is open; post the current state now. */
  ready(): void;
  /** Every other checked message. */
  message(message: Exclude<In, { readonly type: 'ready' }>): void;
}

export class WebviewController<Out, In extends { readonly type: string }> implements vscode.Disposable {
  private isReady = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  /** Resolves when the webview has said `ready` (tests and exports wait on it). */
  readonly whenReady: Promise<void>;
  private markReady!: () => void;
  private handlers: WebviewHandlers<In> | null = null;
  private isDisposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly options: WebviewControllerOptions<In>,
  ) {
    this.whenReady = new Promise((r) => (this.markReady = r));
    panel.webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(options.extensionUri) };
    panel.iconPath = vscode.Uri.joinPath(options.extensionUri, 'media', 'kryptonite.svg');
    panel.webview.html = panelHtml(panel.webview, options.extensionUri, panel.title, options.page);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Attach the owner's handlers (separate from the constructor so the owner can pass bound methods of itself). */
  handle(handlers: WebviewHandlers<In>): void {
    this.handlers = handlers;
  }

  get ready(): boolean {
    return this.isReady;
  }

  /** Post when the webview is ready; before that the message is dropped (the `ready` handler posts the state). */
  post(message: Out): boolean {
    if (!this.isReady || this.isDisposed) return false;
    void this.panel.webview.postMessage(message);
    return true;
  }

  /**
   * Show the panel where it already is, keeping focus. Not `ViewColumn.Beside`: revealing an open panel "beside"
   * moves it into another group, and with two report panels open code-server then closed the other one.
   */
  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  private receive(raw: unknown): void {
    if (!this.options.isMessage(raw)) {
      this.options.log.warn(`ignored a malformed message from the ${this.options.name} webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    if (raw.type === 'ready') {
      this.isReady = true;
      this.markReady();
      this.handlers?.ready();
      return;
    }
    this.handlers?.message(raw as Exclude<In, { readonly type: 'ready' }>);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposed.fire();
    this.disposed.dispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

/** Every Kryptonite panel open now, newest last: where the next one goes. */
const openPanels: vscode.WebviewPanel[] = [];

/**
 * The editor group results go to: the group of the newest Kryptonite panel still open, so later reports, Compare and
 * Training open there as tabs instead of splitting the editor again and again; with none open, beside the code.
 */
export function resultsColumn(): vscode.ViewColumn {
  for (let i = openPanels.length - 1; i >= 0; i--) {
    const column = openPanels[i].viewColumn;
    if (column !== undefined) return column;
  }
  return vscode.ViewColumn.Beside;
}

/** Count a panel (a new or a restored one) among the results panels until it closes. */
export function trackPanel(panel: vscode.WebviewPanel): vscode.WebviewPanel {
  openPanels.push(panel);
  panel.onDidDispose(() => {
    const at = openPanels.indexOf(panel);
    if (at >= 0) openPanels.splice(at, 1);
  });
  return panel;
}

/** A new panel in the results group (see resultsColumn), keeping focus where it was, with the shared options. */
export function createPanel(viewType: string, title: string, extensionUri: vscode.Uri): vscode.WebviewPanel {
  return trackPanel(
    vscode.window.createWebviewPanel(viewType, title, { viewColumn: resultsColumn(), preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: localResourceRoots(extensionUri),
    }),
  );
}

/**
 * Restores panels of `viewType` after a reload from the state the webview saved with setState. A state that
 * `isState` does not accept (another version, or garbage) closes the panel instead of guessing.
 */
export class PanelSerializer<S> implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(
    viewType: string,
    private readonly isState: (v: unknown) => v is S,
    private readonly restore: (panel: vscode.WebviewPanel, state: S) => void,
  ) {
    this.registration = vscode.window.registerWebviewPanelSerializer(viewType, this);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!this.isState(state)) {
      panel.dispose();
      return;
    }
    this.restore(trackPanel(panel), state);
  }

  dispose(): void {
    this.registration.dispose();
  }
}

/** NaN/Infinity become null, as in the JSON report (postMessage would keep them, Vega would choke on them). */
export function jsonSafe<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x))) as T;
}

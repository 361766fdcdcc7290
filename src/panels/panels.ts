import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE } from '../constants';
import type { AnalysisEvent } from '../explorer/analyses';
import { isPanelState, ReportPanel, type PanelHost } from './reportPanel';

/** Owns the report panels (one per dataset) and restores them after a reload. */
export class ReportPanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, ReportPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: PanelHost,
    private readonly keyOf: (uri: vscode.Uri) => string,
  ) {
    this.disposables.push(vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, this));
  }

  get(uri: vscode.Uri): ReportPanel | undefined {
    return this.panels.get(this.keyOf(uri));
  }

  has(key: string): boolean {
    return this.panels.has(key);
  }

  /** Show the dataset's panel beside the editor, creating it if needed. */
  show(uri: vscode.Uri): ReportPanel {
    const existing = this.get(uri);
    if (existing) {
      existing.reveal();
      return existing;
    }
    return this.track(ReportPanel.create(uri, this.extensionUri, this.host));
  }

  onAnalysis(event: AnalysisEvent): void {
    this.panels.get(event.key)?.onAnalysis(event);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (!isPanelState(state)) {
      panel.dispose();
      return;
    }
    this.track(new ReportPanel(panel, vscode.Uri.parse(state.dataset), this.extensionUri, this.host));
  }

  private track(p: ReportPanel): ReportPanel {
    const key = this.keyOf(p.dataset);
    this.panels.get(key)?.dispose();
    this.panels.set(key, p);
    p.onDidDispose(() => {
      if (this.panels.get(key) === p) this.panels.delete(key);
    });
    return p;
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
    for (const d of this.disposables) d.dispose();
  }
}

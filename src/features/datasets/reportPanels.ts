import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE } from '../../constants';
import { PanelSerializer } from '../../host/webviewController';
import type { AnalysisEvent } from './analyses';
import { isPanelState, ReportPanel, type PanelHost, type PanelState } from './reportPanel';

/** Owns the report panels (one per dataset) and restores them after a reload. */
export class ReportPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ReportPanel>();
  /** Restores a panel from its saved state (tests call it directly). */
  readonly serializer: PanelSerializer<PanelState>;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: PanelHost,
    private readonly keyOf: (uri: vscode.Uri) => string,
  ) {
    this.serializer = new PanelSerializer(PANEL_VIEW_TYPE, isPanelState, (panel, state) => {
      this.track(new ReportPanel(panel, vscode.Uri.parse(state.dataset), this.extensionUri, this.host));
    });
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
    this.serializer.dispose();
  }
}

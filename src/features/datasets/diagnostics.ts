import * as path from 'node:path';
import * as vscode from 'vscode';
import { Config, DIAGNOSTIC_SOURCE } from '../../constants';
import type { Report } from '../../engine/report';
import { findingsOf, type Finding } from './findings';
import type { HeaderCell } from './headerCells';
import { readHeader } from './headerFile';

const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export interface Entry {
  readonly report: Report;
  readonly files: readonly vscode.Uri[];
  readonly header: HeaderCell[] | null;
  readonly excluded: ReadonlySet<string>;
}

/** The one owner of Kryptonite's DiagnosticCollection: each analysis replaces the whole list of its files. */
export class KryptoniteDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly entries = new Map<string, Entry>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${Config.section}.${Config.severity}`)) this.renderAll();
      }),
    );
  }

  /** The header cells of a CSV dataset as last analysed (for hovers and code actions). */
  entryFor(uri: vscode.Uri): Entry | undefined {
    const s = uri.toString();
    for (const e of this.entries.values()) if (e.files.some((f) => f.toString() === s)) return e;
    return undefined;
  }

  async update(key: string, dataset: vscode.Uri, report: Report, excluded: ReadonlySet<string>): Promise<void> {
    const files = report.dataset.files.map((f) => vscode.Uri.file(path.resolve(f)));
    if (files.length === 0) files.push(dataset);
    // A compressed CSV's header cannot be located in the editor's text (the file is binary); findings go on line 1.
    const header = report.dataset.format === 'csv' && report.dataset.hasHeader && !report.dataset.compression ? await readHeader(dataset.fsPath, report.dataset.delimiter ?? ',') : null;
    const previous = this.entries.get(key);
    if (previous) for (const f of previous.files) this.collection.delete(f);
    this.entries.set(key, { report, files, header, excluded });
    this.render(key);
  }

  clear(key?: string): void {
    const keys = key ? [key] : [...this.entries.keys()];
    for (const k of keys) {
      const e = this.entries.get(k);
      if (e) for (const f of e.files) this.collection.delete(f);
      this.entries.delete(k);
    }
    if (!key) this.collection.clear();
  }

  /** A data file was deleted: drop everything that belonged to its dataset. */
  fileDeleted(uri: vscode.Uri): void {
    const s = uri.toString();
    for (const [k, e] of this.entries) if (e.files.some((f) => f.toString() === s)) this.clear(k);
    this.collection.delete(uri);
  }

  private renderAll(): void {
    for (const k of this.entries.keys()) this.render(k);
  }

  private render(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    const severity = SEVERITY[vscode.workspace.getConfiguration(Config.section).get<string>(Config.severity, 'information')] ?? vscode.DiagnosticSeverity.Information;
    const byFile = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const f of e.files) byFile.set(f.toString(), { uri: f, list: [] });
    for (const finding of findingsOf(e.report)) {
      const uri = finding.file ? vscode.Uri.file(path.resolve(finding.file)) : e.files[0];
      const slot = byFile.get(uri.toString()) ?? byFile.get(e.files[0].toString());
      if (!slot) continue;
      slot.list.push(toDiagnostic(finding, e, slot.uri, severity));
    }
    for (const { uri, list } of byFile.values()) this.collection.set(uri, list);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function toDiagnostic(finding: Finding, e: Entry, uri: vscode.Uri, severity: vscode.DiagnosticSeverity): vscode.Diagnostic {
  let message = finding.message;
  if (finding.feature && e.excluded.has(finding.feature.name) && finding.unnecessary) message += ' (excluded from training in .kryptonite/settings.json)';
  const d = new vscode.Diagnostic(rangeOf(finding, e), message, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = finding.code;
  if (finding.unnecessary) d.tags = [vscode.DiagnosticTag.Unnecessary];
  if (finding.related && e.header) {
    d.relatedInformation = finding.related.flatMap((name) => {
      const c = e.header?.find((h) => h.name === name);
      return c ? [new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, new vscode.Range(0, c.start, 0, c.end)), `"${name}"`)] : [];
    });
  }
  return d;
}

function rangeOf(finding: Finding, e: Entry): vscode.Range {
  const cell = (name: string | number | undefined): HeaderCell | undefined => {
    if (!e.header || name === undefined) return undefined;
    return typeof name === 'number' ? e.header[name] : e.header.find((c) => c.name === name);
  };
  if (finding.feature) {
    const c = cell(finding.feature.name);
    if (c) return new vscode.Range(0, c.start, 0, c.end);
    return new vscode.Range(0, 0, 0, 0);
  }
  if (finding.table) {
    // Row 1: the header line as far as it goes (VS Code clamps the end to the line).
    const last = e.header?.[e.header.length - 1];
    return new vscode.Range(0, 0, 0, last ? last.end : 10_000);
  }
  if (finding.row !== undefined && finding.row >= 1) {
    // Reader rows are 1-based as an editor shows them; highlight the whole line (VS Code clamps the end).
    return new vscode.Range(finding.row - 1, 0, finding.row - 1, 10_000);
  }
  const c = cell(finding.column);
  if (c) return new vscode.Range(0, c.start, 0, c.end);
  return new vscode.Range(0, 0, 0, 0);
}

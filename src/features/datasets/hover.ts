import * as vscode from 'vscode';
import { Commands, DIAGNOSTIC_SOURCE, DiagnosticCodes } from '../../constants';
import type { Report } from '../../engine/report';
import type { KryptoniteDiagnostics } from './diagnostics';
import { guessDelimiter, headerCells, type HeaderCell } from './headerCells';
import { headerHoverMarkdown, md, type CommandLink } from './hoverText';

export const DATA_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.csv' },
  { scheme: 'file', pattern: '**/*.tsv' },
];

/** What the header features need besides the diagnostics: the dataset's current label. */
export interface HeaderHost {
  /** The report of the dataset the file belongs to (diagnostics may have been cleared; the report is still known). */
  reportOf(uri: vscode.Uri): Report | undefined;
}

/** The header cells of a CSV document: from the last analysis (its delimiter), else read from the editor's first line. */
function cellsOf(document: vscode.TextDocument, diagnostics: KryptoniteDiagnostics, report: Report | undefined): HeaderCell[] {
  const known = diagnostics.entryFor(document.uri)?.header;
  if (known) return known;
  if (document.lineCount === 0 || (report && report.dataset.hasHeader === false)) return [];
  const line = document.lineAt(0).text;
  return headerCells(line, report?.dataset.delimiter ?? guessDelimiter(line, document.uri.path));
}

function cellAt(cells: readonly HeaderCell[], position: vscode.Position): { cell: HeaderCell; index: number } | undefined {
  if (position.line !== 0) return undefined;
  const index = cells.findIndex((c) => position.character >= c.start && position.character <= c.end);
  return index < 0 || cells[index].name === '' ? undefined : { cell: cells[index], index };
}

/**
 * Hover on a header cell: what the last analysis says about the column (type, shape, statistics or levels,
 * relevance evidence; the label's task; alerts with their evidence), and links to use it as the label or set the
 * task. Before any analysis it still offers "Use as the label".
 */
export class FeatureHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly diagnostics: KryptoniteDiagnostics,
    private readonly host: HeaderHost,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (position.line !== 0) return undefined;
    const entry = this.diagnostics.entryFor(document.uri);
    const report = entry?.report ?? this.host.reportOf(document.uri);
    const at = cellAt(cellsOf(document, this.diagnostics, report), position);
    if (!at) return undefined;
    const link: CommandLink = (title, command, args) => {
      const id = Commands[command];
      return `[${md(title)}](command:${id}?${encodeURIComponent(JSON.stringify([document.uri.toString(), ...args]))} "${id}")`;
    };
    const text = headerHoverMarkdown({ report: report ?? null, column: at.cell.name, position: at.index, excluded: entry?.excluded.has(at.cell.name) ?? false, link });
    if (!text) return undefined;
    const markdown = new vscode.MarkdownString(text);
    // Only the links this hover makes may run; the data's own text is escaped (hoverText.md).
    markdown.isTrusted = { enabledCommands: [Commands.setLabelColumn, Commands.setLabelTask, Commands.analyseDataset] };
    return new vscode.Hover(markdown, new vscode.Range(0, at.cell.start, 0, at.cell.end));
  }
}

/**
 * Code actions on a data file's header: "Exclude feature from training" on Kryptonite's irrelevant and constant
 * feature diagnostics (the quick fix it always was), "Include feature again" on an excluded one, and "Use "X" as the
 * label" on any header cell.
 */
export class HeaderCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly diagnostics: KryptoniteDiagnostics,
    private readonly host: HeaderHost,
  ) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      if (d.code === DiagnosticCodes.excludedByUser) {
        const name = /"([^"]*)"/.exec(d.message)?.[1] ?? /\(([^)]*)\)/.exec(d.message)?.[1];
        if (!name) continue;
        const action = new vscode.CodeAction(`Include feature "${name}" again`, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.command = { command: Commands.includeFeature, title: action.title, arguments: [document.uri, name] };
        out.push(action);
        continue;
      }
      if (d.code !== DiagnosticCodes.irrelevantFeature && d.code !== DiagnosticCodes.constantFeature) continue;
      const name = /"([^"]*)"/.exec(d.message)?.[1] ?? /\(([^)]*)\)/.exec(d.message)?.[1];
      if (!name || d.message.includes('excluded from training')) continue;
      const action = new vscode.CodeAction(`Exclude feature "${name}" from training`, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [d];
      action.isPreferred = true;
      action.command = { command: Commands.excludeFeature, title: action.title, arguments: [document.uri, name] };
      out.push(action);
    }
    if (range.start.line === 0) {
      const report = this.diagnostics.entryFor(document.uri)?.report ?? this.host.reportOf(document.uri);
      const at = cellAt(cellsOf(document, this.diagnostics, report), range.start);
      if (at && report?.dataset.label?.name !== at.cell.name) {
        const action = new vscode.CodeAction(`Use "${at.cell.name}" as the label`, vscode.CodeActionKind.QuickFix);
        action.command = { command: Commands.setLabelColumn, title: action.title, arguments: [document.uri, at.cell.name] };
        out.push(action);
      }
    }
    return out;
  }
}

import * as vscode from 'vscode';
import { Commands, DIAGNOSTIC_SOURCE, DiagnosticCodes } from '../constants';
import type { FeatureReport } from '../engine/report';
import type { KryptoniteDiagnostics } from './diagnostics';

export const DATA_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.csv' },
  { scheme: 'file', pattern: '**/*.tsv' },
];

/** Hover on a header cell: the feature's shape, statistics and relevance evidence from the last analysis. */
export class FeatureHoverProvider implements vscode.HoverProvider {
  constructor(private readonly diagnostics: KryptoniteDiagnostics) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (position.line !== 0) return undefined;
    const entry = this.diagnostics.entryFor(document.uri);
    if (!entry?.header) return undefined;
    const cell = entry.header.find((c) => position.character >= c.start && position.character <= c.end);
    if (!cell) return undefined;
    const feature = entry.report.features.find((f) => f.name === cell.name);
    if (!feature) {
      const label = entry.report.dataset.label;
      if (label && label.name === cell.name) {
        const md = new vscode.MarkdownString(`**${escape(label.name)}** — label, ${label.classes.length} classes: ${label.classes.map((c) => `${escape(c.value)} (${c.count})`).join(', ')}`);
        return new vscode.Hover(md, new vscode.Range(0, cell.start, 0, cell.end));
      }
      return undefined;
    }
    return new vscode.Hover(featureMarkdown(feature, entry.excluded.has(feature.name)), new vscode.Range(0, cell.start, 0, cell.end));
  }
}

export function featureMarkdown(f: FeatureReport, excluded: boolean): vscode.MarkdownString {
  const s = f.stats;
  const n = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Number(v.toPrecision(4))));
  const lines = [
    `**${escape(f.name)}** — feature #${f.index}: **${f.shape}** (confidence ${(f.shapeConfidence * 100).toFixed(0)} %)${f.relevance ? `, **${f.relevance}**` : ''}${excluded ? ' — excluded from training' : ''}`,
    '',
    `| count | missing | mean | sd | min | median | max |`,
    `|---:|---:|---:|---:|---:|---:|---:|`,
    `| ${s.count} | ${s.missing} | ${n(s.mean)} | ${n(s.sd)} | ${n(s.min)} | ${n(s.quantiles?.p50)} | ${n(s.max)} |`,
    '',
    `Peaks: ${f.modes.peaks.map((p) => `${n(p.location)} (${(p.weight * 100).toFixed(0)} %)`).join(', ') || '—'}`,
    '',
    ...f.shapeEvidence.reasons.slice(0, 3).map((r) => `- ${escape(r)}`),
  ];
  if (f.relevanceEvidence) {
    const ev = f.relevanceEvidence;
    lines.push('', `Relevance: **${f.relevance ?? 'unknown'}**`);
    lines.push(...ev.reasons.slice(0, 3).map((r) => `- ${escape(r)}`));
    if (ev.sparsity) lines.push(`- L1 interaction model: ${(ev.sparsity.participation * 100).toFixed(1)} % of the coefficient mass${ev.sparsity.inTopTerm ? ', in the strongest term' : ''}`);
  }
  const md = new vscode.MarkdownString(lines.join('\n'));
  md.isTrusted = false;
  return md;
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/** "Exclude feature from training" on Kryptonite's feature diagnostics. */
export class ExcludeFeatureCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      if (d.code !== DiagnosticCodes.irrelevantFeature && d.code !== DiagnosticCodes.constantFeature) continue;
      const name = /"([^"]*)"/.exec(d.message)?.[1] ?? /\(([^)]*)\)/.exec(d.message)?.[1];
      if (!name || d.message.includes('excluded from training')) continue;
      const action = new vscode.CodeAction(`Exclude feature "${name}" from training`, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [d];
      action.isPreferred = true;
      action.command = { command: Commands.excludeFeature, title: action.title, arguments: [document.uri, name] };
      out.push(action);
    }
    return out;
  }
}

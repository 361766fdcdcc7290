/**
 * What the Problems panel should say about a report, as plain data (no vscode import, unit-testable): one finding per
 * irrelevant or constant feature, one per structural warning of the reader.
 */
import type { DatasetWarning } from '../engine/errors';
import type { FeatureReport, Report } from '../engine/report';

export interface Finding {
  readonly code: string;
  readonly message: string;
  /** The file it belongs to (absolute path, as the worker saw it). */
  readonly file: string;
  /** A feature: its header cell (CSV) or its index named at line 0 (npy). */
  readonly feature?: { readonly index: number; readonly name: string };
  /** A reader warning's column (name or index) and 1-based row. */
  readonly column?: string | number;
  readonly row?: number;
  /** Unnecessary tag: the feature carries no signal. */
  readonly unnecessary: boolean;
}

/** Warnings the per-feature findings already cover. */
const COVERED = new Set(['constantFeature']);

export function findingsOf(report: Report): Finding[] {
  const out: Finding[] = [];
  const file = report.dataset.files[0] ?? report.dataset.path;
  const npy = report.dataset.format !== 'csv';
  for (const f of report.features) {
    const where = npy ? `feature #${f.index} (${f.name})` : `"${f.name}"`;
    if (f.shape === 'constant') {
      out.push({ code: 'constantFeature', file, feature: { index: f.index, name: f.name }, unnecessary: true, message: `Feature ${where} is constant (${fmt(f.stats.min)}): it carries no information.` });
    } else if (f.relevance === 'irrelevant') {
      out.push({ code: 'irrelevantFeature', file, feature: { index: f.index, name: f.name }, unnecessary: true, message: `Feature ${where} looks irrelevant to the label: ${irrelevanceReason(f)}.` });
    }
  }
  for (const w of report.warnings) {
    if (COVERED.has(w.code)) continue;
    out.push(warningFinding(w, file));
  }
  return out;
}

function warningFinding(w: DatasetWarning, fallbackFile: string): Finding {
  return {
    code: w.code,
    message: stripLocation(w.message, w.file),
    file: w.file || fallbackFile,
    ...(w.column !== undefined ? { column: w.column } : {}),
    ...(w.row !== undefined ? { row: w.row } : {}),
    unnecessary: false,
  };
}

/** The engine's messages start with `file:row: `; the Problems panel already shows the file and position. */
function stripLocation(message: string, file: string): string {
  if (file && message.startsWith(file)) return message.slice(file.length).replace(/^(:\d+)?:\s*/, '');
  return message;
}

function irrelevanceReason(f: FeatureReport): string {
  const ev = f.relevanceEvidence;
  if (!ev) return 'positive evidence that it carries nothing';
  return ev.reasons[0] ?? 'positive evidence that it carries nothing';
}

function fmt(v: number | null): string {
  return v === null ? 'no values' : String(Number(v.toPrecision(6)));
}

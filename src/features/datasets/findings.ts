/**
 * What the Problems panel should say about a report, as plain data (no vscode import, unit-testable): one finding per
 * irrelevant or constant feature, one per data-quality alert (its engine code unchanged: identifierColumn, labelLeak,
 * duplicateRows, …) and one per structural warning of the reader.
 */
import type { Alert } from '../../engine/alerts/types';
import type { DatasetWarning } from '../../engine/errors';
import { EXCLUDED_BY_USER } from '../../engine/exclude';
import type { FeatureReport, Report } from '../../engine/report';

export interface Finding {
  readonly code: string;
  readonly message: string;
  /** The file it belongs to (absolute path, as the worker saw it). */
  readonly file: string;
  /** A feature: its header cell (CSV) or its index named at line 0 (npy). */
  readonly feature?: { readonly index: number; readonly name: string };
  /** A reader warning's or an alert's column (name or index), and a reader warning's 1-based row. */
  readonly column?: string | number;
  readonly row?: number;
  /** The other columns an alert is about (a correlated pair, the label of a leak): related locations. */
  readonly related?: readonly string[];
  /** A whole-table alert (duplicate rows): the header line. */
  readonly table?: boolean;
  /** The alert behind the finding, for the hover's evidence. */
  readonly alert?: Alert;
  /** Unnecessary tag: the feature carries no signal. */
  readonly unnecessary: boolean;
}

/** Warnings the per-feature findings already cover. */
const COVERED = new Set(['constantFeature']);

export function findingsOf(report: Report): Finding[] {
  const out: Finding[] = [];
  const file = report.dataset.files[0] ?? report.dataset.path;
  const npy = report.dataset.format !== 'csv';
  const constant = new Set<string>();
  for (const f of report.features) {
    const where = npy ? `#${f.index} (${f.name})` : `"${f.name}"`;
    if (f.shape === 'constant') {
      constant.add(f.name);
      out.push({ code: 'constantFeature', file, feature: { index: f.index, name: f.name }, unnecessary: true, message: `Feature ${where} is constant (${fmt(f.stats.min)}): it carries no information.` });
    } else if (f.relevance === 'irrelevant') {
      out.push({ code: 'irrelevantFeature', file, feature: { index: f.index, name: f.name }, unnecessary: true, message: `Feature ${where} looks irrelevant to the label: ${irrelevanceReason(f)}.` });
    }
  }
  // Features the user excluded (the quick fix): not analysed, said once on their header cell, with "Include again".
  for (const c of report.dataset.columns ?? []) {
    if (c.role !== 'excluded' || c.reason !== EXCLUDED_BY_USER) continue;
    const where = npy ? `#${c.index} (${c.name})` : `"${c.name}"`;
    out.push({
      code: 'excludedByUser',
      file,
      column: npy ? c.index : c.name,
      unnecessary: true,
      message: `Feature ${where} is excluded by the user (.kryptonite/settings.json): the analysis, Train Model and Predict Labels leave it out.`,
    });
  }
  for (const a of report.alerts ?? []) {
    // constantFeature already says it (with the quick fix); an empty column is only an alert.
    if (a.code === 'constantColumn' && a.columns.every((c) => constant.has(c))) continue;
    out.push(alertFinding(a, report, file));
  }
  for (const w of report.warnings) {
    if (COVERED.has(w.code)) continue;
    out.push(warningFinding(w, file));
  }
  return out;
}

/**
 * An alert on the header cell of its first column (the feature of a leak, the first of a pair; the others become
 * related locations), on the header line when it is about the whole table. An .npy has no header: the message names
 * the feature's index, as the per-feature findings do.
 */
function alertFinding(a: Alert, report: Report, file: string): Finding {
  const npy = report.dataset.format !== 'csv';
  const [first, ...rest] = a.columns;
  const feature = first === undefined ? undefined : report.features.find((f) => f.name === first);
  const prefix = npy && feature ? `feature #${feature.index} (${feature.name}): ` : '';
  return {
    code: a.code,
    message: `${prefix}${capitalise(a.message)}.`,
    file,
    ...(feature ? { feature: { index: feature.index, name: feature.name } } : first !== undefined ? { column: first } : { table: true }),
    ...(rest.length > 0 ? { related: rest } : {}),
    alert: a,
    unnecessary: false,
  };
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

function capitalise(s: string): string {
  return s.length > 0 && /[a-z]/.test(s[0]) ? s[0].toUpperCase() + s.slice(1) : s;
}

/** One line per evidence entry of an alert, for hovers: `key: value`, numbers to 4 significant digits. */
export function evidenceLines(a: Alert): string[] {
  return Object.entries(a.evidence).map(([k, v]) => `${k}: ${typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en') : String(Number(v.toPrecision(4)))) : v === null ? '—' : String(v)}`);
}

function fmt(v: number | null): string {
  return v === null ? 'no values' : String(Number(v.toPrecision(6)));
}

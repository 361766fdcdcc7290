/**
 * The real-table battery: runs `kryptonite analyse` on every table of manifest.json and scores its JSON report
 * against reference.json (scikit-learn/scipy numbers from reference.py). See README.md in this folder.
 *
 *   node --import tsx test/bench/battery/check.ts [--data DIR] [--cli dist/cli.js] [--only NAME[,NAME…]]
 *        [--reference FILE] [--reports DIR] [--json OUT] [--timeout SECONDS] [--verbose]
 *
 * Criteria per table (all must hold for the table to pass):
 *   1 exit      the CLI exits 0 and writes a JSON report
 *   2 columns   every source column is the label, a feature, the source of a derived feature, or excluded with a
 *               reason — and excluded only when the manifest calls it an identifier, date or free text
 *   3 task      dataset.label.task equals the manifest's task
 *   4 signal    no feature with a Bonferroni-significant marginal association is 'irrelevant'
 *   5 copies    no permuted copy is 'relevant' or 'redundant'
 *   6 strong    at least 80 % of the features with p < 1e-8 are 'relevant' or 'redundant'
 *   7 baseline  the best baselines[].value is at most 0.04 accuracy (0.06 R²) below scikit-learn's best CV score
 *   8 time      end-to-end wall time (process start to exit) at most 2 s
 * A field missing from the report fails the criteria that need it, with the reason; it never stops the run.
 *
 * Exit status: 0 when every table passes, 1 when some fail, 2 when the battery itself cannot run (no manifest,
 * reference or CLI).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const HERE = __dirname;
const ROOT = resolve(HERE, '..', '..', '..');

type Task = 'binary' | 'multiclass' | 'regression';

export interface ManifestTable {
  readonly name: string;
  readonly file: string;
  readonly label: string;
  readonly task: Task;
  readonly source: string;
  readonly rows: number;
  readonly columns: number;
  readonly columnNames: readonly string[];
  readonly permutedCopies: readonly string[];
  readonly idColumns: readonly string[];
  readonly dateColumns: readonly string[];
  readonly textColumns: readonly string[];
}

interface ReferenceFeature {
  readonly name: string;
  readonly p: number | null;
  readonly significant: boolean;
  readonly overwhelming: boolean;
  readonly permutedCopy: boolean;
}

export interface ReferenceTable {
  readonly name: string;
  readonly cv: { readonly metric: string; readonly best: number; readonly bestModel: string };
  readonly features: readonly ReferenceFeature[];
}

export interface Outcome {
  readonly ok: boolean;
  readonly reason: string;
}

interface TableResult {
  readonly name: string;
  readonly shape: string;
  readonly task: Task;
  readonly wallMs: number;
  readonly criteria: readonly Outcome[];
  readonly pass: boolean;
}

export const CRITERIA = ['exit', 'columns', 'task', 'signal', 'copies', 'strong', 'baseline', 'time'] as const;

/** Tolerances of criterion 7: how far below scikit-learn's best CV score our best baseline may fall. */
export const ACCURACY_TOLERANCE = 0.04;
export const R2_TOLERANCE = 0.06;
/** Criterion 6: share of overwhelmingly associated features (p < 1e-8) that must be kept as relevant/redundant. */
export const STRONG_SHARE = 0.8;
/** Criterion 8: end-to-end wall time budget per table. */
export const TIME_BUDGET_MS = 2000;

interface Options {
  readonly data: string;
  readonly cli: string;
  readonly only: readonly string[] | null;
  readonly manifest: string;
  readonly reference: string;
  readonly reports: string;
  readonly json: string | null;
  readonly timeoutMs: number;
  readonly verbose: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) fatal(`${flag} needs a value`);
    return v;
  };
  const only = value('--only');
  const json = value('--json');
  return {
    data: resolve(value('--data') ?? join(tmpdir(), 'kryptonite-battery')),
    cli: resolve(ROOT, value('--cli') ?? join('dist', 'cli.js')),
    only: only ? only.split(',').map((s) => s.trim()) : null,
    manifest: resolve(value('--manifest') ?? join(HERE, 'manifest.json')),
    reference: resolve(value('--reference') ?? join(HERE, 'reference.json')),
    reports: resolve(value('--reports') ?? join(tmpdir(), 'kryptonite-battery-reports')),
    json: json ? resolve(json) : null,
    timeoutMs: Number(value('--timeout') ?? 120) * 1000,
    verbose: argv.includes('--verbose'),
  };
}

function fatal(message: string): never {
  console.error(`battery: ${message}`);
  process.exit(2);
}

// ---- reading an untrusted report -------------------------------------------------------------------------------

export type Json = Record<string, unknown>;

function record(v: unknown): Json | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null;
}

function array(v: unknown): readonly unknown[] | null {
  return Array.isArray(v) ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

interface ReportFeature {
  readonly name: string;
  /** 'relevant' | 'redundant' | 'irrelevant' | … ; null when the report gives no verdict. */
  readonly relevance: string | null;
  readonly derivedFrom: readonly string[];
}

/** The relevance verdict of a feature: a string, or (tolerated) an object carrying it as `verdict`. */
function verdictOf(v: unknown): string | null {
  return str(v) ?? str(record(v)?.verdict);
}

function reportFeatures(report: Json): readonly ReportFeature[] | null {
  const list = array(report.features);
  if (!list) return null;
  const out: ReportFeature[] = [];
  for (const item of list) {
    const f = record(item);
    const name = str(f?.name);
    if (!f || name === null) continue;
    const d = f.derivedFrom;
    const derivedFrom =
      typeof d === 'string' ? [d] : (array(d) ?? []).filter((x): x is string => typeof x === 'string');
    out.push({ name, relevance: verdictOf(f.relevance), derivedFrom });
  }
  return out;
}

// ---- the criteria ------------------------------------------------------------------------------------------------

const pass = (reason = ''): Outcome => ({ ok: true, reason });
const fail = (reason: string): Outcome => ({ ok: false, reason });

/** "a, b, c (+4 more)" — reasons stay one line. */
function few(names: readonly string[], max = 4): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} (+${names.length - max} more)` : shown;
}

function checkColumns(t: ManifestTable, report: Json): Outcome {
  const dataset = record(report.dataset);
  if (!dataset) return fail('report has no dataset section');
  const features = reportFeatures(report);
  if (!features) return fail('report has no features[]');
  const excludedList = array(dataset.excludedColumns);
  if (!excludedList) return fail('dataset.excludedColumns missing');
  const excluded = new Map<string, string>();
  for (const item of excludedList) {
    const e = record(item);
    const name = str(e?.name);
    if (name !== null) excluded.set(name, str(e?.reason) ?? '');
  }
  const problems: string[] = [];
  const labelName = str(record(dataset.label)?.name);
  if (labelName !== t.label) {
    problems.push(`label is ${JSON.stringify(labelName)}, expected ${JSON.stringify(t.label)}`);
  }
  const source = new Set(t.columnNames);
  const featureNames = new Set(features.map((f) => f.name));
  const derivedSources = new Set(features.flatMap((f) => f.derivedFrom));
  const excusable = new Set([...t.idColumns, ...t.dateColumns, ...t.textColumns]);
  const missing: string[] = [];
  const wrongExclusion: string[] = [];
  const noReason: string[] = [];
  const twice: string[] = [];
  for (const c of t.columnNames) {
    if (c === t.label) {
      if (featureNames.has(c)) problems.push('the label is also a feature');
      continue;
    }
    const isFeature = featureNames.has(c);
    const isExcluded = excluded.has(c);
    if (isFeature && isExcluded) twice.push(c);
    if (isExcluded) {
      if (!excusable.has(c)) wrongExclusion.push(`${c} ("${excluded.get(c)}")`);
      else if (!excluded.get(c)) noReason.push(c);
    }
    if (!isFeature && !isExcluded && !derivedSources.has(c)) missing.push(c);
  }
  const unknown = features
    .filter((f) => !source.has(f.name) && !f.derivedFrom.some((d) => source.has(d)))
    .map((f) => f.name);
  if (missing.length) problems.push(`not accounted for: ${few(missing)}`);
  if (wrongExclusion.length) problems.push(`excluded but not id/date/text: ${few(wrongExclusion, 3)}`);
  if (noReason.length) problems.push(`excluded without a reason: ${few(noReason)}`);
  if (twice.length) problems.push(`both feature and excluded: ${few(twice)}`);
  if (unknown.length) problems.push(`features with no source column: ${few(unknown)}`);
  return problems.length ? fail(problems.join('; ')) : pass(`${features.length} features, ${excluded.size} excluded`);
}

function checkTask(t: ManifestTable, report: Json): Outcome {
  const task = str(record(record(report.dataset)?.label)?.task);
  if (task === null) return fail('dataset.label.task missing');
  return task === t.task ? pass(task) : fail(`task ${task}, expected ${t.task}`);
}

const KEPT = new Set(['relevant', 'redundant']);

function featureIndex(report: Json): Map<string, ReportFeature> | null {
  const features = reportFeatures(report);
  return features ? new Map(features.map((f) => [f.name, f])) : null;
}

function checkSignal(ref: ReferenceTable, report: Json): Outcome {
  const byName = featureIndex(report);
  if (!byName) return fail('report has no features[]');
  const significant = ref.features.filter((f) => f.significant);
  const absent: string[] = [];
  const unjudged: string[] = [];
  const dismissed: string[] = [];
  for (const f of significant) {
    const r = byName.get(f.name);
    if (!r) absent.push(f.name);
    else if (r.relevance === null) unjudged.push(f.name);
    else if (r.relevance === 'irrelevant') dismissed.push(`${f.name} (p=${f.p?.toExponential(1)})`);
  }
  const problems: string[] = [];
  if (dismissed.length) problems.push(`significant but 'irrelevant': ${few(dismissed, 3)}`);
  if (unjudged.length) problems.push(`no relevance verdict: ${few(unjudged)}`);
  if (absent.length) problems.push(`not reported as features: ${few(absent)}`);
  return problems.length ? fail(problems.join('; ')) : pass(`${significant.length} significant features kept`);
}

function checkCopies(t: ManifestTable, report: Json): Outcome {
  if (t.permutedCopies.length === 0) return pass('no permuted copies');
  const byName = featureIndex(report);
  if (!byName) return fail('report has no features[]');
  const problems: string[] = [];
  for (const c of t.permutedCopies) {
    const r = byName.get(c);
    if (!r) problems.push(`${c} not reported as a feature`);
    else if (r.relevance === null) problems.push(`${c} has no relevance verdict`);
    else if (KEPT.has(r.relevance)) problems.push(`${c} is '${r.relevance}'`);
  }
  return problems.length ? fail(problems.join('; ')) : pass(`${t.permutedCopies.length} copies not kept`);
}

function checkStrong(ref: ReferenceTable, report: Json): Outcome {
  const strong = ref.features.filter((f) => f.overwhelming);
  if (strong.length === 0) return pass('no feature with p < 1e-8');
  const byName = featureIndex(report);
  if (!byName) return fail('report has no features[]');
  const lost = strong.filter((f) => !KEPT.has(byName.get(f.name)?.relevance ?? '')).map((f) => {
    const v = byName.get(f.name);
    return `${f.name} (${v ? v.relevance ?? 'no verdict' : 'absent'})`;
  });
  const kept = strong.length - lost.length;
  const summary = `${kept} of ${strong.length} kept`;
  return kept >= STRONG_SHARE * strong.length ? pass(summary) : fail(`${summary}; lost ${few(lost, 3)}`);
}

function metricMatches(metric: string, task: Task): boolean {
  const m = metric.toLowerCase().replace(/[^a-z0-9²]/g, '');
  return task === 'regression' ? m === 'r2' || m === 'r²' : m === 'accuracy';
}

function checkBaseline(t: ManifestTable, ref: ReferenceTable, report: Json): Outcome {
  const list = array(report.baselines);
  if (!list) return fail(`report has no baselines[] (sklearn ${ref.cv.best.toFixed(3)})`);
  let best: { model: string; value: number } | null = null;
  for (const item of list) {
    const b = record(item);
    const value = b?.value;
    if (!b || typeof value !== 'number' || !Number.isFinite(value)) continue;
    if (!metricMatches(str(b.metric) ?? '', t.task)) continue;
    if (!best || value > best.value) best = { model: str(b.model) ?? '?', value };
  }
  const metric = t.task === 'regression' ? 'R²' : 'accuracy';
  if (!best) return fail(`no baseline reports ${metric} (sklearn ${ref.cv.best.toFixed(3)})`);
  const tolerance = t.task === 'regression' ? R2_TOLERANCE : ACCURACY_TOLERANCE;
  const gap = best.value - ref.cv.best;
  const signed = `${gap >= 0 ? '+' : ''}${gap.toFixed(3)}`;
  const sklearn = `sklearn ${ref.cv.bestModel} ${ref.cv.best.toFixed(3)}`;
  const text = `${best.model} ${best.value.toFixed(3)} vs ${sklearn} (${signed})`;
  return gap >= -tolerance ? pass(text) : fail(text);
}

// ---- running ------------------------------------------------------------------------------------------------------

function runTable(t: ManifestTable, ref: ReferenceTable | undefined, opts: Options): TableResult {
  const file = join(opts.data, t.file);
  const out = join(opts.reports, `${t.name}.json`);
  const shape = `${t.rows}×${t.columns}`;
  if (!existsSync(file)) {
    const missing = fail(`${file} missing (run the export scripts)`);
    return { name: t.name, shape, task: t.task, wallMs: 0, criteria: CRITERIA.map(() => missing), pass: false };
  }
  rmSync(out, { force: true }); // a report left by an earlier run must not pass for this one
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [opts.cli, 'analyse', file, '--label', t.label, '--json', out], {
    encoding: 'utf8',
    timeout: opts.timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  let report: Json | null = null;
  let exit: Outcome;
  if (r.error || r.status !== 0) {
    const why = r.error ? String(r.error.message) : `exit ${r.status ?? r.signal}`;
    const stderr = (r.stderr ?? '').trim().split('\n').slice(-1)[0] ?? '';
    exit = fail(`${why}${stderr ? `: ${stderr.slice(0, 200)}` : ''}`);
  } else {
    try {
      report = record(JSON.parse(readFileSync(out, 'utf8')));
      exit = report ? pass() : fail('the JSON report is not an object');
    } catch (e) {
      exit = fail(`no readable JSON report: ${(e as Error).message}`);
    }
  }
  const criteria: Outcome[] = [
    exit,
    ...checkReport(t, ref, report),
    wallMs <= TIME_BUDGET_MS ? pass(`${(wallMs / 1000).toFixed(2)} s`) : fail(`${(wallMs / 1000).toFixed(2)} s > 2 s`),
  ];
  return { name: t.name, shape, task: t.task, wallMs, criteria, pass: criteria.every((c) => c.ok) };
}

/** Criteria 2–7 (columns, task, signal, copies, strong, baseline) of one report; the unit tests use this too. */
export function checkReport(t: ManifestTable, ref: ReferenceTable | undefined, report: Json | null): Outcome[] {
  const noReport = fail('no report');
  const noRef = fail('no reference numbers for this table (run reference.py)');
  return [
    report ? checkColumns(t, report) : noReport,
    report ? checkTask(t, report) : noReport,
    !report ? noReport : ref ? checkSignal(ref, report) : noRef,
    report ? checkCopies(t, report) : noReport,
    !report ? noReport : ref ? checkStrong(ref, report) : noRef,
    !report ? noReport : ref ? checkBaseline(t, ref, report) : noRef,
  ];
}

function formatLine(r: TableResult, verbose: boolean): string {
  const marks = r.criteria.map((c, i) => `${i + 1}${c.ok ? '✓' : '✗'}`).join(' ');
  const reasons = r.criteria
    .map((c, i) => (c.ok ? null : `${i + 1} ${CRITERIA[i]}: ${c.reason}`))
    .filter((s): s is string => s !== null);
  const seconds = (r.wallMs / 1000).toFixed(2).padStart(6);
  const verdict = r.pass ? 'PASS' : 'FAIL';
  const head = `${verdict} ${r.name.padEnd(24)} ${r.shape.padStart(9)} ${r.task.padEnd(10)} ${seconds} s  ${marks}`;
  if (verbose) {
    const all = r.criteria.map((c, i) => `    ${i + 1} ${CRITERIA[i].padEnd(8)} ${c.ok ? 'ok  ' : 'FAIL'} ${c.reason}`);
    return [head, ...all].join('\n');
  }
  return reasons.length ? `${head}  — ${reasons.join(' | ')}` : head;
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.cli)) fatal(`${opts.cli} is missing; build the CLI first (npm run build:cli)`);
  if (!existsSync(opts.manifest)) fatal(`${opts.manifest} is missing`);
  if (!existsSync(opts.reference)) fatal(`${opts.reference} is missing; run reference.py`);
  const manifest = JSON.parse(readFileSync(opts.manifest, 'utf8')) as { tables: ManifestTable[] };
  const reference = JSON.parse(readFileSync(opts.reference, 'utf8')) as { tables: ReferenceTable[] };
  const refs = new Map(reference.tables.map((t) => [t.name, t]));
  const tables = manifest.tables.filter((t) => !opts.only || opts.only.includes(t.name));
  if (tables.length === 0) fatal(`no table matches --only ${opts.only?.join(',')}`);
  mkdirSync(opts.reports, { recursive: true });
  console.log(
    `Kryptonite real-table battery — ${tables.length} tables from ${opts.data}, CLI ${opts.cli}\n` +
      `criteria: ${CRITERIA.map((c, i) => `${i + 1} ${c}`).join(', ')}`,
  );
  const results: TableResult[] = [];
  for (const t of tables) {
    const r = runTable(t, refs.get(t.name), opts);
    results.push(r);
    console.log(formatLine(r, opts.verbose));
  }
  const passed = results.filter((r) => r.pass).length;
  const perCriterion = CRITERIA.map((c, i) => `${i + 1} ${c} ${results.filter((r) => r.criteria[i].ok).length}`);
  const totalS = results.reduce((s, r) => s + r.wallMs, 0) / 1000;
  console.log(`\nper criterion (tables passing, of ${results.length}): ${perCriterion.join(', ')}`);
  console.log(`total CLI wall time ${totalS.toFixed(1)} s; reports in ${opts.reports}`);
  console.log(`${passed} of ${results.length} tables pass`);
  if (opts.json) {
    const payload = { criteria: CRITERIA, passed, total: results.length, results };
    writeFileSync(opts.json, `${JSON.stringify(payload, null, 1)}\n`);
  }
  process.exit(passed === results.length ? 0 : 1);
}

if (require.main === module) main();

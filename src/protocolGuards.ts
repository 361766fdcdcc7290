import { COLUMN_TYPES, LABEL_TASKS } from './engine/dataset';
import { EXPORT_THEME_VARIABLES } from './exportTheme';
import type { CompareWebviewToHost, HostToCompareWebview, HostToTrainingWebview, HostToWebview, HostToWorker, Job, TrainingWebviewToHost, WebviewToHost, WorkerError, WorkerToHost } from './protocol';

/**
 * Guards for every message that crosses a boundary. Workers and webviews are untrusted: a malformed message is
 * rejected whole, never half-read.
 */
type Rec = Record<string, unknown>;

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function optional(v: unknown, check: (x: unknown) => boolean): boolean {
  return v === undefined || check(v);
}

const isString = (v: unknown): boolean => typeof v === 'string';
const isFiniteNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isLabel = (v: unknown): boolean => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v) && v >= 0);

function isColumnTypes(v: unknown): boolean {
  return isRecord(v) && Object.values(v).every((t) => typeof t === 'string' && (COLUMN_TYPES as readonly string[]).includes(t));
}

export function isJob(v: unknown): v is Job {
  if (!isRecord(v)) return false;
  if (v.kind === 'train') return isTrainJob(v);
  if (typeof v.path !== 'string' || v.path === '') return false;
  switch (v.kind) {
    case 'predict':
      return typeof v.modelDir === 'string' && v.modelDir !== '' && optional(v.out, isString) && optional(v.ignoreExtra, (x) => typeof x === 'boolean');
    case 'analyse':
      return (
        optional(v.label, isLabel) &&
        optional(v.detectLabel, (x) => typeof x === 'boolean') &&
        optional(v.seed, (x) => Number.isSafeInteger(x)) &&
        optional(v.sparsity, (x) => typeof x === 'boolean') &&
        optional(v.budgetBytes, (x) => isFiniteNumber(x) && (x as number) > 0) &&
        optional(v.sampleRows, (x) => Number.isSafeInteger(x) && (x as number) >= 0) &&
        optional(v.columnTypes, isColumnTypes) &&
        optional(v.task, isLabelTask) &&
        optional(v.exclude, isFeatureList) &&
        optional(v.carbonIntensity, isIntensity) &&
        optional(v.memoryBudgetMB, (x) => isFiniteNumber(x) && (x as number) >= 1)
      );
    case 'hypothesis':
      return Array.isArray(v.rules) && v.rules.every(isString) && optional(v.label, isLabel) && optional(v.seed, (x) => Number.isSafeInteger(x));
    case 'trainPlan':
      return optional(v.label, isLabel) && optional(v.task, isLabelTask) && optional(v.columnTypes, isColumnTypes) && optional(v.exclude, isFeatureList);
    case 'compare':
      return typeof v.pathB === 'string' && v.pathB !== '' && optional(v.seed, (x) => Number.isSafeInteger(x)) && optional(v.classifier, (x) => typeof x === 'boolean');
    default:
      return false;
  }
}

/** A grid carbon intensity in gCO2eq/kWh: finite and not negative. */
const isIntensity = (x: unknown): boolean => isFiniteNumber(x) && (x as number) >= 0;

const isLabelTask = (x: unknown): boolean => typeof x === 'string' && (LABEL_TASKS as readonly string[]).includes(x);

/** A train job reads a file or carries its columns, never both; settings are checked again by the engine. */
function isTrainJob(v: Rec): boolean {
  const hasPath = typeof v.path === 'string' && v.path !== '';
  if (hasPath === (v.data !== undefined)) return false;
  if (v.data !== undefined) {
    const d = v.data;
    if (!isRecord(d) || !Array.isArray(d.names) || !d.names.every(isString) || !Array.isArray(d.classes) || !d.classes.every(isString)) return false;
    if (!Array.isArray(d.columns) || d.columns.length !== d.names.length || !(d.labels instanceof Int32Array)) return false;
    const rows = d.labels.length;
    if (!d.columns.every((c) => c instanceof Float32Array && c.length === rows)) return false;
  }
  return (
    optional(v.label, isLabel) &&
    optional(v.preset, (x) => x === 'auto' || x === 'N-9' || x === 'N-12' || x === 'N-15' || x === 'N-18') &&
    optional(v.config, isRecord) &&
    optional(v.saveDir, isString) &&
    optional(v.exclude, isFeatureList) &&
    optional(v.task, isLabelTask) &&
    optional(v.columnTypes, isColumnTypes) &&
    optional(v.carbonIntensity, isIntensity)
  );
}

/** Feature names (the exclusions of a train job): strings, not too many to be real. */
function isFeatureList(v: unknown): boolean {
  return Array.isArray(v) && v.length <= 100_000 && v.every(isString);
}

/** A predict result's drift report: per-feature entries and one warning line per drifted feature. */
function isDriftReport(v: unknown): boolean {
  return (
    isRecord(v) &&
    isString(v.method) &&
    isFiniteNumber(v.level) &&
    isFiniteNumber(v.rows) &&
    Array.isArray(v.features) &&
    v.features.every((f) => isRecord(f) && isString(f.feature) && typeof f.drifted === 'boolean' && (f.psi === null || typeof f.psi === 'number')) &&
    Array.isArray(v.warnings) &&
    v.warnings.every(isString)
  );
}

function isJobResult(r: unknown): boolean {
  if (!isRecord(r)) return false;
  switch (r.kind) {
    case 'analyse':
      return isRecord(r.report);
    case 'hypothesis':
      return Array.isArray(r.outcomes);
    case 'train':
      return isRecord(r.training) && isRecord(r.training.test) && Array.isArray(r.training.history);
    case 'trainPlan':
      return (
        (r.label === null || isString(r.label)) &&
        (r.task === null || isLabelTask(r.task)) &&
        isFiniteNumber(r.features) &&
        isFiniteNumber(r.rows) &&
        isRecord(r.defaults) &&
        Object.entries(r.defaults).every(([model, c]) => ['mlp', 'logreg', 'cnn1d'].includes(model) && isTrainConfigShape(c))
      );
    case 'compare':
      return isCompareReport(r.report);
    case 'predict':
      return (
        isFiniteNumber(r.rows) &&
        isLabelTask(r.task) &&
        Array.isArray(r.counts) &&
        Array.isArray(r.classes) &&
        // A regression's summary: finite over at least one prediction (an empty table has none to summarise).
        optional(r.values, (x) => isRecord(x) && ['count', 'mean', 'min', 'max'].every((k) => typeof x[k] === 'number')) &&
        Array.isArray(r.unseen) &&
        r.unseen.every((u) => isRecord(u) && isString(u.feature) && Array.isArray(u.levels) && u.levels.every(isString) && isFiniteNumber(u.rows)) &&
        (r.drift === null || isDriftReport(r.drift)) &&
        Array.isArray(r.notes) &&
        r.notes.every(isString)
      );
    default:
      return false;
  }
}

/** The fields of a resolved TrainConfig the Custom flow shows and edits (the engine validates the whole on training). */
function isTrainConfigShape(c: unknown): boolean {
  return (
    isRecord(c) &&
    isString(c.model) &&
    isString(c.activation) &&
    isString(c.optimizer) &&
    Array.isArray(c.hidden) &&
    c.hidden.every(isFiniteNumber) &&
    Array.isArray(c.dropout) &&
    c.dropout.every(isFiniteNumber) &&
    ['learningRate', 'momentum', 'batchSize', 'epochs', 'patience', 'seed', 'runs'].every((k) => isFiniteNumber(c[k])) &&
    optional(c.monitor, (x) => x === 'loss' || x === 'accuracy')
  );
}

function isEpochProgress(v: unknown): boolean {
  return isRecord(v) && ['epoch', 'epochs', 'run', 'runs', 'elapsedMs'].every((k) => isFiniteNumber(v[k])) && ['trainLoss', 'valLoss', 'trainAccuracy', 'valAccuracy'].every((k) => typeof v[k] === 'number') && (v.metric === undefined || v.metric === 'accuracy' || v.metric === 'r2');
}

export function isHostToWorker(v: unknown): v is HostToWorker {
  if (!isRecord(v) || !isId(v.id)) return false;
  switch (v.type) {
    case 'start':
      return isJob(v.job) && v.cancelFlag instanceof SharedArrayBuffer && v.cancelFlag.byteLength >= 4;
    case 'cancel':
      return true;
    default:
      return false;
  }
}

function isWorkerError(v: unknown): v is WorkerError {
  return (
    isRecord(v) &&
    (v.kind === 'input' || v.kind === 'internal') &&
    typeof v.message === 'string' &&
    optional(v.code, isString) &&
    optional(v.file, isString) &&
    optional(v.row, isFiniteNumber) &&
    optional(v.column, (x) => isString(x) || isFiniteNumber(x)) &&
    optional(v.stack, isString)
  );
}

export function isWorkerToHost(v: unknown): v is WorkerToHost {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
      return optional(v.priority, isString);
    case 'progress':
      return isId(v.id) && typeof v.stage === 'string' && isFiniteNumber(v.fraction) && typeof v.message === 'string' && optional(v.epoch, isEpochProgress) && optional(v.at, isFiniteNumber);
    case 'done':
      return isId(v.id) && isJobResult(v.result);
    case 'failed':
      return isId(v.id) && isWorkerError(v.error);
    case 'cancelled':
      return isId(v.id);
    default:
      return false;
  }
}

/** Messages from the report webview (untrusted: it renders data from files). */
export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'reanalyse':
    case 'cancel':
    case 'exportReport':
    case 'chooseLabel':
    case 'chooseTask':
      return true;
    case 'exportChart':
      return isString(v.chart) && /^[A-Za-z0-9_-]{1,64}$/.test(v.chart as string) && (v.format === 'svg' || v.format === 'png') && isString(v.data);
    case 'exportData':
      return isId(v.id) && isRecord(v.charts) && Object.values(v.charts).every(isString) && optional(v.theme, isExportTheme);
    default:
      return false;
  }
}

/** Messages from the host to the report webview (checked in the webview too). */
export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'analysing':
      return isString(v.dataset) && isString(v.stage) && isString(v.message) && isFiniteNumber(v.fraction);
    case 'report':
      return (
        isString(v.dataset) &&
        isRecord(v.report) &&
        Array.isArray(v.report.features) &&
        isRecord(v.charts) &&
        optional(v.captions, (c) => isRecord(c) && Object.values(c).every(isString)) &&
        optional(v.stale, (x) => typeof x === 'boolean') &&
        optional(v.notice, isString)
      );
    case 'stale':
      return isString(v.dataset) && isString(v.message);
    case 'failed':
      return isString(v.dataset) && isString(v.message);
    case 'cancelled':
      return isString(v.dataset);
    case 'collectExport':
      return isId(v.id);
    case 'hypotheses':
      return isString(v.file) && isString(v.title) && isString(v.dataset) && isFiniteNumber(v.seed) && Array.isArray(v.ranked) && v.ranked.every(isRecord) && (v.chart === null || isRecord(v.chart));
    default:
      return false;
  }
}

/** Run ids are folder names under .kryptonite/runs/<dataset>/: a strict charset, so a webview cannot name a path. */
const RUN_ID = /^[A-Za-z0-9._-]{1,100}$/;
const isRunId = (v: unknown): boolean => typeof v === 'string' && RUN_ID.test(v) && v !== '.' && v !== '..';

/** A bounded list of short strings (what a webview reports having drawn). */
const isShortStrings = (v: unknown): boolean => Array.isArray(v) && v.length <= 200 && v.every((x) => typeof x === 'string' && x.length <= 200);

/** Messages from the training webview (untrusted, like the report webview). */
export function isTrainingWebviewToHost(v: unknown): v is TrainingWebviewToHost {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'cancel':
      return true;
    case 'selectRuns':
      return Array.isArray(v.runs) && v.runs.length <= 50 && v.runs.every(isRunId);
    case 'rendered':
      return isId(v.points) && isShortStrings(v.charts) && isShortStrings(v.headings) && isShortStrings(v.excluded);
    default:
      return false;
  }
}

const isNullableNumber = (x: unknown): boolean => x === null || typeof x === 'number';
function isCurvePoint(p: unknown): boolean {
  return isRecord(p) && isString(p.series) && isFiniteNumber(p.epoch) && (p.split === 'train' || p.split === 'validation') && isNullableNumber(p.loss) && isNullableNumber(p.accuracy);
}
function isBestMark(b: unknown): boolean {
  return isRecord(b) && isString(b.series) && isFiniteNumber(b.epoch) && isNullableNumber(b.loss) && isNullableNumber(b.accuracy);
}

const isNullableNumberOrAbsent = (x: unknown): boolean => x === undefined || isNullableNumber(x);
const isSpec = (x: unknown): boolean => x === null || isRecord(x);

/** One selected run's details: its task and metric, the test figures of that task, and its charts' specs. */
function isRunDetails(d: unknown): boolean {
  if (!isRecord(d) || !isString(d.id) || !isString(d.label) || !isString(d.config) || !isString(d.reason) || !isRecord(d.test)) return false;
  const t = d.test;
  const testOk = isFiniteNumber(t.rows) && isNullableNumber(t.accuracy) && isNullableNumber(t.loss) && ['r2', 'mae', 'rmse'].every((k) => isNullableNumberOrAbsent(t[k]));
  const r = d.repeated;
  const repeatedOk =
    r === undefined ||
    (isRecord(r) &&
      isNullableNumber(r.mean) &&
      isNullableNumber(r.sd) &&
      optional(r.energyMethod, (m) => m === null || m === 'rapl' || m === 'cpuTime') &&
      Array.isArray(r.rows) &&
      r.rows.every((x) => isRecord(x) && isString(x.label) && isNullableNumber(x.accuracy) && isNullableNumberOrAbsent(x.kWh) && isNullableNumberOrAbsent(x.gCO2eq)));
  return (
    testOk &&
    repeatedOk &&
    isLabelTask(d.task) &&
    (d.metric === 'accuracy' || d.metric === 'r2') &&
    optional(d.target, isString) &&
    isSpec(d.confusion) &&
    optional(d.residuals, isSpec) &&
    optional(d.residualsSampled, (x) => typeof x === 'boolean') &&
    optional(d.energy, (e) => isRecord(e) && isNullableNumber(e.kWh) && isNullableNumber(e.gCO2eq) && (e.method === null || e.method === 'rapl' || e.method === 'cpuTime') && isString(e.description)) &&
    optional(d.excluded, (x) => Array.isArray(x) && x.every(isString))
  );
}

/** Messages from the host to the training webview (checked in the webview too). */
export function isHostToTrainingWebview(v: unknown): v is HostToTrainingWebview {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'trainingView':
      return (
        isString(v.dataset) &&
        isString(v.title) &&
        Array.isArray(v.runs) &&
        v.runs.every((r) => isRecord(r) && isRunId(r.id) && isString(r.label) && isString(r.description)) &&
        Array.isArray(v.selected) &&
        v.selected.every(isString) &&
        isRecord(v.charts) &&
        (v.metric === 'accuracy' || v.metric === 'r2' || v.metric === 'mixed') &&
        Array.isArray(v.details) &&
        v.details.every(isRunDetails) &&
        (v.live === null || isString(v.live)) &&
        isString(v.status)
      );
    case 'trainingEpoch':
      return (
        isString(v.series) &&
        Array.isArray(v.points) &&
        v.points.every(isCurvePoint) &&
        (v.best === null || isBestMark(v.best)) &&
        isString(v.status) &&
        optional(v.workerAt, (w) => isRecord(w) && isFiniteNumber(w.first) && isFiniteNumber(w.last)) &&
        optional(v.postedAt, isFiniteNumber)
      );
    case 'trainingStatus':
      return isString(v.status) && (v.kind === 'running' || v.kind === 'done' || v.kind === 'cancelled' || v.kind === 'failed');
    default:
      return false;
  }
}

/** Exhaustiveness check for switches over message unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(value)}`);
}

/**
 * The theme an exported page embeds: only VS Code variables we ask for, each a plain colour or font list — a value
 * that could close the declaration or the style element (`;`, `{`, `}`, `<`) is refused.
 */
export function isExportTheme(v: unknown): boolean {
  if (!isRecord(v)) return false;
  return Object.entries(v).every(
    ([k, value]) => (EXPORT_THEME_VARIABLES as readonly string[]).includes(k) && typeof value === 'string' && value.length <= 200 && /^[#(),.%\w\s"'-]*$/.test(value),
  );
}

/** A comparison as the worker sends it and the compare webview receives it: the parts the panel reads. */
function isCompareReport(v: unknown): boolean {
  return (
    isRecord(v) &&
    v.schema === 'kryptonite.compare/1' &&
    isRecord(v.a) &&
    isRecord(v.b) &&
    isString(v.summary) &&
    Array.isArray(v.features) &&
    v.features.every((f) => isRecord(f) && isString(f.name) && typeof f.flagged === 'boolean' && isString(f.verdict) && Array.isArray(f.pmf)) &&
    (v.classifierTest === null || (isRecord(v.classifierTest) && typeof v.classifierTest.auc === 'number' && Array.isArray(v.classifierTest.ci95))) &&
    isRecord(v.errorControl)
  );
}

/** Messages from the Compare Datasets webview (untrusted). */
export function isCompareWebviewToHost(v: unknown): v is CompareWebviewToHost {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case 'ready':
    case 'cancel':
    case 'rerun':
    case 'swap':
      return true;
    case 'compareRendered':
      return isShortStrings(v.charts) && isId(v.rows);
    default:
      return false;
  }
}

/** Messages to the Compare Datasets webview (checked there too: the webview trusts nothing it did not check). */
export function isHostToCompareWebview(v: unknown): v is HostToCompareWebview {
  if (!isRecord(v) || !isString(v.title)) return false;
  switch (v.type) {
    case 'compareRunning':
      return isString(v.message);
    case 'compareResult':
      return isCompareReport(v.report) && isRecord(v.charts);
    case 'compareFailed':
      return isString(v.message) && typeof v.cancelled === 'boolean';
    default:
      return false;
  }
}

/**
 * The analyse use case: read a dataset, describe every column, and for a labelled table say how learnable the label
 * is, which features carry it and what is wrong with the data. The CLI and the worker both call this; each analysis
 * returns its own section and this file only assembles the report.
 */
import type { CancelSignal } from '../cancel';
import type { ColumnType, Dataset, LabelSpec, LabelTask, LoadOptions } from '../dataset';
import { hasNumericMeaning, selectFeatures } from '../dataset';
import { excludeFeatures } from '../exclude';
import type { Compression } from '../io/compressedCsv';
import { readCsvDecompressed } from '../io/csv';
import { compressionOf, decompressedCopy, loadDataset } from '../io/load';
import { streamArrow } from '../stream/streamArrow';
import { createRng, DEFAULT_SEED } from '../random';
import { REPORT_SCHEMA } from '../report';
import type { CorrelationReport, DatasetInfo, FeatureReport, LabelInfo, Report } from '../report';
import type { AnalysisStatus } from '../status';
import { correlationMatrix } from '../stats/correlation';
import { knownColumn } from '../stats/correlation';
import type { ColumnMoments, KnownColumn } from '../stats/correlation';
import { pca } from '../stats/pca';
import { profileDatasetRanked } from '../stats/profile';
import { binarisation } from '../binarise';
import { speculateOracle, testXorConjecture } from '../hypothesis/conjecture';
import { startRelevance } from '../relevance/analyseRelevance';
import type { RelevanceAnalysisInput } from '../relevance/analyseRelevance';
import { analyseSparsity } from '../sparsity/sparsity';
import type { SparsityOptions } from '../sparsity/sparsity';
import { startAlerts } from '../alerts/alerts';
import { startRowHashes } from '../alerts/rowHash';
import { sampleDataset } from '../sample';
import { inlineRunner } from '../parallel/runner';
import type { TaskRunner } from '../parallel/runner';
import { sharedFloat32 } from '../typed';
import { ENGINE_VERSION } from '../version';
import { DEFAULT_MEMORY_BUDGET_MB, mergeStreamed, planStreaming } from '../stream/analyseStreamed';
import { streamCsv } from '../stream/streamCsv';
import { streamParquet } from '../stream/streamParquet';
import { startEnergyMeter } from '../energy/meter';

export type AnalysisStage = 'load' | 'features' | 'correlation' | 'pca' | 'baselines' | 'relevance' | 'sparsity' | 'alerts';

export interface AnalyseOptions {
  /** Seed for every random choice (splits, folds, samples); the same seed gives the same report. */
  readonly seed?: number;
  readonly signal?: CancelSignal;
  /** Called as each stage starts; `fraction` is 0..1 within the stage. */
  readonly onProgress?: (stage: AnalysisStage, fraction: number, message: string) => void;
  /**
   * Run the L1 sparsity analysis over interaction terms (default true; it needs a label: L1 logistic regression for
   * two classes, the lasso for a numeric target, one-vs-rest for more classes).
   */
  readonly sparsity?: boolean;
  readonly sparsityOptions?: Omit<SparsityOptions, 'seed' | 'signal'>;
  /** Baselines and relevance (default true; they need a label). Off: a quick look at the columns only. */
  readonly relevance?: boolean;
  /** Analyse a seeded sample of at most this many rows (0 or absent: every row); the report says so. */
  readonly sampleRows?: number;
  /** Runs the model fits; a thread pool makes them faster and changes no result (default: this thread). */
  readonly runner?: TaskRunner;
  /** Work budget of the relevance's drop-column refits (see RelevanceAnalysisInput.conditionalBudget). */
  readonly conditionalBudget?: number;
}

/** Features missing in more than this share of rows sit the L1 interaction fit out (it needs complete rows). */
export const SPARSITY_MAX_MISSING = 0.5;

export interface AnalyseFileOptions extends AnalyseOptions {
  readonly label?: LabelSpec;
  /** `false` forces an unlabelled analysis even when a y/label/target/class column exists. */
  readonly detectLabel?: boolean;
  readonly columnTypes?: Readonly<Record<string, ColumnType>>;
  readonly task?: LabelTask;
  /** Features the user excluded: left out of every analysis, listed in the columns as "excluded by the user". */
  readonly exclude?: readonly string[];
  /** Grid carbon intensity for the report's energy section, gCO2eq/kWh (absent: the world average). */
  readonly carbonIntensity?: number;
  /**
   * Memory the analysis may plan for, MiB (default DEFAULT_MEMORY_BUDGET_MB): a CSV whose in-memory analysis would
   * need more is streamed — exact statistics over every row, the rest on a seeded sample — and the report says so.
   */
  readonly memoryBudgetMB?: number;
}

/** Read a dataset from disk and describe it: the whole `kryptonite analyse` job. */
export async function analyseFile(path: string, options: AnalyseFileOptions = {}): Promise<Report> {
  const started = performance.now();
  // The whole job, reading included (as timings.totalMs): RAPL, else this process's CPU time — its thread pool too.
  const meter = startEnergyMeter({ intensity: options.carbonIntensity });
  // A .csv.gz / .csv.zst is decompressed into a temporary file first, which is then read (or streamed, past the
  // memory budget) as the plain file would be, under the compressed file's name.
  const compression = await compressionOf(path);
  if (compression) options.onProgress?.('load', 0, `Decompressing ${path} (${compression})`);
  const copy = compression ? await decompressedCopy(path, compression, options.signal) : null;
  try {
    return await analyseOnDisk(path, copy?.path ?? path, compression, started, meter, options);
  } finally {
    await copy?.dispose();
  }
}

async function analyseOnDisk(
  path: string,
  diskPath: string,
  compression: Compression | null,
  started: number,
  meter: ReturnType<typeof startEnergyMeter>,
  options: AnalyseFileOptions,
): Promise<Report> {
  options.onProgress?.('load', 0, `Reading ${path}`);
  const seed = options.seed ?? DEFAULT_SEED;
  // How the file is read, streamed or whole (the pace and time left from the reading's own start).
  const read: LoadOptions = {
    runner: options.runner,
    onProgress: loadProgress(path, performance.now(), options.onProgress),
    label: options.label,
    detectLabel: options.detectLabel,
    columnTypes: options.columnTypes,
    task: options.task,
    signal: options.signal,
  };
  const plan = await planStreaming(diskPath, options.memoryBudgetMB ?? DEFAULT_MEMORY_BUDGET_MB, options.runner?.threads ?? 1);
  if (plan) {
    const sampleRows = options.sampleRows ? Math.min(options.sampleRows, plan.sampleRows) : plan.sampleRows;
    options.onProgress?.('load', 0, `Streaming ${path}: about ${Math.round(plan.inMemoryEstimateMB).toLocaleString('en-US')} MiB in memory would exceed the ${plan.budgetMB} MiB budget`);
    const streamed =
      plan.format === 'parquet'
        ? await streamParquet(path, { ...read, sampleRows, seed })
        : plan.format === 'arrow'
          ? await streamArrow(path, plan.expectedRows, { ...read, sampleRows, seed })
          : await streamCsv(path, plan.expectedRows, { ...read, sampleRows, seed }, diskPath);
    const typed = compression ? { ...streamed.sample, source: { ...streamed.sample.source, compression } } : streamed.sample;
    const sample = excludeFeatures(typed, options.exclude ?? []);
    const report = analyseDataset(sample, options, performance.now() - started);
    return { ...mergeStreamed(report, streamed, { ...plan, sampleRows }, seed), energy: meter.stop() };
  }
  const loaded = compression ? await readCsvDecompressed(diskPath, path, compression, read) : await loadDataset(path, read);
  // The CSV parser's staging memory, on every thread that read.
  runnerOf(options).releaseMemory();
  const kept = excludeFeatures(loaded, options.exclude ?? []);
  const dataset = options.sampleRows ? sampleDataset(kept, options.sampleRows, seed) : kept;
  const loadMs = performance.now() - started;
  const report = analyseDataset(dataset, options, loadMs);
  return { ...report, energy: meter.stop() };
}

function runnerOf(options: AnalyseOptions): TaskRunner {
  return options.runner ?? inlineRunner;
}

/** Describe a dataset already in memory. Pure: the same dataset and seed give the same report (bar timings). */
export function analyseDataset(input: Dataset, options: AnalyseOptions = {}, loadMs = 0): Report {
  // The pool's threads read the columns in place: a reader that did not load them onto a SharedArrayBuffer (the CSV
  // reader does) has them copied there once, rather than cloned into every thread at every pass.
  const dataset = options.runner && options.runner.threads > 1 ? { ...input, columns: input.columns.map(sharedFloat32) } : input;
  const seed = options.seed ?? DEFAULT_SEED;
  const signal = options.signal;
  const analyses: AnalysisStatus[] = [];
  const t0 = performance.now();
  const p = dataset.columns.length;
  // With a two-class label whose marginal tests will run, each numeric feature's sort also gives its rank sums.
  const relevanceWanted = dataset.label !== null && options.relevance !== false;
  // The alerts' row hashes need only the columns: handed out first, the threads hash in the gaps of every later batch
  // (a thread serves the newest batch first), and the alerts collect what is left at the end.
  const rowHashes = dataset.rows >= 2 && p > 0 ? startRowHashes(dataset.columns, dataset.rows, options.runner, signal) : undefined;
  const { profiles, ranks } = profileDatasetRanked(dataset, relevanceWanted, signal, (j) => options.onProgress?.('features', j / p, `Describing ${dataset.names[j]} (${j + 1}/${p})`), options.runner);
  analyses.push({ id: 'profile', status: 'done', note: null });
  const t1 = performance.now();

  // Correlation and PCA need an order: numbers, booleans, integer codes and two-level texts, not codes of text levels.
  const ordered = profiles.map((_, j) => j).filter((j) => hasNumericMeaning(dataset, j));
  const numericView = ordered.length === p ? dataset : selectFeatures(dataset, ordered);
  signal?.throwIfAborted();
  options.onProgress?.('correlation', 0, 'Correlation matrix');
  const moments: ColumnMoments = { means: [], squares: [], anyMissing: [] };
  const known = ordered.map((j) => knownColumn(profiles[j].stats));
  const correlation = correlate(numericView, p - ordered.length > 0 ? profiles.filter((_, j) => !ordered.includes(j)).map((f) => f.name) : [], signal, options.runner, moments, known);
  analyses.push({ id: 'correlation', status: 'done', note: correlation.excludedNote });
  const t2 = performance.now();

  signal?.throwIfAborted();
  options.onProgress?.('pca', 0, 'Principal components');
  const label = dataset.label;
  const pcaResult = pca(numericView.columns, numericView.names, {
    labels: label && label.task !== 'regression' ? label.values : null,
    rng: createRng(seed),
    correlation: correlation.matrix,
    moments,
  });
  analyses.push(pcaResult ? { id: 'pca', status: 'done', note: null } : { id: 'pca', status: 'skipped', note: 'fewer than three rows have every feature present' });
  const t3 = performance.now();
  // The sorts' and the cross sums' kernel memories (on every thread) are not read again: the later stages' peak is
  // lower without them, and a stage that does sort again makes its own.
  runnerOf(options).releaseMemory();

  // The alerts' row hashes and leak checks need only the columns: the threads start them now and fill the gaps of
  // the work below (they serve the newest batch first, so every later batch overtakes these).
  signal?.throwIfAborted();
  const finishAlerts = startAlerts({ dataset, profiles, correlation, runner: options.runner, signal, rowHashes });

  // The baselines' model fits start now, on the runner's threads when it has them; the L1 interaction analysis runs
  // meanwhile in this thread, and the relevance analysis, which weighs its verdicts, finishes after both.
  const finishRelevance = relevanceWanted
    ? startRelevance({ dataset, profiles, ranks, seed, signal, runner: options.runner, correlation, conditionalBudget: options.conditionalBudget, onProgress: (stage, fraction, message) => options.onProgress?.(stage, fraction, message) })
    : null;
  let sparsitySection: Pick<Report, 'sparsity' | 'hypotheses' | 'conjectures'> = {};
  let parityInput: RelevanceAnalysisInput['parity'] = null;
  const wantSparsity = options.sparsity !== false;
  if (!label) {
    analyses.push({ id: 'sparsity', status: 'skipped', note: 'no label' });
  } else if (!wantSparsity) {
    analyses.push({ id: 'sparsity', status: 'skipped', note: 'turned off (--no-sparsity or the kryptonite.sparsity setting)' });
  } else if (label.task !== 'regression' && label.classes.length < 2) {
    // The section is still written, skipped with its reason, so every reader sees why there is no interaction model.
    const { report: sparsity } = analyseSparsity(numericView, ordered.map((j) => profiles[j]), { ...options.sparsityOptions, seed, signal });
    sparsitySection = { sparsity };
    analyses.push({ id: 'sparsity', status: 'skipped', note: sparsity.reason });
  } else {
    // Two classes: L1 logistic regression; a numeric target: the lasso; more classes: one-vs-rest. Same terms.
    signal?.throwIfAborted();
    options.onProgress?.(
      'sparsity',
      0,
      label.task === 'regression'
        ? 'L1 coefficient sparsity over interaction terms (lasso)'
        : label.classes.length > 2
          ? 'L1 coefficient sparsity over interaction terms (one-vs-rest)'
          : 'L1 coefficient sparsity over interaction terms',
    );
    // The interaction fit needs rows with every feature present: a feature missing in most rows would take the
    // rows with it, so it sits this analysis out (said in its note) and the others keep their rows.
    const sparseFeatures = ordered.filter((j) => profiles[j].stats.missing <= SPARSITY_MAX_MISSING * dataset.rows);
    const leftOut = ordered.filter((j) => !sparseFeatures.includes(j)).map((j) => dataset.names[j]);
    const sparse = sparseFeatures.length === p ? dataset : selectFeatures(dataset, sparseFeatures);
    const { report: sparsity, model } = analyseSparsity(sparse, sparseFeatures.map((j) => profiles[j]), { ...options.sparsityOptions, seed, signal, runner: options.runner });
    parityInput = { sparsity, model, features: sparseFeatures };
    const notes = [...sparsity.approximations];
    if (leftOut.length > 0) notes.push(`left out of the interaction fit, missing in more than half the rows: ${leftOut.join(', ')}`);
    analyses.push(
      sparsity.status === 'done'
        ? { id: 'sparsity', status: 'done', note: notes.length > 0 ? notes.join('; ') : null }
        : { id: 'sparsity', status: 'skipped', note: sparsity.reason },
    );
    sparsitySection = { sparsity };
  }
  // The L1 gradient's term matrix (on every thread) is not read again.
  runnerOf(options).releaseMemory();
  const t4 = performance.now();

  // The XOR conjecture's oracle fit is the longest single task at the end of the analysis; it needs the relevant
  // set, which the relevance analysis decides below. A thread starts it now on the dominant L1 term's features, the
  // usual answer: if relevance agrees, that fit is the one the conjecture would make (the same features in the same
  // order, the same split); if not, the conjecture starts its own, and this one is collected and dropped at the end.
  const speculative = finishRelevance ? speculateOracle(dataset, sparsitySection.sparsity, parityInput, options.runner, signal) : null;

  let features: FeatureReport[] = profiles;
  let labelSections: Pick<Report, 'baselines' | 'baselineReading' | 'relevance'> = {};
  let baselinesMs: number | undefined;
  let relevanceMs: number | undefined;
  // The data-quality checks run here, in this thread, while a thread fits the speculative oracle above: the conjecture
  // below would otherwise wait for that fit.
  signal?.throwIfAborted();
  options.onProgress?.('alerts', 0, 'Data-quality checks');
  const alerts = finishAlerts();
  if (label && finishRelevance) {
    const result = finishRelevance(parityInput);
    features = profiles.map((f, j) => ({ ...f, relevance: result.features[j].relevance, relevanceEvidence: result.features[j].evidence }));
    labelSections = { baselines: result.baselines, baselineReading: result.baselineReading, relevance: result.summary };
    analyses.push(...result.analyses);
    baselinesMs = result.timings.baselinesMs;
    relevanceMs = result.timings.relevanceMs;
    if (sparsitySection.sparsity && parityInput?.model && parityInput.model.loss !== 'logistic') {
      // The XOR conjecture is a rule for a two-class label; a numeric target or more classes have their terms only.
      analyses.push({ id: 'hypotheses', status: 'skipped', note: 'the XOR conjecture is tested for two-class labels only; the interaction terms are in the sparsity section' });
    } else if (sparsitySection.sparsity && parityInput?.model) {
      // The XOR conjecture over the features relevance found (in the numeric view's positions).
      const used = parityInput.features;
      const relevant = used.filter((j) => result.features[j].relevance === 'relevant').map((j) => used.indexOf(j));
      const sparse = used.length === p ? dataset : selectFeatures(dataset, used);
      const bins = used.map((j) => binarisation(profiles[j].modes, profiles[j].stats, profiles[j].values));
      signal?.throwIfAborted();
      const complete = used.map((j) => profiles[j].stats.missing === 0);
      const conjecture = testXorConjecture(sparse, relevant, sparsitySection.sparsity, parityInput.model, bins, options.runner, signal, speculative, complete);
      sparsitySection = { ...sparsitySection, hypotheses: conjecture.hypotheses, conjectures: { rejected: conjecture.rejected, oracle: conjecture.oracle } };
      analyses.push({ id: 'hypotheses', status: 'done', note: null });
    } else {
      analyses.push({ id: 'hypotheses', status: 'skipped', note: 'the XOR conjecture is tested on the L1 interaction model, which did not run' });
    }
  } else {
    const why = !label ? 'no label' : 'turned off';
    analyses.push({ id: 'baselines', status: 'skipped', note: why }, { id: 'relevance', status: 'skipped', note: why }, { id: 'hypotheses', status: 'skipped', note: why });
  }

  // A wrong guess's fit still holds its batch: collect it (it has long been running) and let it go.
  if (speculative && !speculative.used()) speculative.collect();
  analyses.push({ id: 'alerts', status: 'done', note: null });
  const t6 = performance.now();

  return {
    schema: REPORT_SCHEMA,
    generator: { name: 'kryptonite', version: ENGINE_VERSION },
    dataset: datasetInfo(dataset),
    features,
    correlation,
    pca: pcaResult,
    ...labelSections,
    ...sparsitySection,
    alerts,
    analyses,
    warnings: [...dataset.warnings],
    settings: { seed, threads: options.runner?.threads ?? 1 },
    timings: {
      loadMs: round(loadMs),
      statsMs: round(t1 - t0),
      correlationMs: round(t2 - t1),
      pcaMs: round(t3 - t2),
      ...(baselinesMs !== undefined ? { baselinesMs: round(baselinesMs) } : {}),
      ...(relevanceMs !== undefined ? { relevanceMs: round(relevanceMs) } : {}),
      ...(sparsitySection.sparsity ? { sparsityMs: round(t4 - t3) } : {}),
      totalMs: round(loadMs + t6 - t0),
    },
  };
}

function correlate(dataset: Dataset, unordered: readonly string[], signal?: CancelSignal, runner?: TaskRunner, moments?: ColumnMoments, known?: readonly (KnownColumn | null)[]): CorrelationReport {
  const label = dataset.label;
  const excludedNote =
    unordered.length > 0
      ? `${unordered.length} categorical feature${unordered.length === 1 ? '' : 's'} with text levels left out (levels have no order): ${unordered.slice(0, 8).join(', ')}${unordered.length > 8 ? ', …' : ''}`
      : null;
  if (label && label.task === 'binary' && label.classes.length === 2) {
    // A two-class label as a 0/1 column gives the point-biserial correlation, comparable with pandas' corr() on y.
    const y = new Float32Array(label.values.length);
    for (let i = 0; i < y.length; i++) y[i] = label.values[i] < 0 ? NaN : label.values[i];
    const m = correlationMatrix([...dataset.columns, y], [...dataset.names, label.name], signal, runner, moments, known);
    return { ...m, label: label.name, labelNote: null, excludedNote };
  }
  if (label && label.task === 'regression' && label.target) {
    const y = Float32Array.from(label.target);
    const m = correlationMatrix([...dataset.columns, y], [...dataset.names, label.name], signal, runner, moments, known);
    return { ...m, label: label.name, labelNote: null, excludedNote };
  }
  const m = correlationMatrix(dataset.columns, dataset.names, signal, runner, moments, known);
  const labelNote = label
    ? `label "${label.name}" has ${label.classes.length} classes; class codes are not an ordered quantity, so it is not correlated`
    : null;
  return { ...m, label: null, labelNote, excludedNote };
}

function datasetInfo(dataset: Dataset): DatasetInfo {
  return {
    path: dataset.path,
    files: [...dataset.files],
    format: dataset.format,
    bytes: dataset.source.bytes,
    parser: dataset.source.parser,
    ...(dataset.source.compression ? { compression: dataset.source.compression } : {}),
    delimiter: dataset.source.delimiter ?? null,
    hasHeader: dataset.source.hasHeader ?? null,
    rows: dataset.rows,
    featureCount: dataset.columns.length,
    columns: [...dataset.columnInfo],
    excludedColumns: [...(dataset.source.excludedColumns ?? [])],
    label: labelInfo(dataset),
  };
}

function labelInfo(dataset: Dataset): LabelInfo | null {
  const label = dataset.label;
  if (!label) return null;
  let target: LabelInfo['target'] = null;
  if (label.target) {
    let n = 0;
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    const seen = new Set<number>();
    for (const v of label.target) {
      if (!Number.isFinite(v)) continue;
      n++;
      sum += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (seen.size <= 100_000) seen.add(v);
    }
    const mean = n > 0 ? sum / n : NaN;
    let ss = 0;
    for (const v of label.target) if (Number.isFinite(v)) ss += (v - mean) ** 2;
    target = { count: n, mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN, min: lo, max: hi, distinct: seen.size };
  }
  return {
    name: label.name,
    kind: label.kind,
    task: label.task,
    taskEvidence: label.taskEvidence,
    taskOverridden: label.taskOverridden,
    classes: label.classes.map((value, index) => ({ index, value, count: label.counts[index] })),
    missing: label.missing,
    target,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** At most one load-progress line per this many ms: the rate and the ETA need a little history, and a line is a message. */
const LOAD_PROGRESS_MS = 250;

/**
 * Reading progress as the user sees it on a big file: the share read, rows so far, rows per second and the time left
 * at that rate (`Reading big.csv: 4,200,000 rows, 38 % (1.9 M rows/s, about 4 s left)`). Nothing for the first
 * LOAD_PROGRESS_MS: a small file is read before a rate means anything.
 */
/** The share read below which reading progress gives no time left (see loadProgress). */
const MIN_ETA_FRACTION = 0.05;

export function loadProgress(
  path: string,
  started: number,
  onProgress: AnalyseOptions['onProgress'],
  now: () => number = () => performance.now(),
): ((fraction: number, rows: number) => void) | undefined {
  if (!onProgress) return undefined;
  const name = path.split(/[\\/]/).pop() ?? path;
  let last = started;
  return (fraction, rows) => {
    const t = now();
    if (t - last < LOAD_PROGRESS_MS || !(fraction > 0)) return;
    last = t;
    const seconds = (t - started) / 1000;
    const rate = rows / Math.max(1e-3, seconds);
    const left = (seconds * (1 - fraction)) / fraction;
    const rateText = rate >= 1e6 ? `${(rate / 1e6).toFixed(1)} M rows/s` : `${Math.round(rate).toLocaleString('en-US')} rows/s`;
    // Below a few per cent the pace is mostly start-up (threads loading, a first chunk in flight), and the time left
    // extrapolated from it was off by orders of magnitude ("about 1178 s left" for a read of 1 s): none is given yet.
    const eta = fraction < MIN_ETA_FRACTION ? 'time left not known yet' : `about ${left < 1 ? 'a second' : `${Math.ceil(left)} s`} left`;
    onProgress('load', fraction, `Reading ${name}: ${rows.toLocaleString('en-US')} rows, ${Math.round(100 * fraction)} % (${rateText}, ${eta})`);
  };
}

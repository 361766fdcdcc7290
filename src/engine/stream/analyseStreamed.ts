/**
 * The analysis of a CSV, Parquet or Arrow file bigger than the memory budget: one streaming pass (streamCsv.ts,
 * streamParquet.ts, streamArrow.ts) gives exact statistics
 * over every row and a seeded uniform sample; the usual analysis runs on the sample; then the numbers that were
 * computed exactly replace the sample's, and the report's `scale` section says which numbers are which.
 */
import { open, stat } from 'node:fs/promises';
import { makeWarning } from '../errors';
import type { DatasetWarning } from '../errors';
import type { Report, ScaleReport } from '../report';
import { coMomentCorrelation, momentsSummary } from '../stats/mergeableMoments';
import { STREAM_CHUNK_ROWS } from './streamCsv';
import type { StreamedTable } from './streamCsv';
import { parquetShape, STREAM_GROUP_MAX_BYTES } from './streamParquet';
import { arrowShape } from './streamArrow';

/**
 * Peak memory (RSS) of an analysis, in MiB: the process with its first V8 isolate (PROCESS_MB); per pool thread an
 * isolate and its copies of the fold contexts, which grow with the features (PER_THREAD_MB + PER_THREAD_FEATURE_MB a
 * field, at most a quarter of the table); a multiple of the float32 table (the columns, the trees' bins, the L1
 * stage's binarised bits and term store, sorted copies); some bytes a row (the label, folds, row hashes,
 * predictions); and some a column (its profile and histograms, the L1 stage's screen of pairs).
 *
 * Calibrated on the full analysis of generated tables on this project's 2-core machine — 36,000 × 19 to
 * 1,000,000 × 51, 1,000,000 × 11 and 100,000 × 201, on 1, 2 and 4 threads, measured peaks 108–912 MiB
 * (`KRYPTONITE_BENCH_ONLY=memory npm run bench` prints each beside its estimate). A run's peak varies by about 5 %
 * from run to run (100,000 × 201 on 2 threads: 489–516 MiB), so this is an estimate, not a bound; the narrowest
 * margins over three runs were 4–7 %. It keeps the 1,000,000 × 51 table within the default budget on up to 4 threads
 * (an estimate of 1,018 MiB, measured 797–912). The old estimate, 3 × the table, was below every measured peak
 * (584 MiB against 714–772 for 1,000,000 × 51 on 2 threads; 146 against 330–378 for 250,000 × 51), so a budget
 * between the two was not kept.
 */
export const PROCESS_MB = 128;
export const PER_THREAD_MB = 64;
export const PER_THREAD_FEATURE_MB = 0.1;
export const TABLE_FACTOR = 2.8;
export const ROW_BYTES = 64;
export const FIELD_MB = 0.15;
/** The streaming pass's buffers: a chunk being parsed and the two copies the threads sum co-moments from. */
const CHUNK_COPIES = 3;
/** The default memory budget, MiB: a table needing more is streamed. */
export const DEFAULT_MEMORY_BUDGET_MB = 1024;
/**
 * The sample's size: the budget's half at 12 bytes a value (this rule predates the calibrated estimate above and is
 * kept, so that a budget gives the same sample, and so the same report, as before).
 */
const SAMPLE_BYTES_PER_VALUE = 12;
/** At most this many sampled rows, whatever the budget: the row-level analyses take seconds per million rows. */
export const MAX_STREAM_SAMPLE_ROWS = 500_000;
/** The quantile bound holds for every feature at once with this probability. */
const SKETCH_CONFIDENCE = 0.99;
const HEAD_BYTES = 1 << 20;

export interface StreamPlan {
  /** How the file is streamed: a delimited text file, Parquet (by row slices) or Arrow (by record batches). */
  readonly format: 'csv' | 'parquet' | 'arrow';
  readonly expectedRows: number;
  readonly fields: number;
  readonly inMemoryEstimateMB: number;
  readonly budgetMB: number;
  readonly sampleRows: number;
  /** Threads the plan was made for (the estimates count them). */
  readonly threads: number;
  /** Arrow: a record batch's bytes as decoded (apache-arrow reads a batch whole), from the first batch. */
  readonly batchBytes?: number;
}

/**
 * Estimated peak memory, MiB, of the analysis of `rows` × `fields` float32 values on `threads` threads. More threads
 * need more memory, so a budget between two thread counts' estimates streams on the one and not on the other: the
 * report's scale section gives the estimate it was planned on.
 */
export function analysisEstimateMB(rows: number, fields: number, threads: number): number {
  const t = Math.max(1, threads);
  const tableMB = (rows * fields * 4) / (1024 * 1024);
  // A thread's copies are of the table's columns: never more than a quarter of it however many the fields.
  const perThread = PER_THREAD_MB + Math.min(PER_THREAD_FEATURE_MB * fields, tableMB / 4);
  return PROCESS_MB + FIELD_MB * fields + t * perThread + TABLE_FACTOR * tableMB + (ROW_BYTES * rows) / (1024 * 1024);
}

/**
 * Whether a file must be streamed under `budgetMB` on `threads` threads: a plain delimited text file whose estimated
 * in-memory analysis (analysisEstimateMB, its rows from the first MiB's line lengths) exceeds the budget. Null: read it
 * whole. A Parquet file is planned from its footer's row and column counts. Compressed CSV, Arrow and NumPy files are
 * read whole (said in the README).
 */
export async function planStreaming(path: string, budgetMB: number, threads = 1): Promise<StreamPlan | null> {
  const parquet = await isParquet(path);
  if (!parquet && (await isArrow(path))) {
    // Rows estimated from the record batches (arrowShape); a file the reader cannot open is left to it to report.
    let shape: { rows: number; fields: number; batchBytes: number };
    try {
      shape = await arrowShape(path);
    } catch {
      return null;
    }
    const streamed = plan('arrow', shape.rows, shape.fields, budgetMB, threads);
    return streamed && { ...streamed, batchBytes: shape.batchBytes };
  }
  if (!parquet && !/\.(csv|tsv|tab|txt)$/i.test(path)) return null;
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return null;
  }
  if (parquet) {
    // The footer says the rows and columns exactly; a file it cannot describe is left to the reader to report.
    let shape: { rows: number; fields: number };
    try {
      shape = await parquetShape(path);
    } catch {
      return null;
    }
    return plan('parquet', shape.rows, shape.fields, budgetMB, threads);
  }
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const text = head.toString('latin1');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 3) return null;
  const delimiter = [',', '\t', ';', '|'].sort((a, b) => lines[1].split(b).length - lines[1].split(a).length)[0];
  const fields = lines[1].split(delimiter).length;
  const bytesPerRow = (head.length - lines[0].length) / Math.max(1, lines.length - 1);
  const expectedRows = Math.ceil(size / Math.max(1, bytesPerRow));
  return plan('csv', expectedRows, fields, budgetMB, threads);
}

function plan(format: StreamPlan['format'], expectedRows: number, fields: number, budgetMB: number, threads: number): StreamPlan | null {
  const inMemoryEstimateMB = analysisEstimateMB(expectedRows, fields, threads);
  if (inMemoryEstimateMB <= budgetMB) return null;
  // The sample: as many rows as half the budget holds at SAMPLE_BYTES_PER_VALUE bytes a value, within bounds.
  const sampleRows = Math.max(10_000, Math.min(MAX_STREAM_SAMPLE_ROWS, Math.floor((budgetMB * 1024 * 1024) / (Math.max(1, fields) * SAMPLE_BYTES_PER_VALUE * 2))));
  return { format, expectedRows, fields, inMemoryEstimateMB, budgetMB, sampleRows, threads };
}

/**
 * The streamed analysis's own peak, estimated like the in-memory one: the sample's analysis (with the plan's sample
 * size, which a caller may have lowered) and the pass's buffers.
 */
export function streamedEstimateMB(plan: StreamPlan): number {
  const whole = plan.format === 'parquet' ? STREAM_GROUP_MAX_BYTES : plan.format === 'arrow' ? (plan.batchBytes ?? 0) : 0;
  const buffers = (CHUNK_COPIES * STREAM_CHUNK_ROWS * plan.fields * 4 + whole) / (1024 * 1024);
  return analysisEstimateMB(plan.sampleRows, plan.fields, plan.threads) + buffers;
}

/** Parquet by its magic bytes ("PAR1"), whatever the name. */
/** An Arrow IPC file (magic ARROW1) or, by its name, an IPC stream (which has no magic). */
async function isArrow(path: string): Promise<boolean> {
  return /\.(?:arrow|feather|ipc|arrows)$/i.test(path) || (await startsWith(path, 'ARROW1'));
}

async function isParquet(path: string): Promise<boolean> {
  return startsWith(path, 'PAR1');
}

/** Whether the file's first bytes are `magic` (false for a file that cannot be opened). */
async function startsWith(path: string, magic: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(magic.length);
    const { bytesRead } = await handle.read(head, 0, magic.length, 0);
    return bytesRead === magic.length && head.toString('latin1') === magic;
  } finally {
    await handle.close();
  }
}

/** The sample's report with the exact numbers put in, and the `scale` section. */
export function mergeStreamed(report: Report, streamed: StreamedTable, plan: StreamPlan, seed: number): Report {
  const streamedMB = streamedEstimateMB(plan);
  const byName = new Map(streamed.columns.map((c, j) => [c.name, j]));
  const numeric = (name: string): number | undefined => {
    const f = report.features.find((x) => x.name === name);
    return f && f.type === 'numeric' && f.derivedFrom === undefined ? byName.get(name) : undefined;
  };
  const features = report.features.map((f) => {
    const j = numeric(f.name);
    if (j === undefined) return f;
    const m = streamed.columns[j].moments;
    const s = momentsSummary(m);
    return { ...f, stats: { ...f.stats, count: m.n, missing: m.missing, mean: s.mean, sd: s.sd, min: m.n > 0 ? m.min : null, max: m.n > 0 ? m.max : null, skewness: s.skewness, kurtosis: s.kurtosis } };
  });
  const exactFeatures = features.filter((f) => numeric(f.name) !== undefined).length;

  // The correlation matrix: streamed co-moments for numeric features (and a numeric label), the sample's elsewhere.
  const labelName = report.dataset.label?.name ?? null;
  const labelIndex = streamed.columns.length;
  const task = report.dataset.label?.task ?? null;
  const streamedIndex = (name: string): number | undefined =>
    name === labelName ? (streamed.labelNumeric && (task === 'regression' || task === 'binary') ? labelIndex : undefined) : numeric(name);
  const constant = (k: number): boolean => {
    const m = k === labelIndex ? streamed.target : streamed.columns[k].moments;
    return !m || !(m.max > m.min);
  };
  const names = report.correlation.names;
  const matrix = report.correlation.matrix.map((row, a) =>
    row.map((r, b) => {
      const i = streamedIndex(names[a]);
      const j = streamedIndex(names[b]);
      if (i === undefined || j === undefined) return r;
      return constant(i) || constant(j) ? null : coMomentCorrelation(streamed.coMoments, i, j);
    }),
  );

  // The label: exact class counts (matched by value), or the target's moments.
  let label = report.dataset.label;
  if (label && streamed.labelCounts) {
    const counts = streamed.labelCounts;
    const byNumber = new Map<number, number>();
    if (streamed.labelNumeric) for (const [text, c] of counts) byNumber.set(Number(text), (byNumber.get(Number(text)) ?? 0) + c);
    const countOf = (value: string): number | undefined => (streamed.labelNumeric ? byNumber.get(Number(value)) : counts.get(value));
    const classes = label.classes.map((c) => ({ ...c, count: countOf(c.value) ?? c.count }));
    const t = streamed.target;
    const summary = t ? momentsSummary(t) : null;
    const target = label.target && t && summary ? { ...label.target, count: t.n, mean: summary.mean ?? NaN, sd: summary.sd ?? NaN, min: t.min, max: t.max } : label.target;
    label = { ...label, classes, missing: streamed.labelMissing, target };
  }

  const m = Math.max(1, exactFeatures);
  const n = report.dataset.rows;
  const rankError = Math.sqrt(Math.log((2 * m) / (1 - SKETCH_CONFIDENCE)) / (2 * Math.max(1, n)));
  const scale: ScaleReport = {
    mode: 'streamed',
    memoryBudgetMB: plan.budgetMB,
    inMemoryEstimateMB: Math.round(plan.inMemoryEstimateMB),
    streamedEstimateMB: Math.round(streamedMB),
    rows: streamed.rows,
    chunks: streamed.chunks,
    chunkRows: streamed.chunkRows,
    sample: { rows: n, rate: streamed.sampleRate, seed },
    exact: [
      'the row count',
      `count, missing, mean, sd, min, max, skewness and kurtosis of the ${exactFeatures} numeric feature(s)`,
      'the correlation matrix of the numeric features (pairwise-complete Pearson)' + (streamed.labelNumeric && (task === 'regression' || task === 'binary') ? ', the label included' : ''),
      ...(label ? [task === 'regression' ? "the target's count, mean, sd, min and max" : 'the class counts of the label and its missing cells'] : []),
    ],
    sketched: { what: ['quantiles', 'histograms', 'peaks and shape classes', 'distinct values'], rankError, confidence: SKETCH_CONFIDENCE },
    sampled: ['categorical and derived features', 'PCA', ...(label ? ['baselines', 'relevance', 'the L1 sparsity analysis and hypotheses'] : []), 'data-quality alerts'],
  };
  const note = `streamed: ${fmtInt(streamed.rows)} rows read in ${streamed.chunks} chunk(s) under a ${plan.budgetMB} MiB budget; exact moments for ${exactFeatures} numeric feature(s), quantiles and shapes from a seeded sample of ${fmtInt(n)} rows (rank error ≤ ${rankError.toFixed(4)} at ${100 * SKETCH_CONFIDENCE} %)`;
  return {
    ...report,
    dataset: { ...report.dataset, rows: streamed.rows, label },
    features,
    correlation: { ...report.correlation, matrix },
    analyses: report.analyses.map((a) =>
      a.id === 'profile'
        ? { ...a, note }
        : a.id === 'correlation' || a.status === 'skipped'
          ? a
          : { ...a, note: [a.note, `on the seeded sample of ${fmtInt(n)} of ${fmtInt(streamed.rows)} rows`].filter((x) => x).join('; ') },
    ),
    warnings: streamedMB > plan.budgetMB ? [...report.warnings, overBudget(report.dataset.path, plan.budgetMB, streamedMB, n)] : report.warnings,
    scale,
  };
}

/** The warning that a budget was too small for even the streamed analysis: it ran, and may have used more. */
function overBudget(file: string, budgetMB: number, estimateMB: number, sampleRows: number): DatasetWarning {
  return makeWarning(
    'memoryBudget',
    `the memory budget of ${fmtInt(budgetMB)} MiB is below what even the streamed analysis needs, an estimated ${fmtInt(Math.round(estimateMB))} MiB ` +
      `(the process and its threads, the streaming buffers, the analysis of the ${fmtInt(sampleRows)}-row sample): it ran, and may have used more than the budget`,
    { file },
  );
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

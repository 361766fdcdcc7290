/**
 * From a filled column sink to a Dataset: column typing (with the number profiles from the pool for a big table),
 * exclusions, warnings and the label. Every reader ends here — the CSV paths (csv.ts, csvParallel.ts, the streamed
 * sample) and the columnar ones (columnar.ts: Parquet, Arrow) — so a table gets the same columns whatever its format.
 */
import type { CancelSignal } from '../cancel';
import type { ColumnInfo, Dataset, DatasetFormat, DatasetSource, Label, LoadOptions } from '../dataset';
import { DatasetError, makeWarning } from '../errors';
import type { DatasetWarning } from '../errors';
import type { TaskRunner } from '../parallel/runner';
import { featureFields, typeColumns } from './columnTypes';
import type { RawColumn } from './columnTypes';
import { columnArray } from './csvFast';
import type { ColumnSink } from './csvFast';
import type { NumericProfile } from './numericColumns';

export interface FinishContext {
  readonly file: string;
  /** Default 'csv'; the columnar readers (columnar.ts) share this finish. */
  readonly format?: DatasetFormat;
  readonly size: number;
  readonly names: readonly string[];
  readonly hasHeader: boolean;
  readonly delimiter: string;
  readonly parser: DatasetSource['parser'];
  readonly warnings: DatasetWarning[];
}

/**
 * The number profiles typing reads (finite count, integers, distinct values, row numbers), column by column on the
 * runner's threads for a big table whose columns sit in shared memory; else none (typing computes them itself).
 * Handed out at once: the returned function collects them, and this thread builds the label meanwhile.
 */
function startNumberProfiles(raw: readonly RawColumn[], runner: TaskRunner | undefined, signal: CancelSignal | undefined): () => Map<Float32Array, NumericProfile> {
  const out = new Map<Float32Array, NumericProfile>();
  const rows = raw[0]?.numbers.length ?? 0;
  if (!runner || runner.threads < 2 || raw.length < 2 || rows < 65_536 || !raw.every((c) => c.numbers.buffer instanceof SharedArrayBuffer)) return () => out;
  const columns = raw.map((c) => c.numbers);
  const pending = runner.startKernel('numberProfile', { columns }, columns.map((_, column) => ({ column })), { signal, work: rows * columns.length * 4 });
  return () => {
    pending().forEach((p, k) => out.set(columns[k], p));
    return out;
  };
}

export function finish(ctx: FinishContext, sink: ColumnSink, options: LoadOptions): Dataset {
  const { file, names, warnings } = ctx;
  const rows = sink.rows;
  const k = sink.fieldCount;
  if (rows === 0) {
    throw ctx.hasHeader
      ? new DatasetError('headerOnly', 'file has a header row but no data rows', { file, row: 2, expected: 'data rows below the header' })
      : new DatasetError('emptyFile', 'file has no data rows', { file, expected: 'data rows' });
  }

  const ragged = sink.shortRows + sink.longRows;
  if (ragged > 0) {
    const against = ctx.hasHeader ? 'the header' : 'the first row';
    const found = `expected ${k} fields, found ${sink.firstRaggedFields}`;
    const hint =
      sink.longRows === rows && sink.firstRaggedFields === k + 1 && ctx.hasHeader
        ? ' (does the header lack a name for a leading row-name column?)'
        : '';
    if (ragged * 2 > rows) {
      throw new DatasetError('raggedRows', `${ragged} of ${rows} rows have a different number of fields than ${against}; first here: ${found}${hint}`, {
        file,
        row: sink.firstRaggedRow,
      });
    }
    warnings.push(
      makeWarning(
        'raggedRows',
        `${ragged} of ${rows} rows have a different number of fields than ${against}, first here: ${found}; ` +
          `${sink.shortRows} short row(s) padded with missing values, ${sink.longRows} long row(s) with extra fields ignored`,
        { file, row: sink.firstRaggedRow, count: ragged },
      ),
    );
  }

  const raw: RawColumn[] = [];
  for (let c = 0; c < k; c++) {
    if (c === sink.labelIndex) continue;
    const col = sink.columns[c] as Float32Array;
    raw.push({
      index: c,
      name: names[c],
      // A subarray keeps the whole preallocated buffer alive; copy only when the estimate was far off.
      numbers: col.length > rows * 1.25 + 16 ? trimmed(col, rows) : col.subarray(0, rows),
      text: sink.texts[c]?.finish() ?? null,
      empty: sink.empty[c],
      nonFinite: sink.nonFinite[c],
      padded: sink.padded[c],
      firstMissingRow: sink.firstMissingRow[c],
      firstText: sink.firstText[c],
    });
  }
  // The label is built while the threads profile the columns; a label error is raised after typing, as before the
  // two overlapped (a column's error, if any, still comes first).
  const profiles = startNumberProfiles(raw, options.runner, options.signal);
  let label: Label | null = null;
  let labelWarnings: readonly DatasetWarning[] = [];
  let labelError: { readonly error: unknown } | null = null;
  if (sink.labelIndex >= 0 && sink.label) {
    try {
      const build = sink.label.finish(names[sink.labelIndex], sink.labelIndex, rows, file, options.task, ctx.delimiter !== ',');
      label = build.label;
      labelWarnings = build.warnings;
    } catch (error) {
      labelError = { error };
    }
  }
  const typed = typeColumns(raw, rows, file, {
    overrides: options.columnTypes,
    decimalComma: ctx.delimiter !== ',',
    labelName: sink.labelIndex >= 0 ? names[sink.labelIndex] : undefined,
    profiles: profiles(),
  });
  if (labelError) throw labelError.error;
  warnings.push(...typed.warnings, ...labelWarnings);
  const info = [...typed.info];
  if (sink.labelIndex >= 0) {
    const labelInfo: ColumnInfo = {
      index: sink.labelIndex,
      name: names[sink.labelIndex],
      type: label ? (label.task === 'regression' ? 'numeric' : label.kind === 'string' ? 'categorical' : label.classes.length <= 2 ? 'binary' : 'categorical') : 'text',
      evidence: label ? `the label: ${label.task} (${label.taskEvidence})` : 'the label, unusable (see the warnings)',
      overridden: false,
      role: 'label',
      reason: null,
      missing: label?.missing ?? rows,
      markers: [],
    };
    info.splice(info.findIndex((c) => c.index > sink.labelIndex) < 0 ? info.length : info.findIndex((c) => c.index > sink.labelIndex), 0, labelInfo);
  }
  const excluded = info.filter((c) => c.role === 'excluded').map((c) => ({ index: c.index, name: c.name, reason: c.reason ?? c.type }));

  if (typed.features.length === 0) {
    const parts: string[] = [];
    if (sink.labelIndex >= 0) parts.push(`"${names[sink.labelIndex]}" is the label`);
    if (excluded.length > 0) parts.push(`excluded: ${excluded.map((e) => `"${e.name}" (${e.reason})`).join(', ')}`);
    throw new DatasetError('noNumericColumns', `no feature columns${parts.length ? ` (${parts.join('; ')})` : ''}`, {
      file,
      expected: 'at least one column besides the label that is not an identifier, a date or free text',
    });
  }

  // Structural missing cells (empty, NaN/Inf, padded) are worth one summary warning; NA-like markers are not.
  let empty = 0;
  let nonFinite = 0;
  let padded = 0;
  let firstRow = 0;
  let firstColumn = -1;
  for (const column of raw) {
    if (!typed.features.some((f) => f.sourceIndex === column.index && f.derivedFrom === null)) continue;
    const c = column.index;
    empty += sink.empty[c];
    nonFinite += sink.nonFinite[c];
    padded += sink.padded[c];
    const at = sink.firstMissingRow[c];
    if (at > 0 && (firstRow === 0 || at < firstRow)) {
      firstRow = at;
      firstColumn = c;
    }
  }
  const absent = empty + nonFinite + padded;
  if (absent > 0) {
    const parts = [`${empty} empty`, `${nonFinite} NaN/Inf`];
    if (padded > 0) parts.push(`${padded} padded in short rows`);
    warnings.push(
      makeWarning(
        empty + padded === 0 ? 'nonFiniteValues' : 'missingValues',
        `${absent} missing cell(s) read as missing across the features (${parts.join(', ')}); first here`,
        { file, row: firstRow, column: names[firstColumn], count: absent },
      ),
    );
  }
  if (rows === 1) {
    warnings.push(makeWarning('singleRow', 'only one data row; statistics need at least two', { file, expected: 'two or more data rows' }));
  }
  return {
    path: file,
    files: [file],
    format: ctx.format ?? 'csv',
    rows,
    ...featureFields(typed.features),
    label,
    columnInfo: info,
    warnings,
    source: { bytes: ctx.size, parser: ctx.parser, delimiter: ctx.delimiter, hasHeader: ctx.hasHeader, excludedColumns: excluded },
  };
}

/** The first `rows` values in storage of their own, shared as the original was (slice() would drop the sharing). */
function trimmed(col: Float32Array, rows: number): Float32Array {
  const out = columnArray(rows);
  out.set(col.subarray(0, rows));
  return out;
}

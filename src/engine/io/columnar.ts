/**
 * What the columnar readers (Parquet, Arrow IPC / Feather v2) share: their typed values are written into the same
 * ColumnSink the CSV paths fill, cell by cell with the CSV cell semantic, and finished by the same `finish`, so a
 * table gives the same column types, missing counts, label and warnings whichever format it was saved in.
 *
 *   null / undefined       → an empty cell (missing)
 *   number, bigint         → a number cell (Math.fround; NaN/±Inf or beyond float32 → missing, counted non-finite)
 *   string                 → trimmed and read exactly as a CSV cell ("3.5" is a number, "NA" a missing marker)
 *   boolean                → the text "true"/"false" (typed boolean, as a CSV's TRUE/FALSE column is)
 *   Date (date, timestamp) → ISO 8601 text in UTC, "2024-01-05" or "2024-01-05 10:30:00.250" (typed datetime)
 *
 * Nested columns (list, struct, map) and other types with no cell meaning are never read: they are listed among the
 * columns as excluded, with the reason, as identifier and free-text columns are.
 */
import type { ColumnInfo, Dataset, DatasetFormat, DatasetSource, LoadOptions } from '../dataset';
import { DatasetError, makeWarning } from '../errors';
import type { DatasetWarning } from '../errors';
import { headerNames } from './csv';
import { finish } from './finishTable';
import { ColumnSink } from './csvFast';
import { parseCell, trimCell } from './csvCells';
import { resolveLabelColumn } from './label';

/** One top-level column of the file. */
export interface ColumnarField {
  readonly name: string;
  /** Dates without a time print as "YYYY-MM-DD"; everything else by its runtime value. */
  readonly kind: 'value' | 'date';
  /** Why the column cannot be read (nested, binary, …), or null. Such a column is excluded with this reason. */
  readonly unsupported: string | null;
  /** The file's type of the column, for the exclusion's evidence (e.g. "list<int32>"). */
  readonly typeName: string;
}

export interface ColumnarMeta {
  readonly format: DatasetFormat;
  readonly parser: DatasetSource['parser'];
  readonly bytes: number;
}

/**
 * Collects the columns of a columnar file into a ColumnSink; chunks (row groups, record batches) arrive column by
 * column. A Parquet footer gives the row count, so its sink is allocated once at the exact size; an Arrow file's
 * batches are counted as they come, and the sink grows by ×1.5 as the CSV one does.
 */
export class ColumnarBuilder {
  readonly names: readonly string[];
  /** Per file column: its sink column, or -1 when it is not read (unsupported). */
  readonly sinkIndex: readonly number[];
  /** File columns read, in file order (what the reader should ask the library for). */
  readonly readable: readonly number[];
  private readonly sink: ColumnSink;
  private readonly labelField: number;
  private readonly warnings: DatasetWarning[] = [];

  constructor(
    private readonly file: string,
    private readonly fields: readonly ColumnarField[],
    /** The row count when the file states it, else a first capacity. */
    private rows: number,
    private readonly options: LoadOptions,
    /** The sink to fill (a streamed read hands it chunk by chunk); by default one of `rows` rows. */
    makeSink: (fieldCount: number, labelIndex: number, rows: number) => ColumnSink = (fieldCount, labelIndex, rows) => new ColumnSink(fieldCount, labelIndex, rows),
  ) {
    if (fields.length === 0) throw new DatasetError('notADataset', 'the file has no columns', { file, expected: 'a table with at least one column' });
    this.names = headerNames(
      fields.map((f) => f.name),
      file,
      this.warnings,
    );
    this.labelField = resolveLabelColumn(this.names, options.label, file, options.detectLabel ?? true);
    if (this.labelField >= 0 && fields[this.labelField].unsupported !== null) {
      const f = fields[this.labelField];
      throw new DatasetError('labelInvalid', `label column "${this.names[this.labelField]}" (${f.typeName}) cannot be read: ${f.unsupported}`, {
        file,
        column: this.names[this.labelField],
        expected: 'a label column of numbers, text or booleans',
      });
    }
    const sinkIndex: number[] = [];
    const readable: number[] = [];
    for (let i = 0; i < fields.length; i++) {
      if (fields[i].unsupported !== null) {
        sinkIndex.push(-1);
      } else {
        sinkIndex.push(readable.length);
        readable.push(i);
      }
    }
    this.sinkIndex = sinkIndex;
    this.readable = readable;
    this.sink = makeSink(readable.length, this.labelField >= 0 ? sinkIndex[this.labelField] : -1, rows);
  }

  /**
   * Values of file column `field` for rows [start, start + values.length). `get` reads one value (Arrow vectors have
   * no indexable array when they hold nulls); `values` may be any array-like.
   */
  addChunk(field: number, start: number, length: number, get: (i: number) => unknown): void {
    const c = this.sinkIndex[field];
    if (c < 0) return;
    this.reserve(start + length);
    const end = Math.min(this.rows, start + length);
    const sink = this.sink;
    const kind = this.fields[field].kind;
    if (c === sink.labelIndex) {
      const label = sink.label;
      if (!label) return;
      for (let r = start; r < end; r++) label.addText(r, labelText(get(r - start), kind));
      return;
    }
    const col = sink.columns[c] as Float32Array;
    for (let r = start; r < end; r++) {
      const v = get(r - start);
      const row = r + 1;
      if (typeof v === 'number') {
        sink.numberCell(c, r, row, v);
      } else if (v === null || v === undefined) {
        col[r] = NaN;
        sink.empty[c]++;
        if (sink.firstMissingRow[c] === 0) sink.firstMissingRow[c] = row;
      } else if (typeof v === 'bigint') {
        sink.numberCell(c, r, row, Number(v));
      } else {
        const cell = trimCell(cellText(v, kind, () => this.badValue(field, row, v)));
        if (cell === '') {
          col[r] = NaN;
          sink.empty[c]++;
          if (sink.firstMissingRow[c] === 0) sink.firstMissingRow[c] = row;
          continue;
        }
        const n = parseCell(cell);
        if (n === null) sink.textCell(c, r, row, cell);
        else sink.numberCell(c, r, row, n);
      }
    }
  }

  /** The sink column of the label, or -1. */
  get labelColumn(): number {
    return this.sink.labelIndex;
  }

  /** The sink's columns (allocated at the footer's row count), for readers that write values in place. */
  sinkColumns(): readonly (Float32Array | null)[] {
    return this.sink.columns;
  }

  /** Tallies of values a reader wrote in place into sink column `c`; chunks are merged in row order. */
  mergeTallies(c: number, t: { readonly empty: number; readonly nonFinite: number; readonly firstMissingRow: number }): void {
    const sink = this.sink;
    sink.empty[c] += t.empty;
    sink.nonFinite[c] += t.nonFinite;
    if (sink.firstMissingRow[c] === 0) sink.firstMissingRow[c] = t.firstMissingRow;
  }

  /** Room for `rows` rows (the row count grows with each record batch of an Arrow file). */
  reserve(rows: number): void {
    const sink = this.sink;
    if (rows > sink.capacity) {
      const filled = sink.rows;
      while (sink.capacity < rows) {
        sink.rows = sink.capacity;
        sink.ensureRoom();
      }
      sink.rows = filled;
    }
    if (rows > this.rows) this.rows = rows;
  }

  private badValue(field: number, row: number, v: unknown): never {
    const what = v instanceof Uint8Array ? 'binary bytes' : Array.isArray(v) ? 'a list' : typeof v;
    throw new DatasetError('unsupportedFormat', `column "${this.names[field]}" (${this.fields[field].typeName}) holds ${what}, which has no cell value`, {
      file: this.file,
      row,
      column: this.names[field],
      expected: 'numbers, text, booleans, dates or timestamps',
    });
  }

  /** The Dataset: typed as a CSV's columns, with the unsupported columns listed as excluded. */
  finish(meta: ColumnarMeta, rows = this.rows): Dataset {
    const sink = this.sink;
    sink.rows = rows;
    const readNames = this.readable.map((i) => this.names[i]);
    const dataset = finish(
      { file: this.file, format: meta.format, size: meta.bytes, names: readNames, hasHeader: true, delimiter: ',', parser: meta.parser, warnings: this.warnings },
      sink,
      this.options,
    );
    // Back from sink columns to file columns, then the unsupported ones in their places.
    const toFile = (index: number): number => this.readable[index] ?? index;
    const info: ColumnInfo[] = dataset.columnInfo.map((c) => ({ ...c, index: toFile(c.index) }));
    const skipped: ColumnInfo[] = [];
    this.fields.forEach((f, i) => {
      if (f.unsupported === null) return;
      skipped.push({
        index: i,
        name: this.names[i],
        // The column-type vocabulary has no "nested": text is the type whose columns are excluded for what they hold.
        type: 'text',
        evidence: `${f.typeName} in the file`,
        overridden: false,
        role: 'excluded',
        reason: f.unsupported,
        missing: 0,
        markers: [],
      });
    });
    for (const s of skipped) {
      const at = info.findIndex((c) => c.index > s.index);
      info.splice(at < 0 ? info.length : at, 0, s);
    }
    const excluded = info.filter((c) => c.role === 'excluded').map((c) => ({ index: c.index, name: c.name, reason: c.reason ?? c.type }));
    const warnings = [...dataset.warnings];
    if (skipped.length > 0) {
      warnings.push(
        makeWarning('unsupportedColumns', `${skipped.length} column(s) not read, being nested or of a type with no cell value: ${skipped.map((s) => `"${s.name}" (${this.fields[s.index].typeName})`).join(', ')}`, {
          file: this.file,
          count: skipped.length,
          expected: 'flat columns of numbers, text, booleans, dates or timestamps',
        }),
      );
    }
    const label = dataset.label && dataset.label.sourceColumn !== null ? { ...dataset.label, sourceColumn: toFile(dataset.label.sourceColumn) } : dataset.label;
    const { delimiter: _delimiter, ...source } = dataset.source;
    return { ...dataset, label, columnInfo: info, warnings, source: { ...source, excludedColumns: excluded } };
  }
}

function labelText(v: unknown, kind: ColumnarField['kind']): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return trimCell(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return formatDate(v, kind);
  return '';
}

function cellText(v: unknown, kind: ColumnarField['kind'], bad: () => never): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return formatDate(v, kind);
  return bad();
}

/** UTC ISO 8601 as pandas writes a timestamp column to CSV; a date column's values without the time. */
export function formatDate(d: Date, kind: ColumnarField['kind']): string {
  const t = d.getTime();
  if (!Number.isFinite(t)) return '';
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ (±YYYYYY for years beyond 9999)
  const date = iso.slice(0, iso.indexOf('T'));
  if (kind === 'date') return date;
  const time = iso.slice(iso.indexOf('T') + 1, -1);
  return `${date} ${time.endsWith('.000') ? time.slice(0, -4) : time}`;
}

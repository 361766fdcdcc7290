/**
 * CSV/TSV reader: streamed from disk in chunks, columnar Float32Array output. Papaparse detects the dialect
 * (delimiter, line break, quoted header) on a sample and parses anything awkward; plain numeric files go through the
 * byte-level fast path in csvFast.ts, which shares the cell semantic and the column sink so both give identical
 * datasets.
 */
import type { CancelSignal } from '../cancel';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import * as Papa from 'papaparse';
import type { Dataset, DatasetSource, LoadOptions } from '../dataset';
import { DatasetError, makeWarning } from '../errors';
import type { DatasetWarning } from '../errors';
import { resolveLabelColumn } from './label';
import { ColumnSink, readFastPath } from './csvFast';
import { finish } from './finishTable';
import type { FinishContext } from './finishTable';
import { parseCell, trimCell } from './csvCells';
import { PARALLEL_CSV_MIN_BYTES, readCsvParallel } from './csvParallel';

export interface CsvOptions extends LoadOptions {
  /** `papaparse` forces the general path (tests and the bench compare it with the fast path). */
  readonly parser?: 'auto' | 'papaparse';
  /** Bytes per read. Tests shrink it so that chunk boundaries fall inside rows, cells and line breaks. */
  readonly chunkBytes?: number;
  /** Data bytes from which a runner's threads parse the file in segments (default PARALLEL_CSV_MIN_BYTES; tests: 0). */
  readonly parallelMinBytes?: number;
}

/**
 * 1 MiB reads. Syscalls are noise at this size (the disk gives ≈ 1.3 GB/s) and the fast path runs the same at 1 or
 * 4 MiB, but papaparse's per-chunk cell strings then mostly die in V8's young generation: on the 1M × 50 file,
 * 4 MiB chunks gave 33 MB/s and 494 MB peak RSS, 1 MiB chunks 63 MB/s and 342 MB.
 */
export const CSV_CHUNK_BYTES = 1024 * 1024;
/** The sample papaparse guesses the dialect from; doubled until it holds two complete rows. */
const SAMPLE_BYTES = 64 * 1024;
/** A row longer than this is an unclosed quote swallowing the file, not data; stop before it turns quadratic. */
const MAX_ROW_CHARS = 64 * 1024 * 1024;
/** Rows of the sample used to decide whether the first row is a header. */
const HEADER_SAMPLE_ROWS = 1000;
/** Head-room on the row estimate so that a homogeneous file never needs the ×1.5 grow (which briefly doubles a column). */
const ROW_ESTIMATE_MARGIN = 1.1;

export async function readCsv(file: string, options: CsvOptions = {}): Promise<Dataset> {
  return readCsvFile(file, file, options, true);
}

/** The file at `diskPath` read as a CSV, messages naming `file`; `onDisk` as parseOpenCsv takes it. */
async function readCsvFile(diskPath: string, file: string, options: CsvOptions, onDisk: boolean | string): Promise<Dataset> {
  options.signal?.throwIfAborted();
  const handle = await openDataFile(diskPath);
  try {
    return await readOpenCsv(handle, file, options, onDisk);
  } catch (err) {
    if (err instanceof DatasetError || isAbort(err)) throw err;
    if (isErrno(err)) throw fsError(err, file);
    throw err;
  } finally {
    await handle.close();
  }
}

/**
 * What the reader needs of a file: positional reads and its size. A FileHandle is one; compressedCsv.ts passes the
 * decompressed bytes of a .csv.gz / .csv.zst as another, so both go through exactly the same parse.
 */
export interface ByteSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ readonly bytesRead: number }>;
  stat(): Promise<{ readonly size: number; isDirectory(): boolean }>;
}

/**
 * A compressed file's decompressed copy at `diskPath` (compressedCsv.ts decompressToTemp), read as the plain file is
 * (threads included); messages and the report name `file`, and record its compression.
 */
export async function readCsvDecompressed(diskPath: string, file: string, compression: DatasetSource['compression'], options: CsvOptions = {}): Promise<Dataset> {
  const dataset = await readCsvFile(diskPath, file, options, diskPath);
  return { ...dataset, source: { ...dataset.source, compression } };
}

interface Dialect {
  readonly delimiter: string;
  readonly linebreak: '\n' | '\r\n' | '\r';
}

interface SampleRow {
  readonly fields: string[];
  /** Character offset just past the row's line break. */
  readonly end: number;
}

interface Sample {
  readonly text: string;
  readonly bom: number;
  readonly whole: boolean;
  readonly dialect: Dialect;
  readonly rows: SampleRow[];
}

async function readOpenCsv(handle: ByteSource, file: string, options: CsvOptions, onDisk: boolean | string = false): Promise<Dataset> {
  const { ctx, sink } = await parseOpenCsv(handle, file, options, undefined, onDisk);
  return finish(ctx, sink, options);
}

/** Makes the sink the rows are parsed into (default: a ColumnSink holding every row). */
export type SinkFactory = (fieldCount: number, labelIndex: number, capacity: number) => ColumnSink;

/**
 * Dialect, header, label column, then every data row into the sink `makeSink` makes: the reading half of readCsv,
 * shared with the streamed analysis (stream/streamCsv.ts), whose sink keeps statistics and a sample instead of rows.
 */
export async function parseOpenCsv(
  handle: ByteSource,
  file: string,
  options: CsvOptions,
  makeSink?: SinkFactory,
  /**
   * The bytes are a file on disk, which a runner's threads may read segments of: `file` itself (true), or the path
   * given (a compressed file's decompressed copy: `file` is still the name messages and the report give).
   */
  onDisk: boolean | string = false,
): Promise<{ ctx: FinishContext; sink: ColumnSink }> {
  const stat = await handle.stat();
  if (stat.isDirectory()) throw new DatasetError('notAFile', 'is a directory', { file, expected: 'a .csv, .tsv or .txt file' });
  const size = stat.size;
  const sample = await readSample(handle, size);
  const first = sample.rows.findIndex((r) => !isBlankRow(r.fields));
  if (first < 0) {
    if (sample.whole) {
      throw new DatasetError('emptyFile', size === 0 ? 'file is empty' : 'file holds only blank lines', {
        file,
        expected: 'a header row and data rows',
      });
    }
    throw new DatasetError('notADataset', 'no complete row in the first 64 MiB', { file, expected: 'CSV rows ending in line breaks' });
  }
  const firstRow = sample.rows[first];
  const below: string[][] = [];
  for (let i = first + 1; i < sample.rows.length && below.length < HEADER_SAMPLE_ROWS; i++) {
    if (!isBlankRow(sample.rows[i].fields)) below.push(sample.rows[i].fields);
  }
  const hasHeader = detectHeader(firstRow.fields, below);
  const fieldCount = firstRow.fields.length;
  const warnings: DatasetWarning[] = [];
  const names = hasHeader ? headerNames(firstRow.fields, file, warnings) : defaultNames(fieldCount);
  const dataStartChar = hasHeader ? firstRow.end : 0;
  const headPrefix = sample.text.slice(0, dataStartChar);
  const startByte = sample.bom + Buffer.byteLength(headPrefix, 'utf8');
  const startRow = 1 + countLineBreaks(headPrefix, sample.dialect.linebreak);
  const labelIndex = resolveLabelColumn(names, options.label, file, options.detectLabel ?? true);
  if (!hasHeader) {
    const unlabelled = labelIndex < 0 ? '; without names no label column is detected (give one by 0-based index)' : '';
    warnings.push(
      makeWarning('noHeader', `no header row (row 1 holds data): columns are named x1…x${fieldCount}${unlabelled}`, {
        file,
        row: 1,
      }),
    );
  }

  // A row takes at least one byte per field (its delimiter or line break): a hard cap on the estimate when the
  // sampled rows are unrepresentatively short.
  const capacity = Math.min(estimateRows(sample, dataStartChar, size - startByte), Math.ceil((size - startByte) / fieldCount) + 16);
  const chunkBytes = Math.max(16, Math.floor(options.chunkBytes ?? CSV_CHUNK_BYTES));
  const { delimiter, linebreak } = sample.dialect;
  const { delimiter: delimiterText, linebreak: breakText } = sample.dialect;
  const runner = options.runner;
  if (onDisk && !makeSink && runner && runner.threads > 1 && options.parser !== 'papaparse' && breakText !== '\r' && size - startByte >= (options.parallelMinBytes ?? PARALLEL_CSV_MIN_BYTES)) {
    options.onProgress?.(0, 0);
    const parallel = readCsvParallel({ file: typeof onDisk === 'string' ? onDisk : file, start: startByte, firstLine: startRow, size, delimiter: delimiterText, crlf: breakText === '\r\n', fieldCount, labelIndex, runner, signal: options.signal });
    if (parallel) {
      options.onProgress?.(1, parallel.rows);
      return { ctx: { file, size, names, hasHeader, delimiter: delimiterText, parser: 'fast', warnings }, sink: parallel };
    }
  }
  const sink = makeSink ? makeSink(fieldCount, labelIndex, capacity) : new ColumnSink(fieldCount, labelIndex, capacity);
  let parser: DatasetSource['parser'] = 'papaparse';
  let resumeAt = startByte;
  let resumeRow = startRow;
  if (options.parser !== 'papaparse' && linebreak !== '\r') {
    const onChunk = options.onProgress ? (position: number, rows: number): void => options.onProgress?.(Math.min(1, position / Math.max(1, size)), rows) : undefined;
    const fast = await readFastPath({ handle, start: startByte, firstRow: startRow, delimiter, linebreak, sink, chunkBytes, signal: options.signal, ...(onChunk ? { onChunk } : {}) });
    if (fast.complete) {
      parser = 'fast';
    } else {
      resumeAt = fast.resumeAt;
      resumeRow = fast.row;
    }
  }
  let quotes: QuoteReport = { rows: 0, firstRow: 0 };
  if (parser === 'papaparse') {
    quotes = await readPapa(handle, file, resumeAt, resumeRow, sample.dialect, sink, chunkBytes, options.signal);
  }
  if (quotes.rows > 0) {
    warnings.push(
      makeWarning('malformedQuotes', `${quotes.rows} row(s) have a quote that does not close a quoted field; read as papaparse does`, {
        file,
        row: quotes.firstRow,
        count: quotes.rows,
        expected: 'a closing quote followed by a delimiter or line break',
      }),
    );
  }
  return { ctx: { file, size, names, hasHeader, delimiter, parser, warnings }, sink };
}

// ---------------------------------------------------------------------------------------------------------------
// Sample, dialect and header.
// ---------------------------------------------------------------------------------------------------------------

async function readSample(handle: ByteSource, size: number): Promise<Sample> {
  let want = SAMPLE_BYTES;
  for (;;) {
    const length = Math.min(want, size);
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await handle.read(buf, got, length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const whole = got >= size;
    const bom = got >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    // Cut at the last line break so no UTF-8 sequence is split; the parse below drops the partial last row anyway.
    let cut = got;
    if (!whole) {
      const lf = buf.lastIndexOf(0x0a, got - 1);
      const cr = buf.lastIndexOf(0x0d, got - 1);
      cut = Math.max(lf, cr, bom - 1) + 1;
    }
    const text = buf.toString('utf8', bom, cut);
    const dialect = guessDialect(text);
    const rows = sampleRows(text, dialect, !whole);
    let complete = 0;
    for (const r of rows) if (!isBlankRow(r.fields)) complete++;
    if (whole || complete >= 2 || want >= MAX_ROW_CHARS) return { text, bom, whole, dialect, rows };
    want *= 2;
  }
}

/**
 * Papaparse's guess among the delimiters the issue names; a single-column file falls back to ','. The guess is then
 * checked: papaparse averages field counts over its preview, so a short ';' file whose cells hold decimal commas
 * (1,5;2,25) can look like a ragged ',' file. When the guess splits the sampled rows unevenly and another delimiter
 * splits every one of them into the same number (≥ 2) of fields, that one is taken.
 */
function guessDialect(text: string): Dialect {
  const guess = Papa.parse<string[]>(text, { delimitersToGuess: [',', ';', '\t'], preview: 10 });
  const linebreak = guess.meta.linebreak === '\r\n' || guess.meta.linebreak === '\r' ? guess.meta.linebreak : '\n';
  let delimiter = [',', ';', '\t'].includes(guess.meta.delimiter) ? guess.meta.delimiter : ',';
  if (fieldsPerRow(text, delimiter, linebreak) === null) {
    const even = [',', ';', '\t'].filter((d) => d !== delimiter && (fieldsPerRow(text, d, linebreak) ?? 0) >= 2);
    if (even.length === 1) delimiter = even[0];
  }
  return { delimiter, linebreak };
}

/** The field count every non-blank sampled row has with this delimiter, or null when they differ. */
function fieldsPerRow(text: string, delimiter: string, linebreak: string): number | null {
  const parsed = Papa.parse<string[]>(text, { delimiter, newline: linebreak as Papa.ParseConfig['newline'], preview: 20, skipEmptyLines: 'greedy' });
  const rows = parsed.data.filter((r) => r.length > 0);
  if (rows.length === 0) return null;
  const n = rows[0].length;
  return rows.every((r) => r.length === n) ? n : null;
}

/** The raw Parser's step result: one row, and the offset just past it (papaparse's types describe Papa.parse's). */
interface StepResult {
  readonly data: string[][];
  readonly meta: { readonly cursor: number };
}

function sampleRows(text: string, dialect: Dialect, partial: boolean): SampleRow[] {
  const rows: SampleRow[] = [];
  let nonBlank = 0;
  const parser: Papa.Parser = new Papa.Parser({
    delimiter: dialect.delimiter,
    newline: dialect.linebreak,
    step: ((result: StepResult): void => {
      const fields = result.data[0];
      rows.push({ fields, end: result.meta.cursor });
      if (!isBlankRow(fields) && ++nonBlank > HEADER_SAMPLE_ROWS) parser.abort();
    }) as unknown as Papa.ParseConfig['step'],
  });
  parser.parse(text, 0, partial);
  return rows;
}

function isBlankRow(fields: readonly string[]): boolean {
  return fields.length === 1 && trimCell(fields[0]) === '';
}

type CellKind = 'empty' | 'number' | 'text';

function cellKind(cell: string): CellKind {
  const t = trimCell(cell);
  if (t === '') return 'empty';
  return parseCell(t) === null ? 'text' : 'number';
}

/**
 * The first row is a header when every cell is text, or when one of its text cells sits above a column that is
 * mostly numbers. A first row of numbers is data. A text cell above more text ("cat,,," over "dog,1,2") is data too:
 * that is a text column, not a name.
 */
function detectHeader(first: readonly string[], below: readonly (readonly string[])[]): boolean {
  const kinds = first.map(cellKind);
  if (!kinds.includes('text')) return false;
  if (below.length === 0 || kinds.every((k) => k === 'text')) return true;
  for (let j = 0; j < kinds.length; j++) {
    if (kinds[j] !== 'text') continue;
    let numbers = 0;
    let texts = 0;
    for (const row of below) {
      if (j >= row.length) continue;
      const k = cellKind(row[j]);
      if (k === 'number') numbers++;
      else if (k === 'text') texts++;
    }
    if (numbers > texts) return true;
  }
  return false;
}

function defaultNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `x${i + 1}`);
}

/** Empty names become column<k> (1-based), repeats get _2, _3 … — each reported once. Also columnar.ts's. */
export function headerNames(fields: readonly string[], file: string, warnings: DatasetWarning[]): string[] {
  const raw = fields.map((f) => f.trim());
  const unnamed: number[] = [];
  const named = raw.map((n, i) => {
    if (n !== '') return n;
    unnamed.push(i + 1);
    return `column${i + 1}`;
  });
  if (unnamed.length > 0) {
    const list = unnamed.map((k) => `column${k}`).join(', ');
    warnings.push(
      makeWarning('emptyHeader', `${unnamed.length} header cell(s) are empty (column ${unnamed.join(', ')}); named ${list}`, {
        file,
        row: 1,
        count: unnamed.length,
        expected: 'a name for every column',
      }),
    );
  }
  const used = new Set(named);
  const seen = new Map<string, number>();
  const renames: string[] = [];
  const names = named.map((n) => {
    const times = (seen.get(n) ?? 0) + 1;
    seen.set(n, times);
    if (times === 1) return n;
    let suffix = times;
    while (used.has(`${n}_${suffix}`)) suffix++;
    const unique = `${n}_${suffix}`;
    used.add(unique);
    renames.push(`"${n}" → "${unique}"`);
    return unique;
  });
  if (renames.length > 0) {
    warnings.push(
      makeWarning('duplicateHeader', `duplicate column names renamed to stay unique: ${renames.join(', ')}`, {
        file,
        row: 1,
        count: renames.length,
        expected: 'distinct column names',
      }),
    );
  }
  return names;
}

/** Rows ≈ data bytes / mean bytes per sampled row, with a margin; the sink grows by ×1.5 if it was too few. */
function estimateRows(sample: Sample, dataStartChar: number, dataBytes: number): number {
  let rows = 0;
  let last = dataStartChar;
  for (const r of sample.rows) {
    if (r.end <= dataStartChar) continue;
    rows++;
    last = r.end;
  }
  if (rows === 0) return 16;
  const sampleBytes = Buffer.byteLength(sample.text.slice(dataStartChar, last), 'utf8');
  const perRow = Math.max(1, sampleBytes / rows);
  return Math.ceil((dataBytes / perRow) * ROW_ESTIMATE_MARGIN) + 16;
}

/**
 * Line breaks for row numbers. LF and CRLF files count LF (so a stray lone CR, which the fast path reads as
 * whitespace, does not shift the rows below it); CR-only files count CR and LF, as an editor does.
 */
function countLineBreaks(text: string, linebreak: Dialect['linebreak']): number {
  let n = 0;
  if (linebreak !== '\r') {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    return n;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) n++;
    else if (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a) n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// The papaparse pass.
// ---------------------------------------------------------------------------------------------------------------

interface QuoteReport {
  readonly rows: number;
  readonly firstRow: number;
}

interface PapaError {
  readonly code: string;
  readonly row?: number;
}

interface ChunkResult {
  readonly data: string[][];
  readonly errors: PapaError[];
  readonly meta: { readonly cursor: number };
}

/**
 * Papaparse's low-level Parser over decoded chunks, carrying the unfinished last row over as its own streamer does
 * (parse with ignoreLastRow, keep input from meta.cursor). The StringDecoder keeps multi-byte characters split by a
 * chunk boundary whole.
 */
async function readPapa(
  handle: ByteSource,
  file: string,
  start: number,
  firstRow: number,
  dialect: Dialect,
  sink: ColumnSink,
  chunkBytes: number,
  signal: CancelSignal | undefined,
): Promise<QuoteReport> {
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.allocUnsafe(chunkBytes);
  const parser = new Papa.Parser({ delimiter: dialect.delimiter, newline: dialect.linebreak });
  let position = start;
  let partial = '';
  let row = firstRow;
  let badQuoteRows = 0;
  let firstBadQuote = 0;
  for (;;) {
    signal?.throwIfAborted();
    const { bytesRead } = await handle.read(buf, 0, buf.length, position);
    position += bytesRead;
    const eof = bytesRead === 0;
    const input = partial + (eof ? decoder.end() : decoder.write(buf.subarray(0, bytesRead)));
    const result = parser.parse(input, 0, !eof) as ChunkResult;
    const rows = result.data;
    // A cell holds a line break only when quoted or when the file mixes line breaks (a bare LF in a CRLF file, an
    // LF in a CR file); otherwise the per-cell count is skipped.
    const lb = dialect.linebreak;
    const scan =
      input.includes('"') || (lb === '\r\n' && /(?:^|[^\r])\n/.test(input)) || (lb === '\r' && input.includes('\n'));
    let unclosed = -1;
    const invalid = new Set<number>();
    for (const e of result.errors) {
      if (e.row === undefined || e.row >= rows.length) continue;
      if (e.code === 'MissingQuotes') unclosed = unclosed < 0 ? e.row : Math.min(unclosed, e.row);
      else if (e.code === 'InvalidQuotes') invalid.add(e.row);
    }
    for (let i = 0; i < rows.length; i++) {
      const fields = rows[i];
      if (i === unclosed) {
        throw new DatasetError('unclosedQuote', 'a quoted field opened in this row is never closed', {
          file,
          row,
          expected: 'a closing " before the end of the file',
        });
      }
      if (invalid.has(i) && badQuoteRows++ === 0) firstBadQuote = row;
      let span = 1;
      if (scan) for (const f of fields) span += countLineBreaks(f, lb);
      if (!isBlankRow(fields)) sink.addFields(fields, row);
      row += span;
    }
    if (eof) break;
    partial = input.slice(result.meta.cursor);
    if (partial.length > MAX_ROW_CHARS) {
      throw new DatasetError('unclosedQuote', 'a quoted field opened in this row runs on for more than 64 MiB', {
        file,
        row,
        expected: 'a closing " at the end of the field',
      });
    }
  }
  return { rows: badQuoteRows, firstRow: firstBadQuote };
}

// ---------------------------------------------------------------------------------------------------------------
// File-system errors → DatasetError.
// ---------------------------------------------------------------------------------------------------------------

function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** Exported for load.ts: the same wording whichever entry point met the error. */
/** Open a data file for reading; a missing or unreadable file is a DatasetError naming it (fsError). */
export async function openDataFile(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (err) {
    throw fsError(err, file);
  }
}

export function fsError(err: unknown, file: string): Error {
  if (!isErrno(err)) return err instanceof Error ? err : new Error(String(err));
  switch (err.code) {
    case 'ENOENT':
      return new DatasetError('fileNotFound', 'file not found', { file });
    case 'EISDIR':
      return new DatasetError('notAFile', 'is a directory', { file, expected: 'a .csv, .tsv, .txt or .npy file' });
    case 'EACCES':
    case 'EPERM':
      return new DatasetError('readFailed', 'permission denied', { file });
    default:
      return new DatasetError('readFailed', `could not read the file (${err.code}: ${err.message.split(/\r?\n/)[0]})`, { file });
  }
}

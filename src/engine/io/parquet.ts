/**
 * Parquet, read with hyparquet (pure JavaScript; snappy built in) and hyparquet-compressors (gzip, zstd, brotli, lz4,
 * lz4_raw). One row group at a time: the file is read through positional reads on an open handle, only the footer
 * and the row group being decoded are in memory besides the columns being filled, and cancellation is checked
 * between row groups. Values become cells with the CSV semantic in columnar.ts.
 */
import type { FileHandle } from 'node:fs/promises';
import type { AsyncBuffer, ColumnData, FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import type { parquetHeader } from 'hyparquet/src/column.js';
import type { Dataset, LoadOptions } from '../dataset';
import { DatasetError } from '../errors';
import { openDataFile } from './csv';
import { ColumnarBuilder } from './columnar';
import type { ColumnarField } from './columnar';
import { chunkTasks, isFastParquetColumn, MAX_PAGE_BYTES, parquetChunkKernel } from './parquetChunks';
import { vendor } from './vendor';
import type { ParquetChunkResult, ParquetChunkTask } from './parquetChunks';

/** An open Parquet file: its footer read and checked, its top-level columns described. */
export interface ParquetFile {
  readonly handle: FileHandle;
  readonly size: number;
  readonly buffer: AsyncBuffer;
  readonly metadata: FileMetaData;
  readonly nodes: readonly SchemaTree[];
  readonly fields: readonly ColumnarField[];
  readonly rows: number;
  /** Row groups whose page headers were checked (a streamed read visits a group once per slice it holds). */
  readonly checked: Set<number>;
}

/** Opens `file` and reads its footer; the caller closes `handle`. */
export async function openParquet(file: string): Promise<ParquetFile> {
  const handle = await openDataFile(file);
  try {
    const size = (await handle.stat()).size;
    const buffer = fileBuffer(handle, size);
    let metadata: FileMetaData;
    let fields: ColumnarField[];
    let nodes: SchemaTree[];
    try {
      const { parquetMetadataAsync, parquetSchema } = vendor();
      metadata = await parquetMetadataAsync(buffer);
      nodes = parquetSchema(metadata).children;
      fields = nodes.map(describeField);
    } catch (err) {
      throw corrupt(err, file, 'its footer (the schema and row-group index) cannot be read');
    }
    const rows = checkMetadata(metadata, size, file);
    if (rows === 0) throw new DatasetError('noRows', 'the Parquet file has no rows', { file, expected: 'data rows' });
    return { handle, size, buffer, metadata, nodes, fields, rows, checked: new Set() };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * Rows [start, end) of the columns named in `columns`, through hyparquet's reader, into `builder` at row
 * `start − offset` (a streamed read's chunk starts at 0). Page headers are checked first (see checkPages).
 */
export async function readParquetRows(
  pq: ParquetFile,
  file: string,
  builder: ColumnarBuilder,
  columns: readonly string[],
  byName: ReadonlyMap<string, number>,
  start: number,
  end: number,
  offset: number,
): Promise<void> {
  const { metadata, buffer } = pq;
  let groupStart = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const n = Number(metadata.row_groups[g].num_rows);
    if (groupStart < end && groupStart + n > start && !pq.checked.has(g)) {
      await checkPages(buffer, metadata, g, new Set(columns), file);
      pq.checked.add(g);
    }
    groupStart += n;
  }
  // onChunk runs inside hyparquet's promise callbacks: an error thrown there would be an unhandled rejection, so it is
  // kept and thrown here once the rows are read.
  let failure: unknown = null;
  const onChunk = (chunk: ColumnData): void => {
    if (failure !== null) return;
    try {
      const field = byName.get(chunk.columnName);
      if (field === undefined) return;
      const a = Math.max(chunk.rowStart, start);
      const b = Math.min(chunk.rowEnd, end);
      if (b <= a) return;
      const data = chunk.columnData;
      const at = a - chunk.rowStart;
      builder.addChunk(field, a - offset, b - a, (i) => data[at + i]);
    } catch (err) {
      failure = err;
    }
  };
  try {
    const { parquetRead, compressors } = vendor();
    await parquetRead({ file: buffer, metadata, columns: [...columns], rowStart: start, rowEnd: end, compressors, onChunk });
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw corrupt(err, file, `rows ${start + 1}–${end} cannot be decoded`);
  }
  if (failure !== null) throw failure;
}

export async function loadParquetDataset(file: string, options: LoadOptions = {}): Promise<Dataset> {
  options.signal?.throwIfAborted();
  const pq = await openParquet(file);
  const { handle, size, metadata, fields, rows } = pq;
  try {
    const builder = new ColumnarBuilder(file, fields, rows, options);
    // Flat numeric columns are decoded chunk by chunk on the runner's threads straight into their columns
    // (parquetChunks.ts); the label and every other column go through hyparquet's reader below, in this thread while
    // the threads decode (it joins them after: a million-row label took 0.15 s, which the threads idled through).
    const fast = fastParquetColumns(pq, builder);
    const columns = builder.readable.map((i) => fields[i].name).filter((name) => !fast.has(name));
    const progress = readProgress(metadata, fast, columns, options);
    const finishFast = fast.size > 0 ? startFastColumns(file, metadata, fast, builder, options, progress) : null;
    const byName = new Map<string, number>();
    builder.readable.forEach((i) => {
      if (!byName.has(fields[i].name)) byName.set(fields[i].name, i);
    });
    let start = 0;
    let failure: unknown = null;
    try {
      for (let g = 0; g < metadata.row_groups.length && columns.length > 0; g++) {
        options.signal?.throwIfAborted();
        progress.general(g);
        const n = Number(metadata.row_groups[g].num_rows);
        if (n === 0) continue;
        const end = start + n;
        await readParquetRows(pq, file, builder, columns, byName, start, end, 0);
        start = end;
      }
    } catch (err) {
      // The threads' batch is collected first, and a damaged numeric chunk reported before this, as when the chunks
      // were decoded before the other columns were read.
      failure = err;
    }
    finishFast?.();
    if (failure !== null) throw failure;
    return builder.finish({ format: 'parquet', parser: 'hyparquet', bytes: size });
  } finally {
    await handle.close();
  }
}

/**
 * Progress of the in-memory read as the share of its compressed bytes decoded: the fast chunks (counted in `done` by
 * every thread as it finishes one, read at each report) and the other columns (a row group at a time) advance
 * together, so the fraction only grows and the ETA is the whole read's.
 */
function readProgress(
  metadata: FileMetaData,
  fast: ReadonlyMap<string, unknown>,
  general: readonly string[],
  options: LoadOptions,
): { readonly done: Int32Array; readonly report: () => void; readonly general: (group: number) => void } {
  const wanted = new Set(general);
  let fastBytes = 0;
  let fastChunks = 0;
  const generalBefore: number[] = [];
  let generalBytes = 0;
  for (const group of metadata.row_groups) {
    generalBefore.push(generalBytes);
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (!meta || meta.path_in_schema.length === 0) continue;
      const bytes = Number(meta.total_compressed_size);
      if (meta.path_in_schema.length === 1 && fast.has(meta.path_in_schema[0])) {
        fastBytes += bytes;
        fastChunks++;
      } else if (wanted.has(meta.path_in_schema[0])) generalBytes += bytes;
    }
  }
  const total = Math.max(1, fastBytes + generalBytes);
  const rows = Number(metadata.num_rows);
  const done = new Int32Array(new SharedArrayBuffer(4));
  let generalDone = 0;
  const report = (): void => {
    const fastDone = (fastBytes * Math.min(fastChunks, Atomics.load(done, 0))) / Math.max(1, fastChunks);
    const fraction = Math.min(1, (fastDone + generalDone) / total);
    options.onProgress?.(fraction, Math.round(fraction * rows));
  };
  return {
    done,
    report,
    general: (group) => {
      generalDone = generalBefore[group] ?? generalBytes;
      report();
    },
  };
}

/**
 * Hands out the fast columns of every row group, one column chunk per task on the runner's threads (inline without
 * one); the returned function joins in and merges their tallies in row order into the builder's sink. A damaged
 * chunk is the same error the general path gives.
 */
function startFastColumns(
  file: string,
  metadata: FileMetaData,
  fast: ReadonlyMap<string, { readonly column: number; readonly element: SchemaElement }>,
  builder: ColumnarBuilder,
  options: LoadOptions,
  progress: { readonly report: () => void; readonly done: Int32Array },
): () => void {
  const groups: { readonly group: number; readonly rowStart: number }[] = [];
  let rowStart = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    groups.push({ group: g, rowStart });
    rowStart += Number(metadata.row_groups[g].num_rows);
  }
  const pending = startFastChunks(file, metadata, fast, groups, builder.sinkColumns(), 0, options, progress.done, progress.report);
  return () => {
    for (const { column, result } of pending()) builder.mergeTallies(column, result);
  };
}

/**
 * Hands out the fast columns of the given row groups (each at its `rowStart` in `columns`, by sink column), one
 * column chunk per task on the runner's threads when every column is in shared memory: the threads start now, and
 * the returned function joins in (inline, without them, it decodes every chunk when called) and returns each chunk's
 * tallies in row order; a damaged chunk throws the general path's error, its rows counted from `firstRow`.
 * `done` counts the chunks decoded, by whichever thread; `progress` is called after each (as the calling thread
 * collects them).
 */
export function startFastChunks(
  file: string,
  metadata: FileMetaData,
  fast: ReadonlyMap<string, { readonly column: number; readonly element: SchemaElement }>,
  groups: readonly { readonly group: number; readonly rowStart: number }[],
  columns: readonly (Float32Array | null)[],
  firstRow: number,
  options: LoadOptions,
  done?: Int32Array,
  progress?: () => void,
): () => { readonly column: number; readonly result: ParquetChunkResult }[] {
  const tasks: ParquetChunkTask[] = groups.flatMap(({ group, rowStart }) => chunkTasks(metadata, group, rowStart, fast));
  const context = done ? { file, columns, done } : { file, columns };
  const work = tasks.reduce((sum, t) => sum + (t.end - t.start), 0);
  // Threads write into shared memory only (columns of at least 65,536 rows are allocated there); else inline.
  const shared = columns.every((c) => c === null || c.buffer instanceof SharedArrayBuffer);
  const pending: () => readonly ParquetChunkResult[] =
    options.runner && shared
      ? (options.runner.startKernel('parquetChunk', context, tasks, {
          signal: options.signal,
          work,
          onDone: () => progress?.(),
        }) as () => ParquetChunkResult[])
      : () =>
          tasks.map((t) => {
            const result = parquetChunkKernel(context, t, options.signal);
            progress?.();
            return result;
          });
  return () => {
    const results = pending();
    results.forEach((res, k) => {
      const t = tasks[k];
      if (res.problem !== null) {
        throw new DatasetError('corruptFile', `not a readable Parquet file: column "${t.element.name}" of the row group at rows ${firstRow + t.rowStart + 1}–${firstRow + t.rowStart + t.rows} cannot be decoded (${res.problem})`, {
          file,
          column: t.element.name,
          expected: 'a complete Parquet file (was it truncated or still being written?)',
        });
      }
    });
    // In row order, as the sequential reader tallies.
    const order = tasks.map((_, k) => k).sort((a, b) => tasks[a].rowStart - tasks[b].rowStart);
    return order.map((k) => ({ column: tasks[k].column, result: results[k] }));
  };
}

/** The flat numeric columns (not the label) that parquetChunks.ts decodes, by name: their sink column and element. */
export function fastParquetColumns(pq: ParquetFile, builder: ColumnarBuilder): Map<string, { column: number; element: SchemaElement }> {
  const fast = new Map<string, { column: number; element: SchemaElement }>();
  const firstOfName = new Set<string>();
  builder.readable.forEach((i) => {
    const name = pq.fields[i].name;
    if (firstOfName.has(name)) return;
    firstOfName.add(name);
    if (builder.sinkIndex[i] !== builder.labelColumn && isFastParquetColumn(pq.nodes[i])) fast.set(name, { column: builder.sinkIndex[i], element: pq.nodes[i].element });
  });
  return fast;
}

/** The footer's row counts and column-chunk ranges agree with each other and with the file; returns the row count. */
function checkMetadata(metadata: FileMetaData, size: number, file: string): number {
  const bad = (what: string): DatasetError =>
    new DatasetError('corruptFile', `not a readable Parquet file: its footer is inconsistent (${what})`, {
      file,
      expected: 'a complete Parquet file (was it truncated or still being written?)',
    });
  const rows = Number(metadata.num_rows);
  if (!Number.isSafeInteger(rows) || rows < 0) throw bad(`row count ${String(metadata.num_rows)}`);
  let sum = 0;
  metadata.row_groups.forEach((group, g) => {
    const n = Number(group.num_rows);
    if (!Number.isSafeInteger(n) || n < 0) throw bad(`row group ${g + 1} has ${String(group.num_rows)} rows`);
    sum += n;
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (!meta) continue;
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > size) {
        throw bad(`column "${meta.path_in_schema.join('.')}" of row group ${g + 1} lies at bytes ${start}–${end} of ${size}`);
      }
    }
  });
  if (sum !== rows) throw bad(`the row groups hold ${sum} rows, the footer says ${rows}`);
  return rows;
}

/**
 * Walks the page headers of every column chunk of row group `g` with hyparquet's own header parser before hyparquet
 * decodes them. hyparquet 1.33's page loop (readColumn in src/column.js) advances by each header's
 * compressed_page_size and loops forever when a corrupt header lacks it (the offset becomes NaN); a synchronous loop
 * cannot be cancelled, so such a file is refused here instead.
 */
async function checkPages(buffer: AsyncBuffer, metadata: FileMetaData, g: number, read: ReadonlySet<string>, file: string): Promise<void> {
  const groupRows = Number(metadata.row_groups[g].num_rows);
  for (const chunk of metadata.row_groups[g].columns) {
    const meta = chunk.meta_data;
    if (!meta || !read.has(meta.path_in_schema[0])) continue;
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    const length = Number(meta.total_compressed_size);
    const view = new DataView(await buffer.slice(start, start + length));
    const reader = { view, offset: 0 };
    const column = meta.path_in_schema.join('.');
    let dictionaryPage = false;
    while (reader.offset < view.byteLength - 1) {
      const at = reader.offset;
      let header: ReturnType<typeof parquetHeader>;
      try {
        header = vendor().parquetHeader(reader);
      } catch (err) {
        throw corrupt(err, file, `a page header of column "${column}" in row group ${g + 1} cannot be read`);
      }
      const compressed = header.compressed_page_size;
      const uncompressed = header.uncompressed_page_size;
      const sane = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_PAGE_BYTES;
      // A flat column's page holds at most the row group's rows; a dictionary entry takes at least a bit. Larger
      // counts are damage, and hyparquet would size arrays by them (V8 aborts the process on an invalid array size).
      const values = header.data_page_header?.num_values ?? header.data_page_header_v2?.num_values;
      const dictionary = header.dictionary_page_header?.num_values;
      if (header.type === 'DICTIONARY_PAGE') dictionaryPage = true;
      const encoding = header.data_page_header?.encoding ?? header.data_page_header_v2?.encoding;
      if (
        header.type === undefined ||
        !sane(compressed) ||
        !sane(uncompressed) ||
        reader.offset <= at ||
        reader.offset + compressed > view.byteLength ||
        (values !== undefined && !(values >= 0 && values <= groupRows)) ||
        (dictionary !== undefined && !(dictionary >= 0 && dictionary <= uncompressed * 8)) ||
        ((encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') && !dictionaryPage)
      ) {
        throw new DatasetError('corruptFile', `not a readable Parquet file: a page header of column "${column}" in row group ${g + 1} is damaged`, {
          file,
          expected: 'a complete Parquet file (was it truncated or still being written?)',
        });
      }
      reader.offset += compressed;
    }
  }
}

/** hyparquet's AsyncBuffer over an open file: positional reads of exactly the ranges it asks for. */
function fileBuffer(handle: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(size, end ?? size);
      const length = Math.max(0, stop - start);
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(buf, got, length - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.buffer;
    },
  };
}

function corrupt(err: unknown, file: string, what: string): Error {
  if (err instanceof DatasetError) return err;
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'CancelledError')) return err;
  const detail = err instanceof Error ? err.message.split(/\r?\n/)[0] : String(err);
  return new DatasetError('corruptFile', `not a readable Parquet file: ${what} (${detail})`, {
    file,
    expected: 'a complete Parquet file (was it truncated or still being written?)',
  });
}

const UNSUPPORTED_LOGICAL = new Set(['GEOMETRY', 'GEOGRAPHY', 'VARIANT', 'INTERVAL', 'BSON', 'FILE']);

/** A top-level schema node → the column the builder reads, or the reason it cannot. */
function describeField(node: SchemaTree): ColumnarField {
  const e = node.element;
  const logical = e.logical_type?.type;
  const name = e.name;
  if (node.children.length > 0 || e.repetition_type === 'REPEATED') {
    const kind =
      logical === 'LIST' || e.converted_type === 'LIST' || e.repetition_type === 'REPEATED'
        ? 'list'
        : logical === 'MAP' || e.converted_type === 'MAP' || e.converted_type === 'MAP_KEY_VALUE'
          ? 'map'
          : logical === 'VARIANT'
            ? 'variant'
            : 'struct';
    return {
      name,
      kind: 'value',
      typeName: typeName(node),
      unsupported: `a nested ${kind} column, not supported: flatten it into one column per field or element`,
    };
  }
  if (logical !== undefined && UNSUPPORTED_LOGICAL.has(logical)) {
    return { name, kind: 'value', typeName: typeName(node), unsupported: `Parquet ${logical} values are not supported` };
  }
  if (e.type === 'FIXED_LEN_BYTE_ARRAY' && logical === undefined && e.converted_type === undefined) {
    return { name, kind: 'value', typeName: typeName(node), unsupported: 'raw binary values are not supported' };
  }
  return { name, kind: logical === 'DATE' || e.converted_type === 'DATE' ? 'date' : 'value', typeName: typeName(node), unsupported: null };
}

/** "int64", "string", "timestamp", "list<double>", "struct<a: int32, b: string>" — for the exclusion's evidence. */
function typeName(node: SchemaTree): string {
  const e = node.element;
  const logical = e.logical_type?.type;
  if (node.children.length === 0) {
    const base = (logical ?? e.converted_type ?? e.type ?? 'unknown').toLowerCase();
    return e.repetition_type === 'REPEATED' ? `list<${base}>` : base;
  }
  if (logical === 'LIST' || e.converted_type === 'LIST') {
    // LIST → repeated group "list" → element (the three-level form); older writers skip the middle level.
    const repeated = node.children[0];
    const element = repeated.children.length === 1 ? repeated.children[0] : repeated;
    return `list<${typeName(element)}>`;
  }
  if (logical === 'MAP' || e.converted_type === 'MAP' || e.converted_type === 'MAP_KEY_VALUE') {
    const kv = node.children[0];
    return kv.children.length === 2 ? `map<${typeName(kv.children[0])}, ${typeName(kv.children[1])}>` : 'map';
  }
  return `struct<${node.children.map((c) => `${c.element.name}: ${typeName(c)}`).join(', ')}>`;
}

/**
 * Parquet's numeric columns, one column chunk (row group × column) per task, on the runner's threads. hyparquet's own
 * page readers decode each page (page headers, decompression, PLAIN / dictionary / delta / byte-stream-split values,
 * definition levels); this file only walks a flat column chunk's pages and writes the values straight into the
 * table's shared float32 column at the row group's offset — hyparquet's generic list assembly, which builds a JS
 * array per chunk and costs more than the decoding, is not needed for a flat column.
 *
 * The cell semantic is the one of columnar.ts, value by value: a number (or bigint) is Math.fround'ed, a non-finite
 * or out-of-float32 one is missing and counted non-finite, a null is missing and counted empty. The per-chunk tallies
 * are merged in row order by the caller, so the sink is the one the sequential reader would have filled.
 *
 * A chunk's page headers are checked as parquet.ts checks them (sizes, value counts, a dictionary before dictionary
 * pages): a damaged one is reported, not looped on.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { CompressionCodec, DecodedArray, FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import type { ColumnDecoder, DataPageHeader, DataPageHeaderV2, PageHeader } from 'hyparquet/src/types.js';
import type { readDataPageV2 } from 'hyparquet/src/datapage.js';
import type { CancelSignal } from '../cancel';
import { registerKernelMemory } from '../wasmMemory';
import { vendor } from './vendor';

/** Beyond this a page (or a row group's row count) is a corrupt header, not data: 1 GiB. */
export const MAX_PAGE_BYTES = 2 ** 30;

export interface ParquetChunkContext {
  readonly file: string;
  /** The table's columns by sink index (shared memory when threaded); null where a column is not read here. */
  readonly columns: readonly (Float32Array | null)[];
  /** Chunks decoded so far, by every thread (shared; one element): the caller reads it for progress while it waits. */
  readonly done?: Int32Array;
}

export interface ParquetChunkTask {
  /** Sink column the values go to. */
  readonly column: number;
  /** The column's schema element (flat, numeric: see isFastParquetColumn). */
  readonly element: SchemaElement;
  readonly codec: CompressionCodec;
  /** Byte range of the column chunk in the file. */
  readonly start: number;
  readonly end: number;
  /** First row of the row group in the table, and its row count. */
  readonly rowStart: number;
  readonly rows: number;
}

export interface ParquetChunkResult {
  readonly empty: number;
  readonly nonFinite: number;
  /** 1-based row of the first missing value, 0 = none. */
  readonly firstMissingRow: number;
  /** Why the chunk could not be read (a damaged page), or null. */
  readonly problem: string | null;
}

const INTEGER_CONVERTED = new Set(['INT_8', 'INT_16', 'INT_32', 'INT_64', 'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64', 'DECIMAL']);

/**
 * A top-level, non-repeated column whose values hyparquet decodes to numbers or bigints: FLOAT, DOUBLE, INT32, INT64,
 * plain or as (unsigned) integers or decimals. Dates, times, timestamps and everything else keep the general path.
 */
export function isFastParquetColumn(node: SchemaTree): boolean {
  const e = node.element;
  if (node.children.length > 0 || e.repetition_type === 'REPEATED') return false;
  if (e.type !== 'FLOAT' && e.type !== 'DOUBLE' && e.type !== 'INT32' && e.type !== 'INT64') return false;
  if (e.converted_type !== undefined && !INTEGER_CONVERTED.has(e.converted_type)) return false;
  const logical = e.logical_type?.type;
  return logical === undefined || logical === 'INTEGER' || logical === 'DECIMAL';
}

/** The tasks of one row group: its fast columns' chunks, by sink column. */
export function chunkTasks(metadata: FileMetaData, group: number, rowStart: number, fast: ReadonlyMap<string, { readonly column: number; readonly element: SchemaElement }>): ParquetChunkTask[] {
  const g = metadata.row_groups[group];
  const rows = Number(g.num_rows);
  const tasks: ParquetChunkTask[] = [];
  for (const chunk of g.columns) {
    const meta = chunk.meta_data;
    if (!meta || meta.path_in_schema.length !== 1) continue;
    const target = fast.get(meta.path_in_schema[0]);
    if (!target) continue;
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    tasks.push({ column: target.column, element: target.element, codec: meta.codec, start, end: start + Number(meta.total_compressed_size), rowStart, rows });
  }
  return tasks;
}

/** The `parquetChunk` kernel (parallel/kernels.ts): decode one column chunk into its column. */
export function parquetChunkKernel(context: ParquetChunkContext, task: ParquetChunkTask, signal?: CancelSignal): ParquetChunkResult {
  signal?.throwIfAborted();
  const out = context.columns[task.column];
  if (!out || out.length < task.rowStart + task.rows) return failed('the column is not in the table');
  const bytes = readRange(context.file, task.start, task.end);
  if (bytes.length < task.end - task.start) return failed('the column chunk ends beyond the file');
  const root: SchemaTree = { element: { name: 'root' }, children: [], count: 1, path: [] } as unknown as SchemaTree;
  const leaf: SchemaTree = { element: task.element, children: [], count: 1, path: [task.element.name] } as unknown as SchemaTree;
  const { compressors, convert, convertWithDictionary, DEFAULT_PARSERS, decompressPage, parquetHeader, readDataPage, readDataPageV2, readPage } = vendor();
  const decoder: ColumnDecoder = {
    pathInSchema: [task.element.name],
    element: task.element,
    schemaPath: [root, leaf],
    type: task.element.type as ColumnDecoder['type'],
    codec: task.codec,
    compressors,
    parsers: DEFAULT_PARSERS,
  } as ColumnDecoder;
  const maxDefinition = task.element.repetition_type === 'REQUIRED' ? 0 : 1;
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  let dictionary: DecodedArray | undefined;
  let empty = 0;
  let nonFinite = 0;
  let firstMissingRow = 0;
  let r = task.rowStart;
  const stop = task.rowStart + task.rows;
  const missing = (row: number): void => {
    out[row] = NaN;
    if (firstMissingRow === 0) firstMissingRow = row + 1;
  };
  const put = (row: number, v: unknown): void => {
    const f = Math.fround(typeof v === 'number' ? v : Number(v as bigint));
    if (f - f === 0) {
      out[row] = f;
    } else {
      nonFinite++;
      missing(row);
    }
  };
  try {
    while (r < stop && reader.offset < reader.view.byteLength - 1) {
      signal?.throwIfAborted();
      const at = reader.offset;
      const header = parquetHeader(reader);
      const compressed = header.compressed_page_size;
      const sane = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_PAGE_BYTES;
      if (header.type === undefined || !sane(compressed) || !sane(header.uncompressed_page_size) || reader.offset <= at || reader.offset + compressed > reader.view.byteLength) {
        return failed('a page header is damaged');
      }
      let values: DecodedArray;
      let levels: ArrayLike<number> | undefined;
      let count: number;
      if (header.type === 'DICTIONARY_PAGE') {
        const entries = header.dictionary_page_header?.num_values;
        if (entries === undefined || !(entries >= 0 && entries <= header.uncompressed_page_size * 8)) return failed('a dictionary page header is damaged');
        const { data } = readPage(reader, header, decoder, undefined, undefined, 0);
        if (data) dictionary = convert(data, decoder);
        continue;
      } else if (header.type === 'DATA_PAGE' && header.data_page_header) {
        const daph = header.data_page_header;
        count = daph.num_values;
        if (!(count >= 0 && count <= task.rows)) return failed('a data page header is damaged');
        if (daph.encoding.endsWith('_DICTIONARY') && dictionary === undefined) return failed('a dictionary-encoded page comes before its dictionary');
        const page = decompressPage(new Uint8Array(reader.view.buffer, reader.view.byteOffset + reader.offset, compressed), header.uncompressed_page_size, task.codec, compressors);
        reader.offset += compressed;
        const decoded = readPageV1(page, daph, decoder, maxDefinition, dictionary) ?? readDataPage(page, daph, decoder);
        values = 'looked' in decoded ? decoded.dataPage : convertWithDictionary(decoded.dataPage, dictionary, daph.encoding, decoder);
        levels = decoded.definitionLevels;
      } else if (header.type === 'DATA_PAGE_V2' && header.data_page_header_v2) {
        const daph2 = header.data_page_header_v2;
        count = daph2.num_values;
        if (!(count >= 0 && count <= task.rows)) return failed('a data page header is damaged');
        if (daph2.encoding.endsWith('_DICTIONARY') && dictionary === undefined) return failed('a dictionary-encoded page comes before its dictionary');
        const page = new Uint8Array(reader.view.buffer, reader.view.byteOffset + reader.offset, compressed);
        reader.offset += compressed;
        const decoded = readPageV2(page, header, daph2, decoder, maxDefinition, dictionary);
        if (!decoded) return failed('a data page header is damaged');
        values = 'looked' in decoded ? decoded.dataPage : convertWithDictionary(decoded.dataPage, dictionary, daph2.encoding, decoder);
        levels = decoded.definitionLevels;
      } else {
        // An index page (or an unknown one): nothing to decode.
        reader.offset += compressed;
        continue;
      }
      if (r + count > stop) return failed('its pages hold more values than the row group has rows');
      if (values instanceof BigInt64Array || values instanceof BigUint64Array) values = int64Numbers(values);
      if (!levels || levels.length === 0 || maxDefinition === 0) {
        if (values.length !== count) return failed('a page holds fewer values than its header says');
        if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array) {
          const bad = putNumbers(out, values, r, count);
          if (bad > 0) {
            nonFinite += bad;
            if (firstMissingRow === 0) firstMissingRow = firstNaN(out, r, count) + 1;
          }
        } else {
          for (let i = 0; i < count; i++) put(r + i, values[i]);
        }
      } else {
        if (levels.length !== count) return failed('a page holds fewer levels than its header says');
        let k = 0;
        for (let i = 0; i < count; i++) {
          if (levels[i] === maxDefinition) {
            if (k >= values.length) return failed('a page holds fewer values than its levels say');
            put(r + i, values[k++]);
          } else {
            empty++;
            missing(r + i);
          }
        }
      }
      r += count;
    }
  } catch (err) {
    if (err instanceof Error && (err.name === 'AbortError' || err.name === 'CancelledError')) throw err;
    return failed(err instanceof Error ? err.message.split(/\r?\n/)[0] : String(err));
  }
  if (r !== stop) return failed(`its pages hold ${r - task.rowStart} values, the row group has ${task.rows} rows`);
  if (context.done) Atomics.add(context.done, 0, 1);
  return { empty, nonFinite, firstMissingRow, problem: null };
}

interface ReadPage {
  readonly dataPage: DecodedArray;
  /** Empty where every value is present (or the column is required). */
  readonly definitionLevels: ArrayLike<number>;
  /** Set where dataPage holds the dictionary's values already (lookUp), not the page's indices into it. */
  readonly looked?: true;
}

/**
 * A version-1 data page (the default of pyarrow, DuckDB and Spark), already decompressed; null where hyparquet's
 * readDataPage should read it, as it did before this was written (it then fails a damaged page as it did).
 *
 * An optional column's definition levels (one bit each, an RLE / bit-packed run after a 4-byte length) are read here
 * into bytes: hyparquet expands them into a JavaScript array and walks it again to count the nulls, which took 0.8 s of
 * processor time, a third of the read, on a DuckDB-written million-row table of doubles. The values after them
 * decode as a required column's would, byte-stream-split numbers here (splitNumbers).
 */
function readPageV1(page: Uint8Array, daph: DataPageHeader, decoder: ColumnDecoder, maxDefinition: number, dictionary: DecodedArray | undefined): ReadPage | null {
  let valuesAt = 0;
  let present = daph.num_values;
  let levels: ArrayLike<number> = [];
  if (maxDefinition === 1) {
    if (daph.definition_level_encoding !== 'RLE' || page.length < 4) return null;
    const length = (page[0] | (page[1] << 8) | (page[2] << 16)) + page[3] * 2 ** 24;
    if (4 + length > page.length) return null;
    const own = new Uint8Array(daph.num_values);
    present = readFlagLevels(page, 4, 4 + length, own);
    if (present < 0) return null;
    if (present < own.length) levels = own;
    valuesAt = 4 + length;
  }
  const bytes = page.subarray(valuesAt);
  if (ownEncoding(daph.encoding)) {
    const own = ownValues(bytes, daph.encoding, present, decoder, dictionary, levels);
    // A byte-stream-split page that does not split goes to hyparquet whole (and fails as it did).
    if (own || daph.encoding === 'BYTE_STREAM_SPLIT') return own;
  }
  // A required column's other pages are hyparquet's as they are.
  if (maxDefinition === 0) return null;
  return { dataPage: vendor().readDataPage(bytes, { ...daph, num_values: present }, requiredDecoder(decoder)).dataPage, definitionLevels: levels };
}

/**
 * A version-2 data page (levels uncompressed, then the values, compressed unless the header says not); null where
 * its level lengths do not fit in the page. The definition levels are read here (readFlagLevels) where the header
 * counts nulls, and skipped where it counts none (every level is then the maximum); a page whose levels do not read
 * that way goes to hyparquet's readDataPageV2 whole, as before. Byte-stream-split numbers are split here
 * (splitNumbers); other values are hyparquet's, decoded as a required column's.
 */
function readPageV2(page: Uint8Array, header: PageHeader, daph2: DataPageHeaderV2, decoder: ColumnDecoder, maxDefinition: number, dictionary: DecodedArray | undefined): ReadPage | null {
  const repetition = daph2.repetition_levels_byte_length;
  const definition = daph2.definition_levels_byte_length;
  const levelBytes = repetition + definition;
  if (!(repetition >= 0 && definition >= 0 && levelBytes <= page.length && levelBytes <= header.uncompressed_page_size)) return null;
  let levels: ArrayLike<number> = [];
  if (maxDefinition === 1 && daph2.num_nulls !== 0) {
    const own = new Uint8Array(daph2.num_values);
    if (readFlagLevels(page, repetition, levelBytes, own) < 0) return hyparquetV2(page, header, decoder);
    levels = own;
  }
  // As hyparquet reads it: a required column's values follow the repetition levels.
  const valuesAt = maxDefinition === 1 ? levelBytes : repetition;
  const present = daph2.num_values - daph2.num_nulls;
  if (ownEncoding(daph2.encoding)) {
    let bytes = page.subarray(valuesAt);
    const size = header.uncompressed_page_size - levelBytes;
    if (daph2.is_compressed !== false && size) bytes = vendor().decompressPage(bytes, size, decoder.codec, decoder.compressors);
    const own = ownValues(bytes, daph2.encoding, present, decoder, dictionary, levels);
    if (own) return own;
  }
  if (maxDefinition === 0) return hyparquetV2(page, header, decoder);
  const bare: PageHeader = {
    ...header,
    uncompressed_page_size: header.uncompressed_page_size - levelBytes,
    data_page_header_v2: { ...daph2, repetition_levels_byte_length: 0, definition_levels_byte_length: 0 },
  };
  return { dataPage: vendor().readDataPageV2(page.subarray(levelBytes), bare, requiredDecoder(decoder)).dataPage, definitionLevels: levels };
}

/** The value encodings this file decodes itself: byte-stream-split numbers and dictionary indices. */
function ownEncoding(encoding: string): boolean {
  return encoding === 'BYTE_STREAM_SPLIT' || encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY';
}

/** A page's values section in one of ownEncoding's encodings (splitNumbers, lookUp); null where they decline it. */
function ownValues(bytes: Uint8Array, encoding: string, count: number, decoder: ColumnDecoder, dictionary: DecodedArray | undefined, levels: ArrayLike<number>): ReadPage | null {
  if (encoding === 'BYTE_STREAM_SPLIT') {
    const split = splitNumbers(bytes, count, decoder.type);
    return split && { dataPage: split, definitionLevels: levels };
  }
  const looked = lookUp(bytes, count, dictionary);
  return looked && { dataPage: looked, definitionLevels: levels, looked: true };
}

function hyparquetV2(page: Uint8Array, header: PageHeader, decoder: ColumnDecoder): ReadPage {
  const decoded = vendor().readDataPageV2(page, header, decoder);
  return { dataPage: decoded.dataPage, definitionLevels: decoded.definitionLevels ?? [] };
}

/** The decoder of the same column declared required: it reads values only (their levels are read already). */
function requiredDecoder(decoder: ColumnDecoder): ColumnDecoder {
  const leaf = decoder.schemaPath[decoder.schemaPath.length - 1];
  return { ...decoder, schemaPath: [...decoder.schemaPath.slice(0, -1), { ...leaf, element: { ...leaf.element, repetition_type: 'REQUIRED' } }] };
}

/**
 * A dictionary-encoded page's values (a byte of bit width, then the indices as an RLE / bit-packed hybrid, as
 * hyparquet's readDataPage and readDataPageV2 read them) looked up in a numeric dictionary: count float32 numbers,
 * each the dictionary's value rounded as the kernel's put rounds it, NaN for an index past the dictionary's end
 * (hyparquet's lookup gives undefined there, which the kernel counts non-finite, as NaN). hyparquet builds a
 * JavaScript array of the indices and another of the values: 1.3 s of processor time on a million-row table of 50
 * dictionary-encoded doubles, as DuckDB writes few-valued columns and pyarrow every column by default. Null where the
 * dictionary is not a typed array of numbers (or of 64-bit integers), the bit width is 0 or above 24, or the runs do
 * not fit (hyparquet then reads the values, and its lookup runs).
 */
export function lookUp(bytes: Uint8Array, count: number, dictionary: DecodedArray | undefined): Float32Array | null {
  if (
    !(dictionary instanceof Float64Array || dictionary instanceof Float32Array || dictionary instanceof Int32Array || dictionary instanceof BigInt64Array || dictionary instanceof BigUint64Array)
  ) {
    return null;
  }
  if (bytes.length < 1) return null;
  const width = bytes[0];
  if (width === 0 || width > 24) return null;
  const indices = indexScratch(count);
  if (!readHybrid(bytes, 1, bytes.length, width, indices)) return null;
  // The dictionary rounded to float32 once (each value as the kernel's put rounds it), then one gather a value.
  const table = rounded(dictionary);
  const out = new Float32Array(count);
  const size = table.length;
  for (let i = 0; i < count; i++) {
    const k = indices[i];
    out[i] = k < size ? table[k] : NaN;
  }
  return out;
}

/** A dictionary's values as float32, made once per dictionary page (a chunk's pages share it). */
const roundedTables = new WeakMap<object, Float32Array>();
function rounded(dictionary: Float64Array | Float32Array | Int32Array | BigInt64Array | BigUint64Array): Float32Array {
  let table = roundedTables.get(dictionary);
  if (!table) {
    if (dictionary instanceof Float32Array) table = dictionary;
    else if (dictionary instanceof BigInt64Array || dictionary instanceof BigUint64Array) table = Float32Array.from(int64Numbers(dictionary));
    else table = Float32Array.from(dictionary);
    roundedTables.set(dictionary, table);
  }
  return table;
}

/** One index buffer per thread, reused from page to page (a page's indices are read once, into its values). */
let indexBuffer = new Int32Array(0);
function indexScratch(count: number): Int32Array {
  if (indexBuffer.length < count) indexBuffer = new Int32Array(Math.max(count, 2 * indexBuffer.length));
  return indexBuffer.subarray(0, count);
}

/**
 * The RLE / bit-packed hybrid of `width` bits (1–24) in bytes[from, end) into out, as hyparquet's
 * readRleBitPackedHybrid reads it (dictionary indices; definition levels, one bit each); false where a run does not
 * fit (it reads past end, or runs past out's end).
 */
export function readHybrid(bytes: Uint8Array, from: number, end: number, width: number, out: Int32Array | Uint8Array): boolean {
  const n = out.length;
  const mask = 2 ** width - 1;
  const valueBytes = (width + 7) >> 3;
  let at = from;
  let seen = 0;
  const cursor = { at };
  while (seen < n) {
    cursor.at = at;
    const header = runHeader(bytes, cursor, end);
    if (header < 0) return false;
    at = cursor.at;
    const run = Math.floor(header / 2);
    if (header % 2 === 1) {
      // run groups of eight values of `width` bits, low bit first; values past out's end are padding
      const groupBytes = run * width;
      if (groupBytes > end - at) return false;
      const take = Math.min(8 * run, n - seen);
      for (let i = 0; i < take; i++) {
        const bit = i * width;
        const k = at + (bit >> 3);
        // Four bytes hold any value of at most 24 bits from any bit offset (bytes past the array read as 0).
        const word = bytes[k] | (bytes[k + 1] << 8) | (bytes[k + 2] << 16) | (bytes[k + 3] << 24);
        out[seen + i] = (word >>> (bit & 7)) & mask;
      }
      at += groupBytes;
      seen += take;
    } else {
      if (valueBytes > end - at || run > n - seen) return false;
      let value = 0;
      for (let b = 0; b < valueBytes; b++) value |= bytes[at++] << (8 * b);
      out.fill(value, seen, seen + run);
      seen += run;
    }
  }
  return true;
}

/**
 * The varint header of the RLE / bit-packed hybrid's next run at cursor.at, the cursor moved past it; −1 where it
 * runs past `end` or past 35 bits (a damaged page).
 */
function runHeader(bytes: Uint8Array, cursor: { at: number }, end: number): number {
  let header = 0;
  let shift = 0;
  for (;;) {
    if (cursor.at >= end || shift > 28) return -1;
    const byte = bytes[cursor.at++];
    header += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return header;
  }
}

/**
 * BYTE_STREAM_SPLIT values of FLOAT, DOUBLE or INT32 (the byte-stream-split encoding DuckDB writes for floating-point
 * columns of version-2 files): stream b holds byte b of every value, so value i is streams[·][i] put back together —
 * four bytes a 32-bit word, where hyparquet's byteStreamSplit moves one byte a DataView call (0.5 s of processor time
 * a thread on a million-row table of doubles). The same bytes in the same places (little-endian, as hyparquet's typed
 * arrays read them). Null for other types, or where the page holds fewer than count values (hyparquet then reads it,
 * and fails it as before). The numbers are a view of this thread's buffer (wordScratch), valid until its next split.
 */
export function splitNumbers(bytes: Uint8Array, count: number, type: ColumnDecoder['type']): Float32Array | Float64Array | Int32Array | null {
  const width = type === 'DOUBLE' ? 8 : type === 'FLOAT' || type === 'INT32' ? 4 : 0;
  if (width === 0 || !(count >= 0) || bytes.length < width * count) return null;
  const words = wordScratch((width / 4) * count);
  if (width === 8) splitEight(bytes, count, words);
  else splitFour(bytes, count, words);
  return type === 'DOUBLE' ? new Float64Array(words.buffer, 0, count) : type === 'FLOAT' ? new Float32Array(words.buffer, 0, count) : new Int32Array(words.buffer, 0, count);
}

function splitFour(bytes: Uint8Array, n: number, words: Uint32Array): void {
  for (let i = 0; i < n; i++) words[i] = bytes[i] | (bytes[n + i] << 8) | (bytes[2 * n + i] << 16) | (bytes[3 * n + i] << 24);
}

function splitEight(bytes: Uint8Array, n: number, words: Uint32Array): void {
  for (let i = 0; i < n; i++) {
    words[2 * i] = bytes[i] | (bytes[n + i] << 8) | (bytes[2 * n + i] << 16) | (bytes[3 * n + i] << 24);
    words[2 * i + 1] = bytes[4 * n + i] | (bytes[5 * n + i] << 8) | (bytes[6 * n + i] << 16) | (bytes[7 * n + i] << 24);
  }
}

/**
 * One word buffer per thread for splitNumbers, reused from page to page (a fresh one a page was a third of its time,
 * in page faults and collection): the numbers it returns are read before the thread's next page is split.
 */
let wordBuffer = new Uint32Array(0);
registerKernelMemory(() => {
  const held = wordBuffer.length > 0 || indexBuffer.length > 0;
  wordBuffer = new Uint32Array(0);
  indexBuffer = new Int32Array(0);
  return held;
});
function wordScratch(words: number): Uint32Array {
  if (wordBuffer.length < words) wordBuffer = new Uint32Array(Math.max(words, 2 * wordBuffer.length));
  return wordBuffer;
}

/**
 * Levels of bit width 1 (readHybrid) into out, 0 or 1 each; returns how many are 1, or −1 where a run does not fit or
 * repeats a value other than 0 or 1 (hyparquet's reader then reads the page as before).
 */
export function readFlagLevels(bytes: Uint8Array, from: number, end: number, out: Uint8Array): number {
  if (!readHybrid(bytes, from, end, 1, out)) return -1;
  let ones = 0;
  for (let i = 0; i < out.length; i++) {
    const level = out[i];
    if (level > 1) return -1;
    ones += level;
  }
  return ones;
}

/**
 * A page of 64-bit integers (pandas' int64, DuckDB's BIGINT) as the numbers Number(bigint) gives, read as two 32-bit
 * halves: hi·2³² is exact, so hi·2³² + lo is the exact integer rounded once, as Number rounds it. Reading the
 * BigInt64Array itself made a heap BigInt of every value: 1.5 s of processor time, half of it in the collector, on a
 * million-row table of 50 BIGINT columns.
 */
export function int64Numbers(values: BigInt64Array | BigUint64Array): Float64Array {
  const n = values.length;
  const words = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  const out = new Float64Array(n);
  if (values instanceof BigUint64Array) for (let i = 0; i < n; i++) out[i] = (words[2 * i + 1] >>> 0) * 4294967296 + (words[2 * i] >>> 0);
  else for (let i = 0; i < n; i++) out[i] = words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0);
  return out;
}

/**
 * `put` over a page of plain numbers, one loop instead of a call per value: out[at + i] = fround(values[i]) where
 * that is finite, else NaN. Returns how many were not finite.
 */
function putNumbers(out: Float32Array, values: Float64Array | Float32Array | Int32Array, at: number, count: number): number {
  let bad = 0;
  for (let i = 0; i < count; i++) {
    const f = Math.fround(values[i]);
    if (f - f === 0) {
      out[at + i] = f;
    } else {
      out[at + i] = NaN;
      bad++;
    }
  }
  return bad;
}

/** The first row of out[at, at + count) holding NaN (at + count if none). */
function firstNaN(out: Float32Array, at: number, count: number): number {
  for (let i = at; i < at + count; i++) if (out[i] !== out[i]) return i;
  return at + count;
}

function failed(problem: string): ParquetChunkResult {
  return { empty: 0, nonFinite: 0, firstMissingRow: 0, problem };
}

function readRange(file: string, start: number, end: number): Uint8Array {
  const buf = new Uint8Array(Math.max(0, end - start));
  const fd = openSync(file, 'r');
  try {
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Arrow IPC files (Feather v2 is the IPC file format) and IPC streams, read with apache-arrow one record batch at a
 * time from an open file handle; cancellation is checked between batches. ZSTD- and LZ4-compressed buffers (pyarrow's
 * `write_feather` compresses with LZ4 by default) are decompressed by the reference zstd decoder (zstd.ts; fzstd where
 * a frame does not state its size) and lz4js, registered as apache-arrow's codecs. Values become cells with the CSV semantic in columnar.ts. Feather v1 (the 2016 format, magic "FEA1") is
 * refused with the way to convert it.
 */
import type { FileHandle } from 'node:fs/promises';
import type { DataType, Field, RecordBatch } from 'apache-arrow';
import { decompress as fzstdDecompress } from 'fzstd';
import type { Dataset, LoadOptions } from '../dataset';
import { DatasetError } from '../errors';
import { openDataFile } from './csv';
import { ColumnarBuilder } from './columnar';
import type { ColumnarField } from './columnar';
import { vendor } from './vendor';

let codecsRegistered = false;

/** apache-arrow ships the codec slots but no codecs; without these a compressed batch is "codec not found". */
function registerCodecs(): void {
  if (codecsRegistered) return;
  codecsRegistered = true;
  const { CompressionType, compressionRegistry, lz4Decompress, zstdDecompressFrames } = vendor();
  if (!compressionRegistry.get(CompressionType.ZSTD)) compressionRegistry.set(CompressionType.ZSTD, { decode: (data) => zstdDecompressFrames(data) ?? fzstdDecompress(data) });
  if (!compressionRegistry.get(CompressionType.LZ4_FRAME)) compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: (data) => lz4Decompress(data) });
}

export async function loadArrowDataset(file: string, options: LoadOptions = {}): Promise<Dataset> {
  options.signal?.throwIfAborted();
  const arrow = await openArrow(file);
  try {
    const builder = new ColumnarBuilder(file, arrow.fields, 0, options);
    let rows = 0;
    for await (const batch of arrowBatches(arrow, options.signal)) {
      const n = batch.numRows;
      if (n === 0) continue;
      builder.reserve(rows + n);
      addBatchRows(builder, arrow.fields, batch, 0, n, rows);
      rows += n;
    }
    if (rows === 0) throw new DatasetError('noRows', 'the Arrow file has no rows', { file, expected: 'data rows' });
    return builder.finish({ format: 'arrow', parser: 'apache-arrow', bytes: arrow.size }, rows);
  } finally {
    await arrow.handle.close();
  }
}

/** An open Arrow file: its handle (the caller closes it), size, reader (schema read) and fields. */
export interface OpenArrow {
  readonly file: string;
  readonly handle: FileHandle;
  readonly size: number;
  readonly reader: Awaited<ReturnType<typeof openReader>>;
  readonly fields: ColumnarField[];
}

/**
 * `file` opened for its record batches, the codecs registered: a Feather v1 file is refused with the way to convert
 * it, and a schema that cannot be read is a corruptFile error naming the file.
 */
export async function openArrow(file: string): Promise<OpenArrow> {
  registerCodecs();
  const handle = await openDataFile(file);
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    if (head.toString('latin1') === 'FEA1') {
      throw new DatasetError('unsupportedFormat', 'is a Feather v1 file (the 2016 format), which is not supported', {
        file,
        expected: 'Feather v2 / Arrow IPC: re-save it, e.g. pyarrow.feather.write_feather(pyarrow.feather.read_table(path), out)',
      });
    }
    let reader: Awaited<ReturnType<typeof openReader>>;
    try {
      reader = await openReader(handle);
    } catch (err) {
      throw corrupt(err, file, 'its schema cannot be read');
    }
    return { file, handle, size, reader, fields: reader.schema.fields.map(describeField) };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** The record batches in order, cancellation checked between them; a batch that cannot be read is a corruptFile error. */
export async function* arrowBatches(arrow: OpenArrow, signal?: LoadOptions['signal']): AsyncGenerator<RecordBatch> {
  const iterator = arrow.reader[Symbol.asyncIterator]();
  for (let batches = 0; ; batches++) {
    signal?.throwIfAborted();
    let next: IteratorResult<RecordBatch>;
    try {
      next = await iterator.next();
    } catch (err) {
      throw corrupt(err, arrow.file, `record batch ${batches + 1} cannot be read`);
    }
    if (next.done) return;
    yield next.value;
  }
}

/** Rows [from, to) of a batch into the builder's readable columns at row `at`, dates and timestamps as Dates. */
export function addBatchRows(builder: ColumnarBuilder, fields: readonly ColumnarField[], batch: RecordBatch, from: number, to: number, at: number): void {
  for (const i of builder.readable) {
    const vector = batch.getChildAt(i);
    if (!vector) continue;
    const date = isDateLike(fields[i], batch.schema.fields[i].type);
    builder.addChunk(i, at, to - from, date ? (j) => toDate(vector.get(from + j)) : (j) => vector.get(from + j));
  }
}

async function openReader(handle: FileHandle): Promise<{ readonly schema: { readonly fields: Field[] } } & AsyncIterable<RecordBatch>> {
  const reader = await vendor().RecordBatchReader.from(handle);
  await reader.open();
  return reader as unknown as { readonly schema: { readonly fields: Field[] } } & AsyncIterable<RecordBatch>;
}

function corrupt(err: unknown, file: string, what: string): Error {
  if (err instanceof DatasetError) return err;
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'CancelledError')) return err;
  const detail = err instanceof Error ? err.message.split(/\r?\n/)[0] : String(err);
  return new DatasetError('corruptFile', `not a readable Arrow IPC / Feather v2 file: ${what} (${detail})`, {
    file,
    expected: 'a complete Arrow IPC file or stream (was it truncated or still being written?)',
  });
}

/** Dates and timestamps come out of apache-arrow as epoch milliseconds: made Dates so they are written as ISO text. */
function isDateLike(field: ColumnarField, type: DataType): boolean {
  const { Type } = vendor();
  return field.unsupported === null && (type.typeId === Type.Date || type.typeId === Type.Timestamp);
}

function toDate(v: unknown): Date | null {
  if (typeof v === 'number') return new Date(v);
  if (typeof v === 'bigint') return new Date(Number(v));
  return null;
}

function describeField(field: Field): ColumnarField {
  const { Type } = vendor();
  const type = field.type as DataType;
  const typeName = String(type);
  const base = { name: field.name, typeName };
  switch (type.typeId) {
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
    case Type.Struct:
    case Type.Map:
    case Type.Union:
      return { ...base, kind: 'value', unsupported: `a nested ${Type[type.typeId].toLowerCase()} column, not supported: flatten it into one column per field or element` };
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView:
    case Type.FixedSizeBinary:
      return { ...base, kind: 'value', unsupported: 'raw binary values are not supported' };
    case Type.Decimal:
    case Type.Interval:
      return { ...base, kind: 'value', unsupported: `Arrow ${Type[type.typeId].toLowerCase()} values are not supported` };
    case Type.Dictionary: {
      const value = (type as unknown as { readonly dictionary: DataType }).dictionary;
      if (value.typeId === Type.Utf8 || value.typeId === Type.LargeUtf8 || value.typeId === Type.Int || value.typeId === Type.Float) {
        return { ...base, kind: 'value', unsupported: null };
      }
      return { ...base, kind: 'value', unsupported: `a dictionary of ${String(value)} values is not supported` };
    }
    case Type.Date:
      return { ...base, kind: 'date', unsupported: null };
    default:
      return { ...base, kind: 'value', unsupported: null };
  }
}

/**
 * An Arrow IPC file or stream too big for the memory budget, in one pass (as streamParquet.ts passes over a Parquet
 * file), and the shape the streaming plan estimates it by. Batches are read by io/arrow.ts's reader, with its codecs,
 * cell semantic and errors.
 */
import type { RecordBatch } from 'apache-arrow';
import { DatasetError } from '../errors';
import { addBatchRows, arrowBatches, openArrow } from '../io/arrow';
import { columnarStream } from './columnarStream';
import { STREAM_CHUNK_ROWS } from './streamCsv';
import type { StreamedTable, StreamOptions } from './streamCsv';

/**
 * The rows an Arrow file holds, estimated for the streaming plan; its readable columns; and its first record batch's
 * bytes as read (the pass holds one batch at a time). An IPC file's footer counts its record batches: rows ≈ batches
 * × the first batch's rows (writers cut equal batches, the last one shorter). An IPC stream has no footer: rows ≈ the
 * file's size over the first batch's bytes a row.
 */
export async function arrowShape(file: string): Promise<{ rows: number; fields: number; batchBytes: number }> {
  const arrow = await openArrow(file);
  try {
    const fields = arrow.fields.filter((f) => f.unsupported === null).length;
    const first = await arrowBatches(arrow).next();
    if (first.done) return { rows: 0, fields, batchBytes: 0 };
    const n = first.value.numRows;
    const reader = arrow.reader as unknown as { isFile(): boolean; readonly numRecordBatches: number };
    const bytes = Math.max(1, batchBytes(first.value));
    if (reader.isFile() && reader.numRecordBatches > 0) return { rows: reader.numRecordBatches * n, fields, batchBytes: bytes };
    return { rows: Math.max(n, Math.round((arrow.size * n) / bytes)), fields, batchBytes: bytes };
  } finally {
    await arrow.handle.close();
  }
}

/** The bytes of a record batch's buffers (values, offsets, validity), as read. */
function batchBytes(batch: RecordBatch): number {
  let bytes = 0;
  const add = (data: { readonly values?: ArrayBufferView; readonly valueOffsets?: ArrayBufferView; readonly nullBitmap?: ArrayBufferView; readonly children?: readonly unknown[] }): void => {
    bytes += (data.values?.byteLength ?? 0) + (data.valueOffsets?.byteLength ?? 0) + (data.nullBitmap?.byteLength ?? 0);
    for (const child of data.children ?? []) add(child as typeof data);
  };
  for (let i = 0; i < batch.numCols; i++) for (const data of batch.getChildAt(i)?.data ?? []) add(data as Parameters<typeof add>[0]);
  return bytes;
}

/**
 * One streaming pass over an Arrow file too big for the memory budget, as streamParquet passes over a Parquet file:
 * record batch after record batch, cut into the STREAM_CHUNK_ROWS chunks of a StreamSink with the columnar cell
 * semantic, each folded by the same ChunkFolder — exact moments, co-moments, label counts — and a seeded uniform
 * sample typed like any table. apache-arrow decodes a record batch whole, so memory stays at one batch plus a chunk
 * plus the sample; `expectedRows` (arrowShape) sets the sampling rate.
 */
export async function streamArrow(file: string, expectedRows: number, options: StreamOptions): Promise<StreamedTable> {
  options.signal?.throwIfAborted();
  const arrow = await openArrow(file);
  try {
    const fields = arrow.fields;
    const { folder, builder, sink, sample, sampler } = columnarStream(file, fields, expectedRows, options);
    let rows = 0;
    for await (const batch of arrowBatches(arrow, options.signal)) {
      const n = batch.numRows;
      // The batch's rows, piece by piece up to the end of the current chunk (which starts at row sink.handed).
      for (let start = 0; start < n; ) {
        options.onProgress?.(Math.min(1, (rows + start) / Math.max(1, expectedRows)), rows + start);
        const end = Math.min(n, sink.handed + STREAM_CHUNK_ROWS - rows);
        addBatchRows(builder, fields, batch, start, end, rows + start - sink.handed);
        sink.rows = rows + end - sink.handed;
        if (sink.rows === STREAM_CHUNK_ROWS) sink.flush();
        start = end;
      }
      rows += n;
    }
    sink.flush();
    if (rows === 0) throw new DatasetError('noRows', 'the Arrow file has no rows', { file, expected: 'data rows' });
    const typed = sampler.finish({ format: 'arrow', parser: 'apache-arrow', bytes: arrow.size }, sample.rows);
    return folder.result(sink, builder.readable.map((i) => builder.names[i]), typed);
  } finally {
    await arrow.handle.close();
  }
}

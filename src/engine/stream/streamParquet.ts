/**
 * One streaming pass over a Parquet file too big for the memory budget: rows are read through hyparquet in slices of
 * STREAM_CHUNK_ROWS (whatever the file's row groups), each slice filled into a StreamSink with the columnar cell
 * semantic (columnar.ts) and folded by the same ChunkFolder as a streamed CSV — exact moments, co-moments, label
 * counts, and a seeded uniform sample typed like any table. Memory stays at one slice (plus the column chunk being
 * decoded) plus the sample.
 */
import { ColumnSink } from '../io/csvFast';
import { ColumnarBuilder } from '../io/columnar';
import { openParquet, readParquetRows } from '../io/parquet';
import { ChunkFolder, STREAM_CHUNK_ROWS } from './streamCsv';
import type { StreamedTable, StreamOptions } from './streamCsv';
import { StreamSink } from './streamSink';

/** The row count a Parquet file's footer states, and its readable columns (for the streaming plan). */
export async function parquetShape(file: string): Promise<{ rows: number; fields: number }> {
  const pq = await openParquet(file);
  try {
    return { rows: pq.rows, fields: pq.fields.filter((f) => f.unsupported === null).length };
  } finally {
    await pq.handle.close();
  }
}

export async function streamParquet(file: string, options: StreamOptions): Promise<StreamedTable> {
  options.signal?.throwIfAborted();
  const pq = await openParquet(file);
  try {
    const folder = new ChunkFolder(options, Math.min(1, options.sampleRows / Math.max(1, pq.rows)));
    let stream: StreamSink | null = null;
    const builder = new ColumnarBuilder(file, pq.fields, STREAM_CHUNK_ROWS, options, (fieldCount, labelIndex) => {
      stream = new StreamSink(fieldCount, labelIndex, STREAM_CHUNK_ROWS, folder.onChunk);
      return stream;
    });
    // The sample's own builder: the same columns, label and types, over the sampled rows the folder copies in.
    const sampleRows = Math.ceil(options.sampleRows * 1.1) + 1024;
    const sampler = new ColumnarBuilder(file, pq.fields, sampleRows, options, (fieldCount, labelIndex, rows) => {
      folder.sample = new ColumnSink(fieldCount, labelIndex, rows);
      return folder.sample;
    });
    const sink = stream as StreamSink | null;
    if (!sink || !folder.sample) throw new Error('the Parquet reader did not make its sinks');
    const columns = builder.readable.map((i) => pq.fields[i].name);
    const byName = new Map<string, number>();
    builder.readable.forEach((i) => {
      if (!byName.has(pq.fields[i].name)) byName.set(pq.fields[i].name, i);
    });
    for (let start = 0; start < pq.rows; start += STREAM_CHUNK_ROWS) {
      options.signal?.throwIfAborted();
      options.onProgress?.(start / pq.rows, start);
      const end = Math.min(pq.rows, start + STREAM_CHUNK_ROWS);
      await readParquetRows(pq, file, builder, columns, byName, start, end, start);
      sink.rows = end - start;
      sink.flush();
    }
    const sample = folder.sample;
    const typed = sampler.finish({ format: 'parquet', parser: 'hyparquet', bytes: pq.size }, sample.rows);
    return folder.result(sink, builder.readable.map((i) => builder.names[i]), typed);
  } finally {
    await pq.handle.close();
  }
}

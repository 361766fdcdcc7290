/**
 * One streaming pass over a Parquet file too big for the memory budget: rows are read through hyparquet in slices of
 * STREAM_CHUNK_ROWS (whatever the file's row groups), each slice filled into a StreamSink with the columnar cell
 * semantic (columnar.ts) and folded by the same ChunkFolder as a streamed CSV — exact moments, co-moments, label
 * counts, and a seeded uniform sample typed like any table. Memory stays at one slice (plus the column chunk being
 * decoded) plus the sample.
 */
import { fastParquetColumns, openParquet, readParquetRows, startFastChunks } from '../io/parquet';
import { newSharedFloat32 } from '../typed';
import { columnarStream } from './columnarStream';
import { STREAM_CHUNK_ROWS } from './streamCsv';
import type { StreamedTable, StreamOptions } from './streamCsv';

/** The row count a Parquet file's footer states, and its readable columns (for the streaming plan). */
export async function parquetShape(file: string): Promise<{ rows: number; fields: number }> {
  const pq = await openParquet(file);
  try {
    return { rows: pq.rows, fields: pq.fields.filter((f) => f.unsupported === null).length };
  } finally {
    await pq.handle.close();
  }
}

/** A row group whose decoded flat numeric columns take at most this much (as float32) is decoded whole on the threads. */
export const STREAM_GROUP_MAX_BYTES = 64 * 1024 * 1024;

export interface ParquetStreamOptions extends StreamOptions {
  /** Row groups whose flat numeric columns take at most this many bytes are decoded whole (default 64 MiB). */
  readonly wholeGroupBytes?: number;
}

export async function streamParquet(file: string, options: ParquetStreamOptions): Promise<StreamedTable> {
  options.signal?.throwIfAborted();
  const pq = await openParquet(file);
  try {
    const { folder, builder, sink, sample, sampler } = columnarStream(file, pq.fields, pq.rows, options);
    const columns = builder.readable.map((i) => pq.fields[i].name);
    const byName = new Map<string, number>();
    builder.readable.forEach((i) => {
      if (!byName.has(pq.fields[i].name)) byName.set(pq.fields[i].name, i);
    });
    // Flat numeric columns of a row group small enough are decoded whole on the threads (parquetChunks.ts), as the
    // in-memory reader does, and copied into the chunks; the label and the other columns, and bigger row groups, go
    // through hyparquet's reader. The chunks are the same 65,536-row slices of the file either way.
    const fast = fastParquetColumns(pq, builder);
    const slow = columns.filter((name) => !fast.has(name));
    const fastColumns = new Set([...fast.values()].map((f) => f.column));
    const decoded = new Map<number, Float32Array>();
    let groupStart = 0;
    for (let g = 0; g < pq.metadata.row_groups.length; g++) {
      const n = Number(pq.metadata.row_groups[g].num_rows);
      const groupEnd = groupStart + n;
      const whole = fast.size > 0 && n * fast.size * 4 <= (options.wholeGroupBytes ?? STREAM_GROUP_MAX_BYTES);
      if (whole) {
        options.signal?.throwIfAborted();
        const buffers = builder.sinkColumns().map((_, c) => {
          if (!fastColumns.has(c)) return null;
          let buffer = decoded.get(c);
          if (!buffer || buffer.length < n) decoded.set(c, (buffer = newSharedFloat32(n)));
          return buffer;
        });
        for (const { column, result } of startFastChunks(file, pq.metadata, fast, [{ group: g, rowStart: 0 }], buffers, groupStart, options)()) {
          sink.empty[column] += result.empty;
          sink.nonFinite[column] += result.nonFinite;
          if (sink.firstMissingRow[column] === 0 && result.firstMissingRow > 0) sink.firstMissingRow[column] = groupStart + result.firstMissingRow;
        }
      }
      // The group's rows, piece by piece up to the end of the current chunk (which starts at row sink.handed).
      for (let start = groupStart; start < groupEnd; ) {
        options.signal?.throwIfAborted();
        options.onProgress?.(start / pq.rows, start);
        const end = Math.min(groupEnd, sink.handed + STREAM_CHUNK_ROWS);
        if (whole) {
          for (const [c, buffer] of decoded) (sink.columns[c] as Float32Array).set(buffer.subarray(start - groupStart, end - groupStart), start - sink.handed);
          if (slow.length > 0) await readParquetRows(pq, file, builder, slow, byName, start, end, sink.handed);
        } else await readParquetRows(pq, file, builder, columns, byName, start, end, sink.handed);
        sink.rows = end - sink.handed;
        if (sink.rows === STREAM_CHUNK_ROWS) sink.flush();
        start = end;
      }
      groupStart = groupEnd;
    }
    sink.flush();
    const typed = sampler.finish({ format: 'parquet', parser: 'hyparquet', bytes: pq.size }, sample.rows);
    return folder.result(sink, builder.readable.map((i) => builder.names[i]), typed);
  } finally {
    await pq.handle.close();
  }
}

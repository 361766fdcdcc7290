/**
 * What a streaming pass over a columnar file (streamParquet.ts, streamArrow.ts) fills: a ColumnarBuilder whose sink
 * is a StreamSink of STREAM_CHUNK_ROWS rows, each chunk folded by a ChunkFolder (exact moments, co-moments, label
 * counts, the seeded sample), and the sample's own builder — the same columns, label and types, over the sampled rows
 * the folder copies in.
 */
import { ColumnarBuilder } from '../io/columnar';
import type { ColumnarField } from '../io/columnar';
import { ColumnSink } from '../io/csvFast';
import { ChunkFolder, STREAM_CHUNK_ROWS } from './streamCsv';
import type { StreamOptions } from './streamCsv';
import { StreamSink } from './streamSink';

export interface ColumnarStream {
  readonly folder: ChunkFolder;
  /** Cells go in through this builder, into `sink`. */
  readonly builder: ColumnarBuilder;
  readonly sink: StreamSink;
  /** The sampled rows (the folder's), and the builder that types them when the pass is over (sampler.finish). */
  readonly sample: ColumnSink;
  readonly sampler: ColumnarBuilder;
}

/** The builders of one pass over `file`, whose `expectedRows` set the sampling rate. */
export function columnarStream(file: string, fields: readonly ColumnarField[], expectedRows: number, options: StreamOptions): ColumnarStream {
  const folder = new ChunkFolder(options, Math.min(1, options.sampleRows / Math.max(1, expectedRows)));
  let stream: StreamSink | null = null;
  const builder = new ColumnarBuilder(file, fields, STREAM_CHUNK_ROWS, options, (fieldCount, labelIndex) => {
    stream = new StreamSink(fieldCount, labelIndex, STREAM_CHUNK_ROWS, folder.onChunk);
    return stream;
  });
  const sampleRows = Math.ceil(options.sampleRows * 1.1) + 1024;
  const sampler = new ColumnarBuilder(file, fields, sampleRows, options, (fieldCount, labelIndex, rows) => {
    folder.sample = new ColumnSink(fieldCount, labelIndex, rows);
    return folder.sample;
  });
  const sink = stream as StreamSink | null;
  const sample = folder.sample;
  if (!sink || !sample) throw new Error('the columnar reader did not make its sinks');
  return { folder, builder, sink, sample, sampler };
}

/**
 * One streaming pass over a CSV file too big for the memory budget. The CSV reader parses it chunk by chunk into a
 * StreamSink; each chunk is folded into mergeable statistics — exact per-column moments (count, missing, mean, sd,
 * skewness, kurtosis, min, max), pairwise-complete co-moments of every pair of columns (the correlation matrix), the
 * label's class counts or a numeric target's moments — and the rows of a seeded uniform sample are copied out into an
 * ordinary sink, which the reader's own finish() then types like any table. Memory stays at one chunk plus the sample
 * plus p² sums, whatever the file's size.
 */
import type { Dataset } from '../dataset';
import { parseCell } from '../io/csvCells';
import { ColumnSink } from '../io/csvFast';
import { openDataFile, parseOpenCsv } from '../io/csv';
import { finish } from '../io/finishTable';
import type { CsvOptions } from '../io/csv';
import { isMissingMarker } from '../io/missing';
import { addCoMomentRow, addCoMoments, chunkMoments, emptyCoMoments, emptyMoments, mergeMoments } from '../stats/mergeableMoments';
import { newSharedFloat32, newSharedFloat64 } from '../typed';
import type { CoMoments, MomentsPartial } from '../stats/mergeableMoments';
import { StreamSink } from './streamSink';
import type { SinkChunk } from './streamSink';

/** Rows per chunk: 50 float32 columns of 65,536 rows are 13 MB, small beside any budget and long enough to be fast. */
export const STREAM_CHUNK_ROWS = 65_536;

/** `runner`: threads for each chunk's co-moments (the same sums whatever their number). */
export interface StreamOptions extends CsvOptions {
  /** The sample's target size in rows (its actual size is binomial around this). */
  readonly sampleRows: number;
  readonly seed: number;
}

export interface StreamedColumn {
  /** 0-based position in the file. */
  readonly source: number;
  readonly name: string;
  readonly moments: MomentsPartial;
}

export interface StreamedTable {
  /** The seeded uniform sample, typed by the CSV reader like any table. */
  readonly sample: Dataset;
  /** Data rows in the file. */
  readonly rows: number;
  readonly chunks: number;
  readonly chunkRows: number;
  /** Each row was kept with this probability (a seeded hash of its position decides). */
  readonly sampleRate: number;
  /** Every column but the label, in file order. */
  readonly columns: readonly StreamedColumn[];
  /** Over `columns` in order, then the label's numeric value when it has one (index `columns.length`). */
  readonly coMoments: CoMoments;
  /** Whether the label's values are numbers (then its co-moments and `target` are filled). */
  readonly labelNumeric: boolean;
  /** Rows per label text (missing markers aside), when there is a label. */
  readonly labelCounts: ReadonlyMap<string, number> | null;
  readonly labelMissing: number;
  readonly target: MomentsPartial | null;
}

/** A uniform number in [0, 1) from a row's position and the seed (a 64-bit mix of both; the same on every machine). */
export function rowHash(row: number, seed: number): number {
  let h = Math.imul((row % 4294967296) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(Math.floor(row / 4294967296) + 0x632be5ab, 0xc2b2ae35);
  h ^= Math.imul(seed ^ 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * What every streamed format shares: each chunk a reader hands its StreamSink is folded into the mergeable
 * statistics, and its sampled rows are copied into `sample` (an ordinary sink the reader types at the end).
 */
export class ChunkFolder {
  private moments: MomentsPartial[] = [];
  private co: CoMoments | null = null;
  private target: MomentsPartial | null = null;
  private labelNumeric = true;
  private labelMissing = 0;
  private readonly labelCounts = new Map<string, number>();
  /** Adds the last chunk's co-moments, handed to the threads and not yet collected. */
  private pending: (() => void) | null = null;
  /** The two sets of shared copies of a chunk's columns (and label values) that the threads read, in turn. */
  private readonly copies: [(Float32Array | Float64Array)[], (Float32Array | Float64Array)[]] = [[], []];
  private chunksCopied = 0;

  constructor(
    private readonly options: StreamOptions,
    readonly rate: number,
    /** Where sampled rows go; set by the reader once it knows the columns (null: no sample yet). */
    public sample: ColumnSink | null = null,
  ) {}

  readonly onChunk = (chunk: SinkChunk): void => {
    const options = this.options;
    options.signal?.throwIfAborted();
    const sink = chunk.sink;
    const k = sink.fieldCount;
    const n = chunk.rows;
    const featureColumns: Float32Array[] = [];
    for (let c = 0; c < k; c++) if (c !== sink.labelIndex) featureColumns.push(sink.columns[c] as Float32Array);
    // The label: its text per row, its class counts, its number when it is one.
    let labelValues: Float64Array | null = null;
    const labelTexts: (string | null)[] = [];
    if (sink.label) {
      labelValues = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        const text = sink.label.cellText(r);
        labelTexts.push(text);
        if (text === null || text === '' || isMissingMarker(text)) {
          this.labelMissing++;
          labelValues[r] = NaN;
          continue;
        }
        this.labelCounts.set(text, (this.labelCounts.get(text) ?? 0) + 1);
        const v = parseCell(text);
        if (v === null) this.labelNumeric = false;
        labelValues[r] = v === null ? NaN : v;
      }
      const m = chunkMoments(labelValues, n);
      this.target = this.target ? mergeMoments(this.target, m) : m;
    }
    const chunkMomentsNow = featureColumns.map((col) => chunkMoments(col, n));
    this.moments = this.moments.length === 0 ? chunkMomentsNow : this.moments.map((m, j) => mergeMoments(m, chunkMomentsNow[j]));
    // Co-moments about the first chunk's means (any fixed shift keeps the sums addable; a near one keeps them exact).
    const all = labelValues ? [...featureColumns, labelValues] : featureColumns;
    const target = this.target;
    this.co ??= emptyCoMoments(all.length, Float64Array.from(all, (_, j) => (j < featureColumns.length ? chunkMomentsNow[j].mean : (target?.mean ?? 0))));
    const sums = this.co;
    const runner = options.runner;
    // The previous chunk's co-moments first: every cell's sums still add the chunks in file order.
    this.settle();
    if (runner && runner.threads > 1) {
      // A copy of the chunk's columns in shared memory (the sink refills its own with the next chunk), the label's
      // values too: the threads sum this chunk's co-moments while the reader parses the next one. Two sets of copies
      // take turns — the set before last is free, as its chunk was settled above — so memory stays at two chunks
      // (fresh copies per chunk were freed only when a thread happened to collect garbage).
      const set = this.copies[this.chunksCopied++ % 2];
      const shared = all.map((values, j) => {
        if (!set[j] || set[j].length < n) set[j] = values instanceof Float32Array ? newSharedFloat32(Math.max(n, sink.capacity)) : newSharedFloat64(Math.max(n, sink.capacity));
        const copy = set[j].subarray(0, n);
        copy.set(values.subarray(0, n));
        return copy;
      });
      const rows = runner.startKernel('coMomentRow', { columns: shared, shift: sums.shift, length: n }, shared.map((_, a) => ({ a })), {
        signal: options.signal,
        work: (n * shared.length * shared.length) / 2,
      });
      this.pending = () => rows().forEach((row, a) => addCoMomentRow(sums, a, row));
    } else addCoMoments(sums, all, n);
    // The sample: every row whose seeded hash falls below the rate, copied cell for cell (text cells too).
    const out = this.sample;
    if (!out) return;
    const picked = new Int32Array(n).fill(-1);
    for (let r = 0; r < n; r++) {
      if (rowHash(chunk.before + r, options.seed) >= this.rate) continue;
      out.ensureRoom();
      const s = out.rows;
      picked[r] = s;
      for (let c = 0; c < k; c++) {
        if (c === sink.labelIndex) {
          out.label?.addText(s, labelTexts[r] ?? '');
          continue;
        }
        const v = (sink.columns[c] as Float32Array)[r];
        const into = out.columns[c] as Float32Array;
        into[s] = v;
        if (v !== v) out.empty[c]++;
      }
      out.rows = s + 1;
    }
    chunk.texts.forEach((cells, c) => {
      if (!cells) return;
      for (let e = 0; e < cells.cells; e++) {
        const s = picked[cells.rows[e]];
        const code = cells.codes[e];
        if (s < 0 || code < 0) continue;
        out.empty[c]--;
        out.textCell(c, s, chunk.before + cells.rows[e] + 1, cells.levels[code]);
      }
    });
  };

  private settle(): void {
    const pending = this.pending;
    this.pending = null;
    pending?.();
  }

  /** The streamed table, once the reader has handed every chunk and typed the sample. */
  result(sink: StreamSink, names: readonly string[], sample: Dataset): StreamedTable {
    this.settle();
    const featureNames = names.filter((_, c) => c !== sink.labelIndex);
    const sources = names.map((_, c) => c).filter((c) => c !== sink.labelIndex);
    const columns = sources.map((source, j) => ({ source, name: featureNames[j], moments: this.moments[j] ?? emptyMoments() }));
    const hasLabel = sink.labelIndex >= 0;
    return {
      sample,
      rows: sink.handed,
      chunks: sink.chunks,
      chunkRows: STREAM_CHUNK_ROWS,
      sampleRate: this.rate,
      columns,
      coMoments: this.co ?? emptyCoMoments(0, new Float64Array(0)),
      labelNumeric: hasLabel && this.labelNumeric,
      labelCounts: hasLabel ? this.labelCounts : null,
      labelMissing: this.labelMissing,
      target: hasLabel && this.labelNumeric ? this.target : null,
    };
  }
}

/**
 * Stream `file` once; `expectedRows` (from the file size) sets the sampling rate. The bytes are read from `diskPath`
 * (a compressed file's decompressed copy), `file` naming them in messages.
 */
export async function streamCsv(file: string, expectedRows: number, options: StreamOptions, diskPath = file): Promise<StreamedTable> {
  const handle = await openDataFile(diskPath);
  const folder = new ChunkFolder(options, Math.min(1, options.sampleRows / Math.max(1, expectedRows)));
  let stream: StreamSink | null = null;
  try {
    const { ctx } = await parseOpenCsv(handle, file, options, (fieldCount, labelIndex) => {
      stream = new StreamSink(fieldCount, labelIndex, STREAM_CHUNK_ROWS, folder.onChunk);
      folder.sample = new ColumnSink(fieldCount, labelIndex, Math.ceil(options.sampleRows * 1.1) + 1024);
      return stream;
    });
    const sink = stream as StreamSink | null;
    const sample = folder.sample;
    if (!sink || !sample) throw new Error('the CSV reader did not make its sink');
    sink.flush();
    return folder.result(sink, ctx.names, finish({ ...ctx, warnings: [...ctx.warnings] }, sample, options));
  } finally {
    await handle.close();
  }
}

/**
 * A ColumnSink that never holds more than one chunk of rows: when the chunk is full (and at the end) it hands the
 * chunk's columns to `onChunk` — which folds them into mergeable statistics and copies the sampled rows out — then
 * starts the next chunk in the same memory. The CSV reader fills it exactly as it fills a whole-file sink, so every
 * cell means the same (numbers, missing markers, text cells, ragged rows), and the running tallies (empty cells,
 * text cells, ragged rows, first problem rows) cover the whole file.
 */
import { ColumnSink } from '../io/csvFast';
import type { TextCells } from '../io/columnTypes';

export interface SinkChunk {
  /** Rows in this chunk (columns[c][0 … rows − 1]). */
  readonly rows: number;
  /** Data rows before this chunk. */
  readonly before: number;
  readonly sink: ColumnSink;
  /** The chunk's text cells per column (null: none), rows relative to the chunk. */
  readonly texts: readonly (TextCells | null)[];
}

export class StreamSink extends ColumnSink {
  /** Data rows already handed over. */
  handed = 0;
  chunks = 0;
  private readonly onChunk: (chunk: SinkChunk) => void;

  constructor(fieldCount: number, labelIndex: number, chunkRows: number, onChunk: (chunk: SinkChunk) => void) {
    super(fieldCount, labelIndex, chunkRows);
    this.onChunk = onChunk;
  }

  /** Room for one more row: a full chunk is handed over first. */
  override ensureRoom(): void {
    if (this.rows < this.capacity) return;
    this.flush();
  }

  /** Hands over the rows held (call once more after the last row). */
  flush(): void {
    if (this.rows === 0) return;
    const texts = this.texts.map((t) => t?.finish() ?? null);
    this.onChunk({ rows: this.rows, before: this.handed, sink: this, texts });
    this.handed += this.rows;
    this.chunks++;
    this.rows = 0;
    for (let c = 0; c < this.texts.length; c++) this.texts[c] = null;
  }
}

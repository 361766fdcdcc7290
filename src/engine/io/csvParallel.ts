/**
 * The CSV fast path on several threads. The data bytes are cut into segments at line breaks; a first batch counts
 * each segment's rows (and looks for what only the sequential reader handles: a quote, a bare LF in a CRLF file);
 * a second parses each segment with the fast path's own parseLines straight into the table's shared columns at its
 * row offset. The per-segment tallies, text cells and label texts are then merged in file order, which gives the sink
 * a sequential read would have filled: the same numbers, the same first problem rows, labels and text levels
 * interned in the same order. Anything the merge could not reproduce exactly (a quote, more label texts or text
 * levels than the interning keeps) returns null, and the caller reads the file sequentially.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { CancelSignal } from '../cancel';
import type { TaskRunner } from '../parallel/runner';
import { ColumnSink, parseLines, wholeLines } from './csvFast';
import { CR, LF, QUOTE, SPACE, TAB } from './csvBytes';
import type { TextCell } from './csvFast';
import type { TextCells } from './columnTypes';

/** Files with less data than this are read in one thread: starting the batches costs more than it saves. */
export const PARALLEL_CSV_MIN_BYTES = 32 * 1024 * 1024;
/**
 * Bytes per read of a segment (the count and the parse alike). A buffer this size stays in the cache between the
 * kernel's copy into it and the parse out of it: on the 1M × 50 file, 1 MiB reads took the descriptive analysis from
 * 1.86 s to 1.82 s against 4 MiB ones (paired runs; 256 KiB the same as 1 MiB), and reading each 16 MiB segment whole
 * into memory, to count and parse it from one read, made it 9 % slower: the copy into an uncached buffer cost as much
 * as the two reads.
 */
const READ_BYTES = 1024 * 1024;
/** Segments per thread; see readCsvParallel. */
const SEGMENTS_PER_THREAD = 16;

export interface CsvSegmentContext {
  readonly file: string;
  readonly delimiter: number;
  readonly crlf: boolean;
  readonly fieldCount: number;
  readonly labelIndex: number;
  /** Phase 2: the table's columns (shared memory), null for the label; phase 1: empty. */
  readonly columns: readonly (Float32Array | null)[];
  readonly totalRows: number;
}

export interface CsvSegmentTask {
  readonly phase: 'scan' | 'parse';
  /** Byte range [start, end) of whole lines. */
  readonly start: number;
  readonly end: number;
  /** Phase 2: the 1-based line number of the segment's first line, and its first row in the table. */
  readonly firstLine: number;
  readonly rowOffset: number;
}

export interface CsvSegmentScan {
  readonly lines: number;
  readonly rows: number;
  /** The segment holds a quote, or a line the fast path hands to papaparse: read the file sequentially. */
  readonly sequential: boolean;
}

export interface CsvSegmentParse {
  readonly rows: number;
  readonly halted: boolean;
  readonly empty: number[];
  readonly nonFinite: number[];
  readonly text: number[];
  readonly padded: number[];
  readonly firstMissingRow: number[];
  readonly firstText: (TextCell | null)[];
  readonly texts: (TextCells | null)[];
  readonly shortRows: number;
  readonly longRows: number;
  readonly firstRaggedRow: number;
  readonly firstRaggedFields: number;
  /** The label's interned texts and the segment's codes; null without a label or when it stopped interning. */
  readonly label: { readonly texts: readonly string[]; readonly codes: Int32Array } | null;
  readonly labelInterning: boolean;
}

/** The `csvSegment` kernel (parallel/kernels.ts): scan or parse one segment of the file. */
export function csvSegmentKernel(context: CsvSegmentContext, task: CsvSegmentTask, signal?: CancelSignal): CsvSegmentScan | CsvSegmentParse {
  const fd = openSync(context.file, 'r');
  try {
    return task.phase === 'scan' ? scan(fd, context, task, signal) : parse(fd, context, task, signal);
  } finally {
    closeSync(fd);
  }
}

/** Calls `lines(buf, end)` with whole lines of [start, stop), buf[0, end) (the last chunk may end without a LF). */
function eachBlock(fd: number, start: number, stop: number, signal: CancelSignal | undefined, lines: (buf: Buffer, end: number) => boolean): void {
  let buf = Buffer.allocUnsafe(READ_BYTES);
  let carry = 0;
  let position = start;
  for (;;) {
    signal?.throwIfAborted();
    const want = Math.min(buf.length - carry, stop - position);
    const got = want > 0 ? readSync(fd, buf, carry, want, position) : 0;
    position += got;
    const filled = carry + got;
    const last = got === 0 || position >= stop;
    const block = wholeLines(buf, filled, last);
    buf = block.buf;
    if (block.end < 0) {
      carry = filled;
      continue;
    }
    const end = block.end;
    if (end > 0 && !lines(buf, end)) return;
    if (last) return;
    buf.copy(buf, 0, end, filled);
    carry = filled - end;
  }
}

function scan(fd: number, context: CsvSegmentContext, task: CsvSegmentTask, signal?: CancelSignal): CsvSegmentScan {
  let lines = 0;
  let rows = 0;
  let sequential = false;
  const ws = context.delimiter === TAB ? -1 : TAB;
  eachBlock(fd, task.start, task.end, signal, (buf, end) => {
    if (buf.subarray(0, end).indexOf(QUOTE) >= 0) {
      sequential = true;
      return false;
    }
    let p = 0;
    while (p < end) {
      let lineEnd = buf.indexOf(LF, p);
      if (lineEnd < 0 || lineEnd >= end) lineEnd = end;
      else if (context.crlf && (lineEnd === p || buf[lineEnd - 1] !== CR)) {
        sequential = true;
        return false;
      }
      lines++;
      for (let q = p; q < lineEnd; q++) {
        const b = buf[q];
        if (b !== SPACE && b !== ws && b !== CR) {
          rows++;
          break;
        }
      }
      p = lineEnd + 1;
    }
    return true;
  });
  return { lines, rows, sequential };
}

function parse(fd: number, context: CsvSegmentContext, task: CsvSegmentTask, signal?: CancelSignal): CsvSegmentParse {
  const sink = new ColumnSink(context.fieldCount, context.labelIndex, context.totalRows, { columns: context.columns, rowOffset: task.rowOffset });
  const halt = { at: -1 };
  let line = task.firstLine;
  let halted = false;
  eachBlock(fd, task.start, task.end, signal, (buf, end) => {
    line = parseLines(buf, end, context.delimiter, context.crlf, sink, line, halt);
    if (halt.at >= 0) halted = true;
    return !halted;
  });
  const label = sink.label;
  return {
    rows: sink.rows - task.rowOffset,
    halted,
    empty: sink.empty,
    nonFinite: sink.nonFinite,
    text: sink.text,
    padded: sink.padded,
    firstMissingRow: sink.firstMissingRow,
    firstText: sink.firstText,
    texts: sink.texts.map((t) => t?.finish() ?? null),
    shortRows: sink.shortRows,
    longRows: sink.longRows,
    firstRaggedRow: sink.firstRaggedRow,
    firstRaggedFields: sink.firstRaggedFields,
    label: label && label.interning ? { texts: [...label.interned().texts], codes: label.interned().codes.slice(task.rowOffset, sink.rows) } : null,
    labelInterning: label === null || label.interning,
  };
}

export interface ParallelCsvInput {
  readonly file: string;
  /** Byte offset of the first data line and its 1-based line number; the file's size. */
  readonly start: number;
  readonly firstLine: number;
  readonly size: number;
  readonly delimiter: string;
  readonly crlf: boolean;
  readonly fieldCount: number;
  readonly labelIndex: number;
  readonly runner: TaskRunner;
  readonly signal?: CancelSignal;
}

/** The whole table's sink, read on the runner's threads; null when the file must be read sequentially. */
export function readCsvParallel(input: ParallelCsvInput): ColumnSink | null {
  const delimiter = input.delimiter.charCodeAt(0);
  if (input.delimiter.length !== 1 || delimiter > 0x7f || delimiter === QUOTE) return null;
  // Sixteen segments per thread (17 MB each on the 1M × 50 file): whoever finishes first waits at most one short
  // segment for the other, where with four per thread the calling thread waited 50–80 ms for the last one.
  const starts = segmentStarts(input.file, input.start, input.size, input.runner.threads * SEGMENTS_PER_THREAD);
  const bounds = starts.map((start, k) => ({ start, end: k + 1 < starts.length ? starts[k + 1] : input.size }));
  const base: CsvSegmentContext = { file: input.file, delimiter, crlf: input.crlf, fieldCount: input.fieldCount, labelIndex: input.labelIndex, columns: [], totalRows: 0 };
  const work = input.size - input.start;
  const scans = input.runner.runKernel(
    'csvSegment',
    base,
    bounds.map((b) => ({ phase: 'scan' as const, start: b.start, end: b.end, firstLine: 0, rowOffset: 0 })),
    { signal: input.signal, work },
  ) as CsvSegmentScan[];
  if (scans.some((s) => s.sequential)) return null;
  const totalRows = scans.reduce((sum, s) => sum + s.rows, 0);
  if (totalRows === 0) return null;
  const sink = new ColumnSink(input.fieldCount, input.labelIndex, totalRows);
  const tasks: CsvSegmentTask[] = [];
  let line = input.firstLine;
  let row = 0;
  bounds.forEach((b, k) => {
    tasks.push({ phase: 'parse', start: b.start, end: b.end, firstLine: line, rowOffset: row });
    line += scans[k].lines;
    row += scans[k].rows;
  });
  const parts = input.runner.runKernel('csvSegment', { ...base, columns: sink.columns, totalRows }, tasks, { signal: input.signal, work }) as CsvSegmentParse[];
  if (parts.some((part, k) => part.halted || part.rows !== scans[k].rows || !part.labelInterning || part.texts.some((t) => t?.overflow))) return null;
  // The merge, in file order: what a sequential read would have tallied.
  for (const [k, part] of parts.entries()) {
    for (let c = 0; c < input.fieldCount; c++) {
      sink.empty[c] += part.empty[c];
      sink.nonFinite[c] += part.nonFinite[c];
      sink.text[c] += part.text[c];
      sink.padded[c] += part.padded[c];
      if (sink.firstMissingRow[c] === 0) sink.firstMissingRow[c] = part.firstMissingRow[c];
      if (sink.firstText[c] === null) sink.firstText[c] = part.firstText[c];
      const cells = part.texts[c];
      if (cells) {
        for (let e = 0; e < cells.cells; e++) sink.addTextCellOnly(c, cells.rows[e], cells.levels[cells.codes[e]]);
      }
    }
    sink.shortRows += part.shortRows;
    sink.longRows += part.longRows;
    if (sink.firstRaggedRow === 0 && part.firstRaggedRow !== 0) {
      sink.firstRaggedRow = part.firstRaggedRow;
      sink.firstRaggedFields = part.firstRaggedFields;
    }
    if (sink.label && part.label) {
      const { texts, codes } = part.label;
      const offset = tasks[k].rowOffset;
      sink.label.addInterned(offset, texts, codes);
    }
  }
  sink.rows = totalRows;
  return sink;
}

/** Up to `count` segment starts: the first at `start`, the others just after the line break nearest an even cut. */
function segmentStarts(file: string, start: number, size: number, count: number): number[] {
  const starts = [start];
  const fd = openSync(file, 'r');
  try {
    const probe = Buffer.allocUnsafe(64 * 1024);
    for (let k = 1; k < count; k++) {
      let at = start + Math.floor(((size - start) * k) / count);
      if (at <= starts[starts.length - 1]) continue;
      for (;;) {
        const got = readSync(fd, probe, 0, probe.length, at);
        if (got === 0) return starts;
        const nl = probe.subarray(0, got).indexOf(LF);
        if (nl >= 0) {
          at += nl + 1;
          break;
        }
        at += got;
      }
      if (at >= size) break;
      starts.push(at);
    }
  } finally {
    closeSync(fd);
  }
  return starts;
}

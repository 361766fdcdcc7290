/**
 * The CSV fast path's plain lines on a WebAssembly kernel (src/wasm/csvNumbers.ts): lines of numbers, empty cells and
 * a label cell, which are nearly all the lines of a big numeric file, are read there; every other line is handed back
 * to the JavaScript parser (csvFast.ts: parseLines), one line at a time, and the kernel carries on after it. Both
 * write the same sink with the same meaning: the cells' float32 bits, the empty-cell tallies and the first line that
 * had one, and the label's texts in row order — so a file reads the same whichever parser took a line (tested line by
 * line against the JavaScript parser alone).
 *
 * Why: the JavaScript loop spent ≈ 30 ns a cell on 1M × 51 (1.5 s on one thread); the kernel reads eight fraction
 * digits per step without a bounds check per byte.
 */
import { CSV_NUMBERS_KERNEL_WASM } from './csvNumbersKernel.generated';
import { embeddedModule, instantiateOn, Layout, registerKernelMemory } from '../wasmMemory';
import type { ColumnSink } from './csvFast';
import { CR, LF, SPACE, TAB } from './csvBytes';

interface Exports {
  parseBlock(
    block: number,
    end: number,
    delim: number,
    crlf: number,
    k: number,
    labelIndex: number,
    out: number,
    stride: number,
    maxRows: number,
    labelSpans: number,
    empty: number,
    firstEmpty: number,
    scratch: number,
  ): number;
  stoppedAt(): number;
}

/** Lines are copied in pieces of at most this many bytes (a longer line is left to the JavaScript parser). */
const PIECE_BYTES = 4 * 1024 * 1024;
/** The float32 cells of one call: rows × columns of them at most. */
const STAGING_BYTES = 8 * 1024 * 1024;
const MAX_ROWS = 65536;
/** Fewer rows than this per call (a table of ~2,000+ columns) is not worth the kernel. */
const MIN_ROWS = 64;
/** After this many lines in a row that the kernel left, the rest of the block goes to the JavaScript parser. */
const GIVE_UP_AFTER = 32;
const MAX_COLUMNS = 4096;


const compiled = embeddedModule(CSV_NUMBERS_KERNEL_WASM);

interface Kernel {
  readonly exports: Exports;
  readonly bytes: Uint8Array;
  readonly f32: Float32Array;
  readonly i32: Int32Array;
  readonly block: number;
  readonly out: number;
  readonly spans: number;
  readonly empty: number;
  readonly firstEmpty: number;
  readonly scratch: number;
}

/** This thread's kernel, made at first use; null where WebAssembly cannot run it. */
let kernel: Kernel | null | undefined;
registerKernelMemory(() => {
  const held = kernel != null;
  kernel = undefined;
  return held;
});

function getKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  const module = compiled();
  if (!module) return null;
  const layout = new Layout();
  const block = layout.bytes(PIECE_BYTES + 16);
  const out = layout.bytes(STAGING_BYTES);
  const spans = layout.bytes(MAX_ROWS * 8);
  const empty = layout.bytes(MAX_COLUMNS * 4);
  const firstEmpty = layout.bytes(MAX_COLUMNS * 4);
  const scratch = layout.bytes((MAX_COLUMNS + 1) * 4);
  const made = instantiateOn<Exports>(module, layout, layout.end, 'csvNumbers');
  if (!made) return null;
  const buffer = made.memory.buffer;
  kernel = { exports: made.exports, bytes: new Uint8Array(buffer), f32: new Float32Array(buffer), i32: new Int32Array(buffer), block, out, spans, empty, firstEmpty, scratch };
  return kernel;
}

/** Reads one line, [from, to), with the JavaScript parser; returns the next line number (its `halt` says if it stopped). */
export type LineParser = (from: number, to: number, row: number) => number;

/**
 * Reads the lines of buf[0, end) into `sink` — the plain ones on the kernel, each other one with `parseLine` — and
 * returns the next line number, as parseLines does; stops where `halt.at` is set. Null when the kernel cannot take
 * this table (no WebAssembly, too many columns): the caller reads it all in JavaScript.
 */
export function parsePlainLines(buf: Buffer, end: number, delim: number, crlf: boolean, sink: ColumnSink, firstRow: number, halt: { at: number }, parseLine: LineParser): number | null {
  const k = sink.fieldCount;
  const stride = Math.min(MAX_ROWS, Math.floor(STAGING_BYTES / 4 / Math.max(1, k)));
  if (k > MAX_COLUMNS || stride < MIN_ROWS) return null;
  const K = getKernel();
  if (!K) return null;
  const ws = delim === TAB ? -1 : TAB;
  let row = firstRow;
  // The line at `from` (ending at its LF, or at `limit`) read in JavaScript; returns where the next line starts.
  const oneLine = (from: number, limit: number): number => {
    const lf = buf.indexOf(LF, from);
    const next = lf < 0 || lf >= limit ? limit : lf + 1;
    row = parseLine(from, next, row);
    return next;
  };
  let piece = 0;
  while (piece < end) {
    // A piece of whole lines: up to its last LF within PIECE_BYTES (or the block's end).
    let pieceEnd = end;
    if (end - piece > PIECE_BYTES) {
      pieceEnd = buf.lastIndexOf(LF, piece + PIECE_BYTES - 1) + 1;
      // One line longer than a piece: the JavaScript parser reads it.
      if (pieceEnd <= piece) {
        piece = oneLine(piece, end);
        if (halt.at >= 0) return row;
        continue;
      }
    }
    K.bytes.set(buf.subarray(piece, pieceEnd), K.block);
    K.bytes[K.block + (pieceEnd - piece)] = 0;
    let at = piece;
    let misses = 0;
    while (at < pieceEnd) {
      if (misses >= GIVE_UP_AFTER) {
        row = parseLine(at, pieceEnd, row);
        if (halt.at >= 0) return row;
        at = pieceEnd;
        break;
      }
      if (sink.rows >= sink.capacity) {
        // A full sink grows when a row comes, not before a blank line or the end: the next line is read in JavaScript,
        // which grows it exactly when the JavaScript parser alone would.
        at = oneLine(at, pieceEnd);
        if (halt.at >= 0) return row;
        continue;
      }
      const maxRows = Math.min(stride, sink.capacity - sink.rows);
      K.i32.fill(0, K.empty >> 2, (K.empty >> 2) + k);
      K.i32.fill(-1, K.firstEmpty >> 2, (K.firstEmpty >> 2) + k);
      const n = K.exports.parseBlock(K.block + (at - piece), pieceEnd - at, delim, crlf ? 1 : 0, k, sink.labelIndex, K.out, stride, maxRows, K.spans, K.empty, K.firstEmpty, K.scratch);
      if (n > 0) {
        take(K, buf, at, n, stride, ws, sink, row);
        row += n;
        misses = 0;
      }
      const stop = at + K.exports.stoppedAt();
      if (stop >= pieceEnd || n === maxRows) {
        at = stop;
        continue;
      }
      // The line at `stop` is not plain: the JavaScript parser reads it.
      misses++;
      at = oneLine(stop, pieceEnd);
      if (halt.at >= 0) return row;
    }
    piece = pieceEnd;
  }
  return row;
}

/** The kernel's n rows into the sink: cells, label texts (trimmed as parseLines trims them) and empty-cell tallies. */
function take(K: Kernel, buf: Buffer, base: number, n: number, stride: number, ws: number, sink: ColumnSink, row: number): void {
  const k = sink.fieldCount;
  const r0 = sink.rows;
  const outAt = K.out >> 2;
  for (let c = 0; c < k; c++) {
    const column = sink.columns[c];
    if (column) column.set(K.f32.subarray(outAt + c * stride, outAt + c * stride + n), r0);
  }
  const label = sink.label;
  // A sink has a label collector exactly when it has a label column.
  if (label) {
    const spans = K.spans >> 2;
    for (let i = 0; i < n; i++) {
      let q = base + K.i32[spans + 2 * i];
      let t = base + K.i32[spans + 2 * i + 1];
      while (q < t) {
        const b = buf[q];
        if (b !== SPACE && b !== ws && b !== CR) break;
        q++;
      }
      while (t > q) {
        const b = buf[t - 1];
        if (b !== SPACE && b !== ws && b !== CR) break;
        t--;
      }
      label.addBytes(r0 + i, buf, q, t);
    }
  }
  const empty = K.empty >> 2;
  const firstEmpty = K.firstEmpty >> 2;
  for (let c = 0; c < k; c++) {
    const e = K.i32[empty + c];
    if (e === 0) continue;
    sink.empty[c] += e;
    if (sink.firstMissingRow[c] === 0) sink.firstMissingRow[c] = row + K.i32[firstEmpty + c];
  }
  sink.rows = r0 + n;
}

/**
 * The byte-level numeric CSV fast path and the columnar sink every CSV path writes rows into; the cell semantic and
 * the label collector they share are in csvCells.ts.
 *
 * Why a second parser at all: on a 462 MB numeric file papaparse's row callback runs at ≈ 20 MB/s, a byte loop at
 * ≈ 150 MB/s and the disk at ≈ 1.3 GB/s. Papaparse stays in charge of dialect detection and of everything awkward
 * (quotes, odd line breaks); this path reads lines only while it can give them exactly papaparse's meaning, and
 * at the first line it cannot it tells the caller where papaparse should carry on.
 */
import { newSharedFloat32 } from '../typed';
import type { CancelSignal } from '../cancel';
import type { ByteSource } from './csv';
import { CONDITIONAL_MARKER, isMissingMarker } from './missing';
import { LabelCollector, parseCell, trimCell } from './csvCells';
import { TextStore } from './textStore';
import { parsePlainLines } from './csvNumbers';
import { CR, LF, QUOTE, SPACE, TAB } from './csvBytes';

// ---------------------------------------------------------------------------------------------------------------
// The sink: preallocated columns plus the per-column tallies the warnings are built from.
// ---------------------------------------------------------------------------------------------------------------

/** The first non-numeric cell of a column, for the warning text. */
export interface TextCell {
  readonly row: number;
  readonly text: string;
}

export class ColumnSink {
  readonly fieldCount: number;
  readonly labelIndex: number;
  capacity: number;
  rows = 0;
  /** One Float32Array per source column; null for the label column. */
  readonly columns: (Float32Array | null)[];
  readonly empty: number[];
  readonly nonFinite: number[];
  readonly text: number[];
  readonly padded: number[];
  /** 1-based line of the first missing (empty, NaN/Inf, padded) cell, 0 = none. */
  readonly firstMissingRow: number[];
  /** First non-numeric text that is not a missing marker, for the warning on a numeric column with stray text. */
  readonly firstText: (TextCell | null)[];
  /** The interned text cells of each column (markers included), created at its first text cell. */
  readonly texts: (TextStore | null)[];
  shortRows = 0;
  longRows = 0;
  firstRaggedRow = 0;
  firstRaggedFields = 0;
  readonly label: LabelCollector | null;

  /**
   * `into`: write into these columns (a segment of a parallel read: rows from `rows` on, up to `capacity`, in the
   * whole table's own arrays) instead of allocating.
   */
  constructor(fieldCount: number, labelIndex: number, capacity: number, into?: { readonly columns: readonly (Float32Array | null)[]; readonly rowOffset: number }) {
    this.fieldCount = fieldCount;
    this.labelIndex = labelIndex;
    this.capacity = Math.max(16, capacity);
    this.columns = [];
    if (into) {
      this.columns.push(...into.columns);
      this.rows = into.rowOffset;
    } else for (let c = 0; c < fieldCount; c++) this.columns.push(c === labelIndex ? null : columnArray(this.capacity));
    this.empty = new Array<number>(fieldCount).fill(0);
    this.nonFinite = new Array<number>(fieldCount).fill(0);
    this.text = new Array<number>(fieldCount).fill(0);
    this.padded = new Array<number>(fieldCount).fill(0);
    this.firstMissingRow = new Array<number>(fieldCount).fill(0);
    this.firstText = new Array<TextCell | null>(fieldCount).fill(null);
    this.texts = new Array<TextStore | null>(fieldCount).fill(null);
    this.label = labelIndex >= 0 ? new LabelCollector(this.capacity) : null;
  }

  /**
   * Room for one more row. Growing by ×1.5 one column at a time keeps the transient extra memory to a single column
   * rather than a second copy of the whole table.
   */
  ensureRoom(): void {
    if (this.rows < this.capacity) return;
    const next = Math.ceil(this.capacity * 1.5) + 16;
    for (let c = 0; c < this.fieldCount; c++) {
      const old = this.columns[c];
      if (!old) continue;
      const grown = columnArray(next);
      grown.set(old);
      this.columns[c] = grown;
    }
    this.label?.resize(next, this.rows);
    this.capacity = next;
  }

  /** A row as papaparse split it (fields untrimmed); `row` is its 1-based line. */
  addFields(fields: readonly string[], row: number): void {
    this.ensureRoom();
    const r = this.rows;
    const k = this.fieldCount;
    const n = fields.length;
    const m = n < k ? n : k;
    for (let c = 0; c < m; c++) {
      const cell = trimCell(fields[c]);
      if (c === this.labelIndex) {
        (this.label as LabelCollector).addText(r, cell);
        continue;
      }
      const col = this.columns[c] as Float32Array;
      if (cell === '') {
        col[r] = NaN;
        this.empty[c]++;
        if (this.firstMissingRow[c] === 0) this.firstMissingRow[c] = row;
        continue;
      }
      const v = parseCell(cell);
      if (v === null) this.textCell(c, r, row, cell);
      else this.numberCell(c, r, row, v);
    }
    if (n !== k) this.ragged(r, row, n);
    this.rows = r + 1;
  }

  numberCell(c: number, r: number, row: number, v: number): void {
    const f = Math.fround(v);
    const col = this.columns[c] as Float32Array;
    if (f - f === 0) {
      col[r] = f;
    } else {
      col[r] = NaN;
      this.nonFinite[c]++;
      if (this.firstMissingRow[c] === 0) this.firstMissingRow[c] = row;
    }
  }

  textCell(c: number, r: number, row: number, text: string): void {
    (this.columns[c] as Float32Array)[r] = NaN;
    this.text[c]++;
    if (this.firstText[c] === null && text !== CONDITIONAL_MARKER && !isMissingMarker(text)) this.firstText[c] = { row, text };
    (this.texts[c] ??= new TextStore()).add(r, text);
  }

  /** A text cell into the column's store only (a parallel read merges the tallies itself). */
  addTextCellOnly(c: number, r: number, text: string): void {
    (this.texts[c] ??= new TextStore()).add(r, text);
  }

  /** Short rows are padded with missing cells, extra fields are ignored; `found` is the row's field count. */
  ragged(r: number, row: number, found: number): void {
    if (found < this.fieldCount) {
      this.shortRows++;
      for (let c = found; c < this.fieldCount; c++) {
        if (c === this.labelIndex) {
          (this.label as LabelCollector).addText(r, '');
          continue;
        }
        (this.columns[c] as Float32Array)[r] = NaN;
        this.padded[c]++;
        if (this.firstMissingRow[c] === 0) this.firstMissingRow[c] = row;
      }
    } else {
      this.longRows++;
    }
    if (this.firstRaggedRow === 0) {
      this.firstRaggedRow = row;
      this.firstRaggedFields = found;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The fast path proper.
// ---------------------------------------------------------------------------------------------------------------

/** Exact powers of ten: every 10^k with k ≤ 22 is a double (5^22 < 2^53), the bound of Clinger's fast path. */
const POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];
/** mantissa·10 + 9 stays below 2^53 while mantissa < this, so digit accumulation is exact. */
const MANTISSA_LIMIT = 900719925474099;
/** A mantissa below this takes four more digits under MANTISSA_LIMIT (m·1000 + 999 < MANTISSA_LIMIT). */
const FOUR_DIGITS_LIMIT = 900719925474;


export interface FastPathInput {
  readonly handle: ByteSource;
  /** Byte offset of the first data line (after BOM and header). */
  readonly start: number;
  /** 1-based line number of the first data line. */
  readonly firstRow: number;
  readonly delimiter: string;
  /** The line break papaparse detected; '\r' alone is never given to this path. */
  readonly linebreak: '\n' | '\r\n';
  readonly sink: ColumnSink;
  readonly chunkBytes: number;
  readonly signal?: CancelSignal;
  /** After each chunk: the byte offset read up to and the rows so far (progress on big files). */
  readonly onChunk?: (position: number, rows: number) => void;
}

/** Either the whole file was read, or where papaparse must take over: a line start outside any quoted field. */
export type FastPathResult =
  | { readonly complete: true }
  | { readonly complete: false; readonly resumeAt: number; readonly row: number };

/**
 * Read the data lines of a plain delimited file straight from bytes into `sink`. Stops at the first line it cannot
 * read with papaparse's meaning — one holding a quote character (quoting changes where cells end), or in a CRLF
 * file one ending in a bare LF (papaparse keeps that LF inside a cell) — and says where papaparse should resume.
 * No byte before that line held a quote, so the line start is a row boundary for papaparse too, and because both
 * paths fill the same sink with the same cell semantic, resuming gives the same dataset as a papaparse-only read,
 * without a second copy of the columns. Everything else — text cells, nan/inf words, ragged rows, blank lines,
 * text labels — is handled here.
 */
export async function readFastPath(input: FastPathInput): Promise<FastPathResult> {
  const { handle, sink, signal } = input;
  const delim = input.delimiter.charCodeAt(0);
  if (input.delimiter.length !== 1 || delim > 0x7f || delim === QUOTE) {
    return { complete: false, resumeAt: input.start, row: input.firstRow };
  }
  const crlf = input.linebreak === '\r\n';
  let buf = Buffer.allocUnsafe(Math.max(16, input.chunkBytes));
  let carry = 0;
  let position = input.start;
  /** File offset of buf[0]. */
  let base = input.start;
  let row = input.firstRow;
  const halt = { at: -1 };
  for (;;) {
    signal?.throwIfAborted();
    input.onChunk?.(position, sink.rows);
    const { bytesRead } = await handle.read(buf, carry, buf.length - carry, position);
    position += bytesRead;
    const filled = carry + bytesRead;
    const eof = bytesRead === 0;
    const block = wholeLines(buf, filled, eof);
    buf = block.buf;
    if (block.end < 0) {
      carry = filled;
      continue;
    }
    const end = block.end;
    const quote = buf.subarray(0, end).indexOf(QUOTE);
    if (quote >= 0) {
      const lineStart = quote > 0 ? buf.lastIndexOf(LF, quote - 1) + 1 : 0;
      row = parseLines(buf, lineStart, delim, crlf, sink, row, halt);
      const at = halt.at >= 0 ? halt.at : lineStart;
      return { complete: false, resumeAt: base + at, row };
    }
    row = parseLines(buf, end, delim, crlf, sink, row, halt);
    if (halt.at >= 0) return { complete: false, resumeAt: base + halt.at, row };
    if (eof) return { complete: true };
    buf.copy(buf, 0, end, filled);
    carry = filled - end;
    base += end;
  }
}

/**
 * Where the whole lines of buf[0, filled) end: after its last LF, or at `filled` for the file's (or range's) last
 * block. end −1: no line ends in it yet — read on after `filled` bytes, into `buf`, which is doubled when full (one
 * line longer than the buffer). Shared by every block reader of a CSV (readFastPath, csvParallel's segments).
 */
export function wholeLines<B extends Buffer>(buf: B, filled: number, last: boolean): { readonly buf: B | Buffer<ArrayBuffer>; readonly end: number } {
  if (last) return { buf, end: filled };
  const nl = filled > 0 ? buf.lastIndexOf(LF, filled - 1) : -1;
  if (nl >= 0) return { buf, end: nl + 1 };
  if (filled < buf.length) return { buf, end: -1 };
  const bigger = Buffer.allocUnsafe(buf.length * 2);
  buf.copy(bigger, 0, 0, filled);
  return { buf: bigger, end: -1 };
}

/**
 * Parse the lines in buf[0, end); returns the next line number. A line papaparse must read (a bare LF in a CRLF
 * file) stops the loop before it is touched, with its offset in `halt.at`. The plain lines go to the WebAssembly
 * kernel (csvNumbers.ts), the others to parseLinesJs, one at a time; where the kernel cannot run, all of them do.
 */
export function parseLines(buf: Buffer, end: number, delim: number, crlf: boolean, sink: ColumnSink, firstRow: number, halt: { at: number }): number {
  halt.at = -1;
  const row = parsePlainLines(buf, end, delim, crlf, sink, firstRow, halt, (from, to, line) => parseLinesJs(buf, from, to, delim, crlf, sink, line, halt));
  return row ?? parseLinesJs(buf, 0, end, delim, crlf, sink, firstRow, halt);
}

/**
 * parseLines in JavaScript alone, on buf[from, end): the reference the kernel is tested against, and the reader of
 * every line the kernel leaves.
 */
export function parseLinesJs(
  buf: Buffer,
  from: number,
  end: number,
  delim: number,
  crlf: boolean,
  sink: ColumnSink,
  firstRow: number,
  halt: { at: number },
): number {
  halt.at = -1;
  const k = sink.fieldCount;
  const labelIndex = sink.labelIndex;
  const label = sink.label;
  const columns = sink.columns;
  const empty = sink.empty;
  const firstMissingRow = sink.firstMissingRow;
  // Tab is whitespace around a cell unless it is the delimiter (then no cell can hold one unquoted).
  const ws = delim === TAB ? -1 : TAB;
  let row = firstRow;
  let p = from;
  while (p < end) {
    let lineEnd = buf.indexOf(LF, p);
    let next: number;
    if (lineEnd < 0 || lineEnd >= end) {
      lineEnd = end;
      next = end;
    } else {
      next = lineEnd + 1;
      if (crlf && (lineEnd === p || buf[lineEnd - 1] !== CR)) {
        halt.at = p;
        return row;
      }
    }
    // Blank (whitespace-only, no delimiter) lines are skipped but still counted, like an editor counts them.
    let q = p;
    while (q < lineEnd) {
      const b = buf[q];
      if (b !== SPACE && b !== ws && b !== CR) break;
      q++;
    }
    if (q === lineEnd) {
      p = next;
      row++;
      continue;
    }
    sink.ensureRoom();
    const r = sink.rows;
    let c = 0;
    q = p;
    for (;;) {
      // q: start of cell c (untrimmed).
      while (q < lineEnd) {
        const b = buf[q];
        if (b !== SPACE && b !== ws && b !== CR) break;
        q++;
      }
      let i = q;
      if (c === labelIndex) {
        while (i < lineEnd && buf[i] !== delim) i++;
        let t = i;
        while (t > q) {
          const b = buf[t - 1];
          if (b !== SPACE && b !== ws && b !== CR) break;
          t--;
        }
        (label as LabelCollector).addBytes(r, buf, q, t);
      } else if (q === lineEnd || buf[q] === delim) {
        (columns[c] as Float32Array)[r] = NaN;
        empty[c]++;
        if (firstMissingRow[c] === 0) firstMissingRow[c] = row;
      } else {
        // [+-]? digits [. digits]? ([eE][+-]?digits)?  — the same grammar as DECIMAL above.
        let b = buf[i];
        // Without a branch on the sign: signs of real data do not predict well.
        const minus = b === 0x2d ? 1 : 0;
        i += minus + (b === 0x2b ? 1 : 0);
        let mantissa = 0;
        let exact = true;
        let digits = 0;
        let scale = 0;
        while (i < lineEnd) {
          const d = buf[i] - 0x30;
          if (d < 0 || d > 9) break;
          if (mantissa < MANTISSA_LIMIT) mantissa = mantissa * 10 + d;
          else exact = false;
          digits++;
          i++;
        }
        if (i < lineEnd && buf[i] === 0x2e) {
          i++;
          // Four digits at a time while the mantissa takes them whole (the per-digit loop below would take each of
          // them too: it stays under MANTISSA_LIMIT through the third, so the sum is the same exact integer).
          while (i + 4 <= lineEnd && mantissa < FOUR_DIGITS_LIMIT) {
            const x = (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)) ^ 0x30303030;
            // Each byte a digit 0–9: no high nibble, and none after adding 6.
            if (((x & 0xf0f0f0f0) | ((x + 0x06060606) & 0xf0f0f0f0)) !== 0) break;
            const pairs = (Math.imul(x, 10) + (x >>> 8)) & 0x00ff00ff;
            mantissa = mantissa * 10000 + ((pairs & 0xff) * 100 + (pairs >>> 16));
            digits += 4;
            scale -= 4;
            i += 4;
          }
          while (i < lineEnd) {
            const d = buf[i] - 0x30;
            if (d < 0 || d > 9) break;
            if (mantissa < MANTISSA_LIMIT) mantissa = mantissa * 10 + d;
            else exact = false;
            digits++;
            scale--;
            i++;
          }
        }
        let ok = digits > 0;
        if (ok && i < lineEnd && (buf[i] | 0x20) === 0x65) {
          i++;
          let expNegative = false;
          if (i < lineEnd && (buf[i] === 0x2d || buf[i] === 0x2b)) {
            expNegative = buf[i] === 0x2d;
            i++;
          }
          let exponent = 0;
          let expDigits = 0;
          while (i < lineEnd) {
            const d = buf[i] - 0x30;
            if (d < 0 || d > 9) break;
            // Capped: anything this large is outside Clinger's range and goes to Number() anyway.
            if (exponent < 100000) exponent = exponent * 10 + d;
            expDigits++;
            i++;
          }
          if (expDigits === 0) ok = false;
          scale += expNegative ? -exponent : exponent;
        }
        const numberEnd = i;
        while (i < lineEnd) {
          b = buf[i];
          if (b !== SPACE && b !== ws && b !== CR) break;
          i++;
        }
        if (ok && (i === lineEnd || buf[i] === delim)) {
          let v: number;
          if (exact && scale >= -22 && scale <= 22) {
            // Clinger (1990): an integer below 2^53 times or divided by an exact power of ten is one correctly
            // rounded IEEE operation, so this equals Number(text).
            v = (scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale]) * (1 - 2 * minus);
          } else {
            v = Number(buf.toString('latin1', q, numberEnd));
          }
          const f = Math.fround(v);
          if (f - f === 0) (columns[c] as Float32Array)[r] = f;
          else sink.numberCell(c, r, row, v);
        } else {
          // Not a plain number: text, a nan/inf word, or junk. Decode the cell and apply the shared semantic.
          while (i < lineEnd && buf[i] !== delim) i++;
          let t = i;
          while (t > q) {
            const e = buf[t - 1];
            if (e !== SPACE && e !== ws && e !== CR) break;
            t--;
          }
          const text = buf.toString('utf8', q, t);
          const v = parseCell(text);
          if (v === null) sink.textCell(c, r, row, text);
          else sink.numberCell(c, r, row, v);
        }
      }
      // i is at a delimiter or the end of the line.
      c++;
      if (i >= lineEnd) break;
      q = i + 1;
      if (c === k) {
        let extra = 1;
        for (let j = q; j < lineEnd; j++) if (buf[j] === delim) extra++;
        c += extra;
        break;
      }
    }
    if (c !== k) sink.ragged(r, row, c);
    sink.rows = r + 1;
    p = next;
    row++;
  }
  return row;
}

/**
 * A column's storage: big ones on a SharedArrayBuffer, so that a pool's threads read the table without a copy (a
 * plain buffer would be cloned into every thread of every batch); small ones plain.
 */
export function columnArray(length: number): Float32Array {
  return length >= SHARED_MIN_ROWS ? newSharedFloat32(length) : new Float32Array(length);
}

const SHARED_MIN_ROWS = 65_536;

// AssemblyScript, compiled to WebAssembly by `npm run build:kernel` (src/wasm/build.mjs), which embeds the module in
// src/engine/io/csvNumbersKernel.generated.ts. The CSV fast path's plain lines (src/engine/io/csvNumbers.ts is the
// host; src/engine/io/csvFast.ts: parseLines is the reference and takes every line this kernel leaves).
//
// A plain line is k cells, each a number in the fast path's grammar — [+-]? digits [. digits]? ([eE][+-]? digits)?,
// nothing around it — or empty (a missing value), or the label's cell (any bytes but the delimiter), ended by LF (CR LF
// in a CRLF file). Its numbers are the ones Clinger's fast path gives exactly: a mantissa below 2^53 times or divided
// by a power of ten up to 10^22, one correctly rounded operation, so each equals Number(text) — and JavaScript's
// parser takes the same value by whichever path it reads it. Anything else (a space, a word, a long mantissa, an
// exponent out of range, a value beyond float32, a ragged or blank line) stops the kernel at the start of its line.
//
// Memory (the host lays it out; every pointer is a byte offset, nothing is allocated here): the block of lines, the
// float32 cells written column by column (column c of row i at out + 4·(c·stride + i)), the label cell's [start, end)
// per row, per column the count of empty cells and the first row that had one (−1: none), and a scratch list of the
// current line's empty columns (k + 1 words).

const POW10: StaticArray<f64> = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const MANTISSA_LIMIT: u64 = 9007199254740992; // 2^53
const LF: u32 = 0x0a;
const CR: u32 = 0x0d;

/** Where the last call stopped: the byte offset (from the block's start) of the first line it did not take. */
let stopped: i32 = 0;

/** First byte the host may use: everything below belongs to this module's data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

export function stoppedAt(): i32 {
  return stopped;
}

/**
 * Parses plain lines from block[0, end) — whole lines; block[end] must be readable (the host writes a 0 there) — into
 * at most `maxRows` rows. Returns the rows taken; stoppedAt() is then the offset of the next line (end when every
 * line was taken).
 */
export function parseBlock(
  block: usize,
  end: i32,
  delim: u32,
  crlf: bool,
  k: i32,
  labelIndex: i32,
  out: usize,
  stride: i32,
  maxRows: i32,
  labelSpans: usize,
  empty: usize,
  firstEmpty: usize,
  scratch: usize,
): i32 {
  const stop: usize = block + <usize>end;
  const colStep: usize = <usize>stride << 2;
  let line: usize = block;
  let r: i32 = 0;
  while (line < stop && r < maxRows) {
    const taken = parseLine(line, stop, delim, crlf, k, labelIndex, out + (<usize>r << 2), colStep, labelSpans + (<usize>r << 3), block, scratch);
    if (taken == 0) break;
    // The line's empty cells (their columns are in scratch, −1 after the last) count only now that it is taken.
    for (let e = scratch; ; e += 4) {
      const c = load<i32>(e);
      if (c < 0) break;
      const at = empty + (<usize>c << 2);
      store<i32>(at, load<i32>(at) + 1);
      const first = firstEmpty + (<usize>c << 2);
      if (load<i32>(first) < 0) store<i32>(first, r);
    }
    line = taken;
    r++;
  }
  stopped = <i32>(line - block);
  return r;
}

/** One line from `p`: its cells written; returns the start of the next line, or 0 when the line is not plain. */
// @ts-ignore: decorator
@inline
function parseLine(
  p: usize,
  stop: usize,
  delim: u32,
  crlf: bool,
  k: i32,
  labelIndex: i32,
  o: usize,
  colStep: usize,
  span: usize,
  block: usize,
  scratch: usize,
): usize {
  store<i32>(scratch, -1);
  // A blank (whitespace-only) line is skipped by the host and counted as a line: a line that starts with white space
  // is the host's to read.
  const first = <u32>load<u8>(p);
  if (first == LF || first == CR || first == 0x20 || first == 0x09) return 0;
  for (let c: i32 = 0; ; c++) {
    let t: u32;
    if (c == labelIndex) {
      // Any bytes up to the delimiter or the line's end; the host trims and reads them.
      const from = p;
      t = <u32>load<u8>(p);
      while (t != delim && t != LF && p < stop) {
        p++;
        t = <u32>load<u8>(p);
      }
      store<i32>(span, <i32>(from - block));
      store<i32>(span, <i32>(p - block), 4);
    } else {
      const b = <u32>load<u8>(p);
      if (b == delim || b == LF || (b == CR && crlf)) {
        // An empty cell: missing (counted by the caller once the line is taken).
        store<f32>(o, NaN);
        store<i32>(scratch, c);
        scratch += 4;
        store<i32>(scratch, -1);
        t = b;
      } else {
        const minus = b == 0x2d;
        p += <usize>(<u32>minus | <u32>(b == 0x2b));
        let mantissa: u64 = 0;
        let digits: i32 = 0;
        let scale: i32 = 0;
        for (;;) {
          const d = <u32>load<u8>(p) - 0x30;
          if (d > 9) break;
          mantissa = mantissa * 10 + <u64>d;
          digits++;
          p++;
        }
        if (load<u8>(p) == 0x2e) {
          p++;
          // Eight fraction digits at a time while the mantissa stays far below 2^64.
          while (mantissa < 10_000_000_000 && p + 8 <= stop) {
            const x = load<u64>(p) ^ 0x3030303030303030;
            if (((x & 0xf0f0f0f0f0f0f0f0) | ((x + 0x0606060606060606) & 0xf0f0f0f0f0f0f0f0)) != 0) break;
            let y = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ff;
            y = (y * 100 + (y >> 16)) & 0x0000ffff0000ffff;
            y = (y * 10000 + (y >> 32)) & 0xffffffff;
            mantissa = mantissa * 100_000_000 + y;
            digits += 8;
            scale -= 8;
            p += 8;
          }
          for (;;) {
            const d = <u32>load<u8>(p) - 0x30;
            if (d > 9) break;
            mantissa = mantissa * 10 + <u64>d;
            digits++;
            scale--;
            p++;
          }
        }
        // Past 19 digits a u64 may have wrapped: the host's parser reads such a number.
        if (digits == 0 || digits > 19) return 0;
        t = <u32>load<u8>(p);
        if ((t | 0x20) == 0x65) {
          p++;
          let negative = false;
          t = <u32>load<u8>(p);
          if (t == 0x2d || t == 0x2b) {
            negative = t == 0x2d;
            p++;
          }
          let exponent: i32 = 0;
          let expDigits: i32 = 0;
          for (;;) {
            const d = <u32>load<u8>(p) - 0x30;
            if (d > 9) break;
            if (exponent < 100000) exponent = exponent * 10 + <i32>d;
            expDigits++;
            p++;
          }
          if (expDigits == 0) return 0;
          scale += negative ? -exponent : exponent;
          t = <u32>load<u8>(p);
        }
        if (mantissa >= MANTISSA_LIMIT || scale < -22 || scale > 22) return 0;
        const m = <f64>mantissa;
        const v = scale >= 0 ? m * unchecked(POW10[scale]) : m / unchecked(POW10[-scale]);
        const f = <f32>(minus ? -v : v);
        // Beyond float32 (the host records it as a non-finite cell).
        if (f - f != 0) return 0;
        store<f32>(o, f);
      }
    }
    o += colStep;
    if (t == delim) {
      // More cells than k: a ragged line.
      if (c + 1 == k) return 0;
      p++;
      continue;
    }
    // The line's end: LF, or CR LF in a CRLF file (a bare LF there, or a CR elsewhere, is the host's to read). A
    // label cell runs to the LF, its CR inside it (the host trims it, as parseLines does).
    if (t == CR && crlf) {
      if (load<u8>(p + 1) != LF) return 0;
      p++;
    } else if (t != LF || (crlf && load<u8>(p - 1) != CR)) {
      return 0;
    }
    // Fewer cells than k: ragged; a line of one empty cell (blank) is the host's too.
    if (c + 1 != k || p >= stop) return 0;
    return p + 1;
  }
}

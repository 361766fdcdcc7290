/**
 * What every CSV path means by a cell and by a label: the cell semantic (`trimCell`, `parseCell`) and the label
 * collector, shared by the byte-level fast path, papaparse's path, the parallel segments and the columnar readers, so
 * that they give bit-identical results.
 */
import type { LabelTask } from '../dataset';
import { makeWarning } from '../errors';
import type { LabelBuild } from './label';
import { labelFromNumbers, labelFromStrings } from './label';
import { CONDITIONAL_MARKER, isMissingMarker } from './missing';

// ---------------------------------------------------------------------------------------------------------------
// The cell semantic. Every cell of every path goes through exactly these rules:
//   trim ASCII space, tab, CR, LF  →  ''               : missing (empty)
//                                  →  [+-]?(nan|inf|infinity), any case : missing, counted as non-finite
//                                  →  a JS decimal literal (optional sign, '.5', '5.', exponent) : Number(text)
//                                  →  anything else    : a non-numeric (text) cell
// Feature values are Math.fround(Number(text)); a value that overflows float32 is non-finite, hence missing.
// Only ASCII whitespace is trimmed (not String.prototype.trim's Unicode set) because the fast path sees bytes.
// ---------------------------------------------------------------------------------------------------------------

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE_WORD = /^[+-]?(?:nan|inf|infinity)$/i;

function isTrimByte(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}

/** Strip ASCII space, tab, CR and LF from both ends (the only whitespace both CSV paths agree on). */
export function trimCell(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && isTrimByte(text.charCodeAt(a))) a++;
  while (b > a && isTrimByte(text.charCodeAt(b - 1))) b--;
  return a === 0 && b === text.length ? text : text.slice(a, b);
}

/**
 * A trimmed, non-empty cell → its double value (NaN or ±Infinity for the nan/inf words), or null when it is not a
 * number. The regex is checked first because Number() alone also accepts hex, binary, '' and whitespace.
 */
export function parseCell(trimmed: string): number | null {
  if (DECIMAL.test(trimmed)) return Number(trimmed);
  if (NON_FINITE_WORD.test(trimmed)) {
    const lower = trimmed.toLowerCase();
    return lower.endsWith('nan') ? NaN : lower.startsWith('-') ? -Infinity : Infinity;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Label collection: the label column is kept as text so that class labels like "cat"/"dog" do not force the slow
// path. Distinct texts are interned (class labels have few), each row keeps a code.
// ---------------------------------------------------------------------------------------------------------------

/** Beyond this many distinct label texts the column is a measurement, not classes: stop interning. */
export const LABEL_INTERN_LIMIT = 4096;

/** Empty cells and NA-like markers are a missing label; '.' too when the label is otherwise numeric. */
function isLabelMissing(text: string, numeric: boolean): boolean {
  return text === '' || isMissingMarker(text) || (numeric && text === CONDITIONAL_MARKER);
}

export class LabelCollector {
  private codes: Int32Array;
  private readonly texts: string[] = [];
  private readonly byText = new Map<string, number>();
  /** Short byte sequences (≤ 6 bytes) packed into a number, so the fast path can skip decoding them. */
  private readonly byShortKey = new Map<number, number>();
  private mode: 'intern' | 'numeric' | 'many' = 'intern';
  private values: Float64Array | null = null;

  constructor(capacity: number) {
    this.codes = new Int32Array(capacity);
  }

  resize(capacity: number, rows: number): void {
    if (this.mode === 'numeric' && this.values) {
      const next = new Float64Array(capacity);
      next.set(this.values.subarray(0, rows));
      this.values = next;
    } else if (this.mode === 'intern') {
      const next = new Int32Array(capacity);
      next.set(this.codes.subarray(0, rows));
      this.codes = next;
    }
  }

  /** `text` must already be trimmed with trimCell (the fast path trims the same bytes). */
  addText(row: number, text: string): void {
    if (this.mode === 'intern') {
      let code = this.byText.get(text);
      if (code === undefined) code = this.intern(row, text);
      if (this.mode === 'intern') this.codes[row] = code;
      else this.addText(row, text);
      return;
    }
    if (this.mode === 'numeric' && this.values) {
      const v = isLabelMissing(text, true) ? NaN : parseCell(text);
      if (v === null) this.becomeMany();
      else this.values[row] = v;
    }
  }

  /**
   * The label cells of rows offset, offset + 1, … read elsewhere (a parallel segment): each row's code into `texts`,
   * the segment's own interned texts in its order of first appearance. The same as addText row by row: the texts new
   * here are interned in that order, which is the order in which the rows would have met them. Where that could cross
   * LABEL_INTERN_LIMIT (the collector then changes mode at a row), it goes row by row.
   */
  addInterned(offset: number, texts: readonly string[], codes: Int32Array): void {
    if (this.mode !== 'intern' || this.texts.length + texts.length > LABEL_INTERN_LIMIT) {
      for (let i = 0; i < codes.length; i++) this.addText(offset + i, texts[codes[i]]);
      return;
    }
    const global = new Int32Array(texts.length);
    texts.forEach((text, t) => {
      global[t] = this.byText.get(text) ?? this.intern(offset, text);
    });
    const out = this.codes;
    for (let i = 0; i < codes.length; i++) out[offset + i] = global[codes[i]];
  }

  /** Trimmed cell bytes [a, b) of `buf` (the fast path). */
  addBytes(row: number, buf: Buffer, a: number, b: number): void {
    const len = b - a;
    if (this.mode === 'intern' && len <= 6) {
      // len ≤ 6 bytes packs below 2^48; ×8 + len keeps "0" and "\0 0" apart and stays an exact double.
      let key = 0;
      for (let i = a; i < b; i++) key = key * 256 + buf[i];
      key = key * 8 + len;
      const code = this.byShortKey.get(key);
      if (code !== undefined) {
        this.codes[row] = code;
        return;
      }
      const text = buf.toString('utf8', a, b);
      this.addText(row, text);
      const known = this.byText.get(text);
      if (this.mode === 'intern' && known !== undefined) this.byShortKey.set(key, known);
      return;
    }
    if (this.mode === 'many') return;
    this.addText(row, buf.toString('utf8', a, b));
  }

  /**
   * Row `row`'s label cell as the text it was read from (a number in numeric mode), for copying the row into another
   * sink; null when the collector gave up (more than LABEL_INTERN_LIMIT texts that are not all numbers).
   */
  /** Whether every label text is still interned (at most LABEL_INTERN_LIMIT of them): then `interned` gives them. */
  get interning(): boolean {
    return this.mode === 'intern';
  }

  /** The interned texts and each row's code (intern mode). */
  interned(): { readonly texts: readonly string[]; readonly codes: Int32Array } {
    return { texts: this.texts, codes: this.codes };
  }

  cellText(row: number): string | null {
    if (this.mode === 'intern') return this.texts[this.codes[row]] ?? null;
    if (this.mode === 'numeric' && this.values) {
      const v = this.values[row];
      return v === v ? String(v) : '';
    }
    return null;
  }

  private intern(row: number, text: string): number {
    if (this.texts.length >= LABEL_INTERN_LIMIT) {
      // Too many distinct texts for classes. If all are numbers keep the numbers (labelFromNumbers will explain why
      // they are not classes); otherwise the label can only be dropped.
      if (this.texts.every((t) => isLabelMissing(t, true) || parseCell(t) !== null)) {
        const values = new Float64Array(this.codes.length);
        const parsed = this.texts.map((t) => (isLabelMissing(t, true) ? NaN : (parseCell(t) as number)));
        for (let i = 0; i < row; i++) values[i] = parsed[this.codes[i]];
        this.values = values;
        this.mode = 'numeric';
      } else {
        this.becomeMany();
      }
      this.codes = new Int32Array(0);
      this.byShortKey.clear();
      return -1;
    }
    const code = this.texts.length;
    this.texts.push(text);
    this.byText.set(text, code);
    return code;
  }

  private becomeMany(): void {
    this.mode = 'many';
    this.values = null;
    this.codes = new Int32Array(0);
    this.byShortKey.clear();
  }

  /**
   * Integer-looking labels (every non-empty text a number) go through labelFromNumbers so 0/1 keep their numeric
   * order; any text makes the whole column string classes in order of first appearance.
   */
  finish(name: string, sourceColumn: number, rows: number, file: string, task?: LabelTask, decimalComma = false): LabelBuild {
    if (this.mode === 'many') {
      return {
        label: null,
        warnings: [
          makeWarning('labelManyClasses', `label has more than ${LABEL_INTERN_LIMIT} distinct text values; analysed without a label`, {
            file,
            column: name,
            expected: 'integer or text class labels',
          }),
        ],
      };
    }
    if (this.mode === 'numeric' && this.values) {
      return labelFromNumbers(name, sourceColumn, this.values.subarray(0, rows), file, task);
    }
    // Numbers, perhaps with missing markers and '.' (then missing too): a numeric label. In a file whose delimiter
    // is not a comma, 10,5 is a number written with a decimal comma when every label text reads so.
    let parsed = this.texts.map((t) => (isLabelMissing(t, true) ? NaN : parseCell(t)));
    if (decimalComma && parsed.some((v) => v === null)) {
      const comma = this.texts.map((t) => (isLabelMissing(t, true) ? NaN : /^[+-]?\d+,\d+$/.test(t) ? Number(t.replace(',', '.')) : parseCell(t)));
      if (comma.every((v) => v !== null)) parsed = comma;
    }
    if (parsed.every((v) => v !== null)) {
      const values = new Float64Array(rows);
      for (let i = 0; i < rows; i++) values[i] = parsed[this.codes[i]] as number;
      return labelFromNumbers(name, sourceColumn, values, file, task);
    }
    const strings: (string | null)[] = new Array<string | null>(rows);
    for (let i = 0; i < rows; i++) {
      const t = this.texts[this.codes[i]];
      strings[i] = isLabelMissing(t, false) ? null : t;
    }
    return labelFromStrings(name, sourceColumn, strings, file, task);
  }
}

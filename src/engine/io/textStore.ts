/**
 * The non-numeric cells of one column, interned while the file streams: each distinct text once, and per text cell
 * its row and level in two growing Int32Arrays (8 bytes a cell). A numeric column with a few NA markers costs a few
 * bytes; a text column costs 8 bytes a row plus its distinct texts. Past MAX_TEXT_LEVELS distinct texts the column
 * is identifiers or free text, so new texts are counted but no longer kept.
 */
import type { TextCells } from './columnTypes';
import { MAX_TEXT_LEVELS } from './textColumns';

export class TextStore {
  private readonly byText = new Map<string, number>();
  private readonly levels: string[] = [];
  private readonly counts: number[] = [];
  private rows = new Int32Array(16);
  private codes = new Int32Array(16);
  private cells = 0;
  private overflow = false;
  private totalLength = 0;
  private withSpace = 0;

  /** `row` is the 0-based data row; `text` is trimmed and non-empty. */
  add(row: number, text: string): void {
    let code = this.byText.get(text);
    if (code === undefined) {
      if (this.levels.length < MAX_TEXT_LEVELS) {
        code = this.levels.length;
        this.levels.push(text);
        this.counts.push(0);
        this.byText.set(text, code);
      } else {
        this.overflow = true;
        code = -1;
      }
    }
    if (code >= 0) this.counts[code]++;
    if (this.cells === this.rows.length) {
      const size = this.rows.length * 2;
      const rows = new Int32Array(size);
      rows.set(this.rows);
      const codes = new Int32Array(size);
      codes.set(this.codes);
      this.rows = rows;
      this.codes = codes;
    }
    this.rows[this.cells] = row;
    this.codes[this.cells] = code;
    this.cells++;
    this.totalLength += text.length;
    if (text.includes(' ')) this.withSpace++;
  }

  finish(): TextCells {
    return {
      levels: this.levels,
      counts: this.counts,
      rows: this.rows.subarray(0, this.cells),
      codes: this.codes.subarray(0, this.cells),
      overflow: this.overflow,
      cells: this.cells,
      totalLength: this.totalLength,
      withSpace: this.withSpace,
    };
  }
}

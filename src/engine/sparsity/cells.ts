/**
 * Rows reduced to cells: with k binarised candidate features every row falls into one of 2^k cells, and everything
 * a model on interaction terms of those features needs — row and label counts per cell — fits in a table whose size
 * is the number of occupied cells (≤ rows), whatever k is.
 */
export interface CellTable {
  readonly k: number;
  /** Occupied cell indices, ascending (bit j = binarised feature j). */
  readonly cells: Uint32Array;
  /** Rows in each occupied cell. */
  readonly count: Float64Array;
  /** Rows with label 1 in each occupied cell. */
  readonly positives: Float64Array;
  readonly rows: number;
}

/** Cell index of every row: bit j = bits[j][row]. */
export function cellIndex(bits: readonly Uint8Array[], rows: number): Uint32Array {
  if (bits.length > 31) throw new RangeError(`cellIndex: at most 31 features fit a cell index, got ${bits.length}`);
  const out = new Uint32Array(rows);
  for (let j = 0; j < bits.length; j++) {
    const b = bits[j];
    const m = 1 << j;
    for (let i = 0; i < rows; i++) if (b[i]) out[i] = (out[i] | m) >>> 0;
  }
  return out;
}

/** Tabulate the given rows (a split part) of a 0/1 label by cell. */
export function buildCellTable(k: number, cellOfRow: Uint32Array, labels: Int32Array, rows: Uint32Array): CellTable {
  // Sort cell·2 + label as plain numbers (exact below 2^53, and a typed-array sort needs no comparator), then
  // run-length encode: equal cells end up adjacent, their label bit counts the positives.
  const keys = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) keys[r] = cellOfRow[rows[r]] * 2 + (labels[rows[r]] ? 1 : 0);
  keys.sort();
  let occupied = 0;
  for (let r = 0; r < keys.length; r++) if (r === 0 || Math.floor(keys[r] / 2) !== Math.floor(keys[r - 1] / 2)) occupied++;
  const cells = new Uint32Array(occupied);
  const count = new Float64Array(occupied);
  const positives = new Float64Array(occupied);
  let o = -1;
  let previous = -1;
  for (let r = 0; r < keys.length; r++) {
    const c = Math.floor(keys[r] / 2);
    if (c !== previous) {
      o++;
      cells[o] = c;
      previous = c;
    }
    count[o]++;
    positives[o] += keys[r] - 2 * c;
  }
  return { k, cells, count, positives, rows: rows.length };
}

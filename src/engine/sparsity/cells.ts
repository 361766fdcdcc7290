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
  const keys = new Uint32Array(rows.length);
  for (let r = 0; r < rows.length; r++) keys[r] = cellOfRow[rows[r]];
  const order = Uint32Array.from({ length: rows.length }, (_, r) => r).sort((a, b) => keys[a] - keys[b]);
  const cells: number[] = [];
  const count: number[] = [];
  const positives: number[] = [];
  for (let t = 0; t < order.length; t++) {
    const r = order[t];
    const c = keys[r];
    if (cells.length === 0 || cells[cells.length - 1] !== c) {
      cells.push(c);
      count.push(0);
      positives.push(0);
    }
    count[count.length - 1]++;
    positives[positives.length - 1] += labels[rows[r]];
  }
  return {
    k,
    cells: Uint32Array.from(cells),
    count: Float64Array.from(count),
    positives: Float64Array.from(positives),
    rows: rows.length,
  };
}

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
    // Branch-free (a branch on random bits mispredicts half the time): m where the bit is set, else 0.
    for (let i = 0; i < rows; i++) out[i] = (out[i] | (m * +(b[i] !== 0))) >>> 0;
  }
  return out;
}

/** Tabulate the given rows (a split part) of a 0/1 label by cell. */
export function buildCellTable(k: number, cellOfRow: Uint32Array, labels: Int32Array, rows: Uint32Array): CellTable {
  // Sort cell·2 + label as plain numbers (exact below 2^53, and a typed-array sort needs no comparator), then
  // run-length encode: equal cells end up adjacent, their label bit counts the positives.
  const keys = new Float64Array(rows.length);
  // Unary + on the comparison, not a ternary: a branch on a random label mispredicts half the time.
  for (let r = 0; r < rows.length; r++) keys[r] = cellOfRow[rows[r]] * 2 + +(labels[rows[r]] !== 0);
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

/** Per occupied cell: rows and the power sums of a numeric target (the lasso's units, see lasso.ts). */
export interface CellMoments {
  readonly k: number;
  readonly cells: Uint32Array;
  readonly count: Float64Array;
  readonly sum: Float64Array;
  readonly sum2: Float64Array;
  readonly sum3: Float64Array;
  readonly sum4: Float64Array;
  readonly rows: number;
}

/** Tabulate the given rows of a numeric target by cell: counts and Σy, Σy², Σy³, Σy⁴ per occupied cell. */
export function buildCellMoments(k: number, cellOfRow: Uint32Array, target: Float64Array, rows: Uint32Array): CellMoments {
  const keys = new Uint32Array(rows.length);
  for (let r = 0; r < rows.length; r++) keys[r] = cellOfRow[rows[r]];
  const sorted = Uint32Array.from(keys).sort();
  let occupied = 0;
  for (let r = 0; r < sorted.length; r++) if (r === 0 || sorted[r] !== sorted[r - 1]) occupied++;
  const cells = new Uint32Array(occupied);
  for (let r = 0, o = 0; r < sorted.length; r++) if (r === 0 || sorted[r] !== sorted[r - 1]) cells[o++] = sorted[r];
  const count = new Float64Array(occupied);
  const sum = new Float64Array(occupied);
  const sum2 = new Float64Array(occupied);
  const sum3 = new Float64Array(occupied);
  const sum4 = new Float64Array(occupied);
  // Rows in split order (ascending), each added to its cell found by binary search: the same sums whatever the order
  // the cells were met in.
  for (let r = 0; r < rows.length; r++) {
    const c = keys[r];
    let lo = 0;
    let hi = occupied - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cells[mid] < c) lo = mid + 1;
      else hi = mid;
    }
    const y = target[rows[r]];
    const y2 = y * y;
    count[lo]++;
    sum[lo] += y;
    sum2[lo] += y2;
    sum3[lo] += y2 * y;
    sum4[lo] += y2 * y2;
  }
  return { k, cells, count, sum, sum2, sum3, sum4, rows: rows.length };
}

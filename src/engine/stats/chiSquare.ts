/**
 * Tests of independence for two categorical columns given as integer codes: Pearson's χ² (Pearson 1900) and the
 * likelihood-ratio G (Wilks 1938; Sokal & Rohlf's G-test), both with Cramér's V as the effect size.
 */
import { chiSquareSf } from './distributions';

export interface IndependenceTestResult {
  /** Pearson's X² or G; NaN when there is no test (see reason). No Yates continuity correction. */
  readonly statistic: number;
  /** (r − 1)(c − 1) over the rows and columns of the table that are not empty. */
  readonly df: number;
  /** P(χ²_df ≥ statistic); NaN when there is no test. */
  readonly p: number;
  /** Rows where both codes are present. */
  readonly n: number;
  /** √(statistic / (n·(min(r, c) − 1))) over the non-empty table (for G, its analogue); NaN when there is no test. */
  readonly cramersV: number;
  /** Smallest expected count E = rowTotal·colTotal/n over the non-empty table: Cochran (1954) wants E ≥ 1 everywhere
   * and E ≥ 5 in most cells before trusting the χ² approximation. NaN when there is no test. */
  readonly minExpected: number;
  /** Observed counts, indexed [code of a][code of b], ka × kb including empty rows and columns. */
  readonly table: number[][];
  /** Non-empty rows and columns of the table: the r and c behind df and V (use these, not table's size, for
   * min(r, c) in cramersVBound). */
  readonly nonEmptyRows: number;
  readonly nonEmptyCols: number;
  /** Why there is no test, or null. */
  readonly reason: string | null;
}

/**
 * Cells above this refuse to allocate: a 10⁷-cell table is 80 MB and means one column is an identifier, which a test
 * of independence cannot say anything useful about.
 */
const MAX_CELLS = 10_000_000;

interface Counts {
  readonly table: Float64Array;
  readonly rowTotals: Float64Array;
  readonly colTotals: Float64Array;
  readonly n: number;
}

/** The code of row i, or −1 when it is missing (negative or NaN); anything else out of range is an error. */
function checkCode(name: string, codes: ArrayLike<number>, k: number, i: number): number {
  const c = codes[i];
  if (!(c >= 0)) return -1;
  if (c >= k || c !== Math.floor(c)) {
    throw new RangeError(`${name}: row ${i} has code ${c}; codes must be integers in [0, ${k}), or negative for missing`);
  }
  return c;
}

function count(a: ArrayLike<number>, ka: number, b: ArrayLike<number>, kb: number, fn: string): Counts {
  if (a.length !== b.length) throw new RangeError(`${fn}: columns have ${a.length} and ${b.length} rows`);
  if (!(Number.isInteger(ka) && ka >= 0 && Number.isInteger(kb) && kb >= 0)) {
    throw new RangeError(`${fn}: category counts must be non-negative integers, got ${ka} and ${kb}`);
  }
  if (ka * kb > MAX_CELLS) {
    throw new RangeError(`${fn}: a ${ka} × ${kb} table has more than ${MAX_CELLS} cells; is one column an identifier?`);
  }
  const table = new Float64Array(ka * kb);
  const rowTotals = new Float64Array(ka);
  const colTotals = new Float64Array(kb);
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = checkCode(fn, a, ka, i);
    const y = checkCode(fn, b, kb, i);
    if (x < 0 || y < 0) continue;
    table[x * kb + y]++;
    rowTotals[x]++;
    colTotals[y]++;
    n++;
  }
  return { table, rowTotals, colTotals, n };
}

function toRows(table: Float64Array, ka: number, kb: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < ka; i++) rows.push(Array.from(table.subarray(i * kb, (i + 1) * kb)));
  return rows;
}

function independenceTest(
  a: ArrayLike<number>,
  ka: number,
  b: ArrayLike<number>,
  kb: number,
  fn: string,
  cell: (observed: number, expected: number) => number,
  finish: (sum: number) => number,
): IndependenceTestResult {
  const { table, rowTotals, colTotals, n } = count(a, ka, b, kb, fn);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < ka; i++) if (rowTotals[i] > 0) rows.push(i);
  for (let j = 0; j < kb; j++) if (colTotals[j] > 0) cols.push(j);
  const df = Math.max(0, rows.length - 1) * Math.max(0, cols.length - 1);
  const base = { df, n, table: toRows(table, ka, kb), nonEmptyRows: rows.length, nonEmptyCols: cols.length };
  const none = (reason: string): IndependenceTestResult => ({
    ...base,
    statistic: NaN,
    p: NaN,
    cramersV: NaN,
    minExpected: NaN,
    reason,
  });
  if (n === 0) return none('no row has both codes present');
  if (rows.length < 2) return none('the first column takes a single value on the complete rows');
  if (cols.length < 2) return none('the second column takes a single value on the complete rows');
  let sum = 0;
  let minExpected = Infinity;
  for (const i of rows) {
    for (const j of cols) {
      // Summing (O − E)²/E cell by cell rather than n(Σ O²/(RᵢCⱼ) − 1) keeps a small statistic from a large n exact.
      const expected = (rowTotals[i] * colTotals[j]) / n;
      if (expected < minExpected) minExpected = expected;
      sum += cell(table[i * kb + j], expected);
    }
  }
  const statistic = Math.max(0, finish(sum));
  const k = Math.min(rows.length, cols.length) - 1;
  return {
    ...base,
    statistic,
    p: chiSquareSf(statistic, df),
    cramersV: Math.min(1, Math.sqrt(statistic / (n * k))),
    minExpected,
    reason: null,
  };
}

/**
 * Pearson's χ² test of independence of two coded columns (codes 0…k − 1; negative = missing, the row is dropped),
 * without Yates' correction: scipy.stats.chi2_contingency(table, correction=False) on the non-empty rows and
 * columns. Empty rows and columns are dropped before df is counted, as they carry no information (scipy would
 * refuse a table with a zero margin).
 */
export function chiSquareIndependence(
  a: ArrayLike<number>,
  ka: number,
  b: ArrayLike<number>,
  kb: number,
): IndependenceTestResult {
  return independenceTest(
    a,
    ka,
    b,
    kb,
    'chiSquareIndependence',
    (o, e) => ((o - e) * (o - e)) / e,
    (s) => s,
  );
}

/**
 * The likelihood-ratio (G) test of the same hypothesis: G = 2 Σ O ln(O/E) (scipy.stats.chi2_contingency(table,
 * correction=False, lambda_='log-likelihood')). It is the deviance of the independence model, so it adds up over
 * nested tables; Pearson's X² approaches χ² faster when expected counts are small (Larntz 1978), which is why X² is
 * the default.
 */
export function gTestIndependence(
  a: ArrayLike<number>,
  ka: number,
  b: ArrayLike<number>,
  kb: number,
): IndependenceTestResult {
  return independenceTest(
    a,
    ka,
    b,
    kb,
    'gTestIndependence',
    (o, e) => (o > 0 ? o * Math.log(o / e) : 0),
    (s) => 2 * s,
  );
}

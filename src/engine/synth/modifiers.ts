/**
 * Defects added to a known-answer table (see tables.ts): extra columns (near copies, shuffled copies, a copy of the
 * label), duplicate and conflicting rows, missing cells and NA-like markers, a suspicious class, a label of pure
 * noise. Each returns a new table whose ground truth follows the change.
 */
import type { ColumnType } from '../dataset';
import { createRng, permutation } from '../random';
import type { Cell, SynthColumn, SynthTable } from './tables';

// ---------------------------------------------------------------------------------------------------------------
// Defects: each returns a new table; the ground truth follows.
// ---------------------------------------------------------------------------------------------------------------

/** A column added as is. */
export function withColumn(table: SynthTable, added: SynthColumn): SynthTable {
  if (added.cells.length !== table.rows) throw new RangeError(`withColumn: "${added.name}" has ${added.cells.length} cells for ${table.rows} rows`);
  return withTruth({ ...table, columns: [...table.columns, added] }, added);
}

/** `name` = `of` + N(0, (sd·sd(of))²): a near copy that carries exactly what `of` carries. */
export function withNearCopy(table: SynthTable, of: string, name: string, seed: number, sd = 1e-3): SynthTable {
  const source = findColumn(table, of);
  const rng = createRng(seed);
  const values = source.cells.map((c) => (typeof c === 'number' ? c : NaN));
  const scale = sd * standardDeviation(values);
  const cells = source.cells.map((c) => (typeof c === 'number' ? Math.fround(c + scale * rng.normal()) : c));
  return withColumn(table, { name, cells, role: 'nearCopy', carries: source.carries, how: `${of} + N(0, (${sd}·sd)²)`, expectedType: source.expectedType });
}

/** A row-shuffled copy of `of`: the same values in a random row order, so independent of the label. */
export function withShuffledCopy(table: SynthTable, of: string, name: string, seed: number): SynthTable {
  const source = findColumn(table, of);
  const order = permutation(table.rows, createRng(seed));
  const cells = Array.from(order, (r) => source.cells[r]);
  return withColumn(table, { name, cells, role: 'shuffled', carries: false, how: `${of} in a random row order`, expectedType: source.expectedType });
}

/** Two-word vocabularies the reader types as booleans (sorted, lower case), so a copied label's type is known. */
const BOOLEAN_WORDS: readonly (readonly [string, string])[] = [['false', 'true'], ['f', 't'], ['no', 'yes'], ['n', 'y']];

/** A feature equal to the label (its class text, or its value): a leak. */
export function withLabelCopy(table: SynthTable, name: string): SynthTable {
  const label = table.label;
  const cells: Cell[] = Array.from({ length: table.rows }, (_, i) =>
    label.target ? label.target[i] : label.codes && label.codes[i] >= 0 ? classValue(label.classes[label.codes[i]]) : null,
  );
  const lower = label.classes.map((c) => c.toLowerCase()).sort();
  const booleanPair = BOOLEAN_WORDS.some((pair) => lower.length === 2 && lower[0] === pair[0] && lower[1] === pair[1]);
  const numbers = cells.every((c) => typeof c === 'number' || c === null);
  const expected: ColumnType = label.task === 'regression' ? 'numeric' : label.classes.length === 2 ? (numbers ? 'binary' : booleanPair ? 'boolean' : 'categorical') : 'categorical';
  return withColumn(table, { name, cells, role: 'leak', carries: true, how: 'a copy of the label', expectedType: expected });
}

/** `count` extra rows, each an exact copy (features and label) of a random earlier row. */
export function withDuplicateRows(table: SynthTable, count: number, seed: number): SynthTable {
  const rng = createRng(seed);
  const picks = Array.from({ length: count }, () => rng.int(table.rows));
  return appendRows(table, picks, null);
}

/**
 * `count` extra rows copying the features of random earlier rows with the other class: identical features, different
 * labels (classes only).
 */
export function withConflictingRows(table: SynthTable, count: number, seed: number): SynthTable {
  const label = table.label;
  if (!label.codes || label.classes.length < 2) throw new RangeError('withConflictingRows needs a class label');
  const codes = label.codes;
  const rng = createRng(seed);
  const picks: number[] = [];
  while (picks.length < count) {
    const r = rng.int(table.rows);
    if (codes[r] >= 0) picks.push(r);
  }
  return appendRows(table, picks, (r) => (codes[r] + 1) % label.classes.length);
}

export interface MissingSpec {
  readonly seed: number;
  /** MCAR: every cell is missing with this probability. */
  readonly share: number;
  /**
   * Informative: the probability for rows of class 1 (or, for regression, rows whose target is above its median);
   * the other rows use `share`. Absent: missing completely at random.
   */
  readonly informativeShare?: number;
  /** What a missing cell is written as (default: empty). */
  readonly marker?: string | null;
}

/** Blank out cells of `of`: completely at random, or at a rate that depends on the label (not at random). */
export function withMissing(table: SynthTable, of: string, spec: MissingSpec): SynthTable {
  const source = findColumn(table, of);
  const rng = createRng(spec.seed);
  const high = labelHigh(table);
  const marker = spec.marker ?? null;
  const cells = source.cells.map((c, i) => {
    const p = spec.informativeShare !== undefined && high[i] ? spec.informativeShare : spec.share;
    return rng.next() < p ? marker : c;
  });
  const how =
    spec.informativeShare !== undefined
      ? `; missing in ${pct(spec.informativeShare)} of ${table.label.task === 'regression' ? 'rows above the median target' : 'class-1 rows'} and ${pct(spec.share)} of the others`
      : `; missing completely at random (${pct(spec.share)})`;
  return replaceColumn(table, { ...source, cells, how: source.how + how });
}

/** The missing-value spellings of R, UCI files, SAS/Stata, pandas and JSON tools (see io/missing.ts). */
export const NA_MARKERS: readonly string[] = ['NA', '?', '.', '', 'null'];

/** NA-like markers written in place of about `share` of the cells of `of`, cycling through `markers`. */
export function withMarkers(table: SynthTable, of: string, seed: number, share = 0.1, markers: readonly string[] = NA_MARKERS): SynthTable {
  const source = findColumn(table, of);
  const rng = createRng(seed);
  let k = 0;
  const cells = source.cells.map((c) => (rng.next() < share ? markers[k++ % markers.length] : c));
  return replaceColumn(table, { ...source, cells, how: `${source.how}; ${k} cells replaced by ${markers.map((m) => JSON.stringify(m)).join(', ')}` });
}

/** One row's class replaced by a new class `text` (default "."): a placeholder that looks like a class. */
export function withSuspiciousClass(table: SynthTable, seed: number, text = '.'): SynthTable {
  const label = table.label;
  if (!label.codes) throw new RangeError('withSuspiciousClass needs a class label');
  const codes = Int32Array.from(label.codes);
  codes[createRng(seed).int(table.rows)] = label.classes.length;
  const classes = [...label.classes, text];
  return { ...table, label: { ...label, codes, classes, task: classes.length > 2 ? 'multiclass' : label.task }, truth: { ...table.truth, alert: 'labelSuspiciousClass' } };
}

/** The table with its label replaced by an independent fair coin: nothing can carry it. */
export function withNoiseLabel(table: SynthTable, seed: number): SynthTable {
  const rng = createRng(seed);
  const codes = Int32Array.from({ length: table.rows }, () => (rng.next() < 0.5 ? 1 : 0));
  return {
    ...table,
    label: { name: table.label.name, task: 'binary', codes, classes: ['0', '1'], target: null },
    truth: { ...table.truth, rule: 'y ~ Bernoulli(0.5), independent of every column', relevant: [], independent: table.columns.map((c) => c.name), coefficients: null, ceiling: 0.5 },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------------------------

export function findColumn(table: SynthTable, name: string): SynthColumn {
  const c = table.columns.find((x) => x.name === name);
  if (!c) throw new RangeError(`no column "${name}" in ${table.truth.generator}`);
  return c;
}

function replaceColumn(table: SynthTable, replaced: SynthColumn): SynthTable {
  return { ...table, columns: table.columns.map((c) => (c.name === replaced.name ? replaced : c)) };
}

/** The truth after adding a column: independent columns join `independent`; a leak or a copy of a signal joins neither. */
function withTruth(table: SynthTable, added: SynthColumn): SynthTable {
  const independent = added.carries ? table.truth.independent : [...table.truth.independent, added.name];
  return { ...table, truth: { ...table.truth, independent } };
}

function appendRows(table: SynthTable, picks: readonly number[], newClass: ((row: number) => number) | null): SynthTable {
  const rows = table.rows + picks.length;
  const columns = table.columns.map((c) => ({ ...c, cells: [...c.cells, ...picks.map((r) => c.cells[r])] }));
  const l = table.label;
  const codes = l.codes ? Int32Array.from([...l.codes, ...picks.map((r) => (newClass ? newClass(r) : (l.codes as Int32Array)[r]))]) : null;
  const target = l.target ? Float64Array.from([...l.target, ...picks.map((r) => (l.target as Float64Array)[r])]) : null;
  return { ...table, rows, columns, label: { ...l, codes, target } };
}

/** Rows of class 1 (or above the median target): where informative missingness strikes. */
function labelHigh(table: SynthTable): boolean[] {
  const l = table.label;
  if (l.target) {
    const sorted = Float64Array.from(l.target.filter((v) => Number.isFinite(v))).sort();
    const median = sorted[Math.floor(sorted.length / 2)];
    return Array.from(l.target, (v) => v > median);
  }
  return Array.from(l.codes ?? [], (k) => k === 1);
}

function classValue(text: string): Cell {
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

function standardDeviation(values: readonly number[]): number {
  let n = 0;
  let s = 0;
  for (const v of values) if (v === v) (n++, (s += v));
  const mean = s / Math.max(1, n);
  let ss = 0;
  for (const v of values) if (v === v) ss += (v - mean) ** 2;
  return Math.sqrt(ss / Math.max(1, n - 1));
}

function pct(x: number): string {
  return `${Math.round(100 * x)} %`;
}

/**
 * Known-answer tables for the acceptance tests of "any table, honestly": seeded generators for every label task
 * (binary linear, XOR of two continuous features, parity of two-valued features, threshold rule, multi-class softmax,
 * regression with known coefficients) and every column type the reader infers (numeric, binary, integer codes, text
 * categories, booleans in three spellings, dates in two formats, identifiers, row numbers, free text), plus the
 * defects the data-quality checks look for (duplicate rows, near copies, shuffled copies, MCAR and informative
 * missingness, NA-like markers, a "." class, a copy of the label …).
 *
 * Every table carries its ground truth: which columns the label depends on and how, which are independent of it,
 * and the best score any model can reach on it (the Bayes accuracy or the R² ceiling), so a test can check a verdict
 * against what is true rather than against what the engine said last time. A table is written either as CSV text
 * (so the reader and the column typing are exercised too) or as an in-memory Dataset.
 *
 * Numbers are stored as float32 (what the reader keeps) and written with formatFloat32, so a CSV round trip gives
 * the in-memory columns bit for bit.
 */
import type { AlertCode } from '../alerts/types';
import type { Categories, ColumnType, Dataset, FeatureType, Label, LabelTask } from '../dataset';
import { classLabel, inMemoryDataset, regressionLabel } from '../dataset';
import { createRng, permutation } from '../random';
import type { Rng } from '../random';
import { formatFloat32, generateKryptonite } from './kryptonite';
import type { KryptoniteShape } from './kryptonite';

/** One cell as generated: a number, a text, or null for an empty cell. */
export type Cell = number | string | null;

/** What a column is by construction, relative to the label. */
export type ColumnRole =
  /** The label depends on it (alone, through an interaction, or through its season). */
  | 'signal'
  /** Independent of the label and of every other column. */
  | 'noise'
  /** Another column plus tiny noise: carries what that column carries, and nothing more. */
  | 'nearCopy'
  /** A row-shuffled copy of a signal column: the same values, no association with the label. */
  | 'shuffled'
  /** A copy of the label (a leak). */
  | 'leak'
  /** Unique per row, a row number, free text or a date: excluded from the features by the reader. */
  | 'identifier'
  | 'text'
  | 'date'
  /** Built to trigger a data-quality alert; independent of the label unless `carries` says otherwise. */
  | 'quality';

export interface SynthColumn {
  readonly name: string;
  readonly cells: readonly Cell[];
  readonly role: ColumnRole;
  /** True when the label depends on this column (for dates: on the derived day of the year). */
  readonly carries: boolean;
  /** How it relates to the label, in one line. */
  readonly how: string;
  /** The type the reader should infer from the CSV text (the key of the typing tests). */
  readonly expectedType: ColumnType;
}

export interface SynthLabel {
  readonly name: string;
  readonly task: LabelTask;
  /** Classes: the class index of every row (−1: missing) and the class texts written to the CSV. */
  readonly codes: Int32Array | null;
  readonly classes: readonly string[];
  /** Regression: the target of every row (NaN: missing). */
  readonly target: Float64Array | null;
}

export interface TableTruth {
  /** The generator and its parameters, for messages. */
  readonly generator: string;
  /** The rule that made the label, in one line. */
  readonly rule: string;
  /** Columns the label depends on, and columns that are independent of it (by construction). */
  readonly relevant: readonly string[];
  readonly independent: readonly string[];
  /** Linear generators: the coefficient of every column in the score or the mean (0 for independent columns). */
  readonly coefficients: Readonly<Record<string, number>> | null;
  /**
   * The best score any model can reach on these rows: the Bayes accuracy (mean over rows of the largest true class
   * probability) for classes, the population R² of the true mean function for regression.
   */
  readonly ceiling: number;
  /** What a test can expect beyond the verdicts: the alert it is built to trigger, the Kryptonite shapes. */
  readonly alert?: string;
  readonly shapes?: readonly KryptoniteShape[];
}

export interface SynthTable {
  readonly rows: number;
  readonly columns: readonly SynthColumn[];
  readonly label: SynthLabel;
  readonly truth: TableTruth;
}

// ---------------------------------------------------------------------------------------------------------------
// Label generators.
// ---------------------------------------------------------------------------------------------------------------

export interface LinearSpec {
  readonly rows: number;
  readonly seed: number;
  /** Logit coefficients of x1, x2, … (standard normal features). Default [1.5, −1, 0.5]. */
  readonly coefficients?: readonly number[];
  readonly intercept?: number;
  /** Independent standard-normal columns n1, n2, … Default 2. */
  readonly noiseColumns?: number;
  readonly classNames?: readonly [string, string];
}

/** Binary label from a logistic model: P(y = 1) = σ(b + Σ βⱼ xⱼ), xⱼ ~ N(0, 1) independent. */
export function linearTable(spec: LinearSpec): SynthTable {
  const beta = spec.coefficients ?? [1.5, -1, 0.5];
  const b0 = spec.intercept ?? 0;
  const rng = createRng(spec.seed);
  const n = spec.rows;
  checkRows(n, 'linearTable');
  const xs = beta.map(() => normals(n, rng));
  const noise = Array.from({ length: spec.noiseColumns ?? 2 }, () => normals(n, rng));
  const codes = new Int32Array(n);
  let bayes = 0;
  for (let i = 0; i < n; i++) {
    let z = b0;
    for (let j = 0; j < beta.length; j++) z += beta[j] * xs[j][i];
    const p = sigmoid(z);
    codes[i] = rng.next() < p ? 1 : 0;
    bayes += Math.max(p, 1 - p);
  }
  const names = beta.map((_, j) => `x${j + 1}`);
  const noiseNames = noise.map((_, j) => `n${j + 1}`);
  const coefficients: Record<string, number> = {};
  names.forEach((name, j) => (coefficients[name] = beta[j]));
  noiseNames.forEach((name) => (coefficients[name] = 0));
  return {
    rows: n,
    columns: [
      ...xs.map((x, j) => numericColumn(names[j], x, 'signal', true, `logit coefficient ${beta[j]}`)),
      ...noise.map((x, j) => numericColumn(noiseNames[j], x, 'noise', false, 'independent N(0, 1)')),
    ],
    label: { name: 'y', task: 'binary', codes, classes: spec.classNames ?? ['0', '1'], target: null },
    truth: {
      generator: `linearTable(rows ${n}, seed ${spec.seed})`,
      rule: `P(y = 1) = σ(${b0} ${beta.map((b, j) => `${b >= 0 ? '+' : '−'} ${Math.abs(b)}·x${j + 1}`).join(' ')})`,
      relevant: names.filter((_, j) => beta[j] !== 0),
      independent: [...names.filter((_, j) => beta[j] === 0), ...noiseNames],
      coefficients,
      ceiling: bayes / n,
    },
  };
}

export interface XorSpec {
  readonly rows: number;
  readonly seed: number;
  /** Probability that a label is flipped (default 0.05). */
  readonly flip?: number;
  readonly noiseColumns?: number;
}

/**
 * y = [x1 > 0] XOR [x2 > 0], flipped with probability `flip`; x1, x2 ~ N(0, 1). Neither feature is associated with
 * the label on its own (each half of x1 holds both classes equally often), so only a model that sees the interaction
 * can find them.
 */
export function xorTable(spec: XorSpec): SynthTable {
  const flip = spec.flip ?? 0.05;
  const rng = createRng(spec.seed);
  const n = spec.rows;
  checkRows(n, 'xorTable');
  const x1 = normals(n, rng);
  const x2 = normals(n, rng);
  const noise = Array.from({ length: spec.noiseColumns ?? 2 }, () => normals(n, rng));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = (x1[i] > 0 ? 1 : 0) ^ (x2[i] > 0 ? 1 : 0) ^ (rng.next() < flip ? 1 : 0);
  const noiseNames = noise.map((_, j) => `n${j + 1}`);
  return {
    rows: n,
    columns: [
      numericColumn('x1', x1, 'signal', true, 'sign XOR the sign of x2'),
      numericColumn('x2', x2, 'signal', true, 'sign XOR the sign of x1'),
      ...noise.map((x, j) => numericColumn(noiseNames[j], x, 'noise', false, 'independent N(0, 1)')),
    ],
    label: { name: 'y', task: 'binary', codes, classes: ['0', '1'], target: null },
    truth: {
      generator: `xorTable(rows ${n}, seed ${spec.seed}, flip ${flip})`,
      rule: `y = [x1 > 0] XOR [x2 > 0], flipped with probability ${flip}`,
      relevant: ['x1', 'x2'],
      independent: noiseNames,
      coefficients: null,
      ceiling: 1 - flip,
    },
  };
}

export interface ParitySpec {
  /** Features (the N of Kryptonite-N). */
  readonly n: number;
  readonly rows: number;
  readonly seed: number;
  readonly labelNoise?: number;
}

/**
 * The Kryptonite construction (synth/kryptonite.ts): two-valued features at 0/1 plus noise, the label the parity of
 * the non-burst ones; the burst-like third is independent of the label.
 */
export function parityTable(spec: ParitySpec): SynthTable {
  checkRows(spec.rows, 'parityTable');
  const d = generateKryptonite({ n: spec.n, rows: spec.rows, seed: spec.seed, labelNoise: spec.labelNoise });
  const relevant = d.truth.relevant.map((j) => d.names[j]);
  return {
    rows: spec.rows,
    columns: d.columns.map((c, j) => {
      const carries = d.truth.relevant.includes(j);
      return numericColumn(d.names[j], c, carries ? 'signal' : 'noise', carries, `${d.truth.shapes[j]}-like two-valued feature${carries ? ' in the parity' : ', not in the parity'}`);
    }),
    label: { name: 'y', task: 'binary', codes: d.labels, classes: ['0', '1'], target: null },
    truth: {
      generator: `parityTable(n ${spec.n}, rows ${spec.rows}, seed ${spec.seed})`,
      rule: `y = parity of ${relevant.join(', ')} (binarised at 0.5), flipped with probability ${d.truth.labelNoise}`,
      relevant,
      independent: d.names.filter((name) => !relevant.includes(name)),
      coefficients: null,
      ceiling: d.truth.parityAccuracy,
      shapes: d.truth.shapes,
    },
  };
}

export interface ThresholdSpec {
  readonly rows: number;
  readonly seed: number;
  /** y = [x1 > threshold] (default 0.5). */
  readonly threshold?: number;
  readonly flip?: number;
  readonly noiseColumns?: number;
}

/** A threshold rule: y = [x1 > t], flipped with probability `flip`; x1 ~ N(0, 1). */
export function thresholdTable(spec: ThresholdSpec): SynthTable {
  const t = spec.threshold ?? 0.5;
  const flip = spec.flip ?? 0.05;
  const rng = createRng(spec.seed);
  const n = spec.rows;
  checkRows(n, 'thresholdTable');
  const x1 = normals(n, rng);
  const noise = Array.from({ length: spec.noiseColumns ?? 2 }, () => normals(n, rng));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = (x1[i] > t ? 1 : 0) ^ (rng.next() < flip ? 1 : 0);
  const noiseNames = noise.map((_, j) => `n${j + 1}`);
  return {
    rows: n,
    columns: [numericColumn('x1', x1, 'signal', true, `y = [x1 > ${t}]`), ...noise.map((x, j) => numericColumn(noiseNames[j], x, 'noise', false, 'independent N(0, 1)'))],
    label: { name: 'y', task: 'binary', codes, classes: ['0', '1'], target: null },
    truth: {
      generator: `thresholdTable(rows ${n}, seed ${spec.seed})`,
      rule: `y = [x1 > ${t}], flipped with probability ${flip}`,
      relevant: ['x1'],
      independent: noiseNames,
      coefficients: null,
      ceiling: 1 - flip,
    },
  };
}

export interface MulticlassSpec {
  readonly rows: number;
  readonly seed: number;
  /** At least 4 (default 4). */
  readonly classes?: number;
  /** Signal features x1, x2, x3 (the score matrix is fixed); independent n1, n2, … */
  readonly noiseColumns?: number;
  /** Scale of the scores: larger is easier (default 2). */
  readonly strength?: number;
}

/** Class names of the multi-class generator: text, so a CSV label is read as classes, not a number. */
export const MULTICLASS_NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

/**
 * y ~ softmax(s·W x) over K classes with x = (x1, x2, x3) ~ N(0, I) and W's rows K unit vectors spread around a
 * circle in the (x1, x2) plane, x3 tilting the first two classes; every x carries the label, n1… do not.
 */
export function multiclassTable(spec: MulticlassSpec): SynthTable {
  const k = spec.classes ?? 4;
  if (!Number.isInteger(k) || k < 4 || k > MULTICLASS_NAMES.length) throw new RangeError(`multiclassTable: classes must be an integer in 4..${MULTICLASS_NAMES.length}, got ${k}`);
  const s = spec.strength ?? 2;
  const rng = createRng(spec.seed);
  const n = spec.rows;
  checkRows(n, 'multiclassTable');
  const xs = [normals(n, rng), normals(n, rng), normals(n, rng)];
  const noise = Array.from({ length: spec.noiseColumns ?? 2 }, () => normals(n, rng));
  const w = Array.from({ length: k }, (_, c) => [Math.cos((2 * Math.PI * c) / k), Math.sin((2 * Math.PI * c) / k), c === 0 ? 0.7 : c === 1 ? -0.7 : 0]);
  const codes = new Int32Array(n);
  const p = new Float64Array(k);
  let bayes = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      p[c] = s * (w[c][0] * xs[0][i] + w[c][1] * xs[1][i] + w[c][2] * xs[2][i]);
      if (p[c] > max) max = p[c];
    }
    let z = 0;
    for (let c = 0; c < k; c++) z += p[c] = Math.exp(p[c] - max);
    let u = rng.next() * z;
    let chosen = k - 1;
    let best = 0;
    for (let c = 0; c < k; c++) {
      best = Math.max(best, p[c] / z);
      if (u < p[c] && chosen === k - 1) chosen = c;
      u -= p[c];
    }
    codes[i] = chosen;
    bayes += best;
  }
  const noiseNames = noise.map((_, j) => `n${j + 1}`);
  return {
    rows: n,
    columns: [
      ...xs.map((x, j) => numericColumn(`x${j + 1}`, x, 'signal', true, `class scores ${w.map((row) => row[j].toFixed(2)).join(', ')}`)),
      ...noise.map((x, j) => numericColumn(noiseNames[j], x, 'noise', false, 'independent N(0, 1)')),
    ],
    label: { name: 'class', task: 'multiclass', codes, classes: MULTICLASS_NAMES.slice(0, k), target: null },
    truth: {
      generator: `multiclassTable(rows ${n}, seed ${spec.seed}, classes ${k})`,
      rule: `y ~ softmax(${s}·W x), W's rows at angles 2πc/${k} in (x1, x2), x3 ±0.7 for the first two classes`,
      relevant: ['x1', 'x2', 'x3'],
      independent: noiseNames,
      coefficients: null,
      ceiling: bayes / n,
    },
  };
}

export interface RegressionSpec {
  readonly rows: number;
  readonly seed: number;
  /** β of x1, x2, … (standard normal features); zeros are independent columns. Default [2, −1, 0.5, 0, 0]. */
  readonly coefficients?: readonly number[];
  readonly intercept?: number;
  /** Standard deviation of ε (default 1). */
  readonly noiseSd?: number;
}

/**
 * y = b + Xβ + ε with X ~ N(0, I) and ε ~ N(0, σ²): the population R² of the true mean is Σβ² / (Σβ² + σ²), the
 * ceiling no model can beat (beyond sampling noise).
 */
export function regressionTable(spec: RegressionSpec): SynthTable {
  const beta = spec.coefficients ?? [2, -1, 0.5, 0, 0];
  const b0 = spec.intercept ?? 10;
  const sd = spec.noiseSd ?? 1;
  const rng = createRng(spec.seed);
  const n = spec.rows;
  checkRows(n, 'regressionTable');
  const xs = beta.map(() => normals(n, rng));
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let y = b0 + sd * rng.normal();
    for (let j = 0; j < beta.length; j++) y += beta[j] * xs[j][i];
    // The reader keeps a numeric label as float64 from its text: nine significant digits written and read back give
    // the same number, so the CSV and the in-memory target agree exactly.
    target[i] = Number(y.toPrecision(9));
  }
  const names = beta.map((_, j) => `x${j + 1}`);
  const coefficients: Record<string, number> = {};
  names.forEach((name, j) => (coefficients[name] = beta[j]));
  const signal = beta.reduce((s, b) => s + b * b, 0);
  return {
    rows: n,
    columns: xs.map((x, j) => numericColumn(names[j], x, beta[j] !== 0 ? 'signal' : 'noise', beta[j] !== 0, `β = ${beta[j]}`)),
    label: { name: 'target', task: 'regression', codes: null, classes: [], target },
    truth: {
      generator: `regressionTable(rows ${n}, seed ${spec.seed})`,
      rule: `y = ${b0} ${beta.map((b, j) => `${b >= 0 ? '+' : '−'} ${Math.abs(b)}·x${j + 1}`).join(' ')} + N(0, ${sd}²)`,
      relevant: names.filter((_, j) => beta[j] !== 0),
      independent: names.filter((_, j) => beta[j] === 0),
      coefficients,
      ceiling: signal / (signal + sd * sd),
    },
  };
}

/** A label that depends on nothing: every column is independent of it, and the ceiling is the base rate. */
export function pureNoiseTable(spec: { readonly rows: number; readonly seed: number; readonly columns?: number }): SynthTable {
  const rng = createRng(spec.seed);
  const n = spec.rows;
  checkRows(n, 'pureNoiseTable');
  const xs = Array.from({ length: spec.columns ?? 4 }, () => normals(n, rng));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = rng.next() < 0.5 ? 1 : 0;
  const names = xs.map((_, j) => `x${j + 1}`);
  return {
    rows: n,
    columns: xs.map((x, j) => numericColumn(names[j], x, 'noise', false, 'independent N(0, 1)')),
    label: { name: 'y', task: 'binary', codes, classes: ['0', '1'], target: null },
    truth: {
      generator: `pureNoiseTable(rows ${n}, seed ${spec.seed})`,
      rule: 'y ~ Bernoulli(0.5), independent of every column',
      relevant: [],
      independent: names,
      coefficients: null,
      ceiling: 0.5,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Every column type in one table.
// ---------------------------------------------------------------------------------------------------------------

/** Levels of the text categorical and their logit offsets: each level has its own class rate. */
export const COLOUR_EFFECTS: Readonly<Record<string, number>> = { red: -1.2, green: 0, blue: 0.6, yellow: 1.4 };
/** Days from which the two date columns are drawn: two whole years, so every season and both years occur. */
const DATE_START = Date.UTC(2021, 0, 1);
const DATE_DAYS = 730;
const WORDS = [
  'the', 'parcel', 'arrived', 'late', 'and', 'box', 'was', 'damaged', 'customer', 'called', 'twice', 'about', 'refund',
  'driver', 'left', 'it', 'at', 'door', 'no', 'one', 'answered', 'phone', 'order', 'missing', 'item', 'replaced',
  'quickly', 'very', 'happy', 'with', 'service', 'slow', 'delivery', 'again', 'wrong', 'size', 'colour', 'returned',
];

/**
 * One column of every type the reader infers, with a binary label y (0/1) that depends on `num`, `bin`, `code`,
 * `colour`, `flag_tf` and the season of `date_iso` (through its day of the year), and on nothing else:
 *
 *   num        numeric                      logit +1·num
 *   bin        binary 0/1                   +1.2·bin
 *   code       integer codes 1…5            +0.5·(code − 3)
 *   colour     text categorical, 4 levels   COLOUR_EFFECTS
 *   flag_tf    boolean TRUE/FALSE           +1.2 when TRUE
 *   flag_yn    boolean yes/no               independent
 *   flag_y     boolean y/n                  independent
 *   date_iso   ISO dates over 2021–2022     +1.5·cos(2π(day − 196)/365): summer rows are more often 1
 *   date_dmy   d/m/Y dates over 2021–2022   independent
 *   noise      numeric                      independent
 *   customer   unique codes                 identifier (every value differs)
 *   PassengerId shuffled integers           identifier (ID-like name)
 *   line       1, 2, 3, …                   identifier (row number)
 *   comment    sentences                    free text
 */
export function mixedTypesTable(spec: { readonly rows: number; readonly seed: number }): SynthTable {
  const rng = createRng(spec.seed);
  const n = spec.rows;
  checkRows(n, 'mixedTypesTable');
  const num = normals(n, rng);
  const bin = Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
  const code = Array.from({ length: n }, () => 1 + rng.int(5));
  const levels = Object.keys(COLOUR_EFFECTS);
  const colour = Array.from({ length: n }, () => levels[rng.int(levels.length)]);
  const tf = Array.from({ length: n }, () => rng.next() < 0.5);
  const yn = Array.from({ length: n }, () => rng.next() < 0.3);
  const yy = Array.from({ length: n }, () => rng.next() < 0.6);
  const dayIso = Array.from({ length: n }, () => rng.int(DATE_DAYS));
  const dayDmy = Array.from({ length: n }, () => rng.int(DATE_DAYS));
  const noise = normals(n, rng);
  const ids = permutation(n, rng);
  const passenger = permutation(n, rng);
  const comments = Array.from({ length: n }, () => sentence(rng));
  const codes = new Int32Array(n);
  let bayes = 0;
  for (let i = 0; i < n; i++) {
    const doy = dayOfYear(DATE_START + dayIso[i] * 86_400_000);
    const z = num[i] + 1.2 * bin[i] + 0.5 * (code[i] - 3) + COLOUR_EFFECTS[colour[i]] + (tf[i] ? 1.2 : 0) - 1 + 1.5 * Math.cos((2 * Math.PI * (doy - 196)) / 365);
    const p = sigmoid(z);
    codes[i] = rng.next() < p ? 1 : 0;
    bayes += Math.max(p, 1 - p);
  }
  const cells = <T>(values: readonly T[], f: (v: T) => Cell): Cell[] => values.map(f);
  return {
    rows: n,
    columns: [
      numericColumn('num', num, 'signal', true, 'logit +1·num'),
      column('bin', cells(bin, (v) => v), 'signal', true, 'logit +1.2·bin', 'binary'),
      column('code', cells(code, (v) => v), 'signal', true, 'logit +0.5·(code − 3)', 'categorical'),
      column('colour', colour, 'signal', true, `logit ${levels.map((l) => `${l} ${COLOUR_EFFECTS[l]}`).join(', ')}`, 'categorical'),
      column('flag_tf', cells(tf, (v) => (v ? 'TRUE' : 'FALSE')), 'signal', true, 'logit +1.2 when TRUE', 'boolean'),
      column('flag_yn', cells(yn, (v) => (v ? 'yes' : 'no')), 'noise', false, 'independent', 'boolean'),
      column('flag_y', cells(yy, (v) => (v ? 'y' : 'n')), 'noise', false, 'independent', 'boolean'),
      column('date_iso', cells(dayIso, (d) => isoDate(DATE_START + d * 86_400_000)), 'date', true, 'logit +1.5·cos(2π(day of year − 196)/365)', 'datetime'),
      column('date_dmy', cells(dayDmy, (d) => dmyDate(DATE_START + d * 86_400_000)), 'date', false, 'independent', 'datetime'),
      numericColumn('noise', noise, 'noise', false, 'independent N(0, 1)'),
      column('customer', cells([...ids], (k) => `C${(k * 7919 + 104729).toString(36).toUpperCase()}`), 'identifier', false, 'unique per row', 'identifier'),
      column('PassengerId', cells([...passenger], (k) => k + 1), 'identifier', false, 'shuffled integers 1…n under an ID-like name', 'identifier'),
      column('line', Array.from({ length: n }, (_, i) => i + 1), 'identifier', false, 'the row number', 'identifier'),
      column('comment', comments, 'text', false, 'free text, independent', 'text'),
    ],
    label: { name: 'y', task: 'binary', codes, classes: ['0', '1'], target: null },
    truth: {
      generator: `mixedTypesTable(rows ${n}, seed ${spec.seed})`,
      rule: 'P(y = 1) = σ(num + 1.2·bin + 0.5·(code − 3) + colour effect + 1.2·flag_tf − 1 + 1.5·cos(2π(day − 196)/365) of date_iso)',
      relevant: ['num', 'bin', 'code', 'colour', 'flag_tf', 'date_iso'],
      independent: ['flag_yn', 'flag_y', 'date_dmy', 'noise'],
      coefficients: null,
      ceiling: bayes / n,
    },
  };
}

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
// Tables built to trigger one data-quality alert each, and a clean table that triggers none.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Every alert code has its table: a code added to alerts/types.ts without a case in alertTable below leaves `table`
 * unassigned, which the compiler refuses.
 */
export type AlertTableCode = AlertCode;

/**
 * A clean table: independent standard-normal columns x1…x3 (continuous, unskewed, uncorrelated, nothing missing), a
 * three-level text column with balanced levels, and a balanced binary label from a logistic model of x1 and the
 * levels — so that every alert below fires only because of what was added.
 */
export function cleanTable(spec: { readonly rows: number; readonly seed: number }): SynthTable {
  const rng = createRng(spec.seed);
  const n = spec.rows;
  checkRows(n, 'cleanTable');
  const xs = [normals(n, rng), normals(n, rng), normals(n, rng)];
  const levels = ['north', 'south', 'east'];
  const region = Array.from({ length: n }, (_, i) => levels[i % 3]);
  const codes = new Int32Array(n);
  let bayes = 0;
  for (let i = 0; i < n; i++) {
    const p = sigmoid(Math.fround(xs[0][i]) + (region[i] === 'north' ? 0.5 : region[i] === 'south' ? -0.5 : 0));
    codes[i] = rng.next() < p ? 1 : 0;
    bayes += Math.max(p, 1 - p);
  }
  return {
    rows: n,
    columns: [
      numericColumn('x1', xs[0], 'signal', true, 'logit +1·x1'),
      numericColumn('x2', xs[1], 'noise', false, 'independent N(0, 1)'),
      numericColumn('x3', xs[2], 'noise', false, 'independent N(0, 1)'),
      column('region', region, 'signal', true, 'logit north +0.5, south −0.5, east 0', 'categorical'),
    ],
    label: { name: 'y', task: 'binary', codes, classes: ['no', 'yes'], target: null },
    truth: {
      generator: `cleanTable(rows ${n}, seed ${spec.seed})`,
      rule: 'P(y = yes) = σ(x1 + region effect)',
      relevant: ['x1', 'region'],
      independent: ['x2', 'x3'],
      coefficients: null,
      ceiling: bayes / n,
    },
  };
}

/** The clean table plus the one defect that `code` reports (see cleanTable); `truth.alert` names it. */
export function alertTable(code: AlertTableCode, spec: { readonly rows: number; readonly seed: number }): SynthTable {
  const n = spec.rows;
  const base = cleanTable(spec);
  const rng = createRng(spec.seed ^ 0x5eed);
  const quality = (name: string, cells: Cell[], how: string, expectedType: ColumnType): SynthTable =>
    withColumn(base, { name, cells, role: 'quality', carries: false, how, expectedType });
  let table: SynthTable;
  switch (code) {
    case 'duplicateRows':
      table = withDuplicateRows(base, Math.ceil(0.1 * n), spec.seed);
      break;
    case 'conflictingLabels':
      table = withConflictingRows(base, 5, spec.seed);
      break;
    case 'constantColumn':
      table = quality('constant', new Array<Cell>(n).fill(7), 'the value 7 in every row', 'numeric');
      break;
    case 'nearConstantColumn':
      table = quality('rarely_set', Array.from({ length: n }, (_, i) => (i % 200 === 17 ? 1 : 0)), '1 in one row of 200, else 0', 'binary');
      break;
    case 'identifierColumn':
      table = quality('record', Array.from(permutation(n, rng), (k) => `R-${(k * 48271 + 11).toString(16)}`), 'unique codes', 'identifier');
      break;
    case 'highCardinality':
      table = quality('city', Array.from({ length: n }, () => `city${String(rng.int(80)).padStart(2, '0')}`), '80 equally likely levels', 'categorical');
      break;
    case 'highMissing':
      table = withMissing(base, 'x2', { seed: spec.seed, share: 0.35 });
      break;
    case 'missingPredictsLabel':
      table = withMissing(base, 'x3', { seed: spec.seed, share: 0.02, informativeShare: 0.3 });
      break;
    case 'imbalance': {
      // Keep x1's effect but make "yes" rare: 3 % of the rows.
      const codes = Int32Array.from({ length: n }, (_, i) => (i % 33 === 5 ? 1 : 0));
      table = { ...base, label: { ...base.label, codes } };
      break;
    }
    case 'skewed':
      table = quality('income', Array.from({ length: n }, () => Math.fround(Math.exp(1.5 * rng.normal()))), 'log-normal, σ = 1.5 (skewness ≈ 33)', 'numeric');
      break;
    case 'manyZeros':
      table = quality('claims', Array.from({ length: n }, () => (rng.next() < 0.7 ? 0 : Math.fround(rng.next() * 1000 + 1))), '0 in 70 % of rows, else uniform 1…1001', 'numeric');
      break;
    case 'highCorrelation':
      table = withNearCopy(base, 'x1', 'x1_copy', spec.seed, 0.05);
      break;
    case 'identicalColumns':
      table = withColumn(base, { ...findColumn(base, 'x2'), name: 'x2_again', role: 'quality', how: 'x2 again' });
      break;
    case 'labelLeak':
      table = withLabelCopy(base, 'outcome_flag');
      break;
    case 'labelSuspiciousClass':
      table = withSuspiciousClass(base, spec.seed);
      break;
    case 'rareCategories':
      table = quality('plan', Array.from({ length: n }, (_, i) => (i === 3 ? 'platinum' : i === 8 ? 'diamond' : ['basic', 'standard', 'premium'][rng.int(3)])), 'three common levels and two single-row ones', 'categorical');
      break;
    case 'categoryVariants':
      table = quality(
        'pet',
        Array.from({ length: n }, (_, i) => (i === 4 ? 'DoGs' : i === 9 ? 'Guinea-pig' : i === 12 ? 'Dogz' : ['Dogs', 'Cats', 'Guinea pig'][rng.int(3)])),
        '"DoGs" (case) and "Dogz" (one edit) for "Dogs", "Guinea-pig" (spacing) for "Guinea pig"',
        'categorical',
      );
      break;
  }
  return { ...table, truth: { ...table.truth, alert: code } };
}

// ---------------------------------------------------------------------------------------------------------------
// Output: CSV text and in-memory datasets.
// ---------------------------------------------------------------------------------------------------------------

export interface CsvWriteOptions {
  /** Default ','. With ';' or a tab, `decimalComma` writes 1,5 for 1.5. */
  readonly delimiter?: ',' | ';' | '\t';
  readonly decimalComma?: boolean;
  /** Where the label column goes (default last). */
  readonly labelFirst?: boolean;
  /** Leave the label out (an unlabelled file). */
  readonly withoutLabel?: boolean;
}

/** The table as CSV text with a header row; numbers as their shortest float32 text, texts quoted when needed. */
export function tableToCsv(table: SynthTable, options: CsvWriteOptions = {}): string {
  const delimiter = options.delimiter ?? ',';
  if (options.decimalComma && delimiter === ',') throw new RangeError('tableToCsv: a decimal comma needs a delimiter other than ","');
  const label = table.label;
  const labelCell = (i: number): Cell => {
    if (label.target) return Number.isFinite(label.target[i]) ? label.target[i] : null;
    const k = label.codes ? label.codes[i] : -1;
    return k >= 0 ? label.classes[k] : null;
  };
  const names = table.columns.map((c) => c.name);
  const header = options.withoutLabel ? names : options.labelFirst ? [label.name, ...names] : [...names, label.name];
  const lines: string[] = [header.map((h) => quote(h, delimiter)).join(delimiter)];
  for (let i = 0; i < table.rows; i++) {
    const cells = table.columns.map((c) => formatCell(c.cells[i], delimiter, options.decimalComma ?? false, false));
    if (!options.withoutLabel) {
      const y = formatCell(labelCell(i), delimiter, options.decimalComma ?? false, label.target !== null);
      if (options.labelFirst) cells.unshift(y);
      else cells.push(y);
    }
    lines.push(cells.join(delimiter));
  }
  return lines.join('\n') + '\n';
}

/**
 * The table as an in-memory Dataset: number columns as numeric features (NaN where empty), text columns as
 * categorical features with levels in order of first appearance. Columns the reader would exclude (identifiers,
 * dates, free text) are left out, as the reader leaves them out.
 */
export function tableToDataset(table: SynthTable, path = `(generated: ${table.truth.generator})`): Dataset {
  const kept = table.columns.filter((c) => c.expectedType !== 'identifier' && c.expectedType !== 'datetime' && c.expectedType !== 'text');
  const columns: Float32Array[] = [];
  const types: FeatureType[] = [];
  const categories: (Categories | null)[] = [];
  for (const c of kept) {
    const text = c.cells.some((v) => typeof v === 'string');
    if (!text) {
      columns.push(Float32Array.from(c.cells, (v) => (typeof v === 'number' ? v : NaN)));
      types.push(c.expectedType === 'binary' ? 'binary' : 'numeric');
      categories.push(null);
      continue;
    }
    const levels: string[] = [];
    const index = new Map<string, number>();
    const codes = new Int32Array(table.rows).fill(-1);
    const counts: number[] = [];
    c.cells.forEach((v, i) => {
      if (v === null || (typeof v === 'string' && v.trim() === '')) return;
      const key = String(v).trim();
      let k = index.get(key);
      if (k === undefined) {
        k = levels.length;
        levels.push(key);
        counts.push(0);
        index.set(key, k);
      }
      codes[i] = k;
      counts[k]++;
    });
    columns.push(Float32Array.from(codes, (k) => (k < 0 ? NaN : k)));
    types.push('categorical');
    categories.push({ levels, codes, counts });
  }
  return inMemoryDataset({ path, names: kept.map((c) => c.name), columns, types, categories, label: datasetLabel(table.label) });
}

/**
 * The label as the reader builds it from the CSV text: integer classes in numeric order, text classes in order of
 * first appearance (so codes agree with a dataset read from tableToCsv), a number target as it is.
 */
function datasetLabel(l: SynthLabel): Label {
  if (l.target) return regressionLabel(l.name, Float64Array.from(l.target));
  const source = l.codes ?? new Int32Array(0);
  const integer = l.classes.every((c) => /^-?\d+$/.test(c));
  const present = [...new Set(Array.from(source).filter((k) => k >= 0))];
  const order = integer ? present.sort((a, b) => Number(l.classes[a]) - Number(l.classes[b])) : present;
  // Classes no row holds are left out, as the reader never sees them.
  const recode = new Map<number, number>(order.map((k, u) => [k, u]));
  const codes = Int32Array.from(source, (k) => (k >= 0 ? (recode.get(k) ?? -1) : -1));
  return classLabel(l.name, codes, order.map((k) => l.classes[k]), integer ? 'integer' : 'string');
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------------------------

/** Every generator needs rows to say anything; an empty table is the reader's edge case, not a generator's. */
function checkRows(rows: number, who: string): void {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`${who}: rows must be an integer ≥ 1, got ${rows}`);
}

function normals(n: number, rng: Rng): number[] {
  return Array.from({ length: n }, () => Math.fround(rng.normal()));
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function numericColumn(name: string, values: readonly number[] | Float32Array, role: ColumnRole, carries: boolean, how: string): SynthColumn {
  return { name, cells: Array.from(values, (v) => Math.fround(v)), role, carries, how, expectedType: 'numeric' };
}

function column(name: string, cells: readonly Cell[], role: ColumnRole, carries: boolean, how: string, expectedType: ColumnType): SynthColumn {
  return { name, cells, role, carries, how, expectedType };
}

function findColumn(table: SynthTable, name: string): SynthColumn {
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

function formatCell(cell: Cell, delimiter: string, decimalComma: boolean, float64: boolean): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return quote(cell, delimiter);
  if (!Number.isFinite(cell)) return String(cell);
  const text = float64 ? String(cell) : formatFloat32(Math.fround(cell));
  return decimalComma ? text.replace('.', ',') : text;
}

function quote(text: string, delimiter: string): string {
  return text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r') ? `"${text.replace(/"/g, '""')}"` : text;
}

function sentence(rng: Rng): string {
  const words = 6 + rng.int(7);
  const out: string[] = [];
  for (let w = 0; w < words; w++) out.push(WORDS[rng.int(WORDS.length)]);
  return out.join(' ');
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dmyDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()}`;
}

function dayOfYear(ms: number): number {
  const d = new Date(ms);
  return Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

function pct(x: number): string {
  return `${Math.round(100 * x)} %`;
}

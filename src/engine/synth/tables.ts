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
 * This file holds the types and the known-answer generators; the mixed-type table is in mixedTypes.ts, the defects in
 * modifiers.ts, the tables for each alert in alertTables.ts, and the CSV and Dataset output in tableOutput.ts.
 *
 * Numbers are stored as float32 (what the reader keeps) and written with formatFloat32, so a CSV round trip gives
 * the in-memory columns bit for bit.
 */
import type { ColumnType, LabelTask } from '../dataset';
import { createRng } from '../random';
import type { Rng } from '../random';
import { generateKryptonite } from './kryptonite';
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
// Helpers.
// ---------------------------------------------------------------------------------------------------------------

/** Every generator needs rows to say anything; an empty table is the reader's edge case, not a generator's. */
export function checkRows(rows: number, who: string): void {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`${who}: rows must be an integer ≥ 1, got ${rows}`);
}

export function normals(n: number, rng: Rng): number[] {
  return Array.from({ length: n }, () => Math.fround(rng.normal()));
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function numericColumn(name: string, values: readonly number[] | Float32Array, role: ColumnRole, carries: boolean, how: string): SynthColumn {
  return { name, cells: Array.from(values, (v) => Math.fround(v)), role, carries, how, expectedType: 'numeric' };
}

export function column(name: string, cells: readonly Cell[], role: ColumnRole, carries: boolean, how: string, expectedType: ColumnType): SynthColumn {
  return { name, cells, role, carries, how, expectedType };
}

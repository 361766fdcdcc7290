/**
 * How a model reads a table: each source feature becomes one or more model inputs, with every statistic taken from
 * the training rows only and saved with the model, so that `predict` builds the same inputs from a new table.
 *
 * - numeric, binary and boolean features: standardised, (v − mean)/sd, with the training mean and population sd; a
 *   missing cell is imputed at the training mean (0 after standardisation). A feature with missing cells among the
 *   training rows also gets a 0/1 input "NAME (missing)", so that missingness which predicts the label stays visible
 *   to the model instead of vanishing into the mean.
 * - categorical features: one-hot over the levels seen in the training rows, matched by their text (a level's code
 *   depends on the file it was read from; its text does not). More than MAX_ONE_HOT levels: the most frequent keep
 *   their own input and the rest share "NAME=(other)". A missing cell, and a level never seen in training, is all
 *   zeros; predict names the unseen levels.
 *
 * Nothing here reads a row outside `trainRows` when fitting: the validation and test rows cannot leak into the inputs.
 */
import type { Categories } from '../dataset';
import { scaleOf, welford } from '../stats/welford';

/** Most one-hot inputs per categorical feature; rarer levels share one "(other)" input. */
export const MAX_ONE_HOT = 50;

export interface NumericEncoding {
  readonly kind: 'numeric';
  readonly name: string;
  readonly mean: number;
  /** Population sd on the training rows; 1 for a constant. */
  readonly sd: number;
  /** Whether a "NAME (missing)" 0/1 input follows. */
  readonly missingIndicator: boolean;
}

export interface CategoricalEncoding {
  readonly kind: 'categorical';
  readonly name: string;
  /** One input per level, in this order (most frequent first). */
  readonly levels: string[];
  /** Whether a last "NAME=(other)" input takes the levels beyond MAX_ONE_HOT. */
  readonly other: boolean;
  /** Training levels that share the (other) input (empty when other is false). */
  readonly otherLevels: string[];
}

export type SourceEncoding = NumericEncoding | CategoricalEncoding;

export interface InputEncoding {
  readonly sources: SourceEncoding[];
  /** Model input names, in the order of the design matrix's columns. */
  readonly inputs: string[];
}

/** A source column as the encoder reads it: its values and, for a categorical feature, its levels and codes. */
export interface SourceColumn {
  readonly name: string;
  /** Numeric view (NaN: missing). */
  readonly values: Float32Array;
  /** Levels and per-row codes when the feature is categorical (one-hot); null to read it as a number. */
  readonly categories: Categories | null;
}

/** Inputs of one source feature, by name. */
export function inputNames(source: SourceEncoding): string[] {
  if (source.kind === 'numeric') return source.missingIndicator ? [source.name, `${source.name} (missing)`] : [source.name];
  return [...source.levels.map((level) => `${source.name}=${level}`), ...(source.other ? [`${source.name}=(other)`] : [])];
}

/** Fit the encoding of `columns` on the training rows. */
export function fitEncoding(columns: readonly SourceColumn[], trainRows: Uint32Array): InputEncoding {
  const sources = columns.map((column): SourceEncoding => (column.categories ? fitCategorical(column, column.categories, trainRows) : fitNumeric(column, trainRows)));
  return { sources, inputs: sources.flatMap(inputNames) };
}

function fitNumeric(column: SourceColumn, trainRows: Uint32Array): NumericEncoding {
  // One Welford pass, as the rest of training's standardisation.
  const w = welford([column.values], trainRows);
  return { kind: 'numeric', name: column.name, mean: w.mean, sd: scaleOf(w), missingIndicator: w.missing > 0 };
}

function fitCategorical(column: SourceColumn, categories: Categories, trainRows: Uint32Array): CategoricalEncoding {
  const counts = new Array<number>(categories.levels.length).fill(0);
  for (let k = 0; k < trainRows.length; k++) {
    const code = categories.codes[trainRows[k]];
    if (code >= 0 && code < counts.length) counts[code]++;
  }
  // Most frequent first; ties in the file's level order, so the encoding is a function of the training rows.
  const seen = counts
    .map((count, code) => ({ count, code }))
    .filter((l) => l.count > 0)
    .sort((a, b) => b.count - a.count || a.code - b.code);
  const own = seen.slice(0, MAX_ONE_HOT);
  const rest = seen.slice(MAX_ONE_HOT);
  return {
    kind: 'categorical',
    name: column.name,
    levels: own.map((l) => categories.levels[l.code]),
    other: rest.length > 0,
    otherLevels: rest.map((l) => categories.levels[l.code]),
  };
}

/** Levels of a categorical feature met while encoding that the training rows never had. */
export interface UnseenLevels {
  readonly feature: string;
  readonly levels: string[];
  readonly rows: number;
}

export interface EncodedInputs {
  /** Row-major rows × inputs.length. */
  readonly x: Float32Array;
  readonly unseen: UnseenLevels[];
}

/**
 * The design matrix of `rows` rows from `columns` (the encoding's sources, in its order). A categorical source may
 * arrive as a number column (a table where the feature read as numeric): its values are then matched as text.
 */
export function applyEncoding(encoding: InputEncoding, columns: readonly SourceColumn[], rows: number): EncodedInputs {
  if (columns.length !== encoding.sources.length) throw new RangeError(`applyEncoding: ${columns.length} columns for ${encoding.sources.length} sources`);
  const d = encoding.inputs.length;
  const x = new Float32Array(rows * d);
  const unseen: UnseenLevels[] = [];
  let at = 0;
  encoding.sources.forEach((source, s) => {
    const column = columns[s];
    if (source.kind === 'numeric') {
      const v = column.values;
      const m = source.mean;
      const inv = 1 / source.sd;
      for (let i = 0; i < rows; i++) {
        const z = (v[i] - m) * inv;
        x[i * d + at] = Number.isNaN(z) ? 0 : z;
      }
      if (source.missingIndicator) {
        for (let i = 0; i < rows; i++) x[i * d + at + 1] = Number.isNaN(v[i]) ? 1 : 0;
      }
      at += source.missingIndicator ? 2 : 1;
      return;
    }
    const inputOf = new Map<string, number>();
    source.levels.forEach((level, k) => inputOf.set(level, k));
    if (source.other) for (const level of source.otherLevels) inputOf.set(level, source.levels.length);
    const width = source.levels.length + (source.other ? 1 : 0);
    const cats = column.categories;
    // Per code of this table (or per distinct number): the input it sets, −1 for none.
    const byCode = cats ? cats.levels.map((level) => inputOf.get(level) ?? -1) : null;
    const missed = new Map<string, number>();
    for (let i = 0; i < rows; i++) {
      let level: string | null = null;
      let k = -1;
      if (cats && byCode) {
        const code = cats.codes[i];
        if (code >= 0) {
          k = byCode[code];
          level = cats.levels[code];
        }
      } else {
        const v = column.values[i];
        if (!Number.isNaN(v)) {
          level = numberText(v);
          k = inputOf.get(level) ?? -1;
        }
      }
      if (k >= 0) x[i * d + at + k] = 1;
      else if (level !== null) missed.set(level, (missed.get(level) ?? 0) + 1);
    }
    if (missed.size > 0) unseen.push({ feature: source.name, levels: [...missed.keys()], rows: [...missed.values()].reduce((a, b) => a + b, 0) });
    at += width;
  });
  return { x, unseen };
}

/** The text of a number as a level: integers without a decimal point ("3", not "3.0"). */
function numberText(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.fround(v));
}

/** Checks a parsed encoding (from a saved model's metadata); false when any part is not what fitEncoding writes. */
export function isInputEncoding(value: unknown): value is InputEncoding {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as { sources?: unknown; inputs?: unknown };
  if (!Array.isArray(e.sources) || !Array.isArray(e.inputs) || !e.inputs.every((s) => typeof s === 'string')) return false;
  const strings = (a: unknown): boolean => Array.isArray(a) && a.every((s) => typeof s === 'string');
  const ok = e.sources.every((s: unknown) => {
    if (typeof s !== 'object' || s === null) return false;
    const src = s as Record<string, unknown>;
    if (typeof src.name !== 'string') return false;
    if (src.kind === 'numeric') return Number.isFinite(src.mean) && Number.isFinite(src.sd) && (src.sd as number) > 0 && typeof src.missingIndicator === 'boolean';
    if (src.kind === 'categorical') return strings(src.levels) && typeof src.other === 'boolean' && strings(src.otherLevels);
    return false;
  });
  return ok && (e.sources as SourceEncoding[]).flatMap(inputNames).join('\u0000') === (e.inputs as string[]).join('\u0000');
}

/**
 * A categorical feature as numbers in the encoding's own level order (its levels, then its (other) levels; NaN for a
 * missing cell or a level the training rows never had), so that two tables — whose codes depend on each file — can be
 * compared level by level (predict's drift check).
 */
export function levelIndexColumn(source: CategoricalEncoding, column: SourceColumn): Float32Array {
  const index = new Map<string, number>();
  [...source.levels, ...source.otherLevels].forEach((level, k) => index.set(level, k));
  const out = new Float32Array(column.values.length).fill(NaN);
  const cats = column.categories;
  if (cats) {
    const byCode = cats.levels.map((level) => index.get(level) ?? NaN);
    for (let i = 0; i < out.length; i++) {
      const code = cats.codes[i];
      if (code >= 0) out[i] = byCode[code];
    }
  } else {
    for (let i = 0; i < out.length; i++) {
      const v = column.values[i];
      if (!Number.isNaN(v)) out[i] = index.get(numberText(v)) ?? NaN;
    }
  }
  return out;
}

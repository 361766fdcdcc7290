/**
 * What each column holds. The readers hand over every column as numbers plus the interned text of its non-numeric
 * cells; this module decides, with the counts behind each decision, whether the column is a numeric, binary,
 * categorical or boolean feature, or an identifier, a date or free text (excluded, with the reason), and builds
 * the feature columns. The user's types (`--type`, the `kryptonite.columnTypes` setting) win over inference.
 * The numeric and text paths live in numericColumns.ts and textColumns.ts.
 */
import type { Categories, ColumnInfo, ColumnType, Dataset, FeatureType } from '../dataset';
import { DatasetError, makeWarning } from '../errors';
import type { DatasetWarning } from '../errors';
import { countFinite, formatNumber } from './columnHelpers';
import { CONDITIONAL_MARKER, isMissingMarker } from './missing';
import { numericColumn } from './numericColumns';
import type { NumericProfile } from './numericColumns';
import { textColumn } from './textColumns';

/** The interned non-numeric cells of one column, as the CSV sink collects them. */
export interface TextCells {
  /** Distinct trimmed texts in order of first appearance. */
  readonly levels: readonly string[];
  readonly counts: readonly number[];
  /** Row (0-based data row) and level of every text cell, rows ascending; cells past an overflow have level −1. */
  readonly rows: Int32Array;
  readonly codes: Int32Array;
  /** More distinct texts than MAX_TEXT_LEVELS: later new texts were counted but not kept. */
  readonly overflow: boolean;
  readonly cells: number;
  /** Sum of the lengths of all text cells, and how many contain a space: free text is long and wordy. */
  readonly totalLength: number;
  readonly withSpace: number;
}

/** One source column as read: finite numbers (NaN elsewhere) and the tallies behind the warnings. */
export interface RawColumn {
  readonly index: number;
  readonly name: string;
  readonly numbers: Float32Array;
  readonly text: TextCells | null;
  readonly empty: number;
  /** NaN/Inf words and numbers beyond float32. */
  readonly nonFinite: number;
  /** Cells missing because their row was short. */
  readonly padded: number;
  /** 1-based line of the first empty/non-finite/padded cell (0: none), and the first non-numeric text. */
  readonly firstMissingRow: number;
  readonly firstText: { readonly row: number; readonly text: string } | null;
}

/** A feature built from a column (or derived from one). */
export interface TypedFeature {
  readonly name: string;
  readonly sourceIndex: number;
  readonly type: FeatureType;
  readonly evidence: string;
  readonly values: Float32Array;
  readonly categories: Categories | null;
  readonly missing: number;
  readonly derivedFrom: string | null;
}

/** The Dataset fields that come straight from the typed features, in order (every reader's Dataset has them). */
export function featureFields(features: readonly TypedFeature[]): Pick<Dataset, 'names' | 'columns' | 'missing' | 'types' | 'categories' | 'typeEvidence' | 'derivedFrom'> {
  return {
    names: features.map((f) => f.name),
    columns: features.map((f) => f.values),
    missing: features.map((f) => f.missing),
    types: features.map((f) => f.type),
    categories: features.map((f) => f.categories),
    typeEvidence: features.map((f) => f.evidence),
    derivedFrom: features.map((f) => f.derivedFrom),
  };
}

export interface TypedColumns {
  readonly features: TypedFeature[];
  /** Every source column except the label, in file order (the label's entry is added by the reader). */
  readonly info: ColumnInfo[];
  readonly warnings: DatasetWarning[];
}

/** A text column where at least this share of non-missing cells are numbers is a numeric column with typos. */
const NUMERIC_MAJORITY = 0.5;

export interface Context {
  readonly file: string;
  readonly rows: number;
  /** Number profiles computed beforehand (on the pool), by the very array they describe. */
  readonly profiles: ReadonlyMap<Float32Array, NumericProfile>;
  readonly overrides: Readonly<Record<string, ColumnType>>;
  /** The delimiter is not ',', so '1,5' can be a number written with a decimal comma. */
  readonly decimalComma: boolean;
}

export interface TypeOptions {
  readonly overrides?: Readonly<Record<string, ColumnType>>;
  /** Read text cells like 1,5 as 1.5 when every non-missing text of a column looks so (semicolon CSVs). */
  readonly decimalComma?: boolean;
  /** The label column's name, so that a type given for it can be answered with a pointer to --task. */
  readonly labelName?: string;
  /** Each column's number profile when already computed (numberProfileKernel), keyed by its `numbers` array. */
  readonly profiles?: ReadonlyMap<Float32Array, NumericProfile>;
}

/** Type every column and build the features. `raw` holds every source column except the label. */
export function typeColumns(raw: readonly RawColumn[], rows: number, file: string, options: TypeOptions = {}): TypedColumns {
  const ctx: Context = { file, rows, overrides: options.overrides ?? {}, decimalComma: options.decimalComma ?? false, profiles: options.profiles ?? new Map() };
  const features: TypedFeature[] = [];
  const info: ColumnInfo[] = [];
  const warnings: DatasetWarning[] = [];
  for (const column of raw) {
    const typed = typeColumn(column, ctx, warnings);
    features.push(...typed.features);
    info.push(typed.info);
    if (typed.info.missing >= rows && typed.info.role === 'feature') {
      warnings.push(makeWarning('emptyColumn', 'no values in any row; kept as an empty feature, which carries nothing', { file, column: column.name, expected: 'values' }));
    }
  }
  for (const name of Object.keys(ctx.overrides)) {
    if (raw.some((c) => c.name === name)) continue;
    const detail =
      name === options.labelName
        ? `a type was given for the label column "${name}"; the label's task is set with --task (binary, multiclass, regression), so the type is ignored`
        : `a type was given for column "${name}", which is not in the file; ignored`;
    warnings.push(makeWarning('columnTypeIgnored', detail, { file, expected: `one of ${raw.slice(0, 6).map((c) => `"${c.name}"`).join(', ')}${raw.length > 6 ? ', …' : ''}` }));
  }
  return { features, info, warnings };
}

export interface ColumnResult {
  readonly features: TypedFeature[];
  readonly info: ColumnInfo;
}

export interface MarkerTally {
  readonly markers: { marker: string; count: number }[];
  /** Levels that are missing markers (always), and the `.` level. */
  readonly markerLevel: Uint8Array;
  readonly dotLevel: number;
  readonly markerCells: number;
  /** Text cells that are neither markers nor `.`. */
  readonly realText: number;
  readonly realLevels: number;
}

function tallyMarkers(column: RawColumn): MarkerTally {
  const text = column.text;
  const markers: { marker: string; count: number }[] = [];
  if (column.empty + column.padded > 0) markers.push({ marker: '(empty)', count: column.empty + column.padded });
  if (column.nonFinite > 0) markers.push({ marker: 'NaN/Inf', count: column.nonFinite });
  if (!text) return { markers, markerLevel: new Uint8Array(0), dotLevel: -1, markerCells: 0, realText: 0, realLevels: 0 };
  const markerLevel = new Uint8Array(text.levels.length);
  let dotLevel = -1;
  let markerCells = 0;
  let realText = text.cells;
  let realLevels = text.levels.length;
  const byMarker = new Map<string, number>();
  text.levels.forEach((level, k) => {
    if (isMissingMarker(level)) {
      markerLevel[k] = 1;
      markerCells += text.counts[k];
      realText -= text.counts[k];
      realLevels--;
      byMarker.set(level, (byMarker.get(level) ?? 0) + text.counts[k]);
    } else if (level === CONDITIONAL_MARKER) {
      dotLevel = k;
      realText -= text.counts[k];
      realLevels--;
    }
  });
  // Cells dropped after an overflow are real text (markers are always among the first levels seen).
  for (const [marker, count] of byMarker) markers.push({ marker, count });
  return { markers, markerLevel, dotLevel, markerCells, realText, realLevels };
}

function typeColumn(column: RawColumn, ctx: Context, warnings: DatasetWarning[]): ColumnResult {
  const decimal = ctx.decimalComma ? decimalCommaColumn(column) : null;
  if (decimal) {
    warnings.push(
      makeWarning('decimalComma', `numbers written with a decimal comma (${quoteText(decimal.example)} read as ${formatNumber(decimal.value)})`, {
        file: ctx.file,
        column: column.name,
        count: decimal.cells,
        expected: 'numbers with "." as the decimal point',
      }),
    );
    column = decimal.column;
  }
  const tally = tallyMarkers(column);
  const numbers = ctx.profiles.get(column.numbers)?.finite ?? countFinite(column.numbers);
  const override = ctx.overrides[column.name];
  if (override === 'datetime' && !column.text) {
    throw new DatasetError('columnTypeInvalid', 'cannot be read as dates: it holds numbers', {
      file: ctx.file,
      column: column.name,
      expected: 'dates such as 2024-03-01, 01/03/2024 or 1 Mar 2024 for the type "datetime" (a year alone is a number)',
    });
  }
  if (override !== undefined && override !== 'numeric' && override !== 'binary' && override !== 'identifier' && !column.text) {
    // A user type that reads numbers as levels, dates or text: go through the text path with no text cells.
    const none: TextCells = { levels: [], counts: [], rows: new Int32Array(0), codes: new Int32Array(0), overflow: false, cells: 0, totalLength: 0, withSpace: 0 };
    return textColumn({ ...column, text: none }, ctx, tallyMarkers({ ...column, text: none }), override);
  }
  const dotCells = tally.dotLevel >= 0 && column.text ? column.text.counts[tally.dotLevel] : 0;

  if ((override === 'numeric' || override === 'binary') && numbers === 0 && tally.realText > 0) {
    throw new DatasetError('columnTypeInvalid', `cannot be ${override}: it holds no numbers, only text such as ${quoteText(firstLevel(column, tally))}`, {
      file: ctx.file,
      column: column.name,
      expected: `numbers for the type "${override}"`,
    });
  }
  // A column of numbers, perhaps with markers and '.' (which is then missing too) and a minority of stray texts.
  const numericMajority = tally.realText === 0 || (numbers > 0 && numbers >= NUMERIC_MAJORITY * (numbers + tally.realText));
  if (override === undefined ? numericMajority : override === 'numeric' || override === 'binary' || (override === 'identifier' && tally.realText === 0)) {
    if (tally.realText > 0 && column.firstText) {
      const first = column.firstText;
      warnings.push(
        makeWarning(
          'nonNumericCells',
          `${tally.realText} non-numeric cell(s), first ${quoteText(first.text)}; read as missing, the column is kept${decimalCommaHint(first.text)}`,
          // Row 0: not known (a cell left over from a decimal-comma column).
          { file: ctx.file, ...(first.row > 0 ? { row: first.row } : {}), column: column.name, count: tally.realText, expected: 'a number' },
        ),
      );
    }
    const markers = dotCells > 0 ? [...tally.markers, { marker: '.', count: dotCells }] : tally.markers;
    return numericColumn(column, ctx, markers, override);
  }
  return textColumn(column, ctx, tally, override);
}

// ---------------------------------------------------------------------------------------------------------------

const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
/** At most this share of a decimal-comma column's texts may be something else (typos). */
const DECIMAL_COMMA_TYPOS = 0.05;

/**
 * A column whose every non-missing text is a number with a decimal comma (1,5) — the European convention, in files
 * whose delimiter is not a comma: the same column with those cells as numbers, or null.
 */
function decimalCommaColumn(column: RawColumn): { column: RawColumn; example: string; value: number; cells: number } | null {
  const text = column.text;
  if (!text || text.overflow) return null;
  let cells = 0;
  let example = '';
  let other = 0;
  const parsed = text.levels.map((level, k) => {
    if (isMissingMarker(level) || level === CONDITIONAL_MARKER) return NaN;
    if (!DECIMAL_COMMA.test(level)) {
      other += text.counts[k];
      return null;
    }
    cells += text.counts[k];
    if (example === '') example = level;
    return Number(level.replace(',', '.'));
  });
  // Nearly all of them: a typo or two stays text and is warned about as a non-numeric cell of a numeric column.
  if (cells === 0 || other > DECIMAL_COMMA_TYPOS * (cells + other)) return null;
  const numbers = Float32Array.from(column.numbers);
  const keepRows: number[] = [];
  const keepCodes: number[] = [];
  let firstText: RawColumn['firstText'] = null;
  for (let c = 0; c < text.rows.length; c++) {
    const p = text.codes[c] >= 0 ? parsed[text.codes[c]] : null;
    if (p !== null && p === p) numbers[text.rows[c]] = p;
    else {
      keepRows.push(text.rows[c]);
      keepCodes.push(text.codes[c]);
      if (p === null && firstText === null && text.codes[c] >= 0) firstText = { row: 0, text: text.levels[text.codes[c]] };
    }
  }
  // What stays text: the markers (their counts unchanged, so they are still missing) and the typos.
  const kept = (k: number): boolean => parsed[k] === null || Number.isNaN(parsed[k] as number);
  const levels = text.levels.map((l, k) => (kept(k) ? l : `\u0000${k}`));
  const counts = text.levels.map((_, k) => (kept(k) ? text.counts[k] : 0));
  const value = Number(example.replace(',', '.'));
  return {
    column: {
      ...column,
      numbers,
      text: { ...text, levels, counts, rows: Int32Array.from(keepRows), codes: Int32Array.from(keepCodes), cells: keepRows.length, totalLength: 0, withSpace: 0 },
      firstText,
    },
    example,
    value,
    cells,
  };
}

function firstLevel(column: RawColumn, tally: MarkerTally): string {
  const text = column.text;
  if (!text) return '';
  const k = text.levels.findIndex((_, i) => !tally.markerLevel[i] && i !== tally.dotLevel);
  return k >= 0 ? text.levels[k] : '';
}

function quoteText(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(shown);
}

function decimalCommaHint(text: string): string {
  return /^[+-]?\d+,\d+$/.test(text) ? ' (a decimal comma? numbers must use "." as the decimal point)' : '';
}

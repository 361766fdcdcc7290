/**
 * What each column holds. The readers hand over every column as numbers plus the interned text of its non-numeric
 * cells; this module decides, with the counts behind each decision, whether the column is a numeric, binary,
 * categorical or boolean feature, or an identifier, a date or free text (excluded, with the reason), and builds
 * the feature columns. The user's types (`--type`, the `kryptonite.columnTypes` setting) win over inference.
 */
import type { Categories, ColumnInfo, ColumnType, Dataset, FeatureType } from '../dataset';
import { DatasetError, makeWarning } from '../errors';
import type { DatasetWarning } from '../errors';
import { dayOfYear, guessDateFormat, parseDate, utcYear } from './datetime';
import { CONDITIONAL_MARKER, isMissingMarker } from './missing';

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

/** Beyond this many distinct texts a column is identifiers or free text, not categories: stop keeping new ones. */
export const MAX_TEXT_LEVELS = 65_536;
/** Integer columns with at most this many distinct values are codes (categorical, ordered); more is a quantity. */
export const MAX_INTEGER_CODE_LEVELS = 10;
/** Free text: the mean cell is at least this long, or wordy (most cells hold a space and are 3+ words long). */
const FREE_TEXT_MIN_LENGTH = 40;
const WORDY_MIN_LENGTH = 18;
/** A text column whose every value differs is an identifier from this many non-missing rows on. */
const ID_MIN_ROWS = 20;
/** Identifier by name: at least this share of the non-missing values is unique. */
const ID_NAME_UNIQUE_SHARE = 0.9;
/** A text column where at least this share of non-missing cells are numbers is a numeric column with typos. */
const NUMERIC_MAJORITY = 0.5;

/** Names that say "this is a key": id, ID, Id suffixes (PassengerId, patient_id), uuid, key, row names. */
export function isIdLikeName(name: string): boolean {
  const n = name.trim();
  if (/^(id|ids|uuid|guid|key|index|idx|rownames?|row[_ .-]?(id|no|number|names?)|record[_ .-]?(id|no)|unnamed:? ?\d*|\.\.\.\d+)$/i.test(n)) return true;
  if (/(^|[_ .-])(id|uuid|guid)$/i.test(n) || /^(id)[_ .-]/i.test(n)) return true;
  // camelCase: PassengerId, patientID (a capital I, so "Valid" or "Paid" do not match).
  return /[a-z0-9](Id|ID)$/.test(n);
}

interface Context {
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

interface ColumnResult {
  readonly features: TypedFeature[];
  readonly info: ColumnInfo;
}

interface MarkerTally {
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
// Numeric columns: numeric, binary, integer codes, or a row number / key.
// ---------------------------------------------------------------------------------------------------------------

export interface NumericProfile {
  readonly finite: number;
  readonly integer: boolean;
  /** Distinct values, up to MAX_INTEGER_CODE_LEVELS + 1 of them (more: `many`). */
  readonly distinct: number[];
  readonly many: boolean;
  /** Every value is the previous plus one, in row order (a row number). */
  readonly rowNumber: boolean;
}

/** What the `numberProfile` kernel shares (parallel/kernels.ts): the columns' parsed numbers. */
export interface NumberProfileContext {
  readonly columns: readonly Float32Array[];
}

/** The `numberProfile` kernel: one column's number profile (what typing a numeric column reads). */
export function numberProfileKernel(context: NumberProfileContext, task: { readonly column: number }): NumericProfile {
  return profileNumbers(context.columns[task.column]);
}

export function profileNumbers(values: Float32Array): NumericProfile {
  let finite = 0;
  let integer = true;
  const seen = new Set<number>();
  let many = false;
  let rowNumber = true;
  let previous = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) {
      rowNumber = false;
      continue;
    }
    finite++;
    if (integer && v !== Math.round(v)) integer = false;
    if (rowNumber && finite > 1 && v !== previous + 1) rowNumber = false;
    previous = v;
    if (!many) {
      seen.add(v);
      if (seen.size > MAX_INTEGER_CODE_LEVELS + 1) many = true;
    }
  }
  return { finite, integer, distinct: [...seen].sort((a, b) => a - b), many, rowNumber: rowNumber && finite >= 3 };
}

function uniqueCount(values: Float32Array): number {
  const sorted: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) sorted.push(values[i]);
  const a = Float64Array.from(sorted).sort();
  let u = a.length > 0 ? 1 : 0;
  for (let i = 1; i < a.length; i++) if (a[i] !== a[i - 1]) u++;
  return u;
}

function numericColumn(column: RawColumn, ctx: Context, markers: ColumnInfo['markers'], override: ColumnType | undefined): ColumnResult {
  const values = column.numbers;
  const profile = ctx.profiles.get(values) ?? profileNumbers(values);
  const missing = ctx.rows - profile.finite;
  const base = { index: column.index, name: column.name, markers, missing };
  const excluded = (type: ColumnType, evidence: string, reason: string): ColumnResult => ({
    features: [],
    info: { ...base, type, evidence, overridden: override !== undefined, role: 'excluded', reason },
  });
  const feature = (type: FeatureType, evidence: string, categories: Categories | null): ColumnResult => ({
    features: [{ name: column.name, sourceIndex: column.index, type, evidence, values, categories, missing, derivedFrom: null }],
    info: { ...base, type, evidence, overridden: override !== undefined, role: 'feature', reason: null },
  });

  if (override === 'identifier') return excluded('identifier', 'set by the user', 'identifier (set by the user): not a feature');
  if (override === 'numeric') return feature('numeric', 'set by the user', null);
  if (override === 'binary') {
    if (profile.many || profile.distinct.length > 2) {
      throw new DatasetError('columnTypeInvalid', `cannot be binary: it has ${profile.many ? 'more than 10' : profile.distinct.length} distinct values`, {
        file: ctx.file,
        column: column.name,
        expected: 'at most two distinct values for the type "binary"',
      });
    }
    return feature('binary', 'set by the user', null);
  }
  if (profile.finite === 0) return feature('numeric', 'no values in any row', null);

  if (profile.integer && (isIdLikeName(column.name) || profile.rowNumber) && profile.many) {
    const unique = uniqueCount(values);
    if (profile.rowNumber) {
      return excluded(
        'identifier',
        `integers ${profile.distinct[0]}, ${profile.distinct[1]}, … rising by one in every row: a row number`,
        `identifier: a row number (${fmt(unique)} values rising by one)`,
      );
    }
    if (unique >= ID_NAME_UNIQUE_SHARE * profile.finite) {
      return excluded(
        'identifier',
        `ID-like name and ${fmt(unique)} distinct values in ${fmt(profile.finite)} rows`,
        `identifier: ID-like name with ${fmt(unique)} distinct of ${fmt(profile.finite)} values`,
      );
    }
  }
  if (!profile.many && profile.distinct.length <= 1) return feature('numeric', `one value (${profile.distinct[0]}) in every non-missing row`, null);
  if (!profile.many && profile.distinct.length === 2) {
    return feature('binary', `two distinct values (${profile.distinct[0]}, ${profile.distinct[1]})`, null);
  }
  // Codes repeat: each level on two rows or more on average, else a short column of small integers is just numbers.
  if (profile.integer && !profile.many && profile.distinct.length <= MAX_INTEGER_CODE_LEVELS && profile.distinct.length * 2 <= profile.finite) {
    const levels = profile.distinct;
    const categories = categoriesFromNumbers(values, levels);
    return feature('categorical', `integer codes with ${levels.length} levels (${levels.join(', ')}); their order is kept`, categories);
  }
  return feature(
    'numeric',
    profile.integer ? `integers with more than ${MAX_INTEGER_CODE_LEVELS} distinct values` : 'numbers with more than two distinct values',
    null,
  );
}

function categoriesFromNumbers(values: Float32Array, levels: readonly number[]): Categories {
  const index = new Map<number, number>(levels.map((v, k) => [v, k]));
  const codes = new Int32Array(values.length);
  const counts = new Array<number>(levels.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    const k = index.get(values[i]);
    if (k === undefined) codes[i] = -1;
    else {
      codes[i] = k;
      counts[k]++;
    }
  }
  return { levels: levels.map(formatNumber), codes, counts };
}

// ---------------------------------------------------------------------------------------------------------------
// Text columns: boolean, datetime, identifier, free text or categorical.
// ---------------------------------------------------------------------------------------------------------------

const BOOLEAN_PAIRS: readonly (readonly [string, string])[] = [
  ['false', 'true'],
  ['f', 't'],
  ['no', 'yes'],
  ['n', 'y'],
  ['0', '1'],
];

/** The level of every row: text levels as kept, numbers as their own levels, markers and '.' (if asked) missing. */
interface RowLevels {
  readonly levels: string[];
  readonly codes: Int32Array;
  readonly counts: number[];
  readonly missing: number;
}

function rowLevels(column: RawColumn, tally: MarkerTally, dotIsMissing: boolean, rows: number): RowLevels {
  const text = column.text as TextCells;
  const levels: string[] = [];
  const counts: number[] = [];
  const remap = new Int32Array(text.levels.length).fill(-1);
  text.levels.forEach((level, k) => {
    if (tally.markerLevel[k] || (dotIsMissing && k === tally.dotLevel)) return;
    remap[k] = levels.length;
    levels.push(level);
    counts.push(0);
  });
  const codes = new Int32Array(rows).fill(-1);
  // Numbers first (a text column may hold some), then the text cells over them.
  const numeric = new Map<number, number>();
  const values = column.numbers;
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    if (v !== v) continue;
    let k = numeric.get(v);
    if (k === undefined) {
      const name = formatNumber(v);
      const existing = levels.indexOf(name);
      k = existing >= 0 ? existing : levels.length;
      if (existing < 0) {
        levels.push(name);
        counts.push(0);
      }
      numeric.set(v, k);
    }
    codes[i] = k;
    counts[k]++;
  }
  for (let c = 0; c < text.rows.length; c++) {
    const level = text.codes[c];
    if (level < 0) continue;
    const k = remap[level];
    if (k < 0) continue;
    codes[text.rows[c]] = k;
    counts[k]++;
  }
  let missing = 0;
  for (let i = 0; i < rows; i++) if (codes[i] < 0) missing++;
  return { levels, codes, counts, missing };
}

function textColumn(column: RawColumn, ctx: Context, tally: MarkerTally, override: ColumnType | undefined): ColumnResult {
  const text = column.text as TextCells;
  const base = { index: column.index, name: column.name };
  const numbers = countFinite(column.numbers);
  const nonMissing = tally.realText + numbers + (tally.dotLevel >= 0 ? text.counts[tally.dotLevel] : 0);
  const realLevels = text.levels.filter((l, k) => !tally.markerLevel[k] && k !== tally.dotLevel);
  const overridden = override !== undefined;
  const markersWithDot = (dot: boolean): ColumnInfo['markers'] =>
    dot && tally.dotLevel >= 0 ? [...tally.markers, { marker: '.', count: text.counts[tally.dotLevel] }] : tally.markers;
  const excluded = (type: ColumnType, evidence: string, reason: string, missing: number, dot: boolean): ColumnInfo => ({
    ...base,
    type,
    evidence,
    overridden,
    role: 'excluded',
    reason,
    missing,
    markers: markersWithDot(dot),
  });

  // Booleans: every level (numbers included) is one side of one true/false vocabulary.
  if ((override === undefined || override === 'boolean') && !text.overflow) {
    const all = new Set(realLevels.map((l) => l.toLowerCase()));
    if (numbers > 0) for (const v of distinctNumbers(column.numbers, 3)) all.add(formatNumber(v));
    const pair = BOOLEAN_PAIRS.find(([f, t]) => [...all].every((l) => l === f || l === t));
    // Plain 0/1 numbers are a binary number, not a boolean, unless the user says so.
    if (pair && all.size > 0 && !(override === undefined && pair[0] === '0' && tally.realText === 0)) {
      const rl = rowLevels(column, tally, true, ctx.rows);
      return booleanFeature(column, rl, pair, markersWithDot(true), overridden);
    }
    if (override === 'boolean') {
      throw new DatasetError('columnTypeInvalid', `cannot be boolean: its values are ${previewLevels(realLevels)}`, {
        file: ctx.file,
        column: column.name,
        expected: 'two values such as TRUE/FALSE, yes/no, y/n or t/f for the type "boolean"',
      });
    }
  }

  // Dates: one format reads (nearly) every distinct value.
  if ((override === undefined || override === 'datetime') && numbers === 0 && !text.overflow && realLevels.length > 0) {
    const guess = guessDateFormat(realLevels, override === 'datetime' ? 0.5 : 0.95);
    if (guess) return dateColumn(column, ctx, tally, guess, overridden, markersWithDot(true));
    if (override === 'datetime') {
      throw new DatasetError('columnTypeInvalid', `cannot be read as dates: its values are ${previewLevels(realLevels)}`, {
        file: ctx.file,
        column: column.name,
        expected: 'dates such as 2024-03-01, 01/03/2024 or 1 Mar 2024 for the type "datetime"',
      });
    }
  }

  const meanLength = text.totalLength / Math.max(1, text.cells);
  const spaced = text.withSpace / Math.max(1, text.cells);
  const distinct = text.overflow ? Infinity : realLevels.length + (numbers > 0 ? distinctNumbers(column.numbers, Infinity).length : 0);
  const uniqueShare = text.overflow ? 1 : distinct / Math.max(1, nonMissing);
  const missingAll = ctx.rows - nonMissing;

  if (override === 'identifier') return { features: [], info: excluded('identifier', 'set by the user', 'identifier (set by the user): not a feature', missingAll, false) };
  if (override === 'text') return { features: [], info: excluded('text', 'set by the user', 'free text (set by the user): not a feature', missingAll, false) };
  if (override === undefined) {
    const wordy = meanLength >= FREE_TEXT_MIN_LENGTH || (meanLength >= WORDY_MIN_LENGTH && spaced >= 0.5);
    if (wordy && uniqueShare >= 0.5) {
      return {
        features: [],
        info: excluded(
          'text',
          `mean length ${meanLength.toFixed(0)} characters, ${pct(spaced)} with spaces, ${pct(uniqueShare)} distinct`,
          `free text: mean ${meanLength.toFixed(0)} characters, ${text.overflow ? 'more than ' + fmt(MAX_TEXT_LEVELS) : fmt(distinct)} distinct values`,
          missingAll,
          false,
        ),
      };
    }
    const idName = isIdLikeName(column.name);
    // Every value different says "key" only with enough rows to tell a key from a few categories that happen to differ.
    if ((nonMissing >= ID_MIN_ROWS && uniqueShare >= 1) || (idName && nonMissing >= 2 && uniqueShare >= ID_NAME_UNIQUE_SHARE)) {
      const evidence = `${text.overflow ? 'more than ' + fmt(MAX_TEXT_LEVELS) : fmt(distinct)} distinct values in ${fmt(nonMissing)} non-missing rows${idName ? ', ID-like name' : ''}`;
      return {
        features: [],
        info: excluded('identifier', evidence, `identifier: ${evidence}`, missingAll, false),
      };
    }
    if (text.overflow) {
      return {
        features: [],
        info: excluded('text', `more than ${fmt(MAX_TEXT_LEVELS)} distinct texts`, `free text: more than ${fmt(MAX_TEXT_LEVELS)} distinct values`, missingAll, false),
      };
    }
  }
  if (text.overflow) {
    throw new DatasetError('columnTypeInvalid', `has more than ${fmt(MAX_TEXT_LEVELS)} distinct values, too many to be categories`, {
      file: ctx.file,
      column: column.name,
      expected: 'the type "identifier" or "text" for a column of this many distinct values',
    });
  }
  const rl = rowLevels(column, tally, false, ctx.rows);
  const evidence =
    override === 'categorical'
      ? 'set by the user'
      : `text with ${fmt(rl.levels.length)} distinct values in ${fmt(nonMissing)} non-missing rows`;
  // A '.' level is kept: in a text column it may be real; the categorical checks flag it when it looks like a marker.
  const values = new Float32Array(ctx.rows);
  for (let i = 0; i < ctx.rows; i++) values[i] = rl.codes[i] < 0 ? NaN : rl.codes[i];
  return {
    features: [
      {
        name: column.name,
        sourceIndex: column.index,
        type: 'categorical',
        evidence,
        values,
        categories: { levels: rl.levels, codes: rl.codes, counts: rl.counts },
        missing: rl.missing,
        derivedFrom: null,
      },
    ],
    info: { ...base, type: 'categorical', evidence, overridden, role: 'feature', reason: null, missing: rl.missing, markers: tally.markers },
  };
}

function booleanFeature(
  column: RawColumn,
  rl: RowLevels,
  pair: readonly [string, string],
  markers: ColumnInfo['markers'],
  overridden: boolean,
): ColumnResult {
  // Levels as written (TRUE/FALSE keep their case); false first so that true is 1.
  const spelling = (word: string): string => rl.levels.find((l) => l.toLowerCase() === word) ?? word;
  const levels = [spelling(pair[0]), spelling(pair[1])];
  const codes = new Int32Array(rl.codes.length);
  const counts = [0, 0];
  const values = new Float32Array(rl.codes.length);
  for (let i = 0; i < codes.length; i++) {
    const k = rl.codes[i];
    if (k < 0) {
      codes[i] = -1;
      values[i] = NaN;
      continue;
    }
    const b = rl.levels[k].toLowerCase() === pair[1] ? 1 : 0;
    codes[i] = b;
    values[i] = b;
    counts[b]++;
  }
  const evidence = `values ${levels.join('/')} (${fmt(counts[0])} / ${fmt(counts[1])})`;
  return {
    features: [
      {
        name: column.name,
        sourceIndex: column.index,
        type: 'boolean',
        evidence: overridden ? `set by the user; ${evidence}` : evidence,
        values,
        categories: { levels, codes, counts },
        missing: rl.missing,
        derivedFrom: null,
      },
    ],
    info: { index: column.index, name: column.name, type: 'boolean', evidence: overridden ? `set by the user; ${evidence}` : evidence, overridden, role: 'feature', reason: null, missing: rl.missing, markers },
  };
}

/** A date column: excluded itself, with its year and day of year as derived features when they vary. */
function dateColumn(
  column: RawColumn,
  ctx: Context,
  tally: MarkerTally,
  guess: NonNullable<ReturnType<typeof guessDateFormat>>,
  overridden: boolean,
  markers: ColumnInfo['markers'],
): ColumnResult {
  const text = column.text as TextCells;
  const times = new Float64Array(ctx.rows).fill(NaN);
  const parsed = text.levels.map((l, k) => (tally.markerLevel[k] || k === tally.dotLevel ? null : parseDate(l, guess.format)));
  let unreadable = 0;
  for (let c = 0; c < text.rows.length; c++) {
    const k = text.codes[c];
    const t = k >= 0 ? parsed[k] : null;
    if (t === null) {
      if (k >= 0 && !tally.markerLevel[k] && k !== tally.dotLevel) unreadable++;
      continue;
    }
    times[text.rows[c]] = t;
  }
  let lo = Infinity;
  let hi = -Infinity;
  let present = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (t !== t) continue;
    present++;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const missing = ctx.rows - present;
  const span = `${isoDay(lo)} … ${isoDay(hi)}`;
  const evidence =
    `${FORMAT_NAMES[guess.format]} dates (${span}), ${pct(guess.share)} of distinct values read` + (guess.note ? `; ${guess.note}` : '') + (unreadable > 0 ? `; ${unreadable} unreadable cell(s) missing` : '');
  const features: TypedFeature[] = [];
  const yearValues = new Float32Array(ctx.rows);
  const dayValues = new Float32Array(ctx.rows);
  for (let i = 0; i < ctx.rows; i++) {
    const t = times[i];
    yearValues[i] = t === t ? utcYear(t) : NaN;
    dayValues[i] = t === t ? dayOfYear(t) : NaN;
  }
  const derived: string[] = [];
  if (present > 0 && utcYear(lo) !== utcYear(hi)) {
    features.push({ name: `${column.name}.year`, sourceIndex: column.index, type: 'numeric', evidence: `year of ${column.name}`, values: yearValues, categories: null, missing, derivedFrom: column.name });
    derived.push(`${column.name}.year`);
  }
  // A season can only show in data that covers a good part of a year.
  if (present > 0 && hi - lo >= 90 * 86_400_000) {
    features.push({ name: `${column.name}.dayOfYear`, sourceIndex: column.index, type: 'numeric', evidence: `day of the year (1–366) of ${column.name}`, values: dayValues, categories: null, missing, derivedFrom: column.name });
    derived.push(`${column.name}.dayOfYear`);
  }
  return {
    features,
    info: {
      index: column.index,
      name: column.name,
      type: 'datetime',
      evidence: overridden ? `set by the user; ${evidence}` : evidence,
      overridden,
      role: 'excluded',
      reason: `datetime (${span}): not a feature itself` + (derived.length > 0 ? `; derived features ${derived.join(', ')}` : ''),
      missing,
      markers,
    },
  };
}

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  iso: 'ISO 8601',
  'ymd-slash': 'year/month/day',
  dmy: 'day/month/year',
  mdy: 'month/day/year',
  'month-name': 'month-name',
  'year-month': 'year-month',
};

function isoDay(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '—';
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

function countFinite(values: Float32Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) n++;
  return n;
}

function distinctNumbers(values: Float32Array, limit: number): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < values.length && seen.size < limit; i++) if (values[i] === values[i]) seen.add(values[i]);
  return [...seen];
}

/** Float32 values as the shortest text that reads back to them (0.1, not 0.10000000149011612). */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  for (let digits = 6; digits <= 9; digits++) {
    const s = Number(v.toPrecision(digits));
    if (Math.fround(s) === v) return String(s);
  }
  return String(v);
}

function previewLevels(levels: readonly string[]): string {
  if (levels.length === 0) return 'numbers only';
  const shown = levels.slice(0, 5).map((l) => JSON.stringify(l)).join(', ');
  return levels.length > 5 ? `${shown}, … (${levels.length} distinct)` : shown;
}

function quoteText(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(shown);
}

function decimalCommaHint(text: string): string {
  return /^[+-]?\d+,\d+$/.test(text) ? ' (a decimal comma? numbers must use "." as the decimal point)' : '';
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function pct(x: number): string {
  return `${(100 * x).toFixed(0)} %`;
}

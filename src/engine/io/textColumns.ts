/**
 * Text columns: boolean, datetime, identifier, free text or categorical. A column goes here when most of its
 * non-missing cells are text, or when the user's type reads its numbers as levels or dates.
 */
import type { ColumnInfo, ColumnType } from '../dataset';
import { DatasetError } from '../errors';
import { countFinite, fmt, formatNumber, ID_NAME_UNIQUE_SHARE, isIdLikeName } from './columnHelpers';
import type { ColumnResult, Context, MarkerTally, RawColumn, TextCells, TypedFeature } from './columnTypes';
import { dayOfYear, guessDateFormat, parseDate, utcYear } from './datetime';

/** Beyond this many distinct texts a column is identifiers or free text, not categories: stop keeping new ones. */
export const MAX_TEXT_LEVELS = 65_536;
/** Free text: the mean cell is at least this long, or wordy (most cells hold a space and are 3+ words long). */
const FREE_TEXT_MIN_LENGTH = 40;
const WORDY_MIN_LENGTH = 18;
/** A text column whose every value differs is an identifier from this many non-missing rows on. */
const ID_MIN_ROWS = 20;

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

export function textColumn(column: RawColumn, ctx: Context, tally: MarkerTally, override: ColumnType | undefined): ColumnResult {
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

function distinctNumbers(values: Float32Array, limit: number): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < values.length && seen.size < limit; i++) if (values[i] === values[i]) seen.add(values[i]);
  return [...seen];
}

function previewLevels(levels: readonly string[]): string {
  if (levels.length === 0) return 'numbers only';
  const shown = levels.slice(0, 5).map((l) => JSON.stringify(l)).join(', ');
  return levels.length > 5 ? `${shown}, … (${levels.length} distinct)` : shown;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(0)} %`;
}

/**
 * The column-typing table of the known-answer set (see tables.ts): one column of every type the reader infers, with a
 * binary label that depends on some of them (a date through its season) and on nothing else.
 */
import { createRng, permutation } from '../random';
import type { Rng } from '../random';
import { checkRows, column, normals, numericColumn, sigmoid } from './tables';
import type { Cell, SynthTable } from './tables';

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
// Helpers.
// ---------------------------------------------------------------------------------------------------------------

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

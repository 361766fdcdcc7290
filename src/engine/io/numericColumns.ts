/**
 * Numeric columns: numeric, binary, integer codes, or a row number / key. Also the number profile that typing a
 * numeric column reads, and the `numberProfile` kernel that computes it on the pool.
 */
import type { Categories, ColumnInfo, ColumnType, FeatureType } from '../dataset';
import { DatasetError } from '../errors';
import { fmt, formatNumber, ID_NAME_UNIQUE_SHARE, isIdLikeName } from './columnHelpers';
import type { ColumnResult, Context, RawColumn } from './columnTypes';

/** Integer columns with at most this many distinct values are codes (categorical, ordered); more is a quantity. */
export const MAX_INTEGER_CODE_LEVELS = 10;

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
  let i = 0;
  for (; i < values.length; i++) {
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
    // Settled (each flag only ever turns one way): the rest of the column only adds to the finite count.
    if (many && !integer && !rowNumber) {
      i++;
      break;
    }
  }
  finite += countPresent(values, i);
  return { finite, integer, distinct: [...seen].sort((a, b) => a - b), many, rowNumber: rowNumber && finite >= 3 };
}

/** Values from `from` on that are not NaN. */
function countPresent(values: Float32Array, from: number): number {
  let n = 0;
  for (let i = from; i < values.length; i++) if (values[i] === values[i]) n++;
  return n;
}

function uniqueCount(values: Float32Array): number {
  const sorted: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) sorted.push(values[i]);
  const a = Float64Array.from(sorted).sort();
  let u = a.length > 0 ? 1 : 0;
  for (let i = 1; i < a.length; i++) if (a[i] !== a[i - 1]) u++;
  return u;
}

export function numericColumn(column: RawColumn, ctx: Context, markers: ColumnInfo['markers'], override: ColumnType | undefined): ColumnResult {
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

import type { TaskRunner } from './parallel/runner';
import type { CancelSignal } from './cancel';
import type { DatasetWarning } from './errors';

/** Where the rows came from. A .csv.gz / .csv.zst is `csv` with `source.compression` set. */
export type DatasetFormat = 'csv' | 'npy' | 'parquet' | 'arrow';

/**
 * What a column holds, inferred from its cells (io/columnTypes.ts) or set by the user. The first four are features;
 * `datetime`, `identifier` and `text` columns are excluded from the analysis with their reason (a date may give
 * derived features such as its year).
 */
export type ColumnType = 'numeric' | 'binary' | 'categorical' | 'boolean' | 'datetime' | 'identifier' | 'text';
export const COLUMN_TYPES: readonly ColumnType[] = ['numeric', 'binary', 'categorical', 'boolean', 'datetime', 'identifier', 'text'];
export type FeatureType = 'numeric' | 'binary' | 'categorical' | 'boolean';

/** What the label asks for: two classes, more than two, or a number to predict. */
export type LabelTask = 'binary' | 'multiclass' | 'regression';
export const LABEL_TASKS: readonly LabelTask[] = ['binary', 'multiclass', 'regression'];

/** The levels of a categorical or boolean feature and the level of every row (−1: missing). */
export interface Categories {
  /** Level texts; a boolean's are [false-spelling, true-spelling]; integer codes keep their numeric order. */
  readonly levels: readonly string[];
  readonly codes: Int32Array;
  readonly counts: readonly number[];
}

/** Every column of the source, whatever became of it: the report lists all of them. */
export interface ColumnInfo {
  /** 0-based position in the file (for derived features: the source column's). */
  readonly index: number;
  readonly name: string;
  readonly type: ColumnType;
  /** Why this type, in one line (the counts behind it). */
  readonly evidence: string;
  /** Set by the user (`--type`, the `kryptonite.columnTypes` setting) rather than inferred. */
  readonly overridden: boolean;
  readonly role: 'feature' | 'label' | 'excluded';
  /** For `excluded`: why, in one line. */
  readonly reason: string | null;
  /** Cells read as missing (empty, NA-like markers, NaN/Inf, padded). */
  readonly missing: number;
  /** The missing-value markers met, with counts (e.g. NA: 12, ?: 3). */
  readonly markers: readonly { readonly marker: string; readonly count: number }[];
  /** Derived features only: the column they were computed from. */
  readonly derivedFrom?: string;
}

/**
 * A class label: one small integer per row. Class `k` is `classes[k]`, the label's original value as text
 * (integers sorted numerically, strings in order of first appearance). Rows whose label is missing hold -1.
 */
export interface Label {
  readonly name: string;
  /** 0-based source column (CSV) or null when the label came from a separate file (npy pair). */
  readonly sourceColumn: number | null;
  readonly values: Int32Array;
  readonly classes: readonly string[];
  readonly counts: readonly number[];
  /**
   * `integer`: the file held integer codes; `string`: text values mapped to classes in order of appearance;
   * `number`: a numeric target (regression), whose values are in `target`.
   */
  readonly kind: 'integer' | 'string' | 'number';
  readonly missing: number;
  readonly task: LabelTask;
  /** Why this task, in one line. */
  readonly taskEvidence: string;
  /** Set by the user (`--task`) rather than inferred. */
  readonly taskOverridden: boolean;
  /**
   * Regression: the value of every row (NaN: missing), and `values` is 0 where present, −1 where missing;
   * `classes` and `counts` are empty. Classification: null.
   */
  readonly target: Float64Array | null;
}

/** Columnar, numeric view of a tabular dataset. Missing cells (empty, NaN, Inf, unparsable) are NaN. */
export interface Dataset {
  /** The path the user opened. */
  readonly path: string;
  /** Every file read (both halves of an X/y pair). */
  readonly files: readonly string[];
  readonly format: DatasetFormat;
  readonly rows: number;
  readonly names: readonly string[];
  readonly columns: readonly Float32Array[];
  /** Per feature: cells that were empty, NaN, ±Inf or not numbers. */
  readonly missing: readonly number[];
  readonly label: Label | null;
  /** Per feature: what it holds. Categorical and boolean features have `categories`; numeric and binary do not. */
  readonly types: readonly FeatureType[];
  /**
   * Per feature: levels and per-row codes of categorical and boolean features, else null. `columns[j]` stays the
   * numeric view: the value itself for numbers (integer codes, 0/1 for booleans), the level code for text levels.
   */
  readonly categories: readonly (Categories | null)[];
  /** Per feature: the one-line evidence for its type. */
  readonly typeEvidence: readonly string[];
  /** Per feature: the source column a derived feature (a date's year, …) was computed from, else null. */
  readonly derivedFrom: readonly (string | null)[];
  /** Every source column with its type and role (feature, label, excluded with the reason). */
  readonly columnInfo: readonly ColumnInfo[];
  readonly warnings: readonly DatasetWarning[];
  /** Bytes read from disk and how the parse went, for timings and the bench. */
  readonly source: DatasetSource;
}

export interface DatasetSource {
  readonly bytes: number;
  /**
   * CSV: `fast` (byte-level numeric parser) or `papaparse`; npy: `npy`; Parquet: `hyparquet`; Arrow IPC / Feather
   * v2: `apache-arrow`.
   */
  readonly parser: 'fast' | 'papaparse' | 'npy' | 'hyparquet' | 'apache-arrow';
  /** A compressed CSV: how it was decompressed (in memory, before the parse); `bytes` is then the decompressed size. */
  readonly compression?: 'gzip' | 'zstd';
  readonly delimiter?: string;
  readonly hasHeader?: boolean;
  /** Columns left out of the features (identifiers, dates, free text), with the reason (0-based source index). */
  readonly excludedColumns?: readonly { readonly index: number; readonly name: string; readonly reason: string }[];
}

/** How the caller names the label: a column name, a 0-based index, or nothing (auto-detect). */
export type LabelSpec = string | number | undefined;

export interface LoadOptions {
  readonly label?: LabelSpec;
  /** `false` forces an unlabelled analysis even when a y/label/target/class column exists. */
  readonly detectLabel?: boolean;
  /** Cancellation between chunks. */
  readonly signal?: CancelSignal;
  /** Reading progress between chunks (CSV's fast path, Parquet row groups): the share of the file read, rows so far. */
  readonly onProgress?: (fraction: number, rows: number) => void;
  /** Column types set by the user, by column name; they win over inference. */
  readonly columnTypes?: Readonly<Record<string, ColumnType>>;
  /** The label's task set by the user; wins over inference. */
  readonly task?: LabelTask;
  /** Threads for reading (a big plain CSV is parsed in segments side by side; the same dataset). */
  readonly runner?: TaskRunner;
}

/** Column names that are taken as the label when no `--label` is given (case-insensitive). */
export const LABEL_NAME_GUESSES: readonly string[] = ['y', 'label', 'target', 'class'];

export function featureCount(dataset: Dataset): number {
  return dataset.columns.length;
}

/**
 * A class label from codes already assigned (−1: missing): counts, missing and the task (two classes: binary)
 * filled in. For labels built in memory (tests, columns sent by the host, generators).
 */
export function classLabel(name: string, values: Int32Array, classes: readonly string[], kind: Label['kind'] = 'integer', sourceColumn: number | null = null): Label {
  const counts = new Array<number>(classes.length).fill(0);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i];
    if (y >= 0 && y < counts.length) counts[y]++;
    else missing++;
  }
  const task: LabelTask = classes.length <= 2 ? 'binary' : 'multiclass';
  return { name, sourceColumn, values, classes, counts, kind, missing, task, taskEvidence: `${classes.length} classes given`, taskOverridden: false, target: null };
}

/** A regression target built in memory (NaN: missing). */
export function regressionLabel(name: string, target: Float64Array, sourceColumn: number | null = null): Label {
  const values = new Int32Array(target.length);
  let missing = 0;
  for (let i = 0; i < target.length; i++) {
    if (Number.isFinite(target[i])) continue;
    values[i] = -1;
    missing++;
  }
  return { name, sourceColumn, values, classes: [], counts: [], kind: 'number', missing, task: 'regression', taskEvidence: 'a numeric target given', taskOverridden: false, target };
}

export interface InMemoryDatasetInput {
  readonly path?: string;
  readonly format?: DatasetFormat;
  readonly names: readonly string[];
  readonly columns: readonly Float32Array[];
  readonly label?: Label | null;
  /** Default: every feature numeric. */
  readonly types?: readonly FeatureType[];
  readonly categories?: readonly (Categories | null)[];
  readonly warnings?: readonly DatasetWarning[];
}

/** A Dataset from columns in memory (generators, tests, columns the host sends): missing counts and column info filled in. */
export function inMemoryDataset(input: InMemoryDatasetInput): Dataset {
  const rows = input.columns[0]?.length ?? input.label?.values.length ?? 0;
  const missing = input.columns.map((c) => {
    let m = 0;
    for (let i = 0; i < c.length; i++) if (c[i] !== c[i]) m++;
    return m;
  });
  const types = input.types ?? input.columns.map(() => 'numeric' as const);
  const label = input.label ?? null;
  const columnInfo: ColumnInfo[] = input.names.map((name, j) => ({
    index: j,
    name,
    type: types[j],
    evidence: 'given in memory',
    overridden: false,
    role: 'feature',
    reason: null,
    missing: missing[j],
    markers: [],
  }));
  return {
    path: input.path ?? '(in memory)',
    files: [],
    format: input.format ?? 'csv',
    rows,
    names: input.names,
    columns: input.columns,
    missing,
    label,
    types,
    categories: input.categories ?? input.columns.map(() => null),
    typeEvidence: types.map(() => 'given in memory'),
    derivedFrom: input.columns.map(() => null),
    columnInfo,
    warnings: input.warnings ?? [],
    source: { bytes: 0, parser: input.format === 'npy' ? 'npy' : 'fast' },
  };
}

/** The same rows with only some features (in the order given): for analyses that apply to some feature types only. */
export function selectFeatures(dataset: Dataset, features: readonly number[]): Dataset {
  return {
    ...dataset,
    names: features.map((j) => dataset.names[j]),
    columns: features.map((j) => dataset.columns[j]),
    missing: features.map((j) => dataset.missing[j]),
    types: features.map((j) => dataset.types[j]),
    categories: features.map((j) => dataset.categories[j]),
    typeEvidence: features.map((j) => dataset.typeEvidence[j]),
    derivedFrom: features.map((j) => dataset.derivedFrom[j]),
  };
}

/**
 * Whether a feature's numeric view means something (numbers, 0/1 booleans, integer codes), as opposed to the codes
 * of text levels, which have no order: correlation, PCA and the L1 products only use the former.
 */
export function hasNumericMeaning(dataset: Dataset, j: number): boolean {
  const type = dataset.types[j];
  if (type !== 'categorical') return true;
  const levels = dataset.categories[j]?.levels ?? [];
  // Two text levels read as a 0/1 indicator, which correlates and multiplies like a binary number.
  if (levels.length <= 2) return true;
  return levels.every((l) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(l));
}

import type { CancelSignal } from './cancel';
import type { DatasetWarning } from './errors';

/** Where the rows came from. */
export type DatasetFormat = 'csv' | 'npy';

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
  /** `integer`: the file held integer codes; `string`: text values mapped to classes in order of appearance. */
  readonly kind: 'integer' | 'string';
  readonly missing: number;
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
  readonly warnings: readonly DatasetWarning[];
  /** Bytes read from disk and how the parse went, for timings and the bench. */
  readonly source: DatasetSource;
}

export interface DatasetSource {
  readonly bytes: number;
  /** CSV: `fast` (byte-level numeric parser) or `papaparse`; npy: `npy`. */
  readonly parser: 'fast' | 'papaparse' | 'npy';
  readonly delimiter?: string;
  readonly hasHeader?: boolean;
  /** Columns dropped because they were not numeric (0-based source index and name). */
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
}

/** Column names that are taken as the label when no `--label` is given (case-insensitive). */
export const LABEL_NAME_GUESSES: readonly string[] = ['y', 'label', 'target', 'class'];

export function featureCount(dataset: Dataset): number {
  return dataset.columns.length;
}

/**
 * Typed errors and warnings for everything the engine reads. A researcher sees `message` as one line, so it names
 * the file and, where they apply, the 1-based row (as an editor shows it), the column and what was expected.
 */

/** Stable machine-readable codes: diagnostics and tests key on these, never on message text. */
export type DatasetErrorCode =
  | 'fileNotFound'
  | 'notAFile'
  | 'emptyFile'
  | 'headerOnly'
  | 'noRows'
  | 'notADataset'
  | 'binaryFile'
  | 'jsonFile'
  | 'raggedRows'
  | 'noNumericColumns'
  | 'labelNotFound'
  | 'labelInvalid'
  | 'npyBadMagic'
  | 'npyBadHeader'
  | 'npyTruncated'
  | 'npyUnsupportedDtype'
  | 'npyUnsupportedShape'
  | 'npyUnsafeInteger'
  | 'pairMissing'
  | 'pairRowMismatch'
  | 'unsupportedFormat'
  | 'corruptFile'
  | 'readFailed'
  | 'unclosedQuote'
  | 'columnTypeInvalid'
  | 'taskInvalid'
  | 'featureNotFound'
  | 'missingFeatures'
  | 'extraFeatures';

export interface DatasetErrorLocation {
  readonly file: string;
  /** 1-based line/row number in the file as an editor shows it (the header is row 1 in a CSV with a header). */
  readonly row?: number;
  /** Column name, or 0-based index when there is no name. */
  readonly column?: string | number;
  /** What the reader expected to find there. */
  readonly expected?: string;
}

export class DatasetError extends Error {
  readonly code: DatasetErrorCode;
  readonly file: string;
  readonly row?: number;
  readonly column?: string | number;
  readonly expected?: string;

  constructor(code: DatasetErrorCode, detail: string, where: DatasetErrorLocation) {
    super(formatLocated(where, detail));
    this.name = 'DatasetError';
    this.code = code;
    this.file = where.file;
    this.row = where.row;
    this.column = where.column;
    this.expected = where.expected;
  }
}

export type DatasetWarningCode =
  | 'raggedRows'
  | 'nonNumericCells'
  | 'nonNumericColumn'
  | 'missingValues'
  | 'nonFiniteValues'
  | 'duplicateHeader'
  | 'emptyHeader'
  | 'noHeader'
  | 'labelSingleClass'
  | 'labelMissing'
  | 'labelNonInteger'
  | 'labelManyClasses'
  | 'singleRow'
  | 'constantFeature'
  | 'labelFromNameGuess'
  | 'unlabelled'
  | 'bigEndian'
  | 'fortranOrder'
  | 'precisionLoss'
  | 'labelOptionIgnored'
  | 'fewRows'
  | 'emptyColumn'
  | 'malformedQuotes'
  | 'sampledRows'
  | 'decimalComma'
  | 'columnTypeIgnored'
  | 'unsupportedColumns'
  | 'memoryBudget';

export interface DatasetWarning {
  readonly code: DatasetWarningCode;
  /** One line, already naming file/row/column where they apply. */
  readonly message: string;
  readonly file: string;
  readonly row?: number;
  readonly column?: string | number;
  /** How many cells/rows the warning covers, when it summarises several. */
  readonly count?: number;
}

export function makeWarning(
  code: DatasetWarningCode,
  detail: string,
  where: DatasetErrorLocation & { readonly count?: number },
): DatasetWarning {
  return {
    code,
    message: formatLocated(where, detail),
    file: where.file,
    ...(where.row !== undefined ? { row: where.row } : {}),
    ...(where.column !== undefined ? { column: where.column } : {}),
    ...(where.count !== undefined ? { count: where.count } : {}),
  };
}

/** `file:row: column "x": detail (expected …)` — the shape compilers use, so editors can link it. */
export function formatLocated(where: DatasetErrorLocation, detail: string): string {
  let head = where.file;
  if (where.row !== undefined) head += `:${where.row}`;
  let text = `${head}: `;
  if (where.column !== undefined) {
    text += typeof where.column === 'number' ? `column ${where.column}: ` : `column "${where.column}": `;
  }
  text += detail;
  if (where.expected !== undefined) text += ` (expected ${where.expected})`;
  return text.replace(/[\r\n]+/g, ' ');
}

/**
 * A table that does not fit a saved model: it lacks features the model reads (`missingFeatures`), or has feature
 * columns the model was not trained on (`extraFeatures`). Both lists are named in the message and kept as data.
 */
export class FeatureMismatchError extends DatasetError {
  readonly missing: readonly string[];
  readonly extra: readonly string[];

  constructor(detail: string, where: DatasetErrorLocation, missing: readonly string[], extra: readonly string[]) {
    super(missing.length > 0 ? 'missingFeatures' : 'extraFeatures', detail, where);
    this.name = 'FeatureMismatchError';
    this.missing = missing;
    this.extra = extra;
  }
}

export function isDatasetError(value: unknown): value is DatasetError {
  return value instanceof DatasetError;
}

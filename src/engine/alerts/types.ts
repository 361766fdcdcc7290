/**
 * Data-quality alerts. The vocabulary follows ydata-profiling's alert types and Deepchecks' data-integrity checks so
 * a researcher who knows either recognises each one; every code is stable (diagnostics, tests and the panel key on
 * it) and every alert carries the numbers behind it.
 */
export type AlertCode =
  | 'duplicateRows'
  | 'constantColumn'
  | 'nearConstantColumn'
  | 'identifierColumn'
  | 'highCardinality'
  | 'highMissing'
  | 'missingPredictsLabel'
  | 'imbalance'
  | 'skewed'
  | 'manyZeros'
  | 'highCorrelation'
  | 'identicalColumns'
  | 'labelLeak'
  | 'conflictingLabels'
  | 'labelSuspiciousClass'
  | 'rareCategories'
  | 'categoryVariants';

export type AlertSeverity = 'info' | 'warning' | 'error';

export interface Alert {
  readonly code: AlertCode;
  readonly severity: AlertSeverity;
  /** One line a researcher reads. */
  readonly message: string;
  /** The columns it is about (features or the label), by name; empty for whole-table alerts. */
  readonly columns: string[];
  /** The numbers behind it (counts, shares, statistics), for hovers and the JSON. */
  readonly evidence: Readonly<Record<string, number | string | boolean | null>>;
}

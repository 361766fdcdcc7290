/**
 * Inputs of the learnability models (base rate, regularised linear, histogram gradient boosting). Columns arrive
 * already typed and coded by the caller; these modules never parse or infer types themselves.
 */
export type Task = 'binary' | 'multiclass' | 'regression';

export interface ModelFeature {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  /** NaN = missing. Categorical: integer codes 0..levels-1 stored as floats. */
  readonly values: Float32Array;
  /** Categorical only: number of levels. */
  readonly levels?: number;
}

export interface ModelTarget {
  readonly task: Task;
  /** Class code 0..classes-1 (classification) or the value (regression); NaN = missing: the row is not used. */
  readonly values: Float64Array;
  /** Number of classes (0 for regression). */
  readonly classes: number;
}

export interface ModelInput {
  readonly rows: number;
  readonly features: readonly ModelFeature[];
  readonly target: ModelTarget;
}

export interface Baseline {
  readonly model: string;
  readonly metric: 'accuracy' | 'r2';
  readonly value: number;
  readonly ci95: [number, number];
  readonly validation: string;
}

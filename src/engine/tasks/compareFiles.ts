/**
 * The compare use case: read two tables and say whether they come from the same distribution (compareDatasets).
 * The CLI's `compare`, the worker's compare job and Predict Labels all call this.
 */
import type { CancelSignal } from '../cancel';
import type { ColumnType } from '../dataset';
import { compareDatasets } from '../compare/compare';
import type { CompareReport } from '../compare/compare';
import { loadDataset } from '../io/load';
import type { TaskRunner } from '../parallel/runner';
import { DEFAULT_SEED } from '../random';

export type CompareStage = 'load' | 'features' | 'classifier';

export interface CompareFilesOptions {
  readonly seed?: number;
  /** Run the classifier two-sample test (default true). */
  readonly classifier?: boolean;
  /** Column types set by the user, applied to both tables. */
  readonly columnTypes?: Readonly<Record<string, ColumnType>>;
  readonly runner?: TaskRunner;
  readonly signal?: CancelSignal;
  readonly onProgress?: (stage: CompareStage, fraction: number, message: string) => void;
}

export async function compareFiles(pathA: string, pathB: string, options: CompareFilesOptions = {}): Promise<CompareReport> {
  const started = performance.now();
  options.onProgress?.('load', 0, `Reading ${pathA}`);
  const a = await loadDataset(pathA, { signal: options.signal, columnTypes: options.columnTypes });
  options.onProgress?.('load', 0.5, `Reading ${pathB}`);
  const b = await loadDataset(pathB, { signal: options.signal, columnTypes: options.columnTypes });
  options.signal?.throwIfAborted();
  return compareDatasets(
    a,
    b,
    { seed: options.seed ?? DEFAULT_SEED, classifier: options.classifier, runner: options.runner, signal: options.signal, onProgress: options.onProgress },
    performance.now() - started,
  );
}

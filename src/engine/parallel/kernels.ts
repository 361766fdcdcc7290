/**
 * The engine's parallel kernels by name: what a pool thread may be asked to run. Each kernel is a pure function of
 * its batch context and one task, defined beside the analysis it serves; this table only names them, so that a task
 * crossing a thread boundary is a kind and plain data (typed arrays, on a SharedArrayBuffer when big).
 */
import type { CancelSignal } from '../cancel';
import { leakScoreKernel } from '../alerts/leak';
import { rowHashKernel } from '../alerts/rowHash';
import type { RowHashContext, RowHashTask } from '../alerts/rowHash';
import type { LeakContext, LeakScore, LeakTask } from '../alerts/leak';
import { marginalKernel } from '../relevance/marginal';
import type { MarginalContext, MarginalTask } from '../relevance/marginal';
import type { RawMarginal } from '../relevance/relevance';
import { coMomentRow } from '../stats/mergeableMoments';
import type { CoMomentContext } from '../stats/mergeableMoments';
import { columnPassKernel, correlationRowKernel } from '../stats/correlation';
import type { ColumnPass, CorrelationContext, CorrelationRowTask, KnownColumn } from '../stats/correlation';
import { crossSumsKernel } from '../stats/crossSums';
import type { CrossSumsContext, CrossSumsTask } from '../stats/crossSums';
import { profileKernel } from '../stats/profile';
import type { ProfileContext, ProfileTask, RankedProfile } from '../stats/profile';
import { binariseKernel } from '../sparsity/binarised';
import type { BinariseContext, BinariseTask } from '../sparsity/binarised';
import { screenPairsKernel } from '../sparsity/screen';
import type { ScreenPairsContext, ScreenPairsTask } from '../sparsity/screen';
import { l1PassKernel } from '../sparsity/l1Passes';
import type { L1PassContext, L1PassTask } from '../sparsity/l1Passes';
import { termColumnsKernel, termDotsKernel } from '../sparsity/spaces';
import type { TermColumnsContext, TermColumnsTask, TermDotsContext, TermDotsTask } from '../sparsity/spaces';
import { binFeatureKernel } from '../models/binning';
import type { BinContext, BinResult, BinTask } from '../models/binning';
import { csvSegmentKernel } from '../io/csvParallel';
import type { CsvSegmentContext, CsvSegmentParse, CsvSegmentScan, CsvSegmentTask } from '../io/csvParallel';
import { numberProfileKernel } from '../io/numericColumns';
import type { NumberProfileContext, NumericProfile } from '../io/numericColumns';
import { parquetChunkKernel } from '../io/parquetChunks';
import type { ParquetChunkContext, ParquetChunkResult, ParquetChunkTask } from '../io/parquetChunks';
import { oracleKernel } from '../hypothesis/conjecture';
import type { OracleContext, OracleModel, OracleTask } from '../hypothesis/conjecture';
import { runFoldTask } from './foldTasks';
import type { FoldContext, FoldResult, FoldTask } from './foldTasks';

export interface KernelMap {
  /** One fold of a baseline model, possibly with features left out (foldTasks.ts). */
  readonly fold: { readonly context: FoldContext; readonly task: FoldTask; readonly result: FoldResult };
  /** One segment of a big CSV: its rows counted, or parsed into the table's shared columns (io/csvParallel.ts). */
  readonly csvSegment: { readonly context: CsvSegmentContext; readonly task: CsvSegmentTask; readonly result: CsvSegmentScan | CsvSegmentParse };
  /** One column chunk of a Parquet file's numeric column, decoded into the table's shared column (io/parquetChunks.ts). */
  readonly parquetChunk: { readonly context: ParquetChunkContext; readonly task: ParquetChunkTask; readonly result: ParquetChunkResult };
  /** The XOR conjecture's single-product logistic model over the relevant features (hypothesis/conjecture.ts). */
  readonly oracle: { readonly context: OracleContext; readonly task: OracleTask; readonly result: OracleModel };
  /** One parsed column's number profile for typing (io/numericColumns.ts). */
  readonly numberProfile: { readonly context: NumberProfileContext; readonly task: { readonly column: number }; readonly result: NumericProfile };
  /** One chunk's co-moment sums of column a with every b ≥ a, for a streamed file (stats/mergeableMoments.ts). */
  readonly coMomentRow: { readonly context: CoMomentContext; readonly task: { readonly a: number }; readonly result: Float64Array };
  /** One feature's histogram bins for gradient boosting, written into shared memory (models/binning.ts). */
  readonly binFeature: { readonly context: BinContext; readonly task: BinTask; readonly result: BinResult };
  /** One feature's statistics, histogram, peaks and shape, with a two-class label's rank sums when asked (stats/profile.ts). */
  readonly profile: { readonly context: ProfileContext; readonly task: ProfileTask; readonly result: RankedProfile };
  /** One column's mean, flags and centred squares for the correlation matrix (stats/correlation.ts). */
  readonly columnPass: { readonly context: { readonly columns: readonly (Float32Array | Float64Array)[]; readonly known?: readonly (KnownColumn | null)[] }; readonly task: { readonly column: number }; readonly result: ColumnPass };
  /** One block of rows' cross sums of the correlation matrix's complete columns (stats/crossSums.ts). */
  readonly crossSums: { readonly context: CrossSumsContext; readonly task: CrossSumsTask; readonly result: Float64Array };
  /** The pairwise-deletion pairs of one row of the correlation matrix: feature a with b ≥ a (stats/correlation.ts). */
  readonly correlationRow: { readonly context: CorrelationContext; readonly task: CorrelationRowTask; readonly result: Float64Array };
  /** One continuous feature's marginal test against the label (relevance/marginal.ts). */
  readonly marginal: { readonly context: MarginalContext; readonly task: MarginalTask; readonly result: RawMarginal | null };
  /** A block of rows hashed for the duplicate-row check, written in place (alerts/rowHash.ts). */
  readonly rowHash: { readonly context: RowHashContext; readonly task: RowHashTask; readonly result: number };
  /** One continuous feature's label-leak score (alerts/leak.ts). */
  readonly leakScore: { readonly context: LeakContext; readonly task: LeakTask; readonly result: LeakScore | null };
  /** One feature binarised and standardised for the L1 analysis, written into shared memory (sparsity/binarised.ts). */
  readonly binarise: { readonly context: BinariseContext; readonly task: BinariseTask; readonly result: Float64Array };
  /** Feature a's pairs in the low-order screen: Σx² and Σx·target per pair (sparsity/screen.ts). */
  readonly screenPairs: { readonly context: ScreenPairsContext; readonly task: ScreenPairsTask; readonly result: Float64Array };
  /** One kept term column of a listed-term store, written into shared memory (sparsity/spaces.ts). */
  readonly termColumns: { readonly context: TermColumnsContext; readonly task: TermColumnsTask; readonly result: number };
  /** A block of a listed-term gradient: the terms' dot products with the residual (sparsity/spaces.ts). */
  readonly termDots: { readonly context: TermDotsContext; readonly task: TermDotsTask; readonly result: Float64Array };
  /** One pass of a big L1 logistic fit's exact sweep: a sum, or a slice of an update (sparsity/l1Passes.ts). */
  readonly l1Pass: { readonly context: L1PassContext; readonly task: L1PassTask; readonly result: number };
}

export type KernelKind = keyof KernelMap;
export type KernelContext<K extends KernelKind> = KernelMap[K]['context'];
export type KernelTask<K extends KernelKind> = KernelMap[K]['task'];
export type KernelResult<K extends KernelKind> = KernelMap[K]['result'];

export const KERNEL_KINDS: readonly KernelKind[] = ['fold', 'csvSegment', 'parquetChunk', 'coMomentRow', 'binFeature', 'profile', 'correlationRow', 'crossSums', 'marginal', 'leakScore', 'binarise', 'screenPairs', 'termColumns', 'termDots', 'oracle', 'numberProfile', 'columnPass', 'rowHash', 'l1Pass'];

type Kernels = { readonly [K in KernelKind]: (context: KernelContext<K>, task: KernelTask<K>, signal?: CancelSignal) => KernelResult<K> };

const KERNELS: Kernels = {
  fold: runFoldTask,
  csvSegment: csvSegmentKernel,
  parquetChunk: parquetChunkKernel,
  coMomentRow,
  binFeature: (context, task) => binFeatureKernel(context, task),
  profile: profileKernel,
  correlationRow: correlationRowKernel,
  crossSums: crossSumsKernel,
  marginal: marginalKernel,
  leakScore: leakScoreKernel,
  binarise: binariseKernel,
  screenPairs: screenPairsKernel,
  termColumns: termColumnsKernel,
  termDots: termDotsKernel,
  oracle: oracleKernel,
  numberProfile: numberProfileKernel,
  columnPass: columnPassKernel,
  rowHash: rowHashKernel,
  l1Pass: l1PassKernel,
};

export function runKernel<K extends KernelKind>(kind: K, context: KernelContext<K>, task: KernelTask<K>, signal?: CancelSignal): KernelResult<K> {
  return (KERNELS[kind] as (c: KernelContext<K>, t: KernelTask<K>, s?: CancelSignal) => KernelResult<K>)(context, task, signal);
}

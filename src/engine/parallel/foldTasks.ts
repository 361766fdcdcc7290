/**
 * Model fits as independent tasks, so that a pool of threads can run them: one fold of one model, with some features
 * left out. A task's result depends only on the task and its context — never on which thread ran it or in what
 * order — so a report is the same whatever the thread count (unit-tested: one thread against two).
 */
import type { CancelSignal } from '../cancel';
import { matrixRows } from '../models/binning';
import type { BinnedMatrix } from '../models/binning';
import { fitGbdt, predictGbdt, predictGbdtSwapped } from '../models/gbdt';
import type { GbdtModel } from '../models/gbdt';
import { fitLinear, predictLinear, predictLinearSwapped } from '../models/linear';
import type { ModelFeature, ModelTarget } from '../models/types';
import { createRng } from '../random';

/** What every task of one batch shares: sent to each thread once per batch. */
export interface FoldContext {
  readonly target: ModelTarget;
  readonly folds: readonly { readonly train: Uint32Array; readonly test: Uint32Array }[];
  /** Per fold, for the boosted trees (bins from that fold's training rows). */
  readonly binnedFolds: readonly BinnedMatrix[];
  /** For the linear model. */
  readonly features: readonly ModelFeature[];
  /** Fold f of the trees draws its early-stopping rows from createRng(seed + f). */
  readonly seed: number;
  /** Per fold: the conditional permutation tests that tasks with `permute` predict as well. */
  readonly permutations?: readonly FoldPermutations[];
  /** Per fold: trees fitted by an earlier batch (FoldResult.model), for tasks with `reuse`. */
  readonly fitted?: readonly (GbdtModel | null)[];
}

/**
 * One fold's conditional permutation tests: the test rows they are scored on (`positions` into the fold's test rows,
 * a seeded sample on big folds) and per test a feature and, for each of those positions, the row whose value of the
 * feature it takes (always one of the scored rows).
 */
export interface FoldPermutations {
  readonly positions: Uint32Array;
  readonly swaps: readonly { readonly feature: number; readonly from: Uint32Array }[];
}

export interface FoldTask {
  readonly model: 'gbdt' | 'linear';
  readonly fold: number;
  /** Features left out (drop-column refits); empty for the full model. */
  readonly exclude: readonly number[];
  /** Also predict with each of the fold's permutations (context.permutations). */
  readonly permute?: boolean;
  /** Trees: return the fitted model (FoldResult.model), so that a later batch can predict with it. */
  readonly keepModel?: boolean;
  /**
   * Trees: fit nothing — predict the fold's permutations with context.fitted[fold]. Only `permuted` is filled
   * (`predictions` is empty): the permutation tests a later stage needs, for the features it needs.
   */
  readonly reuse?: boolean;
}

export interface FoldResult {
  /** test.length × width predictions, in the order of the fold's test rows. */
  readonly predictions: Float64Array;
  /** Trees only: splits and gain per feature. */
  readonly splitCount: Uint32Array | null;
  readonly splitGain: Float64Array | null;
  /** With `permute`: per swap of the fold, predictions for its positions (positions.length × width). */
  readonly permuted: Float64Array[] | null;
  /** With `keepModel`: the fitted trees. */
  readonly model?: GbdtModel | null;
}

export function runFoldTask(context: FoldContext, task: FoldTask, signal?: CancelSignal): FoldResult {
  const fold = context.folds[task.fold];
  const exclude = task.exclude.length > 0 ? new Set(task.exclude) : undefined;
  const permutations = task.permute ? context.permutations?.[task.fold] : undefined;
  if (task.model === 'gbdt') {
    const binned = context.binnedFolds[task.fold];
    // A matrix of some rows only (a sampled plan's): rows become its positions, the target its rows' values.
    const at = (rows: Uint32Array): Uint32Array => matrixRows(binned, rows);
    const swapsAt = (p: FoldPermutations): FoldPermutations['swaps'] => (binned.mapped ? p.swaps.map((swap) => ({ feature: swap.feature, from: at(swap.from) })) : p.swaps);
    if (task.reuse) {
      const model = context.fitted?.[task.fold];
      if (!model || !permutations) throw new RangeError(`fold ${task.fold}: a reuse task needs the fold's fitted trees and permutations`);
      const permuted = predictGbdtSwapped(model, binned, at(scoredRows(fold.test, permutations)), swapsAt(permutations)).swapped;
      return { predictions: new Float64Array(0), splitCount: model.splitCount, splitGain: model.splitGain, permuted };
    }
    const model = fitGbdt(binned, targetOn(binned, context.target), at(fold.train), { rng: createRng(context.seed + task.fold), excludeFeatures: exclude, signal });
    const predictions = predictGbdt(model, binned, at(fold.test));
    const permuted = permutations ? predictGbdtSwapped(model, binned, at(scoredRows(fold.test, permutations)), swapsAt(permutations)).swapped : null;
    return { predictions, splitCount: model.splitCount, splitGain: model.splitGain, permuted, ...(task.keepModel ? { model } : {}) };
  }
  const model = fitLinear(context.features, context.target, fold.train, { excludeFeatures: exclude, signal });
  const predictions = predictLinear(model, context.features, fold.test);
  const permuted = permutations ? predictLinearSwapped(model, context.features, scoredRows(fold.test, permutations), permutations.swaps).swapped : null;
  return { predictions, splitCount: null, splitGain: null, permuted };
}

/** The target over the matrix's rows: itself for a matrix of every row, else its mapped rows' values. */
function targetOn(binned: BinnedMatrix, target: ModelTarget): ModelTarget {
  const mapped = binned.mapped;
  if (!mapped) return target;
  const values = new Float64Array(mapped.length);
  for (let k = 0; k < mapped.length; k++) values[k] = target.values[mapped[k]];
  return { ...target, values };
}

function scoredRows(test: Uint32Array, permutations: FoldPermutations): Uint32Array {
  const positions = permutations.positions;
  const out = new Uint32Array(positions.length);
  for (let k = 0; k < positions.length; k++) out[k] = test[positions[k]];
  return out;
}

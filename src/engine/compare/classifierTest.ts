/**
 * The classifier two-sample test (Friedman 2003; Lopez-Paz & Oquab 2017): label A's rows 0 and B's rows 1, and ask
 * whether a model can tell them apart on rows it did not see. If A and B come from the same distribution, no model
 * can: its out-of-fold AUC is 0.5 up to sampling noise. One number for "same distribution?", sensitive to
 * differences in the joint distribution too (a correlation that changed while every margin stayed the same).
 *
 * The model is the baselines' histogram gradient boosting, fixed in advance (not the best of several, which would
 * bias the AUC up), validated as the baselines are (stratified 5-fold CV up to CV_MAX_ROWS rows, else a seeded
 * hold-out). The AUC of its out-of-fold scores comes with DeLong's interval; the folds' models differ, which the
 * interval ignores — the usual, slightly optimistic, practice for cross-validated AUC.
 */
import type { CancelSignal } from '../cancel';
import { computeBaselines } from '../models/baselines';
import type { ModelFeature, ModelInput } from '../models/types';
import type { TaskRunner } from '../parallel/runner';
import { createRng, permutation } from '../random';
import { aucDeLong } from '../stats/auc';
import type { CompareColumn } from './features';
import { iota } from '../typed';

/** Rows per side the classifier sees at most (a seeded sample beyond): the CV budget of the baselines, shared equally. */
export const C2ST_MAX_ROWS_PER_SIDE = 10_000;

export interface ClassifierTest {
  readonly model: string;
  readonly validation: string;
  /** Out-of-fold AUC of "is this row from B?"; 0.5: indistinguishable. */
  readonly auc: number;
  readonly ci95: [number, number];
  readonly se: number;
  /** One-sided p-value of AUC > 0.5. */
  readonly p: number;
  /** The linear model's out-of-fold AUC, for reference (the verdict uses the trees only). */
  readonly linearAuc: number | null;
  readonly rowsA: number;
  readonly rowsB: number;
  /** What was sampled, or null when every row was used. */
  readonly sampled: string | null;
  /** Features the trees split on most (share of the total split gain), the ones that tell A from B when it can. */
  readonly topFeatures: { readonly name: string; readonly gainShare: number }[];
  /** The classifier tells the tables apart: the interval lies above 0.5. */
  readonly differs: boolean;
}

export interface ClassifierTestOptions {
  readonly seed: number;
  readonly runner?: TaskRunner;
  readonly signal?: CancelSignal;
  readonly onProgress?: (fraction: number, message: string) => void;
}

/** `pairs`: the features both tables share, A's column and B's column. */
export function classifierTwoSampleTest(pairs: readonly (readonly [CompareColumn, CompareColumn])[], options: ClassifierTestOptions): ClassifierTest | { readonly skipped: string } {
  if (pairs.length === 0) return { skipped: 'the two tables share no feature' };
  const lengthA = pairs[0][0].values.length;
  const lengthB = pairs[0][1].values.length;
  if (lengthA < 10 || lengthB < 10) return { skipped: `too few rows to cross-validate (${lengthA} and ${lengthB}; at least 10 on each side)` };
  const rng = createRng(options.seed);
  const rowsA = sample(lengthA, rng);
  const rowsB = sample(lengthB, rng);
  const n = rowsA.length + rowsB.length;
  const features: ModelFeature[] = pairs.map(([a, b]) => {
    const values = new Float32Array(n);
    if (a.type === 'categorical' && a.categories && b.categories) {
      // One code per level name over both files.
      const levels = [...new Set([...a.categories.levels, ...b.categories.levels])];
      const index = new Map(levels.map((l, i) => [l, i]));
      const mapA = a.categories.levels.map((l) => index.get(l) ?? -1);
      const mapB = b.categories.levels.map((l) => index.get(l) ?? -1);
      rowsA.forEach((r, i) => (values[i] = code(a.categories!.codes[r], mapA)));
      rowsB.forEach((r, i) => (values[rowsA.length + i] = code(b.categories!.codes[r], mapB)));
      return { name: a.name, kind: 'categorical', values, levels: levels.length };
    }
    rowsA.forEach((r, i) => (values[i] = a.values[r]));
    rowsB.forEach((r, i) => (values[rowsA.length + i] = b.values[r]));
    return { name: a.name, kind: 'numeric', values };
  });
  const target = new Float64Array(n);
  target.fill(1, rowsA.length);
  const input: ModelInput = { rows: n, features, target: { task: 'binary', values: target, classes: 2 } };
  const result = computeBaselines(input, { seed: options.seed, runner: options.runner, signal: options.signal, onProgress: options.onProgress });
  const gbdt = result.predictions.find((p) => p.kind === 'gbdt');
  const linear = result.predictions.find((p) => p.kind === 'linear');
  if (!gbdt) return { skipped: result.note ?? 'the gradient-boosting model did not run' };
  const isB = Array.from(result.truth, (t) => t === 1);
  const scoreOf = (oof: Float64Array): Float64Array => Float64Array.from({ length: result.truth.length }, (_, i) => oof[i * 2 + 1]);
  const auc = aucDeLong(scoreOf(gbdt.outOfFold.predictions), isB);
  const linearAuc = linear ? aucDeLong(scoreOf(linear.outOfFold.predictions), isB).auc : null;
  let topFeatures: { name: string; gainShare: number }[] = [];
  if (result.gbdtUsage) {
    const total = result.gbdtUsage.gain.reduce((s, g) => s + g, 0);
    topFeatures = features
      .map((f, j) => ({ name: f.name, gainShare: total > 0 ? result.gbdtUsage!.gain[j] / total : 0 }))
      .filter((f) => f.gainShare > 0)
      .sort((x, y) => y.gainShare - x.gainShare)
      .slice(0, 5);
  }
  const sampledSides = [rowsA.length < lengthA ? `${rowsA.length.toLocaleString('en-US')} of A's ${lengthA.toLocaleString('en-US')} rows` : null, rowsB.length < lengthB ? `${rowsB.length.toLocaleString('en-US')} of B's ${lengthB.toLocaleString('en-US')} rows` : null].filter((s): s is string => s !== null);
  return {
    model: gbdt.model,
    validation: result.plan.description,
    auc: auc.auc,
    ci95: auc.ci95,
    se: auc.se,
    p: auc.pGreater,
    linearAuc,
    rowsA: rowsA.length,
    rowsB: rowsB.length,
    sampled: sampledSides.length ? `a seeded sample (seed ${options.seed}) of ${sampledSides.join(' and ')}` : null,
    topFeatures,
    differs: auc.ci95[0] > 0.5,
  };
}

function code(c: number, map: readonly number[]): number {
  return c >= 0 && c < map.length && map[c] >= 0 ? map[c] : NaN;
}

/** Every row when there are at most C2ST_MAX_ROWS_PER_SIDE, else a seeded sample of that many, in row order. */
function sample(rows: number, rng: ReturnType<typeof createRng>): Uint32Array {
  if (rows <= C2ST_MAX_ROWS_PER_SIDE) return iota(rows);
  return permutation(rows, rng).slice(0, C2ST_MAX_ROWS_PER_SIDE).sort();
}

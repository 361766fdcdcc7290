/**
 * The plan of the conditional permutation tests (Strobl et al. 2008; Debeer & Strobl 2020): per fold, which test rows
 * are scored and, per feature, which row's value each takes — shuffled within narrow strata of the feature's most
 * correlated partner. The baselines' fold fits predict these swaps (models/baselines.ts); analyseRelevance.ts turns the
 * predictions into tests.
 */
import type { FoldPlan } from '../models/crossValidation';
import { predictionWidth } from '../models/metrics';
import type { ModelInput } from '../models/types';
import type { FoldPermutations } from '../parallel/foldTasks';
import { createRng } from '../random';
import type { CorrelationMatrix } from '../stats/correlation';
import { argsortFloat32 } from '../stats/ranks';
import { missingRows } from '../typed';

/** Conditioning: a permutation test holds the feature's most correlated feature roughly fixed when |r| reaches this. */
export const PARTNER_MIN_CORRELATION = 0.3;
/**
 * Rows per stratum of the partner (its quantile groups within a fold's test rows). Narrow strata hold the partner
 * nearly fixed, so a near-copy of it barely moves when permuted and does not pass for needed (Debeer & Strobl 2020).
 */
export const PERMUTATION_STRATUM_ROWS = 40;

/** Per feature, the index of the feature it correlates with most (|r| ≥ PARTNER_MIN_CORRELATION), else null. */
export function closestPartners(names: readonly string[], correlation: CorrelationMatrix | undefined): (number | null)[] {
  if (!correlation) return names.map(() => null);
  const at = new Map(correlation.names.map((n, i) => [n, i]));
  const index = new Map(names.map((n, j) => [n, j]));
  return names.map((name) => {
    const a = at.get(name);
    if (a === undefined) return null;
    let best: number | null = null;
    let bestR = PARTNER_MIN_CORRELATION;
    correlation.names.forEach((other, b) => {
      const k = index.get(other);
      if (b === a || k === undefined) return;
      const r = correlation.matrix[a][b];
      if (r !== null && Math.abs(r) >= bestR) {
        bestR = Math.abs(r);
        best = k;
      }
    });
    return best;
  });
}

/**
 * Most out-of-fold rows the permutation tests score (a seeded sample of each fold beyond that), and most prediction
 * cells (rows × features × outputs) they hold at once.
 */
export const PERMUTATION_MAX_ROWS = 10_000;
export const PERMUTATION_MAX_CELLS = 4_000_000;

/**
 * For every fold, which test rows the conditional permutation tests score and, for every feature, which of those rows'
 * values each takes: a seeded permutation within strata of the feature's most correlated feature (Strobl et al. 2008;
 * Debeer & Strobl 2020: conditional permutation importance), or among all scored rows when nothing correlates.
 * Permuting within narrow strata keeps the feature tied to its partner, so a feature the partner can stand in for
 * changes little — it reads as replaceable, not needed.
 */
export function conditionalPermutations(input: ModelInput, plan: FoldPlan, partners: readonly (number | null)[], seed: number): FoldPermutations[] | null {
  const p = input.features.length;
  if (p === 0 || plan.folds.length === 0) return null;
  const width = predictionWidth(input.target.task, input.target.classes);
  const total = plan.folds.reduce((sum, fold) => sum + fold.test.length, 0);
  const limit = Math.min(PERMUTATION_MAX_ROWS, Math.floor(PERMUTATION_MAX_CELLS / (p * width)));
  const fraction = total > limit ? limit / total : 1;
  const rng = createRng(seed ^ 0x9e3779b9);
  return plan.folds.map((fold) => {
    const test = fold.test;
    let positions = Uint32Array.from({ length: test.length }, (_, i) => i);
    if (fraction < 1) {
      const keep = Math.max(1, Math.round(fraction * test.length));
      const shuffled = Array.from(positions);
      for (let a = 0; a < keep; a++) {
        const b = a + rng.int(shuffled.length - a);
        [shuffled[a], shuffled[b]] = [shuffled[b], shuffled[a]];
      }
      positions = Uint32Array.from(shuffled.slice(0, keep)).sort();
    }
    const m = positions.length;
    const strataOf = new Map<number | null, Uint32Array[]>();
    const strata = (partner: number | null): Uint32Array[] => {
      const known = strataOf.get(partner);
      if (known) return known;
      let groups: Uint32Array[];
      if (partner === null) groups = [Uint32Array.from({ length: m }, (_, i) => i)];
      else {
        // The rows by the partner's value, ties in row order (a stable argsort; −0 is 0), cut into equal-count strata
        // of about PERMUTATION_STRATUM_ROWS; the rows missing it form one stratum more.
        const values = input.features[partner].values;
        const gathered = new Float32Array(m);
        for (let i = 0; i < m; i++) gathered[i] = values[test[positions[i]]];
        const present = argsortFloat32(gathered).order;
        const count = Math.max(1, Math.floor(present.length / PERMUTATION_STRATUM_ROWS));
        groups = [];
        for (let g = 0, start = 0; g < count; g++) {
          // Rank r falls in stratum ⌊r·count / present⌋: the ranks of stratum g run up to ⌈(g + 1)·present / count⌉.
          const end = Math.ceil(((g + 1) * present.length) / count);
          groups.push(present.subarray(start, end));
          start = end;
        }
        if (present.length < m) groups.push(missingRows(gathered));
      }
      strataOf.set(partner, groups);
      return groups;
    };
    const swaps = input.features.map((_, j) => {
      const from = new Uint32Array(m);
      for (const members of strata(partners[j])) {
        // Fisher–Yates over the stratum's members, then each row takes the value of the row shuffled into its place.
        const shuffled = members.slice();
        for (let a = shuffled.length - 1; a > 0; a--) {
          const b = rng.int(a + 1);
          const t = shuffled[a];
          shuffled[a] = shuffled[b];
          shuffled[b] = t;
        }
        for (let k = 0; k < members.length; k++) from[members[k]] = test[positions[shuffled[k]]];
      }
      return { feature: j, from };
    });
    return { positions, swaps };
  });
}

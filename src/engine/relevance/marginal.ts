/**
 * Each feature alone against the label, with the test that fits their types (all rank- or count-based, so no
 * distribution is assumed), an effect size with its 95 % interval, and the test's power against a small effect:
 *
 *   feature \ label          classes (binary, multiclass)          number (regression)
 *   numeric                  Kruskal–Wallis H, ε²                  Spearman ρ
 *   categorical/binary/bool  χ² of the contingency table, V        Kruskal–Wallis H of the target by level, ε²
 *
 * Rows with the feature or the label missing are left out (pairwise-complete), as scipy's tests do after dropna.
 */
import type { CancelSignal } from '../cancel';
import type { Dataset } from '../dataset';
import type { TaskRunner } from '../parallel/runner';
import { sharedFloat32 } from '../typed';
import { chiSquareIndependence } from '../stats/chiSquare';
import { normalCdf } from '../stats/distributions';
import { kruskalWallis, kruskalWallisFromRanks } from '../stats/kruskalWallis';
import type { KruskalWallisResult } from '../stats/kruskalWallis';
import { chiSquarePower, cramersVBound, epsilonSquaredBound } from '../stats/noncentrality';
import type { FeatureProfile, TwoGroupRanks } from '../stats/profile';
import { spearman } from '../stats/spearman';
import type { RawMarginal } from './relevance';
import { REFERENCE_EFFECTS } from './relevance';

/** Fisher's z of Spearman's ρ has standard error √(1.06/(n − 3)) (Fieller, Hartley & Pearson 1957). */
const SPEARMAN_VARIANCE = 1.06;
const Z975 = 1.959963984540054;

/**
 * The tests of every feature. With a runner of several threads the continuous features' tests (a sort of a million
 * values each) are handed to its threads at once, and the returned function collects them and runs the others: the
 * threads test while the calling thread does other work. `signal` is checked before each feature: a test on 10⁵ rows
 * takes ~10 ms, so Cancel stops this within that. A feature whose profile's sort gave its rank sums against a two-class
 * label (`ranks`, stats/profile.ts: profileDatasetRanked) is tested from them, without a sort of its own: the same
 * numbers.
 */
export function startMarginalTests(
  dataset: Dataset,
  profiles: readonly FeatureProfile[],
  signal?: CancelSignal,
  runner?: TaskRunner,
  ranks?: readonly (TwoGroupRanks | null)[],
): () => (RawMarginal | null)[] {
  const label = dataset.label;
  if (!label) return () => profiles.map(() => null);
  const k = label.classes.length;
  const regression = label.task === 'regression' && label.target !== null && label.target !== undefined;
  const testable = (f: FeatureProfile): boolean => f.shape !== 'constant' && f.shape !== 'empty' && (regression || k >= 2);
  // Continuous features against the label need only their column: a kernel task each.
  const ranked = (j: number): TwoGroupRanks | null => (!regression && k === 2 ? (ranks?.[j] ?? null) : null);
  const continuous = profiles.filter((f) => testable(f) && f.type === 'numeric' && !ranked(f.index)).map((f) => f.index);
  let pending: (() => (RawMarginal | null)[]) | null = null;
  if (runner && runner.threads > 1 && continuous.length > 1) {
    const context: MarginalContext = {
      columns: dataset.columns.map((c, j) => (continuous.includes(j) ? sharedFloat32(c) : EMPTY)),
      labels: regression ? null : label.values,
      classes: k,
      target: regression ? (label.target as Float64Array) : null,
    };
    pending = runner.startKernel('marginal', context, continuous.map((feature) => ({ feature })), { signal, work: dataset.rows * continuous.length * MARGINAL_COST });
  }
  return () => {
    const byKernel = new Map<number, RawMarginal | null>();
    if (pending) {
      const results = pending();
      continuous.forEach((j, i) => byKernel.set(j, results[i]));
    }
    return profiles.map((f, j) => {
      signal?.throwIfAborted();
      if (!testable(f)) return null;
      if (byKernel.has(j)) return byKernel.get(j) ?? null;
      const sums = f.type === 'numeric' ? ranked(j) : null;
      if (sums) return kruskalWallisMarginal(kruskalWallisFromRanks(sums.sizes, sums.n, () => sums));
      const discrete = f.type !== 'numeric';
      if (regression) return discrete ? byGroups(label.target as Float64Array, codesOf(dataset, j, f)) : rankCorrelation(dataset.columns[j], label.target as Float64Array);
      return discrete ? contingency(codesOf(dataset, j, f), label.values, k) : byGroups(dataset.columns[j], { codes: label.values, k });
    });
  };
}

const EMPTY = new Float32Array(0);
/** A rank test costs about this many element operations per value (a radix sort's passes, the ranks, the sums). */
const MARGINAL_COST = 15;

/** What the marginal tests of one batch share (parallel/kernels.ts: `marginal`): the columns and the label. */
export interface MarginalContext {
  readonly columns: readonly Float32Array[];
  /** Class codes (−1: missing) for a class label, else null. */
  readonly labels: Int32Array | null;
  readonly classes: number;
  /** A numeric target, else null. */
  readonly target: Float64Array | null;
}

export interface MarginalTask {
  readonly feature: number;
}

/** A continuous feature against the label: Spearman for a number, Kruskal–Wallis across classes. */
export function marginalKernel(context: MarginalContext, task: MarginalTask): RawMarginal | null {
  const x = context.columns[task.feature];
  if (context.target) return rankCorrelation(x, context.target);
  return byGroups(x, { codes: context.labels as Int32Array, k: context.classes });
}

interface Codes {
  readonly codes: Int32Array;
  readonly k: number;
}

/** Level codes of a discrete feature: its categories, or its distinct values (binary numbers, few integer values). */
function codesOf(dataset: Dataset, j: number, f: FeatureProfile): Codes {
  const cats = dataset.categories[j];
  if (cats) return { codes: cats.codes, k: cats.levels.length };
  const col = dataset.columns[j];
  const values = f.values?.values ?? distinct(col);
  const index = new Map<number, number>(values.map((v, k) => [v, k]));
  const codes = new Int32Array(col.length);
  for (let i = 0; i < col.length; i++) codes[i] = col[i] === col[i] ? (index.get(col[i]) ?? -1) : -1;
  return { codes, k: values.length };
}

function distinct(col: Float32Array): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < col.length; i++) if (col[i] === col[i]) seen.add(col[i]);
  return [...seen].sort((a, b) => a - b);
}

function contingency(a: Codes, labels: Int32Array, k: number): RawMarginal | null {
  const r = chiSquareIndependence(a.codes, a.k, labels, k);
  if (!Number.isFinite(r.p) || !(r.df > 0)) return null;
  // V and its bounds are on the table without its empty rows and columns, as the df is.
  const minDim = Math.min(r.nonEmptyRows, r.nonEmptyCols);
  const bound = cramersVBound(r.statistic, r.df, r.n, minDim);
  const reference = REFERENCE_EFFECTS['chi-square'].value;
  return {
    test: 'chi-square',
    statistic: r.statistic,
    df: r.df,
    p: r.p,
    rows: r.n,
    effect: { name: "Cramér's V", estimate: bound.estimate, lower: bound.lower, upper: bound.upper },
    // Cohen (1988): λ = n·w², and w = V·√(min(r, c) − 1).
    power: chiSquarePower(r.df, r.n * reference * reference * (minDim - 1)),
  };
}

function byGroups(values: ArrayLike<number>, groups: Codes): RawMarginal | null {
  return kruskalWallisMarginal(kruskalWallis(values, groups.codes, groups.k));
}

function kruskalWallisMarginal(r: KruskalWallisResult): RawMarginal | null {
  if (!Number.isFinite(r.p)) return null;
  const bound = epsilonSquaredBound(r.statistic, r.df, r.n);
  const reference = REFERENCE_EFFECTS['kruskal-wallis'].value;
  return {
    test: 'kruskal-wallis',
    statistic: r.statistic,
    df: r.df,
    p: r.p,
    rows: r.n,
    effect: { name: 'ε²', estimate: bound.estimate, lower: bound.lower, upper: bound.upper },
    // On the scale of the bound above, E[ε²] = (df + λ)/(n − 1): the reference ε² is λ = ε²·(n − 1) − df.
    power: chiSquarePower(r.df, Math.max(0, reference * (r.n - 1) - r.df)),
  };
}

function rankCorrelation(x: Float32Array, y: Float64Array): RawMarginal | null {
  const r = spearman(x, y);
  if (!Number.isFinite(r.p) || r.n < 4) return null;
  const reference = REFERENCE_EFFECTS.spearman.value;
  const [lo, hi] = r.ci95;
  // The effect is |ρ|: its interval folds the interval of ρ at zero.
  const upper = Math.max(Math.abs(lo), Math.abs(hi));
  const lower = lo <= 0 && hi >= 0 ? 0 : Math.min(Math.abs(lo), Math.abs(hi));
  const se = Math.sqrt(SPEARMAN_VARIANCE / (r.n - 3));
  const shift = Math.atanh(reference) / se;
  return {
    test: 'spearman',
    statistic: r.rho,
    df: null,
    p: r.p,
    rows: r.n,
    effect: { name: '|Spearman ρ|', estimate: Math.abs(r.rho), lower, upper },
    power: normalCdf(shift - Z975) + normalCdf(-shift - Z975),
  };
}

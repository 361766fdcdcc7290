/**
 * A feature's profile: everything the statistics say about one column, before any label-aware analysis. The later
 * analyses (sparsity, relevance, hypotheses) take these narrow profiles, never the report's output types.
 */
import type { CancelSignal } from '../cancel';
import type { Categories, Dataset, FeatureType } from '../dataset';
import { summariseCategories } from './categorical';
import type { CategoricalSummary } from './categorical';
import { sortedWithTwoGroupRanks } from './ranks';
import type { SortedTwoGroupRanks } from './ranks';
import { describeFeature } from './shape';
import { summaryWithoutMoments } from './summary';
import type { TaskRunner } from '../parallel/runner';
import { sharedFloat32 } from '../typed';
import type { Histogram, ModeStructure, ShapeClass, ShapeEvidence, Summary, ValueCounts } from './types';

export interface FeatureProfile {
  /** 0-based position among the features (the label is not a feature). */
  readonly index: number;
  readonly name: string;
  readonly type: FeatureType;
  readonly typeEvidence: string;
  /** The column a derived feature was computed from (a date's year), else absent. */
  readonly derivedFrom?: string;
  readonly stats: Summary;
  readonly histogram: Histogram;
  /** Exact value counts for discrete features, else null. */
  readonly values: ValueCounts | null;
  readonly modes: ModeStructure;
  readonly shape: ShapeClass;
  /** 0..1. */
  readonly shapeConfidence: number;
  readonly shapeEvidence: ShapeEvidence;
  /** Categorical and boolean features: every level with its count, entropy, rare levels, likely misspellings. */
  readonly categories: CategoricalSummary | null;
}

export interface ProfileInput {
  readonly index: number;
  readonly name: string;
  readonly type: FeatureType;
  readonly typeEvidence: string;
  readonly derivedFrom: string | null;
  readonly values: Float32Array;
  readonly categories: Categories | null;
}

/** Text levels have no numeric meaning: their profile is the level counts, not moments of arbitrary codes. */
function isTextCategorical(type: FeatureType, categories: Categories | null): boolean {
  return type === 'categorical' && categories !== null && !categories.levels.every((l) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(l));
}

export function profileFeature(input: ProfileInput): FeatureProfile {
  return profileFeatureRanked(input, null).profile;
}

/** A two-class label's Kruskal–Wallis rank sums of a numeric feature, from its profile's sort (ranks.ts). */
export type TwoGroupRanks = Omit<SortedTwoGroupRanks, 'sorted'>;

/** A profile, and the rank sums its sort gave when they were asked for and could be had (else null). */
export interface RankedProfile {
  readonly profile: FeatureProfile;
  readonly ranks: TwoGroupRanks | null;
}

/**
 * profileFeature, and for a numeric feature with `twoClassCodes` (a two-class label's codes) the rank sums of the
 * label's marginal test from the same sort: the profile is the same either way.
 */
export function profileFeatureRanked(input: ProfileInput, twoClassCodes: Int32Array | null): RankedProfile {
  const cats = input.categories;
  // Only the level summaries need the missing count here (the numeric summary has it from its sort).
  const missing = cats ? countMissing(input.values) : 0;
  const categories = cats ? summariseCategories(cats.levels, cats.counts, missing) : null;
  const base = {
    index: input.index,
    name: input.name,
    type: input.type,
    typeEvidence: input.typeEvidence,
    ...(input.derivedFrom !== null ? { derivedFrom: input.derivedFrom } : {}),
    categories,
  };
  if (isTextCategorical(input.type, cats) && cats && categories) return { profile: { ...base, ...levelProfile(cats, categories, missing) }, ranks: null };
  const shared = twoClassCodes && input.type === 'numeric' ? sortedWithTwoGroupRanks(input.values, twoClassCodes) : null;
  // shared.sorted may lie in the sorter's memory: describeFeature reads it, and what it returns is its own.
  const d = describeFeature(input.values, shared?.sorted);
  const ranks: TwoGroupRanks | null = shared ? { rankSums: shared.rankSums, tieSum: shared.tieSum, sizes: shared.sizes, n: shared.n } : null;
  const profile: FeatureProfile = {
    ...base,
    stats: d.summary,
    histogram: d.histogram,
    values: d.values,
    modes: d.modes,
    shape: d.shape.shape,
    shapeConfidence: d.shape.confidence,
    shapeEvidence: d.shape.evidence,
  };
  return { profile, ranks };
}

type LevelProfile = Pick<FeatureProfile, 'stats' | 'histogram' | 'values' | 'modes' | 'shape' | 'shapeConfidence' | 'shapeEvidence'>;

function levelProfile(cats: Categories, summary: CategoricalSummary, missing: number): LevelProfile {
  const k = cats.levels.length;
  const count = summary.count;
  const edges = Array.from({ length: k + 1 }, (_, i) => i - 0.5);
  const counts = [...cats.counts];
  const shape: ShapeClass = summary.cardinality === 0 ? 'empty' : summary.cardinality === 1 ? 'constant' : summary.cardinality === 2 ? 'binary' : 'categorical';
  const reasons =
    summary.cardinality === 0
      ? ['no values: every cell is missing']
      : [`${summary.cardinality} text level${summary.cardinality === 1 ? '' : 's'}; the most common is ${JSON.stringify(summary.mode)} (${(100 * summary.modeShare).toFixed(1)} %)`];
  return {
    stats: summaryWithoutMoments(count, missing, summary.cardinality),
    histogram: { edges, counts, pmf: counts.map((c) => (count > 0 ? c / count : 0)), rule: 'one bar per level (codes in order of first appearance)' },
    values: { values: cats.levels.map((_, i) => i), counts },
    modes: { peaks: [], separation: null, clustered: false, bandwidth: 0 },
    shape,
    shapeConfidence: 1,
    shapeEvidence: { reasons },
  };
}

function countMissing(values: Float32Array): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) m++;
  return m;
}

/** What every profile task of one batch shares: the feature columns (on a SharedArrayBuffer for a pool's threads). */
export interface ProfileContext {
  readonly columns: readonly Float32Array[];
  /** A two-class label's codes when the numeric features' rank sums are wanted too, else null. */
  readonly twoClassCodes: Int32Array | null;
}

/** One feature to profile: its ProfileInput without the values (context.columns[index]) and without level codes. */
export type ProfileTask = Omit<ProfileInput, 'values'>;

/** The `profile` kernel (parallel/kernels.ts): one feature's profile, whichever thread runs it. */
export function profileKernel(context: ProfileContext, task: ProfileTask): RankedProfile {
  return profileFeatureRanked({ ...task, values: context.columns[task.index] }, context.twoClassCodes);
}

/**
 * Profiles of every feature of a dataset (statistics, histograms, peaks, shapes): what bin() and completions need.
 * With a runner of several threads the features are profiled side by side; each profile is the same wherever it ran.
 */
export function profileDataset(dataset: Dataset, signal?: CancelSignal, onFeature?: (j: number) => void, runner?: TaskRunner): FeatureProfile[] {
  return profileDatasetRanked(dataset, false, signal, onFeature, runner).profiles;
}

/**
 * profileDataset, and with `withRanks` and a two-class label the numeric features' rank sums for the label's
 * marginal tests (relevance/marginal.ts), from the profiles' own sorts: one sort per feature instead of two.
 */
export function profileDatasetRanked(
  dataset: Dataset,
  withRanks: boolean,
  signal?: CancelSignal,
  onFeature?: (j: number) => void,
  runner?: TaskRunner,
): { readonly profiles: FeatureProfile[]; readonly ranks: (TwoGroupRanks | null)[] } {
  const p = dataset.columns.length;
  const label = dataset.label;
  const twoClassCodes = withRanks && label && label.task !== 'regression' && label.classes.length === 2 ? label.values : null;
  const split = (results: readonly RankedProfile[]): { profiles: FeatureProfile[]; ranks: (TwoGroupRanks | null)[] } => ({
    profiles: results.map((r) => r.profile),
    ranks: results.map((r) => r.ranks),
  });
  if (runner && runner.threads > 1 && p > 1) {
    // Level codes are not read by a profile (levels and counts are): the tasks stay small.
    const tasks: ProfileTask[] = dataset.columns.map((_, j) => {
      const cats = dataset.categories[j];
      return {
        index: j,
        name: dataset.names[j],
        type: dataset.types[j],
        typeEvidence: dataset.typeEvidence[j],
        derivedFrom: dataset.derivedFrom[j],
        categories: cats ? { levels: cats.levels, counts: cats.counts, codes: new Int32Array(0) } : null,
      };
    });
    const columns = dataset.columns.map(sharedFloat32);
    return split(runner.runKernel('profile', { columns, twoClassCodes }, tasks, { signal, onDone: (k) => onFeature?.(k - 1), work: dataset.rows * p * PROFILE_COST }));
  }
  const results: RankedProfile[] = [];
  for (let j = 0; j < p; j++) {
    signal?.throwIfAborted();
    onFeature?.(j);
    results.push(
      profileFeatureRanked(
        {
          index: j,
          name: dataset.names[j],
          type: dataset.types[j],
          typeEvidence: dataset.typeEvidence[j],
          derivedFrom: dataset.derivedFrom[j],
          values: dataset.columns[j],
          categories: dataset.categories[j],
        },
        twoClassCodes,
      ),
    );
  }
  return split(results);
}

/** A profile costs about this many element operations per value (sorts, histograms, the density estimate). */
const PROFILE_COST = 20;

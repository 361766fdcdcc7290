/**
 * A feature's profile: everything the statistics say about one column, before any label-aware analysis. The later
 * analyses (sparsity, relevance, hypotheses) take these narrow profiles, never the report's output types.
 */
import type { CancelSignal } from '../cancel';
import type { Categories, Dataset, FeatureType } from '../dataset';
import { summariseCategories } from './categorical';
import type { CategoricalSummary } from './categorical';
import { describeFeature } from './shape';
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
  const cats = input.categories;
  const missing = countMissing(input.values);
  const categories = cats ? summariseCategories(cats.levels, cats.counts, missing) : null;
  const base = {
    index: input.index,
    name: input.name,
    type: input.type,
    typeEvidence: input.typeEvidence,
    ...(input.derivedFrom !== null ? { derivedFrom: input.derivedFrom } : {}),
    categories,
  };
  if (isTextCategorical(input.type, cats) && cats && categories) return { ...base, ...levelProfile(cats, categories, missing) };
  const d = describeFeature(input.values);
  return {
    ...base,
    stats: d.summary,
    histogram: d.histogram,
    values: d.values,
    modes: d.modes,
    shape: d.shape.shape,
    shapeConfidence: d.shape.confidence,
    shapeEvidence: d.shape.evidence,
  };
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
    stats: {
      count,
      missing,
      mean: null,
      sd: null,
      min: null,
      max: null,
      quantiles: null,
      skewness: null,
      kurtosis: null,
      distinct: summary.cardinality,
      integer: false,
    },
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
}

/** One feature to profile: its ProfileInput without the values (context.columns[index]) and without level codes. */
export type ProfileTask = Omit<ProfileInput, 'values'>;

/** The `profile` kernel (parallel/kernels.ts): one feature's profile, whichever thread runs it. */
export function profileKernel(context: ProfileContext, task: ProfileTask): FeatureProfile {
  return profileFeature({ ...task, values: context.columns[task.index] });
}

/**
 * Profiles of every feature of a dataset (statistics, histograms, peaks, shapes): what bin() and completions need.
 * With a runner of several threads the features are profiled side by side; each profile is the same wherever it ran.
 */
export function profileDataset(dataset: Dataset, signal?: CancelSignal, onFeature?: (j: number) => void, runner?: TaskRunner): FeatureProfile[] {
  const p = dataset.columns.length;
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
    return runner.runKernel('profile', { columns }, tasks, { signal, onDone: (k) => onFeature?.(k - 1), work: dataset.rows * p * PROFILE_COST });
  }
  const profiles: FeatureProfile[] = [];
  for (let j = 0; j < p; j++) {
    signal?.throwIfAborted();
    onFeature?.(j);
    profiles.push(
      profileFeature({
        index: j,
        name: dataset.names[j],
        type: dataset.types[j],
        typeEvidence: dataset.typeEvidence[j],
        derivedFrom: dataset.derivedFrom[j],
        values: dataset.columns[j],
        categories: dataset.categories[j],
      }),
    );
  }
  return profiles;
}

/** A profile costs about this many element operations per value (sorts, histograms, the density estimate). */
const PROFILE_COST = 20;

/** Result types of the stats modules; the report embeds them unchanged. */

export interface Summary {
  /** Non-missing values. */
  readonly count: number;
  readonly missing: number;
  readonly mean: number | null;
  /** Sample standard deviation (n − 1). */
  readonly sd: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** Quantiles at QUANTILE_PROBS (linear interpolation, type 7 — numpy's and pandas' default). */
  readonly quantiles: Readonly<Record<'p01' | 'p05' | 'p25' | 'p50' | 'p75' | 'p95' | 'p99', number>> | null;
  /** Adjusted Fisher–Pearson skewness (pandas' skew()). */
  readonly skewness: number | null;
  /** Excess kurtosis, bias-adjusted (pandas' kurt()). */
  readonly kurtosis: number | null;
  readonly distinct: number;
  /** True when every non-missing value is an integer. */
  readonly integer: boolean;
}

export interface Histogram {
  /** Bin edges, length bins + 1; equal width. */
  readonly edges: number[];
  readonly counts: number[];
  /** counts / total: a probability mass function over the bins, what the charts draw. */
  readonly pmf: number[];
  /** How the bin count was chosen (e.g. "Freedman–Diaconis, capped at 120"). */
  readonly rule: string;
}

/** For discrete columns (few distinct values) the exact value counts. */
export interface ValueCounts {
  readonly values: number[];
  readonly counts: number[];
}

export interface Peak {
  /** Centre of the cluster of values around this peak (its median). */
  readonly location: number;
  /** Fraction of non-missing values assigned to this peak. */
  readonly weight: number;
  /** Robust spread of the values around it (MAD × 1.4826). */
  readonly spread: number;
  /** Boundaries of the values assigned to it. */
  readonly from: number;
  readonly to: number;
}

export interface ModeStructure {
  readonly peaks: Peak[];
  /** Smallest Ashman's D between adjacent peaks (D > 2: clean separation); null for one peak. */
  readonly separation: number | null;
  /** True when the values cluster around two or more well-separated peaks. */
  readonly clustered: boolean;
  /** Kernel bandwidth used for the density estimate. */
  readonly bandwidth: number;
  /** Significant peaks that were merged because they were not cleanly separated (why a column is not clustered). */
  readonly rejected?: readonly RejectedSplit[];
  /** Largest dip z among the density wiggles dismissed as counting noise; absent when there was only one. */
  readonly noiseDipZ?: number;
  /** The z a dip had to reach to count as real (Bonferroni over the candidate dips, at least 3). */
  readonly dipZCritical?: number;
}

/** Two significant peaks that failed a separation test and were merged into one. */
export interface RejectedSplit {
  /** Where the boundary between them was (the density minimum). */
  readonly at: number;
  readonly ashmanD: number;
  /** Density at the valley divided by the density of the lower peak. */
  readonly valleyRatio: number;
  /** Share of the values in the smaller of the two clusters. */
  readonly minorShare: number;
  /** The test that failed by the widest margin. */
  readonly reason: 'ashman' | 'valley' | 'share';
  /** That test's statistic as a fraction of its threshold (< 1: failed; 1: on the threshold). */
  readonly strength: number;
}

export type ShapeClass = 'burst' | 'gaussian' | 'spread' | 'constant' | 'binary' | 'categorical' | 'continuous' | 'empty';

export interface ShapeEvidence {
  /** Human-readable reasons, most important first. */
  readonly reasons: string[];
  /** For clustered features: mean log-likelihood per value of each residual family. */
  readonly logLikelihood?: Readonly<Record<'uniform' | 'normal' | 'laplace', number>>;
  /** Excess kurtosis of the residuals around the nearest peak (uniform −1.2, normal 0, Laplace 3). */
  readonly residualKurtosis?: number;
  /** Residual standard deviation divided by the distance between peaks. */
  readonly residualWidth?: number;
  /** Vuong's z between the best and the runner-up family. */
  readonly vuongZ?: number;
  readonly runnerUp?: 'burst' | 'gaussian' | 'spread';
}

export interface ShapeResult {
  readonly shape: ShapeClass;
  /** 0..1: how sure the classification is (see evidence for the statistic behind it). */
  readonly confidence: number;
  readonly evidence: ShapeEvidence;
}

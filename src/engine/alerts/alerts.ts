/**
 * Data-quality checks over a described dataset: each finding is an Alert with a stable code and its numbers.
 * Thresholds follow ydata-profiling's defaults where it has one (high cardinality > 50 levels, zeros > 50 %,
 * highly correlated |r| ≥ 0.9) and say why where it does not.
 */
import type { CancelSignal } from '../cancel';
import type { Dataset } from '../dataset';
import { looksLikePlaceholder } from '../io/missing';

import { chiSquareIndependence } from '../stats/chiSquare';
import { kruskalWallis } from '../stats/kruskalWallis';
import { benjaminiHochberg } from '../stats/multiplicity';
import type { CorrelationMatrix } from '../stats/correlation';
import type { FeatureProfile } from '../stats/profile';
import type { Alert } from './types';
import { startRowHashes } from './rowHash';
import { rowAlerts } from './rows';
import { fmt, pct } from './format';
import type { TaskRunner } from '../parallel/runner';
import { sharedFloat32 } from '../typed';
import { binAccuracy, binR2, continuousLeakCheck, LEAK_BINS, leakScoreKernel, leakScreen, quantileCodes } from './leak';
import type { LeakContext, LeakScore, LeakTask } from './leak';

export interface AlertInput {
  readonly dataset: Dataset;
  readonly profiles: readonly FeatureProfile[];
  /** Pearson correlations of the features with an order (names may include the label; it is skipped). */
  readonly correlation: CorrelationMatrix;
  /** Threads for the per-feature leak checks (the same alerts whatever their number). */
  readonly runner?: TaskRunner;
  /** Checked between the checks and per feature of the leak check. */
  readonly signal?: CancelSignal;
  /** The row hashes, when the caller started them earlier (startRowHashes over the same columns). */
  readonly rowHashes?: () => Float64Array;
}

/** ydata-profiling: a categorical column with more than 50 distinct values is high-cardinality. */
export const HIGH_CARDINALITY = 50;
/** Missing in at least this share of rows. */
export const HIGH_MISSING_SHARE = 0.2;
/** One value in at least this share of the non-missing rows. */
export const NEAR_CONSTANT_SHARE = 0.99;
/** ydata-profiling's zeros alert: more than half the values are 0. */
export const MANY_ZEROS_SHARE = 0.5;
/** |skewness| above this: a long tail that most models and summaries feel (a log or rank transform usually helps). */
export const SKEW_THRESHOLD = 3;
/** |r| at or above this between two features: either one carries nearly all the other's linear information. */
export const HIGH_CORRELATION = 0.9;
/** A single feature that alone predicts this share of labels (or R² for a number) leaks the label. */
export const LEAK_SCORE = 0.99;
export { LEAK_RANK_CORRELATION } from './leak';
/** A class below this share of labelled rows makes the label extremely imbalanced. */
export const IMBALANCE_SHARE = 0.05;

/**
 * The data-quality alerts. The row hashes and the leak checks, which need only the columns, are handed to a runner's
 * threads at once; the returned function does the rest and returns the alerts. The analysis starts them before the
 * relevance analysis and collects them at its end, so the threads fill the gaps of the work between.
 */
export function startAlerts(input: AlertInput): () => Alert[] {
  const { dataset, profiles, signal } = input;
  signal?.throwIfAborted();
  const hashes = dataset.rows >= 2 && dataset.columns.length > 0 ? (input.rowHashes ?? startRowHashes(dataset.columns, dataset.rows, input.runner, signal)) : null;
  const leaks = startLeakScores(dataset, profiles, input.runner, signal);
  return () => {
    const alerts: Alert[] = [];
    signal?.throwIfAborted();
    if (hashes) alerts.push(...rowAlerts(dataset, hashes()));
    signal?.throwIfAborted();
    alerts.push(...columnAlerts(dataset, profiles));
    alerts.push(...pairAlerts(dataset, input.correlation));
    alerts.push(...labelAlerts(dataset));
    signal?.throwIfAborted();
    alerts.push(...leakAlerts(dataset, profiles, leaks));
    signal?.throwIfAborted();
    alerts.push(...missingnessAlerts(dataset));
    const rank = { error: 0, warning: 1, info: 2 } as const;
    return alerts.sort((a, b) => rank[a.severity] - rank[b.severity]);
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Single columns.
// ---------------------------------------------------------------------------------------------------------------

function columnAlerts(dataset: Dataset, profiles: readonly FeatureProfile[]): Alert[] {
  const alerts: Alert[] = [];
  const n = dataset.rows;
  for (const info of dataset.columnInfo) {
    if (info.role === 'excluded' && info.type === 'identifier') {
      alerts.push({
        code: 'identifierColumn',
        severity: 'info',
        message: `"${info.name}" is an identifier (${info.evidence}); left out of the features`,
        columns: [info.name],
        evidence: { evidence: info.evidence },
      });
    }
  }
  profiles.forEach((f, j) => {
    const missing = f.stats.missing;
    if (n > 0 && missing / n >= HIGH_MISSING_SHARE && f.shape !== 'empty') {
      alerts.push({
        code: 'highMissing',
        severity: missing / n >= 0.5 ? 'warning' : 'info',
        message: `"${f.name}" is missing in ${fmt(missing)} of ${fmt(n)} rows (${pct(missing / n)})`,
        columns: [f.name],
        evidence: { missing, rows: n, share: missing / n },
      });
    }
    if (f.shape === 'constant' || f.shape === 'empty') {
      alerts.push({
        code: 'constantColumn',
        severity: 'warning',
        message: f.shape === 'empty' ? `"${f.name}" has no values at all` : `"${f.name}" has a single value in every non-missing row`,
        columns: [f.name],
        evidence: { distinct: f.stats.distinct, count: f.stats.count },
      });
      return;
    }
    const modeShare = discreteModeShare(f);
    if (modeShare !== null && modeShare >= NEAR_CONSTANT_SHARE && f.stats.count >= 100) {
      alerts.push({
        code: 'nearConstantColumn',
        severity: 'info',
        message: `"${f.name}" takes one value in ${pct(modeShare)} of its rows: it can only separate the few others`,
        columns: [f.name],
        evidence: { modeShare, count: f.stats.count },
      });
    }
    const cats = f.categories;
    if (cats && f.type === 'categorical' && cats.cardinality > HIGH_CARDINALITY) {
      alerts.push({
        code: 'highCardinality',
        severity: 'info',
        message: `"${f.name}" has ${fmt(cats.cardinality)} distinct levels (more than ${HIGH_CARDINALITY}); one-hot models spread thin over them`,
        columns: [f.name],
        evidence: { cardinality: cats.cardinality, count: cats.count },
      });
    }
    if (cats && cats.rare.length > 0) {
      alerts.push({
        code: 'rareCategories',
        severity: 'info',
        message: `"${f.name}" has ${cats.rare.length} rare level(s) (under 1 % of rows or fewer than 5): ${cats.rare.slice(0, 6).map((r) => JSON.stringify(r)).join(', ')}${cats.rare.length > 6 ? ', …' : ''}`,
        columns: [f.name],
        evidence: { rare: cats.rare.length, cardinality: cats.cardinality },
      });
    }
    if (cats && cats.variants.length > 0) {
      const v = cats.variants;
      alerts.push({
        code: 'categoryVariants',
        severity: 'warning',
        message: `"${f.name}" has level(s) that look like variants of another: ${v.slice(0, 4).map((x) => `${JSON.stringify(x.value)} ~ ${JSON.stringify(x.like)} (${x.kind})`).join(', ')}${v.length > 4 ? ', …' : ''}`,
        columns: [f.name],
        evidence: { variants: v.length, first: `${v[0].value} ~ ${v[0].like}` },
      });
    }
    if (f.type === 'numeric' && f.stats.skewness !== null && Math.abs(f.stats.skewness) > SKEW_THRESHOLD) {
      alerts.push({
        code: 'skewed',
        severity: 'info',
        message: `"${f.name}" is strongly skewed (skewness ${f.stats.skewness.toFixed(1)}): a long ${f.stats.skewness > 0 ? 'right' : 'left'} tail`,
        columns: [f.name],
        evidence: { skewness: f.stats.skewness },
      });
    }
    if (f.type === 'numeric' && mayBeMostlyZero(f, dataset.columns[j])) {
      const zeros = countZeros(dataset.columns[j]);
      if (f.stats.count > 0 && zeros / f.stats.count > MANY_ZEROS_SHARE) {
        alerts.push({
          code: 'manyZeros',
          severity: 'info',
          message: `"${f.name}" is 0 in ${pct(zeros / f.stats.count)} of its rows`,
          columns: [f.name],
          evidence: { zeros, count: f.stats.count, share: zeros / f.stats.count },
        });
      }
    }
  });
  return alerts;
}

function discreteModeShare(f: FeatureProfile): number | null {
  if (f.categories) return f.categories.modeShare;
  if (f.values && f.stats.count > 0) return Math.max(...f.values.counts) / f.stats.count;
  return null;
}

/**
 * Whether more than half of a column's present values could be 0. When they are, the sorted middle value is 0 and so
 * is the median (type 7 interpolates between two zeros); a profile of this very column with another median rules it
 * out without counting. (A profile of other rows, such as a streamed file's, does not, so the zeros are counted.)
 */
function mayBeMostlyZero(f: FeatureProfile, col: Float32Array): boolean {
  const median = f.stats.quantiles?.p50;
  return median === undefined || median === 0 || f.stats.count + f.stats.missing !== col.length;
}

function countZeros(col: Float32Array): number {
  let z = 0;
  for (let i = 0; i < col.length; i++) if (col[i] === 0) z++;
  return z;
}

// ---------------------------------------------------------------------------------------------------------------
// Pairs of features: identical and highly correlated.
// ---------------------------------------------------------------------------------------------------------------

/** Rows of the quick first hash that sorts out columns which cannot be identical. */
const HEAD_ROWS = 64;

/**
 * A column's bits (its first `rows`) hashed in four interleaved FNV lanes (rows i ≡ 0 … 3 mod 4; four independent chains go four times
 * as fast as one), then the lanes and the length mixed. Equal columns hash equal; a collision only costs a comparison.
 */
function columnHash(col: Float32Array, rows = col.length): number {
  const bits = new Uint32Array(col.buffer, col.byteOffset, Math.min(rows, col.length));
  const n = bits.length;
  let h0 = 0x811c9dc5;
  let h1 = 0x811c9dc5;
  let h2 = 0x811c9dc5;
  let h3 = 0x811c9dc5;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    h0 = Math.imul(h0 ^ bits[i], 0x01000193);
    h1 = Math.imul(h1 ^ bits[i + 1], 0x01000193);
    h2 = Math.imul(h2 ^ bits[i + 2], 0x01000193);
    h3 = Math.imul(h3 ^ bits[i + 3], 0x01000193);
  }
  for (; i < n; i++) h0 = Math.imul(h0 ^ bits[i], 0x01000193);
  let h = 0x811c9dc5;
  for (const lane of [h0, h1, h2, h3, n]) h = Math.imul(h ^ lane, 0x01000193);
  return h >>> 0;
}

function pairAlerts(dataset: Dataset, correlation: CorrelationMatrix): Alert[] {
  const alerts: Alert[] = [];
  // Identical columns: equal first values, then equal hash, then compared value by value. Only columns that share
  // their first rows' bits with another are hashed whole (identical columns share them; most others differ early).
  const byHead = new Map<number, number[]>();
  dataset.columns.forEach((col, j) => {
    const h = columnHash(col, HEAD_ROWS);
    const list = byHead.get(h) ?? [];
    list.push(j);
    byHead.set(h, list);
  });
  const byHash = new Map<number, number[]>();
  for (const group of byHead.values()) {
    if (group.length < 2) continue;
    for (const j of group) {
      const h = columnHash(dataset.columns[j]);
      const list = byHash.get(h) ?? [];
      list.push(j);
      byHash.set(h, list);
    }
  }
  const identical = new Set<string>();
  for (const list of byHash.values()) {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const x = dataset.columns[list[a]];
        const y = dataset.columns[list[b]];
        let same = true;
        for (let i = 0; i < x.length && same; i++) same = x[i] === y[i] || (x[i] !== x[i] && y[i] !== y[i]);
        if (!same) continue;
        const na = dataset.names[list[a]];
        const nb = dataset.names[list[b]];
        identical.add(`${na}\u0000${nb}`);
        alerts.push({
          code: 'identicalColumns',
          severity: 'warning',
          message: `"${na}" and "${nb}" hold identical values in every row`,
          columns: [na, nb],
          evidence: { rows: x.length },
        });
      }
    }
  }
  const names = correlation.names;
  const features = new Set(dataset.names);
  const pairs: { a: string; b: string; r: number }[] = [];
  for (let a = 0; a < names.length; a++) {
    if (!features.has(names[a])) continue;
    for (let b = a + 1; b < names.length; b++) {
      if (!features.has(names[b])) continue;
      const r = correlation.matrix[a][b];
      if (r === null || Math.abs(r) < HIGH_CORRELATION) continue;
      if (identical.has(`${names[a]}\u0000${names[b]}`)) continue;
      pairs.push({ a: names[a], b: names[b], r });
    }
  }
  pairs.sort((x, y) => Math.abs(y.r) - Math.abs(x.r));
  for (const pair of pairs.slice(0, 30)) {
    alerts.push({
      code: 'highCorrelation',
      severity: 'info',
      message: `"${pair.a}" and "${pair.b}" are highly correlated (r = ${pair.r.toFixed(3)}): either carries nearly all the other's linear information`,
      columns: [pair.a, pair.b],
      evidence: { r: pair.r, pairsAboveThreshold: pairs.length },
    });
  }
  return alerts;
}

// ---------------------------------------------------------------------------------------------------------------
// The label: suspicious classes, imbalance.
// ---------------------------------------------------------------------------------------------------------------

function labelAlerts(dataset: Dataset): Alert[] {
  const label = dataset.label;
  const alerts: Alert[] = [];
  if (!label || label.task === 'regression') return alerts;
  const labelled = label.counts.reduce((s, c) => s + c, 0);
  label.classes.forEach((value, k) => {
    const count = label.counts[k];
    if (count <= Math.max(5, 0.001 * labelled) && looksLikePlaceholder(value)) {
      alerts.push({
        code: 'labelSuspiciousClass',
        severity: 'error',
        message: `label class ${JSON.stringify(value)} has ${count} row(s) and looks like a missing-value marker, not a class; treat those rows as unlabelled`,
        columns: [label.name],
        evidence: { class: value, count },
      });
    } else if (count <= 2 && label.classes.length > 2 && labelled >= 50) {
      alerts.push({
        code: 'labelSuspiciousClass',
        severity: 'warning',
        message: `label class ${JSON.stringify(value)} has only ${count} row(s): no held-out test can say anything about it`,
        columns: [label.name],
        evidence: { class: value, count },
      });
    }
  });
  if (label.classes.length >= 2 && labelled > 0) {
    const min = Math.min(...label.counts);
    const max = Math.max(...label.counts);
    const minority = label.classes[label.counts.indexOf(min)];
    if (min / labelled < IMBALANCE_SHARE) {
      alerts.push({
        code: 'imbalance',
        severity: 'warning',
        message: `the label is extremely imbalanced: class ${JSON.stringify(minority)} has ${fmt(min)} of ${fmt(labelled)} rows (${pct(min / labelled)}), the largest ${fmt(max)}; accuracy rewards ignoring it`,
        columns: [label.name],
        evidence: { minority, minorityCount: min, majorityCount: max, share: min / labelled },
      });
    }
  }
  return alerts;
}

// ---------------------------------------------------------------------------------------------------------------
// Label leakage: one feature that alone predicts the label almost perfectly.
// ---------------------------------------------------------------------------------------------------------------

/**
 * How well one feature alone predicts the label, in-sample but with few parameters: the majority class per level
 * (discrete features with at most n/20 levels, so the rule cannot memorise rows) or per quantile bin (32 bins), and
 * for a numeric target the R² of the bin means. A copy of the label scores 1.
 */
/** The continuous features' leak scores: a kernel task each, side by side on a runner's threads. */
interface PendingLeakScores {
  readonly context: LeakContext;
  readonly tasks: readonly LeakTask[];
  readonly results: () => (LeakScore | null)[];
}

function startLeakScores(dataset: Dataset, profiles: readonly FeatureProfile[], runner?: TaskRunner, signal?: CancelSignal): PendingLeakScores | null {
  const label = dataset.label;
  if (!label) return null;
  const n = dataset.rows;
  const regression = label.task === 'regression' && label.target !== null && label.target !== undefined;
  const context: LeakContext = {
    columns: dataset.columns,
    labels: regression ? null : label.values,
    classes: label.classes.length,
    target: regression ? (label.target as Float64Array) : null,
    screen: regression ? null : leakScreen(label.values),
    threshold: LEAK_SCORE,
  };
  // Continuous features need only their column and the label.
  const continuous = profiles.filter((f) => leakScored(f) && !dataset.categories[f.index] && !f.values && (continuousLeakCheck(f) || (regression && f.type === 'numeric')));
  const tasks: LeakTask[] = continuous.map((f) => ({ feature: f.index, count: f.stats.count, bins: continuousLeakCheck(f), rank: regression && f.type === 'numeric' }));
  const results =
    runner && runner.threads > 1 && tasks.length > 1
      ? runner.startKernel('leakScore', { ...context, columns: dataset.columns.map(sharedFloat32) }, tasks, { signal, work: n * tasks.length * 30 })
      : (): (LeakScore | null)[] =>
          tasks.map((task) => {
            signal?.throwIfAborted();
            return leakScoreKernel(context, task);
          });
  return { context, tasks, results };
}

function leakScored(f: FeatureProfile): boolean {
  return f.shape !== 'constant' && f.shape !== 'empty';
}

function leakAlerts(dataset: Dataset, profiles: readonly FeatureProfile[], pending: PendingLeakScores | null): Alert[] {
  const label = dataset.label;
  const alerts: Alert[] = [];
  if (!label || !pending) return alerts;
  const n = dataset.rows;
  const regression = label.task === 'regression' && label.target !== null && label.target !== undefined;
  const { context, tasks } = pending;
  const results = pending.results();
  const byFeature = new Map<number, LeakScore | null>(tasks.map((t, i) => [t.feature, results[i]]));
  profiles.forEach((f, j) => {
    if (!leakScored(f)) return;
    let score: LeakScore | null;
    if (byFeature.has(j)) score = byFeature.get(j) ?? null;
    else {
      const rank = regression && f.type === 'numeric' ? leakScoreKernel(context, { feature: j, count: f.stats.count, bins: false, rank: true }) : null;
      const groups = rank ? null : groupCodes(dataset, j, f);
      // Discrete features with a level for every 20 rows or fewer could memorise the label; quantile bins cannot.
      if (!rank && (!groups || (groups.discrete && groups.k > Math.max(2, n / 20)))) return;
      const bins = !groups ? null : regression ? binR2(groups.codes, groups.k, label.target as Float64Array) : binAccuracy(groups.codes, groups.k, label.values, label.classes.length);
      score = rank ?? (bins && groups ? { kind: 'bins', ...bins, groups: groups.k } : null);
    }
    if (!score) return;
    if (score.kind === 'rank') {
      // A monotone function of the target (a copy, a rescaling, a log) has |Spearman ρ| ≈ 1.
      alerts.push({
        code: 'labelLeak',
        severity: 'error',
        message: `"${f.name}" alone orders the rows almost exactly as "${label.name}" does (Spearman ρ = ${score.rho.toFixed(4)}): a copy or a function of the label? Check that it is known before the label is`,
        columns: [f.name, label.name],
        evidence: { score: Math.abs(score.rho), measure: '|Spearman ρ|', spearman: score.rho, rows: score.rows },
      });
      return;
    }
    const { value, base, rows, groups } = score;
    if (value >= LEAK_SCORE && value - base > 0.05 && rows >= 20) {
      alerts.push({
        code: 'labelLeak',
        severity: 'error',
        message:
          label.task === 'regression'
            ? `"${f.name}" alone explains ${pct(value)} of the variance of "${label.name}" (R² of its ${groups} bin means): a copy or a function of the label? Check that it is known before the label is`
            : `"${f.name}" alone predicts "${label.name}" for ${pct(value)} of rows (base rate ${pct(base)}): a copy or a function of the label? Check that it is known before the label is`,
        columns: [f.name, label.name],
        evidence: { score: value, baseRate: base, rows, groups },
      });
    }
  });
  return alerts;
}

interface Groups {
  readonly codes: Int32Array;
  readonly k: number;
  /** Levels of the feature itself (true), or quantile bins of a continuous one (false). */
  readonly discrete: boolean;
}


function groupCodes(dataset: Dataset, j: number, f: FeatureProfile): Groups | null {
  const cats = dataset.categories[j];
  if (cats) return { codes: cats.codes, k: cats.levels.length, discrete: true };
  const col = dataset.columns[j];
  if (f.values) {
    const index = new Map<number, number>(f.values.values.map((v, k) => [v, k]));
    const codes = new Int32Array(col.length);
    for (let i = 0; i < col.length; i++) codes[i] = col[i] === col[i] ? (index.get(col[i]) ?? -1) : -1;
    return { codes, k: f.values.values.length, discrete: true };
  }
  if (!continuousLeakCheck(f)) return null;
  return { codes: quantileCodes(col, f.stats.count), k: LEAK_BINS, discrete: false };
}



// ---------------------------------------------------------------------------------------------------------------
// Missingness that predicts the label.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Whether a feature being missing is associated with the label: χ² of (missing, class) for classes, Kruskal–Wallis
 * of the target between missing and present rows for a number; Benjamini–Hochberg at 5 % over the features that
 * have missing values. Informative missingness is a finding in itself (missing not at random) and a leak risk.
 */
function missingnessAlerts(dataset: Dataset): Alert[] {
  const label = dataset.label;
  if (!label) return [];
  const n = dataset.rows;
  const candidates: number[] = [];
  dataset.columns.forEach((_, j) => {
    const m = dataset.missing[j];
    if (m >= 5 && n - m >= 5) candidates.push(j);
  });
  if (candidates.length === 0) return [];
  const tests = candidates.map((j) => {
    const col = dataset.columns[j];
    const indicator = new Int32Array(n);
    for (let i = 0; i < n; i++) indicator[i] = col[i] === col[i] ? 0 : 1;
    if (label.task === 'regression' && label.target) {
      const r = kruskalWallis(label.target, indicator, 2);
      return { p: r.p, statistic: r.statistic, test: 'Kruskal–Wallis' };
    }
    const r = chiSquareIndependence(indicator, 2, label.values, label.classes.length);
    return { p: r.p, statistic: r.statistic, test: 'χ²' };
  });
  const bh = benjaminiHochberg(
    tests.map((t) => t.p),
    0.05,
  );
  const alerts: Alert[] = [];
  candidates.forEach((j, u) => {
    if (!bh.rejected[u]) return;
    const name = dataset.names[j];
    alerts.push({
      code: 'missingPredictsLabel',
      severity: 'warning',
      message: `whether "${name}" is missing is associated with "${label.name}" (${tests[u].test}, p = ${tests[u].p.toExponential(1)}, BH-adjusted ${bh.adjusted[u].toExponential(1)}): the cells are not missing at random`,
      columns: [name, label.name],
      evidence: { p: tests[u].p, adjustedP: bh.adjusted[u], statistic: tests[u].statistic, missing: dataset.missing[j] },
    });
  });
  return alerts;
}

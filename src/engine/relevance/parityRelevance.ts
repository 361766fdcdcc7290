import { cachedTermPredictor, classBaseLogit, classLosses, ovrProbabilities } from '../sparsity/predict';
import type { ModelTerms, SparsityModel, SparsityReport } from '../sparsity/types';
import { normalQuantile } from '../stats/distributions';
import type { FeatureProfile } from '../stats/profile';
import type { DropOneTest, SparsityEvidence } from './types';

/** The share of the per-table error rate the drop-one tests of the interaction model spend (one-sided, Bonferroni). */
export const PARITY_ALPHA = 0.01;

/** What the exact parity engine (L1 over interaction terms) alone says about a feature. */
export interface ParityVerdict {
  readonly verdict: 'relevant' | 'irrelevant' | 'unknown';
  readonly evidence: SparsityEvidence;
  readonly reasons: string[];
}

export interface ParityRelevance {
  readonly features: ParityVerdict[];
  /** |z| the drop-one test needs: one-sided 1 %, Bonferroni-corrected over the features tested. */
  readonly zCritical: number;
  /** The L1 model beats the base rate on held-out rows (otherwise nothing it says can be concluded). */
  readonly informative: boolean;
  /** The model's held-out accuracy, for comparison with the baselines (noise ceiling). */
  readonly testAccuracy: number | null;
}

/**
 * Relevance from the fitted interaction model, not from univariate tests: under an XOR every feature alone has zero
 * correlation with the label, yet removing any relevant one from the model collapses it to chance. The same test for
 * every task: per-row log-loss (two classes; one-vs-rest: of the normalised class probabilities, the feature's terms
 * removed from every class model — one family over the features, not one per class) or squared error (numeric target).
 */
export function assessParityRelevance(features: readonly FeatureProfile[], sparsity: SparsityReport, model: SparsityModel | null): ParityRelevance {
  const p = features.length;
  if (!model || sparsity.status !== 'done') {
    const reason = sparsity.reason ?? 'no sparsity analysis';
    const unknown = features.map(() => ({
      verdict: 'unknown' as const,
      evidence: { participation: 0, inTopTerm: false, dropOne: null, certified: false },
      reasons: [reason],
    }));
    return { features: unknown, zCritical: NaN, informative: false, testAccuracy: null };
  }
  const zCritical = normalQuantile(1 - PARITY_ALPHA / Math.max(1, p));
  const participation = new Map(sparsity.participation.map((x) => [x.feature, x.share]));
  const top = model.terms[0]?.features ?? [];
  // Held-out rows: validation and test, which the coefficients never saw.
  const held = Uint32Array.from([...model.split.validation, ...model.split.test]);
  const scorer = scorerFor(model, held);
  const full = scorer.score(-1);
  // Does the model know anything at all? Compare it with the base rate (the intercept-only model) on held-out rows.
  const signal = model.terms.length > 0 ? scorer.dropOne(full, scorer.base) : null;
  const noSignal = !signal || !(signal.z >= zCritical);
  const examined = new Set(model.examined);
  const parity = model.parityFeatures ? new Set(model.parityFeatures) : null;
  const words = scorer.words;

  const out: ParityVerdict[] = features.map((f, j) => {
    const share = participation.get(f.name) ?? 0;
    const involved = model.terms.some((t) => t.features.includes(j));
    const reasons: string[] = [];
    let dropOne: SparsityEvidence['dropOne'] = null;
    if (involved) dropOne = scorer.dropOne(full, scorer.score(j));
    const certified = examined.has(j);
    let verdict: ParityVerdict['verdict'];
    if (model.terms.length === 0) {
      verdict = 'unknown';
      reasons.push(`no interaction term predicts the ${words.what} better than its ${words.base}`);
    } else if (noSignal) {
      verdict = 'unknown';
      reasons.push(`the L1 model does not beat the ${words.base} on held-out rows (z = ${(signal?.z ?? 0).toFixed(1)} < ${zCritical.toFixed(2)}), so nothing can be concluded from it`);
    } else if (dropOne && dropOne.z >= zCritical) {
      verdict = 'relevant';
      reasons.push(describeDropOne(dropOne, zCritical, model.loss));
      if (top.includes(j)) reasons.push(`part of the dominant term (participation ${pct(share)})`);
    } else if (!involved && certified && model.representation === 'continuous') {
      // A lasso zero over products of continuous features says only that other terms did the work at this λ: among
      // correlated features the lasso keeps one and zeroes the rest, so it is no evidence of irrelevance.
      verdict = 'unknown';
      reasons.push(
        `no term involving it survives the L1 penalty over products of continuous features up to degree ${model.certifiedDegree}; among correlated features a lasso zero is not evidence that a feature carries nothing`,
      );
    } else if (!involved && certified) {
      verdict = 'irrelevant';
      reasons.push(
        `no term involving it survives the L1 penalty${model.loss === 'ovr' ? ' in any class model' : ''}, certified over all ${sparsity.terms.toLocaleString('en-US')} terms of the expansion (KKT)` +
          (Number.isFinite(model.certifiedDegree) ? `, which covers interactions up to degree ${model.certifiedDegree}` : ', which covers interactions of every degree') +
          (model.loss === 'ovr' && sparsity.classes?.some((c) => c.status !== 'fitted')
            ? ` (class(es) ${sparsity.classes.filter((c) => c.status !== 'fitted').map((c) => c.class).join(', ')} too rare for a model were not examined)`
            : ''),
      );
    } else if (!involved && parity && !parity.has(j) && sparsity.lowOrder && !sparsity.lowOrder.significant.some((t) => t.features.includes(f.name))) {
      verdict = 'irrelevant';
      reasons.push(
        `outside the parity rule found over all features (agreement ${pct(sparsity.parity?.agreement ?? 0)}), and in no significant main effect or pairwise term`,
      );
    } else if (involved && dropOne) {
      verdict = 'unknown';
      reasons.push(`in the L1 model (participation ${pct(share)}), but removing it does not raise held-out ${words.loss} significantly (z = ${dropOne.z.toFixed(1)} < ${zCritical.toFixed(2)})`);
    } else {
      verdict = 'unknown';
      reasons.push('not examined by the final fit, and the narrowing evidence does not settle it');
    }
    return { verdict, evidence: { participation: share, inTopTerm: top.includes(j), dropOne, certified }, reasons };
  });
  return { features: out, zCritical, informative: !noSignal, testAccuracy: sparsity.holdout?.test.accuracy ?? null };
}

/** Per-row losses of the model on the held-out rows, and the drop-one comparison, for the model's loss. */
interface Scorer {
  /** Per-row predictions of the model without feature `drop` (−1: the full model). */
  score(drop: number): RowScores;
  /** The base rate (classes) or the training mean (numeric target). */
  readonly base: RowScores;
  dropOne(withScores: RowScores, withoutScores: RowScores): NonNullable<SparsityEvidence['dropOne']>;
  readonly words: { readonly what: string; readonly base: string; readonly loss: string };
}

interface RowScores {
  readonly loss: Float64Array;
  /** Classification: whether each row's predicted class is right. Regression: the prediction. */
  readonly right?: Uint8Array;
  readonly predicted?: Float64Array;
}

function scorerFor(model: SparsityModel, rows: Uint32Array): Scorer {
  if (model.loss === 'squared') return squaredScorer(model, rows);
  if (model.loss === 'ovr') return ovrScorer(model, rows);
  const score = (eta: Float64Array): RowScores => {
    const loss = new Float64Array(rows.length);
    const right = new Uint8Array(rows.length);
    for (let u = 0; u < rows.length; u++) {
      const y = model.labels[rows[u]];
      loss[u] = rowLoss(eta[u], y);
      right[u] = +(+(eta[u] >= 0) === y);
    }
    return { loss, right };
  };
  const predict = cachedTermPredictor(model, model.values, rows);
  return {
    score: memoByKeptTerms(model, (drop) => score(predict(drop))),
    base: score(new Float64Array(rows.length).fill(baseRateLogit(model))),
    dropOne: classDropOne,
    words: { what: 'label', base: 'base rate', loss: 'log-loss' },
  };
}

/** One-vs-rest: the multi-class log-loss of the normalised probabilities; the base model predicts the class frequencies. */
function ovrScorer(model: SparsityModel, rows: Uint32Array): Scorer {
  const classes = model.classes ?? [];
  const K = classes.length;
  const score = (models: readonly ModelTerms[], drop: number): RowScores => classLosses(ovrProbabilities(models, model.values, rows, drop), K, model.labels, rows);
  return {
    score: (drop) => score(classes, drop),
    base: score(
      classes.map((_, c) => ({ terms: [], intercept: classBaseLogit(model.labels, model.split.train, c) })),
      -1,
    ),
    dropOne: classDropOne,
    words: { what: 'classes', base: 'class frequencies', loss: 'multi-class log-loss' },
  };
}

/** Numeric target: squared error of the standardised target; the base model predicts its training mean. */
function squaredScorer(model: SparsityModel, rows: Uint32Array): Scorer {
  const y = model.target!;
  let mean = 0;
  for (const r of model.split.train) mean += y[r];
  mean /= Math.max(1, model.split.train.length);
  const score = (predicted: Float64Array): RowScores => {
    const loss = new Float64Array(rows.length);
    for (let u = 0; u < rows.length; u++) loss[u] = (y[rows[u]] - predicted[u]) ** 2;
    return { loss, predicted };
  };
  let heldMean = 0;
  for (const r of rows) heldMean += y[r];
  heldMean /= Math.max(1, rows.length);
  let sst = 0;
  for (const r of rows) sst += (y[r] - heldMean) ** 2;
  const predict = cachedTermPredictor(model, model.values, rows);
  return {
    score: memoByKeptTerms(model, (drop) => score(predict(drop))),
    base: score(new Float64Array(rows.length).fill(mean)),
    dropOne(withScores, withoutScores) {
      const t = pairedLosses(withScores.loss, withoutScores.loss);
      return {
        metric: 'squared error',
        r2With: sst > 0 ? 1 - t.lossWith * (rows.length / sst) : NaN,
        r2Without: sst > 0 ? 1 - t.lossWithout * (rows.length / sst) : NaN,
        mseWith: t.lossWith,
        mseWithout: t.lossWithout,
        z: t.z,
        rows: rows.length,
      };
    },
    words: { what: 'target', base: 'mean', loss: 'squared error' },
  };
}

/**
 * Drops that leave the same terms give the same predictions: their per-row scores are computed once (at most
 * MEMO_SCORES sets kept). With one product of every relevant feature, every drop-one model is the intercept alone.
 */
function memoByKeptTerms(model: ModelTerms, score: (drop: number) => RowScores): (drop: number) => RowScores {
  const memo = new Map<string, RowScores>();
  return (drop) => {
    const key = model.terms.map((t, k) => (drop >= 0 && t.features.includes(drop) ? '' : String(k))).join(',');
    const known = memo.get(key);
    if (known) return known;
    const scores = score(drop);
    if (memo.size < MEMO_SCORES) memo.set(key, scores);
    return scores;
  };
}

const MEMO_SCORES = 8;

/** Paired comparison of per-row losses with and without a feature's terms (a z test on the mean difference). */
function classDropOne(withScores: RowScores, withoutScores: RowScores): DropOneTest {
  const t = pairedLosses(withScores.loss, withoutScores.loss);
  const n = withScores.loss.length;
  const right = countOnes(withScores.right!, n);
  const rightWithout = countOnes(withoutScores.right!, n);
  return { accuracyWith: right / n, accuracyWithout: rightWithout / n, logLossWith: t.lossWith, logLossWithout: t.lossWithout, z: t.z, rows: n };
}

/**
 * How many of the first n flags are 1. A function of its own: as a loop after the inlined pairedLosses it ran
 * unoptimised on every call (on-stack replacement of the first loop, then no feedback for the second).
 */
function countOnes(flags: Uint8Array, n: number): number {
  let k = 0;
  for (let u = 0; u < n; u++) k += flags[u];
  return k;
}

function pairedLosses(a: Float64Array, b: Float64Array): { readonly lossWith: number; readonly lossWithout: number; readonly z: number } {
  let sum = 0;
  let sum2 = 0;
  let lossWith = 0;
  let lossWithout = 0;
  const n = a.length;
  for (let u = 0; u < n; u++) {
    const d = b[u] - a[u];
    sum += d;
    sum2 += d * d;
    lossWith += a[u];
    lossWithout += b[u];
  }
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(0, sum2 / n - mean * mean));
  const z = sd > 0 ? (mean / sd) * Math.sqrt(n) : mean > 0 ? Infinity : 0;
  return { lossWith: lossWith / n, lossWithout: lossWithout / n, z };
}

function describeDropOne(d: NonNullable<SparsityEvidence['dropOne']>, zCritical: number, loss: SparsityModel['loss']): string {
  const test = `paired z = ${d.z.toFixed(1)} ≥ ${zCritical.toFixed(2)}, Bonferroni 1 %`;
  if ('metric' in d) {
    return `removing it from the L1 interaction model (lasso) raises held-out squared error of the standardised target from ${d.mseWith.toFixed(3)} to ${d.mseWithout.toFixed(3)} (${test}; R² ${d.r2With.toFixed(3)} → ${d.r2Without.toFixed(3)})`;
  }
  return (
    `removing it from the L1 interaction model${loss === 'ovr' ? ' (its terms in every class model)' : ''} raises held-out ${loss === 'ovr' ? 'multi-class ' : ''}log-loss from ${d.logLossWith.toFixed(3)} to ${d.logLossWithout.toFixed(3)} ` +
    `(${test}; accuracy ${pct(d.accuracyWith)} → ${pct(d.accuracyWithout)})`
  );
}

/** Log-odds of the label on the training rows: the prediction of a model that knows nothing. */
function baseRateLogit(model: SparsityModel): number {
  let ones = 0;
  for (const r of model.split.train) ones += model.labels[r];
  const q = Math.min(1 - 1e-9, Math.max(1e-9, ones / Math.max(1, model.split.train.length)));
  return Math.log(q / (1 - q));
}


/** −log p(y | η) without overflow. */
function rowLoss(eta: number, y: number): number {
  const m = y ? -eta : eta;
  return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

import type { SparsityModel, SparsityReport } from '../sparsity/sparsity';
import { normalQuantile } from '../stats/distributions';
import type { FeatureProfile } from '../stats/profile';
import type { SparsityEvidence } from './types';

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
 * correlation with the label, yet removing any relevant one from the model collapses it to chance.
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
  const full = linearPredictor(model, held, -1);
  // Does the model know anything at all? Compare it with the base rate (the intercept-only model) on held-out rows.
  const base = new Float64Array(held.length).fill(baseRateLogit(model));
  const signal = model.terms.length > 0 ? pairedDropOne(model, held, full, base) : null;
  const noSignal = !signal || !(signal.z >= zCritical);
  const examined = new Set(model.examined);
  const parity = model.parityFeatures ? new Set(model.parityFeatures) : null;

  const out: ParityVerdict[] = features.map((f, j) => {
    const share = participation.get(f.name) ?? 0;
    const involved = model.terms.some((t) => t.features.includes(j));
    const reasons: string[] = [];
    let dropOne: SparsityEvidence['dropOne'] = null;
    if (involved) dropOne = pairedDropOne(model, held, full, linearPredictor(model, held, j));
    const certified = examined.has(j);
    let verdict: ParityVerdict['verdict'];
    if (model.terms.length === 0) {
      verdict = 'unknown';
      reasons.push('no interaction term predicts the label better than its base rate');
    } else if (noSignal) {
      verdict = 'unknown';
      reasons.push(`the L1 model does not beat the base rate on held-out rows (z = ${(signal?.z ?? 0).toFixed(1)} < ${zCritical.toFixed(2)}), so nothing can be concluded from it`);
    } else if (dropOne && dropOne.z >= zCritical) {
      verdict = 'relevant';
      reasons.push(
        `removing it from the L1 interaction model raises held-out log-loss from ${dropOne.logLossWith.toFixed(3)} to ${dropOne.logLossWithout.toFixed(3)} (paired z = ${dropOne.z.toFixed(1)} ≥ ${zCritical.toFixed(2)}, Bonferroni 1 %; accuracy ${pct(dropOne.accuracyWith)} → ${pct(dropOne.accuracyWithout)})`,
      );
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
        `no term involving it survives the L1 penalty, certified over all ${sparsity.terms.toLocaleString('en-US')} terms of the expansion (KKT)` +
          (Number.isFinite(model.certifiedDegree) ? `, which covers interactions up to degree ${model.certifiedDegree}` : ', which covers interactions of every degree'),
      );
    } else if (!involved && parity && !parity.has(j) && sparsity.lowOrder && !sparsity.lowOrder.significant.some((t) => t.features.includes(f.name))) {
      verdict = 'irrelevant';
      reasons.push(
        `outside the parity rule found over all features (agreement ${pct(sparsity.parity?.agreement ?? 0)}), and in no significant main effect or pairwise term`,
      );
    } else if (involved && dropOne) {
      verdict = 'unknown';
      reasons.push(`in the L1 model (participation ${pct(share)}), but removing it does not raise held-out log-loss significantly (z = ${dropOne.z.toFixed(1)} < ${zCritical.toFixed(2)})`);
    } else {
      verdict = 'unknown';
      reasons.push('not examined by the final fit, and the narrowing evidence does not settle it');
    }
    return { verdict, evidence: { participation: share, inTopTerm: top.includes(j), dropOne, certified }, reasons };
  });
  return { features: out, zCritical, informative: !noSignal, testAccuracy: sparsity.holdout?.test.accuracy ?? null };
}

/** The L1 model's linear predictor on rows, optionally with every term involving feature `drop` removed. */
function linearPredictor(model: SparsityModel, rows: Uint32Array, drop: number): Float64Array {
  const out = new Float64Array(rows.length);
  const terms = drop < 0 ? model.terms : model.terms.filter((t) => !t.features.includes(drop));
  for (let u = 0; u < rows.length; u++) {
    const r = rows[u];
    let eta = model.intercept;
    for (const t of terms) {
      let v = t.coefficient;
      for (const j of t.features) v *= model.values[j][r];
      eta += v;
    }
    out[u] = eta;
  }
  return out;
}

/** Log-odds of the label on the training rows: the prediction of a model that knows nothing. */
function baseRateLogit(model: SparsityModel): number {
  let ones = 0;
  for (const r of model.split.train) ones += model.labels[r];
  const q = Math.min(1 - 1e-9, Math.max(1e-9, ones / Math.max(1, model.split.train.length)));
  return Math.log(q / (1 - q));
}

/** Paired comparison of per-row log-loss with and without a feature's terms (a z test on the mean difference). */
function pairedDropOne(model: SparsityModel, rows: Uint32Array, withEta: Float64Array, withoutEta: Float64Array): NonNullable<SparsityEvidence['dropOne']> {
  let sum = 0;
  let sum2 = 0;
  let lossWith = 0;
  let lossWithout = 0;
  let right = 0;
  let rightWithout = 0;
  const n = rows.length;
  for (let u = 0; u < n; u++) {
    const y = model.labels[rows[u]];
    const a = rowLoss(withEta[u], y);
    const b = rowLoss(withoutEta[u], y);
    const d = b - a;
    sum += d;
    sum2 += d * d;
    lossWith += a;
    lossWithout += b;
    if ((withEta[u] >= 0 ? 1 : 0) === y) right++;
    if ((withoutEta[u] >= 0 ? 1 : 0) === y) rightWithout++;
  }
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(0, sum2 / n - mean * mean));
  const z = sd > 0 ? (mean / sd) * Math.sqrt(n) : mean > 0 ? Infinity : 0;
  return { accuracyWith: right / n, accuracyWithout: rightWithout / n, logLossWith: lossWith / n, logLossWithout: lossWithout / n, z, rows: n };
}

/** −log p(y | η) without overflow. */
function rowLoss(eta: number, y: number): number {
  const m = y ? -eta : eta;
  return m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

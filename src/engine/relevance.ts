import type { FeatureReport } from './report';
import type { SparsityModel, SparsityReport } from './sparsity/sparsity';
import { normalQuantile } from './stats/modes';
import type { ShapeClass } from './stats/types';

export type Relevance = 'relevant' | 'irrelevant' | 'unknown';

export interface RelevanceEvidence {
  /** Share of the L1 model's |coefficient| mass in terms that involve the feature. */
  readonly participation: number;
  /** Part of the strongest L1 term. */
  readonly inTopTerm: boolean;
  /**
   * Drop-one test on held-out rows: the L1 model with every term involving the feature removed, against the full
   * model, paired row by row (McNemar's z; positive = the feature helps).
   */
  readonly dropOne: { readonly accuracyWith: number; readonly accuracyWithout: number; readonly z: number; readonly rows: number } | null;
  /** Every interaction term involving the feature was in the fitted space, so its zero coefficients are KKT-certified. */
  readonly certified: boolean;
  readonly reasons: string[];
}

export interface FeatureRelevance {
  readonly relevance: Relevance;
  readonly evidence: RelevanceEvidence;
}

export interface ShapeRelevanceCheck {
  /** counts[shape][relevance]. */
  readonly counts: Partial<Record<ShapeClass, Record<Relevance, number>>>;
  /** One sentence: the shape ↔ relevance relation the data shows, with counts. */
  readonly statement: string;
  /** The shape class whose features are exactly the irrelevant ones, when there is one. */
  readonly irrelevantShape: ShapeClass | null;
  readonly relevantShapes: ShapeClass[];
}

export interface RelevanceResult {
  readonly features: FeatureRelevance[];
  readonly crossCheck: ShapeRelevanceCheck;
  /** |z| the drop-one test needs: one-sided 1 %, Bonferroni-corrected over the features tested. */
  readonly zCritical: number;
}

/**
 * Relevance from the fitted interaction model, not from univariate tests: under an XOR every feature alone has zero
 * correlation with the label, yet removing any relevant one from the model collapses it to chance.
 */
export function assessRelevance(features: readonly FeatureReport[], sparsity: SparsityReport, model: SparsityModel | null): RelevanceResult {
  const p = features.length;
  if (!model || sparsity.status !== 'done') {
    const reason = sparsity.reason ?? 'no sparsity analysis';
    const unknown = features.map(() => ({
      relevance: 'unknown' as const,
      evidence: { participation: 0, inTopTerm: false, dropOne: null, certified: false, reasons: [reason] },
    }));
    return { features: unknown, crossCheck: crossCheck(features, unknown), zCritical: NaN };
  }
  const zCritical = normalQuantile(1 - 0.01 / Math.max(1, p));
  const participation = new Map(sparsity.participation.map((x) => [x.feature, x.share]));
  const top = model.terms[0]?.features ?? [];
  // Held-out rows: validation and test, which the coefficients never saw.
  const held = Uint32Array.from([...model.split.validation, ...model.split.test]);
  const full = predictions(model, held, -1);
  const correctFull = held.map((r, u) => (full[u] === model.labels[r] ? 1 : 0));
  const examined = new Set(model.examined);
  const parity = model.parityFeatures ? new Set(model.parityFeatures) : null;

  const out: FeatureRelevance[] = features.map((f, j) => {
    const share = participation.get(f.name) ?? 0;
    const involved = model.terms.some((t) => t.features.includes(j));
    const reasons: string[] = [];
    let dropOne: RelevanceEvidence['dropOne'] = null;
    if (involved) {
      const without = predictions(model, held, j);
      let b = 0; // right with the feature, wrong without
      let c = 0; // wrong with, right without
      let right = 0;
      let rightWithout = 0;
      for (let u = 0; u < held.length; u++) {
        const y = model.labels[held[u]];
        const w = without[u] === y ? 1 : 0;
        right += correctFull[u];
        rightWithout += w;
        if (correctFull[u] && !w) b++;
        else if (!correctFull[u] && w) c++;
      }
      const z = b + c > 0 ? (b - c) / Math.sqrt(b + c) : 0;
      dropOne = { accuracyWith: right / held.length, accuracyWithout: rightWithout / held.length, z, rows: held.length };
    }
    const certified = examined.has(j);
    let relevance: Relevance;
    if (model.terms.length === 0) {
      relevance = 'unknown';
      reasons.push('no interaction term predicts the label better than its base rate');
    } else if (dropOne && dropOne.z >= zCritical) {
      relevance = 'relevant';
      reasons.push(
        `removing it from the L1 model drops held-out accuracy from ${pct(dropOne.accuracyWith)} to ${pct(dropOne.accuracyWithout)} (McNemar z = ${dropOne.z.toFixed(1)})`,
      );
      if (top.includes(j)) reasons.push(`part of the dominant term (participation ${pct(share)})`);
    } else if (!involved && certified) {
      relevance = 'irrelevant';
      reasons.push(`no term involving it survives the L1 penalty, certified over all ${sparsity.terms.toLocaleString('en-US')} terms of the expansion (KKT)`);
    } else if (!involved && parity && !parity.has(j) && sparsity.lowOrder && !sparsity.lowOrder.significant.some((t) => t.features.includes(f.name))) {
      relevance = 'irrelevant';
      reasons.push(
        `outside the parity rule found over all features (agreement ${pct(sparsity.parity?.agreement ?? 0)}), and in no significant main effect or pairwise term`,
      );
    } else if (involved && dropOne) {
      relevance = 'unknown';
      reasons.push(`in the L1 model (participation ${pct(share)}), but removing it does not change held-out accuracy significantly (z = ${dropOne.z.toFixed(1)} < ${zCritical.toFixed(2)})`);
    } else {
      relevance = 'unknown';
      reasons.push('not examined by the final fit, and the narrowing evidence does not settle it');
    }
    if (f.shape === 'burst' || f.shape === 'gaussian' || f.shape === 'spread') reasons.push(`shape: ${f.shape}-like`);
    return { relevance, evidence: { participation: share, inTopTerm: top.includes(j), dropOne, certified, reasons } };
  });
  return { features: out, crossCheck: crossCheck(features, out), zCritical };
}

/** 0/1 predictions of the L1 model on rows, optionally with every term involving feature `drop` removed. */
function predictions(model: SparsityModel, rows: Uint32Array, drop: number): Uint8Array {
  const out = new Uint8Array(rows.length);
  const terms = drop < 0 ? model.terms : model.terms.filter((t) => !t.features.includes(drop));
  for (let u = 0; u < rows.length; u++) {
    const r = rows[u];
    let eta = model.intercept;
    for (const t of terms) {
      let v = t.coefficient;
      for (const j of t.features) v *= model.bits[j][r] ? model.s1[j] : model.s0[j];
      eta += v;
    }
    out[u] = eta >= 0 ? 1 : 0;
  }
  return out;
}

function crossCheck(features: readonly FeatureReport[], relevance: readonly FeatureRelevance[]): ShapeRelevanceCheck {
  const counts: Partial<Record<ShapeClass, Record<Relevance, number>>> = {};
  features.forEach((f, j) => {
    const c = (counts[f.shape] ??= { relevant: 0, irrelevant: 0, unknown: 0 });
    c[relevance[j].relevance]++;
  });
  const irrelevant = relevance.filter((r) => r.relevance === 'irrelevant').length;
  const relevant = relevance.filter((r) => r.relevance === 'relevant').length;
  const unknown = relevance.length - irrelevant - relevant;
  let irrelevantShape: ShapeClass | null = null;
  for (const [shape, c] of Object.entries(counts) as [ShapeClass, Record<Relevance, number>][]) {
    if (irrelevant > 0 && c.irrelevant === irrelevant && c.relevant === 0 && c.unknown === 0) irrelevantShape = shape;
  }
  const relevantShapes = (Object.entries(counts) as [ShapeClass, Record<Relevance, number>][]).filter(([, c]) => c.relevant > 0).map(([s]) => s);
  let statement: string;
  if (relevant + irrelevant === 0) {
    statement = `Relevance is unknown for all ${relevance.length} features, so no shape ↔ relevance relation can be stated.`;
  } else if (irrelevantShape) {
    const n = counts[irrelevantShape]!.irrelevant;
    statement =
      `All ${n} ${irrelevantShape}-like feature${n === 1 ? ' is' : 's are'} irrelevant and all ${irrelevant} irrelevant feature${irrelevant === 1 ? ' is' : 's are'} ${irrelevantShape}-like` +
      (relevant > 0 ? `; the ${relevant} relevant feature${relevant === 1 ? ' is' : 's are'} ${relevantShapes.map((s) => `${counts[s]!.relevant} ${s}`).join(', ')}-like` : '') +
      (unknown > 0 ? `; ${unknown} unknown` : '') +
      '.';
  } else {
    const parts = (Object.entries(counts) as [ShapeClass, Record<Relevance, number>][]).map(
      ([s, c]) => `${s}: ${c.relevant} relevant, ${c.irrelevant} irrelevant${c.unknown ? `, ${c.unknown} unknown` : ''}`,
    );
    statement = `No shape class coincides with the irrelevant features (${parts.join('; ')}).`;
  }
  return { counts, statement, irrelevantShape, relevantShapes };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

/**
 * One verdict per feature from three kinds of evidence, each with its error rate:
 *
 * - the marginal test (the feature alone against the label: Kruskal–Wallis, χ² or Spearman, by type and task);
 * - the conditional test (what the best predictive model loses when the feature is left out: a drop-column test
 *   on out-of-fold rows, or — when a refit per feature is beyond the work budget — a conditional permutation test of
 *   the fitted model; interactions count, because the model sees them);
 * - for two-valued features, the exact parity engine (L1 over every interaction term, KKT-certified zeros).
 *
 * `relevant`   the conditional test is a discovery, or the parity engine's drop-one test is significant
 *              (Bonferroni 1 %).
 * `redundant`  not relevant, but the marginal test is a discovery: associated with the label and replaceable by
 *              the others (Kohavi & John's weakly relevant).
 * `irrelevant` positive evidence only: no Bonferroni-significant marginal association, and either
 *              (a) the parity engine certifies a zero over all interaction terms under a model that beats the base
 *                  rate and is not beaten by the baselines (the noise ceiling of what we can fit), or
 *              (b) the marginal effect's 95 % upper bound is below the reference effect with power ≥ 80 % to detect
 *                  it, and the conditional loss change's 95 % interval lies within ± its reference (an equivalence
 *                  test) under a model that beats the base rate — for the trees too when the linear model was the
 *                  conditional model, since a linear model cannot see a bend or an interaction.
 * `unknown`    everything else, with the reason.
 *
 * Discoveries: each family (marginal, conditional, and the parity engine's drop-one tests when they ran) is tested
 * with Bonferroni over the table's features at its share of α (1 % for the parity engine, the rest split equally), so
 * the chance of any false relevant or redundant call in a table is at most α = 5 % (a union bound over the
 * families), which also bounds the false-discovery rate. Benjamini–Hochberg would find more weak features, but with
 * many strong features it lets a pure-noise column through with probability up to q per column (its threshold rises
 * towards q), and a shuffled copy of a real column called "redundant" is exactly the misinformation to avoid.
 */
import { bonferroni } from '../stats/multiplicity';
import type { FeatureProfile } from '../stats/profile';
import { shapeRelevanceCheck } from './crossCheck';
import { PARITY_ALPHA } from './parityRelevance';
import type { ParityRelevance } from './parityRelevance';
import type { ConditionalTest, MarginalTest, Relevance, RelevanceEvidence, RelevanceSummary } from './types';

/** Family-wise error rate of relevant + redundant calls together (per table). */
export const RELEVANCE_ALPHA = 0.05;
/** Power an `irrelevant` verdict needs against the reference marginal effect. */
export const IRRELEVANCE_POWER = 0.8;
/**
 * Reference effects an `irrelevant` verdict rules out: Cohen's (1988) "small" effects — |ρ| = 0.1, Cramér's V = 0.1,
 * ε² = 0.01 (the rank analogue of η²) — and a conditional loss increase of 0.01 nats per row (classes) or 1 % of the
 * target's variance (regression: R² lower by 0.01).
 */
export const REFERENCE_EFFECTS: Readonly<Record<MarginalTest['test'], { readonly name: string; readonly value: number }>> = {
  spearman: { name: '|Spearman ρ|', value: 0.1 },
  'chi-square': { name: "Cramér's V", value: 0.1 },
  'kruskal-wallis': { name: 'ε²', value: 0.01 },
};
export const REFERENCE_CONDITIONAL = 0.01;

/** A marginal test before multiplicity adjustment (the combiner fills adjustedP, discovered, bonferroni). */
export type RawMarginal = Omit<MarginalTest, 'adjustedP' | 'discovered' | 'bonferroni'>;
export type RawConditional = Omit<ConditionalTest, 'adjustedP' | 'discovered'>;

export interface RelevanceInputs {
  readonly profiles: readonly FeatureProfile[];
  /** Per feature; null where no marginal test applies (constant, empty). */
  readonly marginal: readonly (RawMarginal | null)[];
  /** Per feature; null where the conditional test was not run (the reason is in `conditionalNote`). */
  readonly conditional: readonly (RawConditional | null)[];
  /**
   * Per feature: the trees' conditional permutation test when the conditional model is linear and the feature might be
   * irrelevant (null otherwise). An `irrelevant` verdict then needs it: a linear model cannot see bends or interactions.
   */
  readonly nonlinear?: readonly (RawConditional | null)[];
  /** The conditional model is the trees (then `nonlinear` is not needed); default true. */
  readonly conditionalIsTrees?: boolean;
  /** The conditional model beats the base rate out of fold (else its conditional tests say nothing). */
  readonly conditionalInformative: boolean;
  /** Why the conditional test did not run or what it sampled. */
  readonly conditionalNote: string | null;
  /** The exact parity engine's verdicts (two-valued features, two classes), when it ran. */
  readonly parity: ParityRelevance | null;
  /** The parity model is at the noise ceiling: no baseline model beats its held-out accuracy significantly. */
  readonly parityAtCeiling: boolean;
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly notes: readonly string[];
}

export interface RelevanceResult {
  readonly features: { readonly relevance: Relevance; readonly evidence: RelevanceEvidence }[];
  readonly summary: RelevanceSummary;
}

export function combineRelevance(input: RelevanceInputs): RelevanceResult {
  // The parity engine's drop-one tests spend PARITY_ALPHA (Bonferroni over its features, in parityRelevance.ts); the
  // marginal and drop-column families share the rest equally.
  const parityAlpha = input.parity?.informative ? PARITY_ALPHA : 0;
  const q = (RELEVANCE_ALPHA - parityAlpha) / 2;
  const marginalP = input.marginal.map((m) => (m ? m.p : NaN));
  const conditionalP = input.conditional.map((c) => (c ? c.p : NaN));
  const bhMarginal = bonferroni(marginalP, q);
  const bhConditional = bonferroni(conditionalP, q);
  const tested = marginalP.filter((x) => Number.isFinite(x)).length;
  const bonferroniLevel = 0.05 / Math.max(1, tested);

  const features = input.profiles.map((profile, j) => {
    const raw = input.marginal[j];
    const marginal: MarginalTest | null = raw
      ? { ...raw, adjustedP: bhMarginal.adjusted[j], discovered: bhMarginal.rejected[j], bonferroni: raw.p <= bonferroniLevel }
      : null;
    const rawC = input.conditional[j];
    const conditional: ConditionalTest | null = rawC ? { ...rawC, adjustedP: bhConditional.adjusted[j], discovered: bhConditional.rejected[j] } : null;
    const rawN = input.nonlinear?.[j] ?? null;
    // Not a discovery family (it only ever supports "irrelevant"), so no adjustment: the raw p is shown.
    const nonlinear: ConditionalTest | null = rawN ? { ...rawN, adjustedP: rawN.p, discovered: false } : null;
    const parity = input.parity?.features[j] ?? null;
    const reasons: string[] = [];
    let relevance: Relevance;

    if (conditional?.discovered) {
      relevance = 'relevant';
      reasons.push(describeConditional(conditional, true, input.task));
    } else if (parity?.verdict === 'relevant') {
      relevance = 'relevant';
      reasons.push(...parity.reasons);
    } else if (marginal?.discovered) {
      relevance = 'redundant';
      reasons.push(`associated with the label on its own: ${describeMarginal(marginal)}`);
      if (conditional) reasons.push(`but replaceable by the other features: ${describeConditional(conditional, false, input.task)}`);
      else reasons.push(`whether the other features can replace it was not tested${input.conditionalNote ? ` (${input.conditionalNote})` : ''}`);
    } else {
      const verdict = irrelevance(profile, marginal, conditional, nonlinear, parity, input);
      relevance = verdict.irrelevant ? 'irrelevant' : 'unknown';
      reasons.push(...verdict.reasons);
    }
    const evidence: RelevanceEvidence = { marginal, conditional, ...(nonlinear ? { nonlinear } : {}), sparsity: parity?.evidence ?? null, reasons };
    return { relevance, evidence };
  });

  const counts: Record<Relevance, number> = { relevant: 0, redundant: 0, irrelevant: 0, unknown: 0 };
  for (const f of features) counts[f.relevance]++;
  const notes = [...input.notes];
  if (input.conditionalNote) notes.push(input.conditionalNote);
  const summary: RelevanceSummary = {
    method:
      'Marginal test of each feature against the label (Kruskal–Wallis, χ² or Spearman by type), and a drop-column test of the best-predicting model on out-of-fold rows ' +
      '(interactions count because the model sees them), or — when refitting once per feature is beyond the work budget — a conditional permutation test of that model (each feature shuffled among rows alike in its most correlated feature)' +
      (input.parity ? ', plus the exact parity engine for two-valued features (L1 over every interaction term)' : '') +
      `. Relevant and redundant calls are discoveries with a family-wise error rate of ${RELEVANCE_ALPHA} per table (Bonferroni over the features: ${fmt(q)} for the marginal tests, ${fmt(q)} for the conditional tests${parityAlpha > 0 ? `, ${parityAlpha} for the interaction model's drop-one tests` : ''}), which also bounds the false-discovery rate; irrelevant needs positive evidence.`,
    errorRate: RELEVANCE_ALPHA,
    errorControl: `family-wise, Bonferroni: ${fmt(q)} marginal + ${fmt(q)} conditional${parityAlpha > 0 ? ` + ${parityAlpha} interaction-model drop-one` : ''}`,
    reference: {
      marginal: `|Spearman ρ| ${REFERENCE_EFFECTS.spearman.value}, Cramér's V ${REFERENCE_EFFECTS['chi-square'].value}, ε² ${REFERENCE_EFFECTS['kruskal-wallis'].value} (Cohen's small effects)`,
      conditional:
        input.task === 'regression'
          ? `a loss of ${REFERENCE_CONDITIONAL} in R² (squared error as a share of the target's variance)`
          : `a log-loss increase of ${REFERENCE_CONDITIONAL} nats per row`,
      power: IRRELEVANCE_POWER,
    },
    counts,
    crossCheck: shapeRelevanceCheck(
      input.profiles.map((f) => f.shape),
      features.map((f) => f.relevance),
    ),
    notes,
  };
  return { features, summary };
}

interface IrrelevanceVerdict {
  readonly irrelevant: boolean;
  readonly reasons: string[];
}

function irrelevance(
  profile: FeatureProfile,
  marginal: MarginalTest | null,
  conditional: ConditionalTest | null,
  nonlinear: ConditionalTest | null,
  parity: ParityRelevance['features'][number] | null,
  input: RelevanceInputs,
): IrrelevanceVerdict {
  const reasons: string[] = [];
  if (profile.shape === 'empty') return { irrelevant: false, reasons: ['no values: nothing can be said'] };
  if (profile.shape === 'constant') {
    return { irrelevant: true, reasons: ['constant: a single value cannot carry information about the label, alone or in any interaction'] };
  }
  if (marginal?.bonferroni) {
    return {
      irrelevant: false,
      reasons: [`significantly associated with the label (${describeMarginal(marginal)}), though not a discovery at the stated false-discovery rate`],
    };
  }
  // (a) The exact parity engine: a certified zero over every interaction term, under a model at the noise ceiling.
  if (parity?.verdict === 'irrelevant') {
    if (input.parityAtCeiling) {
      reasons.push(...parity.reasons);
      reasons.push('the interaction model beats the base rate and no baseline model does better, so its zero is evidence, not a failure to fit');
      if (marginal) reasons.push(`alone: ${describeMarginal(marginal)}`);
      return { irrelevant: true, reasons };
    }
    reasons.push(`${parity.reasons[0]}; but a baseline model predicts better than the interaction model, so its zero does not rule the feature out`);
  }
  // (b) Equivalence: small effects ruled out with power, marginally and given the others.
  const reference = marginal ? REFERENCE_EFFECTS[marginal.test] : null;
  const marginalOk = marginal !== null && reference !== null && marginal.effect.upper < reference.value && marginal.power >= IRRELEVANCE_POWER;
  // An equivalence test (two one-sided bounds): the change in loss without the feature lies within ±reference. A
  // model that gets clearly better without the feature is unstable in it (it overfits it), and says nothing either way.
  const small = (c: ConditionalTest | null): boolean => c !== null && (c.unused || (c.ci95[0] > -REFERENCE_CONDITIONAL && c.ci95[1] < REFERENCE_CONDITIONAL));
  // The trees must agree when the conditional model is linear (input.nonlinear given), or it could miss a bend.
  const treesAgree = input.conditionalIsTrees !== false || small(nonlinear);
  const conditionalOk = conditional !== null && input.conditionalInformative && small(conditional) && treesAgree;
  if (marginalOk && conditionalOk && marginal && conditional) {
    reasons.push(
      `alone: ${marginal.effect.name} ${fmt(marginal.effect.estimate)}, 95 % upper bound ${fmt(marginal.effect.upper)} < ${reference?.value} with power ${pct(marginal.power)} to detect ${reference?.value} (p = ${fmtP(marginal.p)})`,
    );
    reasons.push(
      conditional.unused
        ? `given the others: the ${conditional.model} never uses it, so leaving it out changes no prediction`
        : `given the others: ${conditional.method === 'conditional permutation' ? `permuting it${conditional.conditionedOn ? ` among rows alike in ${conditional.conditionedOn}` : ''}` : 'leaving it out'} changes the ${conditional.metric} by ${fmt(conditional.increase)} (95 % CI ${fmt(conditional.ci95[0])} to ${fmt(conditional.ci95[1])}), within ±${REFERENCE_CONDITIONAL}`,
    );
    if (nonlinear) {
      reasons.push(
        nonlinear.unused
          ? `the ${nonlinear.model} never uses it either`
          : `nor does the ${nonlinear.model} need it: ${fmt(nonlinear.increase)} (95 % CI ${fmt(nonlinear.ci95[0])} to ${fmt(nonlinear.ci95[1])})`,
      );
    }
    reasons.push('interactions and bends are covered as far as the trees represent them');
    return { irrelevant: true, reasons };
  }
  // Unknown: say what is missing for each side.
  if (!marginal) reasons.push('no marginal test applies');
  else if (!marginalOk) {
    reasons.push(
      marginal.power < IRRELEVANCE_POWER
        ? `no association found (p = ${fmtP(marginal.p)}), but with ${marginal.rows.toLocaleString('en-US')} rows the test has only ${pct(marginal.power)} power to detect a small effect (${reference?.name} = ${reference?.value}), so absence of evidence is not evidence of absence`
        : `no significant association (p = ${fmtP(marginal.p)}), but a small effect is not ruled out (${marginal.effect.name} up to ${fmt(marginal.effect.upper)} at 95 %)`,
    );
  } else {
    reasons.push(`alone: a small effect is ruled out (${marginal.effect.name} ≤ ${fmt(marginal.effect.upper)} at 95 %, power ${pct(marginal.power)})`);
  }
  if (!conditional) reasons.push(`given the others: not tested${input.conditionalNote ? ` (${input.conditionalNote})` : ''}`);
  else if (!input.conditionalInformative) reasons.push(`given the others: the ${conditional.model} does not beat the base rate, so leaving features out of it says nothing`);
  else if (!small(conditional)) {
    reasons.push(
      conditional.ci95[1] < 0
        ? `given the others: the ${conditional.model} does better without it (${describeConditional(conditional, false, input.task)}): it overfits the feature, which says nothing about the feature`
        : `given the others: ${describeConditional(conditional, false, input.task)}; a contribution of ${REFERENCE_CONDITIONAL} is not ruled out`,
    );
  }
  else if (!treesAgree) {
    reasons.push(
      nonlinear
        ? `given the others: the linear model does not need it, but the trees do not rule out a contribution (${describeConditional(nonlinear, false, input.task)})`
        : 'given the others: the linear model does not need it, but a bend or an interaction the trees might see was not tested (work budget)',
    );
  }
  return { irrelevant: false, reasons };
}

function describeMarginal(m: MarginalTest): string {
  const test = m.test === 'kruskal-wallis' ? 'Kruskal–Wallis H' : m.test === 'chi-square' ? 'χ²' : 'Spearman ρ';
  const stat = m.test === 'spearman' ? fmt(m.effect.estimate) : `${fmt(m.statistic)}${m.df !== null ? ` (df ${m.df})` : ''}`;
  return `${test} = ${stat}, p = ${fmtP(m.p)}, Bonferroni-adjusted ${fmtP(m.adjustedP)}; ${m.effect.name} ${fmt(m.effect.estimate)} [${fmt(m.effect.lower)}, ${fmt(m.effect.upper)}]`;
}

function describeConditional(c: ConditionalTest, discovered: boolean, task: RelevanceInputs['task']): string {
  if (c.unused) return `the ${c.model} never uses it`;
  const score = task === 'regression' ? 'R²' : 'accuracy';
  const what =
    c.method === 'conditional permutation'
      ? `permuting it${c.conditionedOn ? ` among rows alike in ${c.conditionedOn}` : ''} under the ${c.model}`
      : `leaving it out of the ${c.model}`;
  return (
    `${what} ${c.increase >= 0 ? 'raises' : 'lowers'} the out-of-fold ${c.metric} by ${fmt(Math.abs(c.increase))} ` +
    `(95 % CI ${fmt(c.ci95[0])} to ${fmt(c.ci95[1])}; z = ${c.z.toFixed(1)}, p = ${fmtP(c.p)}, Bonferroni-adjusted ${fmtP(c.adjustedP)}${discovered ? '' : ', not a discovery'}; ` +
    `${score} ${fmt(c.scoreWith)} → ${fmt(c.scoreWithout)} on ${c.rows.toLocaleString('en-US')} rows)`
  );
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : Number(x.toPrecision(3)).toString();
}

function fmtP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(0)} %`;
}

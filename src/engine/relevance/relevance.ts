/**
 * One verdict per feature from three kinds of evidence, each with its error rate:
 *
 * - the marginal test (the feature alone against the label: Kruskal–Wallis, χ² or Spearman, by type and task);
 * - the conditional test (what the best predictive model loses when the feature is left out: a drop-column test
 *   on out-of-fold rows; interactions count, because the model sees them);
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
 *                  it, and the conditional loss increase's 95 % upper bound is below its reference, under a model
 *                  that beats the base rate.
 * `unknown`    everything else, with the reason.
 *
 * Discoveries: each family (marginal, conditional) is tested with Bonferroni at α/2 over the table's features, so the
 * chance of any false relevant or redundant call in a table is at most α = 5 % (a union bound over the two
 * families), which also bounds the false-discovery rate. Benjamini–Hochberg would find more weak features, but with
 * many strong features it lets a pure-noise column through with probability up to q per column (its threshold rises
 * towards q), and a shuffled copy of a real column called "redundant" is exactly the misinformation to avoid.
 */
import { bonferroni } from '../stats/multiplicity';
import type { FeatureProfile } from '../stats/profile';
import { shapeRelevanceCheck } from './crossCheck';
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
  /** The conditional model beats the base rate out of fold (else its drop-column tests say nothing). */
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
  const q = RELEVANCE_ALPHA / 2;
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
      const verdict = irrelevance(profile, marginal, conditional, parity, input);
      relevance = verdict.irrelevant ? 'irrelevant' : 'unknown';
      reasons.push(...verdict.reasons);
    }
    const evidence: RelevanceEvidence = { marginal, conditional, sparsity: parity?.evidence ?? null, reasons };
    return { relevance, evidence };
  });

  const counts: Record<Relevance, number> = { relevant: 0, redundant: 0, irrelevant: 0, unknown: 0 };
  for (const f of features) counts[f.relevance]++;
  const notes = [...input.notes];
  if (input.conditionalNote) notes.push(input.conditionalNote);
  const summary: RelevanceSummary = {
    method:
      'Marginal test of each feature against the label (Kruskal–Wallis, χ² or Spearman by type), and a drop-column test of the best-predicting model on out-of-fold rows ' +
      '(interactions count because the model sees them)' +
      (input.parity ? ', plus the exact parity engine for two-valued features (L1 over every interaction term)' : '') +
      `. Relevant and redundant calls are discoveries with a family-wise error rate of ${RELEVANCE_ALPHA} per table (Bonferroni at ${q} in each family, which also bounds the false-discovery rate); irrelevant needs positive evidence.`,
    errorRate: RELEVANCE_ALPHA,
    errorControl: 'family-wise (Bonferroni over the features, α/2 for the marginal and α/2 for the drop-column tests)',
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
  const conditionalOk = conditional !== null && input.conditionalInformative && (conditional.unused || conditional.ci95[1] < REFERENCE_CONDITIONAL);
  if (marginalOk && conditionalOk && marginal && conditional) {
    reasons.push(
      `alone: ${marginal.effect.name} ${fmt(marginal.effect.estimate)}, 95 % upper bound ${fmt(marginal.effect.upper)} < ${reference?.value} with power ${pct(marginal.power)} to detect ${reference?.value} (p = ${fmtP(marginal.p)})`,
    );
    reasons.push(
      conditional.unused
        ? `given the others: the ${conditional.model} never uses it, so leaving it out changes no prediction`
        : `given the others: leaving it out changes the ${conditional.metric} by ${fmt(conditional.increase)} (95 % CI ${fmt(conditional.ci95[0])} to ${fmt(conditional.ci95[1])}), below ${REFERENCE_CONDITIONAL}`,
    );
    reasons.push('interactions are covered as far as the model represents them');
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
  else if (!conditionalOk) reasons.push(`given the others: ${describeConditional(conditional, false, input.task)}; a contribution of ${REFERENCE_CONDITIONAL} is not ruled out`);
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
  return (
    `leaving it out of the ${c.model} ${c.increase >= 0 ? 'raises' : 'lowers'} the out-of-fold ${c.metric} by ${fmt(Math.abs(c.increase))} ` +
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

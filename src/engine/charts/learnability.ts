/**
 * Vega-Lite specs for how learnable the label is and which features carry it: the baselines with their 95 %
 * intervals, and the relevance verdict of every feature with the strength of its evidence. Pure data → spec. Colours
 * that carry meaning (the four verdicts) are fixed Okabe–Ito colours, readable for colour-blind readers and on light,
 * dark and high-contrast backgrounds; everything else (text, axes) comes from the webview's theme config.
 */
import type { TopLevelSpec } from 'vega-lite';
import { FIT_WIDTH, SCHEMA } from './common';
import type { Report } from '../report';
import { normalSf } from '../stats/distributions';


export const RELEVANCE_DOMAIN = ['relevant', 'redundant', 'irrelevant', 'unknown'] as const;
// Okabe–Ito: bluish green, blue, vermillion, grey.
export const RELEVANCE_COLOURS = ['#009E73', '#0072B2', '#D55E00', '#999999'] as const;
/** −log10 p is drawn up to this (p = 1e-16: beyond it every p-value is "overwhelming" and double precision ends). */
export const EVIDENCE_CAP = 16;

/**
 * The model name without its parenthesised settings ("gradient boosting (histogram, 100 iterations)" → "gradient
 * boosting"); the L1 interaction model of any task is "L1 interaction model" (the full name is in the tooltip).
 */
export function shortModelName(model: string): string {
  if (/^L1 .* on interaction terms\b/.test(model)) return 'L1 interaction model';
  return model.replace(/\s*\([^)]*\)\s*$/, '') || model;
}

/**
 * Every baseline as a point at its cross-validated score with its 95 % interval as a bar, one row per model; the
 * first baseline (the base rate, or the mean for a numeric target) is the reference and is marked by a dashed line
 * across the chart. Accuracy runs from 0 to 1; R² from 1 down to the lowest interval end (at most −1, beyond that
 * clipped: a model worse than predicting the mean by that much is off the scale either way).
 */
export function baselinesSpec(report: Report): TopLevelSpec | null {
  const baselines = report.baselines ?? [];
  if (baselines.length === 0) return null;
  const metric = baselines[0].metric;
  const values = baselines.map((b, order) => ({
    model: shortModelName(b.model),
    fullName: b.model,
    order,
    value: finite(b.value),
    lo: finite(b.ci95[0]),
    hi: finite(b.ci95[1]),
    text: finite(b.value) === null ? '—' : b.value.toFixed(3),
    interval: `[${fmt(b.ci95[0])}, ${fmt(b.ci95[1])}]`,
    validation: b.validation,
    role: order === 0 ? 'reference' : 'model',
  }));
  const lows = values.map((v) => v.lo).filter((x): x is number => x !== null);
  const low = metric === 'accuracy' ? 0 : Math.max(-1, Math.min(0, ...lows));
  // Each value is written beside its interval, on the side with room: left of it in the upper half of the scale
  // (where good models sit, near the right edge), right of it in the lower half.
  const middle = (low + 1) / 2;
  const labelled = values.map((v) => ({ ...v, side: (v.value ?? 0) > middle ? 'left' : 'right', lo: v.lo ?? v.value, hi: v.hi ?? v.value }));
  const ref = values[0];
  const metricName = metric === 'accuracy' ? 'accuracy' : 'R²';
  const y = { field: 'model', type: 'nominal', sort: { field: 'order', op: 'min', order: 'ascending' }, title: null, axis: { labelLimit: 160 } } as const;
  const x = { field: 'value', type: 'quantitative', title: `${metricName} (${baselines[0].validation}, 95 % interval)`, scale: { domain: [low, 1], clamp: true, nice: false }, axis: { tickCount: 6 } } as const;
  return {
    $schema: SCHEMA,
    description: `Baselines: ${metricName} of each model with its 95 % interval; dashed line: ${ref.fullName}`,
    width: 'container',
    autosize: FIT_WIDTH,
    height: 28 * labelled.length,
    data: { values: labelled },
    layer: [
      // The reference first, so the models' marks draw over it; a datum (not a field) spans the whole height.
      { mark: { type: 'rule', strokeDash: [5, 4], opacity: 0.8 }, encoding: { x: { datum: ref.value ?? 0, type: 'quantitative' } } },
      {
        mark: { type: 'rule', strokeWidth: 3, strokeCap: 'round' },
        encoding: {
          y,
          x: { ...x, field: 'lo' },
          x2: { field: 'hi' },
          color: { field: 'role', type: 'nominal', scale: { domain: ['reference', 'model'], range: ['#999999', '#0072B2'] }, legend: null },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 90, tooltip: true },
        encoding: {
          y,
          x,
          color: { field: 'role', type: 'nominal', legend: null },
          shape: { field: 'role', type: 'nominal', scale: { domain: ['reference', 'model'], range: ['diamond', 'circle'] }, legend: null },
          tooltip: [
            { field: 'fullName', type: 'nominal', title: 'model' },
            { field: 'text', type: 'nominal', title: metricName },
            { field: 'interval', type: 'nominal', title: '95 % interval' },
            { field: 'validation', type: 'nominal', title: 'validation' },
          ],
        },
      },
      { transform: [{ filter: "datum.side === 'left'" }], mark: { type: 'text', align: 'right', dx: -7, fontSize: 11 }, encoding: { y, x: { ...x, field: 'lo' }, text: { field: 'text' } } },
      { transform: [{ filter: "datum.side === 'right'" }], mark: { type: 'text', align: 'left', dx: 7, fontSize: 11 }, encoding: { y, x: { ...x, field: 'hi' }, text: { field: 'text' } } },
    ],
  } as TopLevelSpec;
}

/**
 * Relevance per feature: the evidence behind each verdict on one scale, −log10 of the smallest adjusted p-value of the
 * marginal test, the conditional (drop-column or permutation) test and the interaction model's drop-one test (capped
 * at EVIDENCE_CAP), coloured by the verdict, with a dot at the end of each
 * bar so a verdict with no evidence (p = 1, a bar of length 0) still shows its colour. The dashed line is the
 * discovery threshold (each family's share α/2 of the table's error rate). Irrelevant and unknown features sit near
 * zero, which is the point: their bars say "no evidence"; what separates them is the power behind the absence (in
 * the tooltip's reason).
 */
export function relevanceSpec(report: Report): TopLevelSpec | null {
  if (!report.features.some((f) => f.relevance !== undefined)) return null;
  const level = (report.relevance?.errorRate ?? 0.05) / 2;
  const k = report.features.length;
  const values = report.features.map((f) => {
    const ev = f.relevanceEvidence;
    // The interaction model's drop-one test is evidence too (on Kryptonite the only evidence: a parity feature has no
    // marginal or pairwise signal): its z, one-sided, Bonferroni over the table's features like the other families.
    const dropOne = ev?.sparsity?.dropOne;
    const interactionP = dropOne && Number.isFinite(dropOne.z) ? Math.min(1, normalSf(dropOne.z) * k) : undefined;
    const ps = [ev?.marginal?.adjustedP, ev?.conditional?.adjustedP, interactionP].filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    const p = ps.length > 0 ? Math.min(...ps) : 1;
    const evidence = Math.min(EVIDENCE_CAP, -Math.log10(Math.max(p, 1e-300)));
    return {
      feature: f.name,
      order: f.index,
      relevance: f.relevance ?? 'unknown',
      evidence: Math.max(0, evidence),
      evidenceText: p <= 10 ** -EVIDENCE_CAP ? `≥ ${EVIDENCE_CAP} (p ≤ 1e-${EVIDENCE_CAP})` : `${Math.max(0, evidence).toFixed(2)} (p = ${fmtP(p)})`,
      marginal: ev?.marginal ? `${ev.marginal.test}, p = ${fmtP(ev.marginal.p)}, adjusted ${fmtP(ev.marginal.adjustedP)}` : '—',
      conditional: ev?.conditional
        ? `${ev.conditional.metric} ${ev.conditional.increase >= 0 ? '+' : ''}${fmt(ev.conditional.increase)} ${ev.conditional.method === 'conditional permutation' ? 'when permuted' : 'without it'}, adjusted p ${fmtP(ev.conditional.adjustedP)}`
        : '—',
      interaction:
        dropOne && interactionP !== undefined
          ? `${'r2With' in dropOne ? `R² ${fmt(dropOne.r2With)} → ${fmt(dropOne.r2Without)}` : `accuracy ${fmt(dropOne.accuracyWith)} → ${fmt(dropOne.accuracyWithout)}`} without it (z ${fmt(dropOne.z)}), adjusted p ${fmtP(interactionP)}`
          : '—',
      reason: ev?.reasons[0] ?? '',
    };
  });
  const threshold = -Math.log10(level);
  const top = Math.min(EVIDENCE_CAP, Math.max(Math.ceil(threshold) + 1, ...values.map((v) => Math.ceil(v.evidence))));
  const x = { field: 'evidence', type: 'quantitative', title: 'evidence: −log10 adjusted p', scale: { domain: [0, top], nice: false }, axis: { format: 'd', tickMinStep: 1, tickCount: 8 } } as const;
  const y = { field: 'feature', type: 'nominal', sort: { field: 'order', op: 'min', order: 'ascending' }, title: null, axis: { labelLimit: 140 } } as const;
  const tooltip = [
    { field: 'feature', type: 'nominal' },
    { field: 'relevance', type: 'nominal', title: 'verdict' },
    { field: 'evidenceText', type: 'nominal', title: '−log10 adjusted p' },
    { field: 'marginal', type: 'nominal', title: 'marginal test' },
    { field: 'conditional', type: 'nominal', title: 'given the others' },
    { field: 'interaction', type: 'nominal', title: 'interaction model' },
    { field: 'reason', type: 'nominal', title: 'why' },
  ];
  const color = { field: 'relevance', type: 'nominal', title: 'verdict', scale: { domain: [...RELEVANCE_DOMAIN], range: [...RELEVANCE_COLOURS] }, legend: { orient: 'bottom', direction: 'horizontal', columns: 2, title: null, symbolType: 'circle', labelLimit: 120 } };
  return {
    $schema: SCHEMA,
    description: 'Relevance per feature: strength of evidence (−log10 adjusted p) coloured by the verdict',
    width: 'container',
    autosize: FIT_WIDTH,
    height: 20 * values.length,
    data: { values },
    layer: [
      { mark: { type: 'bar', height: { band: 0.6 }, tooltip: true }, encoding: { y, x, color, tooltip } },
      { mark: { type: 'point', filled: true, size: 50, opacity: 1, tooltip: true }, encoding: { y, x, color, tooltip } },
      // The discovery threshold: a datum spans the whole height.
      { mark: { type: 'rule', strokeDash: [4, 3] }, encoding: { x: { datum: threshold, type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}

function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function fmt(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(Number(v.toPrecision(3))) : '—';
}

function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(3)));
}

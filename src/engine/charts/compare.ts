/**
 * Charts of Compare Datasets: per feature, the two tables' probability mass overlaid (A blue, B orange, Okabe–Ito),
 * and an overview of every feature's population stability index with the flagged ones marked. Pure data → spec.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CompareReport, ComparedFeature } from '../compare/compare';
import { FIT_WIDTH, SCHEMA } from './common';

export const SIDE_COLOURS = ['#0072B2', '#E69F00'] as const;
/** Chart id of feature j's overlaid PMF in the charts record. */
export const pmfChartId = (j: number): string => `pmf-${j}`;
export const OVERVIEW_CHART_ID = 'compare-overview';

/** The overview and one PMF chart per feature, by chart id. */
export function compareSpecs(report: CompareReport): Record<string, TopLevelSpec> {
  const out: Record<string, TopLevelSpec> = {};
  if (report.features.length > 0) out[OVERVIEW_CHART_ID] = overviewSpec(report);
  report.features.forEach((f, j) => {
    const spec = pmfSpec(f);
    if (spec) out[pmfChartId(j)] = spec;
  });
  return out;
}

/** One bar per feature: its PSI, vermillion when flagged at the stated FDR; the features in table order. */
export function overviewSpec(report: CompareReport): TopLevelSpec {
  const values = report.features.map((f, order) => ({
    feature: f.name,
    order,
    psi: f.psi,
    verdict: f.flagged ? `differs (FDR ${report.errorControl.fdr})` : 'no detectable difference',
    q: Number.isFinite(f.q) ? f.q : null,
    ks: f.ks,
  }));
  const domain = [`differs (FDR ${report.errorControl.fdr})`, 'no detectable difference'];
  return {
    $schema: SCHEMA,
    description: 'Population stability index of every feature, flagged features marked',
    width: 'container',
    autosize: FIT_WIDTH,
    height: 18 * values.length,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: { field: 'order', op: 'min', order: 'ascending' }, title: null, axis: { labelLimit: 140 } },
      x: { field: 'psi', type: 'quantitative', title: 'PSI (0.1 moderate, 0.25 large shift)', axis: { orient: 'top', tickCount: 4 } },
      color: {
        field: 'verdict',
        type: 'nominal',
        title: null,
        scale: { domain, range: ['#D55E00', '#56B4E9'] },
        // Legends above the bars, wrapping in a narrow panel (columns: 1) instead of being clipped at the side.
        legend: { orient: 'top', direction: 'vertical', columns: 1, labelLimit: 320 },
      },
      tooltip: [
        { field: 'feature', type: 'nominal' },
        { field: 'psi', type: 'quantitative', format: '.3f', title: 'PSI' },
        { field: 'ks', type: 'quantitative', format: '.3f', title: 'KS D' },
        { field: 'q', type: 'quantitative', format: '.2g', title: 'q (BH)' },
        { field: 'verdict', type: 'nominal' },
      ],
    },
  } as TopLevelSpec;
}

/** The two sides' shares over the same bins or levels: bars side by side for values and levels, steps for bins. */
export function pmfSpec(f: ComparedFeature): TopLevelSpec | null {
  if (f.pmf.length === 0) return null;
  const rows = f.pmf.flatMap((b, order) => [
    { bin: b.label, order, x: b.x, side: 'A', share: b.a },
    { bin: b.label, order, x: b.x, side: 'B', share: b.b },
  ]);
  const colour = { field: 'side', type: 'nominal', title: null, scale: { domain: ['A', 'B'], range: [...SIDE_COLOURS] }, legend: { orient: 'top', direction: 'horizontal' } } as const;
  const tooltip = [
    { field: 'side', type: 'nominal' },
    { field: 'bin', type: 'nominal', title: f.test === 'ks' ? 'bin centre' : 'value' },
    { field: 'share', type: 'quantitative', format: '.3f' },
  ];
  const common = {
    $schema: SCHEMA,
    description: `${f.name}: share of values on each side (${f.pmfNote})`,
    title: { text: f.name, subtitle: f.verdict.split(':')[0], anchor: 'start' as const },
    width: 'container',
    autosize: FIT_WIDTH,
    height: 110,
    data: { values: rows },
  };
  if (f.test === 'ks') {
    return {
      ...common,
      mark: { type: 'line', interpolate: 'step', strokeWidth: 2, tooltip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: f.name, scale: { zero: false }, axis: { tickCount: 5 } },
        y: { field: 'share', type: 'quantitative', title: 'share', axis: { tickCount: 3, format: '.0%' } },
        color: colour,
        strokeDash: { field: 'side', type: 'nominal', title: null, scale: { domain: ['A', 'B'], range: [[1, 0], [5, 3]] } },
        tooltip,
      },
    } as TopLevelSpec;
  }
  return {
    ...common,
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'bin', type: 'nominal', sort: { field: 'order', op: 'min', order: 'ascending' }, title: null, axis: { labelLimit: 80, labelAngle: f.pmf.length > 8 ? -45 : 0 } },
      xOffset: { field: 'side', type: 'nominal', scale: { domain: ['A', 'B'] } },
      y: { field: 'share', type: 'quantitative', title: 'share', axis: { tickCount: 3, format: '.0%' } },
      color: colour,
      tooltip,
    },
  } as TopLevelSpec;
}

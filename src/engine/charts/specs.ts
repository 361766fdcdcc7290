/**
 * Vega-Lite specs for the report panel: pure data → spec, no vscode, no DOM. Colours that depend on the editor theme
 * are NOT set here: the webview supplies a Vega config built from VS Code's CSS variables, so these specs only fix
 * what carries meaning (the shape-class palette, the diverging correlation scale).
 */
import type { TopLevelSpec } from 'vega-lite';
import { FIT_WIDTH, SCHEMA } from './common';
import type { Report } from '../report';
import type { ShapeClass } from '../stats/types';
import { categoriesSpecs } from './categories';
import { baselinesSpec, relevanceSpec } from './learnability';

/** Fixed chart ids; categorical features add one `categories-<index>` chart each (./categories.ts). */
export type ChartId = 'histograms' | 'correlation' | 'pca' | 'terms' | 'relevance' | 'baselines' | 'hypotheses';

export interface ChartOptions {
  /** Small-multiple columns for the histograms. */
  readonly columns?: number;
  /** Width of one small multiple, px. */
  readonly cellWidth?: number;
}

/** Fixed domain so a shape keeps its colour across datasets; Okabe–Ito colours stay distinct for colour-blind readers. */
export const SHAPE_CLASSES: readonly ShapeClass[] = ['burst', 'gaussian', 'spread', 'binary', 'categorical', 'continuous', 'constant', 'empty'];
export const SHAPE_COLOURS: readonly string[] = ['#D55E00', '#0072B2', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#999999', '#666666'];

/** Every chart the report supports, by id; sections without data are left out (the panel decides the order). */
export function buildCharts(report: Report, options: ChartOptions = {}): Partial<Record<ChartId, TopLevelSpec>> & Record<string, TopLevelSpec> {
  const out: Partial<Record<ChartId, TopLevelSpec>> & Record<string, TopLevelSpec> = {};
  if (report.features.some((f) => !f.categories)) out.histograms = histogramSpec(report, options);
  Object.assign(out, categoriesSpecs(report));
  const baselines = baselinesSpec(report);
  if (baselines) out.baselines = baselines;
  const corr = correlationSpec(report);
  if (corr) out.correlation = corr;
  const pca = pcaSpec(report);
  if (pca) out.pca = pca;
  const terms = termsSpec(report);
  if (terms) out.terms = terms;
  const relevance = relevanceSpec(report);
  if (relevance) out.relevance = relevance;
  const hyp = hypothesesSpec(report);
  if (hyp) out.hypotheses = hyp;
  return out;
}

/**
 * The PMF of every numeric feature as small multiples, one x scale per feature, bars coloured by shape class.
 * Categorical and boolean features are drawn level by level instead (./categories.ts): their codes have no scale.
 */
export function histogramSpec(report: Report, options: ChartOptions = {}): TopLevelSpec {
  const values: { feature: string; order: number; shape: ShapeClass; x0: number; x1: number; pmf: number }[] = [];
  for (const f of report.features) {
    if (f.categories) continue;
    const h = f.histogram;
    for (let i = 0; i < h.counts.length; i++) {
      const x0 = h.edges[i];
      const x1 = h.edges[i + 1];
      if (x0 === undefined || x1 === undefined || !Number.isFinite(x0) || !Number.isFinite(x1)) continue;
      values.push({ feature: f.name, order: f.index, shape: f.shape, x0, x1, pmf: h.pmf[i] ?? 0 });
    }
  }
  return {
    $schema: SCHEMA,
    description: 'Probability mass of every feature, coloured by shape class',
    data: { values },
    facet: { field: 'feature', type: 'nominal', title: null, sort: { field: 'order', op: 'min' } },
    columns: options.columns ?? 2,
    spec: {
      width: options.cellWidth ?? 140,
      height: 80,
      mark: { type: 'rect', tooltip: true },
      encoding: {
        x: { field: 'x0', type: 'quantitative', title: null, scale: { zero: false, nice: false }, axis: { tickCount: 3 } },
        x2: { field: 'x1' },
        y: { field: 'pmf', type: 'quantitative', title: 'PMF', axis: { tickCount: 3, format: '.0%' } },
        // The legend above the panels, in rows of four: at its default place on the right it was clipped at 400 px.
        color: { field: 'shape', type: 'nominal', title: 'shape', scale: { domain: [...SHAPE_CLASSES], range: [...SHAPE_COLOURS] }, legend: { orient: 'top', direction: 'horizontal', columns: 4, labelLimit: 90 } },
      },
    },
    resolve: { scale: { x: 'independent' } },
  } as TopLevelSpec;
}

/** Pearson correlation of the features and (for a two-class label) the label, on a fixed [−1, 1] diverging scale. */
export function correlationSpec(report: Report): TopLevelSpec | null {
  const { names, matrix } = report.correlation;
  if (names.length < 2) return null;
  const values: { a: string; b: string; r: number | null; i: number; j: number }[] = [];
  names.forEach((a, i) => names.forEach((b, j) => values.push({ a, b, i, j, r: finiteOrNull(matrix[i]?.[j]) })));
  const showText = names.length <= 14;
  const order = [...names];
  return {
    $schema: SCHEMA,
    description: 'Correlation heatmap of the features and the label',
    width: 'container',
    autosize: FIT_WIDTH,
    height: Math.max(14, Math.min(28, Math.floor(420 / names.length))) * names.length,
    data: { values },
    encoding: {
      x: { field: 'b', type: 'nominal', sort: order, title: null },
      y: { field: 'a', type: 'nominal', sort: order, title: null },
    },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: {
          color: { field: 'r', type: 'quantitative', title: 'r', scale: { domain: [-1, 1], scheme: 'blueorange' } },
        },
      },
      ...(showText
        ? [
            {
              mark: { type: 'text', fontSize: 9 },
              encoding: {
                text: { field: 'r', type: 'quantitative', format: '.2f' },
                color: { condition: { test: 'abs(datum.r) > 0.6', value: '#ffffff' }, value: '#000000' },
              },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
}

/** PC1 against PC2 of the sampled rows, coloured by the label's class value. */
export function pcaSpec(report: Report): TopLevelSpec | null {
  const pca = report.pca;
  if (!pca || pca.sample.length === 0) return null;
  const classes = report.dataset.label?.classes ?? [];
  const byIndex = new Map(classes.map((c) => [c.index, c.value]));
  const values = pca.sample.map((s) => ({ pc1: s.pc1, pc2: s.pc2, label: s.label === null || s.label === undefined ? 'unlabelled' : (byIndex.get(s.label) ?? String(s.label)) }));
  const pct = (i: number): string => `${((pca.explainedVarianceRatio[i] ?? 0) * 100).toFixed(1)} %`;
  return {
    $schema: SCHEMA,
    description: 'PCA scatter of the standardised features, coloured by label',
    width: 'container',
    autosize: FIT_WIDTH,
    height: 300,
    data: { values },
    mark: { type: 'point', filled: true, size: 14, opacity: 0.55 },
    encoding: {
      x: { field: 'pc1', type: 'quantitative', title: `PC1 (${pct(0)})` },
      y: { field: 'pc2', type: 'quantitative', title: `PC2 (${pct(1)})` },
      color: { field: 'label', type: 'nominal', title: report.dataset.label?.name ?? 'label', scale: { scheme: 'category10' } },
      tooltip: [{ field: 'label', type: 'nominal' }, { field: 'pc1', type: 'quantitative', format: '.3f' }, { field: 'pc2', type: 'quantitative', format: '.3f' }],
    },
  } as TopLevelSpec;
}

/**
 * The non-zero L1 coefficients over interaction terms, strongest first, named by their features. One-vs-rest: each
 * class's terms, named with their class and coloured by it (a term can carry opposite signs for two classes).
 */
export function termsSpec(report: Report, limit = 20): TopLevelSpec | null {
  const s = report.sparsity;
  if (s?.classes) return classTermsSpec(s.classes, limit);
  const top = s?.top ?? [];
  if (top.length === 0) return null;
  const values = [...top]
    .sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient))
    .slice(0, limit)
    .map((t, rank) => ({ term: t.features.join('·'), degree: t.degree, coefficient: t.coefficient, magnitude: Math.abs(t.coefficient), rank }));
  const x = s?.loss === 'squared' ? 'lasso coefficient (standardised term and target)' : 'L1 coefficient (standardised term)';
  return termBars('Top L1 interaction terms by coefficient magnitude', values, x, { field: 'degree', type: 'ordinal', title: 'degree', scale: { scheme: 'viridis' } });
}

/** One-vs-rest: up to `limit` terms over all classes (at least each class's strongest), one bar per class and term. */
function classTermsSpec(classes: NonNullable<NonNullable<Report['sparsity']>['classes']>, limit: number): TopLevelSpec | null {
  const perClass = classes.map((c) => c.top.map((t) => ({ ...t, class: c.class })));
  const all = perClass.flat();
  if (all.length === 0) return null;
  const strongest = perClass.flatMap((terms) => terms.slice(0, 1));
  const rest = perClass.flatMap((terms) => terms.slice(1)).sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient));
  const chosen = [...strongest, ...rest].slice(0, Math.max(limit, strongest.length)).sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient));
  const values = chosen.map((t, rank) => ({ term: `${t.features.join('·')} [${t.class}]`, class: t.class, degree: t.degree, coefficient: t.coefficient, magnitude: Math.abs(t.coefficient), rank }));
  return termBars('Top L1 interaction terms of each one-vs-rest class model by coefficient magnitude', values, 'L1 coefficient (standardised term; class against the rest)', {
    field: 'class',
    type: 'nominal',
    title: 'class',
    scale: { scheme: 'category10' },
  });
}

/** Horizontal bars of term coefficients, strongest first (`rank`), one row per term. */
function termBars(description: string, values: readonly { term: string; rank: number }[], xTitle: string, color: Record<string, unknown>): TopLevelSpec {
  return {
    $schema: SCHEMA,
    description,
    width: 'container',
    autosize: FIT_WIDTH,
    height: 22 * values.length,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'term', type: 'nominal', sort: { field: 'rank', op: 'min', order: 'ascending' }, title: null, axis: { labelLimit: 260 } },
      x: { field: 'coefficient', type: 'quantitative', title: xTitle },
      color,
    },
  } as TopLevelSpec;
}

/** Accuracy of every claimed rule with its 95 % interval, and (for the first rule) the accuracy without each feature. */
export function hypothesesSpec(report: Report): TopLevelSpec | null {
  const hyps = report.hypotheses ?? [];
  if (hyps.length === 0) return null;
  const values: { rule: string; variant: string; accuracy: number | null; lo: number | null; hi: number | null; order: number }[] = [];
  hyps.forEach((h, i) => {
    values.push({ rule: h.rule, variant: i === 0 ? 'rule' : `rule ${i + 1}`, accuracy: h.accuracy, lo: finiteOrNull(h.ci95?.[0]), hi: finiteOrNull(h.ci95?.[1]), order: values.length });
  });
  for (const a of hyps[0]?.ablation ?? []) {
    values.push({ rule: a.rule, variant: `without ${a.feature}`, accuracy: a.accuracy, lo: null, hi: null, order: values.length });
  }
  return {
    $schema: SCHEMA,
    description: 'Hypothesis accuracy with 95 % interval, and accuracy without each feature',
    width: 'container',
    autosize: FIT_WIDTH,
    height: 20 * values.length,
    data: { values },
    encoding: { y: { field: 'variant', type: 'nominal', sort: { field: 'order', op: 'min', order: 'ascending' }, title: null } },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: { field: 'accuracy', type: 'quantitative', title: 'accuracy (95 % interval for the rule)', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
          color: { condition: { test: "datum.variant === 'rule'", value: '#009E73' }, value: '#999999' },
        },
      },
      // No fixed colour: the theme's rule colour (the foreground) keeps the interval visible on dark backgrounds.
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'lo', type: 'quantitative', title: 'accuracy (95 % interval for the rule)' }, x2: { field: 'hi' } } },
    ],
  } as TopLevelSpec;
}

function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Bar charts of categorical and boolean features: EVERY level with its row count (not a top few), rare levels and
 * likely misspellings marked. Pure data → spec. One chart per feature (ids `categories-<index>`); a feature with
 * hundreds of levels makes a tall chart, which the panel shows in a scrolling box with the axis on top.
 */
import type { TopLevelSpec } from 'vega-lite';
import { FIT_WIDTH, SCHEMA } from './common';
import type { FeatureReport, Report } from '../report';


export const LEVEL_KINDS = ['level', 'rare', 'likely variant'] as const;
// Okabe–Ito: blue for ordinary levels, orange for rare ones, vermillion for likely misspellings.
export const LEVEL_COLOURS = ['#0072B2', '#E69F00', '#D55E00'] as const;

/** The id of a feature's level chart in the charts record. */
export function categoriesChartId(feature: Pick<FeatureReport, 'index'>): string {
  return `categories-${feature.index}`;
}

/** Every categorical or boolean feature's level chart, by chart id, in feature order. */
export function categoriesSpecs(report: Report): Record<string, TopLevelSpec> {
  const out: Record<string, TopLevelSpec> = {};
  for (const f of report.features) {
    const spec = categoriesSpec(f);
    if (spec) out[categoriesChartId(f)] = spec;
  }
  return out;
}

/**
 * One bar per level. Levels that are all numbers keep their numeric order (a rating 1–5 reads in order); text levels
 * are sorted by count, most frequent first, as the report lists them.
 */
export function categoriesSpec(f: FeatureReport): TopLevelSpec | null {
  const c = f.categories;
  if (!c || c.levels.length === 0) return null;
  const rare = new Set(c.rare);
  const variants = new Map(c.variants.map((v) => [v.value, v.like]));
  const numeric = c.levels.every((l) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(l.value.trim()));
  const ordered = numeric ? [...c.levels].sort((a, b) => Number(a.value) - Number(b.value)) : c.levels;
  const values = ordered.map((l, order) => ({
    level: l.value,
    order,
    count: l.count,
    share: l.share,
    shareText: `${(l.share * 100).toFixed(1)} %`,
    kind: variants.has(l.value) ? 'likely variant' : rare.has(l.value) ? 'rare' : 'level',
    note: variants.has(l.value) ? `probably "${variants.get(l.value)}"` : rare.has(l.value) ? 'under 1 % of rows (or fewer than 5)' : '',
  }));
  const kinds = LEVEL_KINDS.filter((k) => values.some((v) => v.kind === k));
  return {
    $schema: SCHEMA,
    description: `Every level of ${f.name} with its row count`,
    width: 'container',
    autosize: FIT_WIDTH,
    // A fixed height of one 16 px band per level: a step height beside a container width makes Vega-Lite warn.
    height: 16 * values.length,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'level', type: 'nominal', sort: { field: 'order', op: 'min', order: 'ascending' }, title: null, axis: { labelLimit: 150 } },
      // The axis on top: a long list scrolls, and its scale stays in view.
      x: { field: 'count', type: 'quantitative', title: 'rows', axis: { orient: 'top', tickCount: 4 } },
      color: {
        field: 'kind',
        type: 'nominal',
        title: null,
        scale: { domain: [...LEVEL_KINDS], range: [...LEVEL_COLOURS] },
        legend: kinds.length > 1 ? { orient: 'top', direction: 'horizontal', values: kinds } : null,
      },
      tooltip: [
        { field: 'level', type: 'nominal' },
        { field: 'count', type: 'quantitative', format: ',' },
        { field: 'shareText', type: 'nominal', title: 'share' },
        { field: 'note', type: 'nominal', title: 'note' },
      ],
    },
  } as TopLevelSpec;
}

/**
 * Vega-Lite specs for the training view: loss and score curves (train and validation, one colour per series; the
 * score is accuracy for classes, R² for a regression), the early-stopping point, the confusion matrix of a classifier
 * and the predicted-against-actual plot of a regression. Pure data → spec, no vscode, no DOM.
 *
 * The curves read two NAMED data sources, `points` and `best`, so the webview can stream epochs into an embedded
 * view with a changeset (`view.insert('points', rows)`) instead of re-embedding it per epoch. Vega-Lite keeps a
 * top-level `{name}` data source under that name in the compiled Vega spec.
 */
import type { TopLevelSpec } from 'vega-lite';
import { FIT_WIDTH, SCHEMA } from './common';
import type { EnergyMethod } from '../energy/energy';
import type { EpochMetrics, TrainingReport } from '../train/types';

export type CurveMetric = 'loss' | 'accuracy';
/**
 * What the `accuracy` field of the curve points holds: accuracy (classes), R² (a regression: the engine's history
 * keeps R² in its accuracy fields), or both when runs of either kind are overlaid.
 */
export type CurveScore = 'accuracy' | 'r2' | 'mixed';

/** The score's name on an axis, a heading, a tooltip. */
export function scoreTitle(score: CurveScore): string {
  return score === 'r2' ? 'R²' : score === 'mixed' ? 'Accuracy or R²' : 'Accuracy';
}
export const CURVE_DATA = 'points';
export const BEST_DATA = 'best';

/** One row of the curves' `points` data source: one split of one epoch of one series (a run or a seed). */
export interface CurvePoint {
  readonly series: string;
  readonly epoch: number;
  readonly split: 'train' | 'validation';
  readonly loss: number | null;
  readonly accuracy: number | null;
}

/** The early-stopping point of a series: the epoch whose weights were kept. */
export interface BestMark {
  readonly series: string;
  readonly epoch: number;
  readonly loss: number | null;
  readonly accuracy: number | null;
}


/** Non-finite numbers become null: Vega drops them from the line instead of failing on them. */
function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** The rows one epoch adds to the curves (two: train and validation). */
export function epochPoints(series: string, m: Readonly<EpochMetrics>): CurvePoint[] {
  return [
    { series, epoch: m.epoch, split: 'train', loss: finite(m.trainLoss), accuracy: finite(m.trainAccuracy) },
    { series, epoch: m.epoch, split: 'validation', loss: finite(m.valLoss), accuracy: finite(m.valAccuracy) },
  ];
}

/** Every row of a whole history, in epoch order. */
export function curvePoints(series: string, history: readonly Readonly<EpochMetrics>[]): CurvePoint[] {
  return history.flatMap((m) => epochPoints(series, m));
}

/**
 * The best epoch as the engine's early stopping defines it (Keras EarlyStopping(monitor='val_loss',
 * restore_best_weights=True)): the FIRST epoch with the lowest finite validation loss. 0 for an empty history.
 */
export function bestEpochOf(history: readonly Readonly<EpochMetrics>[]): number {
  let best = Infinity;
  let epoch = 0;
  for (const m of history) {
    if (m.valLoss < best) {
      best = m.valLoss;
      epoch = m.epoch;
    }
  }
  return epoch;
}

/** The mark for a series' best epoch, or null when no epoch has a finite validation loss. */
export function bestMark(series: string, history: readonly Readonly<EpochMetrics>[], epoch = bestEpochOf(history)): BestMark | null {
  const m = history.find((h) => h.epoch === epoch);
  return m ? { series, epoch, loss: finite(m.valLoss), accuracy: finite(m.valAccuracy) } : null;
}

/**
 * Loss or score against epoch: solid train and dashed validation lines, one colour per series, and a dotted rule
 * with a point at each series' best epoch (the early-stopping point whose weights were kept). The score axis is
 * [0, 1] for accuracy and R² alike; an R² below 0 (worse than predicting the mean, usual in the first epochs) is
 * drawn at 0 and keeps its value in the tooltip.
 */
export function curvesSpec(metric: CurveMetric, points: readonly CurvePoint[] = [], best: readonly BestMark[] = [], score: CurveScore = 'accuracy'): TopLevelSpec {
  const title =
    metric === 'loss' ? (score === 'r2' ? 'Mean squared error (standardised target)' : score === 'mixed' ? 'Loss (cross-entropy or MSE)' : 'Cross-entropy loss') : scoreTitle(score);
  const valueTitle = metric === 'loss' ? 'loss' : scoreTitle(score);
  const colour = { field: 'series', type: 'nominal', title: 'run', legend: { orient: 'bottom', columns: 3 } } as const;
  return {
    $schema: SCHEMA,
    description: `${title} per epoch, train (solid) and validation (dashed); the dotted rule marks the best epoch`,
    width: 'container',
    autosize: FIT_WIDTH,
    height: 220,
    datasets: { [CURVE_DATA]: points.map((p) => ({ ...p })), [BEST_DATA]: best.map((b) => ({ ...b })) },
    layer: [
      {
        data: { name: CURVE_DATA },
        // No ARIA description per point: a line is one path, whose points a screen reader cannot visit, and the
        // description (a formatted sentence per epoch) was re-made for every point at every live update. The chart's
        // container carries its aria-label, and the best-epoch mark keeps its own description.
        mark: { type: 'line', interpolate: 'linear', strokeWidth: 1.5, clip: true, aria: false },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
          y: { field: metric, type: 'quantitative', title, scale: metric === 'accuracy' ? { domain: [0, 1], clamp: true } : { zero: false } },
          color: colour,
          strokeDash: { field: 'split', type: 'nominal', title: 'split', scale: { domain: ['train', 'validation'], range: [[1, 0], [5, 3]] } },
          detail: { field: 'series', type: 'nominal' },
          tooltip: [
            { field: 'series', type: 'nominal', title: 'run' },
            { field: 'split', type: 'nominal' },
            { field: 'epoch', type: 'quantitative' },
            { field: metric, type: 'quantitative', title: valueTitle, format: '.4f' },
          ],
        },
      },
      {
        data: { name: BEST_DATA },
        mark: { type: 'rule', strokeDash: [2, 2], strokeWidth: 1 },
        encoding: { x: { field: 'epoch', type: 'quantitative' }, color: colour },
      },
      {
        data: { name: BEST_DATA },
        mark: { type: 'point', filled: true, size: 60, shape: 'diamond' },
        encoding: {
          x: { field: 'epoch', type: 'quantitative' },
          y: { field: metric, type: 'quantitative' },
          color: colour,
          tooltip: [
            { field: 'series', type: 'nominal', title: 'run' },
            { field: 'epoch', type: 'quantitative', title: 'best epoch (weights kept)' },
            { field: metric, type: 'quantitative', title: `validation ${valueTitle}`, format: '.4f' },
          ],
        },
      },
    ],
  };
}

/** A regression's test rows as the residual plot draws them (the engine keeps at most RESIDUAL_SAMPLE of them). */
export interface Residuals {
  readonly actual: readonly number[];
  readonly predicted: readonly number[];
  readonly sampled: boolean;
}

/**
 * Predicted against actual values of a regression's test rows, with the line y = x (a perfect prediction) as a
 * dashed rule. Both axes share one domain, so the line is the diagonal and a bias shows as a shift off it; the plot
 * is square for the same reason. Rows with a non-finite value are left out. Null when no row is left.
 */
export function residualSpec(residuals: Residuals, target: string, rows: number): TopLevelSpec | null {
  const values: { actual: number; predicted: number; residual: number }[] = [];
  const n = Math.min(residuals.actual.length, residuals.predicted.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = residuals.actual[i];
    const p = residuals.predicted[i];
    if (!Number.isFinite(a) || !Number.isFinite(p)) continue;
    values.push({ actual: a, predicted: p, residual: p - a });
    lo = Math.min(lo, a, p);
    hi = Math.max(hi, a, p);
  }
  if (values.length === 0) return null;
  if (lo === hi) {
    // One value everywhere: widen so the axes have a span to draw.
    lo -= 0.5;
    hi += 0.5;
  }
  const name = target || 'target';
  // The same scale, title and domain on both layers: the layers share the axes without merging two titles.
  // Few ticks: the plot is 300 px square and long labels (−10, 1,000) would otherwise touch.
  const axis = (title: string) => ({ type: 'quantitative' as const, title, scale: { domain: [lo, hi], nice: true, zero: false }, axis: { tickCount: 5, labelOverlap: true } });
  const x = axis(`actual ${name}`);
  const y = axis(`predicted ${name}`);
  const shown = residuals.sampled ? `a seeded sample of ${values.length.toLocaleString('en-US')} of the ${rows.toLocaleString('en-US')} test rows` : `the ${values.length.toLocaleString('en-US')} test rows`;
  return {
    $schema: SCHEMA,
    description: `Predicted against actual ${name} on ${shown}; the dashed diagonal is a perfect prediction (predicted = actual)`,
    width: 300,
    height: 300,
    layer: [
      {
        data: { values: [{ from: lo, to: hi }] },
        mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1 },
        encoding: { x: { field: 'from', ...x }, y: { field: 'from', ...y }, x2: { field: 'to' }, y2: { field: 'to' } },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: values.length > 500 ? 12 : 24, opacity: values.length > 500 ? 0.45 : 0.7 },
        encoding: {
          x: { field: 'actual', ...x },
          y: { field: 'predicted', ...y },
          tooltip: [
            { field: 'actual', type: 'quantitative', format: '.4~g' },
            { field: 'predicted', type: 'quantitative', format: '.4~g' },
            { field: 'residual', type: 'quantitative', title: 'predicted − actual', format: '.4~g' },
          ],
        },
      },
    ],
  };
}

/** confusion[actual][predicted] as a heat map with the counts written in. */
export function confusionSpec(confusion: readonly (readonly number[])[], classes: readonly string[]): TopLevelSpec {
  const values: { actual: string; predicted: string; count: number; share: number }[] = [];
  confusion.forEach((row, a) => {
    const total = row.reduce((s, v) => s + v, 0);
    row.forEach((count, p) => values.push({ actual: classes[a] ?? String(a), predicted: classes[p] ?? String(p), count, share: total > 0 ? count / total : 0 }));
  });
  const order = classes.map(String);
  return {
    $schema: SCHEMA,
    description: 'Confusion matrix on the test rows: actual class (rows) against predicted class (columns)',
    data: { values },
    width: Math.max(80, 48 * classes.length),
    height: Math.max(80, 48 * classes.length),
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: order, title: 'predicted', axis: { labelAngle: 0 } },
      y: { field: 'actual', type: 'nominal', sort: order, title: 'actual' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'share', type: 'quantitative', title: 'share of actual', scale: { domain: [0, 1], scheme: 'blues' }, legend: null },
          tooltip: [
            { field: 'actual', type: 'nominal' },
            { field: 'predicted', type: 'nominal' },
            { field: 'count', type: 'quantitative' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 13 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          // Dark text on light cells, light text on dark ones: readable in every theme, since the cells bring their own colour.
          color: { condition: { test: 'datum.share > 0.5', value: '#ffffff' }, value: '#000000' },
        },
      },
    ],
  };
}

/** A row of the repeated-runs table. */
export interface RunsTableRow {
  readonly label: string;
  readonly seed: number | null;
  /** The run's test score: accuracy, or R² for a regression (the report's `metric`). */
  readonly accuracy: number;
  readonly epochsRun: number | null;
  /** The run's energy and carbon (null: not measured, or a run saved before energy was recorded). */
  readonly kWh: number | null;
  readonly gCO2eq: number | null;
}

/**
 * The repeated runs of one training (config.runs > 1): one row per seed with its test score, epochs and energy, then
 * the mean ± sample standard deviation row as the engine reported it, and how the energy was obtained (`rapl`: the
 * whole CPU package; `cpuTime`: an estimate from the process's CPU time; null: not recorded). Empty for a single run.
 */
export function runsTable(
  report: Pick<TrainingReport, 'runs' | 'energy'>,
): { rows: RunsTableRow[]; mean: number; sd: number; energyMethod: EnergyMethod | null } | null {
  const r = report.runs;
  if (!r || r.seeds.length < 2) return null;
  const finiteOrNull = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    rows: r.seeds.map((seed, i) => ({
      label: `run ${i + 1}`,
      seed,
      accuracy: r.accuracy[i] ?? NaN,
      epochsRun: r.epochsRun[i] ?? null,
      kWh: finiteOrNull(r.kWh?.[i]),
      gCO2eq: finiteOrNull(r.gCO2eq?.[i]),
    })),
    mean: r.mean,
    sd: r.sd,
    energyMethod: report.energy?.method ?? null,
  };
}

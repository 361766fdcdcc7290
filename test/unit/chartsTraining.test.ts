import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEST_DATA, bestEpochOf, bestMark, confusionSpec, CURVE_DATA, curvePoints, curvesSpec, epochPoints, residualSpec, runsTable } from '../../src/engine/charts/training';
import { cpuTimeEnergy } from '../../src/engine/energy/energy';
import type { EpochMetrics } from '../../src/engine/train/types';

// A frozen history: validation loss falls to its minimum at epoch 3, ties it at epoch 5 (the first wins, as in
// Keras' EarlyStopping with restore_best_weights), then rises.
const HISTORY: readonly EpochMetrics[] = [
  { epoch: 1, trainLoss: 0.69, trainAccuracy: 0.5, valLoss: 0.68, valAccuracy: 0.55, elapsedMs: 1 },
  { epoch: 2, trainLoss: 0.6, trainAccuracy: 0.7, valLoss: 0.61, valAccuracy: 0.68, elapsedMs: 2 },
  { epoch: 3, trainLoss: 0.5, trainAccuracy: 0.8, valLoss: 0.55, valAccuracy: 0.75, elapsedMs: 3 },
  { epoch: 4, trainLoss: 0.45, trainAccuracy: 0.82, valLoss: 0.57, valAccuracy: 0.74, elapsedMs: 4 },
  { epoch: 5, trainLoss: 0.4, trainAccuracy: 0.85, valLoss: 0.55, valAccuracy: 0.76, elapsedMs: 5 },
  { epoch: 6, trainLoss: 0.35, trainAccuracy: 0.88, valLoss: 0.6, valAccuracy: 0.73, elapsedMs: 6 },
];

test('epochPoints: one train and one validation row per epoch, non-finite values as null', () => {
  assert.deepEqual(epochPoints('a', HISTORY[0]), [
    { series: 'a', epoch: 1, split: 'train', loss: 0.69, accuracy: 0.5 },
    { series: 'a', epoch: 1, split: 'validation', loss: 0.68, accuracy: 0.55 },
  ]);
  const diverged = epochPoints('a', { ...HISTORY[0], valLoss: NaN, trainLoss: Infinity });
  assert.equal(diverged[0].loss, null);
  assert.equal(diverged[1].loss, null);
  assert.equal(curvePoints('a', HISTORY).length, 12);
  assert.deepEqual(curvePoints('a', []), []);
});

test('bestEpochOf: the first epoch with the lowest validation loss; 0 when there is none', () => {
  assert.equal(bestEpochOf(HISTORY), 3);
  assert.equal(bestEpochOf([]), 0);
  assert.equal(bestEpochOf([{ ...HISTORY[0], valLoss: NaN }]), 0, 'NaN never counts as lower');
  // A constant validation loss: the first epoch.
  assert.equal(bestEpochOf(HISTORY.map((m) => ({ ...m, valLoss: 0.5 }))), 1);
});

test('bestMark: the validation values at the best epoch (or at an explicit one), null when absent', () => {
  assert.deepEqual(bestMark('a', HISTORY), { series: 'a', epoch: 3, loss: 0.55, accuracy: 0.75 });
  assert.deepEqual(bestMark('a', HISTORY, 5), { series: 'a', epoch: 5, loss: 0.55, accuracy: 0.76 });
  assert.equal(bestMark('a', []), null);
});

test('curvesSpec: named data sources for streaming, train solid and validation dashed, accuracy on [0, 1]', () => {
  const points = curvePoints('run 1', HISTORY);
  const best = [bestMark('run 1', HISTORY)!];
  const spec = curvesSpec('loss', points, best) as unknown as {
    datasets: Record<string, unknown[]>;
    layer: { data: { name: string }; mark: { type: string }; encoding: Record<string, { field?: string; scale?: unknown }> }[];
  };
  assert.deepEqual(Object.keys(spec.datasets).sort(), [BEST_DATA, CURVE_DATA].sort());
  assert.equal(spec.datasets[CURVE_DATA].length, 12);
  assert.equal(spec.datasets[BEST_DATA].length, 1);
  assert.deepEqual(spec.layer.map((l) => [l.data.name, l.mark.type]), [[CURVE_DATA, 'line'], [BEST_DATA, 'rule'], [BEST_DATA, 'point']]);
  assert.equal(spec.layer[0].encoding.y.field, 'loss');
  assert.deepEqual(spec.layer[0].encoding.strokeDash.scale, { domain: ['train', 'validation'], range: [[1, 0], [5, 3]] });
  const acc = curvesSpec('accuracy') as unknown as typeof spec;
  assert.equal(acc.layer[0].encoding.y.field, 'accuracy');
  assert.deepEqual(acc.layer[0].encoding.y.scale, { domain: [0, 1], clamp: true });
  assert.deepEqual(acc.datasets[CURVE_DATA], [], 'an empty view to stream into');
  // The spec's data are copies: streaming into the view never mutates the caller's arrays.
  assert.notEqual(spec.datasets[CURVE_DATA][0], points[0]);
});

test('curvesSpec compiles to Vega with the named sources kept (what view.insert needs)', async () => {
  const { compile } = (await import('vega-lite')) as typeof import('vega-lite');
  const vg = compile(curvesSpec('loss', curvePoints('a', HISTORY), [bestMark('a', HISTORY)!])).spec;
  const names = (vg.data ?? []).map((d) => d.name);
  assert.ok(names.includes(CURVE_DATA) && names.includes(BEST_DATA), `named sources in ${names.join(', ')}`);
  assert.ok(Array.isArray(vg.marks) && vg.marks.length > 0);
});

test('confusionSpec: one cell per (actual, predicted) with counts and row shares', () => {
  const spec = confusionSpec(
    [
      [50, 10],
      [5, 35],
    ],
    ['0', '1'],
  ) as unknown as { data: { values: { actual: string; predicted: string; count: number; share: number }[] } };
  assert.equal(spec.data.values.length, 4);
  assert.deepEqual(spec.data.values[1], { actual: '0', predicted: '1', count: 10, share: 10 / 60 });
  assert.equal(spec.data.values[2].share, 5 / 40);
  // A class with no test rows: shares are 0, not NaN.
  const empty = confusionSpec([[0, 0], [3, 1]], ['a', 'b']) as unknown as typeof spec;
  assert.equal(empty.data.values[0].share, 0);
});

test('runsTable: one row per seed plus the reported mean ± sd; null for a single run', () => {
  const t = runsTable({ runs: { seeds: [42, 43, 44], accuracy: [0.9, 0.8, 0.85], mean: 0.85, sd: 0.05, epochsRun: [30, 40, 35] } });
  assert.ok(t);
  // A run saved before energy was recorded: the energy cells are null, the method unknown.
  assert.deepEqual(t.rows[1], { label: 'run 2', seed: 43, accuracy: 0.8, epochsRun: 40, kWh: null, gCO2eq: null });
  assert.equal(t.energyMethod, null);
  assert.equal(t.mean, 0.85);
  assert.equal(t.sd, 0.05);
  assert.equal(runsTable({}), null);
  assert.equal(runsTable({ runs: { seeds: [42], accuracy: [0.9], mean: 0.9, sd: 0, epochsRun: [10] } }), null);
});

test('runsTable: each seed carries its energy, so runs can be compared; an unmeasured one is null, not 0', () => {
  const energy = cpuTimeEnergy(18, 10, 475, 'worldAverage');
  const t = runsTable({
    runs: { seeds: [1, 2, 3], accuracy: [0.9, 0.8, 0.85], mean: 0.85, sd: 0.05, epochsRun: [3, 4, 5], kWh: [1e-5, 2e-5, null], gCO2eq: [0.00475, 0.0095, null] },
    energy,
  });
  assert.ok(t);
  assert.deepEqual(
    t.rows.map((r) => [r.kWh, r.gCO2eq]),
    [
      [1e-5, 0.00475],
      [2e-5, 0.0095],
      [null, null],
    ],
  );
  assert.equal(t.energyMethod, 'cpuTime');
});

test('curvesSpec for a regression: the score axis is R², the loss the standardised squared error', () => {
  const spec = curvesSpec('accuracy', [], [], 'r2') as unknown as { layer: { encoding: Record<string, { title?: string; scale?: unknown }> }[] };
  assert.equal(spec.layer[0].encoding.y.title, 'R²');
  assert.deepEqual(spec.layer[0].encoding.y.scale, { domain: [0, 1], clamp: true });
  const loss = curvesSpec('loss', [], [], 'r2') as unknown as typeof spec;
  assert.match(String(loss.layer[0].encoding.y.title), /squared error/);
  assert.equal((curvesSpec('accuracy', [], [], 'mixed') as unknown as typeof spec).layer[0].encoding.y.title, 'Accuracy or R²');
  assert.equal((curvesSpec('accuracy') as unknown as typeof spec).layer[0].encoding.y.title, 'Accuracy', 'classifiers unchanged');
});

test('residualSpec: predicted against actual on one shared domain with the y = x rule; non-finite rows left out; null when empty', async () => {
  const spec = residualSpec({ actual: [1, 2, 3, NaN], predicted: [1.5, 1.5, 4, 2], sampled: false }, 'price', 4) as unknown as {
    description: string;
    layer: { data: { values: Record<string, number>[] }; mark: { type: string }; encoding: Record<string, { field?: string; title?: string; scale?: { domain: number[] } }> }[];
  };
  const [rule, points] = spec.layer;
  assert.equal(rule.mark.type, 'rule');
  assert.deepEqual(rule.data.values, [{ from: 1, to: 4 }], 'the diagonal spans every actual and predicted value');
  assert.equal(points.data.values.length, 3);
  assert.deepEqual(points.data.values[0], { actual: 1, predicted: 1.5, residual: 0.5 });
  assert.equal(points.encoding.x.title, 'actual price');
  assert.equal(points.encoding.y.title, 'predicted price');
  assert.deepEqual(points.encoding.x.scale?.domain, [1, 4]);
  assert.deepEqual(points.encoding.y.scale?.domain, [1, 4]);
  // The rule carries the same axes, so the layered chart has one title per axis, not "from, actual price".
  assert.equal(rule.encoding.x.title, 'actual price');
  assert.match(spec.description, /the 3 test rows/);
  const sampled = residualSpec({ actual: [1, 2], predicted: [1, 2], sampled: true }, '', 5000) as unknown as typeof spec;
  assert.match(sampled.description, /seeded sample of 2 of the 5,000 test rows/);
  assert.equal(sampled.layer[1].encoding.x.title, 'actual target');
  assert.equal(residualSpec({ actual: [NaN], predicted: [1], sampled: false }, 'y', 1), null);
  const constant = residualSpec({ actual: [2, 2], predicted: [2, 2], sampled: false }, 'y', 2) as unknown as typeof spec;
  assert.deepEqual(constant.layer[0].data.values, [{ from: 1.5, to: 2.5 }], 'a constant target still gets a span');
  const { compile } = (await import('vega-lite')) as typeof import('vega-lite');
  const vg = compile(spec as never).spec;
  assert.equal((vg.axes ?? []).filter((a) => a.title !== undefined).length, 2, 'two titled axes');
});

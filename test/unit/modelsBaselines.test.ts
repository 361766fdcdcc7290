import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeBaselines, refitOutOfFold } from '../../src/engine/models/baselines';
import { rowLogLoss } from '../../src/engine/models/metrics';
import type { ModelFeature, ModelInput } from '../../src/engine/models/types';
import { createRng } from '../../src/engine/random';

function table(n: number, seed: number, task: 'binary' | 'regression'): ModelInput {
  const rng = createRng(seed);
  const x0 = Float32Array.from({ length: n }, () => rng.normal());
  const x1 = Float32Array.from({ length: n }, () => rng.normal());
  const c = Float32Array.from({ length: n }, () => rng.int(5));
  const features: ModelFeature[] = [
    { name: 'x0', kind: 'numeric', values: x0 },
    { name: 'x1', kind: 'numeric', values: Float32Array.from(x1, (v, r) => (r % 9 === 0 ? NaN : v)) },
    { name: 'c', kind: 'categorical', values: c, levels: 5 },
  ];
  const values = Float64Array.from({ length: n }, (_, r) => {
    const z = 2 * x0[r] + (x1[r] > 0.5 ? 1.5 : 0) + (c[r] === 3 ? 1 : 0);
    // 25 % class 1 on average, with noise; regression: the same signal plus noise.
    return task === 'binary' ? (z + rng.normal() > 1.6 ? 1 : 0) : z + 0.5 * rng.normal();
  });
  values[7] = NaN; // an unlabelled row
  return { rows: n, features, target: { task, values, classes: task === 'binary' ? 2 : 0 } };
}

test('classification: base rate, logistic regression and boosting, with Wilson intervals', () => {
  const input = table(1200, 1, 'binary');
  const progress: number[] = [];
  const result = computeBaselines(input, { seed: 42, onProgress: (f) => progress.push(f) });
  assert.deepEqual(
    result.baselines.map((b) => b.model),
    ['base rate', 'logistic regression (L2, C = 1)', 'gradient boosting (histogram, 100 iterations)'],
  );
  for (const b of result.baselines) {
    assert.equal(b.metric, 'accuracy');
    assert.equal(b.validation, '5-fold CV');
    assert.ok(b.ci95[0] <= b.value && b.value <= b.ci95[1]);
  }
  // The base rate is the majority share of the labelled rows.
  const labels = Array.from(input.target.values).filter((v) => !Number.isNaN(v));
  const majority = Math.max(labels.filter((v) => v === 0).length, labels.filter((v) => v === 1).length) / labels.length;
  assert.ok(Math.abs(result.baselines[0].value - majority) < 1e-9);
  assert.ok(result.baselines[1].value > majority + 0.1 && result.baselines[2].value > majority + 0.1);
  // Out-of-fold predictions for every labelled row, two probabilities each.
  assert.equal(result.plan.evaluated.length, 1199);
  assert.equal(result.truth.length, 1199);
  for (const p of result.predictions) assert.equal(p.outOfFold.predictions.length, 1199 * 2);
  assert.equal(progress.length, 15);
  assert.equal(progress.at(-1), 1);
  // Same seed, same numbers.
  assert.deepEqual(computeBaselines(input, { seed: 42 }).baselines, result.baselines);
});

test('regression: mean (R² ≤ 0 out of fold), ridge and boosting, bootstrap intervals', () => {
  const result = computeBaselines(table(800, 2, 'regression'), { seed: 7, bootstrap: 300 });
  assert.deepEqual(
    result.baselines.map((b) => [b.model, b.metric]),
    [
      ['mean', 'r2'],
      ['ridge (α = 1)', 'r2'],
      ['gradient boosting (histogram, 100 iterations)', 'r2'],
    ],
  );
  const [mean, ridge, gbdt] = result.baselines;
  assert.ok(mean.value <= 0 && mean.value > -0.05, `mean ${mean.value}`);
  assert.ok(ridge.value > 0.7 && gbdt.value > 0.7, `${ridge.value} ${gbdt.value}`);
  for (const b of result.baselines) assert.ok(b.ci95[0] <= b.value && b.value <= b.ci95[1] && b.ci95[1] - b.ci95[0] < 0.2);
});

test('no features: base rate only; a single class or a constant target: base model only', () => {
  const input = table(300, 3, 'binary');
  const bare = computeBaselines({ ...input, features: [] }, { seed: 1 });
  assert.deepEqual(bare.baselines.map((b) => b.model), ['base rate']);
  assert.equal(bare.note, 'no features: base rate only');
  const single = computeBaselines({ ...input, target: { task: 'binary', values: new Float64Array(300), classes: 2 } }, { seed: 1 });
  assert.deepEqual(single.baselines.map((b) => [b.model, b.value]), [['base rate', 1]]);
  assert.equal(single.note, 'a single class: base rate only');
  const constant = computeBaselines(
    { ...input, target: { task: 'regression', values: new Float64Array(300).fill(2), classes: 0 } },
    { seed: 1 },
  );
  // scikit-learn's r2_score on a constant truth predicted exactly is 1 (force_finite).
  assert.deepEqual(constant.baselines.map((b) => [b.model, b.value]), [['mean', 1]]);
  const none = computeBaselines({ ...input, target: { task: 'binary', values: new Float64Array(300).fill(NaN), classes: 2 } }, { seed: 1 });
  assert.deepEqual(none.baselines, []);
});

test('large tables take the seeded hold-out and early stopping', () => {
  const input = table(20_500, 4, 'binary');
  const result = computeBaselines({ ...input, features: input.features.slice(0, 1) }, { seed: 42 });
  assert.equal(result.plan.description, 'hold-out 20 % (seed 42)');
  assert.ok(result.baselines.every((b) => b.validation === 'hold-out 20 % (seed 42)'));
  assert.equal(result.baselines[2].model, 'gradient boosting (histogram, ≤ 100 iterations, early stopping)');
  assert.equal(result.truth.length, Math.ceil(0.2 * 20_499));
});

test('drop-column refits reuse the fold bins and reproduce the baseline when the feature never mattered', () => {
  const base = table(1000, 6, 'binary');
  // Its rare value (5 rows) can never give both children 20 rows: boosting cannot split on it.
  const rare = Float32Array.from({ length: 1000 }, (_, r) => (r % 200 === 0 ? 1 : 0));
  const input: ModelInput = { ...base, features: [...base.features, { name: 'rare', kind: 'numeric', values: rare }] };
  const result = computeBaselines(input, { seed: 3 });
  assert.equal(result.binnedFolds.length, 5);
  const gbdt = result.predictions.find((p) => p.kind === 'gbdt');
  assert.ok(gbdt);
  const [same, dropped, none] = refitOutOfFold(input, result.plan, result.binnedFolds, 'gbdt', [[3], [0], []], { seed: 3 });
  assert.deepEqual(Array.from(same.outOfFold.predictions), Array.from(gbdt.outOfFold.predictions));
  assert.deepEqual(Array.from(none.outOfFold.predictions), Array.from(gbdt.outOfFold.predictions), 'a refit with nothing left out is the baseline');
  assert.equal(same.usage?.splits[3], 0, 'the rare feature was never split on');
  // Dropping the strongest feature costs log-loss on the same rows.
  const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
  const full = mean(rowLogLoss(result.truth, gbdt.outOfFold.predictions, 2));
  assert.ok(mean(rowLogLoss(result.truth, dropped.outOfFold.predictions, 2)) > full + 0.1);
  const linear = result.predictions.find((p) => p.kind === 'linear');
  assert.deepEqual(
    Array.from(refitOutOfFold(input, result.plan, [], 'linear', [[]], { seed: 3 })[0].outOfFold.predictions),
    Array.from(linear?.outOfFold.predictions ?? []),
  );
});

test('cancellation', () => {
  const controller = new AbortController();
  controller.abort();
  assert.throws(() => computeBaselines(table(200, 5, 'binary'), { seed: 1, signal: controller.signal }));
});

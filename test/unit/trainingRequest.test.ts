import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, PRESET_NAMES } from '../../src/engine/train/presets';
import type { EpochProgress, TrainingReport } from '../../src/engine/train/types';
import {
  customSummary,
  epochMessage,
  errorsLine,
  metricOf,
  predictMessage,
  presetsFor,
  requestFitsTask,
  summariseTraining,
  taskOf,
  testScore,
  type PredictSummary,
} from '../../src/features/training/request';

// Frozen reports: a classifier saved before regression existed (no task, no metric) and a regression.
const base = {
  config: { ...DEFAULT_CONFIG, hidden: [72] },
  presetReason: 'r',
  backend: 'fused',
  kernel: 'k',
  features: ['x1', 'x2'],
  split: { train: 6, validation: 2, test: 2, source: 'seeded' },
  parameters: 10,
  history: [],
  bestEpoch: 40,
  epochsRun: 70,
  stoppedEarly: true,
  msPerEpoch: 1,
  totalMs: 1,
} as const;
const OLD_CLASSIFIER = {
  ...base,
  classes: ['0', '1'],
  validation: { rows: 2, accuracy: 0.9, loss: 0.3, confusion: [] },
  test: { rows: 2, accuracy: 0.961, loss: 0.3, confusion: [[1, 0], [0, 1]] },
} as unknown as TrainingReport;
const REGRESSION = {
  ...base,
  classes: [],
  task: 'regression',
  metric: 'r2',
  target: { name: 'price', mean: 10, sd: 2 },
  validation: { rows: 2, accuracy: NaN, loss: 1, confusion: [], r2: 0.8, mae: 1, rmse: 1 },
  test: { rows: 2, accuracy: NaN, loss: 1.5, confusion: [], r2: 0.8734, mae: 1.23456, rmse: 1.5, residuals: { actual: [1, 2], predicted: [1.1, 1.8], sampled: false } },
} as unknown as TrainingReport;

test('a run saved without a task reads as a classifier (binary, or multiclass beyond two classes)', () => {
  assert.equal(taskOf(OLD_CLASSIFIER), 'binary');
  assert.equal(taskOf({ classes: ['a', 'b', 'c'] }), 'multiclass');
  assert.equal(taskOf(REGRESSION), 'regression');
  assert.equal(metricOf(OLD_CLASSIFIER), 'accuracy');
  assert.equal(metricOf(REGRESSION), 'r2');
});

test('the tree line names the task and its test metric, never "accuracy NaN" for a regression', () => {
  assert.equal(summariseTraining(OLD_CLASSIFIER), 'binary · test accuracy 96.1 % · mlp 72 · 70 epochs (best 40)');
  assert.equal(summariseTraining(REGRESSION), 'regression · test R² 0.873 · mlp 72 · 70 epochs (best 40)');
  const linear = { ...REGRESSION, config: { ...REGRESSION.config, model: 'logreg', hidden: [] } } as TrainingReport;
  assert.match(summariseTraining(linear), /^regression · test R² 0\.873 · linear · /);
  for (const r of [REGRESSION, linear]) assert.doesNotMatch(summariseTraining(r) + testScore(r), /accuracy|NaN|—/);
  assert.equal(errorsLine(REGRESSION), 'MAE 1.235, RMSE 1.5');
  assert.equal(errorsLine(OLD_CLASSIFIER), '');
});

test('repeated runs: mean ± sd in the task metric', () => {
  const runs = { seeds: [1, 2, 3], accuracy: [0.85, 0.87, 0.89], mean: 0.87, sd: 0.02, epochsRun: [1, 2, 3] };
  assert.equal(testScore({ ...REGRESSION, runs }), 'test R² 0.870 ± 0.020 over 3 runs');
  assert.equal(testScore({ ...OLD_CLASSIFIER, runs }), 'test accuracy 87.0 % ± 2.0 % over 3 runs');
});

test('the Kryptonite presets (two-class classifiers) are not offered for a regression; a classifier preset does not fit one', () => {
  assert.deepEqual(presetsFor('regression'), []);
  assert.deepEqual(presetsFor('binary'), PRESET_NAMES);
  assert.deepEqual(presetsFor(undefined), PRESET_NAMES, 'unknown task: everything, the engine decides');
  assert.equal(requestFitsTask({ preset: 'N-9' }, 'regression'), false);
  assert.equal(requestFitsTask({ config: { model: 'cnn1d' } }, 'regression'), false);
  assert.equal(requestFitsTask({ preset: 'auto' }, 'regression'), true);
  assert.equal(requestFitsTask({ config: { model: 'logreg' } }, 'regression'), true);
  assert.equal(requestFitsTask({ preset: 'N-9' }, 'binary'), true);
});

test('epoch progress shows R² for a regression and accuracy for classes', () => {
  const p: EpochProgress = { epoch: 3, epochs: 10, run: 1, runs: 1, seed: 1, elapsedMs: 30, trainLoss: 0.2, valLoss: 0.25, trainAccuracy: 0.8, valAccuracy: -0.1234 };
  assert.match(epochMessage(p, 'r2'), /R² 0\.800\/-0\.123 \(train\/val\)/);
  assert.doesNotMatch(epochMessage(p, 'r2'), /acc|%/);
  assert.match(epochMessage(p), /acc 80\.0 %\/-12\.3 %/);
});

test('the Custom summaries show what Train will use', () => {
  const c = { ...DEFAULT_CONFIG, hidden: [64, 32], dropout: [0.1, 0.1], epochs: 200 };
  assert.equal(customSummary(c, 'regression', 'main'), 'MLP 64→32, ≤ 200 epochs');
  assert.equal(customSummary({ ...c, model: 'logreg' }, 'regression', 'main'), 'linear regression, ≤ 200 epochs');
  assert.equal(customSummary({ ...c, model: 'logreg' }, 'binary', 'main'), 'logistic regression, ≤ 200 epochs');
  assert.equal(customSummary(c, 'regression', 'advanced'), 'relu, Adam lr 0.001, batch 128, dropout 0.1/0.1, patience 30, 1 run, seed 42');
  assert.match(customSummary({ ...c, monitor: 'accuracy' }, 'multiclass', 'advanced'), /patience 30 on accuracy/);
});

test('Predict Labels: count, mean and range of a regression\'s values, and the unseen levels by feature', () => {
  const r: PredictSummary = {
    rows: 3,
    task: 'regression',
    classes: [],
    counts: [],
    values: { count: 3, mean: -0.21, min: -2.9594, max: 2.29065 },
    unseen: [{ feature: 'site', levels: ['delta'], rows: 1 }],
    drift: null,
  };
  assert.equal(
    predictMessage(r, 'data/q-predicted.csv', 'y'),
    'Kryptonite: 3 predicted values of y written to data/q-predicted.csv (mean -0.21, range -2.959 … 2.291). Unseen categorical levels, read as no known level — site: 1 row with a level never seen in training ("delta").',
  );
  const classes: PredictSummary = { rows: 4, task: 'binary', classes: ['0', '1'], counts: [3, 1], unseen: [], drift: null };
  assert.equal(predictMessage(classes, 'p.npy'), 'Kryptonite: 4 labels written to p.npy (0: 3, 1: 1)');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHostToTrainingWebview, isHostToWorker, isJob, isTrainingWebviewToHost, isWorkerToHost } from '../../src/protocolGuards';

test('jobs are validated field by field', () => {
  assert.ok(isJob({ kind: 'analyse', path: 'a.csv' }));
  assert.ok(isJob({ kind: 'analyse', path: 'a.csv', label: 3, seed: 1, sparsity: false, budgetBytes: 1024 }));
  assert.ok(isJob({ kind: 'hypothesis', path: 'a.csv', rules: ['bin(x1)'] }));
  for (const bad of [
    null,
    { kind: 'analyse' },
    { kind: 'analyse', path: '' },
    { kind: 'analyse', path: 'a', label: -1 },
    { kind: 'analyse', path: 'a', label: 1.5 },
    { kind: 'analyse', path: 'a', budgetBytes: -5 },
    { kind: 'hypothesis', path: 'a', rules: [1] },
    { kind: 'explode', path: 'a' },
  ]) {
    assert.equal(isJob(bad), false, JSON.stringify(bad));
  }
});

test('host → worker messages need an id, and a start needs a shared cancel flag', () => {
  const flag = new SharedArrayBuffer(4);
  assert.ok(isHostToWorker({ type: 'start', id: 1, job: { kind: 'analyse', path: 'a' }, cancelFlag: flag }));
  assert.ok(isHostToWorker({ type: 'cancel', id: 1 }));
  assert.equal(isHostToWorker({ type: 'start', id: 1, job: { kind: 'analyse', path: 'a' }, cancelFlag: new ArrayBuffer(4) }), false);
  assert.equal(isHostToWorker({ type: 'cancel', id: -1 }), false);
  assert.equal(isHostToWorker({ type: 'explode', id: 1 }), false);
});

test('worker → host messages are checked, including the error shape', () => {
  assert.ok(isWorkerToHost({ type: 'ready' }));
  assert.ok(isWorkerToHost({ type: 'progress', id: 2, stage: 'load', fraction: 0.5, message: 'm' }));
  assert.ok(isWorkerToHost({ type: 'failed', id: 2, error: { kind: 'input', message: 'bad', code: 'emptyFile', file: 'f', row: 3 } }));
  assert.ok(isWorkerToHost({ type: 'done', id: 2, result: { kind: 'hypothesis', outcomes: [] } }));
  assert.equal(isWorkerToHost({ type: 'progress', id: 2, stage: 'load', fraction: NaN, message: 'm' }), false);
  assert.equal(isWorkerToHost({ type: 'failed', id: 2, error: { kind: 'oops', message: 'x' } }), false);
  assert.equal(isWorkerToHost({ type: 'done', id: 2, result: { kind: 'analyse' } }), false);
  assert.equal(isWorkerToHost('ready'), false);
});

test('the train-plan job (a training\'s task and defaults before it trains) and its result are checked', () => {
  assert.ok(isJob({ kind: 'trainPlan', path: 'a.csv' }));
  assert.ok(isJob({ kind: 'trainPlan', path: 'a.csv', label: 'price', task: 'regression', columnTypes: { zip: 'categorical' }, exclude: ['x8'] }));
  assert.equal(isJob({ kind: 'trainPlan', path: 'a.csv', task: 'ordinal' }), false);
  assert.equal(isJob({ kind: 'trainPlan', path: 'a.csv', columnTypes: { zip: 'zipcode' } }), false);
  assert.equal(isJob({ kind: 'trainPlan', path: 'a.csv', exclude: 'x8' }), false);
  assert.ok(isJob({ kind: 'train', path: 'a.csv', task: 'regression', columnTypes: { site: 'categorical' } }), 'a train job carries the task and types too');
  assert.equal(isJob({ kind: 'train', path: 'a.csv', task: 'numbers' }), false);
  const mlp = { model: 'mlp', hidden: [128, 64], activation: 'relu', dropout: [0.2, 0.2], optimizer: 'adam', learningRate: 0.003, momentum: 0.9, batchSize: 32, epochs: 500, patience: 50, seed: 42, runs: 1 };
  const plan = { kind: 'trainPlan', label: 'y', task: 'regression', features: 3, rows: 300, defaults: { mlp } };
  assert.ok(isWorkerToHost({ type: 'done', id: 1, result: plan }));
  assert.ok(isWorkerToHost({ type: 'done', id: 1, result: { ...plan, label: null, task: null, defaults: {} } }));
  assert.equal(isWorkerToHost({ type: 'done', id: 1, result: { ...plan, task: 'guess' } }), false);
  assert.equal(isWorkerToHost({ type: 'done', id: 1, result: { ...plan, defaults: { forest: mlp } } }), false);
  assert.equal(isWorkerToHost({ type: 'done', id: 1, result: { ...plan, defaults: { mlp: { ...mlp, hidden: ['128'] } } } }), false);
});

test('a regression predict result carries its values summary and unseen levels', () => {
  const result = { kind: 'predict', rows: 3, task: 'regression', classes: [], counts: [], values: { count: 3, mean: 1, min: 0, max: 2 }, unseen: [{ feature: 'site', levels: ['delta'], rows: 1 }], drift: null, notes: [] };
  assert.ok(isWorkerToHost({ type: 'done', id: 1, result }));
  assert.equal(isWorkerToHost({ type: 'done', id: 1, result: { ...result, unseen: [{ feature: 'site', levels: [1], rows: 1 }] } }), false);
  assert.equal(isWorkerToHost({ type: 'done', id: 1, result: { ...result, values: { count: 3 } } }), false);
  assert.equal(isWorkerToHost({ type: 'done', id: 1, result: { ...result, task: undefined } }), false);
});

test('training webview: the view names its metric, run details their task, and rendered reports what it drew', () => {
  const details = {
    id: 'r1',
    label: '01-01 00:00:00',
    config: 'c',
    reason: 'why',
    backend: 'fused',
    kernel: 'k',
    bestEpoch: 3,
    epochsRun: 5,
    stoppedEarly: false,
    task: 'regression',
    metric: 'r2',
    target: 'y',
    test: { rows: 60, accuracy: null, loss: 0.2, r2: 0.97, mae: 0.4, rmse: 0.49 },
    confusion: null,
    residuals: { layer: [] },
    residualsSampled: false,
  };
  const view = { type: 'trainingView', dataset: 'file:///a.csv', title: 'a.csv', runs: [], selected: [], charts: {}, metric: 'r2', details: [details], live: null, status: '' };
  assert.ok(isHostToTrainingWebview(view));
  assert.equal(isHostToTrainingWebview({ ...view, metric: 'f1' }), false);
  assert.equal(isHostToTrainingWebview({ ...view, details: [{ ...details, task: 'ranking' }] }), false);
  assert.equal(isHostToTrainingWebview({ ...view, details: [{ ...details, test: { ...details.test, r2: '0.97' } }] }), false);
  assert.equal(isHostToTrainingWebview({ ...view, details: [{ ...details, residuals: 'spec' }] }), false);
  assert.ok(isHostToTrainingWebview({ ...view, details: [{ ...details, excluded: ['x4'] }] }), 'a run names the features the user excluded');
  assert.equal(isHostToTrainingWebview({ ...view, details: [{ ...details, excluded: 'x4' }] }), false);
  assert.equal(isHostToTrainingWebview({ ...view, details: [{ ...details, excluded: [4] }] }), false);
  assert.ok(isTrainingWebviewToHost({ type: 'rendered', points: 4, charts: ['loss', 'residuals-r1'], headings: ['R²'], excluded: ['Excluded by the user: x4'] }));
  assert.equal(isTrainingWebviewToHost({ type: 'rendered', points: 4 }), false);
  assert.equal(isTrainingWebviewToHost({ type: 'rendered', points: 4, charts: ['loss'], headings: ['R²'] }), false, 'the exclusion lines are always reported (none: [])');
  assert.equal(isTrainingWebviewToHost({ type: 'rendered', points: 4, charts: [1], headings: [], excluded: [] }), false);
  assert.equal(isTrainingWebviewToHost({ type: 'rendered', points: 4, charts: [], headings: ['x'.repeat(201)], excluded: [] }), false);
});

test('energy: jobs carry a grid intensity ≥ 0, and the repeated-runs rows their kWh and gCO2eq (null: not measured)', () => {
  assert.ok(isJob({ kind: 'analyse', path: 'a.csv', carbonIntensity: 56 }));
  assert.ok(isJob({ kind: 'train', path: 'a.csv', carbonIntensity: 0 }));
  for (const bad of [-1, '475', NaN, Infinity, null]) {
    assert.equal(isJob({ kind: 'analyse', path: 'a.csv', carbonIntensity: bad }), false, String(bad));
    assert.equal(isJob({ kind: 'train', path: 'a.csv', carbonIntensity: bad }), false, String(bad));
  }
  const row = { label: 'run 1', seed: 1, accuracy: 0.9, epochsRun: 3 };
  const details = { id: 'r1', label: 'l', config: 'c', reason: 'r', backend: 'fused', kernel: 'k', bestEpoch: 1, epochsRun: 3, stoppedEarly: false, task: 'binary', metric: 'accuracy', test: { rows: 10, accuracy: 0.9, loss: 0.3 }, confusion: null };
  const view = (repeated: unknown): unknown => ({ type: 'trainingView', dataset: 'd', title: 't', runs: [], selected: [], charts: {}, metric: 'accuracy', details: [{ ...details, repeated }], live: null, status: '' });
  assert.ok(isHostToTrainingWebview(view({ rows: [row], mean: 0.9, sd: 0 })), 'runs saved before energy existed');
  assert.ok(isHostToTrainingWebview(view({ rows: [{ ...row, kWh: 1e-5, gCO2eq: 0.00475 }, { ...row, kWh: null, gCO2eq: null }], mean: 0.9, sd: 0, energyMethod: 'cpuTime' })));
  assert.ok(isHostToTrainingWebview(view({ rows: [row], mean: 0.9, sd: 0, energyMethod: null })));
  assert.equal(isHostToTrainingWebview(view({ rows: [{ ...row, kWh: '1e-5' }], mean: 0.9, sd: 0 })), false);
  assert.equal(isHostToTrainingWebview(view({ rows: [row], mean: 0.9, sd: 0, energyMethod: 'guess' })), false);
});

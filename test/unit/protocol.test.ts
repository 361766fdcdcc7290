import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHostToWorker, isJob, isWorkerToHost } from '../../src/protocolGuards';

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

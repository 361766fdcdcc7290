import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnTypesFrom, isDatasetChoice, resolveLabel } from '../../src/host/labelResolution';

test('a dataset\'s own label choice wins over the folder default; "No label" turns detection off', () => {
  assert.deepEqual(resolveLabel({}, undefined), {}, 'nothing chosen, no setting: the engine auto-detects');
  assert.deepEqual(resolveLabel({}, 'target'), { label: 'target', source: 'setting' });
  assert.deepEqual(resolveLabel({}, 3), { label: 3, source: 'setting' });
  assert.deepEqual(resolveLabel({ label: 'species' }, 'target'), { label: 'species', source: 'dataset' });
  assert.deepEqual(resolveLabel({ label: null }, 'target'), { detectLabel: false });
  assert.deepEqual(resolveLabel({ label: null, task: 'regression' }, undefined), { detectLabel: false }, 'no label, no task');
  assert.deepEqual(resolveLabel({ label: 'price', task: 'regression' }, undefined), { label: 'price', source: 'dataset', task: 'regression' });
  assert.deepEqual(resolveLabel({ task: 'multiclass' }, undefined), { task: 'multiclass' }, 'a task for the auto-detected label');
});

test('stored choices are checked before use (workspace state is not trusted blindly)', () => {
  assert.ok(isDatasetChoice({}));
  assert.ok(isDatasetChoice({ label: 'y', task: 'binary' }));
  assert.ok(isDatasetChoice({ label: null }));
  assert.ok(!isDatasetChoice({ label: '' }));
  assert.ok(!isDatasetChoice({ label: 3 }));
  assert.ok(!isDatasetChoice({ task: 'ordinal' }));
  assert.ok(!isDatasetChoice(null));
  assert.ok(!isDatasetChoice(['y']));
});

test('the columnTypes setting keeps what the engine understands and names the rest', () => {
  assert.deepEqual(columnTypesFrom({ zip: 'categorical', id: 'identifier', x: 'float', y: 3 }), { types: { zip: 'categorical', id: 'identifier' }, ignored: ['x', 'y'] });
  assert.deepEqual(columnTypesFrom(undefined), { types: {}, ignored: [] });
  assert.deepEqual(columnTypesFrom(['numeric']), { types: {}, ignored: [] });
});

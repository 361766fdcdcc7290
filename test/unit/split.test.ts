import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowMoments, splitRows } from '../../src/engine/split';

test('60/20/20, disjoint, covering every labelled row, sorted, reproducible', () => {
  const s = splitRows(null, 1000, 42);
  assert.deepEqual([s.train.length, s.validation.length, s.test.length], [600, 200, 200]);
  const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: 1000 }, (_, i) => i));
  for (const part of [s.train, s.validation, s.test]) assert.ok(part.every((v, i) => i === 0 || v > part[i - 1]));
  assert.deepEqual(splitRows(null, 1000, 42), s);
  assert.notDeepEqual(splitRows(null, 1000, 43).test, s.test);
});

test('rows with a missing label (-1) are in no part', () => {
  const labels = Int32Array.from({ length: 10 }, (_, i) => (i % 5 === 0 ? -1 : i % 2));
  const s = splitRows(labels, 10, 1);
  const all = [...s.train, ...s.validation, ...s.test];
  assert.equal(all.length, 8);
  assert.ok(!all.includes(0) && !all.includes(5));
});

test('rowMoments uses only the given rows', () => {
  const col = Float32Array.from([1, 2, 3, 100]);
  const m = rowMoments(col, Uint32Array.from([0, 1, 2]));
  assert.equal(m.mean, 2);
  assert.equal(m.sd, 1);
  assert.deepEqual(rowMoments(col, new Uint32Array(0)), { mean: 0, sd: 0 });
});

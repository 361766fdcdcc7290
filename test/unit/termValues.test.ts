import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatherValues, multiplyValues, twoValued } from '../../src/engine/sparsity/termValues';

test('two-valued features: the float32 value of each bit, gathered or multiplied in, as a float32 column of them would give', () => {
  const bits = Uint8Array.of(0, 1, 1, 0, 1);
  const v = twoValued(bits, -0.6123724356957945, 1.6329931618554523);
  assert.equal(v.zero, Math.fround(-0.6123724356957945));
  assert.equal(v.one, Math.fround(1.6329931618554523));
  const column = Float32Array.from(bits, (b) => (b ? 1.6329931618554523 : -0.6123724356957945));
  const rows = Uint32Array.of(4, 0, 2, 2);
  const a = new Float32Array(rows.length);
  const b = new Float32Array(rows.length);
  gatherValues(v, rows, a);
  gatherValues(column, rows, b);
  assert.deepEqual(a, b);
  const x = Float64Array.of(1.5, -2, 3, 0.25);
  const y = Float64Array.from(x);
  multiplyValues(v, rows, x);
  multiplyValues(column, rows, y);
  assert.deepEqual(x, y);
  assert.deepEqual(Array.from(x), [1.5 * v.one, -2 * v.zero, 3 * v.one, 0.25 * v.one]);
});

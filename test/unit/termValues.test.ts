import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatherValues, multiplyAllValues, multiplyValues, twoValued } from '../../src/engine/sparsity/termValues';
import type { TermValues } from '../../src/engine/sparsity/termValues';
import { createRng } from '../../src/engine/random';

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

test('a term of many members multiplied in four at a time: the products of multiplying one member after another, bit for bit', () => {
  const rng = createRng(13);
  const n = 3000;
  // Values whose products round differently in another order: standardised bits with awkward scales, and a float32
  // column, in runs that break the groups of four at every position.
  const members: TermValues[] = Array.from({ length: 23 }, (_, j) => {
    const bits = Uint8Array.from({ length: n }, () => (rng.next() < 0.3 + j / 50 ? 1 : 0));
    if (j % 7 === 5) return Float32Array.from({ length: n }, () => rng.normal() * 3.3);
    const q = 0.3 + j / 50;
    const sd = Math.sqrt(q * (1 - q));
    return twoValued(bits, -q / sd, (1 - q) / sd);
  });
  const rows = Uint32Array.from({ length: 1700 }, () => Math.floor(rng.next() * n));
  for (const count of [0, 1, 3, 4, 5, 8, 11, 23]) {
    const start = Float64Array.from(rows, () => rng.normal());
    const fused = Float64Array.from(start);
    const oneByOne = Float64Array.from(start);
    multiplyAllValues(members.slice(0, count), rows, fused);
    for (const v of members.slice(0, count)) multiplyValues(v, rows, oneByOne);
    assert.deepEqual(fused, oneByOne, `${count} members`);
  }
  // The check can fail: the same members multiplied in another order give other bits somewhere.
  const reversed = Float64Array.from(rows, () => 1);
  const forward = Float64Array.from(rows, () => 1);
  multiplyAllValues(members.slice(0, 11).reverse(), rows, reversed);
  multiplyAllValues(members.slice(0, 11), rows, forward);
  assert.notDeepEqual(reversed, forward);
});

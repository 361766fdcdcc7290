import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskMembers, popcount, productTransform, termCount } from '../../src/engine/sparsity/transform';
import { buildCellTable, cellIndex } from '../../src/engine/sparsity/cells';
import { createRng } from '../../src/engine/random';

test('with kernel (1, −1) the product transform is the Walsh–Hadamard transform', () => {
  const a = Float64Array.from([1, 0, 1, 0, 0, 1, 1, 0]);
  productTransform(a, 3, [1, 1, 1], [-1, -1, -1]);
  // Hadamard (Sylvester order) times a, by hand.
  assert.deepEqual([...a], [4, 2, 0, -2, 0, 2, 0, 2]);
});

test('A(T) = Σ_c a[c]·Π_{j∈T} s_{bit_j(c)}[j] for every subset, against brute force', () => {
  const rng = createRng(1);
  const k = 5;
  const a = Float64Array.from({ length: 1 << k }, () => rng.normal());
  const s0 = Array.from({ length: k }, () => rng.normal());
  const s1 = Array.from({ length: k }, () => rng.normal());
  const fast = Float64Array.from(a);
  productTransform(fast, k, s0, s1);
  for (let t = 0; t < 1 << k; t++) {
    let brute = 0;
    for (let c = 0; c < 1 << k; c++) {
      let phi = 1;
      for (const j of maskMembers(t)) phi *= (c >> j) & 1 ? s1[j] : s0[j];
      brute += a[c] * phi;
    }
    assert.ok(Math.abs(brute - fast[t]) < 1e-9, `T=${t}`);
  }
});

test('popcount, members and term counts', () => {
  assert.equal(popcount(0), 0);
  assert.equal(popcount(0b1011), 3);
  assert.equal(popcount(0x7fffffff), 31);
  assert.deepEqual(maskMembers(0b100101), [0, 2, 5]);
  assert.equal(termCount(9, 1, 9), 511);
  assert.equal(termCount(12, 1, 12), 4095);
  assert.equal(termCount(5, 2, 3), 20);
  assert.equal(termCount(4, 0, 0), 1);
});

test('cell tables count rows and positives per occupied cell', () => {
  const bits = [Uint8Array.from([0, 1, 1, 0, 1]), Uint8Array.from([0, 0, 1, 1, 1])];
  const cells = cellIndex(bits, 5);
  assert.deepEqual([...cells], [0, 1, 3, 2, 3]);
  const labels = Int32Array.from([1, 0, 1, 1, 0]);
  const t = buildCellTable(2, cells, labels, Uint32Array.from([0, 1, 2, 3, 4]));
  assert.deepEqual([...t.cells], [0, 1, 2, 3]);
  assert.deepEqual([...t.count], [1, 1, 1, 2]);
  assert.deepEqual([...t.positives], [1, 0, 1, 1]);
  const part = buildCellTable(2, cells, labels, Uint32Array.from([2, 4]));
  assert.deepEqual([...part.cells], [3]);
  assert.equal(part.rows, 2);
});

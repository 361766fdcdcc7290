import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, permutation } from '../../src/engine/random';

test('the same seed gives the same stream; different seeds differ', () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.next()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.next()));
});

test('uniform and normal deviates have the right moments', () => {
  const rng = createRng(7);
  const n = 200000;
  let s = 0;
  let s2 = 0;
  let z1 = 0;
  let z2 = 0;
  let z4 = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
    const z = rng.normal();
    z1 += z;
    z2 += z * z;
    z4 += z ** 4;
  }
  assert.ok(Math.abs(s / n - 0.5) < 0.005);
  assert.ok(Math.abs(s2 / n - 1 / 3) < 0.005);
  assert.ok(Math.abs(z1 / n) < 0.01);
  assert.ok(Math.abs(z2 / n - 1) < 0.01);
  assert.ok(Math.abs(z4 / n - 3) < 0.06);
});

test('permutation is a permutation', () => {
  const p = permutation(1000, createRng(1));
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.notDeepEqual([...p], Array.from({ length: 1000 }, (_, i) => i));
});

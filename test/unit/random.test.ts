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

/** xoshiro128** (Blackman & Vigna 2018) seeded by splitmix32, as published, with the state in plain variables. */
function referenceXoshiro(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c = (c ^ a) >>> 0;
    d = (d ^ b) >>> 0;
    b = (b ^ c) >>> 0;
    a = (a ^ d) >>> 0;
    c = (c ^ t) >>> 0;
    d = rotl(d, 11);
    return result;
  };
  return () => ((nextU32() >>> 5) * 67108864 + (nextU32() >>> 6)) / 9007199254740992;
}

test('the stream is xoshiro128** seeded by splitmix32, draw for draw, and its first values are pinned', () => {
  for (const seed of [0, 1, 42, 0x9e3779b9, 0xffffffff, 123456789]) {
    const ours = createRng(seed);
    const reference = referenceXoshiro(seed);
    for (let i = 0; i < 20_000; i++) {
      const want = reference();
      const got = ours.next();
      if (got !== want) assert.fail(`seed ${seed}, draw ${i}: ${got} vs ${want}`);
    }
  }
  // Every seeded analysis depends on these: a change to the generator changes every report.
  const rng = createRng(42);
  assert.deepEqual(Array.from({ length: 3 }, () => rng.int(1000)), [660, 111, 79]);
  assert.deepEqual([...permutation(8, createRng(7))], [4, 0, 7, 5, 2, 6, 3, 1]);
});

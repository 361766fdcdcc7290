import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { sampleIndices, stratifiedSample } from '../../src/engine/stats/sampling';

test('sampleIndices: k distinct sorted indices in range, all of them when k ≥ n', () => {
  const s = sampleIndices(10_000, 500, createRng(11));
  assert.equal(s.length, 500);
  assert.equal(new Set(s).size, 500);
  for (let i = 1; i < s.length; i++) assert.ok(s[i] > s[i - 1]);
  assert.ok(s[0] >= 0 && s[s.length - 1] < 10_000);
  assert.deepEqual(sampleIndices(4, 9, createRng(1)), [0, 1, 2, 3]);
  // Floyd's algorithm is uniform: each index is picked with probability k/n. 20 000 draws of 3 from 10 → 6000 each.
  const counts = new Array<number>(10).fill(0);
  const rng = createRng(12);
  for (let r = 0; r < 20_000; r++) for (const i of sampleIndices(10, 3, rng)) counts[i]++;
  for (const c of counts) assert.ok(Math.abs(c - 6000) < 300, `${counts}`); // sd ≈ 65
});

test('stratifiedSample: at most perStratum rows per stratum, sorted, missing codes never drawn', () => {
  const strata = Int32Array.from({ length: 10_000 }, (_, i) => (i % 97 === 0 ? -1 : i % 10 === 0 ? 2 : i % 3));
  const s = stratifiedSample(strata, 4, 200, createRng(3));
  const perStratum = [0, 0, 0, 0];
  for (let k = 0; k < s.length; k++) {
    if (k > 0) assert.ok(s[k] > s[k - 1]);
    assert.ok(strata[s[k]] >= 0);
    perStratum[strata[s[k]]]++;
  }
  assert.deepEqual(perStratum, [200, 200, 200, 0]); // stratum 3 is empty
  // A stratum smaller than perStratum is taken whole: a rare class is never lost.
  const rare = Int32Array.from({ length: 1000 }, (_, i) => (i < 5 ? 1 : 0));
  const r = stratifiedSample(rare, 2, 50, createRng(4));
  assert.equal(r.length, 55);
  assert.deepEqual(Array.from(r.subarray(0, 5)), [0, 1, 2, 3, 4]);
  assert.deepEqual(stratifiedSample(rare, 2, 50, createRng(4)), r); // same seed, same sample
  assert.equal(stratifiedSample([], 3, 10, createRng(1)).length, 0);
  assert.equal(stratifiedSample([NaN, -1], 1, 10, createRng(1)).length, 0);
  assert.throws(() => stratifiedSample([0, 3], 2, 10, createRng(1)), RangeError);
  assert.throws(() => stratifiedSample([0], 1, -1, createRng(1)), RangeError);
});

test('sampleIndices: the bit-array path chooses exactly what Floyd\'s algorithm with a Set chooses, for the same draws', () => {
  const floyd = (n: number, k: number, seed: number): number[] => {
    const rng = createRng(seed);
    const chosen = new Set<number>();
    for (let j = n - k; j < n; j++) {
      const t = rng.int(j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    return [...chosen].sort((a, b) => a - b);
  };
  for (const [n, k] of [
    [33, 2],
    [64, 63],
    [1_000, 40],
    [100_000, 65_536],
    [1_000_003, 81_699],
    [2_000_000, 62_500], // exactly 32 rows per sampled one
  ]) {
    for (const seed of [1, 2]) assert.deepEqual(sampleIndices(n, k, createRng(seed)), floyd(n, k, seed), `n ${n}, k ${k}, seed ${seed}`);
  }
});

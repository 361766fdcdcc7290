import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cachedTermPredictor, termPredictor } from '../../src/engine/sparsity/predict';
import { twoValued } from '../../src/engine/sparsity/termValues';
import { createRng } from '../../src/engine/random';

test('the cached drop-one predictor gives termPredictor bit for bit, for binarised and float32 values, cached or not', () => {
  const rng = createRng(5);
  const n = 2000;
  const bits = Array.from({ length: 4 }, () => Uint8Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0)));
  const values = [
    ...bits.map((b) => twoValued(b, -0.8164966, 1.2247449)),
    Float32Array.from({ length: n }, () => rng.normal()),
    Float32Array.from({ length: n }, () => rng.normal() * 3),
  ];
  const model = {
    intercept: 0.31,
    terms: [
      { features: [0, 1, 2, 3], coefficient: 2.7 },
      { features: [4], coefficient: -0.4 },
      { features: [1, 5], coefficient: 0.05 },
      { features: [0, 4, 5], coefficient: 1e-3 },
    ],
  };
  const rows = Uint32Array.from({ length: 700 }, (_, u) => (u * 7) % n);
  for (const maxBytes of [Infinity, 0]) {
    const cached = cachedTermPredictor(model, values, rows, maxBytes);
    for (const drop of [-1, 0, 1, 2, 3, 4, 5, 6]) {
      assert.deepEqual(cached(drop), termPredictor(model, values, rows, drop), `drop ${drop}, cache ${maxBytes}`);
    }
  }
  // A binarised value is one of its two float32-rounded values.
  const v = termPredictor({ intercept: 0, terms: [{ features: [0], coefficient: 1 }] }, values, Uint32Array.of(0, 1, 2));
  for (let u = 0; u < 3; u++) assert.equal(v[u], bits[0][u] ? Math.fround(1.2247449) : Math.fround(-0.8164966));
});

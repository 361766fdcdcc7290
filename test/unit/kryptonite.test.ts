import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFloat32, generateKryptonite, kryptoniteCsvChunks } from '../../src/engine/synth/kryptonite';

test('N/3 features are burst-like and irrelevant; the label is their complement parity with the stated noise', () => {
  for (const n of [9, 12, 15, 18, 24, 30, 45]) {
    const d = generateKryptonite({ n, seed: n, rows: 4000 });
    const bursts = d.truth.shapes.filter((s) => s === 'burst').length;
    assert.equal(bursts, Math.round(n / 3), `N=${n}`);
    assert.deepEqual(d.truth.relevant, d.truth.shapes.flatMap((s, i) => (s === 'burst' ? [] : [i])));
    // Recompute the parity from the data itself: binarise at 0.5.
    let agree = 0;
    for (let r = 0; r < 4000; r++) {
      let parity = 0;
      for (const f of d.truth.relevant) parity ^= d.columns[f][r] > 0.5 ? 1 : 0;
      if (parity === d.labels[r]) agree++;
    }
    // Spread-like (Laplace) noise crosses 0.5 for ≈ 0.3 % of values per feature, so binarised parity agrees slightly
    // less than the noiseless parity does.
    assert.ok(agree / 4000 <= d.truth.parityAccuracy + 1e-12);
    assert.ok(agree / 4000 > 0.9, `N=${n}: ${agree / 4000}`);
    assert.ok(Math.abs(d.truth.parityAccuracy - 0.96) < 0.015, `N=${n}: ${d.truth.parityAccuracy}`);
  }
});

test('burst-like noise is bounded by ±0.025 around 0 and 1', () => {
  const d = generateKryptonite({ n: 9, seed: 3 });
  d.truth.shapes.forEach((s, f) => {
    if (s !== 'burst') return;
    for (const v of d.columns[f]) assert.ok(Math.min(Math.abs(v), Math.abs(v - 1)) <= 0.025 + 1e-7);
  });
});

test('same seed, same data; CSV text round-trips float32 exactly', () => {
  const a = generateKryptonite({ n: 6, seed: 9, rows: 300 });
  const b = generateKryptonite({ n: 6, seed: 9, rows: 300 });
  assert.deepEqual(a.columns, b.columns);
  assert.deepEqual(a.labels, b.labels);
  const text = [...kryptoniteCsvChunks(a, 64)].join('');
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'x1,x2,x3,x4,x5,x6,y');
  assert.equal(lines.length, 301);
  const cells = lines[1].split(',');
  for (let f = 0; f < 6; f++) assert.equal(Math.fround(Number(cells[f])), a.columns[f][0]);
  for (const v of [0.1, -0.025, 1.0000001, 3.4e38, 1e-40]) assert.equal(Math.fround(Number(formatFloat32(Math.fround(v)))), Math.fround(v));
});

test('rejects a feature count below 2', () => {
  assert.throws(() => generateKryptonite({ n: 1, seed: 1 }), /n must be an integer ≥ 2/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parityAgreement, searchParity } from '../../src/engine/sparsity/parity';
import { createRng } from '../../src/engine/random';
import { splitRows } from '../../src/engine/split';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';

const binarise = (cols: Float32Array[]): Uint8Array[] => cols.map((c) => Uint8Array.from(c, (v) => (v > 0.5 ? 1 : 0)));

test('finds the planted parity at N = 9, 30 and 45 exactly', () => {
  for (const n of [9, 30, 45]) {
    const d = generateKryptonite({ n, seed: 100 + n });
    const split = splitRows(d.labels, d.labels.length, 3);
    const r = searchParity({ bits: binarise(d.columns), labels: d.labels, rows: split.train, checkRows: split.validation, rng: createRng(n) });
    assert.deepEqual(r.features, d.truth.relevant, `N=${n}`);
    assert.equal(r.negated, false);
    assert.ok(Math.abs(r.agreement - d.truth.parityAccuracy) < 0.02, `N=${n}: ${r.agreement}`);
  }
});

test('a negated parity comes back with negated = true', () => {
  const d = generateKryptonite({ n: 9, seed: 8 });
  const flipped = Int32Array.from(d.labels, (v) => 1 - v);
  const split = splitRows(flipped, flipped.length, 3);
  const r = searchParity({ bits: binarise(d.columns), labels: flipped, rows: split.train, checkRows: split.validation, rng: createRng(1) });
  assert.deepEqual(r.features, d.truth.relevant);
  assert.equal(r.negated, true);
});

test('random labels: nothing found, and the report says what could have been detected', () => {
  const d = generateKryptonite({ n: 12, seed: 5, rows: 6000 });
  const rng = createRng(77);
  const labels = Int32Array.from({ length: 6000 }, () => (rng.next() < 0.5 ? 1 : 0));
  const split = splitRows(labels, 6000, 3);
  const r = searchParity({ bits: binarise(d.columns), labels, rows: split.train, checkRows: split.validation, rng: createRng(2), maxAttempts: 300 });
  assert.equal(r.features, null);
  assert.equal(r.attempts, 300);
  assert.ok(r.agreement < 0.56);
  assert.ok(r.detectableNoise > 0.05 && r.detectableNoise < 0.2, String(r.detectableNoise));
});

test('parityAgreement counts matching rows', () => {
  const bits = [Uint8Array.from([0, 1, 1, 0]), Uint8Array.from([0, 0, 1, 1])];
  const labels = Int32Array.from([0, 1, 0, 0]);
  const rows = Uint32Array.from([0, 1, 2, 3]);
  assert.equal(parityAgreement(bits, labels, rows, [0, 1], false), 0.75);
  assert.equal(parityAgreement(bits, labels, rows, [0, 1], true), 0.25);
});

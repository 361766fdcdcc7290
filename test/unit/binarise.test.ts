import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binarisation, binariseColumn } from '../../src/engine/binarise';
import { describeFeature } from '../../src/engine/stats/shape';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';

test('two-peak features are cut in the gap between the peaks, near 0.5 for Kryptonite data', () => {
  const d = generateKryptonite({ n: 6, seed: 3 });
  for (const col of d.columns) {
    const f = describeFeature(col);
    const b = binarisation(f.modes, f.summary, f.values);
    assert.equal(b.rule, 'gap');
    assert.ok(Math.abs(b.threshold - 0.5) < 0.2, String(b.threshold));
  }
});

test('two-valued columns are cut between their values; anything else at the mean', () => {
  const binary = describeFeature(Float32Array.from([2, 5, 5, 2, 5]));
  assert.deepEqual(binarisation(binary.modes, binary.summary, binary.values), { threshold: 3.5, rule: 'binary', description: 'between its two values 2 and 5' });
  const flat = describeFeature(Float32Array.from({ length: 500 }, (_, i) => i / 10));
  const b = binarisation(flat.modes, flat.summary, flat.values);
  assert.equal(b.rule, 'mean');
  assert.ok(Math.abs(b.threshold - 24.95) < 1e-9);
});

test('binariseColumn: strictly above the threshold is 1; NaN is 0', () => {
  assert.deepEqual([...binariseColumn(Float32Array.from([0.2, 0.5, 0.7, NaN, -1]), 0.5)], [0, 0, 1, 0, 0]);
});

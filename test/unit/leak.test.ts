import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LEAK_BINS, quantileCodes } from '../../src/engine/alerts/leak';
import { createRng } from '../../src/engine/random';

/** The codes by a plain upper-bound binary search over the same cuts (the strided sample's 31 quantiles). */
function reference(col: Float32Array, count: number): Int32Array {
  const stride = Math.max(1, Math.floor(count / 65_536));
  const present: number[] = [];
  for (let i = 0, seen = 0; i < col.length; i++) if (col[i] === col[i] && seen++ % stride === 0) present.push(col[i]);
  const sorted = Float64Array.from(present).sort();
  const cuts: number[] = [];
  for (let b = 1; b < LEAK_BINS; b++) cuts.push(sorted[Math.floor((b * sorted.length) / LEAK_BINS)]);
  return Int32Array.from(col, (v) => {
    if (v !== v) return -1;
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v >= cuts[mid]) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

test('quantileCodes: 32 equal-count bins, ties and missing cells as an upper-bound search over the cuts gives them', () => {
  const rng = createRng(3);
  const cases: Float32Array[] = [
    Float32Array.from({ length: 5000 }, () => rng.next()),
    Float32Array.from({ length: 5000 }, () => Math.floor(rng.next() * 7)), // heavy ties: many equal cuts
    Float32Array.from({ length: 200_000 }, (_, i) => (i % 13 === 0 ? NaN : rng.normal())), // strided cuts, missing cells
    Float32Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? -Infinity : Infinity)),
  ];
  for (const [k, col] of cases.entries()) {
    let count = 0;
    for (const v of col) if (v === v) count++;
    const codes = quantileCodes(col, count);
    assert.deepEqual(codes, reference(col, count), `case ${k}`);
    const used = new Set(codes);
    assert.ok(k !== 0 || used.size === LEAK_BINS, 'continuous values fill every bin');
  }
});

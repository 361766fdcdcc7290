import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LEAK_BINS, LEAK_SCREEN_MARGIN, LEAK_SCREEN_ROWS, leakScoreKernel, leakScreen, leakScreenRows, quantileCodes } from '../../src/engine/alerts/leak';
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

test('the screened leak check clears a feature only far below the threshold, and scores a leak on every row', () => {
  const rng = createRng(4);
  const rows = 300_000;
  const labels = Int32Array.from({ length: rows }, () => (rng.next() < 0.5 ? 1 : 0));
  // A leak (the label plus a little noise, 0.6 % of rows flipped), a near-leak just under the threshold (3 % of rows
  // flipped: 0.97 on every row, within the screen's margin, so it is scored on every row too) and a weak feature.
  const leak = Float32Array.from(labels, (y) => (rng.next() < 0.006 ? 1 - y : y) + 0.01 * rng.normal());
  const near = Float32Array.from(labels, (y) => (rng.next() < 0.03 ? 1 - y : y) + 0.01 * rng.normal());
  const weak = Float32Array.from(labels, (y) => 0.3 * y + rng.normal());
  const columns = [leak, near, weak];
  const screenRows = leakScreenRows(rows, true);
  assert.ok(screenRows && screenRows.length === LEAK_SCREEN_ROWS && screenRows.every((r, k) => r < rows && (k === 0 || r > screenRows[k - 1])));
  const screen = leakScreen(labels);
  assert.ok(screen && screen.rows.every((r, k) => r === screenRows[k] && screen.labels[k] === labels[r]), 'the sample rows and their labels');
  assert.equal(leakScreen(null), null);
  assert.equal(leakScreenRows(2 * LEAK_SCREEN_ROWS, true), null, 'small tables are scored on every row at once');
  assert.equal(leakScreenRows(rows, false), null, 'a numeric target is never screened');
  const base = { columns, labels, classes: 2, target: null, threshold: 0.99 };
  const task = (feature: number) => ({ feature, count: rows, bins: true, rank: false });
  for (const feature of [0, 1]) {
    // Within the margin: the score of every row, the same as without a screen.
    const screened = leakScoreKernel({ ...base, screen }, task(feature));
    const full = leakScoreKernel({ ...base, screen: null }, task(feature));
    assert.deepEqual(screened, full, `feature ${feature}`);
    assert.equal(screened?.kind === 'bins' && screened.rows, rows);
  }
  const fullLeak = leakScoreKernel({ ...base, screen: null }, task(0));
  assert.ok(fullLeak?.kind === 'bins' && fullLeak.value >= 0.99, 'the leak reaches the threshold');
  // Far below: cleared on the sample, never scored on every row.
  const fullWeak = leakScoreKernel({ ...base, screen: null }, task(2));
  assert.ok(fullWeak?.kind === 'bins' && fullWeak.value < 0.95 - LEAK_SCREEN_MARGIN);
  assert.equal(leakScoreKernel({ ...base, screen }, task(2)), null);
});

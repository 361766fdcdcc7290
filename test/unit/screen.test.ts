import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { screenLowOrder } from '../../src/engine/sparsity/screen';
import type { ScreenTarget } from '../../src/engine/sparsity/screen';
import { createRng } from '../../src/engine/random';
import { ThreadTaskRunner } from '../../src/worker/taskPool';

const SCRIPT = join(__dirname, '..', 'support', 'taskWorkerTs.cjs');

/** The screen's z of every single and pair, computed the plain way: float32 product columns, sums in row order. */
function reference(bits: Uint8Array[], s0: Float64Array, s1: Float64Array, targets: ScreenTarget[], rows: Uint32Array): Map<string, number> {
  const n = rows.length;
  const values = bits.map((b, j) => Float32Array.from(rows, (r) => (b[r] ? s1[j] : s0[j])));
  const out = new Map<string, number>();
  const score = (x: Float32Array, key: string): void => {
    let xx = 0;
    for (let u = 0; u < n; u++) xx += x[u] * x[u];
    targets.forEach((t, k) => {
      let xy = 0;
      for (let u = 0; u < n; u++) xy += x[u] * t.resid[u];
      out.set(`${key}|${k}`, xx > 0 && t.sd > 0 ? (xy / Math.sqrt(xx * n) / t.sd) * Math.sqrt(n) : 0);
    });
  };
  for (let a = 0; a < bits.length; a++) score(values[a], `x${a}`);
  for (let a = 0; a < bits.length; a++) for (let b = a + 1; b < bits.length; b++) score(Float32Array.from(values[a], (v, u) => Math.fround(v * values[b][u])), `x${a}·x${b}`);
  return out;
}

/** Each feature's two standardised values on the rows (mean 0, sd 1 there), as the binarisation computes them. */
function standardised(bits: readonly Uint8Array[], rows: Uint32Array): { s0: Float64Array; s1: Float64Array } {
  const s0 = new Float64Array(bits.length);
  const s1 = new Float64Array(bits.length);
  bits.forEach((b, j) => {
    let ones = 0;
    for (const r of rows) ones += b[r];
    const q = ones / rows.length;
    const sd = Math.sqrt(q * (1 - q));
    s0[j] = -q / sd;
    s1[j] = (1 - q) / sd;
  });
  return { s0, s1 };
}

test('the low-order screen from bits gives the z of every single and pair as float32 product columns do, for one target or several, on any thread count', async () => {
  const rng = createRng(21);
  const N = 6000;
  const p = 9;
  const bits = Array.from({ length: p }, (_, j) => Uint8Array.from({ length: N }, () => (rng.next() < 0.2 + 0.07 * j ? 1 : 0)));
  // A planted pair effect (x2 AND x5) and a main effect (x7); the rest is noise.
  const y = Float64Array.from({ length: N }, (_, i) => (bits[2][i] & bits[5][i] ? 0.9 : 0) + 0.5 * bits[7][i] + rng.normal());
  const rows = Uint32Array.from({ length: 4000 }, (_, u) => u * 1 + (u % 3)); // a subset, not in storage order everywhere
  const { s0, s1 } = standardised(bits, rows);
  const target = (values: Float64Array): ScreenTarget => {
    const v = Float64Array.from(rows, (r) => values[r]);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const resid = v.map((x) => x - mean);
    const sd = Math.sqrt(resid.reduce((a, b) => a + b * b, 0) / resid.length);
    return { resid, sd };
  };
  const names = Array.from({ length: p }, (_, j) => `x${j}`);
  for (const targets of [[target(y)], [target(y), target(y.map((v) => -v)), target(y.map((v, i) => v * (i % 2))), target(y.map((v) => v * v))]]) {
    const ref = reference(bits, s0, s1, targets, rows);
    const check = (screen: ReturnType<typeof screenLowOrder>, how: string): void => {
      assert.equal(screen.terms, p + (p * (p - 1)) / 2, how);
      for (const t of screen.significant) {
        const k = targets.length === 1 ? 0 : Number(t.class);
        const expected = ref.get(`${t.features.join('·')}|${k}`);
        assert.ok(expected !== undefined && Math.abs(t.z - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${how}: ${t.features.join('·')} z ${t.z} vs ${expected}`);
      }
      const strongest = [...ref.entries()].sort((x, y2) => Math.abs(y2[1]) - Math.abs(x[1]))[0];
      assert.ok(Math.abs(Math.abs(screen.strongest!.z) - Math.abs(strongest[1])) <= 1e-9 * Math.abs(strongest[1]), `${how}: strongest`);
      const found = screen.significant.map((t) => t.features.join('·'));
      assert.ok(found.includes('x2·x5') && found.includes('x7'), `${how}: the planted pair and main effect are found (${found.join(', ')})`);
    };
    const tagged = targets.map((t, k) => (targets.length > 1 ? { ...t, class: String(k) } : t));
    const inline = screenLowOrder(bits, s0, s1, tagged, rows, names);
    check(inline, `${targets.length} target(s), inline`);
    const rowBits = bits.map((b) => Uint8Array.from(rows, (r) => b[r]));
    assert.deepEqual(screenLowOrder(bits, s0, s1, tagged, rows, names, undefined, undefined, rowBits), inline, 'bits gathered beforehand');
    for (const threads of [2, 4]) {
      const runner = new ThreadTaskRunner({ script: SCRIPT, threads, minWork: 0 });
      try {
        assert.deepEqual(screenLowOrder(bits, s0, s1, tagged, rows, names, undefined, runner), inline, `${threads} threads`);
      } finally {
        await runner.close();
      }
    }
  }
});

test('a two-class target is screened by counts of packed bits: the z of the row sums, inline and on 2 threads', async () => {
  const rng = createRng(5);
  const N = 5000;
  const p = 7;
  const bits = Array.from({ length: p }, (_, j) => Uint8Array.from({ length: N }, () => (rng.next() < 0.3 + 0.05 * j ? 1 : 0)));
  // The label is x1 XOR x4 with 10 % noise, plus a main effect of x6: a pair and a single to find.
  const label = Uint8Array.from({ length: N }, (_, i) => ((bits[1][i] ^ bits[4][i]) === 1 ? rng.next() < 0.9 : rng.next() < (bits[6][i] ? 0.5 : 0.1)) ? 1 : 0);
  const rows = Uint32Array.from({ length: 4100 }, (_, u) => u); // not a multiple of 32
  const { s0, s1 } = standardised(bits, rows);
  let mean = 0;
  for (const r of rows) mean += label[r];
  mean /= rows.length;
  const resid = Float64Array.from(rows, (r) => label[r] - mean);
  const sd = Math.sqrt(mean * (1 - mean));
  const names = Array.from({ length: p }, (_, j) => `x${j}`);
  const target: ScreenTarget = { resid, sd, binary: { bits: Uint8Array.from(rows, (r) => label[r]), mean } };
  const counted = screenLowOrder(bits, s0, s1, [target], rows, names);
  const summed = screenLowOrder(bits, s0, s1, [{ resid, sd }], rows, names);
  const ref = reference(bits, s0, s1, [{ resid, sd }], rows);
  assert.equal(counted.terms, summed.terms);
  assert.deepEqual(counted.significant.map((t) => t.features.join('·')), summed.significant.map((t) => t.features.join('·')));
  for (const t of counted.significant) {
    const expected = ref.get(`${t.features.join('·')}|0`)!;
    assert.ok(Math.abs(t.z - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${t.features.join('·')}: ${t.z} vs ${expected}`);
  }
  const found = counted.significant.map((t) => t.features.join('·'));
  assert.ok(found.includes('x1·x4') && found.includes('x6'), found.join(', '));
  const runner = new ThreadTaskRunner({ script: SCRIPT, threads: 2, minWork: 0 });
  try {
    assert.deepEqual(screenLowOrder(bits, s0, s1, [target], rows, names, undefined, runner), counted);
  } finally {
    await runner.close();
  }
});


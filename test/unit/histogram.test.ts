import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogram, valueCounts, valueCountsSorted } from '../../src/engine/stats/histogram';
import { sortedPresent } from '../../src/engine/stats/summary';
import { createRng } from '../../src/engine/random';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

test('fixed bins: equal-width edges, half-open bins with the last one closed, like numpy.histogram', () => {
  const h = histogram(f64([0, 0.5, 1, 1.5, 2, 2.5, 3, 4, NaN]), { bins: 4 });
  assert.deepEqual(h.edges, [0, 1, 2, 3, 4]);
  assert.deepEqual(h.counts, [2, 2, 2, 2]);
  assert.deepEqual(h.pmf, [0.25, 0.25, 0.25, 0.25]);
  assert.equal(h.rule, '4 bins (fixed)');
});

test('range leaves out values outside it', () => {
  const h = histogram(f64([-5, 0, 0.25, 0.5, 0.75, 1, 9]), { bins: 2, range: [0, 1] });
  assert.deepEqual(h.edges, [0, 0.5, 1]);
  assert.deepEqual(h.counts, [2, 3]);
  assert.equal(sum(h.pmf), 1);
  const empty = histogram(f64([5, 6]), { range: [0, 1] });
  assert.equal(sum(empty.counts), 0);
  assert.equal(empty.counts.length, 10);
});

test('Freedman–Diaconis: ceil(range·n^(1/3) / (2·IQR)) bins', () => {
  // 0..999: IQR = 749.25 − 249.75 = 499.5, range 999, n^(1/3) = 10 → ceil(9990 / 999) = 10.
  const h = histogram(f64(Array.from({ length: 1000 }, (_, i) => i + 0.5)));
  assert.equal(h.counts.length, 10);
  assert.match(h.rule, /^Freedman–Diaconis \(10 bins\)$/);
  assert.deepEqual(h.counts, Array.from({ length: 10 }, () => 100));
});

test('the automatic bin count is clamped to 10…maxBins and says so', () => {
  const rng = createRng(1);
  const logNormal = new Float64Array(20_000).map(() => Math.exp(2 * rng.normal()));
  const capped = histogram(logNormal);
  assert.equal(capped.counts.length, 120);
  assert.match(capped.rule, /capped at 120 bins \(rule gave \d+\)/);
  assert.equal(histogram(logNormal, { maxBins: 50 }).counts.length, 50);
  const few = histogram(f64([0.1, 0.2, 0.35, 0.4, 0.9]));
  assert.equal(few.counts.length, 10);
  assert.match(few.rule, /raised to the minimum of 10 bins/);
});

test('IQR of 0 falls back to Sturges', () => {
  const xs = [...Array.from({ length: 90 }, () => 3), 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5];
  const h = histogram(f64(xs));
  assert.match(h.rule, /^Sturges \(IQR is 0\)/);
  assert.equal(h.counts.length, 10);
  assert.equal(sum(h.counts), 100);
});

test('integer columns get one bin per integer, centred on it', () => {
  const h = histogram(f64([0, 1, 1, 2, 2, 2, 5]));
  assert.deepEqual(h.edges, [-0.5, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
  assert.deepEqual(h.counts, [1, 2, 3, 0, 0, 1]);
  assert.match(h.rule, /one bin per integer/);
});

test('constant and all-missing columns', () => {
  const c = histogram(f64([2.5, 2.5, NaN]));
  assert.deepEqual(c.edges, [2, 3]);
  assert.deepEqual(c.counts, [2]);
  assert.deepEqual(c.pmf, [1]);
  assert.equal(c.rule, 'constant column: one bin');
  assert.deepEqual(histogram(f64([NaN, NaN])), { edges: [], counts: [], pmf: [], rule: 'no values' });
  assert.deepEqual(histogram(new Float32Array(0)).counts, []);
});

test('bad options are rejected with a RangeError', () => {
  assert.throws(() => histogram(f64([1, 2]), { bins: 0 }), RangeError);
  assert.throws(() => histogram(f64([1, 2]), { bins: 2.5 }), RangeError);
  assert.throws(() => histogram(f64([1, 2]), { range: [3, 1] }), RangeError);
});

test('a Kryptonite feature shows its two peaks: tall bins at 0 and 1, empty bins between', () => {
  const d = generateKryptonite({ n: 9, seed: 4 });
  d.columns.forEach((col, f) => {
    const h = histogram(col);
    assert.ok(h.counts.length >= 10 && h.counts.length <= 120, h.rule);
    assert.equal(sum(h.counts), col.length);
    const centre = (i: number): number => (h.edges[i] + h.edges[i + 1]) / 2;
    const order = h.counts.map((_, i) => i).sort((a, b) => h.counts[b] - h.counts[a]);
    const top = [centre(order[0]), centre(order[1])].sort((a, b) => a - b);
    assert.ok(Math.abs(top[0]) < 0.1 && Math.abs(top[1] - 1) < 0.1, `feature ${f} (${d.truth.shapes[f]}): peaks at ${top}`);
    const middle = h.counts.filter((_, i) => Math.abs(centre(i) - 0.5) < 0.1);
    assert.ok(middle.length > 0 && middle.every((c) => c <= col.length * 0.001), `feature ${f}: ${middle}`);
  });
});

test('every value lands in the bin its edges say, also at awkward float edges', () => {
  const rng = createRng(2);
  const xs = new Float64Array(5000).map(() => rng.normal() * 1e-7 + 0.3);
  const h = histogram(xs, { bins: 37 });
  const sorted = Array.from(xs).sort((a, b) => a - b);
  let k = 0;
  for (let b = 0; b < 37; b++) {
    const inBin = sorted.filter((v) => v >= h.edges[b] && (b === 36 ? v <= h.edges[37] : v < h.edges[b + 1])).length;
    assert.equal(h.counts[b], inBin, `bin ${b}`);
    k += inBin;
  }
  assert.equal(k, 5000);
});

test('every bin holds the values its edges say: float32 and float64, ties, ranges, many bins', () => {
  const rng = createRng(12);
  const columns = [
    Float32Array.from({ length: 20_000 }, () => (rng.next() < 0.5 ? 0 : 1) + 0.05 * rng.normal()),
    Float64Array.from({ length: 20_000 }, () => Math.round(rng.normal() * 40) / 8),
    Float64Array.from({ length: 3000 }, () => rng.normal() * 1e-9 + 1e6),
  ];
  for (const [c, column] of columns.entries()) {
    for (const options of [{}, { bins: 97 }, { bins: 500 }, { range: [-0.02, 0.7] as [number, number], bins: 33 }]) {
      const h = histogram(column, options);
      const last = h.counts.length - 1;
      const values = Array.from(column);
      h.counts.forEach((count, b) => {
        const inBin = values.filter((v) => v >= h.edges[b] && (b === last ? v <= h.edges[b + 1] : v < h.edges[b + 1])).length;
        assert.equal(count, inBin, `column ${c}, ${JSON.stringify(options)}, bin ${b}`);
      });
    }
  }
});

test('valueCounts: exact counts, values ascending, NaN ignored, null past maxDistinct', () => {
  const xs = f64([3, 1, 2, 3, NaN, 3, 1, -0, 0]);
  assert.deepEqual(valueCounts(xs, 10), { values: [0, 1, 2, 3], counts: [2, 2, 1, 3] });
  assert.deepEqual(valueCountsSorted(sortedPresent(xs), 10)?.counts, [2, 2, 1, 3]);
  assert.equal(valueCounts(xs, 3), null);
  assert.equal(valueCountsSorted(sortedPresent(xs), 3), null);
  assert.deepEqual(valueCounts(f64([NaN]), 5), { values: [], counts: [] });
});

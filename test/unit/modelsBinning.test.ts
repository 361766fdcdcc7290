import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BINNING_SUBSAMPLE, MISSING_BIN, binFeatures, numericEdges } from '../../src/engine/models/binning';
import type { ModelFeature } from '../../src/engine/models/types';
import { createRng } from '../../src/engine/random';

const all = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, k) => k);

test('numeric edges equal scikit-learn _find_binning_thresholds (max_bins 255)', () => {
  // Few distinct values: midpoints. scikit-learn: [1.5, 2.5, 5.0] for [3, 1, 1, 2, 7, nan, 2].
  const few = Float32Array.of(3, 1, 1, 2, 7, NaN, 2);
  assert.deepEqual(Array.from(numericEdges(few, all(7), 255)), [1.5, 2.5, 5]);
  // 1,000 distinct values: numpy percentile "midpoint" at 100·i/255. scikit-learn on arange(1000):
  // thresholds[0, 1, 2, 100, 253] = [3.5, 7.5, 11.5, 395.5, 995.5].
  const many = Float32Array.from({ length: 1000 }, (_, k) => k);
  const edges = numericEdges(many, all(1000), 255);
  assert.equal(edges.length, 254);
  assert.deepEqual([0, 1, 2, 100, 253].map((k) => edges[k]), [3.5, 7.5, 11.5, 395.5, 995.5]);
});

test('mapping: ties go left, NaN to the missing bin, edges from training rows only', () => {
  const values = Float32Array.of(1, 2, 3, 4, NaN, 100, -100);
  const features: ModelFeature[] = [{ name: 'x', kind: 'numeric', values }];
  const binned = binFeatures(features, 7, Uint32Array.of(0, 1, 2, 3));
  assert.deepEqual(Array.from(binned.edges[0]), [1.5, 2.5, 3.5]);
  assert.equal(binned.binCount[0], 4);
  // x ≤ 1.5 → 0; 100 beyond the last edge → 3; −100 → 0; NaN → 255.
  assert.deepEqual(Array.from(binned.bins), [0, 1, 2, 3, MISSING_BIN, 3, 0]);
  // The test rows (100, −100) did not move any edge.
  const onlyTrain = binFeatures([{ name: 'x', kind: 'numeric', values: values.slice(0, 4) }], 4);
  assert.deepEqual(Array.from(onlyTrain.edges[0]), Array.from(binned.edges[0]));
  // A value equal to an edge goes to the lower bin (scikit-learn: x ≤ threshold).
  const tie = binFeatures([{ name: 'x', kind: 'numeric', values: Float32Array.of(1, 2, 1.5) }], 3, Uint32Array.of(0, 1));
  assert.equal(tie.bins[2], 0);
});

test('categorical: codes are bins, unseen and invalid codes are missing, high cardinality is pooled', () => {
  const values = Float32Array.of(0, 2, 2, 1, NaN, 3, 7, 1.5);
  const binned = binFeatures([{ name: 'c', kind: 'categorical', values, levels: 4 }], 8, Uint32Array.of(0, 1, 2, 3, 4));
  // Levels 0, 1, 2 seen in training → bins 0, 1, 2; level 3 unseen, code 7 out of range, 1.5 not a code → missing.
  assert.equal(binned.categorical[0], 1);
  assert.equal(binned.binCount[0], 3);
  assert.deepEqual(Array.from(binned.bins), [0, 2, 2, 1, MISSING_BIN, MISSING_BIN, MISSING_BIN, MISSING_BIN]);
  assert.deepEqual(Array.from(binned.binLevels[0] ?? []), [0, 1, 2]);
  // 400 levels: the 254 most frequent keep a bin, the other 146 share bin 254.
  const n = 2000;
  const codes = Float32Array.from({ length: n }, (_, k) => (k < 800 ? k % 400 : k % 254));
  const wide = binFeatures([{ name: 'id', kind: 'categorical', values: codes, levels: 400 }], n);
  assert.equal(wide.binCount[0], 255);
  assert.equal(wide.binLevels[0]?.[254], -1);
  assert.equal(wide.bins[399], 254); // level 399 is rare → pooled
  assert.equal(wide.bins[5], 5); // level 5 is frequent → own bin
});

test('edge cases: all-missing and constant columns, no features, quantile subsample is seeded', () => {
  const binned = binFeatures(
    [
      { name: 'empty', kind: 'numeric', values: Float32Array.of(NaN, NaN, NaN) },
      { name: 'flat', kind: 'numeric', values: Float32Array.of(5, 5, 5) },
    ],
    3,
  );
  assert.deepEqual(Array.from(binned.binCount), [1, 1]);
  assert.deepEqual(Array.from(binned.bins), [MISSING_BIN, MISSING_BIN, MISSING_BIN, 0, 0, 0]);
  assert.equal(binFeatures([], 10).featureCount, 0);
  assert.throws(() => binFeatures([{ name: 'x', kind: 'numeric', values: new Float32Array(2) }], 3), RangeError);
  const n = BINNING_SUBSAMPLE + 5000;
  const rng = createRng(3);
  const big = Float32Array.from({ length: n }, () => rng.normal());
  const a = numericEdges(big, all(n), 255, createRng(9));
  const b = numericEdges(big, all(n), 255, createRng(9));
  assert.deepEqual(Array.from(a), Array.from(b));
  // Huge values stay finite thresholds.
  const huge = numericEdges(Float32Array.of(-3e38, 0, 3e38), all(3), 255);
  assert.ok(huge.every((e) => Number.isFinite(e)));
});

test('mapNumeric: the eight-step search gives the binary search’s bins (ties left, NaN missing, ±∞, few or 254 edges)', async () => {
  const { mapNumeric, mapNumericRows, MISSING_BIN } = await import('../../src/engine/models/binning');
  const { createRng } = await import('../../src/engine/random');
  const rng = createRng(77);
  const reference = (x: number, edges: Float64Array): number => {
    if (x !== x) return MISSING_BIN;
    let k = 0;
    while (k < edges.length && edges[k] < x) k++;
    return k;
  };
  for (const count of [0, 1, 2, 7, 100, 254]) {
    const edges = Float64Array.from({ length: count }, () => Math.round(rng.normal() * 20) / 10).sort();
    if (count > 3) edges[count - 1] = 1e300;
    const values = Float32Array.from({ length: 3000 }, (_, i) =>
      i % 97 === 0 ? NaN : i % 89 === 0 ? Infinity : i % 83 === 0 ? -Infinity : i % 5 === 0 ? (edges[i % Math.max(1, count)] ?? 0) : rng.normal() * 3,
    );
    const out = new Uint8Array(values.length);
    mapNumeric(values, edges, out);
    for (let i = 0; i < values.length; i++) assert.equal(out[i], reference(values[i], edges), `${count} edges: value ${values[i]}`);
    const rows = Uint32Array.from({ length: 500 }, (_, k) => k * 6);
    // Packed: position k holds row rows[k]'s bin, and nothing past the listed rows is written.
    const some = new Uint8Array(values.length).fill(200);
    mapNumericRows(values, edges, some, rows);
    for (let k = 0; k < values.length; k++) assert.equal(some[k], k < rows.length ? reference(values[rows[k]], edges) : 200);
  }
});

/** numericEdges as it was written before the float32 radix sort: the values gathered and sorted as float64. */
function edgesBySortingFloat64(values: Float32Array, trainRows: Uint32Array, maxBins: number, rng?: ReturnType<typeof createRng>): Float64Array {
  let sample = new Float64Array(trainRows.length);
  let n = 0;
  for (let k = 0; k < trainRows.length; k++) {
    const v = values[trainRows[k]];
    if (v === v) sample[n++] = v;
  }
  if (n > BINNING_SUBSAMPLE && rng) {
    for (let i = 0; i < BINNING_SUBSAMPLE; i++) {
      const j = i + rng.int(n - i);
      const t = sample[i];
      sample[i] = sample[j];
      sample[j] = t;
    }
    n = BINNING_SUBSAMPLE;
  }
  sample = sample.subarray(0, n).sort();
  if (n === 0) return new Float64Array(0);
  let distinct = 1;
  for (let i = 1; i < n; i++) if (sample[i] !== sample[i - 1]) distinct++;
  let out: Float64Array;
  if (distinct <= maxBins) {
    out = new Float64Array(distinct - 1);
    let k = 0;
    for (let i = 1; i < n; i++) if (sample[i] !== sample[i - 1]) out[k++] = (sample[i - 1] + sample[i]) * 0.5;
  } else {
    out = new Float64Array(maxBins - 1);
    for (let i = 1; i < maxBins; i++) {
      const index = (n - 1) * ((i * (100 / maxBins)) / 100);
      const lo = Math.floor(index);
      out[i - 1] = index % 1 !== 0 ? sample[lo + 1] - (sample[lo + 1] - sample[lo]) * 0.5 : sample[lo];
    }
  }
  for (let i = 0; i < out.length; i++) if (out[i] > 1e300) out[i] = 1e300;
  return out;
}

test('numericEdges sorts float32 (radix from 4,096 values) and gives the float64 sort’s edges bit for bit', () => {
  const rng = createRng(21);
  const bitsOf = (a: Float64Array): string[] => Array.from(a, (x) => (Object.is(x, -0) ? '-0' : String(x)));
  for (const n of [50, 4_095, 4_096, 30_000, BINNING_SUBSAMPLE + 5_000]) {
    // Ties, both zeros, NaN, ±∞, negatives, tiny and huge magnitudes; few distinct values (midpoints) and many (percentiles).
    const many = Float32Array.from({ length: n }, (_, i) => {
      const u = rng.next();
      if (u < 0.02) return NaN;
      if (u < 0.03) return i % 2 ? Infinity : -Infinity;
      if (u < 0.06) return i % 2 ? -0 : 0;
      if (u < 0.1) return Math.round(rng.normal() * 3) / 4;
      return rng.normal() * 10 ** Math.floor(rng.next() * 8 - 4);
    });
    const few = Float32Array.from(many, (v) => (v === v ? Math.sign(v) * Math.min(40, Math.round(Math.abs(v))) : v));
    const rows = Uint32Array.from({ length: Math.floor(0.8 * n) }, (_, k) => Math.floor(k * 1.25));
    for (const values of [many, few]) {
      for (const maxBins of [255, 16]) {
        const got = numericEdges(values, rows, maxBins, createRng(5));
        const want = edgesBySortingFloat64(values, rows, maxBins, createRng(5));
        assert.deepEqual(bitsOf(got), bitsOf(want), `n ${n}, ${values === few ? 'few' : 'many'} distinct, ${maxBins} bins`);
      }
    }
  }
});

test('matrixRows: rows in order, out of order, repeated, and a row the matrix does not hold', async () => {
  const { matrixRows } = await import('../../src/engine/models/binning');
  const mapped = Uint32Array.from({ length: 5000 }, (_, k) => 3 * k + 2);
  const binned = { mapped } as unknown as Parameters<typeof matrixRows>[0];
  const place = (rows: Uint32Array): number[] => Array.from(rows, (r) => mapped.indexOf(r));
  const ascending = mapped.filter((_, k) => k % 7 !== 3);
  assert.deepEqual(Array.from(matrixRows(binned, ascending)), place(ascending), 'a fold’s ascending rows');
  const shuffled = Uint32Array.from({ length: 3000 }, (_, k) => mapped[(k * 2741) % mapped.length]);
  assert.deepEqual(Array.from(matrixRows(binned, shuffled)), place(shuffled), 'a permutation’s rows');
  const repeated = Uint32Array.of(8, 8, 14, 2, 2, 14999);
  assert.deepEqual(Array.from(matrixRows(binned, repeated)), [2, 2, 4, 0, 0, 4999]);
  assert.throws(() => matrixRows(binned, Uint32Array.of(2, 5, 6)), /row 6 is not among the 5000 rows/);
  assert.throws(() => matrixRows(binned, Uint32Array.of(14999, 15000)), /row 15000 is not among/);
});

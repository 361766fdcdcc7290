import assert from 'node:assert/strict';
import { test } from 'node:test';
import { symmetricEigen } from '../../src/engine/stats/linalg';
import { pca } from '../../src/engine/stats/pca';
import { sampleIndices } from '../../src/engine/stats/sampling';
import { createRng } from '../../src/engine/random';

test('symmetric eigen-decomposition matches numpy.linalg.eigh on a 3×3 matrix', () => {
  const e = symmetricEigen([
    [4, 1, 2],
    [1, 3, 0.5],
    [2, 0.5, 5],
  ]);
  const expected = [6.83125443, 3.07222395, 2.09652162];
  e.values.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-7, `λ${i} = ${v}`));
  // numpy's vectors up to sign; ours have their largest entry positive.
  const npVectors = [
    [0.61656716, 0.25800444, 0.74382703],
    [0.32576727, 0.77650188, -0.53937048],
    [0.71674307, -0.57487262, -0.39471615],
  ];
  e.vectors.forEach((vec, k) => vec.forEach((x, j) => assert.ok(Math.abs(x - npVectors[k][j]) < 1e-7, `v${k}[${j}]`)));
});

test('two correlated standardised features: eigenvalues 1 ± ρ and loadings ±1/√2', () => {
  const rng = createRng(11);
  const n = 20000;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  const c = new Float32Array(n).fill(7); // constant: must be left out, not crash
  for (let i = 0; i < n; i++) {
    const z = rng.normal();
    a[i] = z;
    b[i] = 0.8 * z + 0.6 * rng.normal();
  }
  const r = pca([a, b, c], ['a', 'b', 'c'], { rng: createRng(1), maxPoints: 100 });
  assert.ok(r);
  assert.deepEqual(r.features, ['a', 'b']);
  assert.ok(Math.abs(r.explainedVariance[0] - 1.8) < 0.02);
  assert.ok(Math.abs(r.explainedVariance[1] - 0.2) < 0.02);
  assert.ok(Math.abs(r.explainedVarianceRatio[0] + r.explainedVarianceRatio[1] - 1) < 1e-12);
  assert.ok(Math.abs(r.loadings[0][0] - Math.SQRT1_2) < 1e-9 && Math.abs(r.loadings[0][1] - Math.SQRT1_2) < 1e-9);
  assert.equal(r.sample.length, 100);
  assert.equal(r.rowsUsed, n);
});

test('rows with a missing value are left out; too few rows give null', () => {
  const a = Float32Array.from([1, 2, NaN, 4, 5]);
  const b = Float32Array.from([2, 1, 3, NaN, 4]);
  const r = pca([a, b], ['a', 'b'], { rng: createRng(1) });
  assert.ok(r);
  assert.equal(r.rowsUsed, 3);
  assert.equal(pca([Float32Array.from([1, NaN]), Float32Array.from([1, 2])], ['a', 'b'], { rng: createRng(1) }), null);
});

test('PCA sample is reproducible for a seed and carries labels', () => {
  const rng = createRng(5);
  const cols = [new Float32Array(500), new Float32Array(500)];
  for (const col of cols) for (let i = 0; i < 500; i++) col[i] = rng.normal();
  const labels = Int32Array.from({ length: 500 }, (_, i) => i % 3);
  const one = pca(cols, ['p', 'q'], { rng: createRng(9), labels, maxPoints: 50 });
  const two = pca(cols, ['p', 'q'], { rng: createRng(9), labels, maxPoints: 50 });
  assert.deepEqual(one, two);
  assert.ok(one!.sample.every((pt) => pt.label !== null && pt.label >= 0 && pt.label < 3));
});

test('sampleIndices draws k distinct sorted indices', () => {
  const s = sampleIndices(1000, 100, createRng(2));
  assert.equal(s.length, 100);
  assert.equal(new Set(s).size, 100);
  assert.ok(s.every((v, i) => i === 0 || v > s[i - 1]));
  assert.deepEqual(sampleIndices(3, 10, createRng(2)), [0, 1, 2]);
});

test('reusing the pairwise correlation matrix (no missing values) gives the same PCA as computing it', async () => {
  const { correlationMatrix } = await import('../../src/engine/stats/correlation');
  const rng = createRng(21);
  const cols = Array.from({ length: 5 }, () => new Float32Array(3000));
  for (let i = 0; i < 3000; i++) {
    const z = rng.normal();
    cols.forEach((c, j) => (c[i] = z * (j + 1) * 0.3 + rng.normal()));
  }
  const names = ['a', 'b', 'c', 'd', 'e'];
  const fresh = pca(cols, names, { rng: createRng(3), maxPoints: 200 })!;
  const reused = pca(cols, names, { rng: createRng(3), maxPoints: 200, correlation: correlationMatrix(cols, names).matrix })!;
  fresh.explainedVariance.forEach((v, k) => assert.ok(Math.abs(v - reused.explainedVariance[k]) < 1e-9));
  fresh.sample.forEach((pt, i) => assert.ok(Math.abs(pt.pc1 - reused.sample[i].pc1) < 1e-9 && Math.abs(pt.pc2 - reused.sample[i].pc2) < 1e-9));
});

test('symmetric eigen-decomposition of a 120 × 120 correlation-like matrix: A·v = λ·v, orthonormal, trace kept; repeated eigenvalues', () => {
  const n = 120;
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  // B·Bᵀ with a rank deficiency (B is n × 80), so 40 eigenvalues are 0 (repeated).
  const B = Array.from({ length: n }, () => Array.from({ length: 80 }, next));
  const A = B.map((ri) => B.map((rj) => ri.reduce((s, x, k) => s + x * rj[k], 0)));
  const { values, vectors } = symmetricEigen(A);
  const trace = A.reduce((s, row, i) => s + row[i], 0);
  assert.ok(Math.abs(values.reduce((s, v) => s + v, 0) - trace) < 1e-9 * trace);
  for (let k = 1; k < n; k++) assert.ok(values[k] <= values[k - 1]);
  assert.ok(Math.abs(values[n - 1]) < 1e-10 && Math.abs(values[80]) < 1e-10 && values[79] > 1e-3);
  let worst = 0;
  for (let k = 0; k < n; k++) {
    const v = vectors[k];
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(A[i].reduce((s, x, j) => s + x * v[j], 0) - values[k] * v[i]));
    for (let l = k; l < n; l += 7) {
      const dot = v.reduce((s, x, i) => s + x * vectors[l][i], 0);
      assert.ok(Math.abs(dot - (k === l ? 1 : 0)) < 1e-10, `v${k}·v${l} = ${dot}`);
    }
  }
  assert.ok(worst < 1e-10, `max |A·v − λ·v| = ${worst}`);
  const identity = symmetricEigen([[2, 0, 0], [0, 2, 0], [0, 0, 2]]);
  assert.deepEqual(identity.values, [2, 2, 2]);
  assert.deepEqual(identity.vectors, [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assert.deepEqual(symmetricEigen([]), { values: [], vectors: [] });
  assert.deepEqual(symmetricEigen([[5]]), { values: [5], vectors: [[1]] });
});

test('PCA with the correlation pass’s moments and matrix is the PCA computed from scratch, bit for bit', async () => {
  const { correlationMatrix } = await import('../../src/engine/stats/correlation');
  const { createRng: rngOf } = await import('../../src/engine/random');
  const r = rngOf(12);
  const n = 5000;
  const base = Float32Array.from({ length: n }, () => r.normal());
  const columns = [base, Float32Array.from(base, (v) => 2 * v + r.normal()), Float32Array.from({ length: n }, () => 1e3 + r.normal()), Float32Array.from({ length: n }, () => r.next())];
  const names = ['a', 'b', 'c', 'd'];
  const moments = { means: [] as number[], squares: [] as number[], anyMissing: [] as boolean[] };
  const m = correlationMatrix(columns, names, undefined, undefined, moments);
  const fresh = pca(columns, names, { rng: rngOf(1), correlation: m.matrix });
  const reused = pca(columns, names, { rng: rngOf(1), correlation: m.matrix, moments });
  assert.deepEqual(reused, fresh);
  // With a missing value the moments are not used (listwise deletion needs its own sums).
  columns[3][7] = NaN;
  const moments2 = { means: [] as number[], squares: [] as number[], anyMissing: [] as boolean[] };
  const m2 = correlationMatrix(columns, names, undefined, undefined, moments2);
  assert.deepEqual(pca(columns, names, { rng: rngOf(1), correlation: m2.matrix, moments: moments2 }), pca(columns, names, { rng: rngOf(1), correlation: m2.matrix }));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnPass, correlationMatrix, knownColumn } from '../../src/engine/stats/correlation';
import type { ColumnMoments, KnownColumn } from '../../src/engine/stats/correlation';
import { profileFeature } from '../../src/engine/stats/profile';
import { createRng } from '../../src/engine/random';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);

test('Pearson r matches numpy.corrcoef on a small known case', () => {
  const m = correlationMatrix([f64([1, 2, 3, 4, 5]), f64([2, 4, 5, 4, 5])], ['a', 'b']);
  assert.equal(m.matrix[0][0], 1);
  assert.ok(Math.abs((m.matrix[0][1] ?? NaN) - 0.7745966692414834) < 1e-12);
  assert.equal(m.matrix[1][0], m.matrix[0][1]);
});

test('missing values are deleted pairwise, like pandas DataFrame.corr()', () => {
  const m = correlationMatrix([f64([1, 2, NaN, 4, 5]), f64([2, 4, 5, NaN, 5])], ['a', 'b']);
  assert.ok(Math.abs((m.matrix[0][1] ?? NaN) - 0.8910421112136306) < 1e-12);
});

test('a constant column has undefined (null) correlation, not 0', () => {
  const m = correlationMatrix([f64([3, 3, 3, 3]), f64([1, 2, 3, 4])], ['c', 'x']);
  assert.equal(m.matrix[0][1], null);
  assert.equal(m.matrix[0][0], null);
  assert.equal(m.matrix[1][1], 1);
});

test('fewer than two complete pairs gives null', () => {
  const m = correlationMatrix([f64([1, NaN, 3]), f64([NaN, 2, NaN])], ['a', 'b']);
  assert.equal(m.matrix[0][1], null);
});

test('huge offsets do not destroy precision (columns are centred first)', () => {
  const rng = createRng(3);
  const n = 10000;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    x[i] = 1e9 + a;
    y[i] = -1e9 + a + rng.normal();
  }
  const shifted = correlationMatrix([x, y], ['x', 'y']).matrix[0][1] ?? NaN;
  const xs = x.map((v) => v - 1e9);
  const ys = y.map((v) => v + 1e9);
  const plain = correlationMatrix([xs, ys], ['x', 'y']).matrix[0][1] ?? NaN;
  assert.ok(Math.abs(shifted - plain) < 1e-6, `${shifted} vs ${plain}`);
  assert.ok(Math.abs(plain - Math.SQRT1_2) < 0.02);
});

test('perfect negative correlation is exactly -1 and clamped', () => {
  const m = correlationMatrix([f64([1, 2, 3]), f64([3, 2, 1])], ['a', 'b']);
  assert.equal(m.matrix[0][1], -1);
});

test('a long constant column whose float mean rounds is still constant (null), not a tiny spurious variance', () => {
  const c = new Float32Array(1_000_003).fill(0.1);
  const x = Float32Array.from({ length: 1_000_003 }, (_, i) => i % 7);
  const m = correlationMatrix([c, x], ['c', 'x']);
  assert.equal(m.matrix[0][1], null);
  assert.equal(m.matrix[0][0], null);
});

test('complete columns four pairs at a time give the bits of one pair at a time (every count of partners, with constant and incomplete columns between)', () => {
  const rng = createRng(17);
  const n = 3001;
  for (const p of [1, 2, 5, 6, 7, 8, 9, 11]) {
    const columns = Array.from({ length: p }, (_, j) => {
      if (j === 3) return new Float32Array(n).fill(2.5); // constant
      if (j === 4) return Float32Array.from({ length: n }, (_, i) => (i % 17 === 0 ? NaN : rng.normal() + 1e3)); // incomplete
      return Float32Array.from({ length: n }, () => rng.normal() * (j + 1) + j * 100);
    });
    const m = correlationMatrix(columns, columns.map((_, j) => `x${j}`));
    for (let a = 0; a < p; a++) {
      for (let b = a + 1; b < p; b++) {
        if (a === 3 || b === 3 || a === 4 || b === 4) continue;
        // One pair at a time: centred sums in row order (the formula every pair used before).
        let ma = 0;
        let mb = 0;
        for (let i = 0; i < n; i++) {
          ma += columns[a][i];
          mb += columns[b][i];
        }
        ma /= n;
        mb /= n;
        let sxy = 0;
        let sxx = 0;
        let syy = 0;
        for (let i = 0; i < n; i++) {
          const x = columns[a][i] - ma;
          const y = columns[b][i] - mb;
          sxy += x * y;
          sxx += x * x;
          syy += y * y;
        }
        assert.equal(m.matrix[a][b], Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))), `p = ${p}: r(x${a}, x${b})`);
      }
    }
    if (p > 3) assert.equal(m.matrix[3][0], null);
  }
});

test("a column's pass told what its profile established gives the moments and flags of the pass that checks every row", () => {
  const rng = createRng(41);
  const n = 5000;
  const columns: Float32Array[] = [
    Float32Array.from({ length: n }, () => rng.normal() * 3 + 1e4),
    new Float32Array(n).fill(2.5),
    Float32Array.from({ length: n }, (_, i) => (i % 2 ? 0 : -0)),
    Float32Array.from({ length: n }, () => Math.floor(rng.next() * 5)),
    Float32Array.from({ length: n }, (_, i) => (i % 97 === 3 ? NaN : rng.normal())),
    Float32Array.from({ length: n }, (_, i) => (i === 77 ? Infinity : rng.normal())),
    Float32Array.from({ length: n }, (_, i) => (i === n - 1 ? 7 : 2.5)),
  ];
  const profiles = columns.map((values, index) => profileFeature({ index, name: `x${index}`, type: 'numeric', typeEvidence: '', derivedFrom: null, values, categories: null }));
  const known = profiles.map((p) => knownColumn(p.stats));
  assert.deepEqual(
    known.map((k) => (k ? (k.constant ? 'constant' : 'complete') : null)),
    ['complete', 'constant', 'constant', 'complete', null, null, 'complete'],
  );
  columns.forEach((c, j) => assert.deepEqual(columnPass(c, known[j]), columnPass(c), `column ${j}`));
  const plain: ColumnMoments = { means: [], squares: [], anyMissing: [] };
  const told: ColumnMoments = { means: [], squares: [], anyMissing: [] };
  const names = columns.map((_, j) => `x${j}`);
  assert.deepEqual(correlationMatrix(columns, names, undefined, undefined, told, known), correlationMatrix(columns, names, undefined, undefined, plain));
  assert.deepEqual(told, plain);
  // The flags are believed: a column said to be non-constant gets centred squares it would not have had.
  const wrong: KnownColumn = { complete: true, constant: false };
  assert.notDeepEqual(columnPass(columns[1], wrong), columnPass(columns[1]));
});

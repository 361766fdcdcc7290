import assert from 'node:assert/strict';
import { test } from 'node:test';
import { choleskySolve, fitLinear, predictLinear, PREDICT_BLOCK_ROWS } from '../../src/engine/models/linear';
import { applyDesign, fitDesign, LINEAR_MAX_LEVELS } from '../../src/engine/models/linearDesign';
import type { ModelFeature, ModelTarget } from '../../src/engine/models/types';
import { createRng } from '../../src/engine/random';

/**
 * A deterministic 200-row table that Python rebuilds exactly (formulas, float32 features): three numeric columns,
 * one with every tenth cell missing, and a 4-level categorical. Reference numbers: scikit-learn 1.2.1 fitted on the
 * design of linearDesign.ts built by hand in numpy (standardised numerics with population std, missing → 0 plus a
 * 0/1 indicator, one-hot levels), LogisticRegression(C=1, tol=1e-12, max_iter=100000) and Ridge(alpha=1).
 */
function referenceTable(): { features: ModelFeature[]; i: Float64Array; c: Float64Array } {
  const n = 200;
  const i = Float64Array.from({ length: n }, (_, k) => k);
  const x0 = Float32Array.from(i, (v) => 2 * Math.sin(v * 0.37));
  const x1 = Float32Array.from(i, (v) => Math.cos(v * 0.23) + (0.5 * v) / n);
  const x2 = Float32Array.from(i, (v) => ((v * 7) % 13) / 13);
  const x3 = Float32Array.from(i, (v) => (v % 10 === 0 ? NaN : Math.sin(v * 0.11) * 3));
  const c = Float64Array.from(i, (v) => v % 4);
  return {
    i,
    c,
    features: [
      { name: 'x0', kind: 'numeric', values: x0 },
      { name: 'x1', kind: 'numeric', values: x1 },
      { name: 'x2', kind: 'numeric', values: x2 },
      { name: 'x3', kind: 'numeric', values: x3 },
      { name: 'c', kind: 'categorical', values: Float32Array.from(c), levels: 4 },
    ],
  };
}

const all = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, k) => k);

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let k = 0; k < expected.length; k++) {
    assert.ok(Math.abs(actual[k] - expected[k]) <= tol, `${what}[${k}]: ${actual[k]} vs scikit-learn ${expected[k]}`);
  }
}

test('design: standardised numerics, missing indicator, one-hot with names', () => {
  const { features } = referenceTable();
  const design = fitDesign(features, all(200));
  assert.deepEqual(design.columnNames, ['x0', 'x1', 'x2', 'x3', 'x3 is missing', 'c = 0', 'c = 1', 'c = 2', 'c = 3']);
  const x = applyDesign(design, features, all(200));
  // Standardised columns have mean 0 and population variance 1 on the training rows.
  let s = 0;
  let ss = 0;
  for (let r = 0; r < 200; r++) {
    s += x.dense[r * design.dense];
    ss += x.dense[r * design.dense] ** 2;
  }
  assert.ok(Math.abs(s / 200) < 1e-12);
  assert.ok(Math.abs(ss / 200 - 1) < 1e-9);
  // Row 0: x3 missing → 0 and indicator 1; category 0 active.
  assert.equal(x.dense[3], 0);
  assert.equal(x.dense[4], 1);
  assert.equal(x.active[0], 5);
  // Excluding a feature removes its columns.
  assert.deepEqual(fitDesign(features, all(200), new Set([3])).columnNames, ['x0', 'x1', 'x2', 'c = 0', 'c = 1', 'c = 2', 'c = 3']);
});

test('design: unseen levels get no column, missing categorical is its own level, rare levels are pooled', () => {
  const values = Float32Array.of(0, 1, 1, NaN, 2, 3);
  const features: ModelFeature[] = [{ name: 'c', kind: 'categorical', values, levels: 4 }];
  const design = fitDesign(features, Uint32Array.of(0, 1, 2, 3));
  assert.deepEqual(design.columnNames, ['c = 0', 'c = 1', 'c is missing']);
  const x = applyDesign(design, features, Uint32Array.of(3, 4, 5));
  assert.deepEqual(Array.from(x.active), [2, -1, -1]);
  const many = Float32Array.from({ length: 1000 }, (_, k) => (k < 500 ? k % 150 : k % 3));
  const pooled = fitDesign([{ name: 'id', kind: 'categorical', values: many, levels: 150 }], all(1000));
  assert.equal(pooled.width, LINEAR_MAX_LEVELS);
  assert.equal(pooled.columnNames.at(-1), 'id = other');
  // Levels 0, 1, 2 are the most frequent and keep their own columns.
  assert.deepEqual(pooled.columnNames.slice(0, 3), ['id = 0', 'id = 1', 'id = 2']);
});

test('logistic regression (binary) equals scikit-learn on the reference table', () => {
  const { features, i, c } = referenceTable();
  const x0 = features[0].values;
  const x1 = features[1].values;
  const y = Float64Array.from(i, (v, k) => (Math.sin(v * 1.3) * 0.8 + x0[k] - x1[k] + (c[k] === 2 ? 0.4 : 0) > 0 ? 1 : 0));
  const model = fitLinear(features, { task: 'binary', values: y, classes: 2 }, all(200), { tol: 1e-9 });
  assert.ok(model.converged);
  assertClose(
    model.weights,
    [2.954770759274166, -1.415773359205323, 0.2202547531467858, -0.1941417939479711, 0.47589370999869957, -0.30030327859792144, -0.4955267590659622, 0.7497666299463331, 0.046110702897536285],
    2e-4,
    'coef',
  );
  assertClose(model.intercepts, [-0.1951566108530104], 2e-4, 'intercept');
  const proba = predictLinear(model, features, Uint32Array.of(0, 1));
  assert.ok(Math.abs(proba[0] + proba[1] - 1) < 1e-12);
});

test('logistic regression (multinomial) equals scikit-learn on the reference table', () => {
  const { features, i, c } = referenceTable();
  const x0 = features[0].values;
  const x1 = features[1].values;
  const y = Float64Array.from(i, (v, k) => {
    const z = [x0[k], x1[k] + 0.3 * Math.sin(v * 2.9), 0.8 * Math.cos(v * 0.5) + (c[k] === 1 ? 0.5 : 0)];
    return z.indexOf(Math.max(...z));
  });
  const model = fitLinear(features, { task: 'multiclass', values: y, classes: 3 }, all(200), { tol: 1e-9 });
  assertClose(
    model.weights,
    [
      3.091428954141957, -0.9211694758763168, -0.3886596141858362, -0.3520572473006879, -0.007187952237249142, 0.189717509109004, -0.77965199557998, 0.3829814304811846, 0.2070764216203804,
      -1.7514124953644252, 1.565236372468768, 0.07349088377010708, 0.05217710974336877, -0.07419969754374092, 0.5083973306863089, -0.16722575241033896, -0.01683424327786157, -0.324451665792376,
      -1.340016458777531, -0.6440668965924512, 0.315168730415729, 0.29988013755732035, 0.0813876497809903, -0.6981148397953127, 0.946877747990319, -0.36614718720332373, 0.11737524417199532,
    ],
    2e-4,
    'coef',
  );
  assertClose(model.intercepts, [-0.22319576396491356, 0.1735795099935575, 0.049616253971358715], 2e-4, 'intercept');
  const proba = predictLinear(model, features, all(200));
  for (let r = 0; r < 200; r++) assert.ok(Math.abs(proba[3 * r] + proba[3 * r + 1] + proba[3 * r + 2] - 1) < 1e-12);
});

test('ridge (alpha 1) equals scikit-learn on the reference table', () => {
  const { features, i, c } = referenceTable();
  const [x0, x1, x2, x3] = features.map((f) => f.values);
  const y = Float64Array.from(
    i,
    (v, k) => 3 * x0[k] - 2 * x1[k] + 0.5 * x2[k] + Math.sin(v * 2.1) + (Number.isNaN(x3[k]) ? 1 : 0.2 * x3[k]) + (c[k] === 3 ? 0.7 : 0),
  );
  const model = fitLinear(features, { task: 'regression', values: y, classes: 0 }, all(200));
  assertClose(
    model.weights,
    [4.212595819773831, -1.44124106014568, 0.14565379413381727, 0.415789882213173, 0.9131925483032775, -0.1604074981493948, -0.1828526265939678, -0.17601902331693553, 0.519279148060328],
    1e-6,
    'coef',
  );
  assertClose(model.intercepts, [0.00190434159584843], 1e-6, 'intercept');
});

test('logistic regression recovers known coefficients and separable signs', () => {
  const rng = createRng(7);
  const n = 20000;
  const cols = [0, 1, 2].map(() => Float32Array.from({ length: n }, () => rng.normal()));
  const y = Float64Array.from({ length: n }, (_, r) => {
    const z = 1.5 * cols[0][r] - 2 * cols[1][r] + 0.5;
    return rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  });
  const features: ModelFeature[] = cols.map((values, j) => ({ name: `x${j}`, kind: 'numeric', values }));
  const model = fitLinear(features, { task: 'binary', values: y, classes: 2 }, all(n));
  // Standard normal columns are standardised by ≈ 1, and C = 1 barely shrinks 20,000 rows.
  assert.ok(Math.abs(model.weights[0] - 1.5) < 0.1, `w0 ${model.weights[0]}`);
  assert.ok(Math.abs(model.weights[1] + 2) < 0.1, `w1 ${model.weights[1]}`);
  assert.ok(Math.abs(model.weights[2]) < 0.05, `w2 ${model.weights[2]}`);
  assert.ok(Math.abs(model.intercepts[0] - 0.5) < 0.1);
  // Perfectly separable: the penalty keeps the weights finite, signs are right, every row is classified.
  const sep = Float64Array.from({ length: n }, (_, r) => (cols[0][r] - cols[1][r] > 0 ? 1 : 0));
  const m2 = fitLinear(features, { task: 'binary', values: sep, classes: 2 }, all(n));
  assert.ok(m2.weights[0] > 1 && m2.weights[1] < -1 && Number.isFinite(m2.weights[0]));
  const p = predictLinear(m2, features, all(n));
  let correct = 0;
  for (let r = 0; r < n; r++) if ((p[2 * r + 1] > 0.5 ? 1 : 0) === sep[r]) correct++;
  assert.ok(correct / n > 0.995);
});

test('edge cases: single class, constant target, NaN targets, no features', () => {
  const n = 50;
  const features: ModelFeature[] = [{ name: 'x', kind: 'numeric', values: Float32Array.from({ length: n }, (_, k) => k) }];
  const zeros: ModelTarget = { task: 'binary', values: new Float64Array(n), classes: 2 };
  const p = predictLinear(fitLinear(features, zeros, all(n)), features, all(n));
  for (let r = 0; r < n; r++) assert.ok(p[2 * r] > 0.99);
  const constant: ModelTarget = { task: 'regression', values: new Float64Array(n).fill(3), classes: 0 };
  const v = predictLinear(fitLinear(features, constant, all(n)), features, all(n));
  for (let r = 0; r < n; r++) assert.ok(Math.abs(v[r] - 3) < 1e-9);
  // Rows with a missing target are not used: the fit equals the fit on the labelled rows alone.
  const y = Float64Array.from({ length: n }, (_, k) => (k % 7 === 0 ? NaN : 2 * k + 1));
  const labelled = all(n).filter((k) => k % 7 !== 0);
  const a = fitLinear(features, { task: 'regression', values: y, classes: 0 }, all(n));
  const b = fitLinear(features, { task: 'regression', values: y, classes: 0 }, labelled);
  assert.deepEqual(Array.from(a.weights), Array.from(b.weights));
  const none = fitLinear([], { task: 'regression', values: y, classes: 0 }, labelled);
  const mean = labelled.reduce((s, k) => s + y[k], 0) / labelled.length;
  assert.ok(Math.abs(predictLinear(none, [], Uint32Array.of(0))[0] - mean) < 1e-9);
});

test('cancellation stops the solver', () => {
  const { features, i } = referenceTable();
  const y = Float64Array.from(i, (v) => v % 3);
  const controller = new AbortController();
  controller.abort();
  assert.throws(() => fitLinear(features, { task: 'multiclass', values: y, classes: 3 }, all(200), { signal: controller.signal }));
});

test('choleskySolve solves a known SPD system', () => {
  // [[4, 2], [2, 3]]·x = [2, 1] → x = [0.5, 0].
  const x = choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2);
  assertClose(x, [0.5, 0], 1e-12, 'x');
});

test('prediction in blocks of rows gives each row the probabilities it gets alone (numeric, missing, categorical; 3 classes)', () => {
  const rng = createRng(17);
  const n = 2 * PREDICT_BLOCK_ROWS + 333; // two whole blocks and a partial one
  const a = Float32Array.from({ length: n }, () => (rng.next() < 0.05 ? NaN : rng.next() * 4 - 2));
  const b = Float32Array.from({ length: n }, () => rng.next() * 10);
  const c = Float32Array.from({ length: n }, () => (rng.next() < 0.03 ? NaN : Math.floor(rng.next() * 4)));
  const features: ModelFeature[] = [
    { name: 'a', kind: 'numeric', values: a },
    { name: 'b', kind: 'numeric', values: b },
    { name: 'c', kind: 'categorical', values: c, levels: 4 },
  ];
  const y = Float64Array.from({ length: n }, (_, i) => ((a[i] === a[i] ? a[i] : 0) + 0.2 * b[i] + (c[i] === 2 ? 1 : 0) + rng.next() > 1.5 ? 2 : rng.next() < 0.5 ? 1 : 0));
  const model = fitLinear(features, { task: 'multiclass', values: y, classes: 3 }, all(n));
  // Rows in a shuffled order, so that each block reads rows from all over the columns.
  const rows = all(n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const blocked = predictLinear(model, features, rows);
  assert.equal(blocked.length, 3 * n);
  for (let i = 0; i < n; i++) {
    const alone = predictLinear(model, features, rows.subarray(i, i + 1));
    for (let k = 0; k < 3; k++) assert.equal(blocked[3 * i + k], alone[k], `row ${rows[i]} class ${k}`);
  }
});

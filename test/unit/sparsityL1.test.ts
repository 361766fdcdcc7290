import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateUnits, fitL1Logistic, gramRow, naiveLassoSolver, softThreshold } from '../../src/engine/sparsity/l1';
import { fitPath } from '../../src/engine/sparsity/path';
import { explicitSpace } from '../../src/engine/sparsity/spaces';
import { createRng } from '../../src/engine/random';
import { splitRows } from '../../src/engine/split';

test('unpenalised fit on one ±1 feature recovers the closed-form log-odds', () => {
  // Two units: x = −1 with 30 % positives, x = +1 with 80 % positives.
  const units = { weight: Float64Array.from([100, 100]), positives: Float64Array.from([30, 80]) };
  const x = Float64Array.from([-1, 1]);
  const fit = fitL1Logistic(units, [x], 0, { intercept: 0, beta: new Float64Array(1) }, { tol: 1e-12 });
  const l0 = Math.log(0.3 / 0.7);
  const l1 = Math.log(0.8 / 0.2);
  assert.ok(fit.converged);
  assert.ok(Math.abs(fit.state.intercept - (l0 + l1) / 2) < 1e-8);
  assert.ok(Math.abs(fit.state.beta[0] - (l1 - l0) / 2) < 1e-8);
});

test('a penalty at or above |gradient at zero| keeps the coefficient at exactly 0', () => {
  const units = { weight: Float64Array.from([100, 100]), positives: Float64Array.from([30, 80]) };
  const x = Float64Array.from([-1, 1]);
  // At β = 0 with the intercept fitted (p = 0.55): ∇ = mean(x·(y − p)) = (0.25 + 0.25)/2 = 0.25.
  const at = fitL1Logistic(units, [x], 0.25, { intercept: 0, beta: new Float64Array(1) });
  assert.equal(at.state.beta[0], 0);
  const below = fitL1Logistic(units, [x], 0.2, { intercept: 0, beta: new Float64Array(1) });
  assert.ok(below.state.beta[0] > 0);
});

test('evaluateUnits: log-loss, accuracy and ties', () => {
  const e = evaluateUnits({ weight: Float64Array.from([2, 2]), positives: Float64Array.from([2, 0]) }, Float64Array.from([0, 0]));
  assert.ok(Math.abs(e.logLoss - Math.LN2) < 1e-12);
  assert.equal(e.accuracy, 0.5);
  assert.equal(e.rows, 4);
});

test('the path certifies KKT: every zero coefficient has |∇| ≤ λ, and the true main effects are found', () => {
  const rng = createRng(4);
  const n = 3000;
  const p = 8;
  const values = Array.from({ length: p }, () => Float32Array.from({ length: n }, () => rng.normal()));
  const labels = Int32Array.from({ length: n }, (_, i) => (rng.next() < 1 / (1 + Math.exp(-(1.5 * values[2][i] - values[5][i]))) ? 1 : 0));
  const split = splitRows(labels, n, 1);
  const terms = Array.from({ length: p }, (_, j) => [j]);
  const space = explicitSpace(terms, values, split, labels, 1e9);
  const result = fitPath(space);
  const found = result.terms.map((t) => t.id).sort();
  assert.deepEqual(found.slice(0, 2), [2, 5]);
  assert.ok(result.terms[0].id === 2 && result.terms[0].coefficient > 0);
  assert.ok(result.terms.find((t) => t.id === 5)!.coefficient < 0);
  assert.ok(result.test.accuracy > 0.7);
  // Refit at the chosen λ and check the optimality conditions directly.
  const eta = new Float64Array(split.train.length).fill(result.intercept);
  for (const t of result.terms) {
    const x = space.column(t.id, 'train');
    for (let u = 0; u < eta.length; u++) eta[u] += t.coefficient * x[u];
  }
  const grad = space.gradient(eta);
  for (let t = 0; t < p; t++) {
    const term = result.terms.find((x) => x.id === t);
    if (!term) assert.ok(Math.abs(grad[t]) <= result.lambda * (1 + 1e-4), `term ${t}: |∇| ${Math.abs(grad[t])} > λ ${result.lambda}`);
    else assert.ok(Math.abs(grad[t] - result.lambda * Math.sign(term.coefficient)) < 1e-4, `term ${t} stationarity`);
  }
});

test('evaluateUnits: the log-loss sums softplus(−η) and softplus(η) as their definitions do, bit for bit (0, −0, NaN, extremes)', () => {
  // The definitions: log(1 + e^x) without overflow.
  const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
  const rng = createRng(5);
  const eta = Float64Array.from({ length: 4000 }, (_, i) => (i < 8 ? [0, -0, 1e-300, -1e-300, 800, -800, 1e6, -1e6][i] : (rng.next() - 0.5) * 20));
  const weight = Float64Array.from(eta, (_, i) => 1 + (i % 3));
  const positives = Float64Array.from(weight, (w, i) => (i % 2 === 0 ? w : i % 5 === 0 ? 1 : 0));
  let loss = 0;
  let loss2 = 0;
  let total = 0;
  for (let i = 0; i < eta.length; i++) {
    const l1 = softplus(-eta[i]);
    const l0 = softplus(eta[i]);
    loss += positives[i] * l1 + (weight[i] - positives[i]) * l0;
    loss2 += positives[i] * l1 * l1 + (weight[i] - positives[i]) * l0 * l0;
    total += weight[i];
  }
  const e = evaluateUnits({ weight, positives }, eta);
  assert.equal(e.logLoss, loss / total);
  assert.equal(e.logLossSe, Math.sqrt(Math.max(0, loss2 / total - (loss / total) ** 2) / total));
  assert.ok(Number.isNaN(evaluateUnits({ weight: Float64Array.of(1), positives: Float64Array.of(1) }, Float64Array.of(NaN)).logLoss));
});

test('a Gram row four columns at a time: every entry the in-order dot product of one column at a time, bit for bit', () => {
  const rng = createRng(43);
  const u = 1537;
  for (const K of [1, 2, 4, 5, 6, 9, 13]) {
    // Columns of very different scales: sums that round differently in any other order.
    const columns = Array.from({ length: K }, (_, j) => Float64Array.from({ length: u }, () => rng.normal() * 10 ** ((j % 5) - 2) + (j % 3)));
    const wx = Float64Array.from({ length: u }, () => rng.normal() * rng.next());
    for (const k of [0, Math.floor(K / 2), K - 1]) {
      const gram = new Float64Array(K * K).fill(-7);
      gramRow(wx, columns, k, gram, new Int32Array(Math.max(0, K - 1)));
      for (let j = 0; j < K; j++) {
        let g = 0;
        for (let i = 0; i < u; i++) g += wx[i] * columns[j][i];
        assert.equal(gram[k * K + j], j === k ? -7 : g, `K ${K}, row ${k}, column ${j}`);
      }
      for (let r = 0; r < K; r++) if (r !== k) for (let j = 0; j < K; j++) assert.equal(gram[r * K + j], -7, 'other rows untouched');
    }
  }
});

/** The naive solver as it was written before its passes were fused: a gradient pass, then an update pass, per column. */
function naiveReference(columns: Float64Array[], w: Float64Array, res: Float64Array, total: number, lambda: number, beta: Float64Array, intercept: number, tol: number, maxSweeps: number): number {
  const K = columns.length;
  const u = w.length;
  const h = columns.map((x) => {
    let d = 0;
    for (let i = 0; i < u; i++) d += w[i] * x[i] * x[i];
    return d / total;
  });
  const r = Float64Array.from(res);
  let wSum = 0;
  for (let i = 0; i < u; i++) wSum += w[i];
  let b0 = intercept;
  let full = true;
  for (let sweeps = 0; sweeps < maxSweeps; sweeps++) {
    let worst = 0;
    let g0 = 0;
    for (let i = 0; i < u; i++) g0 += r[i];
    const step0 = wSum > 0 ? g0 / wSum : 0;
    if (step0 !== 0) {
      b0 += step0;
      for (let i = 0; i < u; i++) r[i] -= w[i] * step0;
      worst = Math.abs(step0) * Math.sqrt(wSum / total);
    }
    for (let k = 0; k < K; k++) {
      const hk = h[k];
      const old = beta[k];
      if (!(hk > 1e-12) || (!full && old === 0)) continue;
      const x = columns[k];
      let g = 0;
      for (let i = 0; i < u; i++) g += x[i] * r[i];
      const next = softThreshold(old + g / total / hk, lambda / hk);
      const step = next - old;
      if (step === 0) continue;
      beta[k] = next;
      for (let i = 0; i < u; i++) r[i] -= w[i] * x[i] * step;
      worst = Math.max(worst, Math.abs(step) * Math.sqrt(hk));
    }
    if (worst < tol) {
      if (full) break;
      full = true;
    } else {
      full = false;
    }
  }
  return b0;
}

test('the naive lasso solver, each residual update and the next gradient in one pass: the coefficients of two passes, bit for bit', () => {
  const rng = createRng(47);
  const u = 900;
  for (const [K, lambda] of [
    [1, 0.001],
    [7, 0.02],
    [12, 0.005],
    [12, 0.5],
  ] as const) {
    // Correlated columns at different scales, one all zero (never visited), one a copy (steps that go back and forth).
    const base = Float64Array.from({ length: u }, () => rng.normal());
    const columns = Array.from({ length: K }, (_, j) =>
      j === 2 ? new Float64Array(u) : j === 4 ? Float64Array.from(base) : Float64Array.from({ length: u }, (_, i) => 0.6 * base[i] + rng.normal() * 10 ** ((j % 3) - 1)),
    );
    const w = Float64Array.from({ length: u }, () => 0.05 + 0.2 * rng.next());
    const res = Float64Array.from({ length: u }, (_, i) => w[i] * (0.8 * base[i] + rng.normal()));
    let total = 0;
    for (let i = 0; i < u; i++) total += w[i] * 4;
    const got = Float64Array.from({ length: K }, () => 0);
    const expected = Float64Array.from({ length: K }, () => 0);
    const { intercept } = naiveLassoSolver(columns, w, u).solve(res, total, lambda, got, 0.1, 1e-9, 200);
    const b0 = naiveReference(columns, w, res, total, lambda, expected, 0.1, 1e-9, 200);
    assert.deepEqual(got, expected, `K ${K}, λ ${lambda}`);
    assert.equal(intercept, b0);
    if (lambda < 0.1) assert.ok(got.some((b) => b !== 0), 'some columns moved');
    else assert.ok(got.every((b) => b === 0), 'a strong penalty keeps every column at 0');
  }
});

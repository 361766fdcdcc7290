import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fitL1Logistic } from '../../src/engine/sparsity/l1';
import type { L1Result, Units } from '../../src/engine/sparsity/l1';
import { l1PassKernel, LOCK_STEP_MIN_UNITS, lockStep, sigmoid } from '../../src/engine/sparsity/l1Passes';
import { createRng } from '../../src/engine/random';
import { newSharedFloat64 } from '../../src/engine/typed';
import { inlineRunner } from '../../src/engine/parallel/runner';
import { ThreadTaskRunner } from '../../src/worker/taskPool';
import { isPoolToThread } from '../../src/worker/taskProtocol';

/** Rows with a logistic label in two columns (one strong, one weak) plus a noise column, on shared memory. */
function problem(rows: number, seed: number): { units: Units; columns: Float64Array[] } {
  const rng = createRng(seed);
  const columns = [newSharedFloat64(rows), newSharedFloat64(rows), newSharedFloat64(rows)];
  const units: Units = { weight: newSharedFloat64(rows).fill(1), positives: newSharedFloat64(rows) };
  for (let i = 0; i < rows; i++) {
    for (const c of columns) c[i] = rng.next() * 2 - 1;
    units.positives[i] = rng.next() < sigmoid(1.5 * columns[0][i] - 0.4 * columns[1][i] + 0.2) ? 1 : 0;
  }
  return { units, columns };
}

function sameBits(a: L1Result, b: L1Result, what: string): void {
  assert.ok(Object.is(a.state.intercept, b.state.intercept), `${what}: intercept ${a.state.intercept} vs ${b.state.intercept}`);
  assert.deepEqual([...a.state.beta], [...b.state.beta], `${what}: coefficients`);
  assert.equal(a.sweeps, b.sweeps, `${what}: sweeps`);
  assert.equal(a.converged, b.converged, `${what}: converged`);
  for (let i = 0; i < a.eta.length; i++) if (!Object.is(a.eta[i], b.eta[i])) assert.fail(`${what}: η of unit ${i} ${a.eta[i]} vs ${b.eta[i]}`);
}

test('lock-step sweeps on 2 threads: the one-thread fit bit for bit (coefficients, intercept, sweeps, every η)', async () => {
  const rows = LOCK_STEP_MIN_UNITS + 12_345; // an odd split: the halves differ in length
  const { units, columns } = problem(rows, 7);
  const runner = new ThreadTaskRunner({ script: join(__dirname, '..', 'support', 'taskWorkerTs.cjs'), threads: 2, minWork: 0 });
  try {
    // A penalised fit that moves both signal columns and leaves the noise at 0, an unpenalised one from a warm start
    // (the path's case), and one that starts with the quadratic phase and then refreshes p and finishes with exact
    // sweeps (one-vs-rest's case).
    for (const [lambda, start, quadraticFirst, what] of [
      [0.01, { intercept: 0, beta: new Float64Array(3) }, false, 'λ = 0.01 from 0'],
      [0, { intercept: 0.3, beta: Float64Array.from([1, 0, -0.2]) }, false, 'λ = 0 from a warm start'],
      [0.002, { intercept: 0, beta: new Float64Array(3) }, true, 'quadratic phase first'],
    ] as const) {
      const one = fitL1Logistic(units, columns, lambda, start, { tol: 1e-9, quadraticFirst });
      const two = fitL1Logistic(units, columns, lambda, start, { tol: 1e-9, quadraticFirst, runner });
      sameBits(two, one, what);
      assert.ok(one.sweeps >= (quadraticFirst ? 1 : 3), `${what}: ${one.sweeps} sweeps`);
      assert.ok(one.converged && one.state.beta[0] > 1 && one.state.beta[1] < 0, `${what}: the fit found the signal`);
    }
    // The lock-step η and p are shared so the threads can write them; the one-thread fit's are plain.
    const two = fitL1Logistic(units, columns, 0.01, { intercept: 0, beta: new Float64Array(3) }, { runner });
    assert.ok(two.eta.buffer instanceof SharedArrayBuffer, 'the threads wrote this η');
  } finally {
    await runner.close();
  }
});

test('lock step declines where it cannot help: one thread, too few units, or an array outside shared memory', () => {
  const two = { ...inlineRunner, threads: 2 };
  const big = problem(LOCK_STEP_MIN_UNITS, 3);
  const eta = newSharedFloat64(LOCK_STEP_MIN_UNITS);
  const p = newSharedFloat64(LOCK_STEP_MIN_UNITS);
  assert.notEqual(lockStep(two, big.units, big.columns, eta, p), null, 'two threads, enough units, all shared');
  assert.equal(lockStep(inlineRunner, big.units, big.columns, eta, p), null, 'one thread');
  assert.equal(lockStep(undefined, big.units, big.columns, eta, p), null, 'no runner');
  assert.equal(lockStep(two, big.units, [...big.columns, new Float64Array(LOCK_STEP_MIN_UNITS)], eta, p), null, 'a column in plain memory');
  assert.equal(lockStep(two, { ...big.units, weight: new Float64Array(LOCK_STEP_MIN_UNITS) }, big.columns, eta, p), null, 'weights in plain memory');
  const small = problem(LOCK_STEP_MIN_UNITS - 1, 3);
  assert.equal(lockStep(two, small.units, small.columns, newSharedFloat64(LOCK_STEP_MIN_UNITS - 1), newSharedFloat64(LOCK_STEP_MIN_UNITS - 1)), null, 'too few units');
});

test('l1Pass kernel: known sums and updates on four units', () => {
  const eta = newSharedFloat64(4);
  eta.set([0, 1, -1, 2]);
  const p = newSharedFloat64(4);
  p.set([0.5, 0.25, 0.75, 1]);
  const weight = newSharedFloat64(4).fill(2);
  const positives = newSharedFloat64(4);
  positives.set([1, 0, 2, 1]);
  const x = newSharedFloat64(4);
  x.set([1, -1, 2, 0]);
  const c = { eta, p, weight, positives, x, step: 0.5 };
  const all = { from: 0, to: 4 };
  // g = Σ x·(pos − w·p) = 1·0 − 1·(−0.5) + 2·(0.5) + 0 = 1.5; h = Σ w·p(1 − p)·x² = 0.5 + 0.375 + 4·0.375 + 0 = 2.375.
  assert.equal(l1PassKernel(c, { op: 'g', ...all }), 1.5);
  assert.equal(l1PassKernel(c, { op: 'h', ...all }), 2.375);
  // The intercept's: Σ (pos − w·p) = 0 − 0.5 + 0.5 − 1 = −1; Σ w·p(1 − p) = 0.5 + 0.375 + 0.375 + 0 = 1.25.
  assert.equal(l1PassKernel({ ...c, x: null }, { op: 'g', ...all }), -1);
  assert.equal(l1PassKernel({ ...c, x: null }, { op: 'h', ...all }), 1.25);
  // An update of units [1, 3): η += 0.5·x, p = σ(η); units 0 and 3 untouched.
  assert.equal(l1PassKernel(c, { op: 'update', from: 1, to: 3 }), 0);
  assert.deepEqual([...eta], [0, 0.5, 0, 2]);
  assert.deepEqual([...p], [0.5, sigmoid(0.5), 0.5, 1]);
  // The intercept's update shifts every unit of its slice; a refresh only recomputes p.
  l1PassKernel({ ...c, x: null, step: -1 }, { op: 'update', from: 0, to: 1 });
  assert.deepEqual([eta[0], p[0]], [-1, sigmoid(-1)]);
  l1PassKernel(c, { op: 'refresh', from: 3, to: 4 });
  assert.deepEqual([eta[3], p[3]], [2, sigmoid(2)]);
});

test('l1Pass batches: the protocol takes shared arrays of one length and slices inside them, nothing else', () => {
  const a = (n = 8): Float64Array => newSharedFloat64(n);
  const context = { eta: a(), p: a(), weight: a(), positives: a(), x: a(), step: 0.25 };
  const ok = { type: 'batch', kind: 'l1Pass', batch: 1, context, tasks: [{ op: 'update', from: 0, to: 4 }, { op: 'h', from: 0, to: 8 }], claim: new SharedArrayBuffer(4), cancel: new SharedArrayBuffer(4) };
  assert.equal(isPoolToThread(ok), true);
  assert.equal(isPoolToThread({ ...ok, context: { ...context, x: null } }), true, 'the intercept has no column');
  assert.equal(isPoolToThread({ ...ok, context: { ...context, p: new Float64Array(8) } }), false, 'p in plain memory: the caller would never see the writes');
  assert.equal(isPoolToThread({ ...ok, context: { ...context, x: a(7) } }), false, 'a column of another length');
  assert.equal(isPoolToThread({ ...ok, context: { ...context, step: Number.NaN } }), false, 'a step that is not a number');
  assert.equal(isPoolToThread({ ...ok, tasks: [{ op: 'update', from: 4, to: 9 }] }), false, 'a slice past the end');
  assert.equal(isPoolToThread({ ...ok, tasks: [{ op: 'update', from: 5, to: 4 }] }), false, 'a slice backwards');
  assert.equal(isPoolToThread({ ...ok, tasks: [{ op: 'eval', from: 0, to: 8 }] }), false, 'an unknown pass');
});

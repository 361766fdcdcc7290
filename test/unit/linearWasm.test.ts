import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitLinear, predictLinear } from '../../src/engine/models/linear';
import { linearKernelAvailable } from '../../src/engine/models/linearKernel';
import type { ModelFeature, ModelTarget, Task } from '../../src/engine/models/types';
import { createRng } from '../../src/engine/random';
import { kernelCheck } from './support/wasmCheck';

/**
 * The WebAssembly half of logistic regression's objective (src/wasm/linear.ts) against the JavaScript: the same
 * float64 operations in the same order, so L-BFGS takes the same steps and the fitted weights agree bit for bit — two
 * classes and several, dense column counts with and without a tail of < 4, one-hot columns and missing cells.
 */

function bytes(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function table(task: Task, rows: number, numeric: number, withCategorical: boolean, seed: number): { features: ModelFeature[]; target: ModelTarget } {
  const rng = createRng(seed);
  const features: ModelFeature[] = [];
  for (let j = 0; j < numeric; j++) {
    const values = new Float32Array(rows);
    for (let i = 0; i < rows; i++) values[i] = rng.next() < 0.03 ? NaN : rng.next() * 4 - 2 + (j % 3) * 0.5;
    features.push({ name: `x${j}`, kind: 'numeric', values });
  }
  const codes = new Float32Array(rows);
  for (let i = 0; i < rows; i++) codes[i] = rng.next() < 0.05 ? NaN : Math.floor(rng.next() * 5);
  if (withCategorical) features.push({ name: 'c', kind: 'categorical', values: codes, levels: 5 });
  const classes = task === 'binary' ? 2 : 4;
  const values = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < numeric; j++) s += (j % 2 === 0 ? 1 : -0.7) * (Number.isNaN(features[j].values[i]) ? 0 : features[j].values[i]);
    if (withCategorical && !Number.isNaN(codes[i])) s += codes[i] - 2;
    s += rng.next() * 2 - 1;
    values[i] = task === 'binary' ? (s > 0 ? 1 : 0) : Math.min(classes - 1, Math.max(0, Math.floor(s / 2 + 2)));
  }
  return { features, target: { task, values, classes } };
}

test('the WebAssembly kernel is what src/wasm/linear.ts compiles to', () => {
  const out = kernelCheck('linear');
  assert.match(out, /up to date/);
});

test('logistic regression: WebAssembly and JavaScript objectives fit the same weights, bit for bit', () => {
  assert.ok(linearKernelAvailable(), 'Node 20 runs WebAssembly SIMD');
  const cases: [Task, number, boolean][] = [
    ['binary', 7, false],
    ['binary', 8, true],
    ['multiclass', 9, true],
    ['multiclass', 4, false],
    ['multiclass', 3, true],
  ];
  cases.forEach(([task, numeric, categorical], c) => {
    const { features, target } = table(task, 400, numeric, categorical, 11 + c);
    const train = Uint32Array.from({ length: 300 }, (_, i) => i);
    const test_ = Uint32Array.from({ length: 100 }, (_, i) => 300 + i);
    const js = fitLinear(features, target, train, { kernel: 'js' });
    const wasm = fitLinear(features, target, train, { kernel: 'wasm' });
    const what = `${task}, ${numeric} numeric${categorical ? ' + categorical' : ''}`;
    assert.ok(js.iterations > 5, `${what}: L-BFGS ran (${js.iterations} iterations)`);
    assert.equal(wasm.iterations, js.iterations, `${what}: iterations`);
    assert.ok(bytes(wasm.weights).equals(bytes(js.weights)), `${what}: weights`);
    assert.ok(bytes(wasm.intercepts).equals(bytes(js.intercepts)), `${what}: intercepts`);
    assert.ok(bytes(predictLinear(wasm, features, test_)).equals(bytes(predictLinear(js, features, test_))), `${what}: predictions`);
  });
});

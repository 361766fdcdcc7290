import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binFeatures } from '../../src/engine/models/binning';
import type { BinnedMatrix } from '../../src/engine/models/binning';
import { fitGbdt, predictGbdt } from '../../src/engine/models/gbdt';
import type { GbdtModel, GbdtOptions } from '../../src/engine/models/gbdt';
import { gbdtKernelAvailable } from '../../src/engine/models/gbdtKernel';
import { TreeGrower } from '../../src/engine/models/gbdtTree';
import type { GbdtTree } from '../../src/engine/models/gbdtTree';
import type { ModelFeature, ModelTarget, Task } from '../../src/engine/models/types';
import { createRng } from '../../src/engine/random';
import { kernelCheck } from './support/wasmCheck';

/**
 * The WebAssembly histogram builder (src/wasm/gbdtHist.ts) against TreeGrower's JavaScript buildHist: the same
 * float64 additions in the same order, so every fitted tree and every prediction must agree bit for bit — on the
 * three tasks, with missing cells, a categorical feature, feature counts with and without a tail of < 4, small and
 * large trees (the preallocated histogram pool) and excluded features.
 */

const range = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);

/** The bytes of a typed array: equal bytes is bit-for-bit equality (−0 ≠ 0, NaN payloads). */
function bytes(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function assertSameBits(a: ArrayBufferView, b: ArrayBufferView, what: string): void {
  assert.ok(bytes(a).equals(bytes(b)), `${what} differs`);
}

function assertSameTrees(a: readonly GbdtTree[], b: readonly GbdtTree[], what: string): void {
  assert.equal(a.length, b.length, `${what}: tree count`);
  a.forEach((t, i) => {
    assert.equal(t.nodeCount, b[i].nodeCount, `${what} tree ${i}: node count`);
    for (const key of ['feature', 'threshold', 'missingLeft', 'categoricalSplit', 'categoryLeft', 'left', 'right', 'value', 'gain'] as const) {
      assertSameBits(t[key], b[i][key], `${what} tree ${i} ${key}`);
    }
  });
}

interface Table {
  readonly features: ModelFeature[];
  readonly target: ModelTarget;
}

/**
 * `numeric` normal features (every third one with 15 % missing cells), optionally a 12-level categorical feature with
 * missing codes, and a target that depends on features 0, 1, the categorical level and missingness.
 */
function table(task: Task, rows: number, numeric: number, withCategorical: boolean, seed: number): Table {
  const rng = createRng(seed);
  const features: ModelFeature[] = [];
  for (let j = 0; j < numeric; j++) {
    const values = Float32Array.from({ length: rows }, () => (j % 3 === 2 && rng.next() < 0.15 ? NaN : rng.normal()));
    features.push({ name: `x${j}`, kind: 'numeric', values });
  }
  const levels = 12;
  const codes = Float32Array.from({ length: rows }, () => (rng.next() < 0.05 ? NaN : rng.int(levels)));
  if (withCategorical) features.push({ name: 'c', kind: 'categorical', values: codes, levels });
  const score = Float64Array.from({ length: rows }, (_, r) => {
    const x0 = features[0].values[r];
    const x1 = numeric > 1 ? features[1].values[r] : 0;
    const x2 = numeric > 2 ? features[2].values[r] : 0;
    const c = withCategorical && !Number.isNaN(codes[r]) ? codes[r] : 0;
    return x0 - 0.7 * x1 * x0 + (c % 3) - 1 + (Number.isNaN(x2) ? 0.8 : 0) + 0.5 * rng.normal();
  });
  const classes = task === 'binary' ? 2 : task === 'multiclass' ? 4 : 0;
  const values =
    task === 'regression'
      ? score
      : Float64Array.from(score, (s) => (task === 'binary' ? (s > 0 ? 1 : 0) : Math.min(3, Math.max(0, Math.floor(s + 2)))));
  return { features, target: { task, values, classes } };
}

function fitBoth(binned: BinnedMatrix, target: ModelTarget, train: Uint32Array, options: GbdtOptions): [GbdtModel, GbdtModel] {
  const js = fitGbdt(binned, target, train, { ...options, histogramKernel: 'js' });
  const wasm = fitGbdt(binned, target, train, { ...options, histogramKernel: 'wasm' });
  return [js, wasm];
}

function assertSameModels(binned: BinnedMatrix, js: GbdtModel, wasm: GbdtModel, rows: Uint32Array, what: string): void {
  assert.ok(js.trees.length > 0, `${what}: no trees`);
  assert.ok(
    js.trees.some((t) => t.nodeCount > 1),
    `${what}: every tree is a single leaf, nothing was compared`,
  );
  assert.equal(wasm.iterations, js.iterations, `${what}: iterations`);
  assertSameTrees(js.trees, wasm.trees, what);
  assertSameBits(js.splitGain, wasm.splitGain, `${what} split gains`);
  assertSameBits(predictGbdt(js, binned, rows), predictGbdt(wasm, binned, rows), `${what} predictions`);
}

test('the committed histogram kernel is what src/wasm/gbdtHist.ts compiles to, and it runs here', () => {
  const out = kernelCheck('gbdtHist');
  assert.match(out, /gbdtKernel\.generated\.ts: up to date/);
  assert.ok(gbdtKernelAvailable());
});

test('the WebAssembly and JavaScript builders grow the same trees, bit for bit, on every task', () => {
  const cases: [Task, number, number, boolean, GbdtOptions][] = [
    ['binary', 1200, 7, true, {}],
    ['multiclass', 900, 9, true, { maxIter: 30 }],
    ['regression', 1500, 6, false, { minSamplesLeaf: 5, maxLeafNodes: 63, maxIter: 40 }],
    // Fewer than four features: only the kernel's one-feature tail runs.
    ['binary', 800, 2, true, { maxIter: 40 }],
    // The smallest trees the pool must serve (one and two splits), and early stopping on a validation split.
    ['regression', 700, 5, true, { maxLeafNodes: 2, maxIter: 20 }],
    ['multiclass', 700, 5, false, { maxLeafNodes: 3, maxIter: 20, earlyStopping: true }],
  ];
  cases.forEach(([task, rows, numeric, categorical, options], i) => {
    const { features, target } = table(task, rows, numeric, categorical, 100 + i);
    const train = range(rows).filter((r) => r % 4 !== 0);
    const binned = binFeatures(features, rows, train);
    const [js, wasm] = fitBoth(binned, target, train, options);
    assertSameModels(binned, js, wasm, range(rows), `case ${i} (${task}, ${numeric} numeric${categorical ? ' + categorical' : ''})`);
  });
});

test('excluded features: the same drop-column refit either way', () => {
  const { features, target } = table('binary', 1000, 8, true, 7);
  const train = range(1000);
  const binned = binFeatures(features, 1000, train);
  for (const excluded of [[0], [1, 8], [2, 3, 4, 5]]) {
    const [js, wasm] = fitBoth(binned, target, train, { maxIter: 30, excludeFeatures: new Set(excluded) });
    assertSameModels(binned, js, wasm, train, `excluding ${excluded.join(', ')}`);
  }
});

test('TreeGrower: auto picks the kernel; growers with their own memories do not disturb each other', () => {
  const { features, target } = table('regression', 600, 5, true, 11);
  const rows = range(600);
  const binned = binFeatures(features, 600, rows);
  const params = { maxLeafNodes: 31, minSamplesLeaf: 10, l2Regularization: 0, learningRate: 0.1 };
  const all = Int32Array.from(range(binned.featureCount));
  const grad = Float64Array.from(target.values, (v) => -v);
  const hess = new Float64Array(600).fill(1);
  assert.equal(new TreeGrower(binned, rows, all, params).kernel, 'wasm');
  assert.equal(new TreeGrower(binned, rows, all, params, 'js').kernel, 'js');
  const reference = new TreeGrower(binned, rows, all, params, 'js');
  const expected = [reference.grow(grad, hess), reference.grow(hess, hess), reference.grow(grad, hess)];
  // Two WebAssembly growers, interleaved: each reads only its own memory.
  const a = new TreeGrower(binned, rows, all, params, 'wasm');
  const b = new TreeGrower(binned, range(300), all, params, 'wasm');
  const got: GbdtTree[] = [];
  got.push(a.grow(grad, hess));
  b.grow(hess, grad.subarray(0, 300).map(Math.abs));
  got.push(a.grow(hess, hess));
  b.grow(grad, hess);
  got.push(a.grow(grad, hess));
  assertSameTrees(expected, got, 'interleaved growers');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { termDotsJs, termDotsKernel } from '../../src/engine/sparsity/spaces';
import type { TermDotsContext } from '../../src/engine/sparsity/spaces';
import { newTermStoreKey, PAIR_KERNEL_MIN_ROWS, pairDotsInKernel } from '../../src/engine/sparsity/termPairs';
import { kernelCheck } from './support/wasmCheck';

/** The dot product of one term, one row after another: the definition the kernel must match bit for bit. */
function reference(context: TermDotsContext, t: number): number {
  const { terms, stored, gathered, residual } = context;
  const members = terms[t];
  const x = stored[t];
  let sum = 0;
  for (let u = 0; u < residual.length; u++) {
    if (x) sum += x[u] * residual[u];
    else if (members.length === 1) sum += (gathered[members[0]] as Float32Array)[u] * residual[u];
    else if (members.length === 2) sum += (gathered[members[0]] as Float32Array)[u] * (gathered[members[1]] as Float32Array)[u] * residual[u];
    else {
      let product = 1;
      for (const j of members) product *= (gathered[j] as Float32Array)[u];
      sum += product * residual[u];
    }
  }
  return sum;
}

function table(seed: number, W: number, features: number, unused: readonly number[]) {
  const rng = createRng(seed);
  // Two-valued columns as the sparsity analysis gathers them, some with heavy tails, one with a NaN-free zero run.
  const gathered = Array.from({ length: features }, (_, j) =>
    unused.includes(j) ? null : Float32Array.from({ length: W }, (_, u) => (j === 3 && u < 50 ? 0 : j % 3 === 0 ? rng.normal() * 1e3 : rng.next() < 0.4 ? -1.2247 : 0.8165)),
  );
  const residual = Float64Array.from({ length: W }, () => rng.normal() / W);
  return { rng, gathered, residual };
}

test('the WebAssembly kernel is what src/wasm/termPairs.ts compiles to', () => {
  assert.match(kernelCheck('termPairs'), /termPairsKernel\.generated\.ts: up to date/);
});

test('pair kernel: every pair and single of 14 features, stored and rebuilt higher terms beside them, equal the one-term sums bit for bit, over three gradients', () => {
  const W = 9001; // not a multiple of the kernel's 512-row blocks
  const used = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14];
  const { rng, gathered, residual } = table(7, W, 15, [7]);
  const terms: number[][] = [];
  for (const j of used) terms.push([j]);
  for (let a = 0; a < used.length; a++) for (let b = a + 1; b < used.length; b++) terms.push(rng.next() < 0.5 ? [used[a], used[b]] : [used[b], used[a]]);
  terms.push([0, 1, 2], [3, 4, 5, 6], [8, 9, 10], [1, 2]); // two stored, one rebuilt, and a pair listed twice
  const stored = terms.map((m, t) => (m.length >= 3 && t % 2 === 0 ? Float32Array.from({ length: W }, (_, u) => m.reduce((x, j) => x * (gathered[j] as Float32Array)[u], 1)) : null));
  const key = newTermStoreKey();
  for (let pass = 0; pass < 3; pass++) {
    if (pass > 0) for (let u = 0; u < W; u++) residual[u] = rng.normal() / W;
    const context: TermDotsContext = { terms, stored, gathered, residual, key, pass };
    assert.equal(pairDotsInKernel(context, { from: 0, to: terms.length }, new Float64Array(terms.length)), true, 'the kernel takes the task');
    const got = termDotsKernel(context, { from: 0, to: terms.length });
    terms.forEach((m, t) => assert.equal(got[t], reference(context, t), `pass ${pass}, term ${t} (${m})`));
    assert.deepEqual(got, termDotsJs(context, { from: 0, to: terms.length }, new Float64Array(terms.length)));
    // Blocks of terms as the threads take them, each from its own start.
    for (const [from, to] of [[0, 40], [40, 77], [77, terms.length], [3, 19]]) {
      assert.deepEqual(termDotsKernel(context, { from, to }), got.subarray(from, to), `pass ${pass}, terms ${from}…${to}`);
    }
  }
});

test('pair kernel: scattered pairs (chunks of two lanes) and a new store under a new key', () => {
  const W = PAIR_KERNEL_MIN_ROWS + 1;
  for (const seed of [11, 12]) {
    const { rng, gathered, residual } = table(seed, W, 40, [5, 17]);
    const pick = (): number => {
      for (;;) {
        const j = Math.floor(rng.next() * 40);
        if (j !== 5 && j !== 17) return j;
      }
    };
    const terms: number[][] = Array.from({ length: 30 }, (_, t) => (t % 5 === 0 ? [pick()] : [pick(), pick()]));
    const stored = terms.map(() => null);
    const context: TermDotsContext = { terms, stored, gathered, residual, key: newTermStoreKey(), pass: 0 };
    const out = new Float64Array(terms.length);
    assert.equal(pairDotsInKernel(context, { from: 0, to: terms.length }, out), true);
    terms.forEach((m, t) => assert.equal(out[t], reference(context, t), `seed ${seed}, term ${t} (${m})`));
  }
});

test('pair kernel: declines too few rows or terms, and then the JavaScript loops give every term', () => {
  const { gathered, residual } = table(3, PAIR_KERNEL_MIN_ROWS - 1, 4, []);
  const terms = [[0], [1], [0, 1], [2, 3], [1, 2], [0, 3], [1, 3], [2], [3], [0, 2]];
  const context: TermDotsContext = { terms, stored: terms.map(() => null), gathered, residual, key: newTermStoreKey(), pass: 0 };
  assert.equal(pairDotsInKernel(context, { from: 0, to: terms.length }, new Float64Array(terms.length)), false);
  const got = termDotsKernel(context, { from: 0, to: terms.length });
  terms.forEach((m, t) => assert.equal(got[t], reference(context, t)));
  const many = table(4, PAIR_KERNEL_MIN_ROWS, 4, []);
  const few: TermDotsContext = { terms: terms.slice(0, 7), stored: terms.slice(0, 7).map(() => null), gathered: many.gathered, residual: many.residual, key: newTermStoreKey(), pass: 0 };
  assert.equal(pairDotsInKernel(few, { from: 0, to: 7 }, new Float64Array(7)), false, 'seven terms stay in JavaScript');
});

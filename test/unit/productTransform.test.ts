import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { productTransform, TRANSFORM_KERNEL_MAX_K, TRANSFORM_KERNEL_MIN_K, transformCells } from '../../src/engine/sparsity/transform';
import { kernelCheck } from './support/wasmCheck';

test('the WebAssembly kernel is what src/wasm/productTransform.ts compiles to', () => {
  assert.match(kernelCheck('productTransform'), /productTransformKernel\.generated\.ts: up to date/);
});

test('product transform on the kernel: the JavaScript transform bit for bit, for standardised scales and for the Walsh–Hadamard case', () => {
  const rng = createRng(41);
  for (const k of [TRANSFORM_KERNEL_MIN_K, 11, 14, 17]) {
    // Standardised two-valued features (s0 = −√(p/(1−p)), s1 = √((1−p)/p)), and ±1 (the Walsh–Hadamard transform).
    const p = Array.from({ length: k }, () => 0.05 + 0.9 * rng.next());
    const scales: [Float64Array, Float64Array][] = [
      [Float64Array.from(p, (q) => -Math.sqrt(q / (1 - q))), Float64Array.from(p, (q) => Math.sqrt((1 - q) / q))],
      [new Float64Array(k).fill(1), new Float64Array(k).fill(-1)],
    ];
    for (const [s0, s1] of scales) {
      const kernel = transformCells(k, s0, s1);
      assert.ok(kernel, `k = ${k}: the kernel takes it`);
      // Residual-like cells: most zero (unoccupied), the rest of mixed sign and magnitude.
      const input = Float64Array.from({ length: 2 ** k }, () => (rng.next() < 0.6 ? 0 : rng.normal() * 10 ** Math.floor(rng.next() * 6 - 3)));
      const expected = Float64Array.from(input);
      productTransform(expected, k, s0, s1);
      for (let pass = 0; pass < 2; pass++) {
        kernel.cells.set(input);
        kernel.run();
        assert.deepEqual(kernel.cells, expected, `k = ${k}, pass ${pass}`);
      }
    }
  }
  assert.equal(transformCells(TRANSFORM_KERNEL_MIN_K - 1, [1], [1]), null);
  assert.equal(transformCells(TRANSFORM_KERNEL_MAX_K + 1, [1], [1]), null);
});

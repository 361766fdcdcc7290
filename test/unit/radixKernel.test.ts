import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KERNEL_MAX_KEYS, KERNEL_MIN_KEYS, PROFILE_KERNEL_MIN_VALUES, radixSortInKernel, sortedPresentInKernel } from '../../src/engine/stats/radixKernel';
import { floatKey, radixSortFloat32, radixSortKeys, sortedPresent } from '../../src/engine/stats/summary';
import { createRng } from '../../src/engine/random';
import { releaseKernelMemories } from '../../src/engine/wasmMemory';
import { kernelCheck } from './support/wasmCheck';

test('the WebAssembly kernel is what src/wasm/radixSort.ts compiles to', () => {
  const out = kernelCheck('radixSort');
  assert.match(out, /up to date/);
});

test('radix sort on the kernel: the keys a comparison sort gives, for every digit pattern, sizes across its range', () => {
  const rng = createRng(5);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const key = (v: number): number => {
    f32[0] = v;
    return floatKey(u32[0]);
  };
  const kinds: [string, () => number][] = [
    ['uniform 32-bit', () => Math.floor(rng.next() * 2 ** 32)],
    ['float keys of 0/1 plus noise (one binade: a pass skipped)', () => key((rng.next() < 0.5 ? 0 : 1) + rng.normal() * 0.05)],
    ['heavy ties', () => key(Math.floor(rng.next() * 7) - 3)],
    ['one value', () => key(2.5)],
    ['signed normals', () => key(rng.normal() * 1e6)],
  ];
  for (const n of [KERNEL_MIN_KEYS, 100_003, 1 << 20]) {
    for (const [name, draw] of kinds) {
      const keys = Uint32Array.from({ length: n }, draw);
      const expected = Uint32Array.from(keys).sort();
      const sorted = Uint32Array.from(keys);
      assert.equal(radixSortInKernel(sorted), true, `${name}, n ${n}: the kernel took it`);
      assert.deepEqual(sorted, expected, `${name}, n ${n}`);
      // The JavaScript entry point gives the same, through the kernel or not.
      assert.deepEqual(radixSortKeys(Uint32Array.from(keys)), expected);
    }
  }
  // A view into a bigger buffer is sorted in place, the rest untouched.
  const big = Uint32Array.from({ length: 200_000 }, () => Math.floor(rng.next() * 1000));
  const before = Uint32Array.from(big);
  assert.equal(radixSortInKernel(big.subarray(50_000, 150_000)), true);
  assert.deepEqual(big.subarray(50_000, 150_000), Uint32Array.from(before.subarray(50_000, 150_000)).sort());
  assert.deepEqual(big.subarray(0, 50_000), before.subarray(0, 50_000));
  assert.deepEqual(big.subarray(150_000), before.subarray(150_000));
  // Outside its range the kernel declines and leaves the keys as they were.
  const small = Uint32Array.from({ length: KERNEL_MIN_KEYS - 1 }, () => Math.floor(rng.next() * 100));
  const copy = Uint32Array.from(small);
  assert.equal(radixSortInKernel(small), false);
  assert.deepEqual(small, copy);
  assert.equal(KERNEL_MAX_KEYS, 4 * 1024 * 1024);
});

test('sortedPresent on the kernel: the finite values of a float32 column in the bits the JavaScript sort gives (NaN and ±∞ out, −0 before +0)', () => {
  const rng = createRng(9);
  for (const n of [PROFILE_KERNEL_MIN_VALUES, 20_001, KERNEL_MIN_KEYS, 100_003, 1 << 20]) {
    const column = Float32Array.from({ length: n }, (_, i) => {
      const u = rng.next();
      if (u < 0.01) return NaN;
      if (u < 0.012) return i % 2 ? Infinity : -Infinity;
      if (u < 0.03) return i % 2 ? -0 : 0;
      return u < 0.5 ? rng.normal() * 1e3 : (u < 0.75 ? 0 : 1) + rng.normal() * 0.05;
    });
    const got = sortedPresentInKernel(column);
    assert.ok(got, `n ${n}: the kernel took it`);
    const finite = column.filter((v) => Number.isFinite(v));
    const expected = radixSortFloat32(Float32Array.from(finite));
    assert.deepEqual(new Uint32Array(got.buffer, got.byteOffset, got.length), new Uint32Array(expected.buffer), `n ${n}`);
    assert.deepEqual(sortedPresent(column), got, 'sortedPresent takes the kernel path');
  }
  // Every value missing: an empty result. Too short: declined.
  assert.equal(sortedPresentInKernel(new Float32Array(KERNEL_MIN_KEYS).fill(NaN))?.length, 0);
  assert.equal(sortedPresentInKernel(new Float32Array(PROFILE_KERNEL_MIN_VALUES - 1)), null);
});

test('the sorter keeps its memory for the next sort until it is released, then makes a new one that sorts the same', () => {
  const rng = createRng(21);
  const column = Float32Array.from({ length: KERNEL_MIN_KEYS + 5 }, () => (rng.next() < 0.02 ? NaN : rng.normal()));
  const first = sortedPresentInKernel(column);
  assert.ok(first);
  assert.ok(releaseKernelMemories() >= 1, 'the sorter held its memory after the sort');
  assert.equal(releaseKernelMemories(), 0, 'nothing is left to release');
  const again = sortedPresentInKernel(column);
  assert.deepEqual(again, first);
  assert.ok(releaseKernelMemories() >= 1, 'the second sort made its memory anew');
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { rowHashes, rowHashJs, rowHashKernel } from '../../src/engine/alerts/rowHash';
import { kernelCheck } from './support/wasmCheck';
import { createRng } from '../../src/engine/random';
import { newSharedFloat32 } from '../../src/engine/typed';
import { ThreadTaskRunner } from '../../src/worker/taskPool';

test('row hashes: blocks on 2 threads give the one-pass hashes; equal rows (any NaN, ±0) hash alike, different rows apart', async () => {
  const rng = createRng(31);
  const rows = 140_000; // more than two 65,536-row blocks
  const columns = Array.from({ length: 5 }, (_, j) => {
    const c = newSharedFloat32(rows);
    for (let i = 0; i < rows; i++) c[i] = i % 101 === 0 ? NaN : j === 0 ? i % 1000 : Math.floor(rng.next() * 3);
    return c;
  });
  // Row 1007 copies row 7 but for −0 against 0, and row 1009 copies row 9 with another NaN payload.
  for (const c of columns) {
    c[1007] = c[7];
    c[1009] = c[9];
  }
  columns[1][7] = -0;
  columns[1][1007] = 0;
  columns[2][9] = NaN;
  columns[2][1009] = new Float32Array(new Uint32Array([0xffc00001]).buffer)[0];
  const inline = rowHashes(columns, rows);
  const runner = new ThreadTaskRunner({ script: join(__dirname, '..', 'support', 'taskWorkerTs.cjs'), threads: 2, minWork: 0 });
  try {
    assert.deepEqual(rowHashes(columns, rows, runner), inline);
  } finally {
    await runner.close();
  }
  // Rows i and i + 1000·k agree in column 0; they hash alike exactly when the other columns agree too.
  for (const [a, b] of [
    [3, 1003],
    [5, 2005],
    [202, 70_202],
  ]) {
    const same = columns.every((c) => Object.is(c[a], c[b]) || (c[a] !== c[a] && c[b] !== c[b]));
    assert.equal(inline[a] === inline[b], same, `rows ${a} and ${b}`);
  }
  assert.equal(inline[7], inline[1007], '−0 and 0 are one value');
  assert.equal(inline[9], inline[1009], 'every NaN is one missing value');
  assert.notEqual(inline[7], inline[9]);
});

test('row hashes on the WebAssembly kernel: the JavaScript hashes bit for bit, every NaN payload, ±0, ±∞ and a ragged last block', () => {
  const rng = createRng(77);
  const rows = 65_536 + 4_099; // a full block, then one whose length is not a multiple of four
  const special = new Float32Array(new Uint32Array([0x7fc00000, 0xffc00001, 0x7f800001, 0x80000000, 0, 0x7f800000, 0xff800000, 0x00000001]).buffer);
  const columns = Array.from({ length: 7 }, (_, j) => Float32Array.from({ length: rows }, (_, i) => (i % 17 === j ? special[(i + j) % special.length] : j % 2 ? rng.normal() * 1e3 : Math.floor(rng.next() * 5))));
  for (const [from, to] of [
    [0, rows],
    [3, rows - 1],
    [65_535, 65_541],
  ]) {
    const context = { columns, out: new Float64Array(rows) };
    const reference = { columns, out: new Float64Array(rows) };
    assert.equal(rowHashKernel(context, { from, to }), to - from);
    rowHashJs(reference, { from, to });
    assert.deepEqual(context.out, reference.out, `rows ${from}…${to}`);
  }
});

test('the WebAssembly kernel is what src/wasm/rowHash.ts compiles to', () => {
  assert.match(kernelCheck('rowHash'), /rowHashKernel\.generated\.ts: up to date/);
});

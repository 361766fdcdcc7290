import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { buildInto, termBuildKernel, termStore } from '../../src/engine/sparsity/spaces';
import type { TermStore } from '../../src/engine/sparsity/spaces';
import { twoValued } from '../../src/engine/sparsity/termValues';
import type { TermValues } from '../../src/engine/sparsity/termValues';
import { newSharedFloat32, newSharedFloat64 } from '../../src/engine/typed';
import type { TaskRunner } from '../../src/engine/parallel/runner';
import { ThreadTaskRunner } from '../../src/worker/taskPool';
import { isPoolToThread } from '../../src/worker/taskProtocol';

type Part = 'train' | 'validation' | 'test';
const PARTS: readonly Part[] = ['train', 'validation', 'test'];

/**
 * Four features over `rows` rows: two float32 columns and two two-valued (bits with standardised values), on shared
 * memory or not; the split's rows drawn without replacement in no particular order.
 */
function fixture(rows: number, shared: boolean, seed: number): { values: TermValues[]; split: Record<Part, Uint32Array> } {
  const rng = createRng(seed);
  const float = (): Float32Array => {
    const c = shared ? newSharedFloat32(rows) : new Float32Array(rows);
    for (let i = 0; i < rows; i++) c[i] = rng.normal();
    return c;
  };
  const bits = (): Uint8Array => {
    const b = shared ? new Uint8Array(new SharedArrayBuffer(rows)) : new Uint8Array(rows);
    for (let i = 0; i < rows; i++) b[i] = +(rng.next() < 0.4);
    return b;
  };
  const values: TermValues[] = [float(), twoValued(bits(), -0.8164965809, 1.2247448714), float(), twoValued(bits(), -1.1, 0.9)];
  const order = Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const cut = (a: number, b: number): Uint32Array => Uint32Array.from(order.slice(a, b));
  return { values, split: { train: cut(0, rows / 2), validation: cut(rows / 2, (3 * rows) / 4), test: cut((3 * rows) / 4, rows) } };
}

/** Terms of degree 1 to 4, a feature repeated (a square), members out of order. */
const TERMS = [[0], [1], [0, 1], [2, 3], [3, 1, 0], [0, 0], [1, 2, 3, 0], [2], [3, 2], [0, 3]];

/** The runner, counting the termBuild batches it was given. */
function counting(runner: ThreadTaskRunner, seen: { builds: number }): TaskRunner {
  return {
    threads: runner.threads,
    run: (...args) => runner.run(...args),
    start: (...args) => runner.start(...args),
    runKernel: (kind, context, tasks, options) => {
      if (kind === 'termBuild') seen.builds++;
      return runner.runKernel(kind, context, tasks, options);
    },
    startKernel: (...args) => runner.startKernel(...args),
  };
}

function columns(store: TermStore, part: Part): Float64Array[] {
  return TERMS.map((_, id) => store.column(id, part));
}

function sameBits(a: readonly Float64Array[], b: readonly Float64Array[], what: string): void {
  assert.equal(a.length, b.length, what);
  a.forEach((col, t) => {
    assert.equal(col.length, b[t].length, `${what}: term ${t} length`);
    for (let u = 0; u < col.length; u++) if (!Object.is(col[u], b[t][u])) assert.fail(`${what}: term ${t} row ${u}: ${col[u]} vs ${b[t][u]}`);
  });
}

test('buildInto: the product of the members in order, from gathered values or from values at rows', () => {
  const values: TermValues[] = [Float32Array.of(2, 3, 0.5), twoValued(Uint8Array.of(1, 0, 1), -2, 4)];
  const out = new Float64Array(2);
  buildInto([0, 1, 0], values, Uint32Array.of(2, 1), out);
  // Row 2: 0.5 · 4 · 0.5; row 1: 3 · (−2) · 3.
  assert.deepEqual([...out], [1, -18]);
  buildInto([0], [Float32Array.of(7, -1)], null, out);
  assert.deepEqual([...out], [7, -1]);
  // The kernel builds a block of a batch's terms through the same function.
  const outputs = [newSharedFloat64(2), newSharedFloat64(2), newSharedFloat64(2)];
  assert.equal(termBuildKernel({ members: [[0], [1], [0, 1]], sources: values, rows: Uint32Array.of(0, 1), outputs }, { from: 1, to: 3 }), 2);
  assert.deepEqual([...outputs[0]], [0, 0], 'outside the block: untouched');
  assert.deepEqual([...outputs[1]], [4, -2]);
  assert.deepEqual([...outputs[2]], [8, -6]);
});

test('prepare on 2 threads: every part\'s columns bit for bit the ones column() builds alone, in one batch per part', async () => {
  const rows = 4000;
  const { values, split } = fixture(rows, true, 11);
  const alone = termStore(TERMS, values, split, 0);
  const seen = { builds: 0 };
  const runner = new ThreadTaskRunner({ script: join(__dirname, '..', 'support', 'taskWorkerTs.cjs'), threads: 2, minWork: 0 });
  try {
    const store = termStore(TERMS, values, split, 0, counting(runner, seen));
    for (const part of PARTS) {
      const before = seen.builds;
      store.prepare(TERMS.map((_, id) => id), part);
      assert.equal(seen.builds, before + 1, `${part}: one batch`);
      const built = columns(store, part);
      assert.ok(built.every((c) => c.buffer instanceof SharedArrayBuffer), `${part}: the threads wrote these columns`);
      sameBits(built, columns(alone, part), part);
      // Built once: asked again, nothing is posted.
      store.prepare([0, 1, 2], part);
      assert.equal(seen.builds, before + 1, `${part}: nothing left to build`);
    }
  } finally {
    await runner.close();
  }
});

test('prepare declines where the threads could not share the values, and for a single term: column() still builds them', async () => {
  const rows = 2000;
  const plain = fixture(rows, false, 5);
  const seen = { builds: 0 };
  const runner = new ThreadTaskRunner({ script: join(__dirname, '..', 'support', 'taskWorkerTs.cjs'), threads: 2, minWork: 0 });
  try {
    // The gathered training values are always shared, so the training part still goes to the threads.
    const store = termStore(TERMS, plain.values, plain.split, 0, counting(runner, seen));
    store.prepare(TERMS.map((_, id) => id), 'validation');
    assert.equal(seen.builds, 0, 'values in plain memory: no batch (a batch would copy every column)');
    sameBits(columns(store, 'validation'), columns(termStore(TERMS, plain.values, plain.split, 0), 'validation'), 'validation, built one by one');
    // One term to build is not a batch.
    const fresh = termStore(TERMS, fixture(rows, true, 6).values, plain.split, 0, counting(runner, seen));
    fresh.prepare([4], 'train');
    assert.equal(seen.builds, 0, 'a single term');
  } finally {
    await runner.close();
  }
});

test('termBuild batches: the protocol takes shared float64 outputs of the rows\' length and members with a source', () => {
  const rows = Uint32Array.of(0, 2);
  const source = newSharedFloat32(3);
  const bits = twoValued(new Uint8Array(new SharedArrayBuffer(3)), -1, 1);
  const context = { members: [[0], [0, 1]], sources: [source, bits, null], rows, outputs: [newSharedFloat64(2), newSharedFloat64(2)] };
  const ok = { type: 'batch', kind: 'termBuild', batch: 1, context, tasks: [{ from: 0, to: 2 }], claim: new SharedArrayBuffer(4), cancel: new SharedArrayBuffer(4) };
  assert.equal(isPoolToThread(ok), true);
  const straight = { members: [[0]], sources: [newSharedFloat32(2)], rows: null, outputs: [newSharedFloat64(2)] };
  assert.equal(isPoolToThread({ ...ok, context: straight, tasks: [{ from: 0, to: 1 }] }), true, 'gathered values walked straight');
  assert.equal(isPoolToThread({ ...ok, context: { ...straight, sources: [newSharedFloat32(3)] } }), false, 'gathered values of another length');
  assert.equal(isPoolToThread({ ...ok, context: { ...context, outputs: [newSharedFloat64(2), new Float64Array(2)] } }), false, 'an output in plain memory: the caller would never see it');
  assert.equal(isPoolToThread({ ...ok, context: { ...context, outputs: [newSharedFloat64(2), newSharedFloat64(3)] } }), false, 'an output of another length');
  assert.equal(isPoolToThread({ ...ok, context: { ...context, outputs: [newSharedFloat64(2)] } }), false, 'one output for two terms');
  assert.equal(isPoolToThread({ ...ok, context: { ...context, members: [[0], [2]] } }), false, 'a member without a source');
  assert.equal(isPoolToThread({ ...ok, context: { ...context, members: [[0], [3]] } }), false, 'a member past the sources');
  assert.equal(isPoolToThread({ ...ok, context: { ...context, sources: [source, { bits: [0, 1, 0], zero: -1, one: 1 }, null] } }), false, 'bits that are not bytes');
  assert.equal(isPoolToThread({ ...ok, tasks: [{ from: 1, to: 3 }] }), false, 'a block past the end');
  assert.equal(isPoolToThread({ ...ok, tasks: [{ from: 2, to: 1 }] }), false, 'a block backwards');
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import { inlineRunner } from '../../src/engine/parallel/runner';
import { createRng } from '../../src/engine/random';
import { termStore } from '../../src/engine/sparsity/spaces';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import { analyseDataset } from '../../src/engine/tasks/analyseFile';
import { ThreadTaskRunner } from '../../src/worker/taskPool';
import { isPoolRelease, isPoolToThread, rejectedBatch } from '../../src/worker/taskProtocol';

const SCRIPT = join(__dirname, '..', 'support', 'taskWorkerTs.cjs');

function pool(threads: number): ThreadTaskRunner {
  // minWork 0: every batch goes to the threads, however small.
  return new ThreadTaskRunner({ script: SCRIPT, threads, minWork: 0 });
}

test('a Kryptonite-36 analysis (profiles, correlation, marginal and leak tests, pair screen, focused L1 gradients) is the same report on 1, 2 and 4 threads', async () => {
  const d = generateKryptonite({ n: 36, rows: 3000, seed: 7 });
  const dataset = inMemoryDataset({ path: 'generated', names: d.names, columns: d.columns, label: classLabel('y', Int32Array.from(d.labels), ['0', '1']) });
  const strip = (r: ReturnType<typeof analyseDataset>): unknown => ({ ...r, timings: null, settings: { ...r.settings, threads: null } });
  const one = analyseDataset(dataset, { seed: 5 });
  assert.equal(one.sparsity?.mode, 'focused', 'the focused listed-term fit ran (its gradients are the termDots kernel)');
  assert.ok(one.sparsity?.steps.some((s) => s.id === 'lowOrder'), 'the low-order pair screen ran (the screenPairs kernel)');
  assert.equal(one.settings.threads, 1);
  for (const threads of [2, 4]) {
    const runner = pool(threads);
    try {
      const many = analyseDataset(dataset, { seed: 5, runner });
      assert.equal(many.settings.threads, threads, 'the report says how many threads ran');
      assert.deepEqual(strip(many), strip(one), `${threads} threads`);
    } finally {
      await runner.close();
    }
  }
});

test('listed-term gradients: stored and rebuilt columns, one block or many, give the same bits on any thread count', async () => {
  const rng = createRng(3);
  const rows = 4000;
  const values = Array.from({ length: 12 }, () => Float32Array.from({ length: rows }, () => (rng.next() < 0.5 ? -1.1 : 0.9) + 0.01 * rng.normal()));
  const terms = [[0], [1], [2, 3], [0, 4, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [6], [7, 8], [9, 10, 11], [3, 5, 7, 9, 11], [2], [4, 6], [0, 1, 2, 3, 4, 5, 6, 7]];
  const split = { train: Uint32Array.from({ length: 3000 }, (_, i) => i), validation: Uint32Array.from({ length: 500 }, (_, i) => 3000 + i), test: Uint32Array.from({ length: 500 }, (_, i) => 3500 + i) };
  const residual = Float64Array.from({ length: 3000 }, () => rng.normal());
  const dots = (budget: number, runner = inlineRunner): Float64Array => {
    const store = termStore(terms, values, split, budget, runner);
    const r = store.residual();
    r.set(residual);
    const out = new Float64Array(terms.length);
    store.dots(r, out);
    return out;
  };
  // Every column rebuilt (budget 0): the float64 products, summed row by row.
  const rebuilt = dots(0);
  terms.forEach((t, k) => {
    let sum = 0;
    for (let u = 0; u < 3000; u++) {
      let x = 1;
      for (const j of t) x *= values[j][u];
      sum += x * residual[u];
    }
    assert.equal(rebuilt[k], sum, `term ${k}: the rebuilt product's dot product`);
  });
  // Four columns kept (the budget's worth): the highest degrees, rounded to float32 as stored.
  const partial = dots(4 * 3000 * 4);
  const kept = new Set([4, 11, 8, 3]);
  terms.forEach((t, k) => {
    if (!kept.has(k)) return assert.equal(partial[k], rebuilt[k], `term ${k} is rebuilt`);
    let sum = 0;
    for (let u = 0; u < 3000; u++) {
      let x = 1;
      for (const j of t) x *= values[j][u];
      sum += Math.fround(x) * residual[u];
    }
    assert.equal(partial[k], sum, `term ${k} (degree ${t.length}) is kept as float32`);
  });
  for (const threads of [1, 2, 4]) {
    const runner = pool(threads);
    try {
      assert.deepEqual(Array.from(dots(0, runner)), Array.from(rebuilt), `rebuilt, ${threads} thread(s)`);
      assert.deepEqual(Array.from(dots(4 * 3000 * 4, runner)), Array.from(partial), `partly kept, ${threads} thread(s)`);
    } finally {
      await runner.close();
    }
  }
});

test('a thread refuses a batch whose context or tasks do not fit its kernel', () => {
  const claim = new SharedArrayBuffer(4);
  const cancel = new SharedArrayBuffer(4);
  const columns = [new Float32Array(4), new Float32Array(4)];
  const ok = { type: 'batch', kind: 'correlationRow', batch: 1, claim, cancel, context: { columns, means: [0, 0], anyMissing: [false, false], constant: [false, false] }, tasks: [{ row: 0 }, { row: 1 }] };
  assert.equal(isPoolToThread(ok), true);
  assert.equal(isPoolToThread({ ...ok, kind: 'eval' }), false, 'an unknown kernel');
  assert.equal(isPoolToThread({ ...ok, cancel: undefined }), false, 'no cancel flag of its own');
  assert.equal(isPoolToThread({ ...ok, cancel: new ArrayBuffer(4) }), false, 'a cancel flag outside shared memory');
  assert.equal(isPoolToThread({ ...ok, tasks: [{ row: 2 }] }), false, 'a row outside the matrix');
  assert.equal(isPoolToThread({ ...ok, context: { ...ok.context, columns: [[0, 1, 2, 3], columns[1]] } }), false, 'a column that is not a typed array');
  const pass = { ...ok, kind: 'columnPass', context: { columns, known: [{ complete: true, constant: false }, null] }, tasks: [{ column: 0 }, { column: 1 }] };
  assert.equal(isPoolToThread(pass), true);
  assert.equal(isPoolToThread({ ...pass, context: { columns } }), true, 'no profile facts: every row is checked');
  assert.equal(isPoolToThread({ ...pass, context: { columns, known: [{ complete: 'yes', constant: false }] } }), false, 'a fact that is not a boolean');
  assert.equal(isPoolToThread({ ...pass, context: { columns, known: [null, null, null] } }), false, 'facts for more columns than there are');
  assert.equal(isPoolToThread({ ...ok, context: { ...ok.context, anyMissing: [false] } }), false, 'a missing-value list of the wrong length');
  const cross = { type: 'batch', kind: 'crossSums', batch: 4, claim, cancel, context: { columns, means: new Float64Array(2) }, tasks: [{ start: 0, end: 4 }] };
  assert.equal(isPoolToThread(cross), true);
  assert.equal(isPoolToThread({ ...cross, tasks: [{ start: 0, end: 5 }] }), false, 'a block past the last row');
  assert.equal(isPoolToThread({ ...cross, tasks: [{ start: 2, end: 2 }] }), false, 'an empty block');
  assert.equal(isPoolToThread({ ...cross, context: { ...cross.context, means: [0, 0] } }), false, 'means that are not a Float64Array');
  assert.equal(isPoolToThread({ ...cross, context: { ...cross.context, columns: [columns[0], new Float32Array(3)] } }), false, 'columns of different lengths');
  const shared = new Float32Array(new SharedArrayBuffer(4 * 100));
  const chunk = { column: 0, element: { name: 'x', type: 'DOUBLE' }, codec: 'SNAPPY', start: 4, end: 90, rowStart: 0, rows: 100 };
  const parquet = { type: 'batch', kind: 'parquetChunk', batch: 3, claim, cancel, context: { file: '/data/t.parquet', columns: [shared, null] }, tasks: [chunk] };
  assert.equal(isPoolToThread(parquet), true);
  assert.equal(isPoolToThread({ ...parquet, tasks: [{ ...chunk, rows: 101 }] }), false, 'rows past the end of the column');
  assert.equal(isPoolToThread({ ...parquet, tasks: [{ ...chunk, column: 1 }] }), false, 'a column that is not read here');
  assert.equal(isPoolToThread({ ...parquet, context: { ...parquet.context, columns: [new Float32Array(100)] } }), false, 'a column outside shared memory');
  const dots = { type: 'batch', kind: 'termDots', batch: 2, claim, cancel, context: { terms: [[0], [0, 1]], stored: [null, null], gathered: columns, residual: new Float64Array(4), key: 7, pass: 0 }, tasks: [{ from: 0, to: 2 }] };
  assert.equal(isPoolToThread(dots), true);
  assert.equal(isPoolToThread({ ...dots, context: { ...dots.context, key: undefined } }), false, 'no store key for the pair kernel');
  assert.equal(isPoolToThread({ ...dots, context: { ...dots.context, pass: -1 } }), false, 'a negative gradient pass');
  assert.equal(isPoolToThread({ ...dots, tasks: [{ from: 0, to: 3 }] }), false, 'terms past the end');
  assert.equal(isPoolToThread({ ...dots, context: { ...dots.context, stored: [null] } }), false, 'a stored list of the wrong length');
  // Binning: every row's values, into a matrix of every row or of the listed rows only (a sampled plan's).
  const values = new Float32Array(new SharedArrayBuffer(4 * 10));
  const features = [{ kind: 'numeric', name: 'a', values }, { kind: 'numeric', name: 'b', values }];
  const binning = (rows: number, mapRows: Uint32Array | null): Record<string, unknown> => ({
    type: 'batch',
    kind: 'binFeature',
    batch: 5,
    claim,
    cancel,
    context: { features, rows, train: Uint32Array.of(0, 3, 9), mapRows, maxBins: 255, bins: new Uint8Array(new SharedArrayBuffer(2 * rows)) },
    tasks: [{ feature: 0 }, { feature: 1 }],
  });
  assert.equal(isPoolToThread(binning(10, null)), true, 'every row');
  assert.equal(isPoolToThread(binning(3, Uint32Array.of(0, 3, 9))), true, 'the listed rows of ten');
  assert.equal(isPoolToThread(binning(3, Uint32Array.of(0, 3, 10))), false, 'a listed row past the values');
  assert.equal(isPoolToThread(binning(3, Uint32Array.of(3, 0, 9))), false, 'listed rows out of order');
  assert.equal(isPoolToThread(binning(2, Uint32Array.of(0, 3, 9))), false, 'more listed rows than the matrix holds');
  assert.equal(isPoolToThread(binning(9, null)), false, 'values for more rows than the matrix');
  // A refused batch is answered (with its number), not dropped: its caller stops with the reason.
  assert.deepEqual(rejectedBatch(binning(3, Uint32Array.of(0, 3, 10))), { batch: 5, kind: 'binFeature' });
  assert.equal(rejectedBatch(binning(3, Uint32Array.of(0, 3, 9))), null, 'a batch that passes');
  assert.equal(rejectedBatch({ type: 'release' }), null, 'not a batch');
});

test("the pool's release message is told apart from a batch, and nothing else passes for it", () => {
  assert.equal(isPoolRelease({ type: 'release' }), true);
  assert.equal(isPoolToThread({ type: 'release' }), false, 'not a batch');
  assert.equal(isPoolRelease({ type: 'release', kind: 'fold' }), false, 'no other field');
  assert.equal(isPoolRelease({ type: 'batch' }), false);
  assert.equal(isPoolRelease(null), false);
  assert.equal(isPoolRelease('release'), false);
});

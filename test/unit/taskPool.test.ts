import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import { CancelledError } from '../../src/engine/cancel';
import { inlineRunner } from '../../src/engine/parallel/runner';
import type { FoldContext, FoldTask } from '../../src/engine/parallel/foldTasks';
import { binFolds } from '../../src/engine/models/baselines';
import { planFolds } from '../../src/engine/models/crossValidation';
import type { ModelInput } from '../../src/engine/models/types';
import { createRng } from '../../src/engine/random';
import { analyseDataset } from '../../src/engine/tasks/analyseFile';
import { ThreadTaskRunner } from '../../src/worker/taskPool';
import { isPoolToThread } from '../../src/worker/taskProtocol';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import type { TaskRunner } from '../../src/engine/parallel/runner';

const SCRIPT = join(__dirname, '..', 'support', 'taskWorkerTs.cjs');

function pool(threads: number): ThreadTaskRunner {
  // minWork 0: every batch goes to the threads, however small.
  return new ThreadTaskRunner({ script: SCRIPT, threads, minWork: 0 });
}

function xorTable(rows: number, seed: number): { input: ModelInput; columns: Float32Array[]; labels: Int32Array } {
  const rng = createRng(seed);
  const columns = Array.from({ length: 6 }, () => Float32Array.from({ length: rows }, () => rng.normal()));
  const labels = Int32Array.from({ length: rows }, (_, i) => ((columns[0][i] > 0) !== (columns[1][i] > 0) ? 1 : 0) ^ (rng.next() < 0.05 ? 1 : 0));
  const input: ModelInput = {
    rows,
    features: columns.map((values, j) => ({ name: `x${j + 1}`, kind: 'numeric' as const, values })),
    target: { task: 'binary', values: Float64Array.from(labels), classes: 2 },
  };
  return { input, columns, labels };
}

test('fold tasks give the same results on 1, 2 and 4 threads as in this thread, in task order', async () => {
  const { input } = xorTable(1200, 3);
  const plan = planFolds(input.target, 7);
  const context = { target: input.target, folds: plan.folds, binnedFolds: binFolds(input, plan, 7), features: input.features, seed: 7 };
  const tasks: FoldTask[] = [
    ...plan.folds.map((_, fold) => ({ model: 'gbdt' as const, fold, exclude: [] })),
    ...plan.folds.map((_, fold) => ({ model: 'linear' as const, fold, exclude: [2] })),
  ];
  const expected = inlineRunner.run(context, tasks);
  for (const threads of [1, 2, 4]) {
    const runner = pool(threads);
    try {
      const done: number[] = [];
      const got = runner.run(context, tasks, undefined, (k) => done.push(k));
      assert.deepEqual(got.map((r) => Array.from(r.predictions)), expected.map((r) => Array.from(r.predictions)), `${threads} thread(s)`);
      assert.deepEqual(got.map((r) => r.splitCount && Array.from(r.splitCount)), expected.map((r) => r.splitCount && Array.from(r.splitCount)));
      assert.deepEqual(done, tasks.map((_, k) => k + 1), 'progress counts every task once');
    } finally {
      await runner.close();
    }
  }
});

test('a whole analysis is the same report on one thread and on two', async () => {
  const { columns, labels } = xorTable(900, 11);
  const dataset = inMemoryDataset({ names: columns.map((_, j) => `x${j + 1}`), columns, label: classLabel('y', labels, ['0', '1']) });
  const runner = pool(2);
  try {
    const strip = (r: ReturnType<typeof analyseDataset>): unknown => ({ ...r, timings: null, settings: { ...r.settings, threads: null } });
    // Drop-column refits (the default budget), and conditional permutation tests of the kept trees (budget 0).
    for (const conditionalBudget of [undefined, 0]) {
      const one = analyseDataset(dataset, { seed: 5, conditionalBudget });
      const two = analyseDataset(dataset, { seed: 5, runner, conditionalBudget });
      assert.deepEqual(strip(two), strip(one));
      assert.equal(one.features[0].relevance, 'relevant', 'the XOR features are found by the trees');
      const method = one.features[0].relevanceEvidence?.conditional?.method;
      assert.equal(method, conditionalBudget === 0 ? 'conditional permutation' : 'drop-column');
    }
  } finally {
    await runner.close();
  }
});

test('every batch an analysis hands to the threads passes their checks (a refused one would leave its tasks to the calling thread)', async () => {
  const { binFeatures } = await import('../../src/engine/models/binning');
  // Checked as it is handed out (the thread receives a copy of the batch then; the engine may reuse its arrays after).
  const batches: { kind: string; passes: boolean }[] = [];
  const record = (kind: string, context: unknown, tasks: readonly unknown[]): void => {
    const message = { type: 'batch', kind, batch: batches.length + 1, claim: new SharedArrayBuffer(4), cancel: new SharedArrayBuffer(4), context, tasks };
    batches.push({ kind, passes: isPoolToThread(message) });
  };
  // Two threads as the engine sees them (so it shares its arrays and offers every batch), each batch run here.
  const recording: TaskRunner = {
    threads: 2,
    run: (context, tasks, signal, onDone) => (record('fold', context, tasks), inlineRunner.run(context, tasks, signal, onDone)),
    start: (context, tasks, signal, onDone) => (record('fold', context, tasks), inlineRunner.start(context, tasks, signal, onDone)),
    runKernel: (kind, context, tasks, options) => (record(kind, context, tasks), inlineRunner.runKernel(kind, context, tasks, options)),
    startKernel: (kind, context, tasks, options) => (record(kind, context, tasks), inlineRunner.startKernel(kind, context, tasks, options)),
    releaseMemory: () => undefined,
  };
  const { columns, labels, input } = xorTable(3000, 12);
  const dataset = inMemoryDataset({ names: columns.map((_, j) => `x${j + 1}`), columns, label: classLabel('y', labels, ['0', '1']) });
  analyseDataset(dataset, { seed: 5, runner: recording });
  // And a Kryptonite-like table of 30 features: the binarised L1 analysis's narrowing and listed-term fit.
  const k = generateKryptonite({ n: 30, rows: 6000, seed: 8 });
  analyseDataset(inMemoryDataset({ names: k.names, columns: k.columns, label: classLabel('y', k.labels, ['0', '1']) }), { seed: 5, runner: recording });
  // A sampled plan's binning holds only its rows (planned so on big tables only).
  const held = Uint32Array.from({ length: 1000 }, (_, k) => 3 * k);
  binFeatures(input.features, input.rows, held.subarray(0, 600), { mapRows: held, runner: recording });
  const kinds = new Set(batches.map((b) => b.kind));
  for (const kind of ['profile', 'columnPass', 'leakScore', 'binFeature', 'fold', 'oracle', 'binarise', 'screenPairs', 'termDots']) assert.ok(kinds.has(kind), `a ${kind} batch was offered`);
  for (const { kind, passes } of batches) assert.equal(passes, true, `the ${kind} batch passes the thread's checks`);
});

test('trees kept by one batch predict the permutation tests of a later one exactly as fitting with them would', async () => {
  const { input } = xorTable(900, 4);
  const plan = planFolds(input.target, 3);
  const positions = plan.folds.map((fold) => Uint32Array.from({ length: fold.test.length }, (_, i) => i));
  const permutations = plan.folds.map((fold, f) => ({
    positions: positions[f],
    swaps: [0, 1, 4].map((feature) => ({ feature, from: Uint32Array.from(fold.test).reverse() })),
  }));
  const context = { target: input.target, folds: plan.folds, binnedFolds: binFolds(input, plan, 3), features: input.features, seed: 3, permutations };
  const direct = inlineRunner.run(context, plan.folds.map((_, fold) => ({ model: 'gbdt' as const, fold, exclude: [], permute: true })));
  const kept = inlineRunner.run(context, plan.folds.map((_, fold) => ({ model: 'gbdt' as const, fold, exclude: [], keepModel: true })));
  const fitted = kept.map((r) => r.model ?? null);
  assert.ok(fitted.every((m) => m !== null), 'every fold kept its trees');
  const runner = pool(2);
  try {
    const reused = runner.run({ ...context, fitted }, plan.folds.map((_, fold) => ({ model: 'gbdt' as const, fold, exclude: [], permute: true, reuse: true })));
    reused.forEach((r, f) => {
      assert.equal(r.predictions.length, 0, 'a reuse task fits and predicts nothing else');
      assert.deepEqual(r.permuted?.map((a) => Array.from(a)), direct[f].permuted?.map((a) => Array.from(a)), `fold ${f}`);
    });
    assert.throws(() => inlineRunner.run(context, [{ model: 'gbdt', fold: 0, exclude: [], permute: true, reuse: true }]), /needs the fold's fitted trees/);
  } finally {
    await runner.close();
  }
});

/** The trees' fold fits of an XOR table, `copies` times over (enough tasks that the pool's thread claims some). */
function gbdtBatch(rows: number, seed: number, copies = 1): { context: FoldContext; tasks: FoldTask[] } {
  const { input } = xorTable(rows, seed);
  const plan = planFolds(input.target, 1);
  const context: FoldContext = { target: input.target, folds: plan.folds, binnedFolds: binFolds(input, plan, 1), features: input.features, seed: 1 };
  const tasks: FoldTask[] = Array.from({ length: copies }, () => plan.folds.map((_, fold) => ({ model: 'gbdt' as const, fold, exclude: [] }))).flat();
  return { context, tasks };
}

test('cancellation reaches the threads and the batch throws', async () => {
  const { context, tasks } = gbdtBatch(3000, 5);
  const controller = new AbortController();
  const runner = pool(2);
  try {
    // Abort as soon as the first fit finishes: the rest must not be waited for.
    assert.throws(() => runner.run(context, tasks, controller.signal, () => controller.abort(new Error('stop'))), /stop/);
  } finally {
    await runner.close();
  }
});

test('after a cancelled analysis left a started batch uncollected, the next run on the same pool is not cancelled', async () => {
  const { context, tasks } = gbdtBatch(6000, 6, 4);
  const expected = inlineRunner.run(context, tasks);
  const runner = pool(2);
  try {
    // An analysis hands a batch out (the baselines' folds), then is cancelled in another batch and never collects the
    // first: the long-lived pool of the extension's worker serves the next job.
    const controller = new AbortController();
    runner.start(context, tasks, controller.signal);
    assert.throws(() => runner.run(context, tasks, controller.signal, () => controller.abort(new Error('stop'))), /stop/);
    assert.deepEqual(runner.run(context, tasks), expected);
  } finally {
    await runner.close();
  }
});

test('a batch called off by the cancel of another throws when collected, at once', async () => {
  const { context, tasks } = gbdtBatch(6000, 7, 4);
  const runner = pool(2);
  try {
    const controller = new AbortController();
    const first = runner.start(context, tasks, controller.signal);
    assert.throws(() => runner.run(context, tasks, controller.signal, () => controller.abort(new Error('stop'))), /stop/);
    assert.throws(() => first(), CancelledError);
  } finally {
    await runner.close();
  }
});

test("one job's cancel leaves another job's batch on the same pool alone", async () => {
  const { context, tasks } = gbdtBatch(6000, 8, 4);
  const expected = inlineRunner.run(context, tasks);
  const runner = pool(2);
  try {
    // Two jobs share the pool (the extension's worker runs them side by side): the first hands a batch out, the
    // second is cancelled in one of its own.
    const first = runner.start(context, tasks, new AbortController().signal);
    const second = new AbortController();
    assert.throws(() => runner.run(context, tasks, second.signal, () => second.abort(new Error('stop'))), /stop/);
    assert.deepEqual(first(), expected);
  } finally {
    await runner.close();
  }
});

test('a job that ended without collecting its batches has them called off', async () => {
  const { context, tasks } = gbdtBatch(6000, 9, 4);
  const expected = inlineRunner.run(context, tasks);
  const runner = pool(2);
  try {
    const job = new AbortController();
    const left = runner.start(context, tasks, job.signal);
    runner.callOff(job.signal);
    assert.throws(() => left(), CancelledError);
    assert.deepEqual(runner.run(context, tasks, new AbortController().signal), expected);
  } finally {
    await runner.close();
  }
});

test('prestart starts the threads before any batch, once, and the batches after it give the same results', async () => {
  const { input } = xorTable(600, 5);
  const plan = planFolds(input.target, 2);
  const context = { target: input.target, folds: plan.folds, binnedFolds: binFolds(input, plan, 2), features: input.features, seed: 2 };
  const tasks: FoldTask[] = plan.folds.map((_, fold) => ({ model: 'gbdt' as const, fold, exclude: [] }));
  const expected = inlineRunner.run(context, tasks);
  const single = pool(1);
  single.prestart();
  assert.equal(single.started, false, 'one thread is the calling one: nothing to start');
  const runner = pool(2);
  try {
    assert.equal(runner.started, false, 'threads start lazily');
    runner.prestart();
    assert.equal(runner.started, true);
    const threads = (runner as unknown as { pool: unknown[] }).pool;
    runner.prestart();
    assert.equal((runner as unknown as { pool: unknown[] }).pool, threads, 'a second prestart starts no more threads');
    const got = runner.run(context, tasks);
    assert.deepEqual(got.map((r) => Array.from(r.predictions)), expected.map((r) => Array.from(r.predictions)));
  } finally {
    await runner.close();
  }
  assert.equal(runner.started, false, 'closed');
});

test('a sampled plan bins only its rows: the trees fit, predict and permute exactly as on bins of every row', async () => {
  const { binFeatures, matrixRows } = await import('../../src/engine/models/binning');
  const { input } = xorTable(6000, 8);
  // A sampled plan's shape: fit on some rows, score on others, most rows in neither (like 20,000 and 200,000 of 1M).
  const rng = createRng(4);
  const order = Array.from({ length: input.rows }, (_, i) => i).sort(() => rng.next() - 0.5);
  const train = Uint32Array.from(order.slice(0, 1500));
  const test = Uint32Array.from(order.slice(1500, 2500));
  const held = Uint32Array.from([...train, ...test].sort((a, b) => a - b));
  const binRng = (): ReturnType<typeof createRng> => createRng(11);
  const full = binFeatures(input.features, input.rows, train, { rng: binRng() });
  const compact = binFeatures(input.features, input.rows, train, { rng: binRng(), mapRows: held });
  assert.equal(full.mapped, undefined);
  assert.equal(compact.rows, held.length, 'only the held rows');
  assert.equal(compact.bins.length, held.length * input.features.length);
  assert.deepEqual(compact.edges.map((e) => Array.from(e)), full.edges.map((e) => Array.from(e)), 'the same edges');
  for (let f = 0; f < input.features.length; f++) {
    for (let k = 0; k < held.length; k++) assert.equal(compact.bins[f * compact.rows + k], full.bins[f * full.rows + held[k]]);
  }
  assert.deepEqual(Array.from(matrixRows(compact, Uint32Array.of(held[0], held[held.length - 1], held[7]))), [0, held.length - 1, 7]);
  assert.equal(matrixRows(full, test), test, 'a matrix of every row takes rows as they are');
  const outside = order[4000];
  assert.throws(() => matrixRows(compact, Uint32Array.of(outside)), new RegExp(`row ${outside} is not among`));
  // The same fold task on either matrix: predictions, splits and permuted predictions equal, bit for bit.
  const folds = [{ train, test }];
  const permutations = [{ positions: Uint32Array.from({ length: 300 }, (_, i) => 3 * i), swaps: [0, 2].map((feature) => ({ feature, from: Uint32Array.from({ length: 300 }, (_, i) => test[(3 * i + 17) % test.length]) })) }];
  const task: FoldTask = { model: 'gbdt', fold: 0, exclude: [], permute: true, keepModel: true };
  const on = (binned: typeof full): ReturnType<typeof inlineRunner.run>[number] =>
    inlineRunner.run({ target: input.target, folds, binnedFolds: [binned], features: input.features, seed: 2, permutations }, [task])[0];
  const a = on(full);
  const b = on(compact);
  assert.deepEqual(Array.from(b.predictions), Array.from(a.predictions));
  assert.deepEqual(Array.from(b.splitCount ?? []), Array.from(a.splitCount ?? []));
  assert.deepEqual(b.permuted?.map((p) => Array.from(p)), a.permuted?.map((p) => Array.from(p)));
  assert.ok((a.splitCount ?? []).some((c) => c > 0), 'the trees split');
  // And a later batch predicting the permutations with the kept trees (reuse), on the pool's thread.
  const runner = pool(2);
  try {
    // The compact binning on the pool: the same bins (its batch passes the thread's checks: a refused one fails).
    const pooled = binFeatures(input.features, input.rows, train, { mapRows: held, runner });
    assert.deepEqual(Array.from(pooled.bins), Array.from(compact.bins), 'binned on the threads');
    assert.deepEqual(pooled.edges.map((e) => Array.from(e)), compact.edges.map((e) => Array.from(e)));
    const reused = runner.run({ target: input.target, folds, binnedFolds: [compact], features: input.features, seed: 2, permutations, fitted: [b.model ?? null] }, [{ ...task, keepModel: false, reuse: true }]);
    assert.deepEqual(reused[0].permuted?.map((p) => Array.from(p)), a.permuted?.map((p) => Array.from(p)));
  } finally {
    await runner.close();
  }
});

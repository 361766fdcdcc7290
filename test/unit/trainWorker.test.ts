import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, test } from 'node:test';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import { writeNpy } from '../../src/engine/io/npy/write';
import { predictCommand, trainCommand, TrainUsageError } from '../../src/cli/train';
import { JobCancelledError, JobFailedError, WorkerClient } from '../../src/worker/client';
import type { ProgressMessage } from '../../src/protocol';
import { isHostToWorker, isWorkerToHost } from '../../src/protocolGuards';

const tmp = mkdtempSync(join(tmpdir(), 'kryptonite-trainworker-'));
const client = new WorkerClient();
after(async () => {
  await client.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

async function npyPair(n: number, rows: number, seed: number): Promise<string> {
  const g = generateKryptonite({ n, rows, seed });
  const x = new Float32Array(rows * n);
  for (let f = 0; f < n; f++) for (let i = 0; i < rows; i++) x[i * n + f] = g.columns[f][i];
  const prefix = join(tmp, `k${n}-${seed}`);
  await writeNpy(`${prefix}-X.npy`, { shape: [rows, n], dtype: '<f4', data: x });
  await writeNpy(`${prefix}-y.npy`, { shape: [rows], dtype: '<i8', data: BigInt64Array.from(g.labels, (v) => BigInt(v)) });
  return `${prefix}-X.npy`;
}

test('a train job runs in the worker with epoch progress and returns the training section; the loop stays free', async () => {
  const path = await npyPair(12, 6000, 1);
  const progress: ProgressMessage[] = [];
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const result = await client.run({ kind: 'train', path, preset: 'N-12', config: { epochs: 40 } }, (p) => progress.push(p)).result;
  h.disable();
  assert.equal(result.kind, 'train');
  if (result.kind !== 'train') return;
  const t = result.training;
  assert.equal(t.config.preset, 'N-12');
  assert.equal(t.backend, 'fused');
  assert.equal(t.history.length, 40);
  assert.ok(t.test.accuracy > 0.4 && t.test.rows === 1200);
  const epochs = progress.filter((p) => p.epoch);
  assert.ok(epochs.length >= 2);
  assert.ok(epochs.every((p) => p.epoch!.epoch >= 1 && p.epoch!.elapsedMs >= 0 && Number.isFinite(p.epoch!.valLoss)));
  const worstMs = h.max / 1e6;
  assert.ok(worstMs < 50, `worst event-loop delay ${worstMs.toFixed(1)} ms`);
});

test('columns sent by the host cross as transferred buffers', async () => {
  const g = generateKryptonite({ n: 6, rows: 1000, seed: 2 });
  const columns = g.columns;
  const job = client.run({ kind: 'train', data: { names: g.names, columns, labels: g.labels, classes: ['0', '1'] }, config: { model: 'logreg', epochs: 3 } });
  // Transferred, not copied: the host's arrays are detached.
  assert.equal(columns[0].length, 0);
  assert.equal(g.labels.length, 0);
  const result = await job.result;
  assert.ok(result.kind === 'train' && result.training.features.length === 6 && result.training.parameters === 7);
});

test('cancelling a training job answers promptly and the worker trains again', async () => {
  const path = await npyPair(9, 9000, 3);
  let cancelledAt = 0;
  const job = client.run({ kind: 'train', path, preset: 'N-9' }, (p) => {
    if (p.epoch && p.epoch.epoch >= 2 && !cancelledAt) {
      cancelledAt = Date.now();
      job.cancel();
    }
  });
  await assert.rejects(job.result, (e: unknown) => e instanceof JobCancelledError && !e.forced);
  assert.ok(Date.now() - cancelledAt < 500, `took ${Date.now() - cancelledAt} ms`);
  const again = await client.run({ kind: 'train', path, config: { model: 'logreg', epochs: 2 } }).result;
  assert.equal(again.kind, 'train');
});

test('bad settings, a bad rule and a missing model fail as input errors, not internal ones', async () => {
  const path = await npyPair(9, 500, 4);
  const input = (pattern: RegExp, code: string) => (e: unknown) =>
    e instanceof JobFailedError && e.error.kind === 'input' && e.error.code === code && pattern.test(e.message) && e.error.stack === undefined;
  await assert.rejects(client.run({ kind: 'train', path, config: { dropout: [2] } }).result, input(/invalid training configuration: dropout \[2\]/, 'invalidConfig'));
  await assert.rejects(client.run({ kind: 'train', path, config: { init: 'he' as 'torch' } }).result, input(/init "he" \(torch or glorot\)/, 'invalidConfig'));
  await assert.rejects(client.run({ kind: 'train', path, config: { monitor: 'f1' as 'loss' } }).result, input(/monitor "f1" \(loss or accuracy\)/, 'invalidConfig'));
  await assert.rejects(
    client.run({ kind: 'train', path, config: { model: 'logreg', features: { kind: 'hypothesis', rule: 'xor(x1,' } } }).result,
    (e: unknown) => e instanceof JobFailedError && e.error.kind === 'input' && /column/.test(e.message),
  );
  await assert.rejects(client.run({ kind: 'predict', modelDir: join(tmp, 'nothing'), path }).result, input(/kryptonite\.json: not found/, 'modelFile'));
});

test('exclusions cross to the worker with the train job; a predict job that does not fit fails as an input error naming the columns', async () => {
  const path = await npyPair(9, 600, 6);
  const modelDir = join(tmp, 'no-x2');
  const trained = await client.run({ kind: 'train', path, config: { model: 'logreg', epochs: 2 }, exclude: ['x2'], saveDir: modelDir }).result;
  assert.ok(trained.kind === 'train' && trained.training.excluded?.join() === 'x2' && !trained.training.features.includes('x2'));
  // The training file itself still has x2: known to the model as excluded, so not an extra column.
  const same = await client.run({ kind: 'predict', modelDir, path }).result;
  assert.ok(same.kind === 'predict' && same.rows === 600 && same.drift !== null && same.drift.warnings.length === 0, JSON.stringify(same.kind === 'predict' && same.drift?.warnings));
  assert.deepEqual(same.kind === 'predict' && same.notes, ['not read (excluded from training by the user): x2']);
  const wider = await npyPair(12, 300, 7);
  const input = (code: string, pattern: RegExp) => (e: unknown) => e instanceof JobFailedError && e.error.kind === 'input' && e.error.code === code && pattern.test(e.message);
  await assert.rejects(client.run({ kind: 'predict', modelDir, path: wider }).result, input('extraFeatures', /not trained on: x10, x11, x12/));
  const ignored = await client.run({ kind: 'predict', modelDir, path: wider, ignoreExtra: true }).result;
  assert.ok(ignored.kind === 'predict' && ignored.rows === 300);
});

test('the CLI reports the same mistakes as usage errors (exit 2), not internal ones', async () => {
  const path = await npyPair(9, 300, 5);
  const usage = (pattern: RegExp) => (e: unknown) => e instanceof TrainUsageError && pattern.test(e.message);
  await assert.rejects(trainCommand([path, '--init', 'he', '--quiet']), usage(/--init/));
  await assert.rejects(trainCommand([path, '--dropout', '1.5', '--quiet']), usage(/dropout \[1\.5\]/));
  await assert.rejects(trainCommand([path, '--monitor', 'f1', '--quiet']), usage(/--monitor/));
  await assert.rejects(predictCommand([join(tmp, 'nothing'), path, '--out', join(tmp, 'l.npy')]), usage(/kryptonite\.json: not found/));
});

test('guards accept train/predict jobs and epoch progress, and reject malformed ones', () => {
  const flag = new SharedArrayBuffer(4);
  assert.ok(isHostToWorker({ type: 'start', id: 1, job: { kind: 'train', path: 'a.csv', preset: 'N-9' }, cancelFlag: flag }));
  assert.ok(isHostToWorker({ type: 'start', id: 1, job: { kind: 'predict', modelDir: 'm', path: 'a.csv', out: 'y.npy' }, cancelFlag: flag }));
  assert.ok(!isHostToWorker({ type: 'start', id: 1, job: { kind: 'train', preset: 'N-9' }, cancelFlag: flag }), 'neither path nor data');
  assert.ok(!isHostToWorker({ type: 'start', id: 1, job: { kind: 'train', path: 'a.csv', preset: 'N-99' }, cancelFlag: flag }));
  const data = { names: ['a'], columns: [new Float32Array(2)], labels: new Int32Array(3), classes: ['0', '1'] };
  assert.ok(!isHostToWorker({ type: 'start', id: 1, job: { kind: 'train', data }, cancelFlag: flag }), 'ragged columns');
  const epoch = { epoch: 1, epochs: 10, run: 1, runs: 1, seed: 1, elapsedMs: 5, trainLoss: 0.5, valLoss: 0.6, trainAccuracy: 0.7, valAccuracy: 0.6 };
  assert.ok(isWorkerToHost({ type: 'progress', id: 1, stage: 'train', fraction: 0.1, message: '', epoch }));
  assert.ok(!isWorkerToHost({ type: 'progress', id: 1, stage: 'train', fraction: 0.1, message: '', epoch: { epoch: 'x' } }));
  assert.ok(!isWorkerToHost({ type: 'done', id: 1, result: { kind: 'train', training: {} } }));
  // Exclusions are a list of names; ignoreExtra a boolean; a predict result carries its drift report (or null) and notes.
  assert.ok(isHostToWorker({ type: 'start', id: 1, job: { kind: 'train', path: 'a.csv', exclude: ['x8', 'x9'] }, cancelFlag: flag }));
  assert.ok(!isHostToWorker({ type: 'start', id: 1, job: { kind: 'train', path: 'a.csv', exclude: 'x8' }, cancelFlag: flag }));
  assert.ok(!isHostToWorker({ type: 'start', id: 1, job: { kind: 'train', path: 'a.csv', exclude: [8] }, cancelFlag: flag }));
  assert.ok(isHostToWorker({ type: 'start', id: 1, job: { kind: 'predict', modelDir: 'm', path: 'a.csv', ignoreExtra: true }, cancelFlag: flag }));
  assert.ok(!isHostToWorker({ type: 'start', id: 1, job: { kind: 'predict', modelDir: 'm', path: 'a.csv', ignoreExtra: 'yes' }, cancelFlag: flag }));
  const predicted = { kind: 'predict', rows: 2, task: 'binary', classes: ['0', '1'], counts: [1, 1], unseen: [] };
  assert.ok(isWorkerToHost({ type: 'done', id: 1, result: { ...predicted, drift: null, notes: [] } }));
  const drift = { method: 'm', level: 0.001, trainingRows: 5, rows: 2, features: [{ feature: 'x1', psi: 0.3, drifted: true }], warnings: ['x1 differs'] };
  assert.ok(isWorkerToHost({ type: 'done', id: 1, result: { ...predicted, drift, notes: ['n'] } }));
  assert.ok(!isWorkerToHost({ type: 'done', id: 1, result: predicted }), 'no drift field');
  assert.ok(!isWorkerToHost({ type: 'done', id: 1, result: { ...predicted, drift: { ...drift, warnings: [1] }, notes: [] } }));
});

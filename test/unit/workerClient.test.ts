import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, test } from 'node:test';
import { generateKryptonite, kryptoniteCsvChunks } from '../../src/engine/synth/kryptonite';
import { JobCancelledError, JobFailedError, WorkerClient } from '../../src/worker/client';
import type { ProgressMessage } from '../../src/protocol';

const SAMPLE = join(__dirname, '..', 'fixtures', 'sample', 'kryptonite-9-sample.csv');
const tmp = mkdtempSync(join(tmpdir(), 'kryptonite-worker-'));
const BIG = join(tmp, 'k18.csv');
writeFileSync(BIG, [...kryptoniteCsvChunks(generateKryptonite({ n: 18, seed: 3 }))].join(''));
const client = new WorkerClient();
after(async () => {
  await client.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

test('an analysis runs in the worker, reports progress, and returns the report', async () => {
  const progress: ProgressMessage[] = [];
  const job = client.run({ kind: 'analyse', path: SAMPLE }, (p) => progress.push(p));
  const result = await job.result;
  assert.equal(result.kind, 'analyse');
  if (result.kind !== 'analyse') return;
  assert.equal(result.report.dataset.rows, 3000);
  assert.equal(result.report.features[0].shape, 'burst');
  assert.equal(result.report.hypotheses?.[0].rule, 'xor(bin(x2), bin(x4), bin(x5), bin(x7), bin(x8), bin(x9))');
  assert.ok(progress.length >= 2);
  assert.ok(progress.every((p) => p.id === job.id));
  assert.equal(client.running, 0);
});

test("the host's event loop stays free while the worker computes (worst delay < 50 ms)", async () => {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await client.run({ kind: 'analyse', path: BIG }).result;
  h.disable();
  const worstMs = h.max / 1e6;
  assert.ok(worstMs < 50, `worst event-loop delay ${worstMs.toFixed(1)} ms`);
});

test('cancel stops a running analysis promptly and always answers', async () => {
  let cancelledAt = 0;
  const job = client.run({ kind: 'analyse', path: BIG }, (p) => {
    if (p.stage === 'features' && !cancelledAt) {
      cancelledAt = Date.now();
      job.cancel();
    }
  });
  await assert.rejects(job.result, (e: unknown) => e instanceof JobCancelledError && !e.forced);
  assert.ok(cancelledAt > 0);
  assert.ok(Date.now() - cancelledAt < 1000, `took ${Date.now() - cancelledAt} ms`);
  // The worker is still usable.
  const again = await client.run({ kind: 'analyse', path: SAMPLE, sparsity: false }).result;
  assert.equal(again.kind, 'analyse');
});

test('bad input fails with the engine message as data, not a crash', async () => {
  await assert.rejects(client.run({ kind: 'analyse', path: join(tmp, 'missing.csv') }).result, (e: unknown) => {
    return e instanceof JobFailedError && e.error.kind === 'input' && e.error.code === 'fileNotFound' && /missing\.csv/.test(e.message);
  });
});

test('hypothesis jobs return one outcome per rule; syntax errors carry their column', async () => {
  const result = await client.run({ kind: 'hypothesis', path: SAMPLE, rules: ['xor(bin(x2), bin(x4), bin(x5), bin(x7), bin(x8), bin(x9))', 'bin(x1) and'] }).result;
  assert.equal(result.kind, 'hypothesis');
  if (result.kind !== 'hypothesis') return;
  const [good, bad] = result.outcomes;
  assert.ok(good.ok && Math.abs((good.evaluation.accuracy ?? 0) - 0.957) < 0.01);
  assert.ok(!bad.ok && bad.error.column === 12, JSON.stringify(bad));
});

test('a worker crash fails the running job and the next job gets a fresh worker', async () => {
  const job = client.run({ kind: 'analyse', path: BIG });
  // Simulate a crash of the thread (as a native addon fault would end it).
  await (client as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
  await assert.rejects(job.result, (e: unknown) => e instanceof JobFailedError && /exited unexpectedly/.test(e.message));
  const next = await client.run({ kind: 'analyse', path: SAMPLE, sparsity: false }).result;
  assert.equal(next.kind, 'analyse');
});

test('a worker that ignores cancel is terminated after the grace period', async () => {
  const stubborn = new WorkerClient({ workerPath: join(__dirname, '..', 'fixtures', 'workers', 'silent.js'), cancelGraceMs: 200 });
  try {
    const job = stubborn.run({ kind: 'analyse', path: SAMPLE });
    const started = Date.now();
    job.cancel();
    await assert.rejects(job.result, (e: unknown) => e instanceof JobCancelledError && e.forced);
    assert.ok(Date.now() - started < 1500);
  } finally {
    await stubborn.dispose();
  }
});

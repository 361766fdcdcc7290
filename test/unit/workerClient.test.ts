import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
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

test("the worker's thread yields to the editor (nice 10 on Linux); the extension host's own priority is untouched", async () => {
  const lines: string[] = [];
  const before = getPriority();
  const own = new WorkerClient({ info: (l) => lines.push(l) });
  try {
    await own.run({ kind: 'analyse', path: SAMPLE, sparsity: false }).result;
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.equal(getPriority(), before, 'the process (main thread) priority changed');
    if (process.platform !== 'linux') {
      assert.match(lines[0], /^worker started at normal priority \(thread priorities are not set on /);
      return;
    }
    const m = /^worker started at nice (\d+) \(thread (\d+)(, as started)?\)$/.exec(lines[0]);
    assert.ok(m, lines[0]);
    const tid = Number(m[2]);
    assert.notEqual(tid, process.pid);
    // The kernel's own view of the thread: field 19 of /proc/<pid>/task/<tid>/stat is its nice value.
    const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
    const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    assert.equal(nice, Math.max(10, before));
    assert.equal(Number(m[1]), nice);
  } finally {
    await own.dispose();
  }
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Table, tableFromArrays, tableToIPC } from 'apache-arrow';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { chunkMoments, mergeMoments, momentsSummary } from '../../src/engine/stats/mergeableMoments';
import { summarise } from '../../src/engine/stats/summary';
import { analysisEstimateMB, planStreaming, streamedEstimateMB } from '../../src/engine/stream/analyseStreamed';
import { streamParquet } from '../../src/engine/stream/streamParquet';
import { analyseFile } from '../../src/engine/tasks/analyseFile';
import { ThreadTaskRunner } from '../../src/worker/taskPool';

type Analysis = Awaited<ReturnType<typeof analyseFile>>;

/** Feature `name`'s exact statistics agree between a streamed and an in-memory report; returns the streamed ones. */
function sameMoments(streamed: Analysis, whole: Analysis, name: string): Analysis['features'][number]['stats'] {
  const s = streamed.features.find((f) => f.name === name)!.stats;
  const w = whole.features.find((f) => f.name === name)!.stats;
  assert.equal(s.count, w.count, `${name}: count`);
  assert.equal(s.missing, w.missing, `${name}: missing`);
  assert.equal(s.min, w.min);
  assert.equal(s.max, w.max);
  for (const k of ['mean', 'sd', 'skewness', 'kurtosis'] as const) {
    assert.ok(Math.abs((s[k] as number) - (w[k] as number)) <= 1e-8 * Math.max(1, Math.abs(w[k] as number)), `${name}: ${k}`);
  }
  return s;
}

test('moments merged over any chunking equal one pass over the whole column', () => {
  const rng = createRng(9);
  const values = Float64Array.from({ length: 10_001 }, (_, i) => (i % 97 === 0 ? NaN : 1e4 + rng.normal() ** 3));
  const whole = summarise(values);
  for (const size of [1, 7, 1000, 4096]) {
    let m = chunkMoments(values.subarray(0, 0));
    for (let at = 0; at < values.length; at += size) m = mergeMoments(m, chunkMoments(values.subarray(at, Math.min(values.length, at + size))));
    const s = momentsSummary(m);
    assert.equal(m.n, whole.count, `chunks of ${size}: count`);
    assert.equal(m.missing, whole.missing);
    assert.equal(m.min, whole.min);
    assert.equal(m.max, whole.max);
    for (const k of ['mean', 'sd', 'skewness', 'kurtosis'] as const) {
      const a = s[k] as number;
      const b = whole[k] as number;
      assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `chunks of ${size}: ${k} ${a} vs ${b}`);
    }
  }
});

test('a CSV over the memory budget is streamed: the same statistics as in memory, quantiles within the stated rank error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kr-stream-'));
  try {
    const rng = createRng(4);
    const rows = ['a,b,c,colour,y'];
    for (let i = 0; i < 150_000; i++) {
      const a = rng.normal();
      const b = i % 50 === 0 ? 'NA' : (2 * a + rng.normal()).toFixed(4);
      const c = (1e6 + 10 * rng.next()).toFixed(3);
      const colour = ['red', 'green', 'blue'][i % 3];
      const y = a + 0.3 * rng.normal() > 0 ? 'yes' : 'no';
      rows.push(`${a.toFixed(5)},${b},${c},${colour},${y}`);
    }
    const file = join(dir, 'big.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    assert.equal(await planStreaming(file, 1024), null, 'within the default budget: read whole');
    const plan = await planStreaming(file, 1);
    assert.ok(plan && plan.sampleRows < 150_000, 'over a 1 MiB budget: streamed on a sample');
    const options = { label: 'y', relevance: false, sparsity: false, seed: 3 } as const;
    const whole = await analyseFile(file, options);
    const streamed = await analyseFile(file, { ...options, memoryBudgetMB: 1 });
    assert.equal(whole.scale, undefined);
    const scale = streamed.scale;
    assert.ok(scale, 'the report has its scale section');
    assert.equal(scale.rows, 150_000);
    assert.equal(streamed.dataset.rows, 150_000);
    assert.ok(scale.sample.rows < 150_000 && scale.sample.rows > 5_000, `sample of ${scale.sample.rows}`);
    assert.deepEqual(streamed.dataset.label?.classes, whole.dataset.label?.classes, 'exact class counts');
    for (const name of ['a', 'b', 'c']) {
      const s = sameMoments(streamed, whole, name);
      // The sample's median sits within the stated rank error of the whole column's: between its quantiles at 0.5 ± ε.
      const col = rows.slice(1).map((r) => Number(r.split(',')[['a', 'b', 'c'].indexOf(name)])).filter((v) => Number.isFinite(v)).sort((x, y) => x - y);
      const at = (p: number): number => col[Math.min(col.length - 1, Math.max(0, Math.floor(p * col.length)))];
      const median = s.quantiles!.p50;
      assert.ok(median >= at(0.5 - scale.sketched.rankError) && median <= at(0.5 + scale.sketched.rankError), `${name}: median ${median}`);
    }
    const ia = streamed.correlation.names.indexOf('a');
    const ib = streamed.correlation.names.indexOf('b');
    assert.ok(Math.abs((streamed.correlation.matrix[ia][ib] as number) - (whole.correlation.matrix[ia][ib] as number)) < 1e-12, 'the streamed correlation is the exact one');
    assert.equal(streamed.features.find((f) => f.name === 'colour')?.type, 'categorical', 'text columns keep their type in the sample');
    assert.match(streamed.analyses.find((a) => a.id === 'profile')?.note ?? '', /streamed: 150,000 rows/);
    // A 1 MiB budget is below what the process alone needs: the report says the budget was not kept, with the estimate.
    assert.equal(scale.streamedEstimateMB, Math.round(streamedEstimateMB(plan)));
    assert.ok(scale.streamedEstimateMB > 1);
    const over = streamed.warnings.filter((w) => w.code === 'memoryBudget');
    assert.equal(over.length, 1);
    assert.match(over[0].message, new RegExp(`memory budget of 1 MiB is below .* an estimated ${scale.streamedEstimateMB} MiB .*${scale.sample.rows.toLocaleString('en-US')}-row sample`));
    assert.equal(whole.warnings.some((w) => w.code === 'memoryBudget'), false, 'read whole within the budget: nothing to warn of');
    // On two threads (each chunk's co-moments by rows of the matrix on the pool): the same report.
    const runner = new ThreadTaskRunner({ script: join(__dirname, '..', 'support', 'taskWorkerTs.cjs'), threads: 2, minWork: 0 });
    try {
      const threaded = await analyseFile(file, { ...options, memoryBudgetMB: 1, runner });
      // Every number the same; only the memory estimates count the second thread (and the warning quotes them).
      const strip = (r: typeof streamed): unknown => ({
        ...r,
        timings: null,
        energy: null,
        settings: { ...r.settings, threads: null },
        scale: { ...r.scale, inMemoryEstimateMB: null, streamedEstimateMB: null },
        warnings: r.warnings.filter((w) => w.code !== 'memoryBudget'),
      });
      assert.deepEqual(strip(threaded), strip(streamed));
      assert.equal(threaded.scale!.streamedEstimateMB - streamed.scale!.streamedEstimateMB, Math.round(analysisEstimateMB(1, 5, 2) - analysisEstimateMB(1, 5, 1)), 'one more thread');
    } finally {
      await runner.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a Parquet file over the memory budget is streamed in row slices: the same statistics as in memory, the same sample as its CSV', async () => {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const dir = mkdtempSync(join(tmpdir(), 'kr-stream-pq-'));
  try {
    const rng = createRng(8);
    const n = 150_000;
    const a: number[] = [];
    const b: (number | null)[] = [];
    const colour: string[] = [];
    const y: string[] = [];
    const lines = ['a,b,colour,y'];
    for (let i = 0; i < n; i++) {
      const x = Math.round(rng.normal() * 1e5) / 1e5;
      const z = i % 50 === 0 ? null : Math.round((2 * x + rng.normal()) * 1e4) / 1e4;
      a.push(x);
      b.push(z);
      colour.push(['red', 'green', 'blue'][i % 3]);
      y.push(x + 0.3 * rng.normal() > 0 ? 'yes' : 'no');
      lines.push(`${x},${z === null ? '' : z},${colour[i]},${y[i]}`);
    }
    const file = join(dir, 'big.parquet');
    // Row groups of 40,000: the 65,536-row slices cross them.
    writeFileSync(file, Buffer.from(parquetWriteBuffer({ rowGroupSize: 40_000, columnData: [{ name: 'a', data: a, type: 'DOUBLE' }, { name: 'b', data: b, type: 'DOUBLE' }, { name: 'colour', data: colour, type: 'STRING' }, { name: 'y', data: y, type: 'STRING' }] })));
    const csv = join(dir, 'big.csv');
    writeFileSync(csv, lines.join('\n') + '\n');
    assert.equal(await planStreaming(file, 1024), null, 'within the default budget: read whole');
    const plan = await planStreaming(file, 1);
    assert.ok(plan && plan.format === 'parquet' && plan.expectedRows === n, 'over a 1 MiB budget: streamed, its rows from the footer');
    const options = { label: 'y', relevance: false, sparsity: false, seed: 3 } as const;
    const whole = await analyseFile(file, options);
    const streamed = await analyseFile(file, { ...options, memoryBudgetMB: 1 });
    const streamedCsv = await analyseFile(csv, { ...options, memoryBudgetMB: 1 });
    assert.equal(whole.scale, undefined);
    assert.ok(streamed.scale, 'the report has its scale section');
    assert.equal(streamed.scale.rows, n);
    assert.equal(streamed.dataset.format, 'parquet');
    assert.deepEqual(streamed.dataset.label?.classes, whole.dataset.label?.classes, 'exact class counts');
    for (const name of ['a', 'b']) sameMoments(streamed, whole, name);
    const ia = streamed.correlation.names.indexOf('a');
    const ib = streamed.correlation.names.indexOf('b');
    assert.ok(Math.abs((streamed.correlation.matrix[ia][ib] as number) - (whole.correlation.matrix[ia][ib] as number)) < 1e-12, 'the streamed correlation is the exact one');
    assert.equal(streamed.features.find((f) => f.name === 'colour')?.type, 'categorical', 'text columns keep their type in the sample');
    // The same seeded rows are sampled from either format: the sample's statistics agree with the CSV's.
    assert.equal(streamed.scale.sample.rows, streamedCsv.scale?.sample.rows);
    assert.deepEqual(
      streamed.features.map((f) => [f.name, f.type, f.shape, f.stats.count, f.stats.mean]),
      streamedCsv.features.map((f) => [f.name, f.type, f.shape, f.stats.count, f.stats.mean]),
    );
    // Row groups decoded whole (the numeric columns by column chunk) and read through hyparquet's reader slice by
    // slice fold the same chunks: the same sums, bit for bit, and the same sample.
    const streamOptions = { label: 'y', sampleRows: 5000, seed: 3 };
    const byGroups = await streamParquet(file, streamOptions);
    const bySlices = await streamParquet(file, { ...streamOptions, wholeGroupBytes: 0 });
    assert.deepEqual(byGroups.columns, bySlices.columns);
    assert.deepEqual(byGroups.coMoments, bySlices.coMoments);
    assert.deepEqual(byGroups.labelCounts, bySlices.labelCounts);
    assert.equal(byGroups.chunks, bySlices.chunks);
    assert.deepEqual(byGroups.sample.columns, bySlices.sample.columns);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the memory plan: a CSV streams exactly when its estimated in-memory peak exceeds the budget, and more threads need more', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kr-plan-'));
  try {
    const rng = createRng(2);
    const rows = ['a,b,c,d,e,f,g,y'];
    for (let i = 0; i < 40_000; i++) rows.push(`${Array.from({ length: 7 }, () => rng.normal().toFixed(4)).join(',')},${i % 2}`);
    const file = join(dir, 't.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    const probe = await planStreaming(file, 1, 1);
    assert.ok(probe && probe.fields === 8, 'streamed under 1 MiB');
    // The head's line lengths give the rows (within a few per cent here: every line is about as long).
    assert.ok(Math.abs(probe.expectedRows - 40_000) < 2_000, `${probe.expectedRows} rows expected`);
    for (const threads of [1, 2, 4]) {
      const estimate = analysisEstimateMB(probe.expectedRows, 8, threads);
      assert.equal(await planStreaming(file, Math.ceil(estimate), threads), null, `${threads} thread(s): read whole at ${Math.ceil(estimate)} MiB`);
      const plan = await planStreaming(file, Math.floor(estimate) - 1, threads);
      assert.ok(plan, `${threads} thread(s): streamed just below its estimate`);
      assert.equal(plan.inMemoryEstimateMB, estimate);
    }
    // A budget between the one-thread and the four-thread estimates: whole on one thread, streamed on four.
    const between = Math.round((analysisEstimateMB(probe.expectedRows, 8, 1) + analysisEstimateMB(probe.expectedRows, 8, 4)) / 2);
    assert.equal(await planStreaming(file, between, 1), null);
    assert.ok(await planStreaming(file, between, 4));
    // The estimate grows with rows, fields and threads; a thread's copies never exceed a quarter of the table.
    assert.ok(analysisEstimateMB(2e6, 8, 2) > analysisEstimateMB(1e6, 8, 2));
    assert.ok(analysisEstimateMB(1e6, 80, 2) > analysisEstimateMB(1e6, 8, 2));
    assert.equal(analysisEstimateMB(1, 10_000, 4) - analysisEstimateMB(1, 10_000, 3), analysisEstimateMB(1, 10_000, 2) - analysisEstimateMB(1, 10_000, 1));
    assert.ok(analysisEstimateMB(1, 10_000, 2) - analysisEstimateMB(1, 10_000, 1) < 64 + (10_000 * 4) / (1024 * 1024));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a .csv.gz over the memory budget is streamed from its decompressed copy: the report of the plain CSV streamed, under its own name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kr-stream-gz-'));
  try {
    const rng = createRng(12);
    const rows = ['a,b,y'];
    for (let i = 0; i < 60_000; i++) {
      const a = rng.normal();
      rows.push(`${a.toFixed(5)},${(a * a + rng.normal()).toFixed(4)},${a + 0.5 * rng.normal() > 0 ? 1 : 0}`);
    }
    const text = rows.join('\n') + '\n';
    const plain = join(dir, 'table.csv');
    const packed = join(dir, 'table.csv.gz');
    writeFileSync(plain, text);
    writeFileSync(packed, gzipSync(text));
    const options = { label: 'y', relevance: false, sparsity: false, seed: 5, memoryBudgetMB: 1 } as const;
    const a = await analyseFile(plain, options);
    const b = await analyseFile(packed, options);
    assert.ok(a.scale && b.scale, 'both streamed');
    assert.equal(b.dataset.compression, 'gzip');
    assert.deepEqual(b.dataset.files, [packed]);
    assert.deepEqual(b.scale, a.scale);
    assert.deepEqual(
      b.features.map((f) => f.stats),
      a.features.map((f) => f.stats),
    );
    assert.deepEqual(b.correlation, a.correlation);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an Arrow IPC file or stream over the memory budget is streamed by record batches: the same exact statistics as in memory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kr-stream-arrow-'));
  try {
    const rng = createRng(21);
    const n = 70_000;
    const a = Float64Array.from({ length: n }, () => rng.normal());
    const b = Float32Array.from(a, (v, i) => (i % 40 === 0 ? NaN : v * v + rng.normal()));
    const colour = Array.from({ length: n }, (_, i) => ['red', 'green', 'blue'][(i * 7) % 3]);
    const y = Int32Array.from(a, (v) => (v + 0.5 * rng.normal() > 0 ? 1 : 0));
    const full = tableFromArrays({ a, b, colour, y });
    // Record batches of 16,384 rows (slices of one table share its schema and dictionary).
    const batches = [];
    for (let at = 0; at < n; at += 16_384) batches.push(...full.slice(at, Math.min(n, at + 16_384)).batches);
    const table = new Table(batches);
    assert.equal(table.batches.length, 5);
    for (const [name, format] of [
      ['t.arrow', 'file'],
      ['t.arrows', 'stream'],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, tableToIPC(table, format));
      const plan = await planStreaming(file, 1);
      assert.ok(plan && plan.format === 'arrow', `${name}: planned as an Arrow stream`);
      assert.ok(plan.expectedRows >= n * 0.8 && plan.expectedRows <= n * 1.3, `${name}: ${plan.expectedRows} rows estimated`);
      const options = { label: 'y', relevance: false, sparsity: false, seed: 2 } as const;
      const whole = await analyseFile(file, options);
      const streamed = await analyseFile(file, { ...options, memoryBudgetMB: 1 });
      assert.equal(whole.scale, undefined);
      assert.ok(streamed.scale, `${name}: streamed`);
      assert.equal(streamed.scale.rows, n);
      assert.equal(streamed.dataset.format, 'arrow');
      for (const f of ['a', 'b']) sameMoments(streamed, whole, f);
      assert.ok(streamed.scale.sample.rows < n);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCsv } from '../../src/engine/io/csv';
import { createRng } from '../../src/engine/random';
import type { TaskRunner } from '../../src/engine/parallel/runner';
import { ThreadTaskRunner } from '../../src/worker/taskPool';

/** The runner with a log of the kernel batches it was given (and their task phases). */
function recording(runner: ThreadTaskRunner, log: string[]): TaskRunner {
  return {
    threads: runner.threads,
    run: (...args) => runner.run(...args),
    start: (...args) => runner.start(...args),
    runKernel: (kind, context, tasks, options) => {
      log.push(`${kind}:${tasks.map((t) => (t as { phase?: string }).phase ?? '').join(',')}`);
      return runner.runKernel(kind, context, tasks, options);
    },
    startKernel: (kind, context, tasks, options) => {
      log.push(`${kind}:${tasks.map((t) => (t as { phase?: string }).phase ?? '').join(',')}`);
      return runner.startKernel(kind, context, tasks, options);
    },
    releaseMemory: () => runner.releaseMemory(),
  };
}

const SCRIPT = join(__dirname, '..', 'support', 'taskWorkerTs.cjs');

/** A table with everything the fast path tallies: NA and empty cells, text in a numeric column, blank lines, short and long rows, a text label. */
function messyCsv(rows: number, linebreak: string, seed: number): string {
  const rng = createRng(seed);
  const out = ['a,b,c,city,label'];
  for (let i = 0; i < rows; i++) {
    if (i % 997 === 5) out.push('   ');
    const a = (rng.normal() * 100).toFixed(3);
    const b = i % 53 === 0 ? 'NA' : i % 71 === 0 ? '' : i % 89 === 0 ? 'oops' : rng.normal().toExponential(4);
    const c = String(Math.floor(rng.next() * 7));
    const city = ['Oslo', 'Lima', 'Pune', 'Kyiv'][i % 4];
    const label = rng.next() < 0.5 ? 'yes' : i % 113 === 0 ? '?' : 'no';
    if (i % 401 === 7) out.push(`${a},${b}`);
    else if (i % 409 === 9) out.push(`${a},${b},${c},${city},${label},extra`);
    else out.push(`${a},${b},${c},${city},${label}`);
  }
  return out.join(linebreak) + linebreak;
}

test('a CSV parsed in segments on 2 and 4 threads is the dataset the sequential read gives', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kr-pcsv-'));
  try {
    for (const [linebreak, name] of [['\n', 'lf.csv'], ['\r\n', 'crlf.csv']] as const) {
      const file = join(dir, name);
      writeFileSync(file, messyCsv(20_000, linebreak, 3));
      const sequential = await readCsv(file, { label: 'label' });
      for (const threads of [2, 4]) {
        const runner = new ThreadTaskRunner({ script: SCRIPT, threads, minWork: 0 });
        try {
          const log: string[] = [];
          const parallel = await readCsv(file, { label: 'label', runner: recording(runner, log), parallelMinBytes: 0 });
          assert.deepEqual(parallel, sequential, `${name}, ${threads} threads`);
          assert.equal(log.length, 2, 'a scan batch, then a parse batch');
          assert.match(log[1], /^csvSegment:parse(,parse)+$/, 'several segments were parsed');
        } finally {
          await runner.close();
        }
      }
      assert.ok(sequential.warnings.some((w) => w.code === 'raggedRows'), 'the table has ragged rows');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a quoted field sends the file back to the sequential reader, with the same result', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kr-pcsv-'));
  try {
    const lines = messyCsv(5000, '\n', 4).split('\n');
    lines[3000] = '1.5,"2,5",3,"Sao ""Paulo""",yes';
    const file = join(dir, 'quoted.csv');
    writeFileSync(file, lines.join('\n'));
    const sequential = await readCsv(file, { label: 'label' });
    const runner = new ThreadTaskRunner({ script: SCRIPT, threads: 2, minWork: 0 });
    try {
      const log: string[] = [];
      assert.deepEqual(await readCsv(file, { label: 'label', runner: recording(runner, log), parallelMinBytes: 0 }), sequential);
      assert.deepEqual(log.map((l) => l.split(':')[0]), ['csvSegment'], 'only the scan ran: it found the quote');
    } finally {
      await runner.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a big table’s number profiles for typing come from the pool and type every column as the sequential read does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kr-pcsv-'));
  try {
    const file = join(dir, 'big.csv');
    // 70,000 rows (columns in shared memory): a row number, integer codes, a binary column, and the messy columns.
    const messy = messyCsv(70_000, '\n', 9).split('\n');
    const lines = messy.map((line, i) => (i === 0 ? `id,code,flag,${line}` : line === '' ? line : `${i},${i % 7},${i % 2},${line}`));
    writeFileSync(file, lines.join('\n'));
    const sequential = await readCsv(file, { label: 'label' });
    const runner = new ThreadTaskRunner({ script: SCRIPT, threads: 2, minWork: 0 });
    try {
      const log: string[] = [];
      const parallel = await readCsv(file, { label: 'label', runner: recording(runner, log), parallelMinBytes: 0 });
      assert.deepEqual(parallel, sequential);
      assert.ok(log.some((l) => l.startsWith('numberProfile:')), `the profiles were a pool batch (${log.join(' | ')})`);
      const types = new Map(parallel.columnInfo.map((c) => [c.name, c.type]));
      assert.equal(types.get('id'), 'identifier');
      assert.equal(types.get('flag'), 'binary');
    } finally {
      await runner.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('label texts merged from segments: interned in the order the rows met them, and past the interning limit as the sequential read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kr-pcsv-'));
  try {
    // Each segment interns its own texts, in its own order; merged, they must take the codes a sequential read gives.
    // 9,000 distinct labels: every segment stays under the 4,096 a collector interns, the whole file does not, so
    // the merge crosses the limit where the sequential read switched (to numbers, or to dropping a text label).
    const rng = createRng(5);
    for (const [name, labelOf] of [
      ['few.csv', (i: number): string => ['b', 'a', 'c'][(i * 7 + Math.floor(rng.next() * 2)) % 3]],
      ['numbers.csv', (i: number): string => String(9_000 - i)],
      ['texts.csv', (i: number): string => `t${i}`],
    ] as const) {
      const file = join(dir, name);
      const lines = ['x,y,label'];
      for (let i = 0; i < 9_000; i++) lines.push(`${(rng.normal() * 10).toFixed(2)},${i % 13},${labelOf(i)}`);
      writeFileSync(file, lines.join('\n') + '\n');
      const sequential = await readCsv(file, { label: 'label' });
      const runner = new ThreadTaskRunner({ script: SCRIPT, threads: 2, minWork: 0 });
      try {
        const log: string[] = [];
        assert.deepEqual(await readCsv(file, { label: 'label', runner: recording(runner, log), parallelMinBytes: 0 }), sequential, name);
        assert.match(log.join(' '), /csvSegment:parse(,parse){3,}/, `${name}: read in segments`);
      } finally {
        await runner.close();
      }
      if (name === 'numbers.csv') assert.equal(sequential.label?.task, 'regression', 'the sequential read kept the numbers');
      if (name === 'texts.csv') assert.equal(sequential.label, null, 'the sequential read dropped the text label');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a big table read on threads: its label is built while the threads profile the columns, and a column\'s error still comes before the label\'s', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kr-pcsv-'));
  const runner = new ThreadTaskRunner({ script: SCRIPT, threads: 2, minWork: 0 });
  try {
    // Enough rows for the threads' number profiles (65,536 and up), and a label with three classes.
    const rng = createRng(9);
    const lines = ['a,b,label'];
    for (let i = 0; i < 70_000; i++) lines.push(`${rng.normal().toFixed(4)},${Math.floor(rng.next() * 5)},${['x', 'y', 'z'][i % 3]}`);
    const file = join(dir, 'three.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const log: string[] = [];
    const read = await readCsv(file, { label: 'label', runner: recording(runner, log), parallelMinBytes: 0 });
    assert.ok(log.includes('numberProfile:,'), `the threads profiled the columns: ${log.join(' ')}`);
    assert.deepEqual(read, await readCsv(file, { label: 'label' }), 'the same dataset as the one-thread read');
    // Both a column and the label are impossible: the column's error, as when typing came first.
    await assert.rejects(readCsv(file, { label: 'label', task: 'binary', columnTypes: { a: 'datetime' }, runner, parallelMinBytes: 0 }), (e: Error) => /dates/.test(e.message));
    await assert.rejects(readCsv(file, { label: 'label', task: 'binary', columnTypes: { a: 'datetime' } }), (e: Error) => /dates/.test(e.message));
    // The label alone: its error.
    await assert.rejects(readCsv(file, { label: 'label', task: 'binary', runner, parallelMinBytes: 0 }), (e: Error) => /cannot be a binary label/.test(e.message));
  } finally {
    await runner.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { chunkTasks, isFastParquetColumn, parquetChunkKernel } from '../../src/engine/io/parquetChunks';

test('which Parquet columns decode chunk by chunk: flat numbers and decimals, not dates, text, booleans or timestamps', () => {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'f', data: [1.5, 2], type: 'DOUBLE' },
      { name: 'i', data: [1, 2], type: 'INT32' },
      { name: 'b', data: [true, false], type: 'BOOLEAN' },
      { name: 's', data: ['a', 'b'], type: 'STRING' },
      { name: 't', data: [new Date(0), new Date(1)], type: 'TIMESTAMP' },
    ],
  });
  const schema = parquetSchema(parquetMetadata(buffer));
  assert.deepEqual(
    schema.children.map((c) => [c.element.name, isFastParquetColumn(c)]),
    [
      ['f', true],
      ['i', true],
      ['b', false],
      ['s', false],
      ['t', false],
    ],
  );
});

test('a column chunk decodes into its rows of the column; a damaged page is reported, not looped on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kr-pqchunk-'));
  try {
    const values = Array.from({ length: 1000 }, (_, i) => (i % 10 === 3 ? null : i / 4));
    const buffer = parquetWriteBuffer({ columnData: [{ name: 'x', data: values, type: 'DOUBLE' }], rowGroupSize: 600, pageSize: 512 });
    const file = join(dir, 'x.parquet');
    writeFileSync(file, Buffer.from(buffer));
    const metadata = parquetMetadata(buffer);
    const node = parquetSchema(metadata).children[0];
    const fast = new Map([['x', { column: 0, element: node.element }]]);
    const tasks = [...chunkTasks(metadata, 0, 0, fast), ...chunkTasks(metadata, 1, 600, fast)];
    assert.equal(tasks.length, 2);
    const column = new Float32Array(1000).fill(-1);
    const results = tasks.map((t) => parquetChunkKernel({ file, columns: [column] }, t));
    assert.deepEqual(
      results.map((r) => r.problem),
      [null, null],
    );
    assert.equal(results[0].empty + results[1].empty, 100);
    assert.equal(results[0].firstMissingRow, 4, '1-based row of the first null');
    assert.equal(results[1].firstMissingRow, 604);
    values.forEach((v, i) => (v === null ? assert.ok(Number.isNaN(column[i])) : assert.equal(column[i], Math.fround(v))));
    // Damage the first page header of the second chunk: the kernel says what is wrong and returns.
    const damaged = Buffer.from(buffer);
    damaged.fill(0xff, tasks[1].start, tasks[1].start + 8);
    writeFileSync(file, damaged);
    const bad = parquetChunkKernel({ file, columns: [new Float32Array(1000)] }, tasks[1]);
    assert.equal(typeof bad.problem, 'string');
    assert.ok((bad.problem ?? '').length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetHeader } from 'hyparquet/src/column.js';
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

test('version-2 pages that say they hold no nulls skip their definition levels and decode to the same values and tallies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kr-pqv2-'));
  try {
    // Nulls only in the first row group; the second has none, but a NaN and an infinity (values, not nulls).
    const values = Array.from({ length: 1000 }, (_, i) => (i < 300 && i % 10 === 3 ? null : i === 750 ? NaN : i === 820 ? Infinity : i / 4 - 60));
    const ints = Array.from({ length: 1000 }, (_, i) => (i < 300 && i % 10 === 5 ? null : i * 7 - 3000));
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'x', data: values, type: 'DOUBLE' },
        { name: 'k', data: ints, type: 'INT32' },
      ],
      rowGroupSize: 600,
      pageSize: 512,
    });
    const file = join(dir, 'v2.parquet');
    writeFileSync(file, Buffer.from(buffer));
    const metadata = parquetMetadata(buffer);
    const nodes = parquetSchema(metadata).children;
    assert.ok(nodes.every((n) => n.element.repetition_type === 'OPTIONAL'), 'optional columns: pages carry definition levels');
    const fast = new Map(nodes.map((n, column) => [n.element.name, { column, element: n.element }]));
    const tasks = [...chunkTasks(metadata, 0, 0, fast), ...chunkTasks(metadata, 1, 600, fast)];
    assert.equal(tasks.length, 4);
    // The second row group's pages are version 2 and count no nulls: the path under test.
    const bytes = new Uint8Array(buffer);
    for (const t of tasks.slice(2)) {
      const header = parquetHeader({ view: new DataView(bytes.buffer, bytes.byteOffset + t.start), offset: 0 });
      const first = header.type === 'DICTIONARY_PAGE' ? null : header;
      if (first) {
        assert.equal(first.type, 'DATA_PAGE_V2');
        assert.equal(first.data_page_header_v2?.num_nulls, 0);
        assert.ok((first.data_page_header_v2?.definition_levels_byte_length ?? 0) > 0, 'the levels take bytes that must be skipped');
      }
    }
    const columns = [new Float32Array(1000).fill(-1), new Float32Array(1000).fill(-1)];
    const results = tasks.map((t) => parquetChunkKernel({ file, columns }, t));
    assert.deepEqual(
      results.map((r) => r.problem),
      [null, null, null, null],
    );
    const [x0, k0, x1, k1] = results;
    assert.deepEqual([x0.empty, x0.nonFinite, x0.firstMissingRow], [30, 0, 4]);
    assert.deepEqual([x1.empty, x1.nonFinite, x1.firstMissingRow], [0, 2, 751]);
    assert.deepEqual([k0.empty, k0.nonFinite, k0.firstMissingRow], [30, 0, 6]);
    assert.deepEqual([k1.empty, k1.nonFinite, k1.firstMissingRow], [0, 0, 0]);
    values.forEach((v, i) => (v === null || !Number.isFinite(v) ? assert.ok(Number.isNaN(columns[0][i]), `x row ${i}`) : assert.equal(columns[0][i], Math.fround(v), `x row ${i}`)));
    ints.forEach((v, i) => (v === null ? assert.ok(Number.isNaN(columns[1][i])) : assert.equal(columns[1][i], Math.fround(v), `k row ${i}`)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parquetMetadataAsync } from 'hyparquet';
import { isDatasetError } from '../../src/engine/errors';
import { loadParquetDataset } from '../../src/engine/io/parquet';
import { loadDataset } from '../../src/engine/io/load';
import { readCsv } from '../../src/engine/io/csv';
import { analyseFile } from '../../src/engine/tasks/analyseFile';
import type { Dataset } from '../../src/engine/dataset';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { createRng } from '../../src/engine/random';
import { ThreadTaskRunner } from '../../src/worker/taskPool';
import { FORMATS, assertSameTable } from './sameTable';

const POOL_SCRIPT = join(__dirname, '..', 'support', 'taskWorkerTs.cjs');

const CODECS = ['snappy', 'gzip', 'zstd', 'uncompressed'] as const;
const parquet = (codec: (typeof CODECS)[number]): string => join(FORMATS, `table.${codec}.parquet`);

describe('Parquet (hyparquet)', () => {
  let csv: Dataset;
  let tmp: string;
  before(async () => {
    csv = await readCsv(join(FORMATS, 'table.csv'));
    tmp = await mkdtemp(join(tmpdir(), 'kryptonite-parquet-'));
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  for (const codec of CODECS) {
    it(`${codec}: the same names, types, missing counts, values and label as the CSV of the table`, async () => {
      const bytes = await readFile(parquet(codec));
      const meta = await parquetMetadataAsync(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      assert.equal(meta.row_groups.length, 3, 'read across row groups');
      assert.equal(meta.row_groups[0].columns[0].meta_data?.codec, codec.toUpperCase());
      const d = await loadDataset(parquet(codec));
      assert.equal(d.format, 'parquet');
      assert.equal(d.source.parser, 'hyparquet');
      assertSameTable(d, csv);
    });
  }

  it('types each column as the CSV does: numbers, integers, booleans, categories, identifiers, timestamps, dates', async () => {
    const d = await loadParquetDataset(parquet('snappy'));
    const type = (name: string): string | undefined => d.columnInfo.find((c) => c.name === name)?.type;
    assert.deepEqual(
      ['x_num', 'n_int', 'flag', 'colour', 'row_id', 'when', 'day', 'y'].map(type),
      ['numeric', 'numeric', 'boolean', 'categorical', 'identifier', 'datetime', 'datetime', 'binary'],
    );
    assert.deepEqual(d.missing.slice(0, 4), [9, 0, 6, 5]);
    assert.equal(d.label?.name, 'y');
  });

  it('excludes the nested list column with the reason, at its place in the file', async () => {
    const d = await loadParquetDataset(parquet('zstd'));
    const tags = d.columnInfo.find((c) => c.name === 'tags');
    assert.ok(tags);
    assert.equal(tags.role, 'excluded');
    assert.equal(tags.index, 7);
    assert.match(tags.reason ?? '', /nested list column/);
    assert.match(tags.evidence, /list<int32>/);
    assert.ok(d.source.excludedColumns?.some((e) => e.name === 'tags' && e.index === 7 && /nested/.test(e.reason)));
    assert.ok(!d.names.includes('tags'));
    const w = d.warnings.find((x) => x.code === 'unsupportedColumns');
    assert.ok(w && w.message.includes('"tags" (list<int32>)'), w?.message);
    assert.deepEqual(
      d.columnInfo.map((c) => c.index),
      [0, 1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.equal(d.label?.sourceColumn, 8);
  });

  it('takes --label, --type, --task and detectLabel as the CSV reader does', async () => {
    const byName = await loadParquetDataset(parquet('snappy'), { label: 'colour' });
    const csvByName = await readCsv(join(FORMATS, 'table.csv'), { label: 'colour' });
    assert.equal(byName.label?.task, 'multiclass');
    assertSameTable(byName, csvByName);
    // Indexes count the file's columns, the nested one included: 8 is y here (7 in the CSV, which has no tags).
    const byIndex = await loadParquetDataset(parquet('snappy'), { label: 8 });
    assert.equal(byIndex.label?.name, 'y');
    const typed = await loadParquetDataset(parquet('snappy'), { columnTypes: { n_int: 'categorical' }, task: 'regression' });
    const csvTyped = await readCsv(join(FORMATS, 'table.csv'), { columnTypes: { n_int: 'categorical' }, task: 'regression' });
    assert.equal(typed.types[typed.names.indexOf('n_int')], 'categorical');
    assert.equal(typed.label?.task, 'regression');
    assertSameTable(typed, csvTyped);
    const none = await loadParquetDataset(parquet('snappy'), { detectLabel: false });
    assert.equal(none.label, null);
    await assert.rejects(loadParquetDataset(parquet('snappy'), { label: 'tags' }), (err: unknown) => {
      assert.ok(isDatasetError(err));
      assert.equal(err.code, 'labelInvalid');
      assert.match(err.message, /nested list column/);
      return true;
    });
    await assert.rejects(loadParquetDataset(parquet('snappy'), { label: 'nope' }), (err: unknown) => isDatasetError(err) && err.code === 'labelNotFound');
  });

  it('analyseFile gives the same feature statistics as on the CSV, and --exclude works', async () => {
    const options = { sparsity: false, relevance: false, seed: 3 } as const;
    const a = await analyseFile(parquet('gzip'), { ...options, exclude: ['n_int'] });
    const b = await analyseFile(join(FORMATS, 'table.csv'), { ...options, exclude: ['n_int'] });
    assert.equal(a.dataset.format, 'parquet');
    assert.deepEqual(
      a.features.map((f) => [f.name, f.type, f.shape, f.stats]),
      b.features.map((f) => [f.name, f.type, f.shape, f.stats]),
    );
    assert.ok(!a.features.some((f) => f.name === 'n_int'));
    assert.equal(a.dataset.columns.find((c) => c.name === 'n_int')?.reason, 'excluded by the user');
  });

  it('a truncated file is a DatasetError naming the file, not a crash', async () => {
    const whole = await readFile(parquet('snappy'));
    for (const keep of [0, 3, 100, whole.length - 9, whole.length - 1]) {
      const file = join(tmp, `truncated-${keep}.parquet`);
      await writeFile(file, whole.subarray(0, keep));
      await assert.rejects(loadDataset(file), (err: unknown) => {
        assert.ok(isDatasetError(err), `${keep}: not a DatasetError: ${String(err)}`);
        assert.equal(err.code, 'corruptFile');
        assert.equal(err.file, file);
        assert.ok(err.message.startsWith(file) && err.message.includes('Parquet'), err.message);
        return true;
      });
    }
  });

  it('a damaged page header or footer is a DatasetError naming the file', async () => {
    const whole = await readFile(parquet('snappy'));
    // Bytes 4…12: inside the first page header of column x_num (thrift fields no reader can make sense of).
    const header = Buffer.from(whole);
    header.fill(0xff, 4, 12);
    const footer = Buffer.from(whole);
    footer.fill(0x00, footer.length - 200, footer.length - 8);
    for (const [name, bytes] of [['header', header], ['footer', footer]] as const) {
      const file = join(tmp, `damaged-${name}.parquet`);
      await writeFile(file, bytes);
      await assert.rejects(loadDataset(file), (err: unknown) => {
        assert.ok(isDatasetError(err), `${name}: not a DatasetError: ${String(err)}`);
        assert.equal(err.file, file);
        return true;
      });
    }
  });

  it('recognises Parquet by its magic bytes whatever the name, and stops when cancelled', async () => {
    const file = join(tmp, 'table.data');
    await writeFile(file, await readFile(parquet('snappy')));
    assert.equal((await loadDataset(file)).format, 'parquet');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(loadParquetDataset(parquet('snappy'), { signal: controller.signal }), (err: unknown) => err instanceof Error && err.name === 'AbortError');
  });

  it('numeric columns decoded chunk by chunk (nulls, NaN, ±Inf, beyond float32, int64, dictionaries, decimals, small pages) are the values and tallies of the cell semantic, inline and on 1, 2 or 4 threads', async () => {
    const n = 70_000; // ≥ 65,536 rows: the columns live in shared memory and the chunks go to the threads
    const rng = createRng(11);
    const d: (number | null)[] = [];
    const f: (number | null)[] = [];
    const k: number[] = [];
    const b: bigint[] = [];
    const m: number[] = [];
    const s: string[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      d.push(i % 7 === 3 ? null : i % 1001 === 11 ? NaN : i % 1301 === 13 ? Infinity : i % 1709 === 17 ? 1e40 : rng.next() * 10 - 5);
      f.push(i % 5 === 0 ? null : Math.fround(rng.next()));
      k.push(Math.floor(rng.next() * 4) - 1); // a handful of levels: dictionary pages
      b.push(BigInt(Math.floor(rng.next() * 1e6)) * 1000003n);
      m.push(Math.round(rng.next() * 1e4) / 100);
      s.push(['red', 'green', 'blue'][i % 3]);
      y.push(rng.next() < 0.5 ? 0 : 1);
    }
    const file = join(tmp, 'numeric.parquet');
    const buffer = parquetWriteBuffer({
      rowGroupSize: [9_000, 20_000],
      pageSize: 16_384,
      columnData: [
        { name: 'd', data: d },
        { name: 'f', data: f },
        { name: 'k', data: k },
        { name: 'b', data: b },
        { name: 's', data: s },
        { name: 'm', data: m },
        { name: 'y', data: y },
      ],
      schema: [
        { name: 'root', num_children: 7 },
        { name: 'd', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
        { name: 'f', type: 'FLOAT', repetition_type: 'OPTIONAL' },
        { name: 'k', type: 'INT32', repetition_type: 'REQUIRED' },
        { name: 'b', type: 'INT64', repetition_type: 'OPTIONAL' },
        { name: 's', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'm', type: 'INT32', converted_type: 'DECIMAL', scale: 2, precision: 9, repetition_type: 'OPTIONAL' },
        { name: 'y', type: 'INT32', repetition_type: 'OPTIONAL' },
      ],
    });
    await writeFile(file, Buffer.from(buffer));
    const meta = await parquetMetadataAsync(buffer);
    assert.ok(meta.row_groups.length >= 4, 'several row groups');
    assert.ok(
      meta.row_groups[0].columns.some((c) => c.meta_data?.encodings.some((e) => e.endsWith('DICTIONARY'))),
      'some column chunk is dictionary-encoded',
    );
    const expected: Record<string, { values: Float32Array; empty: number; nonFinite: number }> = {};
    const semantic = (name: string, source: readonly (number | bigint | null)[]): void => {
      const values = new Float32Array(n);
      let empty = 0;
      let nonFinite = 0;
      source.forEach((v, i) => {
        if (v === null) {
          values[i] = NaN;
          empty++;
          return;
        }
        const x = Math.fround(Number(v));
        if (Number.isFinite(x)) values[i] = x;
        else {
          values[i] = NaN;
          nonFinite++;
        }
      });
      expected[name] = { values, empty, nonFinite };
    };
    semantic('d', d);
    semantic('f', f);
    semantic('k', k);
    semantic('b', b);
    semantic('m', m.map((v) => Math.round(v * 100) / 100));
    assert.ok(expected.d.empty > 0 && expected.d.nonFinite > 0, 'the double column has nulls and non-finite values');
    const check = (dataset: Dataset, how: string): void => {
      assert.equal(dataset.rows, n);
      assert.deepEqual(Array.from(dataset.label!.values), y, `${how}: label`);
      for (const [name, e] of Object.entries(expected)) {
        const j = dataset.names.indexOf(name);
        assert.ok(j >= 0, `${how}: ${name} is a feature`);
        assert.deepEqual(dataset.columns[j], e.values, `${how}: ${name} values`);
        const info = dataset.columnInfo.find((c) => c.name === name)!;
        assert.equal(info.missing, e.empty + e.nonFinite, `${how}: ${name} missing`);
      }
      assert.equal(dataset.columnInfo.find((c) => c.name === 's')?.type, 'categorical', `${how}: the text column still goes through hyparquet's reader`);
    };
    const inline = await loadParquetDataset(file, { label: 'y' });
    check(inline, 'inline');
    for (const threads of [1, 2, 4]) {
      const runner = new ThreadTaskRunner({ script: POOL_SCRIPT, threads, minWork: 0 });
      try {
        const threaded = await loadParquetDataset(file, { label: 'y', runner });
        check(threaded, `${threads} threads`);
        assert.deepEqual(threaded.warnings, inline.warnings);
        assert.deepEqual(threaded.columnInfo, inline.columnInfo);
      } finally {
        await runner.close();
      }
    }
  });
});

import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isDatasetError } from '../../src/engine/errors';
import { loadArrowDataset } from '../../src/engine/io/arrow';
import { loadDataset } from '../../src/engine/io/load';
import { readCsv } from '../../src/engine/io/csv';
import type { Dataset } from '../../src/engine/dataset';
import { FORMATS, assertSameTable } from './sameTable';

/** Feather v2 = the Arrow IPC file format; .arrows is an IPC stream (no magic, known by its name). */
const FILES = ['table.feather', 'table.zstd.feather', 'table.lz4.feather', 'table.arrows'];

describe('Arrow IPC / Feather v2 (apache-arrow)', () => {
  let csv: Dataset;
  let tmp: string;
  before(async () => {
    csv = await readCsv(join(FORMATS, 'table.csv'));
    tmp = await mkdtemp(join(tmpdir(), 'kryptonite-arrow-'));
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  for (const name of FILES) {
    it(`${name}: the same names, types, missing counts, values and label as the CSV of the table`, async () => {
      const d = await loadDataset(join(FORMATS, name));
      assert.equal(d.format, 'arrow');
      assert.equal(d.source.parser, 'apache-arrow');
      assertSameTable(d, csv);
    });
  }

  it('the compressed files really are compressed (ZSTD and LZ4 frames), so the codecs were exercised', async () => {
    const plain = (await readFile(join(FORMATS, 'table.feather'))).length;
    assert.ok((await readFile(join(FORMATS, 'table.zstd.feather'))).length < plain);
    assert.ok((await readFile(join(FORMATS, 'table.lz4.feather'))).length < plain);
  });

  it('excludes the nested list column with the reason', async () => {
    const d = await loadArrowDataset(join(FORMATS, 'table.feather'));
    const tags = d.columnInfo.find((c) => c.name === 'tags');
    assert.ok(tags);
    assert.equal(tags.role, 'excluded');
    assert.equal(tags.index, 7);
    assert.match(tags.reason ?? '', /nested list column/);
    assert.ok(d.source.excludedColumns?.some((e) => e.name === 'tags' && /nested/.test(e.reason)));
  });

  it('takes --label, --type and --task as the CSV reader does', async () => {
    const d = await loadArrowDataset(join(FORMATS, 'table.feather'), { label: 'colour', columnTypes: { n_int: 'categorical' } });
    const c = await readCsv(join(FORMATS, 'table.csv'), { label: 'colour', columnTypes: { n_int: 'categorical' } });
    assertSameTable(d, c);
    const regression = await loadArrowDataset(join(FORMATS, 'table.feather'), { task: 'regression' });
    assert.equal(regression.label?.task, 'regression');
  });

  it('a truncated file or a Feather v1 file is a DatasetError naming the file', async () => {
    const whole = await readFile(join(FORMATS, 'table.feather'));
    for (const keep of [6, 100, whole.length - 10]) {
      const file = join(tmp, `truncated-${keep}.feather`);
      await writeFile(file, whole.subarray(0, keep));
      await assert.rejects(loadDataset(file), (err: unknown) => {
        assert.ok(isDatasetError(err), `${keep}: not a DatasetError: ${String(err)}`);
        assert.equal(err.file, file);
        assert.ok(err.message.startsWith(file), err.message);
        return true;
      });
    }
    const v1 = join(tmp, 'old.feather');
    await writeFile(v1, Buffer.concat([Buffer.from('FEA1'), Buffer.alloc(64)]));
    await assert.rejects(loadDataset(v1), (err: unknown) => isDatasetError(err) && /Feather v1/.test(err.message));
  });
});

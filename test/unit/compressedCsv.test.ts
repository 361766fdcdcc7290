import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isDatasetError } from '../../src/engine/errors';
import { decompressFile } from '../../src/engine/io/compressedCsv';
import { loadDataset, sniff } from '../../src/engine/io/load';
import { readCsv } from '../../src/engine/io/csv';
import type { Dataset } from '../../src/engine/dataset';
import { FORMATS, assertSameTable } from './sameTable';

describe('gzip- and zstd-compressed CSV', () => {
  let csv: Dataset;
  let tmp: string;
  before(async () => {
    csv = await readCsv(join(FORMATS, 'table.csv'));
    tmp = await mkdtemp(join(tmpdir(), 'kryptonite-csvz-'));
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  for (const [name, compression] of [
    ['table.csv.gz', 'gzip'],
    ['table.csv.zst', 'zstd'],
    ['table.tsv.gz', 'gzip'],
  ] as const) {
    it(`${name}: the same dataset as the plain CSV, with the compression recorded`, async () => {
      const d = await loadDataset(join(FORMATS, name));
      assert.equal(d.format, 'csv');
      assert.equal(d.source.compression, compression);
      assert.equal(d.source.delimiter, name.startsWith('table.tsv') ? '\t' : ',');
      assertSameTable(d, csv);
    });
  }

  it('decompresses to exactly the plain bytes', async () => {
    const plain = await readFile(join(FORMATS, 'table.csv'));
    assert.deepEqual(await decompressFile(join(FORMATS, 'table.csv.gz'), 'gzip'), plain);
    assert.deepEqual(await decompressFile(join(FORMATS, 'table.csv.zst'), 'zstd'), plain);
  });

  it('sniffs gzip and zstd by their magic bytes, whatever the name', async () => {
    assert.equal(sniff(Uint8Array.from([0x1f, 0x8b, 8, 0]), 100).kind, 'gzip');
    assert.equal(sniff(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0]), 100).kind, 'zstd');
    const renamed = join(tmp, 'data.bin');
    await writeFile(renamed, await readFile(join(FORMATS, 'table.csv.zst')));
    assertSameTable(await loadDataset(renamed), csv);
  });

  it('--label, --type and --task as for the plain CSV', async () => {
    const options = { label: 'colour', columnTypes: { n_int: 'categorical' } } as const;
    assertSameTable(await loadDataset(join(FORMATS, 'table.csv.gz'), options), await readCsv(join(FORMATS, 'table.csv'), options));
  });

  it('a truncated file is a DatasetError naming the file and the compression', async () => {
    for (const name of ['table.csv.gz', 'table.csv.zst']) {
      const whole = await readFile(join(FORMATS, name));
      const file = join(tmp, `truncated-${name}`);
      await writeFile(file, whole.subarray(0, Math.floor(whole.length / 2)));
      await assert.rejects(loadDataset(file), (err: unknown) => {
        assert.ok(isDatasetError(err), `not a DatasetError: ${String(err)}`);
        assert.equal(err.code, 'corruptFile');
        assert.equal(err.file, file);
        assert.ok(err.message.includes(name.endsWith('.gz') ? 'gzip' : 'zstd'), err.message);
        return true;
      });
    }
  });

  it('a compressed binary file is refused with what it holds', async () => {
    const file = join(tmp, 'array.npy.gz');
    await writeFile(file, gzipSync(Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.alloc(100)])));
    await assert.rejects(loadDataset(file), (err: unknown) => isDatasetError(err) && err.code === 'binaryFile' && /not CSV text/.test(err.message));
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(loadDataset(join(FORMATS, 'table.csv.gz'), { signal: controller.signal }), (err: unknown) => err instanceof Error && err.name === 'AbortError');
  });
});

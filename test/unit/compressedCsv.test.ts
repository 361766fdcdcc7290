import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isDatasetError } from '../../src/engine/errors';
import { decompressToTemp } from '../../src/engine/io/compressedCsv';
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

  it('decompresses to exactly the plain bytes, in a temporary file that dispose removes', async () => {
    const plain = await readFile(join(FORMATS, 'table.csv'));
    for (const [name, compression] of [
      ['table.csv.gz', 'gzip'],
      ['table.csv.zst', 'zstd'],
    ] as const) {
      const copy = await decompressToTemp(join(FORMATS, name), compression);
      assert.match(copy.path, /table\.csv$/);
      assert.deepEqual(await readFile(copy.path), plain);
      await copy.dispose();
      await assert.rejects(readFile(copy.path), /ENOENT/);
    }
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

  it('a truncated, refused or cancelled file leaves no temporary copy behind', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'kryptonite-tmpdir-'));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      const whole = await readFile(join(FORMATS, 'table.csv.gz'));
      const truncated = join(tmp, 'cut.csv.gz');
      await writeFile(truncated, whole.subarray(0, whole.length >> 1));
      await assert.rejects(loadDataset(truncated), (err: unknown) => isDatasetError(err) && err.code === 'corruptFile');
      const binary = join(tmp, 'bin.npy.gz');
      await writeFile(binary, gzipSync(Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.alloc(100)])));
      await assert.rejects(loadDataset(binary), (err: unknown) => isDatasetError(err) && err.code === 'binaryFile');
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(loadDataset(join(FORMATS, 'table.csv.zst'), { signal: controller.signal }));
      assertSameTable(await loadDataset(join(FORMATS, 'table.csv.zst')), csv);
      assert.deepEqual(await readdir(scratch), []);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(loadDataset(join(FORMATS, 'table.csv.gz'), { signal: controller.signal }), (err: unknown) => err instanceof Error && err.name === 'AbortError');
  });
});

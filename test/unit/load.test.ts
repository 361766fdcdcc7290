import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, sniff } from '../../src/engine/io/load';
import { readCsv } from '../../src/engine/io/csv';
import type { LoadOptions } from '../../src/engine/dataset';
import { isDatasetError } from '../../src/engine/errors';
import type { DatasetErrorCode, DatasetWarningCode } from '../../src/engine/errors';

const MALFORMED = join(__dirname, '..', 'fixtures', 'malformed', 'csv');

interface ManifestEntry {
  readonly file: string;
  readonly made: string;
  readonly options?: LoadOptions;
  readonly expect: {
    readonly error: DatasetErrorCode | null;
    readonly warnings: readonly DatasetWarningCode[];
    readonly messageIncludes: readonly string[];
    readonly rows?: number;
    readonly features?: number;
  };
}

/** Errors the sniffer raises before any CSV parsing; the CSV paths are not asked about these files. */
const SNIFFED: readonly DatasetErrorCode[] = ['binaryFile', 'jsonFile', 'fileNotFound', 'notAFile'];

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kryptonite-load-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Outcome = { readonly error: DatasetErrorCode; readonly message: string } | { readonly warnings: readonly string[]; readonly messages: string };

async function outcome(run: Promise<{ warnings: readonly { code: string; message: string }[] }>): Promise<Outcome> {
  try {
    const d = await run;
    return { warnings: d.warnings.map((w) => w.code).sort(), messages: d.warnings.map((w) => w.message).join('\n') };
  } catch (err) {
    assert.ok(isDatasetError(err), `expected a DatasetError, got ${String(err)}`);
    return { error: err.code, message: err.message };
  }
}

describe('malformed corpus (test/fixtures/malformed/csv/MANIFEST.json)', async () => {
  const manifest = JSON.parse(await readFile(join(MALFORMED, 'MANIFEST.json'), 'utf8')) as ManifestEntry[];

  it('holds at least 20 cases, each with an explanation', () => {
    assert.ok(manifest.length >= 20);
    for (const entry of manifest) assert.ok(entry.made.length > 5, entry.file);
  });

  for (const entry of manifest) {
    it(`${entry.file}: ${entry.made}`, async () => {
      const file = join(MALFORMED, entry.file);
      const options = entry.options ?? {};
      const e = entry.expect;
      if (e.error !== null) {
        await assert.rejects(loadDataset(file, options), (err: unknown) => {
          assert.ok(isDatasetError(err), `not a DatasetError: ${String(err)}`);
          assert.equal(err.code, e.error);
          assert.equal(err.file, file);
          assert.ok(!/[\r\n]/.test(err.message), 'one line');
          assert.ok(!/\n\s+at /.test(err.message), 'no stack trace');
          for (const part of e.messageIncludes) assert.ok(err.message.includes(part), `"${part}" in: ${err.message}`);
          return true;
        });
      } else {
        const d = await loadDataset(file, options);
        assert.deepEqual(d.warnings.map((w) => w.code).sort(), [...e.warnings].sort());
        const text = d.warnings.map((w) => w.message).join('\n');
        for (const part of e.messageIncludes) assert.ok(text.includes(part), `"${part}" in:\n${text}`);
        for (const w of d.warnings) assert.ok(w.message.startsWith(file) && !/[\r\n]/.test(w.message), w.message);
        if (e.rows !== undefined) assert.equal(d.rows, e.rows);
        if (e.features !== undefined) assert.equal(d.columns.length, e.features);
        for (const column of d.columns) assert.equal(column.length, d.rows);
      }
      // The forced papaparse path must reach the same verdict on every file that gets as far as the CSV reader.
      if (e.error === null || !SNIFFED.includes(e.error)) {
        const auto = await outcome(readCsv(file, { ...options, parser: 'auto' }));
        const papa = await outcome(readCsv(file, { ...options, parser: 'papaparse' }));
        assert.deepEqual(auto, papa);
      }
    });
  }
});

describe('loadDataset', () => {
  it('reads the published Kryptonite-9 CSV', async () => {
    const d = await loadDataset('/work/shared/data/kryptonite-9.csv');
    assert.equal(d.rows, 18000);
    assert.deepEqual(d.label?.counts, [8964, 9036]);
    assert.equal(d.source.parser, 'fast');
  });

  it('hands .npy names to the NumPy reader', async () => {
    const file = join(dir, 'not-really.npy');
    await writeFile(file, 'a,b,y\n1,2,0\n');
    await assert.rejects(loadDataset(file), (err: unknown) => isDatasetError(err) && err.code.startsWith('npy'));
  });

  it('hands NumPy magic bytes to the NumPy reader whatever the extension', async () => {
    const file = join(dir, 'array.csv');
    await writeFile(file, Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY\x01\x00\x02\x00{}')]));
    await assert.rejects(loadDataset(file), (err: unknown) => isDatasetError(err) && err.code.startsWith('npy'));
  });

  it('stops before reading when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(loadDataset('/work/shared/data/kryptonite-9.csv', { signal: controller.signal }), { name: 'AbortError' });
  });
});

describe('sniff', () => {
  const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

  it('tells NumPy, JSON, binary and text apart', () => {
    assert.equal(sniff(text('\x93NUMPY\x01\x00'), 100).kind, 'npy');
    assert.equal(sniff(text('[1, 2, 3]'), 9).kind, 'json');
    assert.equal(sniff(text('  {"a": 1}'), 10).kind, 'json');
    assert.equal(sniff(text('a,b\n1,\x002\n'), 11).kind, 'binary');
    assert.equal(sniff(text('a,b\n1,2\n'), 8).kind, 'text');
  });

  it('judges a long file by its first character, but not a "[unit]" header', () => {
    assert.equal(sniff(text('[{"a": 1}, {"a":'), 1_000_000).kind, 'json');
    assert.equal(sniff(text('[mm],[kg],y\n1,2,0\n'), 1_000_000).kind, 'text');
  });

  it('reads a Latin-1 file with a few accented names as text, and mostly-invalid UTF-8 as binary', () => {
    assert.equal(sniff(text('temp\xe9rature,y\n1.5,0\n2.5,1\n'), 26).kind, 'text');
    const noise = new Uint8Array(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = 0x80 + ((i * 37) % 0x7f);
    assert.equal(sniff(noise, noise.length).kind, 'binary');
  });
});

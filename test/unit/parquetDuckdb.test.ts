/**
 * Parquet as most files in the wild are written (pyarrow, Spark and DuckDB by default): version-1 data pages whose
 * optional columns carry their definition levels, dictionary pages, and DuckDB's version-2 pages with byte-stream-split
 * floating point. The fixtures are DuckDB's own files (test/fixtures/makeDuckdbParquet.mjs), and the reference is
 * DuckDB's own reading of them, exported as table.csv. The page readers of parquetChunks.ts that replace hyparquet's
 * (levels, byte-stream split) are checked against hyparquet's decoders on random input.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parquetMetadata } from 'hyparquet';
import { byteStreamSplit, readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { ByteWriter } from 'hyparquet-writer/src/bytewriter.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import type { Dataset } from '../../src/engine/dataset';
import { readCsv } from '../../src/engine/io/csv';
import { loadDataset } from '../../src/engine/io/load';
import { int64Numbers, lookUp, readFlagLevels, readHybrid, splitNumbers } from '../../src/engine/io/parquetChunks';
import { createRng } from '../../src/engine/random';
import { FORMATS, assertSameTable } from './sameTable';

const DIR = join(FORMATS, 'duckdb');
const FILES = ['v1.snappy', 'v1.gzip', 'v1.zstd', 'v2.zstd', 'v2.uncompressed', 'v2.brotli'];

/** Each column's encodings in the file's footer, `name: ENC,ENC`. */
function encodings(file: string): Map<string, string> {
  const bytes = readFileSync(file);
  const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const out = new Map<string, string>();
  for (const chunk of meta.row_groups[0].columns) {
    const m = chunk.meta_data;
    if (m) out.set(m.path_in_schema.join('.'), [...m.encodings].sort().join(','));
  }
  return out;
}

describe('Parquet written by DuckDB', () => {
  let csv: Dataset;
  before(async () => {
    csv = await readCsv(join(DIR, 'table.csv'));
  });

  for (const name of FILES) {
    it(`${name}: the same names, types, missing counts, values and label as DuckDB's own reading of it`, async () => {
      const d = await loadDataset(join(DIR, `${name}.parquet`));
      assert.equal(d.format, 'parquet');
      assertSameTable(d, csv);
      assert.equal(d.rows, 2000);
      // Nulls by their level runs: x every 7th row (bit-packed levels), gap rows 300–1199 (one RLE run), f, n.
      const missing = (c: string): number => d.missing[d.names.indexOf(c)];
      assert.deepEqual(['x', 'gap', 'f', 'n', 'small'].map(missing), [286, 900, 182, 154, 0]);
    });
  }

  it('the fixtures hold what they are for: dictionary pages, byte-stream-split and delta-packed numbers', () => {
    const v1 = encodings(join(DIR, 'v1.snappy.parquet'));
    assert.match(v1.get('small') ?? '', /PLAIN_DICTIONARY/);
    assert.match(v1.get('level') ?? '', /PLAIN_DICTIONARY/, 'a dictionary of 64-bit integers');
    assert.match(v1.get('x') ?? '', /PLAIN/);
    const v2 = encodings(join(DIR, 'v2.zstd.parquet'));
    assert.match(v2.get('x') ?? '', /BYTE_STREAM_SPLIT/);
    assert.match(v2.get('f') ?? '', /BYTE_STREAM_SPLIT/);
    assert.match(v2.get('n') ?? '', /DELTA_BINARY_PACKED/);
    assert.match(v2.get('small') ?? '', /RLE_DICTIONARY/);
  });
});

describe('parquetChunks page readers against hyparquet', () => {
  it('readFlagLevels reads RLE runs and bit-packed groups as hyparquet does, and refuses what does not fit', () => {
    const rng = ((r) => (): number => r.next())(createRng(11));
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rng() * 3000);
      // Mixed stretches: random bits (bit-packed), long runs of 0 or 1 (RLE), in random order.
      const levels = new Uint8Array(n);
      for (let i = 0; i < n; ) {
        const len = 1 + Math.floor(rng() * (rng() < 0.5 ? 12 : 400));
        const kind = rng();
        for (let k = 0; k < len && i < n; k++, i++) levels[i] = kind < 0.4 ? (rng() < 0.5 ? 1 : 0) : kind < 0.7 ? 1 : 0;
      }
      const writer = new ByteWriter();
      writeRleBitPackedHybrid(writer, Array.from(levels), 1);
      const bytes = new Uint8Array(writer.getBuffer());
      const expected: number[] = new Array<number>(n);
      readRleBitPackedHybrid({ view: new DataView(bytes.buffer), offset: 0 }, 1, expected, bytes.length);
      const out = new Uint8Array(n);
      const ones = readFlagLevels(bytes, 0, bytes.length, out);
      assert.deepEqual(Array.from(out), expected, `trial ${trial}`);
      assert.equal(ones, expected.filter((v) => v === 1).length);
      // The same stream cut short: refused, never read past its end.
      if (bytes.length > 1) assert.equal(readFlagLevels(bytes, 0, bytes.length - 1, new Uint8Array(n)), -1, `trial ${trial} cut`);
    }
    // An RLE run of a value above 1, and one longer than the page's values, are refused.
    assert.equal(readFlagLevels(Uint8Array.of(8 << 1, 2), 0, 2, new Uint8Array(8)), -1);
    assert.equal(readFlagLevels(Uint8Array.of(9 << 1, 1), 0, 2, new Uint8Array(8)), -1);
    assert.equal(readFlagLevels(Uint8Array.of(8 << 1, 1), 0, 2, new Uint8Array(8)), 8);
  });

  it('readHybrid reads indices of 1 to 24 bits as hyparquet does; lookUp gives the dictionary values rounded to float32', () => {
    const rng = ((r) => (): number => r.next())(createRng(23));
    for (let trial = 0; trial < 120; trial++) {
      const width = 1 + (trial % 24);
      const n = 1 + Math.floor(rng() * 2000);
      const top = 2 ** width;
      const indices: number[] = [];
      while (indices.length < n) {
        const v = Math.floor(rng() * top);
        const len = rng() < 0.3 ? 1 + Math.floor(rng() * 40) : 1;
        for (let k = 0; k < len && indices.length < n; k++) indices.push(v);
      }
      const writer = new ByteWriter();
      writer.appendUint8(width);
      writeRleBitPackedHybrid(writer, indices, width);
      const bytes = new Uint8Array(writer.getBuffer());
      const expected: number[] = new Array<number>(n);
      readRleBitPackedHybrid({ view: new DataView(bytes.buffer), offset: 1 }, width, expected, bytes.length - 1);
      const out = new Int32Array(n);
      assert.ok(readHybrid(bytes, 1, bytes.length, width, out), `trial ${trial}`);
      assert.deepEqual(Array.from(out), expected, `width ${width}, trial ${trial}`);
      assert.equal(readHybrid(bytes, 1, bytes.length - 1, width, new Int32Array(n)), false, 'cut short');
      if (width <= 12) {
        // A dictionary shorter than the indices reach: past its end is NaN, as hyparquet's undefined is counted.
        const dictionary = Float64Array.from({ length: Math.max(1, top - 3) }, (_, k) => (k % 5 === 4 ? Infinity : Math.sin(k) * 1e3));
        const looked = lookUp(bytes, n, dictionary);
        assert.ok(looked !== null);
        const want = expected.map((k) => (k < dictionary.length ? Math.fround(dictionary[k]) : NaN));
        assert.deepEqual(Array.from(looked), want);
      }
    }
    assert.equal(lookUp(Uint8Array.of(0), 4, new Float64Array(2)), null, 'bit width 0 is left to hyparquet');
    assert.equal(lookUp(Uint8Array.of(2, 8 << 1, 1), 8, ['a', 'b'] as unknown as Float64Array), null, 'a dictionary of texts');
  });

  it('int64Numbers gives what Number(bigint) gives, past 2^53 too, signed and unsigned; lookUp takes a dictionary of them', () => {
    const rng = ((r) => (): number => r.next())(createRng(31));
    const signed = new BigInt64Array(4000);
    const unsigned = new BigUint64Array(4000);
    for (let i = 0; i < signed.length; i++) {
      const hi = BigInt(Math.floor(rng() * 2 ** 32)) << 32n;
      const lo = BigInt(Math.floor(rng() * 2 ** 32));
      // Small, near 2^53 and full-width values: the single rounding matters past 2^53.
      const wide = hi | lo;
      signed[i] = BigInt.asIntN(64, i % 3 === 0 ? wide : i % 3 === 1 ? wide >> 10n : (wide >> 40n) - (1n << 23n));
      unsigned[i] = BigInt.asUintN(64, wide);
    }
    signed[0] = -(2n ** 63n);
    signed[1] = 2n ** 63n - 1n;
    signed[2] = 2n ** 53n + 1n;
    unsigned[0] = 2n ** 64n - 1n;
    assert.deepEqual(Array.from(int64Numbers(signed)), Array.from(signed, (v) => Number(v)));
    assert.deepEqual(Array.from(int64Numbers(unsigned)), Array.from(unsigned, (v) => Number(v)));
    const writer = new ByteWriter();
    writer.appendUint8(3);
    writeRleBitPackedHybrid(writer, [0, 1, 2, 3, 4, 4, 1, 0, 7, 2], 3);
    const looked = lookUp(new Uint8Array(writer.getBuffer()), 10, signed.subarray(0, 5));
    assert.deepEqual(Array.from(looked ?? []), [0, 1, 2, 3, 4, 4, 1, 0, NaN, 2].map((k) => (k < 5 ? Math.fround(Number(signed[k])) : NaN)));
  });

  it('splitNumbers puts FLOAT, DOUBLE and INT32 streams back together as hyparquet does; other types and short pages are left to it', () => {
    const rng = ((r) => (): number => r.next())(createRng(5));
    for (const [type, width] of [
      ['FLOAT', 4],
      ['DOUBLE', 8],
      ['INT32', 4],
    ] as const) {
      for (const count of [0, 1, 7, 1000]) {
        const bytes = Uint8Array.from({ length: count * width + 3 }, () => Math.floor(rng() * 256));
        const expected = byteStreamSplit({ view: new DataView(bytes.buffer), offset: 0 }, count, type, undefined);
        const got = splitNumbers(bytes, count, type);
        assert.ok(got !== null);
        assert.equal(got.constructor, expected.constructor);
        assert.equal(got.length, count);
        assert.deepEqual(new Uint8Array(got.buffer, got.byteOffset, got.byteLength), new Uint8Array((expected as Float64Array).buffer), `${type} × ${count}`);
      }
      assert.equal(splitNumbers(new Uint8Array(width * 4 - 1), 4, type), null, 'a page shorter than its values');
    }
    assert.equal(splitNumbers(new Uint8Array(64), 8, 'INT64'), null);
  });
});

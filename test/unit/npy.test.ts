import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

import { DatasetError } from '../../src/engine/errors';
import type { DatasetErrorCode } from '../../src/engine/errors';
import { npyToNumbers, parseNpy, readNpy } from '../../src/engine/io/npy/codec';
import type { NpyArray } from '../../src/engine/io/npy/codec';
import { formatShape, parseNpyHeader } from '../../src/engine/io/npy/header';
import type { NpyDescr } from '../../src/engine/io/npy/header';
import { loadNpyDataset } from '../../src/engine/io/npy/load';
import { findNpyPair } from '../../src/engine/io/npy/pairing';
import { encodeNpy, writeNpy } from '../../src/engine/io/npy/write';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const GOOD = path.join(FIXTURES, 'npy');
const BAD = path.join(FIXTURES, 'malformed', 'npy');
const DATA = '/work/shared/data';

const tmp = mkdtempSync(path.join(tmpdir(), 'kryptonite-npy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function values(a: NpyArray): (number | bigint)[] {
  return Array.from(a.data as ArrayLike<number | bigint>);
}

async function rejectsWith(promise: Promise<unknown>, code: DatasetErrorCode, ...includes: string[]): Promise<DatasetError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof DatasetError, `expected a DatasetError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const text of includes) assert.ok(err.message.includes(text), `"${err.message}" should include "${text}"`);
    assert.ok(!/[\r\n]/.test(err.message), 'one-line message');
    return err;
  }
  return assert.fail(`expected ${code}`);
}

/** A .npy built by hand, independent of encodeNpy: header text + raw data bytes, 64-byte aligned. */
function handMade(header: string, data: number[], version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  const bytes = new Uint8Array(total + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const len = total - pre;
  bytes[8] = len & 0xff;
  bytes[9] = len >> 8;
  bytes.set(Buffer.from(header.padEnd(len - 1) + '\n', 'latin1'), pre);
  bytes.set(data, total);
  return bytes;
}

// Known answers: numpy.load gives exactly these for the committed fixtures (checked when they were made).
const DTYPE_EXPECTED: Record<string, (number | bigint)[]> = {
  f2: [1.5, -2, 0.25, 65504, 2 ** -24, -1024],
  f4: [1.5, -2.25, 0.10000000149011612, 3.4028234663852886e38, 1.401298464324817e-45, -0.5],
  f8: [0.1, -1e300, 5e-324, Math.PI, 9007199254740992, -2.5],
  i1: [-128, 127, 0, -1, 5, 100],
  i2: [-32768, 32767, 0, -1, 300, -300],
  i4: [-2147483648, 2147483647, 0, -1, 65536, -70000],
  i8: [-9223372036854775808n, 9223372036854775807n, 0n, -1n, 9007199254740993n, -1099511627776n],
  u1: [0, 255, 1, 128, 7, 200],
  u2: [0, 65535, 1, 256, 300, 40000],
  u4: [0, 4294967295, 1, 65536, 3000000000, 12345],
  u8: [0n, 18446744073709551615n, 1n, 9007199254740993n, 4294967296n, 12345n],
  b1: [1, 0, 0, 1, 1, 0],
};

describe('readNpy: dtypes, byte orders, memory orders, versions', () => {
  for (const [type, expected] of Object.entries(DTYPE_EXPECTED)) {
    const files = type.endsWith('1') ? [[`dtype-${type}.npy`, `|${type}`]] : [[`dtype-${type}-le.npy`, `<${type}`], [`dtype-${type}-be.npy`, `>${type}`]];
    for (const [file, descr] of files) {
      test(`${file} holds the known 3 × 2 values`, async () => {
        const a = await readNpy(path.join(GOOD, file));
        assert.deepEqual(a.shape, [3, 2]);
        assert.equal(a.dtype, descr);
        assert.equal(a.fortranOrder, false);
        assert.deepEqual(values(a), expected);
      });
    }
  }

  test('typed-array class per dtype: float32 for f2/f4, BigInt for 64-bit integers', async () => {
    const kinds: Record<string, string> = {
      'dtype-f2-le.npy': 'Float32Array',
      'dtype-f4-be.npy': 'Float32Array',
      'dtype-f8-le.npy': 'Float64Array',
      'dtype-i1.npy': 'Int8Array',
      'dtype-i2-be.npy': 'Int16Array',
      'dtype-i4-le.npy': 'Int32Array',
      'dtype-i8-be.npy': 'BigInt64Array',
      'dtype-u1.npy': 'Uint8Array',
      'dtype-u2-le.npy': 'Uint16Array',
      'dtype-u4-be.npy': 'Uint32Array',
      'dtype-u8-le.npy': 'BigUint64Array',
      'dtype-b1.npy': 'Uint8Array',
    };
    for (const [file, kind] of Object.entries(kinds)) {
      assert.equal((await readNpy(path.join(GOOD, file))).data.constructor.name, kind, file);
    }
  });

  test('Fortran order: the known 3 × 2 matrix comes back in C order', async () => {
    for (const file of ['order-c.npy', 'order-f.npy', 'order-f-be.npy']) {
      const a = await readNpy(path.join(GOOD, file));
      assert.deepEqual(a.shape, [3, 2]);
      assert.equal(a.fortranOrder, file !== 'order-c.npy');
      assert.deepEqual(values(a), [1, 2, 3, 4, 5, 6], file);
    }
    // The Fortran file really is column-major on disk: 1 3 5 2 4 6.
    const bytes = readFileSync(path.join(GOOD, 'order-f.npy'));
    const onDisk = new Float64Array(bytes.buffer.slice(bytes.byteOffset + 128, bytes.byteOffset + 128 + 48));
    assert.deepEqual(Array.from(onDisk), [1, 3, 5, 2, 4, 6]);
  });

  test('Fortran order in 3-D (2, 3, 4) equals arange(24) in C order', async () => {
    const a = await readNpy(path.join(GOOD, 'order-f-3d.npy'));
    assert.deepEqual(a.shape, [2, 3, 4]);
    assert.deepEqual(values(a), Array.from({ length: 24 }, (_, i) => i));
  });

  test('hand-made big-endian Fortran f4 (independent of the writer)', () => {
    // [[1, 2], [3, 4], [5, 6]] column-major: 1 3 5 2 4 6 as big-endian float32.
    const be = [1, 3, 5, 2, 4, 6].flatMap((v) => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, v, false);
      return Array.from(b);
    });
    const a = parseNpy(handMade("{'descr': '>f4', 'fortran_order': True, 'shape': (3, 2), }", be), 'hand.npy');
    assert.deepEqual(values(a), [1, 2, 3, 4, 5, 6]);
  });

  test('format versions 1.0, 2.0 and 3.0 (u16 vs u32 header length)', async () => {
    for (const v of [1, 2, 3] as const) {
      const file = path.join(GOOD, `version-${v}.npy`);
      const a = await readNpy(file);
      assert.equal(a.version, v);
      assert.deepEqual(a.shape, [2, 3]);
      assert.deepEqual(values(a), [0.5, -1, 2, Math.fround(1e-3), 1000, -0.25]);
      const raw = readFileSync(file);
      assert.equal(raw[6], v);
      assert.equal(parseNpyHeader(raw, file).dataOffset % 64, 0, 'NEP 1: data aligned to 64 bytes');
    }
  });

  test('v3 header may hold UTF-8; v1 is latin-1', () => {
    // 'é' is one byte in latin-1 and two in UTF-8; a header that decodes differently would shift the dict.
    const v3 = handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", [0, 0, 128, 63], 3);
    assert.deepEqual(values(parseNpy(v3, 'v3.npy')), [1]);
    const bad = handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", [0, 0, 128, 63], 3);
    bad[12 + 2] = 0xff; // invalid UTF-8 inside the header
    assert.throws(() => parseNpy(bad, 'bad.npy'), (e: unknown) => e instanceof DatasetError && e.code === 'npyBadHeader' && /UTF-8/.test(e.message));
  });

  test('1-D and 0-D shapes', async () => {
    const a = await readNpy(path.join(GOOD, 'shape-1d.npy'));
    assert.deepEqual(a.shape, [4]);
    assert.deepEqual(values(a), [0.5, 1.5, 2.5, 3.5]);
    const s = parseNpy(encodeNpy({ shape: [], dtype: '<f8', data: [42] }), 's.npy');
    assert.deepEqual(s.shape, []);
    assert.deepEqual(values(s), [42]);
    assert.equal(formatShape([]), '()');
    assert.equal(formatShape([5]), '(5,)');
    assert.equal(formatShape([3, 2]), '(3, 2)');
  });

  test('header parser: double quotes, other key order, Python 2 long, no trailing comma', () => {
    const a = parseNpy(handMade('{"shape": (2L,), "fortran_order": False, "descr": "<i2"}', [1, 0, 255, 255]), 'p.npy');
    assert.deepEqual(a.shape, [2]);
    assert.deepEqual(values(a), [1, -1]);
    // (5) is the int 5 in Python, not a tuple.
    assert.throws(() => parseNpy(handMade("{'descr': '<i2', 'fortran_order': False, 'shape': (1)}", [1, 0]), 'q.npy'), /'shape' is the integer 1/);
  });

  test('aligned data is viewed in place; unaligned data is copied and still correct', () => {
    const bytes = encodeNpy({ shape: [3], dtype: '<f8', data: [1.25, -2, 3e10] });
    const aligned = parseNpy(bytes, 'a.npy');
    assert.equal(aligned.data.buffer, bytes.buffer, 'zero-copy view');
    // The same file starting at an odd offset inside a larger buffer (e.g. a pooled Buffer).
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const unaligned = parseNpy(shifted.subarray(1), 'u.npy');
    assert.notEqual(unaligned.data.buffer, shifted.buffer);
    assert.deepEqual(values(unaligned), [1.25, -2, 3e10]);
  });

  test('b1 bytes other than 0/1 read as true (1), as numpy does', () => {
    const a = parseNpy(handMade("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [0, 1, 7]), 'b.npy');
    assert.deepEqual(values(a), [0, 1, 1]);
  });

  test('npyToNumbers is exact, and refuses int64 beyond 2^53 rather than rounding', async () => {
    assert.deepEqual(Array.from(npyToNumbers(await readNpy(path.join(GOOD, 'dtype-i4-be.npy')), 'f')), DTYPE_EXPECTED.i4);
    const safe = parseNpy(encodeNpy({ shape: [2], dtype: '<i8', data: [-(2 ** 53 - 1), 2 ** 53 - 1] }), 's.npy');
    assert.deepEqual(Array.from(npyToNumbers(safe, 's.npy')), [-(2 ** 53 - 1), 2 ** 53 - 1]);
    const big = await readNpy(path.join(GOOD, 'dtype-i8-le.npy'));
    assert.throws(() => npyToNumbers(big, 'dtype-i8-le.npy'), (e: unknown) => e instanceof DatasetError && e.code === 'npyUnsafeInteger' && e.message.includes('-9223372036854775808'));
  });
});

describe('writeNpy / encodeNpy round trips', () => {
  const descrs: NpyDescr[] = ['<f2', '<f4', '<f8', '<i1', '<i2', '<i4', '<i8', '<u1', '<u2', '<u4', '<u8', '<b1', '>f4', '>f8', '>i2', '>i8', '>u4', '|u1', '|i1', '|b1'];
  const base = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  for (const dtype of descrs) {
    for (const fortranOrder of [false, true]) {
      for (const version of [1, 2, 3] as const) {
        test(`${dtype} ${fortranOrder ? 'F' : 'C'} v${version}`, async () => {
          const file = path.join(tmp, `rt-${dtype.replace(/[<>|]/, '')}-${dtype[0] === '>' ? 'be' : 'x'}-${fortranOrder}-${version}.npy`);
          const data = dtype.endsWith('b1') ? base.map((v) => v % 2) : base;
          await writeNpy(file, { shape: [3, 4], dtype, data }, { fortranOrder, version });
          const a = await readNpy(file);
          assert.deepEqual(a.shape, [3, 4]);
          assert.equal(a.version, version);
          assert.equal(a.fortranOrder, fortranOrder);
          assert.equal(a.dtype, dtype.endsWith('1') ? `|${dtype.slice(1)}` : dtype);
          assert.deepEqual(values(a).map(Number), data);
        });
      }
    }
  }

  test('bigEndian option rewrites the descr; int64 extremes survive exactly', async () => {
    const file = path.join(tmp, 'i8.npy');
    const data = BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n]);
    await writeNpy(file, { shape: [3], dtype: '<i8', data }, { bigEndian: true });
    const a = await readNpy(file);
    assert.equal(a.dtype, '>i8');
    assert.deepEqual(values(a), Array.from(data));
  });

  test('float16 rounds to nearest even, overflows to Inf, keeps subnormals and NaN', () => {
    const input = [0.1, 65519, 65520, 2 ** -25, 2 ** -25 * 3, -0, NaN, -Infinity, 1 + 2 ** -11, 1 + 3 * 2 ** -11];
    const a = parseNpy(encodeNpy({ shape: [input.length], dtype: '<f2', data: input }), 'h.npy');
    // numpy: np.array(input, dtype=np.float16)
    assert.deepEqual(values(a), [0.0999755859375, 65504, Infinity, 0, 2 ** -23, -0, NaN, -Infinity, 1, 1 + 2 ** -9]);
  });

  test('predict-style int64 labels written from plain numbers', async () => {
    const file = path.join(tmp, 'pred-y.npy');
    await writeNpy(file, { shape: [4], dtype: '<i8', data: Int32Array.from([0, 1, 1, 0]) });
    assert.deepEqual(values(await readNpy(file)), [0n, 1n, 1n, 0n]);
  });

  test('the writer refuses values that would wrap or lose their fraction, and wrong lengths', () => {
    assert.throws(() => encodeNpy({ shape: [1], dtype: '<i1', data: [200] }), /does not fit \|i1/);
    assert.throws(() => encodeNpy({ shape: [1], dtype: '<u8', data: [-1] }), /does not fit <u8/);
    assert.throws(() => encodeNpy({ shape: [1], dtype: '<i4', data: [1.5] }), /does not fit <i4/);
    assert.throws(() => encodeNpy({ shape: [2, 2], dtype: '<f4', data: [1, 2, 3] }), /needs 4 values, got 3/);
    assert.throws(() => encodeNpy({ shape: [1], dtype: '<U5' as NpyDescr, data: [1] }), /unsupported dtype/);
  });

  test('header matches numpy.save byte for byte', () => {
    const bytes = encodeNpy({ shape: [18000, 9], dtype: '<f4', data: new Float32Array(18000 * 9) });
    const real = existsSync(path.join(DATA, 'kryptonite-9-X.npy')) ? readFileSync(path.join(DATA, 'kryptonite-9-X.npy')).subarray(0, 128) : null;
    const expected = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]),
      Buffer.from("{'descr': '<f4', 'fortran_order': False, 'shape': (18000, 9), }".padEnd(117) + '\n', 'latin1'),
    ]);
    assert.deepEqual(Buffer.from(bytes.subarray(0, 128)), expected);
    if (real) assert.deepEqual(Buffer.from(bytes.subarray(0, 128)), Buffer.from(real));
  });
});

describe('findNpyPair', () => {
  test('-X finds -y and -y finds -X', async () => {
    const x = path.join(GOOD, 'pair-X.npy');
    const y = path.join(GOOD, 'pair-y.npy');
    assert.deepEqual(await findNpyPair(x), { x, y });
    assert.deepEqual(await findNpyPair(y), { x, y });
  });

  test('_x finds _Y and back (case-insensitive letters)', async () => {
    const x = path.join(GOOD, 'under_x.npy');
    const y = path.join(GOOD, 'under_Y.npy');
    assert.deepEqual(await findNpyPair(x), { x, y });
    assert.deepEqual(await findNpyPair(y), { x, y });
  });

  test('a plain name has no pair; an X without a y is unlabelled, not an error', async () => {
    const plain = path.join(GOOD, 'order-c.npy');
    assert.deepEqual(await findNpyPair(plain), { x: plain, y: null });
    const dir = mkdtempSync(path.join(tmp, 'alone-'));
    const lonely = path.join(dir, 'data-X.npy');
    writeFileSync(lonely, encodeNpy({ shape: [1], dtype: '<f4', data: [1] }));
    assert.deepEqual(await findNpyPair(lonely), { x: lonely, y: null });
  });

  test('mixed separators pair; the same separator is preferred', async () => {
    const dir = mkdtempSync(path.join(tmp, 'mixed-'));
    const one = encodeNpy({ shape: [1], dtype: '<f4', data: [1] });
    for (const name of ['run-X.npy', 'run_y.npy', 'solo_X.npy', 'solo_y.npy', 'solo-y.npy']) writeFileSync(path.join(dir, name), one);
    assert.deepEqual(await findNpyPair(path.join(dir, 'run-X.npy')), { x: path.join(dir, 'run-X.npy'), y: path.join(dir, 'run_y.npy') });
    assert.deepEqual(await findNpyPair(path.join(dir, 'solo_X.npy')), { x: path.join(dir, 'solo_X.npy'), y: path.join(dir, 'solo_y.npy') });
    assert.deepEqual(await findNpyPair(path.join(dir, 'solo-y.npy')), { x: path.join(dir, 'solo_X.npy'), y: path.join(dir, 'solo-y.npy') });
  });

  test('a y without its X, and a missing file', async () => {
    await rejectsWith(findNpyPair(path.join(BAD, 'orphan-y.npy')), 'pairMissing', 'orphan-y.npy', 'orphan-X.npy');
    await rejectsWith(findNpyPair(path.join(GOOD, 'nope-X.npy')), 'fileNotFound', 'nope-X.npy');
    await rejectsWith(loadNpyDataset(GOOD), 'notAFile');
  });
});

describe('loadNpyDataset', () => {
  test('an X/y pair: features x1…xN as Float32Array, label "y" from the y file', async () => {
    const x = path.join(GOOD, 'pair-X.npy');
    const y = path.join(GOOD, 'pair-y.npy');
    for (const opened of [x, y]) {
      const d = await loadNpyDataset(opened);
      assert.equal(d.path, opened);
      assert.deepEqual(d.files, [x, y]);
      assert.equal(d.format, 'npy');
      assert.equal(d.rows, 6);
      assert.deepEqual(d.names, ['x1', 'x2', 'x3']);
      assert.ok(d.columns.every((c) => c instanceof Float32Array && c.length === 6));
      assert.deepEqual(Array.from(d.columns[1]), [0.2, 1.2, 2.2, 3.2, 4.2, 5.2].map(Math.fround));
      assert.deepEqual(d.missing, [0, 0, 0]);
      assert.equal(d.label?.name, 'y');
      assert.equal(d.label?.sourceColumn, null);
      assert.deepEqual(Array.from(d.label?.values ?? []), [0, 1, 1, 0, 1, 0]);
      assert.deepEqual(d.label?.classes, ['0', '1']);
      assert.deepEqual(d.label?.counts, [3, 3]);
      assert.deepEqual(d.warnings, []);
      assert.deepEqual(d.source, { bytes: readFileSync(x).length + readFileSync(y).length, parser: 'npy', excludedColumns: [] });
    }
  });

  test('(n, 1) uint8 labels from an _x/_Y pair', async () => {
    const d = await loadNpyDataset(path.join(GOOD, 'under_Y.npy'));
    assert.deepEqual(d.names, ['x1', 'x2']);
    assert.deepEqual(Array.from(d.columns[1]), [10, 20, 30, 40]);
    assert.deepEqual(d.label?.classes, ['3', '7']);
    assert.deepEqual(d.label?.counts, [3, 1]);
  });

  test('int64 labels beyond 2^53 keep exact, distinct classes', async () => {
    const d = await loadNpyDataset(path.join(GOOD, 'biglabel-X.npy'));
    assert.deepEqual(d.label?.classes, ['9007199254740993', '9007199254740994']);
    assert.deepEqual(Array.from(d.label?.values ?? []), [0, 1, 0, 1]);
  });

  test('a 1-D X is one feature', async () => {
    const d = await loadNpyDataset(path.join(GOOD, 'shape-1d.npy'));
    assert.equal(d.rows, 4);
    assert.deepEqual(d.names, ['x1']);
    assert.deepEqual(Array.from(d.columns[0]), [0.5, 1.5, 2.5, 3.5]);
    assert.equal(d.label, null);
    assert.deepEqual(d.warnings.map((w) => w.code), ['unlabelled']);
  });

  test('Fortran-order X loads the same columns as C order', async () => {
    const c = await loadNpyDataset(path.join(GOOD, 'order-c.npy'));
    const f = await loadNpyDataset(path.join(GOOD, 'order-f-be.npy'));
    assert.deepEqual(c.columns.map((col) => Array.from(col)), [[1, 3, 5], [2, 4, 6]]);
    assert.deepEqual(f.columns.map((col) => Array.from(col)), [[1, 3, 5], [2, 4, 6]]);
  });

  test('label given as an index (or name) on a single X takes that column out of the features', async () => {
    const file = path.join(GOOD, 'features-label.npy');
    for (const label of [2, '2', 'x3']) {
      const d = await loadNpyDataset(file, { label });
      assert.deepEqual(d.names, ['x1', 'x2']);
      assert.deepEqual(Array.from(d.columns[0]), [0.5, 1.5, 2.5, 3.5, 4.5]);
      assert.equal(d.label?.name, 'x3');
      assert.equal(d.label?.sourceColumn, 2);
      assert.deepEqual(d.label?.counts, [2, 3]);
      assert.deepEqual(d.warnings, []);
    }
    await rejectsWith(loadNpyDataset(file, { label: 3 }), 'labelNotFound', 'features-label.npy', 'index 3');
    await rejectsWith(loadNpyDataset(file, { label: 'target' }), 'labelNotFound', '"target"');
    await rejectsWith(loadNpyDataset(path.join(GOOD, 'shape-1d.npy'), { label: 0 }), 'noNumericColumns', 'only column');
  });

  test('a label option on a pair is ignored with a warning; detectLabel:false skips y', async () => {
    const x = path.join(GOOD, 'pair-X.npy');
    const d = await loadNpyDataset(x, { label: 0 });
    assert.equal(d.label?.name, 'y');
    assert.deepEqual(d.names, ['x1', 'x2', 'x3']);
    assert.deepEqual(d.warnings.map((w) => w.code), ['labelOptionIgnored']);
    assert.deepEqual((await loadNpyDataset(x, { label: 'y' })).warnings, []);
    const u = await loadNpyDataset(x, { detectLabel: false });
    assert.equal(u.label, null);
    assert.deepEqual(u.files, [x]);
    assert.deepEqual(u.warnings, []);
  });

  test('an aborted signal stops the load', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(loadNpyDataset(path.join(GOOD, 'pair-X.npy'), { signal: ac.signal }), { name: 'AbortError' });
  });
});

interface ManifestEntry {
  readonly file: string;
  readonly made: string;
  readonly pair?: string;
  readonly expect: { readonly error: DatasetErrorCode | null; readonly warnings: readonly string[]; readonly messageIncludes: readonly string[]; readonly errorFile?: string };
}

describe('malformed corpus (test/fixtures/malformed/npy/MANIFEST.json)', () => {
  const manifest = JSON.parse(readFileSync(path.join(BAD, 'MANIFEST.json'), 'utf8')) as ManifestEntry[];

  test('every file in the folder is in the manifest (as an entry or the other half of a pair)', () => {
    const listed = new Set(manifest.flatMap((e) => (e.pair ? [e.file, e.pair] : [e.file])));
    const present = readdirSync(BAD).filter((n) => n.endsWith('.npy'));
    assert.deepEqual(present.filter((n) => !listed.has(n)), []);
    assert.ok(manifest.filter((e) => e.expect.error !== null).length >= 10);
  });

  for (const entry of manifest) {
    test(`${entry.file}: ${entry.made}`, async () => {
      const file = path.join(BAD, entry.file);
      const { error, warnings, messageIncludes } = entry.expect;
      if (error !== null) {
        const blamed = entry.expect.errorFile ?? entry.file;
        const err = await rejectsWith(loadNpyDataset(file), error, blamed, ...messageIncludes);
        assert.equal(err.file, path.join(BAD, blamed));
        return;
      }
      const d = await loadNpyDataset(file);
      assert.deepEqual(d.warnings.map((w) => w.code).sort(), [...warnings].sort());
      const text = d.warnings.map((w) => w.message).join('\n');
      for (const part of messageIncludes) assert.ok(text.includes(part), `warnings should include "${part}":\n${text}`);
    });
  }

  test('nan-inf.npy: non-finite cells are NaN and counted per feature', async () => {
    const d = await loadNpyDataset(path.join(BAD, 'nan-inf.npy'));
    assert.deepEqual(d.missing, [1, 1, 2]);
    assert.ok(Number.isNaN(d.columns[1][1]), '+Inf becomes missing');
    assert.ok(d.columns.every((c) => c.every((v) => Number.isNaN(v) || Number.isFinite(v))));
    assert.equal(d.warnings.find((w) => w.code === 'nonFiniteValues')?.count, 4);
  });

  test('f8-overflow.npy: overflow is missing but not counted as NaN/Inf from the file', async () => {
    const d = await loadNpyDataset(path.join(BAD, 'f8-overflow.npy'));
    assert.deepEqual(d.missing, [0, 2]);
    assert.equal(d.warnings.some((w) => w.code === 'nonFiniteValues'), false);
  });
});

describe('the published Kryptonite files', () => {
  const have = (n: number): boolean => existsSync(path.join(DATA, `kryptonite-${n}-X.npy`)) && existsSync(path.join(DATA, `kryptonite-${n}-y.npy`));

  // Reference values: numpy.format_float_positional(v, unique=True) per element of X[0] and X[-1] (the shortest text
  // that round-trips, so Math.fround recovers the stored float32; np.array's repr truncates to 8 decimals and does not).
  const cases = [
    {
      n: 9,
      rows: 18000,
      counts: [8964, 9036],
      first: [0.9751181, 0.14833783, 0.99857426, 0.8181375, 1.1150864, 0.96940863, 0.8614159, 0.0151264025, 0.9714484],
      last: [0.0019168829, 1.0186292, 1.009752, 1.0808969, 0.09624913, 0.044134017, 1.0751901, 0.98645097, -0.01516623],
    },
    {
      n: 12,
      rows: 24000,
      counts: [11809, 12191],
      first: [-0.034326106, 1.0203187, -0.26776567, 1.0100218, -0.09470548, 0.0019806675, 0.98558277, 0.997064, 1.0221498, 0.9520494, 0.9870514, 1.0464506],
      last: [0.1136124, 1.1650757, 0.97903556, -0.016355013, 0.94753546, 1.0112634, 0.0081647, 0.062372006, 0.9857506, 1.0329642, -0.024256796, -0.066990465],
    },
  ];

  for (const c of cases) {
    test(`kryptonite-${c.n}: ${c.rows} × ${c.n} float32 with int64 labels`, { skip: have(c.n) ? false : `${DATA} not present` }, async () => {
      const x = path.join(DATA, `kryptonite-${c.n}-X.npy`);
      const y = path.join(DATA, `kryptonite-${c.n}-y.npy`);
      const raw = await readNpy(x);
      assert.equal(raw.dtype, '<f4');
      assert.deepEqual(raw.shape, [c.rows, c.n]);
      assert.equal((await readNpy(y)).dtype, '<i8');

      const d = await loadNpyDataset(x);
      assert.deepEqual(d.files, [x, y]);
      assert.equal(d.rows, c.rows);
      assert.equal(d.names.length, c.n);
      assert.deepEqual(d.columns.map((col) => col[0]), c.first.map(Math.fround));
      assert.deepEqual(d.columns.map((col) => col[c.rows - 1]), c.last.map(Math.fround));
      assert.deepEqual(d.missing, new Array(c.n).fill(0));
      assert.deepEqual(d.label?.classes, ['0', '1']);
      assert.deepEqual(d.label?.counts, c.counts);
      assert.equal(d.label?.missing, 0);
      assert.deepEqual(d.warnings, []);
      assert.equal(d.source.bytes, 128 + c.rows * c.n * 4 + 128 + c.rows * 8);
    });
  }

  test('kryptonite-9: column sums match numpy (every cell read in the right place)', { skip: have(9) ? false : `${DATA} not present` }, async () => {
    // X.astype(np.float64).sum(axis=0)
    const expected = [8941.63426807, 8959.67649037, 9051.8010398, 8895.28910191, 8967.72634808, 9013.99491921, 9107.06366985, 8953.25838532, 8887.98296305];
    const d = await loadNpyDataset(path.join(DATA, 'kryptonite-9-X.npy'));
    d.columns.forEach((col, i) => {
      let s = 0;
      for (const v of col) s += v;
      assert.ok(Math.abs(s - expected[i]) < 1e-6, `x${i + 1}: ${s} vs ${expected[i]}`);
    });
  });

  test('opening the y file of kryptonite-12 loads the same dataset', { skip: have(12) ? false : `${DATA} not present` }, async () => {
    const y = path.join(DATA, 'kryptonite-12-y.npy');
    const d = await loadNpyDataset(y);
    assert.equal(d.path, y);
    assert.deepEqual(d.files, [path.join(DATA, 'kryptonite-12-X.npy'), y]);
    assert.deepEqual(d.label?.counts, [11809, 12191]);
  });
});

/**
 * NumPy `.npy` files: reading, writing and X/y pairing.
 *
 * The format is NEP 1 ("A simple file format for NumPy arrays") as implemented by `numpy.lib.format`:
 *
 *   magic `\x93NUMPY` · major · minor · header length (u16 LE for 1.0, u32 LE for 2.0 and 3.0) · header · data
 *
 * The header is the `repr` of a Python dict with exactly the keys `descr`, `fortran_order` and `shape`, padded with
 * spaces and ended by `\n` so that the data starts on a 64-byte boundary (numpy.lib.format.ARRAY_ALIGN; files from
 * NumPy < 1.9 align to 16). Version 3.0 differs from 2.0 only in that the header is UTF-8 instead of latin-1.
 * The header is parsed by the small literal parser below, never evaluated: a `.npy` file is untrusted input.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import type { Dataset, LabelSpec, LabelTask, LoadOptions } from '../dataset';
import { DatasetError, makeWarning } from '../errors';
import type { DatasetWarning } from '../errors';
import { labelFromNumbers, MAX_INTEGER_CLASSES, resolveLabelColumn } from './label';
import { featureFields, typeColumns } from './columnTypes';
import type { RawColumn } from './columnTypes';
import type { LabelBuild } from './label';

// ---------------------------------------------------------------------------------------------------------------
// Types

/** Typed arrays a numeric `.npy` is read into. 64-bit integers stay BigInt so that no value is silently rounded. */
export type NpyData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

export interface NpyArray {
  readonly shape: readonly number[];
  /** The dtype exactly as the header wrote it, e.g. `<f4`, `>i8`, `|b1`. */
  readonly dtype: string;
  /** What the file held; `data` is in C order either way. */
  readonly fortranOrder: boolean;
  /** Format major version (1, 2 or 3). */
  readonly version: 1 | 2 | 3;
  /**
   * Every element in C (row-major) order and host byte order: Float32Array for f2 (widened) and f4, Float64Array
   * for f8, the matching integer array for i/u (BigInt64Array/BigUint64Array for i8/u8), Uint8Array of 0/1 for b1.
   * When no conversion was needed this is a view into the file's buffer (zero-copy), so `data.buffer` may be larger
   * than the data: copy it before transferring it to a worker.
   */
  readonly data: NpyData;
  /** Size of the file (or byte array) that was parsed. */
  readonly bytes: number;
}

export interface NpyHeader {
  readonly version: 1 | 2 | 3;
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset where the data starts. */
  readonly dataOffset: number;
}

type NumericType = 'f2' | 'f4' | 'f8' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';
type MultiByteType = Exclude<NumericType, 'i1' | 'u1' | 'b1'>;

/** A dtype the writer accepts; `|` is NumPy's "byte order not applicable" for one-byte types. */
export type NpyDescr = `<${NumericType}` | `>${MultiByteType}` | `|${'i1' | 'u1' | 'b1'}`;

export interface NpyWritable {
  readonly shape: readonly number[];
  readonly dtype: NpyDescr;
  /** Values in C (row-major) order; BigInt arrays keep int64/uint64 values beyond 2^53 exact. */
  readonly data: ArrayLike<number> | BigInt64Array | BigUint64Array;
}

export interface NpyWriteOptions {
  /** Store column-major (`fortran_order: True`); `data` is still given in C order. */
  readonly fortranOrder?: boolean;
  /** Store multi-byte values big-endian (`>` descr) whatever byte order `dtype` names. */
  readonly bigEndian?: boolean;
  /** Format version; default 1.0, or 2.0 when the header does not fit a u16 length, as NumPy does. */
  readonly version?: 1 | 2 | 3;
}

export interface NpyPair {
  readonly x: string;
  readonly y: string | null;
}

interface DtypeInfo {
  readonly kind: 'f' | 'i' | 'u' | 'b';
  readonly size: 1 | 2 | 4 | 8;
  readonly littleEndian: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Constants

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** numpy.lib.format.ARRAY_ALIGN: the writer pads the header so the data starts on a multiple of this. */
const ARRAY_ALIGN = 64;
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const WRITABLE = new Set(['f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1']);
const SUPPORTED_DTYPES = 'a numeric dtype: f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 or b1 (either byte order)';
const TABLE_SHAPE = 'a 1-D or 2-D array (rows × features)';
/** `NAME-X.npy`, `NAME_x.npy`, `NAME-y.npy`, `NAME_Y.npy`: stem, separator, role letter. */
const PAIR_NAME = /^(.+)([-_])([xy])\.npy$/i;

// ---------------------------------------------------------------------------------------------------------------
// Reading

/** Read a whole `.npy` file. Throws DatasetError naming the file for every malformed or unsupported input. */
export async function readNpy(file: string): Promise<NpyArray> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw fileError(err, file);
  }
  return parseNpy(bytes, file);
}

/**
 * Parse `.npy` bytes already in memory (from `workspace.fs`, a worker message, a test). `file` is only used in
 * messages. The data is viewed in place when byte order and alignment allow, and copied otherwise.
 */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  const header = parseNpyHeader(bytes, file);
  const dtype = parseDtype(header.descr, file);
  const count = elementCount(header.shape, file);
  const need = count * dtype.size;
  const found = bytes.length - header.dataOffset;
  if (found < need) {
    throw new DatasetError(
      'npyTruncated',
      `expected ${need} bytes of data for shape ${formatShape(header.shape)} ${header.descr}, found ${found}; the file is truncated`,
      { file, expected: 'the whole file: was the download or the save interrupted?' },
    );
  }
  // Bytes beyond the data are ignored, as numpy.load does.
  let data = decodeData(bytes, header.dataOffset, count, dtype);
  if (header.fortranOrder && header.shape.length > 1) data = fortranToC(data, header.shape);
  return { shape: header.shape, dtype: header.descr, fortranOrder: header.fortranOrder, version: header.version, data, bytes: bytes.length };
}

/** Magic, version and header dict; validates the three keys as numpy.lib.format.read_array_header_* does. */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  if (bytes.length === 0) throw new DatasetError('emptyFile', 'file is empty', { file, expected: 'a NumPy .npy file' });
  const prefix = Math.min(bytes.length, MAGIC.length);
  for (let i = 0; i < prefix; i++) {
    if (bytes[i] !== MAGIC[i]) throw badMagic(bytes, file);
  }
  if (bytes.length < 10) {
    throw new DatasetError('npyTruncated', `file ends after ${bytes.length} bytes, inside the .npy preamble; the file is truncated`, {
      file,
      expected: 'magic, version and header length (at least 10 bytes)',
    });
  }
  const major = bytes[6];
  const minor = bytes[7];
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) {
    throw new DatasetError('npyBadHeader', `unsupported .npy format version ${major}.${minor}`, {
      file,
      expected: 'format version 1.0, 2.0 or 3.0',
    });
  }
  const version = major as 1 | 2 | 3;
  const lengthBytes = version === 1 ? 2 : 4;
  const start = 8 + lengthBytes;
  if (bytes.length < start) {
    throw new DatasetError('npyTruncated', `file ends after ${bytes.length} bytes, inside the header length field; the file is truncated`, {
      file,
      expected: `${start} bytes of preamble`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = version === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const end = start + headerLength;
  if (bytes.length < end) {
    throw new DatasetError(
      'npyTruncated',
      `header length field says ${headerLength} bytes but only ${bytes.length - start} follow; the file is truncated`,
      { file, expected: 'a complete .npy header' },
    );
  }
  const text = decodeHeaderText(bytes.subarray(start, end), version, file);
  const dict = parseHeaderDict(text, file);
  return { version, ...validateHeader(dict, file), dataOffset: end };
}

function badMagic(bytes: Uint8Array, file: string): DatasetError {
  // A .npz is a zip of .npy files; saying so saves the researcher a trip to the docs.
  const zip = bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  const shown = Array.from(bytes.subarray(0, 6), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
  const detail = zip
    ? `not a NumPy .npy file: it is a zip archive (a .npz?); extract the arrays with numpy.load(...)[name] and np.save them`
    : `not a NumPy .npy file: it starts with "${shown}"`;
  return new DatasetError('npyBadMagic', detail, { file, expected: 'the magic string \\x93NUMPY at the start' });
}

function decodeHeaderText(raw: Uint8Array, version: 1 | 2 | 3, file: string): string {
  if (version === 3) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw new DatasetError('npyBadHeader', 'header is not valid UTF-8', { file, expected: 'a UTF-8 header (format 3.0)' });
    }
  }
  // Formats 1.0 and 2.0 are latin-1 (numpy.lib.format._read_array_header decodes 'latin1'). TextDecoder('latin1')
  // would be windows-1252, which differs in 0x80–0x9F, so decode by code point.
  let text = '';
  for (let i = 0; i < raw.length; i++) text += String.fromCharCode(raw[i]);
  return text;
}

function validateHeader(dict: ReadonlyMap<string, PyLiteral>, file: string): Omit<NpyHeader, 'version' | 'dataOffset'> {
  const expected = "a dict with exactly the keys 'descr', 'fortran_order' and 'shape'";
  for (const key of dict.keys()) {
    if (key !== 'descr' && key !== 'fortran_order' && key !== 'shape') {
      throw new DatasetError('npyBadHeader', `header has an unexpected key '${key}'`, { file, expected });
    }
  }
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (descr === undefined || fortran === undefined || shape === undefined) {
    const missing = ['descr', 'fortran_order', 'shape'].filter((k) => !dict.has(k)).join("', '");
    throw new DatasetError('npyBadHeader', `header lacks '${missing}'`, { file, expected });
  }
  if (fortran.kind !== 'bool') {
    throw new DatasetError('npyBadHeader', `header 'fortran_order' is ${describeLiteral(fortran)}`, { file, expected: 'True or False' });
  }
  if (shape.kind !== 'tuple') {
    throw new DatasetError('npyBadHeader', `header 'shape' is ${describeLiteral(shape)}`, { file, expected: 'a tuple of non-negative integers' });
  }
  const dims: number[] = [];
  for (const item of shape.items) {
    if (item.kind !== 'int' || item.value < 0 || !Number.isSafeInteger(item.value)) {
      throw new DatasetError('npyBadHeader', `header 'shape' has ${describeLiteral(item)}`, { file, expected: 'a tuple of non-negative integers' });
    }
    dims.push(item.value);
  }
  if (descr.kind === 'list') {
    // A list descr is a structured (record) dtype: numpy.lib.format.descr_to_dtype.
    throw new DatasetError('npyUnsupportedDtype', `structured (record) dtype ${literalText(descr)} is not supported`, {
      file,
      expected: `${SUPPORTED_DTYPES}; save the fields as separate columns of one numeric array`,
    });
  }
  if (descr.kind !== 'str') {
    throw new DatasetError('npyBadHeader', `header 'descr' is ${describeLiteral(descr)}`, { file, expected: 'a dtype string such as "<f4"' });
  }
  return { descr: descr.value, fortranOrder: fortran.value, shape: dims };
}

function parseDtype(descr: string, file: string): DtypeInfo {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (m) {
    const kind = m[2] as DtypeInfo['kind'];
    const size = Number(m[3]);
    const ok =
      (kind === 'f' && (size === 2 || size === 4 || size === 8)) ||
      ((kind === 'i' || kind === 'u') && (size === 1 || size === 2 || size === 4 || size === 8)) ||
      (kind === 'b' && size === 1);
    if (ok) {
      // '|' (not applicable) and '=' (native) both mean the writer's host order; every NumPy platform in use is
      // little-endian, and for one-byte types the order is irrelevant.
      const littleEndian = m[1] === '<' || ((m[1] === '|' || m[1] === '=') && HOST_LITTLE_ENDIAN);
      return { kind, size: size as DtypeInfo['size'], littleEndian };
    }
  }
  throw new DatasetError('npyUnsupportedDtype', `dtype '${descr}' (${dtypeName(descr)}) is not supported`, {
    file,
    expected: SUPPORTED_DTYPES,
  });
}

/** Human name of a dtype we do not read, for the error message. */
function dtypeName(descr: string): string {
  const m = /^[<>|=]?([a-zA-Z])(\d*)/.exec(descr);
  switch (m?.[1]) {
    case 'O':
      return 'Python objects';
    case 'U':
      return 'unicode strings';
    case 'S':
    case 'a':
      return 'byte strings';
    case 'V':
      return 'raw bytes / void';
    case 'M':
      return 'datetime64';
    case 'm':
      return 'timedelta64';
    case 'c':
      return 'complex numbers';
    case 'f':
      return `${Number(m[2]) * 8}-bit floats`;
    case 'i':
    case 'u':
    case 'b':
      return `${Number(m[2]) * 8}-bit ${m[1] === 'b' ? 'booleans' : 'integers'}`;
    default:
      return 'unrecognised dtype';
  }
}

function elementCount(shape: readonly number[], file: string): number {
  let n = 1;
  for (const d of shape) n *= d;
  if (!Number.isSafeInteger(n)) {
    throw new DatasetError('npyBadHeader', `shape ${formatShape(shape)} has more elements than can be addressed`, {
      file,
      expected: 'a shape whose product fits in the file',
    });
  }
  return n;
}

type TypedCtor = { new (length: number): NpyData; new (buffer: ArrayBufferLike, byteOffset: number, length: number): NpyData };

function ctorFor(dtype: DtypeInfo): TypedCtor {
  switch (dtype.kind) {
    case 'f':
      return (dtype.size === 8 ? Float64Array : Float32Array) as unknown as TypedCtor;
    case 'b':
      return Uint8Array as unknown as TypedCtor;
    case 'i':
      return ({ 1: Int8Array, 2: Int16Array, 4: Int32Array, 8: BigInt64Array } as const)[dtype.size] as unknown as TypedCtor;
    case 'u':
      return ({ 1: Uint8Array, 2: Uint16Array, 4: Uint32Array, 8: BigUint64Array } as const)[dtype.size] as unknown as TypedCtor;
  }
}

/** File-order elements → typed array in host byte order, without a copy when the bytes can be viewed in place. */
function decodeData(bytes: Uint8Array, offset: number, count: number, dtype: DtypeInfo): NpyData {
  const size = dtype.size;
  if (dtype.kind === 'f' && size === 2) return decodeHalf(bytes, offset, count, dtype.littleEndian);
  const Ctor = ctorFor(dtype);
  const swap = size > 1 && dtype.littleEndian !== HOST_LITTLE_ENDIAN;
  let data: NpyData;
  if (!swap && (bytes.byteOffset + offset) % size === 0) {
    // Typed-array views need byteOffset % BYTES_PER_ELEMENT === 0. The writer aligns data to 64 bytes, so files
    // from NumPy take this path; a Buffer from a pool or a 16-aligned file may not.
    data = new Ctor(bytes.buffer, bytes.byteOffset + offset, count);
  } else {
    data = new Ctor(count);
    const raw = new Uint8Array(data.buffer, 0, count * size);
    raw.set(bytes.subarray(offset, offset + count * size));
    if (swap) {
      // Buffer.swap16/32/64 reverse bytes in place natively: far faster than DataView per element.
      const view = Buffer.from(data.buffer, 0, count * size);
      if (size === 2) view.swap16();
      else if (size === 4) view.swap32();
      else view.swap64();
    }
  }
  if (dtype.kind === 'b') data = normaliseBool(data as Uint8Array);
  return data;
}

/** NumPy reads any non-zero byte of a b1 array as True; give consumers exactly 0/1, copying only when needed. */
function normaliseBool(data: Uint8Array): Uint8Array {
  if (data.every((v) => v <= 1)) return data;
  return data.map((v) => (v === 0 ? 0 : 1));
}

/** IEEE 754 binary16 → Float32Array (every half value is exact in float32). */
function decodeHalf(bytes: Uint8Array, offset: number, count: number, littleEndian: boolean): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 2);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = halfToNumber(view.getUint16(i * 2, littleEndian));
  return out;
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24; // subnormal (and ±0)
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Column-major elements → row-major, for any rank. */
function fortranToC(src: NpyData, shape: readonly number[]): NpyData {
  const n = src.length;
  const dst = new (src.constructor as TypedCtor)(n);
  const s = src as ArrayLike<number | bigint> as unknown as number[];
  const d = dst as unknown as number[];
  if (shape.length === 2) {
    const [rows, cols] = shape;
    for (let j = 0; j < cols; j++) {
      const base = j * rows;
      for (let i = 0; i < rows; i++) d[i * cols + j] = s[base + i];
    }
    return dst;
  }
  // General rank: walk C order with an odometer over the index, tracking the Fortran offset
  // (Fortran stride of axis k = product of the sizes of axes 0..k−1).
  const rank = shape.length;
  const fStride: number[] = new Array<number>(rank);
  let acc = 1;
  for (let k = 0; k < rank; k++) {
    fStride[k] = acc;
    acc *= shape[k];
  }
  const index = new Array<number>(rank).fill(0);
  let f = 0;
  for (let c = 0; c < n; c++) {
    d[c] = s[f];
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      f += fStride[k];
      if (index[k] < shape[k]) break;
      f -= fStride[k] * shape[k];
      index[k] = 0;
    }
  }
  return dst;
}

/** True for int64/uint64 data, whose elements are bigint. */
export function isBigIntData(data: NpyData): data is BigInt64Array | BigUint64Array {
  return data instanceof BigInt64Array || data instanceof BigUint64Array;
}

/**
 * All elements as numbers, C order. Exact for every supported dtype except int64/uint64 values beyond ±(2^53 − 1),
 * which a double cannot hold: those throw `npyUnsafeInteger` rather than come back rounded.
 */
export function npyToNumbers(array: NpyArray, file: string): Float64Array {
  const data = array.data;
  if (!isBigIntData(data)) return Float64Array.from(data);
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v > MAX_SAFE_BIG || v < -MAX_SAFE_BIG) {
      throw new DatasetError('npyUnsafeInteger', `element ${i} is ${v}, beyond ±2^53 and not exactly representable as a number`, {
        file,
        expected: `${array.dtype} values within ±${Number.MAX_SAFE_INTEGER}`,
      });
    }
    out[i] = Number(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Header dict parser: the subset of Python literal syntax that numpy.lib.format writes (str, int, bool, None,
// tuple, list, dict). numpy itself uses ast.literal_eval for the same reason: no code runs.

type PyLiteral =
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'none' }
  | { readonly kind: 'tuple' | 'list'; readonly items: readonly PyLiteral[] }
  | { readonly kind: 'dict'; readonly entries: ReadonlyMap<string, PyLiteral> };

class HeaderSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

function parseHeaderDict(text: string, file: string): ReadonlyMap<string, PyLiteral> {
  const parser = new LiteralParser(text);
  let value: PyLiteral;
  try {
    value = parser.parseDocument();
  } catch (err) {
    if (!(err instanceof HeaderSyntaxError)) throw err;
    const excerpt = text.trim().slice(0, 80);
    throw new DatasetError('npyBadHeader', `header is not a valid Python dict literal: ${err.message} at character ${err.at} of "${excerpt}"`, {
      file,
      expected: "{'descr': ..., 'fortran_order': ..., 'shape': (...)}",
    });
  }
  if (value.kind !== 'dict') {
    throw new DatasetError('npyBadHeader', `header is ${describeLiteral(value)}, not a dict`, {
      file,
      expected: "{'descr': ..., 'fortran_order': ..., 'shape': (...)}",
    });
  }
  return value.entries;
}

class LiteralParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parseDocument(): PyLiteral {
    const value = this.parseValue();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected "${this.text[this.pos]}" after the dict`);
    return value;
  }

  private parseValue(): PyLiteral {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('unexpected end of header');
    if (c === '{' || c === '(' || c === '[') {
      // Headers are a few hundred bytes; a deep nest is an attack or garbage, not a dtype.
      if (++this.depth > 32) this.fail('nesting too deep');
      const value = c === '{' ? this.parseDict() : this.parseSequence(c === '(' ? ')' : ']');
      this.depth--;
      return value;
    }
    if (c === "'" || c === '"') return { kind: 'str', value: this.parseString() };
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return this.parseInt();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))?.[0];
    if (word === 'True' || word === 'False') {
      this.pos += word.length;
      return { kind: 'bool', value: word === 'True' };
    }
    if (word === 'None') {
      this.pos += 4;
      return { kind: 'none' };
    }
    return this.fail(word ? `unexpected name "${word}"` : `unexpected "${c}"`);
  }

  private parseDict(): PyLiteral {
    this.pos++; // '{'
    const entries = new Map<string, PyLiteral>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return { kind: 'dict', entries };
      }
      const keyAt = this.pos;
      const key = this.parseValue();
      if (key.kind !== 'str') this.fail('dict keys must be strings', keyAt);
      if (entries.has(key.value)) this.fail(`duplicate key '${key.value}'`, keyAt);
      this.skipSpace();
      this.expect(':');
      entries.set(key.value, this.parseValue());
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail('expected "," or "}"');
    }
  }

  private parseSequence(close: ')' | ']'): PyLiteral {
    this.pos++; // '(' or '['
    const items: PyLiteral[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        // In Python `(5)` is the int 5 and `(5,)` the 1-tuple: the comma makes the tuple.
        if (close === ')' && items.length === 1 && !sawComma) return items[0];
        return { kind: close === ')' ? 'tuple' : 'list', items };
      }
      items.push(this.parseValue());
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        sawComma = true;
      } else if (this.text[this.pos] !== close) {
        this.fail(`expected "," or "${close}"`);
      }
    }
  }

  private parseString(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === 'x' || e === 'u') {
        const len = e === 'x' ? 2 : 4;
        const hex = this.text.slice(this.pos, this.pos + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail('bad escape in string');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += len;
      } else this.fail('bad escape in string');
    }
  }

  private parseInt(): PyLiteral {
    // Python 2 wrote long shapes as `10L`; numpy.lib.format._filter_header strips the L, so accept it.
    const m = /^[-+]?\d+[lL]?/.exec(this.text.slice(this.pos));
    if (!m) return this.fail('malformed number');
    const digits = m[0].replace(/[lL]$/, '');
    if (/^[-+]?\d+[.eEjJ]/.test(this.text.slice(this.pos))) this.fail('only integers are allowed in the header');
    this.pos += m[0].length;
    return { kind: 'int', value: Number(digits) };
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) this.fail(`expected "${c}"`);
    this.pos++;
  }

  private fail(message: string, at = this.pos): never {
    throw new HeaderSyntaxError(message, at);
  }
}

function describeLiteral(v: PyLiteral): string {
  switch (v.kind) {
    case 'str':
      return `the string '${v.value}'`;
    case 'int':
      return `the integer ${v.value}`;
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
    case 'list':
      return `a ${v.kind} ${literalText(v)}`;
    case 'dict':
      return 'a dict';
  }
}

function literalText(v: PyLiteral): string {
  switch (v.kind) {
    case 'str':
      return `'${v.value}'`;
    case 'int':
      return String(v.value);
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return v.items.length === 1 ? `(${literalText(v.items[0])},)` : `(${v.items.map(literalText).join(', ')})`;
    case 'list':
      return `[${v.items.map(literalText).join(', ')}]`;
    case 'dict':
      return `{${[...v.entries].map(([k, x]) => `'${k}': ${literalText(x)}`).join(', ')}}`;
  }
}

/** Python's repr of a shape tuple: `()`, `(5,)`, `(3, 2)` — the way researchers see it in NumPy. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/** Serialise an array as `.npy` bytes (NEP 1), laid out exactly as numpy.save would lay it out. */
export function encodeNpy(array: NpyWritable, options: NpyWriteOptions = {}): Uint8Array {
  const { shape, data } = array;
  if (!/^(<[fiub]|>[fiu]|\|[iub])\d$/.test(array.dtype) || !WRITABLE.has(array.dtype.slice(1))) {
    throw new RangeError(`encodeNpy: unsupported dtype '${array.dtype}'`);
  }
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`encodeNpy: shape ${formatShape(shape)} must hold non-negative integers`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new RangeError(`encodeNpy: shape ${formatShape(shape)} needs ${count} values, got ${data.length}`);
  }
  const type = array.dtype.slice(1) as NumericType;
  const size = Number(type.slice(1)) as 1 | 2 | 4 | 8;
  const kind = type[0] as DtypeInfo['kind'];
  const order = size === 1 ? '|' : options.bigEndian ? '>' : array.dtype[0] === '>' ? '>' : '<';
  const descr = `${order}${type}`;
  const littleEndian = order !== '>';
  const fortran = options.fortranOrder === true;

  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${formatShape(shape)}, }`;
  let version = options.version ?? 1;
  // numpy.lib.format._wrap_header: fall back to 2.0 when the header length does not fit a u16.
  if (options.version === undefined && dict.length + 1 + 10 > 0xffff) version = 2;
  const preamble = version === 1 ? 10 : 12;
  const padded = Math.ceil((preamble + dict.length + 1) / ARRAY_ALIGN) * ARRAY_ALIGN;
  const headerLength = padded - preamble;
  if (version === 1 && headerLength > 0xffff) throw new RangeError('encodeNpy: header too long for format 1.0; use version 2');
  const out = new Uint8Array(padded + count * size);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i); // ASCII: valid latin-1 and UTF-8

  const put = writerFor(kind, size, descr, view, littleEndian);
  const get = (i: number): number | bigint => data[i];
  if (fortran && shape.length > 1) {
    // File element k is C element cIndex(k): enumerate the Fortran order with an odometer on the first axis.
    const rank = shape.length;
    const cStride: number[] = new Array<number>(rank);
    let acc = 1;
    for (let k = rank - 1; k >= 0; k--) {
      cStride[k] = acc;
      acc *= shape[k];
    }
    const index = new Array<number>(rank).fill(0);
    let c = 0;
    for (let f = 0; f < count; f++) {
      put(padded + f * size, get(c), c);
      for (let k = 0; k < rank; k++) {
        index[k]++;
        c += cStride[k];
        if (index[k] < shape[k]) break;
        c -= cStride[k] * shape[k];
        index[k] = 0;
      }
    }
  } else {
    for (let i = 0; i < count; i++) put(padded + i * size, get(i), i);
  }
  return out;
}

/** Write an array as a `.npy` file (for fixtures, tests and `predict` output). */
export async function writeNpy(file: string, array: NpyWritable, options: NpyWriteOptions = {}): Promise<void> {
  await fs.writeFile(file, encodeNpy(array, options));
}

type Put = (offset: number, value: number | bigint, index: number) => void;

function writerFor(kind: DtypeInfo['kind'], size: number, descr: string, view: DataView, le: boolean): Put {
  const int = (lo: number, hi: number, set: (o: number, v: number) => void): Put => (o, value, index) => {
    const v = Number(value);
    // Refuse rather than wrap: DataView.setInt8(200) would silently store -56.
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`encodeNpy: element ${index} = ${value} does not fit ${descr}`);
    set(o, v);
  };
  const big = (lo: bigint, hi: bigint, set: (o: number, v: bigint) => void): Put => (o, value, index) => {
    if (typeof value === 'number' && !Number.isInteger(value)) throw new RangeError(`encodeNpy: element ${index} = ${value} does not fit ${descr}`);
    const v = BigInt(value);
    if (v < lo || v > hi) throw new RangeError(`encodeNpy: element ${index} = ${value} does not fit ${descr}`);
    set(o, v);
  };
  switch (`${kind}${size}`) {
    case 'f2':
      return (o, v) => view.setUint16(o, numberToHalf(Number(v)), le);
    case 'f4':
      return (o, v) => view.setFloat32(o, Number(v), le);
    case 'f8':
      return (o, v) => view.setFloat64(o, Number(v), le);
    case 'b1':
      return (o, v) => view.setUint8(o, Number(v) !== 0 ? 1 : 0);
    case 'i1':
      return int(-0x80, 0x7f, (o, v) => view.setInt8(o, v));
    case 'i2':
      return int(-0x8000, 0x7fff, (o, v) => view.setInt16(o, v, le));
    case 'i4':
      return int(-0x80000000, 0x7fffffff, (o, v) => view.setInt32(o, v, le));
    case 'u1':
      return int(0, 0xff, (o, v) => view.setUint8(o, v));
    case 'u2':
      return int(0, 0xffff, (o, v) => view.setUint16(o, v, le));
    case 'u4':
      return int(0, 0xffffffff, (o, v) => view.setUint32(o, v, le));
    case 'i8':
      return big(-(2n ** 63n), 2n ** 63n - 1n, (o, v) => view.setBigInt64(o, v, le));
    case 'u8':
      return big(0n, 2n ** 64n - 1n, (o, v) => view.setBigUint64(o, v, le));
    default:
      throw new RangeError(`encodeNpy: unsupported dtype '${descr}'`);
  }
}

/**
 * number → IEEE 754 binary16 bits, round to nearest, ties to even, computed from the double directly (going through
 * float32 first would round twice and can be off by one ulp).
 */
function numberToHalf(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  // 65520 is halfway between the largest half (65504) and 2^16; ties-to-even rounds it up to infinity.
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundHalfEven(a / 2 ** -24); // subnormal; 1024 carries into the min normal
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  let m = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  return sign | ((e + 15) << 10) | m;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

// ---------------------------------------------------------------------------------------------------------------
// X/y pairing

/**
 * The convention of the Kryptonite release and many benchmarks: `NAME-X.npy` holds the features and `NAME-y.npy`
 * the labels. Separator `-` or `_`, letters in either case. Opening either half finds the other in the same folder;
 * a y whose X is missing throws `pairMissing`; a name without the suffix (or an X without a y) has `y: null`.
 */
export async function findNpyPair(file: string): Promise<NpyPair> {
  await statFile(file);
  const base = path.basename(file);
  const m = PAIR_NAME.exec(base);
  if (!m) return { x: file, y: null };
  const [, stem, sep, letter] = m;
  const isY = letter.toLowerCase() === 'y';
  const dir = path.dirname(file);
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (err) {
    throw fileError(err, dir);
  }
  const want = isY ? 'x' : 'y';
  // Preference when several match: the same separator, then the usual capitalisation (X upper, y lower), then name.
  const rank = (name: string): number => {
    const p = PAIR_NAME.exec(name);
    if (!p) return -1;
    return (p[2] === sep ? 0 : 2) + (p[3] === (want === 'x' ? 'X' : 'y') ? 0 : 1);
  };
  const candidates = entries
    .filter((name) => {
      const p = PAIR_NAME.exec(name);
      return p !== null && p[1] === stem && p[3].toLowerCase() === want && name !== base;
    })
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  let partner: string | null = null;
  for (const name of candidates) {
    const full = path.join(dir, name);
    const st = await fs.stat(full).catch(() => null);
    if (st?.isFile()) {
      partner = full;
      break;
    }
  }
  if (!isY) return { x: file, y: partner };
  if (partner === null) {
    throw new DatasetError('pairMissing', `this is the label half of an X/y pair, but ${stem}${sep}X.npy is not in the same folder`, {
      file,
      expected: `the features in ${stem}-X.npy or ${stem}_X.npy beside it`,
    });
  }
  return { x: partner, y: file };
}

async function statFile(file: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await fs.stat(file)).isFile();
  } catch (err) {
    throw fileError(err, file);
  }
  if (!isFile) throw new DatasetError('notAFile', 'is not a file', { file, expected: 'a .npy file' });
}

function fileError(err: unknown, file: string): DatasetError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new DatasetError('fileNotFound', 'file not found', { file });
  if (code === 'EISDIR') return new DatasetError('notAFile', 'is a folder, not a file', { file, expected: 'a .npy file' });
  return new DatasetError('readFailed', `cannot read: ${err instanceof Error ? err.message : String(err)}`, { file });
}

// ---------------------------------------------------------------------------------------------------------------
// Dataset loading

/**
 * Load an X/y pair or a single `.npy` as a Dataset. X is 2-D (rows × features) or 1-D (one feature), named x1…xN;
 * y is 1-D or (n, 1) and becomes the label "y". With no y, `options.label` (an index or a name x1…xN) takes a
 * column of X as the label.
 */
export async function loadNpyDataset(file: string, options: LoadOptions = {}): Promise<Dataset> {
  options.signal?.throwIfAborted();
  const pair = await findNpyPair(file);
  const spec: LabelSpec = options.label === '' ? undefined : options.label;
  const specIsY = typeof spec === 'string' && spec.trim().toLowerCase() === 'y';
  const yFile = pair.y !== null && (options.detectLabel !== false || specIsY) ? pair.y : null;
  const [x, y] = await Promise.all([readNpy(pair.x), yFile === null ? null : readNpy(yFile)]);
  options.signal?.throwIfAborted();

  const warnings: DatasetWarning[] = [];
  const { rows, cols } = tableShape(x, pair.x);
  if (y !== null && yFile !== null) checkLabelShape(y, yFile, rows, pair.x, file);
  const allNames = Array.from({ length: cols }, (_, i) => `x${i + 1}`);

  let labelColumn = -1;
  let build: LabelBuild | null = null;
  if (y !== null && yFile !== null) {
    if (spec !== undefined && !specIsY) {
      warnings.push(
        makeWarning('labelOptionIgnored', `label option "${spec}" ignored: the label is the y file ${path.basename(yFile)}`, {
          file,
          expected: 'no label option (or "y") for an X/y pair',
        }),
      );
    }
    build = labelFromArray('y', null, y.data, yFile, options.task);
  } else if (spec !== undefined) {
    labelColumn = resolveLabelColumn(allNames, spec, pair.x);
    if (cols === 1) {
      throw new DatasetError('noNumericColumns', `the label ${allNames[labelColumn]} is the only column, leaving no features`, {
        file: pair.x,
        expected: 'at least one feature column besides the label',
      });
    }
    build = labelFromArray(allNames[labelColumn], labelColumn, extractColumn(x.data, rows, cols, labelColumn), pair.x, options.task);
  } else if (options.detectLabel !== false) {
    const hint = PAIR_NAME.test(path.basename(pair.x))
      ? 'no y file beside it'
      : `no label file (save labels as NAME-y.npy beside NAME-X.npy) and no label column index given`;
    warnings.push(makeWarning('unlabelled', `${hint}; analysed without a label`, { file: pair.x }));
  }

  const features = featureColumns(x, rows, cols, labelColumn, allNames, pair.x);
  warnings.push(...features.warnings);
  if (build !== null) warnings.push(...build.warnings);
  options.signal?.throwIfAborted();
  const raw: RawColumn[] = features.names.map((name, j) => ({
    index: allNames.indexOf(name),
    name,
    numbers: features.columns[j],
    text: null,
    empty: 0,
    nonFinite: features.missing[j],
    padded: 0,
    firstMissingRow: 0,
    firstText: null,
  }));
  const typed = typeColumns(raw, rows, pair.x, { overrides: options.columnTypes, labelName: labelColumn >= 0 ? allNames[labelColumn] : y !== null ? 'y' : undefined });
  warnings.push(...typed.warnings);
  const label = build?.label ?? null;
  const info = [...typed.info];
  if (label && labelColumn >= 0) {
    info.splice(labelColumn, 0, {
      index: labelColumn,
      name: allNames[labelColumn],
      type: label.task === 'regression' ? 'numeric' : label.classes.length <= 2 ? 'binary' : 'categorical',
      evidence: `the label: ${label.task} (${label.taskEvidence})`,
      overridden: false,
      role: 'label',
      reason: null,
      missing: label.missing,
      markers: [],
    });
  }
  const excluded = info.filter((c) => c.role === 'excluded').map((c) => ({ index: c.index, name: c.name, reason: c.reason ?? c.type }));
  if (typed.features.length === 0) {
    throw new DatasetError('noNumericColumns', `no feature columns (excluded: ${excluded.map((e) => `${e.name} (${e.reason})`).join(', ')})`, {
      file: pair.x,
      expected: 'at least one feature column that is not an identifier',
    });
  }

  return {
    path: file,
    files: yFile === null ? [pair.x] : [pair.x, yFile],
    format: 'npy',
    rows,
    ...featureFields(typed.features),
    label,
    columnInfo: info,
    warnings,
    source: { bytes: x.bytes + (y?.bytes ?? 0), parser: 'npy', excludedColumns: excluded },
  };
}

function tableShape(x: NpyArray, file: string): { rows: number; cols: number } {
  const shape = x.shape;
  if (shape.length === 0 || shape.length > 2) {
    const what = shape.length === 0 ? 'a 0-D (scalar) array' : `a ${shape.length}-D array of shape ${formatShape(shape)}`;
    throw new DatasetError('npyUnsupportedShape', `${what} cannot be read as a table`, {
      file,
      expected: shape.length === 0 ? TABLE_SHAPE : `${TABLE_SHAPE}; flatten with X.reshape(len(X), -1)`,
    });
  }
  const rows = shape[0];
  const cols = shape.length === 1 ? 1 : shape[1];
  if (rows === 0) throw new DatasetError('noRows', `array of shape ${formatShape(shape)} has no rows`, { file, expected: 'at least one row' });
  if (cols === 0) {
    throw new DatasetError('noNumericColumns', `array of shape ${formatShape(shape)} has no columns`, { file, expected: 'at least one feature column' });
  }
  return { rows, cols };
}

function checkLabelShape(y: NpyArray, yFile: string, xRows: number, xFile: string, opened: string): void {
  const shape = y.shape;
  const ok = shape.length === 1 || (shape.length === 2 && shape[1] === 1);
  if (!ok) {
    const what = shape.length === 2 ? `${shape[1]} columns (shape ${formatShape(shape)})` : `shape ${formatShape(shape)}`;
    throw new DatasetError('npyUnsupportedShape', `the labels have ${what}`, {
      file: yFile,
      expected: 'one label per row: shape (n,) or (n, 1)',
    });
  }
  if (shape[0] !== xRows) {
    throw new DatasetError(
      'pairRowMismatch',
      `${path.basename(xFile)} has ${xRows} rows but ${path.basename(yFile)} has ${shape[0]} labels`,
      { file: opened, expected: 'one label per row of X: the same first dimension in both files' },
    );
  }
}

function extractColumn(data: NpyData, rows: number, cols: number, column: number): NpyData {
  const out = new (data.constructor as TypedCtor)(rows);
  const s = data as unknown as number[];
  const d = out as unknown as number[];
  for (let r = 0; r < rows; r++) d[r] = s[r * cols + column];
  return out;
}

/**
 * Label from numeric values. int64/uint64 labels beyond ±2^53 would collide or print wrongly as doubles, so they
 * are ranked as BigInt and the class names keep the exact decimal text.
 */
function labelFromArray(name: string, sourceColumn: number | null, data: NpyData, file: string, task?: LabelTask): LabelBuild {
  if (!isBigIntData(data)) return labelFromNumbers(name, sourceColumn, data, file, task);
  let safe = true;
  for (let i = 0; i < data.length && safe; i++) safe = data[i] <= MAX_SAFE_BIG && data[i] >= -MAX_SAFE_BIG;
  if (safe) return labelFromNumbers(name, sourceColumn, Float64Array.from(data, Number), file, task);
  const distinct = [...new Set<bigint>(data)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Huge integers with many distinct values are a quantity (or keys); as doubles they are close enough for a target.
  if (task === 'regression' || (task === undefined && distinct.length > MAX_INTEGER_CLASSES)) {
    return labelFromNumbers(name, sourceColumn, Float64Array.from(data, Number), file, 'regression');
  }
  const rank = new Map<bigint, number>(distinct.map((v, i) => [v, i]));
  // Ranks are 0…k−1 in numeric order, so labelFromNumbers maps rank i to class i.
  const build = labelFromNumbers(name, sourceColumn, Float64Array.from(data, (v) => rank.get(v) ?? NaN), file, distinct.length <= 2 ? task : (task ?? 'multiclass'));
  if (build.label === null) return build;
  const classes = distinct.map(String);
  const warnings = build.warnings.map((w) =>
    w.code === 'labelSingleClass'
      ? makeWarning('labelSingleClass', `label has a single class "${classes[0]}"; label-aware statistics are not meaningful`, {
          file,
          column: name,
          expected: 'at least two classes',
        })
      : w,
  );
  return { label: { ...build.label, classes }, warnings };
}

interface FeatureBuild {
  readonly names: string[];
  readonly columns: Float32Array[];
  readonly missing: number[];
  readonly warnings: DatasetWarning[];
}

/**
 * C-order X → one Float32Array per feature. NaN and ±Inf become NaN (missing). Float32 holds integers exactly only
 * up to 2^24 and finite values only up to ~3.4e38, so integers that round and finite doubles that overflow are
 * counted and reported once rather than changed silently.
 */
function featureColumns(x: NpyArray, rows: number, cols: number, skip: number, allNames: readonly string[], file: string): FeatureBuild {
  const names: string[] = [];
  const columns: Float32Array[] = [];
  const missing: number[] = [];
  const integerType = /^[<>|=][iu]/.test(x.dtype);
  const nonFinite: number[] = [];
  let rounded = 0;
  let overflow = 0;
  let example = '';
  const data = x.data;
  for (let c = 0; c < cols; c++) {
    if (c === skip) continue;
    const col = new Float32Array(rows);
    let miss = 0;
    let over = 0;
    if (isBigIntData(data)) {
      for (let r = 0; r < rows; r++) {
        const big = data[r * cols + c];
        const n = Number(big);
        col[r] = n;
        const s = col[r];
        if (s !== n || ((n > Number.MAX_SAFE_INTEGER || n < -Number.MAX_SAFE_INTEGER) && BigInt(s) !== big)) {
          if (rounded++ === 0) example = `${big} → ${s}`;
        }
      }
    } else {
      const src = data as ArrayLike<number>;
      for (let r = 0; r < rows; r++) {
        const v = src[r * cols + c];
        col[r] = v;
        const s = col[r];
        // s − s is 0 for every finite s and NaN for NaN and ±Inf: one test for "not finite".
        if (s - s !== 0) {
          col[r] = NaN;
          miss++;
          if (v - v === 0 && over++ === 0 && overflow === 0 && rounded === 0) example = `${v} → missing`;
        } else if (integerType && s !== v) {
          if (rounded++ === 0) example = `${v} → ${s}`;
        }
      }
    }
    names.push(allNames[c]);
    columns.push(col);
    missing.push(miss);
    nonFinite.push(miss - over);
    overflow += over;
  }

  const warnings: DatasetWarning[] = [];
  const nonFiniteTotal = nonFinite.reduce((a, b) => a + b, 0);
  if (nonFiniteTotal > 0) {
    const per = names
      .map((n, i) => [n, nonFinite[i]] as const)
      .filter(([, m]) => m > 0)
      .map(([n, m]) => `${n}: ${m}`);
    const shown = per.length > 8 ? `${per.slice(0, 8).join(', ')}, …` : per.join(', ');
    warnings.push(
      makeWarning('nonFiniteValues', `${nonFiniteTotal} NaN/±Inf value(s) in ${per.length} feature(s) (${shown}) are treated as missing`, {
        file,
        count: nonFiniteTotal,
      }),
    );
  }
  if (rounded + overflow > 0) {
    const parts: string[] = [];
    if (rounded > 0) parts.push(`${rounded} integer value(s) are not exact in float32 and were rounded`);
    if (overflow > 0) parts.push(`${overflow} finite value(s) beyond the float32 range (±3.4e38) are treated as missing`);
    warnings.push(
      makeWarning('precisionLoss', `${parts.join('; ')} (e.g. ${example})`, {
        file,
        count: rounded + overflow,
        expected: 'features that fit float32: |integers| ≤ 2^24, |values| ≤ 3.4e38',
      }),
    );
  }
  return { names, columns, missing, warnings };
}

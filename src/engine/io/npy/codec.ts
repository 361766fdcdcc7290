/**
 * Reading NumPy `.npy` files: the data after the header (header.ts) decoded into a typed array in C order and host
 * byte order, viewed in place when byte order and alignment allow.
 */
import { promises as fs } from 'node:fs';

import { DatasetError } from '../../errors';
import { elementCount, formatShape, HOST_LITTLE_ENDIAN, parseDtype, parseNpyHeader } from './header';
import type { DtypeInfo } from './header';

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

export const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

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

export function fileError(err: unknown, file: string): DatasetError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new DatasetError('fileNotFound', 'file not found', { file });
  if (code === 'EISDIR') return new DatasetError('notAFile', 'is a folder, not a file', { file, expected: 'a .npy file' });
  return new DatasetError('readFailed', `cannot read: ${err instanceof Error ? err.message : String(err)}`, { file });
}

export type TypedCtor = { new (length: number): NpyData; new (buffer: ArrayBufferLike, byteOffset: number, length: number): NpyData };

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

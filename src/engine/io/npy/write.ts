/** Writing NumPy `.npy` files, laid out byte for byte as numpy.save lays them out. */
import { promises as fs } from 'node:fs';

import { formatShape, MAGIC } from './header';
import type { DtypeInfo, NpyDescr, NumericType } from './header';

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

/** numpy.lib.format.ARRAY_ALIGN: the writer pads the header so the data starts on a multiple of this. */
const ARRAY_ALIGN = 64;
const WRITABLE = new Set(['f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1']);

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

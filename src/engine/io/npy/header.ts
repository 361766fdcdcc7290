/**
 * The NumPy `.npy` header: magic, version, header length and the header dict, validated as numpy.lib.format does,
 * and the dtypes read and written.
 *
 * The format is NEP 1 ("A simple file format for NumPy arrays") as implemented by `numpy.lib.format`:
 *
 *   magic `\x93NUMPY` · major · minor · header length (u16 LE for 1.0, u32 LE for 2.0 and 3.0) · header · data
 *
 * The header is the `repr` of a Python dict with exactly the keys `descr`, `fortran_order` and `shape`, padded with
 * spaces and ended by `\n` so that the data starts on a 64-byte boundary (numpy.lib.format.ARRAY_ALIGN; files from
 * NumPy < 1.9 align to 16). Version 3.0 differs from 2.0 only in that the header is UTF-8 instead of latin-1.
 * The header is parsed by the small literal parser in pyLiteral.ts, never evaluated: a `.npy` file is untrusted input.
 */
import { DatasetError } from '../../errors';
import { describeLiteral, literalText, parseHeaderDict } from './pyLiteral';
import type { PyLiteral } from './pyLiteral';

export interface NpyHeader {
  readonly version: 1 | 2 | 3;
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset where the data starts. */
  readonly dataOffset: number;
}

export type NumericType = 'f2' | 'f4' | 'f8' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';
type MultiByteType = Exclude<NumericType, 'i1' | 'u1' | 'b1'>;

/** A dtype the writer accepts; `|` is NumPy's "byte order not applicable" for one-byte types. */
export type NpyDescr = `<${NumericType}` | `>${MultiByteType}` | `|${'i1' | 'u1' | 'b1'}`;

export interface DtypeInfo {
  readonly kind: 'f' | 'i' | 'u' | 'b';
  readonly size: 1 | 2 | 4 | 8;
  readonly littleEndian: boolean;
}

export const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const SUPPORTED_DTYPES = 'a numeric dtype: f2, f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 or b1 (either byte order)';

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

export function parseDtype(descr: string, file: string): DtypeInfo {
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

export function elementCount(shape: readonly number[], file: string): number {
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

/** Python's repr of a shape tuple: `()`, `(5,)`, `(3, 2)` — the way researchers see it in NumPy. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * One entry point for every dataset path: check the file, recognise NumPy, Parquet, Arrow IPC / Feather v2 and
 * gzip/zstd-compressed CSV by magic bytes or name, refuse JSON and other binary files with a message saying what they
 * are, and read everything else as delimited text.
 */
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Dataset, LoadOptions } from '../dataset';
import { DatasetError } from '../errors';
import { loadArrowDataset } from './arrow';
import { decompressToTemp } from './compressedCsv';
import type { Compression, TempCopy } from './compressedCsv';
import { fsError, readCsv, readCsvDecompressed } from './csv';
import { loadNpyDataset } from './npy/load';
import { loadParquetDataset } from './parquet';

/** How much of the file the sniffers look at. */
export const SNIFF_BYTES = 64 * 1024;

/** NumPy's .npy magic string: \x93NUMPY. */
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** Parquet files begin (and end) with "PAR1". */
const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31];
/** Arrow IPC files (Feather v2) begin with "ARROW1"; IPC streams have no magic and go by their name. */
const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31];
const GZIP_MAGIC = [0x1f, 0x8b];
/** A zstd frame: 0xFD2FB528 little-endian. */
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** What the name says the file is, when it says anything the magic bytes might not (an Arrow stream has none). */
function kindByName(path: string): 'parquet' | 'arrow' | Compression | null {
  if (/\.(?:parquet|pq)$/i.test(path)) return 'parquet';
  if (/\.(?:arrow|feather|ipc|arrows)$/i.test(path)) return 'arrow';
  if (/\.gz$/i.test(path)) return 'gzip';
  if (/\.zstd?$/i.test(path)) return 'zstd';
  return null;
}

const EXPECTED = 'a .csv, .tsv, .txt, .npy, .parquet, .arrow/.feather, .csv.gz or .csv.zst file';

export async function loadDataset(path: string, options: LoadOptions = {}): Promise<Dataset> {
  options.signal?.throwIfAborted();
  let info: Stats;
  try {
    info = await stat(path);
  } catch (err) {
    throw fsError(err, path);
  }
  if (info.isDirectory()) {
    throw new DatasetError('notAFile', 'is a directory', { file: path, expected: EXPECTED });
  }
  if (!info.isFile()) {
    throw new DatasetError('notAFile', 'is not a regular file', { file: path, expected: EXPECTED });
  }
  if (/\.npy$/i.test(path)) return loadNpyDataset(path, options);
  const head = await readHead(path, Math.min(SNIFF_BYTES, info.size));
  const kind = sniff(head, info.size, path);
  switch (kind.kind) {
    case 'npy':
      return loadNpyDataset(path, options);
    case 'parquet':
      return loadParquetDataset(path, options);
    case 'arrow':
      return loadArrowDataset(path, options);
    case 'gzip':
    case 'zstd':
      return loadCompressedCsv(path, kind.kind, options);
    case 'json':
      throw new DatasetError('jsonFile', `looks like ${kind.what}, not a table of rows`, {
        file: path,
        expected: 'CSV/TSV text, Parquet, Arrow/Feather or a .npy array; convert it, e.g. pandas.read_json(...).to_parquet(...)',
      });
    case 'binary':
      throw new DatasetError('binaryFile', `is a binary file (${kind.what}), not text`, {
        file: path,
        expected: 'CSV/TSV text in UTF-8 (plain, .gz or .zst), Parquet, Arrow IPC / Feather v2 or a .npy array',
      });
    case 'text':
      return readCsv(path, options);
  }
}

/** A .csv.gz / .csv.zst: decompressed into a temporary file (compressedCsv.ts says why), checked to be text, parsed as CSV. */
async function loadCompressedCsv(path: string, compression: Compression, options: LoadOptions): Promise<Dataset> {
  const copy = await decompressedCopy(path, compression, options.signal);
  try {
    return await readCsvDecompressed(copy.path, path, compression, options);
  } finally {
    await copy.dispose();
  }
}

/** Whether `path` is a gzip- or zstd-compressed file (by its magic bytes, as loadDataset tells), and which. */
export async function compressionOf(path: string): Promise<Compression | null> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch {
    return null;
  }
  if (!info.isFile() || /\.npy$/i.test(path)) return null;
  // The magic bytes, then the name, decide these two before the content is looked at: eight bytes are enough.
  const kind = sniff(await readHead(path, Math.min(8, info.size)), info.size, path).kind;
  return kind === 'gzip' || kind === 'zstd' ? kind : null;
}

/**
 * `path` decompressed into a temporary file and checked to hold text, not a compressed binary file (refused with
 * what it holds); the caller disposes of the copy.
 */
export async function decompressedCopy(path: string, compression: Compression, signal?: LoadOptions['signal']): Promise<TempCopy> {
  const copy = await decompressToTemp(path, compression, signal);
  try {
    const size = (await stat(copy.path)).size;
    const inner = sniff(await readHead(copy.path, Math.min(SNIFF_BYTES, size)), size);
    if (inner.kind !== 'text') {
      const what = inner.kind === 'binary' || inner.kind === 'json' ? inner.what : inner.kind;
      throw new DatasetError('binaryFile', `is ${compression}-compressed, but what it holds is not CSV text (${what})`, {
        file: path,
        expected: `CSV/TSV text inside the ${compression} file; a compressed ${inner.kind === 'npy' ? '.npy' : 'binary file'} must be decompressed first`,
      });
    }
    return copy;
  } catch (err) {
    await copy.dispose();
    throw err;
  }
}

async function readHead(path: string, length: number): Promise<Buffer> {
  try {
    const handle = await open(path, 'r');
    try {
      const buf = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(buf, got, length - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return buf.subarray(0, got);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fsError(err, path);
  }
}

export type SniffResult =
  | { readonly kind: 'npy' }
  | { readonly kind: 'parquet' }
  | { readonly kind: 'arrow' }
  | { readonly kind: 'gzip' }
  | { readonly kind: 'zstd' }
  | { readonly kind: 'json'; readonly what: string }
  | { readonly kind: 'binary'; readonly what: string }
  | { readonly kind: 'text' };

/** Known binary containers people point a data tool at, so the message can say which one it is. */
const SIGNATURES: readonly { readonly bytes: readonly number[]; readonly what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive — .npz, .xlsx or similar; export a .csv or .npy' },
  { bytes: [0x46, 0x45, 0x41, 0x31], what: 'Feather v1 (the 2016 format); re-save it as Feather v2 (pyarrow.feather.write_feather)' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed; decompress it, or re-compress with gzip or zstd' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed; decompress it, or re-compress with gzip or zstd' },
  { bytes: [0x89, 0x48, 0x44, 0x46], what: 'HDF5; export a .csv or .npy' },
  { bytes: [0x80], what: 'a Python pickle; save with numpy.save or to_csv' },
  { bytes: [0xff, 0xfe], what: 'UTF-16 text; re-save it as UTF-8' },
  { bytes: [0xfe, 0xff], what: 'UTF-16 text; re-save it as UTF-8' },
];

/**
 * Decide from the first bytes what a file is. `size` is the whole file's size: a JSON document is only parsed when
 * the head is all of it; longer files are judged by their first character, which no CSV begins with. Magic bytes
 * win over the name; `path` only decides for files without one (an Arrow IPC stream, a .parquet that is not one,
 * which the Parquet reader then reports as such).
 */
export function sniff(head: Uint8Array, size: number, path?: string): SniffResult {
  const starts = (magic: readonly number[]): boolean => head.length >= magic.length && magic.every((b, i) => head[i] === b);
  if (starts(NPY_MAGIC)) return { kind: 'npy' };
  if (starts(PARQUET_MAGIC)) return { kind: 'parquet' };
  if (starts(ARROW_MAGIC)) return { kind: 'arrow' };
  if (starts(GZIP_MAGIC)) return { kind: 'gzip' };
  if (starts(ZSTD_MAGIC)) return { kind: 'zstd' };
  const named = path === undefined ? null : kindByName(path);
  if (named === 'parquet' || named === 'arrow') return { kind: named };
  // An Arrow IPC stream opens with a message: 0xFFFFFFFF (continuation) then its length.
  if (head.length >= 8 && head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff) return { kind: 'arrow' };
  for (const sig of SIGNATURES) {
    if (head.length >= sig.bytes.length && sig.bytes.every((b, i) => head[i] === b)) return { kind: 'binary', what: sig.what };
  }
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  let control = 0;
  for (let i = bom; i < head.length; i++) {
    const b = head[i];
    if (b === 0) return { kind: 'binary', what: 'it contains NUL bytes' };
    // Tab, LF, VT, FF, CR are text; the other C0 controls are not.
    if (b < 0x20 && (b < 0x09 || b > 0x0d)) control++;
  }
  const body = head.length - bom;
  if (body > 0 && control > body * 0.01) return { kind: 'binary', what: `${control} control bytes in the first ${body}` };
  if (body > 0 && !isMostlyUtf8(head.subarray(bom))) return { kind: 'binary', what: 'it is not UTF-8 text' };

  let i = bom;
  while (i < head.length && (head[i] === 0x20 || (head[i] >= 0x09 && head[i] <= 0x0d))) i++;
  const firstChar = head[i];
  if (firstChar === 0x7b || firstChar === 0x5b) {
    const text = Buffer.from(head.buffer, head.byteOffset, head.length).toString('utf8', bom);
    if (head.length >= size) {
      if (parsesAsJson(text)) return { kind: 'json', what: 'a JSON document' };
      if (text.split(/\r?\n/).filter((l) => l.trim() !== '').every(parsesAsJson)) return { kind: 'json', what: 'JSON Lines' };
    }
    // '{' opens no CSV; '[' only JSON when followed by a value (a header like "[mm],x" is not).
    if (firstChar === 0x7b || /^\[\s*(?:[[{"\]\d-]|true|false|null)/.test(text.slice(i - bom))) {
      return { kind: 'json', what: firstChar === 0x7b ? 'JSON (an object or JSON Lines)' : 'a JSON array' };
    }
  }
  return { kind: 'text' };
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Latin-1 or Windows-1252 CSVs with a few accented names are still worth reading (the odd byte decodes to U+FFFD);
 * a file whose high bytes are mostly not valid UTF-8 is something else. Counts invalid sequences by hand because
 * the head may end inside a character.
 */
function isMostlyUtf8(bytes: Uint8Array): boolean {
  let high = 0;
  let invalid = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    high++;
    const need = b >= 0xf0 && b <= 0xf4 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b <= 0xdf ? 1 : -1;
    if (need < 0 || b > 0xf4) {
      invalid++;
      i++;
      continue;
    }
    let ok = true;
    for (let j = 1; j <= need; j++) {
      if (i + j >= bytes.length) break;
      if ((bytes[i + j] & 0xc0) !== 0x80) ok = false;
    }
    if (!ok) invalid++;
    i += ok ? need + 1 : 1;
  }
  return high === 0 || invalid <= 8 || invalid < (bytes.length * 0.01);
}

/**
 * One entry point for every dataset path: check the file, recognise NumPy by name or magic, refuse JSON and binary
 * files with a message saying what they are, and read everything else as delimited text.
 */
import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Dataset, LoadOptions } from '../dataset';
import { DatasetError } from '../errors';
import { fsError, readCsv } from './csv';
import { loadNpyDataset } from './npy';

/** How much of the file the sniffers look at. */
export const SNIFF_BYTES = 64 * 1024;

/** NumPy's .npy magic string: \x93NUMPY. */
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export async function loadDataset(path: string, options: LoadOptions = {}): Promise<Dataset> {
  options.signal?.throwIfAborted();
  let info: Stats;
  try {
    info = await stat(path);
  } catch (err) {
    throw fsError(err, path);
  }
  if (info.isDirectory()) {
    throw new DatasetError('notAFile', 'is a directory', { file: path, expected: 'a .csv, .tsv, .txt or .npy file' });
  }
  if (!info.isFile()) {
    throw new DatasetError('notAFile', 'is not a regular file', { file: path, expected: 'a .csv, .tsv, .txt or .npy file' });
  }
  if (/\.npy$/i.test(path)) return loadNpyDataset(path, options);
  const head = await readHead(path, Math.min(SNIFF_BYTES, info.size));
  const kind = sniff(head, info.size);
  switch (kind.kind) {
    case 'npy':
      return loadNpyDataset(path, options);
    case 'json':
      throw new DatasetError('jsonFile', `looks like ${kind.what}, not a table of rows`, {
        file: path,
        expected: 'CSV/TSV text or a .npy array; convert it, e.g. pandas.read_json(...).to_csv(...)',
      });
    case 'binary':
      throw new DatasetError('binaryFile', `is a binary file (${kind.what}), not text`, {
        file: path,
        expected: 'CSV/TSV text in UTF-8 or a .npy array',
      });
    case 'text':
      return readCsv(path, options);
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
  | { readonly kind: 'json'; readonly what: string }
  | { readonly kind: 'binary'; readonly what: string }
  | { readonly kind: 'text' };

/** Known binary containers people point a data tool at, so the message can say which one it is. */
const SIGNATURES: readonly { readonly bytes: readonly number[]; readonly what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive — .npz, .xlsx or similar; export a .csv or .npy' },
  { bytes: [0x1f, 0x8b], what: 'gzip-compressed; decompress it first' },
  { bytes: [0x50, 0x41, 0x52, 0x31], what: 'Parquet; export a .csv or .npy' },
  { bytes: [0x89, 0x48, 0x44, 0x46], what: 'HDF5; export a .csv or .npy' },
  { bytes: [0x80], what: 'a Python pickle; save with numpy.save or to_csv' },
  { bytes: [0xff, 0xfe], what: 'UTF-16 text; re-save it as UTF-8' },
  { bytes: [0xfe, 0xff], what: 'UTF-16 text; re-save it as UTF-8' },
];

/**
 * Decide from the first bytes what a file is. `size` is the whole file's size: a JSON document is only parsed when
 * the head is all of it; longer files are judged by their first character, which no CSV begins with.
 */
export function sniff(head: Uint8Array, size: number): SniffResult {
  if (NPY_MAGIC.every((b, i) => head[i] === b)) return { kind: 'npy' };
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

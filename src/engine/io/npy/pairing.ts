/** X/y pairing of NumPy `.npy` files: the features in `NAME-X.npy`, the labels in `NAME-y.npy` beside it. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { DatasetError } from '../../errors';
import { fileError } from './codec';

export interface NpyPair {
  readonly x: string;
  readonly y: string | null;
}

/** `NAME-X.npy`, `NAME_x.npy`, `NAME-y.npy`, `NAME_Y.npy`: stem, separator, role letter. */
export const PAIR_NAME = /^(.+)([-_])([xy])\.npy$/i;

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

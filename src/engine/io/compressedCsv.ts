/**
 * gzip- and zstd-compressed CSV/TSV (.csv.gz, .tsv.gz, .csv.zst …): decompressed as a stream — Node's zlib for gzip,
 * fzstd (pure JavaScript) for zstd — with cancellation between chunks, into a temporary file (decompressToTemp), which
 * csv.ts then reads exactly as the plain file: on the pool's threads in segments, or streamed past the memory budget.
 *
 * Why a file rather than straight into the parser: the CSV reader samples the head of the file to guess the dialect
 * and the header, then reads on from the header's end, and steps back to hand the fast path's unfinished line to
 * papaparse; its threads read segments of their own. That needs positional reads and the total size, which a
 * decompressing stream does not give. The text was held in memory before (a 561 MB CSV took the .csv.gz's peak to
 * 1.2 GiB, over the default budget, and an 11 GB one could not be read); on disk it costs its size in the temporary
 * folder, for as long as the read lasts.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { constants as bufferConstants } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import type { CancelSignal } from '../cancel';
import { DatasetError } from '../errors';
import { fsError } from './csv';

export type Compression = 'gzip' | 'zstd';

/** Read size for the compressed file; the decompressed chunks are as zlib and fzstd hand them out. */
const READ_BYTES = 1024 * 1024;

/** A decompressed copy of a compressed file, and the way to remove it (its folder with it). */
export interface TempCopy {
  readonly path: string;
  dispose(): Promise<void>;
}

/**
 * `file` decompressed into a fresh folder of the system's temporary folder, as a stream (memory stays at a chunk),
 * with cancellation between chunks. The copy keeps the file's name without its .gz/.zst (a .csv where that leaves no
 * table extension), so the readers take it for the plain file. On any failure the copy is removed and the error says
 * which file, as the in-memory path did; a full disk says where it ran out of room.
 */
export async function decompressToTemp(file: string, compression: Compression, signal?: CancelSignal): Promise<TempCopy> {
  signal?.throwIfAborted();
  const dir = await mkdtemp(join(tmpdir(), 'kryptonite-'));
  const dispose = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const inner = basename(file).replace(/\.(?:gz|zstd?)$/i, '');
  const path = join(dir, /\.(?:csv|tsv|tab|txt)$/i.test(inner) ? inner : `${inner || 'table'}.csv`);
  const out = createWriteStream(path);
  let outError: unknown = null;
  out.on('error', (err) => {
    outError ??= err;
  });
  // The write stream's next `event`, or its error (each wait removes the listener it did not need).
  const next = (event: 'drain' | 'finish'): Promise<void> =>
    new Promise((resolve, reject) => {
      const onEvent = (): void => {
        out.off('error', onError);
        resolve();
      };
      const onError = (err: unknown): void => {
        out.off(event, onEvent);
        reject(err);
      };
      out.once(event, onEvent);
      out.once('error', onError);
    });
  const write = async (chunk: Uint8Array): Promise<void> => {
    if (outError !== null) throw outError;
    if (!out.write(chunk)) await next('drain');
  };
  const input = createReadStream(file, { highWaterMark: READ_BYTES });
  try {
    try {
      if (compression === 'gzip') {
        const gunzip = createGunzip();
        input.on('error', (err) => gunzip.destroy(err));
        input.pipe(gunzip);
        try {
          for await (const chunk of gunzip) {
            signal?.throwIfAborted();
            await write(chunk as Buffer);
          }
        } finally {
          gunzip.destroy();
        }
      } else {
        // fzstd hands out decompressed chunks synchronously from push: they are written after each push.
        const pending: Uint8Array[] = [];
        const zstd = new Decompress((chunk) => pending.push(chunk));
        const drain = async (): Promise<void> => {
          for (const chunk of pending.splice(0)) await write(chunk);
        };
        let last: Buffer | null = null;
        for await (const chunk of input) {
          signal?.throwIfAborted();
          if (last) zstd.push(last);
          await drain();
          last = chunk as Buffer;
        }
        zstd.push(last ?? new Uint8Array(0), true);
        await drain();
      }
      if (outError !== null) throw outError;
      const finished = next('finish');
      out.end();
      await finished;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (err === outError && (code === 'ENOSPC' || code === 'EDQUOT')) {
        throw new DatasetError('readFailed', `cannot be decompressed: the temporary folder ${tmpdir()} ran out of room`, {
          file,
          expected: `room for the decompressed text in ${tmpdir()} (set TMPDIR to a larger disk), or the file decompressed on disk first (${compression === 'gzip' ? 'gunzip -k' : 'zstd -d'})`,
        });
      }
      throw decompressError(err, file, compression);
    }
    return { path, dispose };
  } catch (err) {
    out.destroy();
    await dispose();
    throw err;
  } finally {
    input.destroy();
  }
}

function decompressError(err: unknown, file: string, compression: Compression): Error {
  if (err instanceof DatasetError) return err;
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'CancelledError')) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') return fsError(err, file);
  const detail = err instanceof Error ? err.message.split(/\r?\n/)[0] : String(err);
  return new DatasetError('corruptFile', `cannot be decompressed as ${compression} (${detail})`, {
    file,
    expected: `a complete ${compression === 'gzip' ? 'gzip' : 'zstd'} file (was it truncated or still being written?)`,
  });
}

/**
 * gzip- and zstd-compressed CSV/TSV (.csv.gz, .tsv.gz, .csv.zst …): decompressed as a stream — Node's zlib for gzip,
 * fzstd (pure JavaScript) for zstd — with cancellation between chunks, into memory, then parsed by csv.ts exactly as
 * the plain file would be.
 *
 * Why in memory rather than straight into the parser: the CSV reader samples the head of the file to guess the
 * dialect and the header, then reads on from the header's end, and steps back to hand the fast path's unfinished
 * line to papaparse. That needs positional reads and the total size, which a decompressing stream does not give.
 * The decompressed text is held once (as a Buffer, outside V8's heap); a file whose text would exceed Node's largest
 * Buffer is refused with the way out.
 */
import { createReadStream } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import type { CancelSignal } from '../cancel';
import { DatasetError } from '../errors';
import { fsError } from './csv';

export type Compression = 'gzip' | 'zstd';

/** Read size for the compressed file; the decompressed chunks are as zlib and fzstd hand them out. */
const READ_BYTES = 1024 * 1024;

/** The decompressed bytes of `file`. */
export async function decompressFile(file: string, compression: Compression, signal?: CancelSignal): Promise<Buffer> {
  signal?.throwIfAborted();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const keep = (chunk: Uint8Array): void => {
    total += chunk.length;
    if (total > bufferConstants.MAX_LENGTH) {
      throw new DatasetError('readFailed', `decompresses to more than ${Math.floor(bufferConstants.MAX_LENGTH / 2 ** 30)} GiB, more than one buffer can hold`, {
        file,
        expected: `a smaller file: decompress it on disk first (${compression === 'gzip' ? 'gunzip -k' : 'zstd -d'}) and open the .csv`,
      });
    }
    chunks.push(chunk);
  };
  const input = createReadStream(file, { highWaterMark: READ_BYTES });
  try {
    if (compression === 'gzip') {
      const gunzip = createGunzip();
      input.on('error', (err) => gunzip.destroy(err));
      input.pipe(gunzip);
      try {
        for await (const chunk of gunzip) {
          signal?.throwIfAborted();
          keep(chunk as Buffer);
        }
      } finally {
        gunzip.destroy();
      }
    } else {
      const zstd = new Decompress((chunk) => keep(chunk));
      let last: Buffer | null = null;
      // fzstd wants to know which push is the last; hold one chunk back.
      for await (const chunk of input) {
        signal?.throwIfAborted();
        if (last) zstd.push(last);
        last = chunk as Buffer;
      }
      zstd.push(last ?? new Uint8Array(0), true);
    }
  } catch (err) {
    throw decompressError(err, file, compression);
  } finally {
    input.destroy();
  }
  return Buffer.concat(chunks, total);
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

import { open } from 'node:fs/promises';
import { firstLine, guessDelimiter, headerCells, type HeaderCell } from './headerCells';

/**
 * The header cells of a CSV/TSV file on disk. Reads only the head of the file: the data may be far beyond VS Code's
 * document size limit. Without a delimiter (no analysis yet) it is guessed from the header line. Null when unreadable.
 */
export async function readHeader(file: string, delimiter?: string): Promise<HeaderCell[] | null> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buf = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const line = firstLine(buf.subarray(0, bytesRead).toString('utf8'));
    return headerCells(line, delimiter ?? guessDelimiter(line, file));
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

/**
 * The reference zstd decoder in WebAssembly (src/engine/io/zstd.ts) that decompresses Parquet pages: the same bytes as
 * fzstd and as the file that was compressed, a damaged frame or a wrong length refused with an error, and the
 * embedded module exactly the installed zstddec's.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decompress } from 'fzstd';
import { zstdDecompress, zstdDecompressFrames } from '../../src/engine/io/zstd';
import { FORMATS } from './sameTable';

describe('zstd pages by the reference decoder', () => {
  const frame = new Uint8Array(readFileSync(join(FORMATS, 'table.csv.zst')));
  const plain = new Uint8Array(readFileSync(join(FORMATS, 'table.csv')));

  it('decompresses a frame written by the zstd tool to the original bytes, as fzstd does', () => {
    const out = zstdDecompress(frame, plain.length);
    assert.ok(out !== null);
    assert.deepEqual(Buffer.from(out), Buffer.from(plain));
    assert.deepEqual(Buffer.from(out), Buffer.from(decompress(frame)));
    // Twice in a row from the same instance (its memory reused), and a second frame after it.
    assert.deepEqual(Buffer.from(zstdDecompress(frame, plain.length) ?? []), Buffer.from(plain));
  });

  it('refuses a damaged frame and a frame of another length, with an error', () => {
    const damaged = frame.slice();
    for (let i = 12; i < damaged.length; i += 7) damaged[i] ^= 0x5a;
    assert.throws(() => zstdDecompress(damaged, plain.length), /zstd/);
    assert.throws(() => zstdDecompress(frame, plain.length - 1), /zstd/);
    assert.throws(() => zstdDecompress(frame, plain.length + 10), /zstd: the frame holds/);
    assert.throws(() => zstdDecompress(frame.subarray(0, frame.length >> 1), plain.length), /zstd/);
  });

  it('embeds zstddec’s decoder unchanged (src/wasm/zstd.mjs --check)', () => {
    const script = join(__dirname, '..', '..', 'src', 'wasm', 'zstd.mjs');
    assert.match(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' }), /the committed decoder is zstddec/);
  });
});

describe('zstd buffers that state their size (Arrow IPC)', () => {
  // Two frames of one raw block, built by the format's rules: the first states its content size (single segment, a
  // one-byte size), the second does not (a window descriptor instead), as a streaming compressor may write it.
  const data = Uint8Array.from({ length: 200 }, (_, i) => (i * 37) & 255);
  const block = [1 | (data.length << 3), (data.length << 3) >> 8, (data.length << 3) >> 16];
  const sized = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, data.length, ...block, ...data]);
  const unsized = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, ...block, ...data]);

  it('decompresses frames that state their size by that size, as fzstd does', () => {
    assert.deepEqual(Buffer.from(decompress(sized)), Buffer.from(data));
    assert.deepEqual(Buffer.from(zstdDecompressFrames(sized) ?? []), Buffer.from(data));
  });

  it('leaves a frame that states no size to fzstd (null)', () => {
    assert.deepEqual(Buffer.from(decompress(unsized)), Buffer.from(data));
    assert.equal(zstdDecompressFrames(unsized), null);
  });
});

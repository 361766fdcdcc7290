/**
 * zstd frames decoded by the reference Zstandard decoder, compiled to WebAssembly (zstdKernel.generated.ts, from the
 * zstddec package), instantiated synchronously once per thread: a Parquet page is decompressed inside a pool task,
 * where zstddec's own asynchronous loader cannot run. About 3.7× faster than fzstd (pure JavaScript) on this
 * project's machine, and the reference decoder rejects a damaged frame with an error code where fzstd could spin.
 */
import { embeddedModule, registerKernelMemory } from '../wasmMemory';
import { ZSTD_KERNEL_WASM } from './zstdKernel.generated';

interface Exports {
  readonly memory: WebAssembly.Memory;
  malloc(bytes: number): number;
  free(pointer: number): void;
  ZSTD_decompress(dst: number, dstCapacity: number, src: number, srcSize: number): number;
  ZSTD_isError(code: number): number;
  /** The frames' total content size from their headers: a 64-bit count (BigInt), or 2⁶⁴ − 1 / − 2 when unknown or damaged. */
  ZSTD_findDecompressedSize(src: number, srcSize: number): bigint;
}

const compiled = embeddedModule(ZSTD_KERNEL_WASM);
let instance: Exports | null = null;
// Its memory grows to the largest page decoded and is dropped with the other kernel memories when a stage ends.
registerKernelMemory(() => {
  const held = instance !== null;
  instance = null;
  return held;
});

function decoder(): Exports | null {
  if (instance) return instance;
  const module = compiled();
  if (!module) return null;
  instance = new WebAssembly.Instance(module, { env: { emscripten_notify_memory_growth: () => undefined } }).exports as unknown as Exports;
  return instance;
}

/**
 * The zstd frame(s) in `input`, decompressed to exactly `outputLength` bytes (a Parquet page's uncompressed size),
 * or null where this runtime has no WebAssembly (the caller then uses fzstd). Throws on a damaged frame, or one that
 * decompresses to another length.
 */
export function zstdDecompress(input: Uint8Array, outputLength: number): Uint8Array | null {
  return withInput(input, (z, src) => decompressAt(z, src, input.length, outputLength));
}

/** Above this a frame's stated size is not trusted to one WebAssembly memory (fzstd takes it): 1 GiB. */
const MAX_FRAME_BYTES = 2 ** 30;

/**
 * A zstd buffer whose frames state their content size (as the zstd library writes them, Arrow's among them):
 * decompressed by the reference decoder; null where the size is not stated, is over 1 GiB, or this runtime has no
 * WebAssembly (the caller then uses fzstd, which finds the end as it goes).
 */
export function zstdDecompressFrames(input: Uint8Array): Uint8Array | null {
  return withInput(input, (z, src) => {
    const size = BigInt.asUintN(64, z.ZSTD_findDecompressedSize(src, input.length));
    return size > BigInt(MAX_FRAME_BYTES) ? null : decompressAt(z, src, input.length, Number(size));
  });
}

/** `input` copied once into the decoder's memory for `use`, freed after; null without WebAssembly or its memory. */
function withInput(input: Uint8Array, use: (z: Exports, src: number) => Uint8Array | null): Uint8Array | null {
  const z = decoder();
  if (!z) return null;
  const src = z.malloc(Math.max(1, input.length));
  if (src === 0) throw new Error(`zstd: no memory for a frame of ${input.length} bytes`);
  try {
    new Uint8Array(z.memory.buffer, src, input.length).set(input);
    return use(z, src);
  } finally {
    z.free(src);
  }
}

/** The frames at `src` decompressed to exactly `outputLength` bytes, copied out of the decoder's memory. */
function decompressAt(z: Exports, src: number, srcSize: number, outputLength: number): Uint8Array {
  const dst = z.malloc(Math.max(1, outputLength));
  if (dst === 0) throw new Error(`zstd: no memory for a page of ${outputLength} bytes`);
  try {
    // size_t is 32 bits here: the result read unsigned, an error code is at the top of the range.
    const got = z.ZSTD_decompress(dst, outputLength, src, srcSize) >>> 0;
    if (z.ZSTD_isError(got)) throw new Error('zstd: a damaged frame (the reference decoder rejects it)');
    if (got !== outputLength) throw new Error(`zstd: the frame holds ${got} bytes, the page header says ${outputLength}`);
    return new Uint8Array(z.memory.buffer, dst, got).slice();
  } finally {
    z.free(dst);
  }
}

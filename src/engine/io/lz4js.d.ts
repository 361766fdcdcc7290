/** The part of lz4js (pure JavaScript LZ4, no bundled types) that arrow.ts uses: whole LZ4 frames. */
declare module 'lz4js' {
  /** Decompresses one LZ4 frame; `maxSize` defaults to the bound read from the frame's headers. */
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
}

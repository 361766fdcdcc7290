/**
 * The third-party Parquet and Arrow decoders the readers use (hyparquet, hyparquet-compressors, apache-arrow, lz4js):
 * most of a bundle's code, and needed only when such a file is opened. The readers reach them through vendor.ts, which
 * loads this module at the first use; every bundle (package.json `build:*`) leaves it out (`--external:./vendorImpl`)
 * and `build:vendor` makes it a file of its own beside them, dist/vendorImpl.js. From source (the tests) it is an
 * ordinary module.
 */
export { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
export { parquetHeader, readPage } from 'hyparquet/src/column.js';
export { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
export { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { compressors as fallback } from 'hyparquet-compressors';
import { zstdDecompress } from './zstd';
export { zstdDecompressFrames } from './zstd';

/**
 * hyparquet-compressors' codecs, zstd by the reference decoder in WebAssembly (zstd.ts) instead of fzstd, which took
 * 0.69 s of a thread's processor time on a million-row table of doubles (347 MB of zstd pages); fzstd where this
 * runtime has no WebAssembly.
 */
export const compressors: typeof fallback = {
  ...fallback,
  ZSTD: (input: Uint8Array, outputLength: number) => zstdDecompress(input, outputLength) ?? (fallback.ZSTD as (input: Uint8Array, outputLength: number) => Uint8Array)(input, outputLength),
};
export { CompressionType, RecordBatchReader, Type, compressionRegistry } from 'apache-arrow';
export { decompress as lz4Decompress } from 'lz4js';

/**
 * The Parquet and Arrow decoders (vendorImpl.ts), loaded at their first use: a process that reads a CSV or a NumPy
 * file never parses them. In a bundle they are dist/vendorImpl.js beside it (about 40 % of the code: 25–30 ms of
 * every CLI start and of every pool thread's, measured on this project's machine).
 */
import type * as VendorModule from './vendorImpl';

export type Vendor = typeof VendorModule;

let loaded: Vendor | undefined;

export function vendor(): Vendor {
  // A plain require, kept as it is by the bundler (external): it resolves beside the bundle, or to the source.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('./vendorImpl') as Vendor);
}

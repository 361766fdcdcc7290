import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * What `src/wasm/build.mjs --check` says of the named kernels (every kernel when none is named): one line per
 * generated module, "…: up to date" when the committed bytes are what its AssemblyScript source compiles to.
 */
export function kernelCheck(...names: string[]): string {
  const script = join(__dirname, '..', '..', '..', 'src', 'wasm', 'build.mjs');
  return execFileSync(process.execPath, [script, '--check', ...names], { encoding: 'utf8' });
}

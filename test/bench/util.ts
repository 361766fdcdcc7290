import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKryptonite, kryptoniteCsvChunks } from '../../src/engine/synth/kryptonite';

/** Bench inputs are generated once into the temp folder and reused by later runs. */
export const BENCH_DIR = process.env.KRYPTONITE_BENCH_DIR ?? join(tmpdir(), 'kryptonite-bench');

export async function ensureKryptoniteCsv(name: string, n: number, rows: number, seed: number): Promise<string> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = join(BENCH_DIR, name);
  if (existsSync(file) && statSync(file).size > 0) return file;
  const partial = `${file}.partial`;
  const stream = createWriteStream(partial);
  // Generate in slices of rows so a 1,000,000 × 50 file never needs its whole float data at once.
  const slice = 100_000;
  for (let start = 0, part = 0; start < rows; start += slice, part++) {
    const data = generateKryptonite({ n, rows: Math.min(slice, rows - start), seed: seed + part });
    let first = true;
    for (const chunk of kryptoniteCsvChunks(data)) {
      if (first) {
        first = false;
        if (start > 0) continue; // header only once
      }
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
  }
  stream.end();
  await once(stream, 'finish');
  const { renameSync } = await import('node:fs');
  renameSync(partial, file);
  return file;
}

export interface Timed {
  readonly wallMs: number[];
  readonly ok: boolean;
  readonly stderr: string;
}

/** Run a command `runs` times (after one warm-up) and keep each wall time. */
export function timeCommand(cmd: string, args: readonly string[], runs: number): Timed {
  const wallMs: number[] = [];
  let stderr = '';
  for (let i = 0; i <= runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) return { wallMs, ok: false, stderr: (r.stderr || String(r.error ?? '')).trim() };
    stderr = r.stderr;
    if (i > 0) wallMs.push(ms);
  }
  return { wallMs, ok: true, stderr };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A python3 that can import `module`: the one on PATH, else Debian's (a pyenv or venv python on PATH does not see
 * Debian's python3-pandas / python3-sklearn / python3-torch packages).
 */
export function findPython(module: string): string | null {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(candidate, ['-c', `import ${module}`], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return null;
}

export function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

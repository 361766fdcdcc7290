/**
 * Training bench: the published Kryptonite MLP presets, ours (the fused kernel, end to end in a child process, node
 * start-up included) against PyTorch 1.13 on CPU with one thread (Debian's python3-torch; skipped with a message when
 * missing), on Kryptonite-9/12 (/work/shared/data) and generated Kryptonite-15/18 (2000·N rows, like the published
 * files). Per N: ms per epoch and wall time to the published target test accuracy, and their ratios.
 *
 * KRYPTONITE_BENCH_TRAIN_SEEDS=5 also trains every preset to completion over 5 seeds (mean ± sd of test accuracy);
 * KRYPTONITE_BENCH_TRAIN_BACKENDS=wasm,cpu adds TensorFlow.js backends to the per-epoch table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeNpy } from '../../src/engine/io/npy';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import { PRESET_TARGETS } from '../../src/engine/train/presets';
import type { PresetName } from '../../src/engine/train/types';
import { BENCH_DIR, findPython, fmt, median } from './util';

const ROOT = resolve(__dirname, '..', '..');
const SHARED = join(ROOT, '..', 'shared', 'data');

interface ChildResult {
  msPerEpoch: number;
  targetAt: number | null;
  targetEpoch: number | null;
  epochs: number;
  testAccuracy: number;
}

async function dataFor(n: number): Promise<{ x: string; y: string }> {
  const real = { x: join(SHARED, `kryptonite-${n}-X.npy`), y: join(SHARED, `kryptonite-${n}-y.npy`) };
  if (existsSync(real.x) && existsSync(real.y)) return real;
  mkdirSync(BENCH_DIR, { recursive: true });
  const prefix = join(BENCH_DIR, `kryptonite-${n}-gen`);
  if (!existsSync(`${prefix}-y.npy`)) {
    const rows = 2000 * n;
    const g = generateKryptonite({ n, rows, seed: n });
    const x = new Float32Array(rows * n);
    for (let f = 0; f < n; f++) for (let i = 0; i < rows; i++) x[i * n + f] = g.columns[f][i];
    await writeNpy(`${prefix}-X.npy`, { shape: [rows, n], dtype: '<f4', data: x });
    await writeNpy(`${prefix}-y.npy`, { shape: [rows], dtype: '<i8', data: BigInt64Array.from(g.labels, (v) => BigInt(v)) });
  }
  return { x: `${prefix}-X.npy`, y: `${prefix}-y.npy` };
}

/** Runs a child; returns its JSON line and the wall time from spawn to the target (ms), if reached. */
function child(cmd: string, args: string[]): { r: ChildResult; toTargetMs: number | null; wallMs: number } {
  const start = Date.now();
  const out = spawnSync(cmd, args, { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 20 });
  const wallMs = Date.now() - start;
  if (out.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(out.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  const r = JSON.parse(out.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
  return { r, toTargetMs: r.targetAt === null ? null : r.targetAt - start, wallMs };
}

function ours(x: string, preset: PresetName, seed: number, stop: boolean, backend = 'auto'): ReturnType<typeof child> {
  return child(process.execPath, ['--import', 'tsx', join(__dirname, 'trainChild.ts'), x, preset, String(seed), String(PRESET_TARGETS[preset]), stop ? '1' : '0', backend]);
}

function torch(python: string, d: { x: string; y: string }, preset: PresetName, seed: number, stop: boolean): ReturnType<typeof child> {
  return child(python, [join(__dirname, 'torch_mlp.py'), d.x, d.y, preset, String(seed), String(PRESET_TARGETS[preset]), stop ? '1' : '0']);
}

export async function trainingVsPyTorch(): Promise<void> {
  const seeds = Number(process.env.KRYPTONITE_BENCH_TRAIN_SEEDS ?? 3);
  const python = findPython('torch');
  console.log(`\n[training vs PyTorch] published MLP presets; time to target = spawn → first epoch with test accuracy ≥ target (median of ${seeds} seeds)`);
  if (!python) console.log('  PyTorch: not installed (apt-get install python3-torch) — peer skipped');
  const presets: [number, PresetName][] = [
    [9, 'N-9'],
    [12, 'N-12'],
    [15, 'N-15'],
    [18, 'N-18'],
  ];
  for (const [n, preset] of presets) {
    const d = await dataFor(n);
    const mine = Array.from({ length: seeds }, (_, s) => ours(d.x, preset, s + 1, true));
    const ms = median(mine.map((m) => m.r.msPerEpoch));
    const reached = mine.filter((m) => m.toTargetMs !== null);
    const tt = reached.length ? median(reached.map((m) => m.toTargetMs!)) : NaN;
    let line = `  ${preset} (target ${PRESET_TARGETS[preset]}): kryptonite fused ${ms.toFixed(1)} ms/epoch, target in ${reached.length ? fmt(tt) : '—'} (${reached.length}/${seeds} reached; epochs ${mine.map((m) => m.r.targetEpoch ?? '—').join('/')})`;
    if (python) {
      const peer = Array.from({ length: seeds }, (_, s) => torch(python, d, preset, s + 1, true));
      const pms = median(peer.map((m) => m.r.msPerEpoch));
      const pr = peer.filter((m) => m.toTargetMs !== null);
      const ptt = pr.length ? median(pr.map((m) => m.toTargetMs!)) : NaN;
      line += `\n      PyTorch 1 thread ${pms.toFixed(1)} ms/epoch, target in ${pr.length ? fmt(ptt) : '—'} (${pr.length}/${seeds}; epochs ${peer.map((m) => m.r.targetEpoch ?? '—').join('/')})`;
      line += `\n      ratio PyTorch / kryptonite: per epoch ${(pms / ms).toFixed(2)}×, time to target ${Number.isFinite(tt) && Number.isFinite(ptt) ? `${(ptt / tt).toFixed(2)}×` : '—'} (> 1: kryptonite faster)`;
    }
    console.log(line);
    for (const backend of (process.env.KRYPTONITE_BENCH_TRAIN_BACKENDS ?? '').split(',').filter(Boolean)) {
      const t = ours(d.x, preset, 1, true, backend);
      console.log(`      TensorFlow.js ${backend}: ${t.r.msPerEpoch.toFixed(1)} ms/epoch`);
    }
  }
  if (process.env.KRYPTONITE_BENCH_TRAIN_SEEDS) {
    console.log(`\n[training accuracy] full preset runs (≤ 1000 epochs, patience 200, best weights restored), ${seeds} seeds`);
    for (const [n, preset] of presets) {
      const d = await dataFor(n);
      const acc = Array.from({ length: seeds }, (_, s) => ours(d.x, preset, s + 1, false).r.testAccuracy);
      const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
      const sd = Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, acc.length - 1));
      console.log(`  ${preset}: test accuracy ${mean.toFixed(4)} ± ${sd.toFixed(4)} (target ${PRESET_TARGETS[preset]}: ${mean >= PRESET_TARGETS[preset] ? 'met' : 'NOT met'}) — ${acc.map((a) => a.toFixed(4)).join(', ')}`);
    }
  }
}

if (require.main === module) {
  trainingVsPyTorch().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

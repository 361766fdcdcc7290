/**
 * The memory budget's estimate against the measured peak (issue: big data — the memory budget is a setting, and a
 * budget is only worth setting if the analysis it lets run in memory stays within it). For generated Kryptonite
 * tables of several shapes, the full `analyse` on 1, 2 and 4 threads: the child's own peak RSS (threads included,
 * process.resourceUsage().maxRSS at exit) beside `analysisEstimateMB`, the estimate `planStreaming` compares with
 * the budget. Every peak should be below its estimate; the line says so or flags it.
 *
 * KRYPTONITE_BENCH_ONLY=memory npm run bench
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { analysisEstimateMB } from '../../src/engine/stream/analyseStreamed';
import { ensureKryptoniteCsv } from './util';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const RSS = join(__dirname, 'maxRss.cjs');

/** Features × rows: small to the issue's million rows, narrow and wide. */
const SHAPES: readonly (readonly [number, number])[] = [
  [18, 36_000],
  [50, 100_000],
  [50, 250_000],
  [10, 1_000_000],
  [200, 100_000],
  [50, 1_000_000],
];

export async function memoryEstimates(): Promise<void> {
  console.log('\n[memory] the memory budget\'s estimate (analysisEstimateMB) against the measured peak RSS of the full analyse');
  let over = 0;
  let runs = 0;
  for (const [features, rows] of SHAPES) {
    // The bench's other sections use these names: a file made once serves all of them.
    const file = await ensureKryptoniteCsv(`kryptonite-${features}-${rows}.csv`, features, rows, features);
    const tableMB = (rows * (features + 1) * 4) / (1024 * 1024);
    const cells: string[] = [];
    for (const threads of [1, 2, 4]) {
      const r = spawnSync(process.execPath, ['--require', RSS, CLI, 'analyse', file, '--quiet', '--threads', String(threads)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`analyse ${file} failed: ${r.stderr}`);
      const peak = Number(/KRYPTONITE_MAX_RSS_KB (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
      const estimate = analysisEstimateMB(rows, features + 1, threads);
      runs++;
      if (!(peak <= estimate)) over++;
      cells.push(`${threads} thread${threads > 1 ? 's' : ''} ${peak.toFixed(0)} / ${estimate.toFixed(0)} MiB${peak <= estimate ? '' : ' OVER'}`);
    }
    console.log(`  ${rows.toLocaleString('en-US')} × ${features + 1} (float32 ${tableMB.toFixed(0)} MiB): peak / estimate — ${cells.join('; ')}`);
  }
  console.log(`  ${runs - over} of ${runs} peaks within the estimate${over > 0 ? ` — ${over} over it: the estimate needs recalibrating` : ''}`);
}

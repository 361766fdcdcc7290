/**
 * Cancel latency through the real worker (dist/worker.js — run `npm run build` first — with its thread pool): an
 * analysis is cancelled once a stage has run for each of several delays, and the time from cancel() to the job's end
 * is printed per stage, with whether the worker stopped by itself or had to be terminated (the client's grace period).
 * The target is ≤ 500 ms in every stage. Default data: a generated Kryptonite-30 table of 300,000 rows (the L1 stage
 * then fits 2^k-term spaces). Usage: npm run bench:cancel [-- FILE]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKryptonite, kryptoniteCsvChunks } from '../../src/engine/synth/kryptonite';
import { JobCancelledError, WorkerClient } from '../../src/worker/client';

const STAGES = ['load', 'features', 'correlation', 'baselines', 'sparsity', 'relevance'];
const DELAYS = [50, 150, 300, 600];

async function main(): Promise<void> {
  let file = process.argv[2];
  let tmp: string | null = null;
  if (!file) {
    tmp = mkdtempSync(join(tmpdir(), 'kryptonite-cancel-'));
    file = join(tmp, 'k30.csv');
    writeFileSync(file, [...kryptoniteCsvChunks(generateKryptonite({ n: 30, rows: 300_000, seed: 4 }))].join(''));
  }
  const client = new WorkerClient();
  const worst = new Map<string, number>();
  let forced = 0;
  for (const delay of DELAYS) {
    for (const stage of STAGES) {
      let cancelledAt = 0;
      let timer: NodeJS.Timeout | undefined;
      const job = client.run({ kind: 'analyse', path: file }, (p) => {
        if (p.stage === stage && timer === undefined) {
          timer = setTimeout(() => {
            cancelledAt = performance.now();
            job.cancel();
          }, delay);
        }
      });
      try {
        await job.result;
        clearTimeout(timer);
      } catch (e) {
        if (!(e instanceof JobCancelledError)) throw e;
        const ms = performance.now() - cancelledAt;
        if (e.forced) forced++;
        worst.set(stage, Math.max(worst.get(stage) ?? 0, ms));
      }
    }
  }
  console.log(`cancel latency, worst over delays ${DELAYS.join('/')} ms into each stage (${file}):`);
  for (const stage of STAGES) console.log(`  ${stage.padEnd(12)} ${worst.has(stage) ? `${worst.get(stage)!.toFixed(0)} ms` : 'finished before every cancel'}`);
  const all = Math.max(...worst.values());
  console.log(`worst ${all.toFixed(0)} ms (target ≤ 500 ms); ${forced} cancel(s) needed the worker to be terminated`);
  await client.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

void main();

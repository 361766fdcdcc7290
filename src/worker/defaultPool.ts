/**
 * The task pool a process uses for its analyses: the bundled thread script next to the running bundle
 * (dist/taskWorker.js beside dist/cli.js and dist/worker.js). Null when it is not there — code running from source
 * — and then the fits run in the calling thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ThreadTaskRunner } from './taskPool';

/** At most this many threads: the folds of one analysis are 2–10 tasks, and each thread holds a copy of the context. */
const MAX_THREADS = 4;

export function defaultTaskRunner(threads = Math.min(MAX_THREADS, availableParallelism())): ThreadTaskRunner | null {
  if (threads < 2) return null;
  const bundled = join(__dirname, 'taskWorker.js');
  return existsSync(bundled) ? new ThreadTaskRunner({ script: bundled, threads }) : null;
}

/**
 * How the CLI's process asks V8 to compile hot loops. A CLI process is ours alone (the extension's worker runs inside
 * VS Code's extension host, whose V8 flags belong to every extension, and never calls this).
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { defaultTaskRunner } from '../worker/defaultPool';
import type { ThreadTaskRunner } from '../worker/taskPool';

/** The CLI's task pool (defaultTaskRunner), with V8 told where to compile hot loops for it (compileHotLoopsInPlace). */
export function cliTaskRunner(threads?: number): ThreadTaskRunner | null {
  const runner = defaultTaskRunner(threads);
  compileHotLoopsInPlace(runner?.threads ?? 1);
  return runner;
}

/**
 * With a pool of `threads` threads (the calling one included) on every core, on-stack replacement is compiled in the
 * thread whose loop is hot instead of on V8's background compiler thread. In the background the loop goes on running
 * unoptimised, every double boxed, while the compile waits for a core the pool's threads already hold: on this
 * project's 2-core machine the 2-thread Kryptonite-18 analysis took 0.64 s that way and 0.54 s with the compile in
 * place (paired runs); the 1M × 50 one 4.10 s and 4.00 s. With a core to spare, the background compile is left alone:
 * it runs there for free (the 1-thread 1M analysis is 2.5 % slower with the compile in place).
 */
export function compileHotLoopsInPlace(threads: number): void {
  if (inPlaceOsr(threads, availableParallelism())) setFlagsFromString('--no-concurrent-osr');
}

/** Whether a pool of `threads` threads holds every one of `cores` cores (one thread alone never asks). */
export function inPlaceOsr(threads: number, cores: number): boolean {
  return threads >= 2 && threads >= cores;
}

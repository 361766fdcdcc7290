import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How late the extension host's event loop ran its timers while something was watched, in milliseconds. */
export interface LoopDelay {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly samples: number;
}

/**
 * Node's histogram samples every RESOLUTION_MS and records the time from one sample to the next, so an idle loop
 * reads RESOLUTION_MS: the delay is what lies above it (https://nodejs.org/api/perf_hooks.html#perf_hooksmonitoreventloopdelayoptions).
 */
const RESOLUTION_MS = 10;

/** Start watching the event loop; `stop()` ends it and says how late the loop was (p50, p99, max). */
export function watchEventLoop(): { stop(): LoopDelay } {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  return {
    stop: () => {
      h.disable();
      const ms = (ns: number): number => (h.count > 0 ? Math.max(0, ns / 1e6 - RESOLUTION_MS) : 0);
      return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count };
    },
  };
}

/** "p50 0.1 ms, p99 2.3 ms, max 5.0 ms over 812 samples" (the Kryptonite log's wording; the e2e test reads it). */
export function describeLoopDelay(d: LoopDelay): string {
  return `p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms over ${d.samples} samples`;
}

import { readlinkSync } from 'node:fs';
import { constants, getPriority, setPriority } from 'node:os';

/**
 * The analysis worker yields the cores to the editor. Its jobs (analysis, training) run for seconds to minutes beside
 * an editor whose every keystroke, notification and webview message passes through processes of normal priority: on
 * a busy machine a worker of the same priority halves their share, and a live training panel falls behind. So the
 * worker lowers its own thread to BELOW_NORMAL (nice 10); the pool threads it starts inherit it. On an idle machine
 * nothing changes: a nice thread still gets every core nobody else wants.
 *
 * Only on Linux, where a thread has a nice value of its own and setpriority() takes its thread id (read from
 * /proc/thread-self). Elsewhere the only id at hand names the whole extension host, which must keep its priority: the
 * worker is left at normal priority there. The result says which, for the log.
 */
export function yieldToEditor(): string {
  if (process.platform !== 'linux') return `normal priority (thread priorities are not set on ${process.platform})`;
  let tid: number;
  try {
    // "<pid>/task/<tid>"
    const m = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'));
    if (!m) return 'normal priority (no thread id in /proc/thread-self)';
    tid = Number(m[1]);
  } catch (error) {
    return `normal priority (/proc/thread-self unreadable: ${error instanceof Error ? error.message : String(error)})`;
  }
  if (tid === process.pid) return 'normal priority (running on the main thread, not a worker)';
  const below = constants.priority.PRIORITY_BELOW_NORMAL;
  try {
    // Already as nice or nicer (the editor itself was started nice): raising it back would need a privilege.
    const now = getPriority(tid);
    if (now >= below) return `nice ${now} (thread ${tid}, as started)`;
    setPriority(tid, below);
    return `nice ${below} (thread ${tid})`;
  } catch (error) {
    return `normal priority (setpriority failed: ${error instanceof Error ? error.message : String(error)})`;
  }
}

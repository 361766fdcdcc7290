/**
 * The epochs of a live training as the training panel receives them, and how several such batches become one: the
 * host posts every epoch point but at most one message per interval, the webview draws every point but at most once
 * per animation frame, and both merge what piled up with mergeLiveEpochs. Pure data, no vscode, no DOM.
 */
import type { BestMark, CurvePoint } from './training';

/** When the worker finished the first and the last epoch of a batch (wall clock, ms since 1970). */
export interface WorkerTimes {
  readonly first: number;
  readonly last: number;
}

/** Epochs of one live series: the rows they add, the series' best-epoch mark after them, the status line after them. */
export interface LiveEpochs {
  readonly series: string;
  readonly points: readonly CurvePoint[];
  /** The series' best epoch so far; it replaces the series' previous mark (one mark per series). */
  readonly best: BestMark | null;
  readonly status: string;
  /** Absent when not known (the panel's lag behind the worker is measured from it). */
  readonly workerAt?: WorkerTimes;
  /** When the host posted it (wall clock, ms since 1970): the lag splits into the host's part and the webview's. */
  readonly postedAt?: number;
}

/**
 * One batch per series, in the order the series first appear: every point in arrival order, the latest known best
 * mark (a later batch's mark supersedes an earlier one; null only when no batch had one), the last status, and the
 * times of the earliest and the latest epoch, and the earliest post.
 */
export function mergeLiveEpochs(batches: readonly LiveEpochs[]): LiveEpochs[] {
  const bySeries = new Map<string, { points: CurvePoint[]; best: BestMark | null; status: string; first: number; last: number; posted: number }>();
  for (const b of batches) {
    let m = bySeries.get(b.series);
    if (!m) {
      m = { points: [], best: null, status: b.status, first: Infinity, last: -Infinity, posted: Infinity };
      bySeries.set(b.series, m);
    }
    for (const p of b.points) m.points.push(p);
    if (b.best) m.best = b.best;
    m.status = b.status;
    if (b.postedAt !== undefined) m.posted = Math.min(m.posted, b.postedAt);
    if (b.workerAt) {
      m.first = Math.min(m.first, b.workerAt.first);
      m.last = Math.max(m.last, b.workerAt.last);
    }
  }
  return [...bySeries].map(([series, m]) => ({
    series,
    points: m.points,
    best: m.best,
    status: m.status,
    ...(Number.isFinite(m.first) ? { workerAt: { first: m.first, last: m.last } } : {}),
    ...(Number.isFinite(m.posted) ? { postedAt: m.posted } : {}),
  }));
}

/**
 * Live epochs into the embedded loss and score curves, without the DOM (the unit tests run it on a headless Vega
 * view): the rows of a frame's batches go into the named data source `points` in one changeset, and each series'
 * best-epoch mark is replaced in `best` — also in one changeset, since two changes to one data source before a run
 * keep only the last (vega-dataflow's pulse() replaces the pending input), which left every old mark on the chart.
 */
import type { Mark, Spec as VgSpec, View } from 'vega';
import type { LiveEpochs } from '../../src/engine/charts/liveEpochs';
import { BEST_DATA, CURVE_DATA, type BestMark } from '../../src/engine/charts/training';

/** vega.changeset (vega-embed re-exports vega; passed in so this file needs no bundle of its own). */
export type ChangesetFactory = () => ReturnType<typeof import('vega').changeset>;

/** The latest mark of each series among the batches (later batches supersede earlier ones). */
function latestMarks(batches: readonly LiveEpochs[]): BestMark[] {
  const marks = new Map<string, BestMark>();
  for (const b of batches) if (b.best) marks.set(b.best.series, { ...b.best });
  return [...marks.values()];
}

/** Insert the batches' rows and move their series' best marks, then run the view once. */
export async function applyLiveEpochs(view: View, batches: readonly LiveEpochs[], changeset: ChangesetFactory): Promise<void> {
  const rows = batches.flatMap((b) => b.points.map((p) => ({ ...p })));
  // A mark that did not move is left alone: most batches of a long run do not improve the validation loss.
  const shown = new Map((view.data(BEST_DATA) as BestMark[]).map((m) => [m.series, m.epoch]));
  const marks = latestMarks(batches).filter((m) => shown.get(m.series) !== m.epoch);
  if (rows.length > 0) view.change(CURVE_DATA, changeset().insert(rows));
  if (marks.length > 0) {
    const moved = new Set(marks.map((m) => m.series));
    view.change(BEST_DATA, changeset().remove((d: { series?: unknown }) => typeof d.series === 'string' && moved.has(d.series)).insert(marks));
  }
  if (rows.length > 0 || marks.length > 0) await view.runAsync();
}

/** True when a curves spec has no point yet: embedding it would only warn "Infinite extent" for its empty scales. */
export function isEmptyCurves(spec: unknown): boolean {
  const data = (spec as { datasets?: Record<string, unknown> } | null)?.datasets?.[CURVE_DATA];
  return !Array.isArray(data) || data.length === 0;
}

/** A curves spec whose data sources hold the batches' rows and marks (what is embedded at the first epoch). */
export function withLiveData(spec: unknown, batches: readonly LiveEpochs[]): unknown {
  const s = spec as { datasets?: Record<string, unknown> };
  return {
    ...s,
    datasets: { ...s.datasets, [CURVE_DATA]: batches.flatMap((b) => b.points.map((p) => ({ ...p }))), [BEST_DATA]: latestMarks(batches) },
  };
}

/**
 * The compiled curves with each line point's tooltip made once, when the point enters, instead of at every update.
 * A live update moves the scales (the epoch axis grows, the loss axis follows the curve), and Vega then re-encodes
 * every point of every line: with the tooltip in the update set that was a formatted object per point per frame —
 * under the expression interpreter the larger part of a live draw. A point's tooltip depends on its datum alone, and
 * the live curves only insert rows (never modify one), so the one made at entry stays true. Other marks and channels
 * are left as compiled.
 */
export function tooltipsOnEnter(spec: VgSpec): VgSpec {
  const move = (marks: readonly Mark[] | undefined): Mark[] | undefined =>
    marks?.map((m) => {
      const inner = 'marks' in m ? { marks: move(m.marks as Mark[] | undefined) } : {};
      const update = m.encode?.update;
      if (m.type !== 'line' || !update || !('tooltip' in update)) return { ...m, ...inner } as Mark;
      const { tooltip, ...rest } = update;
      return { ...m, ...inner, encode: { ...m.encode, enter: { ...m.encode?.enter, tooltip }, update: rest } } as Mark;
    });
  return { ...spec, marks: move(spec.marks) };
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { mergeLiveEpochs, type LiveEpochs } from '../../src/engine/charts/liveEpochs';
import { bestMark, curvesSpec, epochPoints } from '../../src/engine/charts/training';
import type { EpochMetrics } from '../../src/engine/train/types';
import { applyLiveEpochs, isEmptyCurves, tooltipsOnEnter, withLiveData } from '../../webview-ui/src/liveCurves';
import { headlessView } from './support/vegaView.mjs';

// vega-lite's node build needs the real ESM loader (see charts.test.mts).
const esmImport = (m: string): Promise<typeof import('vega-lite')> => import(m);

/** A frozen run: validation loss falls to its minimum at epoch 600, then rises (an overfitting curve). */
function history(n: number): EpochMetrics[] {
  return Array.from({ length: n }, (_, i) => {
    const e = i + 1;
    return { epoch: e, trainLoss: 1 / e, trainAccuracy: 1 - 0.5 / e, valLoss: 0.3 + ((e - 600) / 1000) ** 2, valAccuracy: 0.8, elapsedMs: e };
  });
}

/** The host's batches for a run: per epoch the rows and the best mark so far (strictly lower validation loss). */
function liveBatches(series: string, h: readonly EpochMetrics[]): LiveEpochs[] {
  let best = Infinity;
  let mark = null as ReturnType<typeof bestMark>;
  return h.map((m) => {
    if (m.valLoss < best) {
      best = m.valLoss;
      mark = bestMark(series, [m]);
    }
    return { series, points: epochPoints(series, m), best: mark, status: `epoch ${m.epoch}`, workerAt: { first: m.epoch, last: m.epoch } };
  });
}

test('live curves: embedded at the first epoch and fed 1,000 epochs in frame batches — no Vega warning, every point, one best mark per series', async () => {
  const series = ['run-a', 'run-b'];
  for (const metric of ['loss', 'accuracy'] as const) {
    const empty = curvesSpec(metric, [], [], 'accuracy');
    assert.ok(isEmptyCurves(empty), 'an empty live spec is not embedded (it would warn "Infinite extent")');
    const all = series.map((s) => liveBatches(s, history(1000)));
    // Frames of 1 to 37 epochs, both series interleaved, merged as the webview merges what piled up.
    const frames: LiveEpochs[][] = [];
    for (let i = 0, size = 1; i < 1000; i += size, size = (size * 7) % 37 || 1) frames.push(all.flatMap((b) => b.slice(i, i + size)));
    const first = mergeLiveEpochs(frames[0]);
    const spec = withLiveData(empty, first);
    assert.equal(isEmptyCurves(spec), false);
    const { view, vega, warnings } = await headlessView(spec as TopLevelSpec);
    for (const frame of frames.slice(1)) await applyLiveEpochs(view, mergeLiveEpochs(frame), vega.changeset);
    const points = view.data('points') as { series: string; epoch: number }[];
    const best = view.data('best') as { series: string; epoch: number }[];
    assert.equal(points.length, 2 * 2 * 1000, 'every epoch of both series, train and validation');
    assert.deepEqual(
      best.map((b) => [b.series, b.epoch]).sort(),
      series.map((s) => [s, 600]),
      'one best mark per series, at the minimum of the validation loss',
    );
    view.finalize();
    assert.deepEqual(warnings(), [], metric);
  }
});

test('live curves: two changes to one data source before a run keep only the last — why the best mark moves in one changeset', async () => {
  const vl = await esmImport('vega-lite');
  const vega = (await import('vega' as string)) as typeof import('vega');
  const [b1, b2] = liveBatches('a', history(2));
  const moved = { ...b2, points: [], best: { series: 'a', epoch: 3, loss: 0.2, accuracy: 0.9 } };
  const view = new vega.View(vega.parse(vl.compile(withLiveData(curvesSpec('loss'), [b1]) as TopLevelSpec).spec), { renderer: 'none' });
  await view.runAsync();
  view.remove('best', () => true).insert('best', [{ ...b2.best }]);
  await view.runAsync();
  assert.equal((view.data('best') as unknown[]).length, 2, 'the chained remove was lost (Vega behaviour this code works around)');
  await applyLiveEpochs(view, [moved], vega.changeset);
  assert.deepEqual((view.data('best') as { epoch: number }[]).map((b) => b.epoch), [3], 'one changeset: the old marks go');
  view.finalize();
});

/** Every item of the marks of `type` in a view's scenegraph. */
function itemsOf(view: InstanceType<typeof import('vega').View>, type: string): { datum: Record<string, unknown>; tooltip?: unknown; description?: unknown }[] {
  const out: { datum: Record<string, unknown>; tooltip?: unknown; description?: unknown }[] = [];
  const visit = (node: { marktype?: string; items?: unknown[] }): void => {
    for (const it of (node.items ?? []) as { items?: unknown[]; datum: Record<string, unknown> }[]) {
      if (node.marktype === type) out.push(it);
      visit(it as never);
    }
  };
  visit((view.scenegraph() as unknown as { root: unknown }).root as never);
  return out;
}

test("live curves: each line point's tooltip is made once, at entry, and still says what the compiled chart says after 1,000 epochs of moving scales", async () => {
  const vl = await esmImport('vega-lite');
  const vega = (await import('vega' as string)) as typeof import('vega');
  const frames: LiveEpochs[][] = [];
  const all = ['run-a', 'run-b'].map((s) => liveBatches(s, history(1000)));
  for (let i = 0; i < 1000; i += 16) frames.push(all.flatMap((b) => b.slice(i, i + 16)));
  for (const metric of ['loss', 'accuracy'] as const) {
    const compiled = vl.compile(withLiveData(curvesSpec(metric, [], [], 'accuracy'), mergeLiveEpochs(frames[0])) as TopLevelSpec).spec;
    const patched = tooltipsOnEnter(compiled);
    // The line's tooltip moved to the enter set; the best-epoch point keeps its own in the update set; nothing else moved.
    const marks = (spec: typeof compiled): { type: string; encode?: { enter?: Record<string, unknown>; update?: Record<string, unknown> } }[] => {
      const out: { type: string; marks?: unknown[] }[] = [];
      const walk = (ms: unknown[] | undefined): void => ms?.forEach((m) => (out.push(m as never), walk((m as { marks?: unknown[] }).marks)));
      walk(spec.marks as unknown[]);
      return out as never;
    };
    const line = marks(patched).find((m) => m.type === 'line')!;
    assert.ok(line.encode?.enter?.tooltip && !('tooltip' in (line.encode.update ?? {})), metric);
    assert.ok(!('description' in (line.encode?.update ?? {})), 'the line has no per-point ARIA description (aria: false)');
    const symbol = marks(patched).find((m) => m.type === 'symbol')!;
    assert.ok(symbol.encode?.update?.tooltip && symbol.encode.update.description, 'the best-epoch mark keeps its tooltip and description');
    assert.deepEqual(marks(compiled).map((m) => ({ ...m.encode?.update, tooltip: undefined })), marks(patched).map((m) => ({ ...m.encode?.update, tooltip: undefined })));
    // Both views fed the same frames: the same tooltip on every point.
    const views = [compiled, patched].map((spec) => new vega.View(vega.parse(spec), { renderer: 'none' }));
    for (const v of views) {
      await v.runAsync();
      for (const frame of frames.slice(1)) await applyLiveEpochs(v, mergeLiveEpochs(frame), vega.changeset);
    }
    const tips = views.map((v) => new Map(itemsOf(v, 'line').map((it) => [`${it.datum.series}/${it.datum.split}/${it.datum.epoch}`, it.tooltip])));
    assert.equal(tips[1].size, 2 * 2 * 1000);
    for (const [key, tip] of tips[0]) assert.deepEqual(tips[1].get(key), tip, key);
    assert.ok(tips[1].get('run-a/validation/600'), 'a tooltip is there');
    views.forEach((v) => v.finalize());
  }
});

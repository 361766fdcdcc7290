/**
 * The training panel's browser side (same bundle as the report panel; main.ts owns acquireVsCodeApi() and hands it
 * over when the page says `data-view="training"`). It renders what the host sends — specs built by
 * src/engine/charts/training.ts — and computes nothing: live epochs go into the embedded views as changesets on the
 * named data sources `points` and `best`, never by re-embedding, at most once per animation frame (the epochs that
 * arrived meanwhile are drawn together). Curves with no point yet are embedded with their first epochs, not before.
 */
import { vega, type Result } from 'vega-embed';
import { drawChart } from './drawChart';
import { applyLiveEpochs, isEmptyCurves, tooltipsOnEnter, withLiveData } from './liveCurves';
import { mergeLiveEpochs, type LiveEpochs } from '../../src/engine/charts/liveEpochs';
import { scoreTitle, type CurveScore } from '../../src/engine/charts/training';
import { Coalescer, type Scheduler } from '../../src/engine/coalescer';
import type { HostToTrainingWebview, TrainingRunDetails, TrainingWebviewToHost } from '../../src/protocol';
import { isHostToTrainingWebview } from '../../src/protocolGuards';

export interface TrainingVsCodeApi {
  postMessage(message: TrainingWebviewToHost): void;
  setState(state: unknown): void;
}

const CURVES = ['loss', 'accuracy'] as const;

/**
 * The next animation frame — or a timer, when frames come late: a webview's frames stop while it is hidden, and in the
 * headless workbench of the end-to-end test they were seen to come only every few hundred milliseconds — so live
 * epochs are drawn at most once per frame and never wait long for one. The counts of each (data attributes of the page)
 * say which it was.
 */
const FRAME_FALLBACK_MS = 50;
const frameCounts = { frames: 0, timers: 0 };
const frameScheduler: Scheduler = {
  now: () => performance.now(),
  schedule: (task) => {
    let done = false;
    const run = (by: 'frames' | 'timers'): void => {
      if (done) return;
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      frameCounts[by]++;
      task();
    };
    const frame = requestAnimationFrame(() => run('frames'));
    const timer = setTimeout(() => run('timers'), FRAME_FALLBACK_MS);
    return () => {
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  },
};

/**
 * How far the drawn curves lag behind the worker, kept as data attributes of the page for the end-to-end test (not
 * shown): per drawn batch, now minus when the worker sent the batch's oldest epoch, and the part of it after the host
 * posted the batch. Batches that waited for the panel's start-up — posted before the whole view on screen was drawn,
 * or drawn with the curves' first embedding — are kept apart: that wait is the panel loading, not it falling behind.
 * The times are wall-clock times of the worker, the host and the webview: comparable on one machine (as in the test).
 */
const MEASURED = 2000;
class LagMeter {
  private lags: number[] = [];
  private after: number[] = [];
  private draws: number[] = [];
  private startUp: number[] = [];
  private series = '';

  /** A batch drawn: its series, its last epoch, when the worker sent its first epoch and the host posted it, how long the draw took. */
  record(series: string, lastEpoch: number, sentAt: number | undefined, postedAt: number | undefined, drawMs: number, startUp: boolean): void {
    if (series !== this.series) {
      this.series = series;
      this.lags = [];
      this.after = [];
      this.draws = [];
      this.startUp = [];
    }
    const d = document.body.dataset;
    d.liveSeries = series;
    d.liveEpoch = String(lastEpoch);
    // The first MEASURED batches of a run are enough for the test, and keep the statistics cheap in a long run.
    if (sentAt === undefined || this.lags.length + this.startUp.length >= MEASURED) return;
    const now = Date.now();
    const lag = Math.max(0, now - sentAt);
    if (startUp) {
      this.startUp.push(lag);
      d.liveStartBatches = String(this.startUp.length);
      d.liveStartLagMaxMs = String(Math.max(...this.startUp));
      return;
    }
    this.lags.push(lag);
    this.after.push(postedAt === undefined ? 0 : Math.max(0, now - postedAt));
    this.draws.push(drawMs);
    const q = (xs: readonly number[], p: number): number => {
      const sorted = [...xs].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    };
    d.liveBatches = String(this.lags.length);
    d.liveLagP50Ms = String(q(this.lags, 0.5));
    d.liveLagP99Ms = String(q(this.lags, 0.99));
    d.liveLagMaxMs = String(q(this.lags, 1));
    d.liveDrawP50Ms = String(Math.round(q(this.draws, 0.5)));
    d.liveFrames = String(frameCounts.frames);
    d.liveFrameTimers = String(frameCounts.timers);
    d.liveLagTop = this.lags
      .map((ms, i) => [ms, i])
      .sort((a, b) => b[0] - a[0])
      .slice(0, 3)
      .map(([ms, i]) => `${ms} ms (${this.after[i]} after the host's post)`)
      .join(', ');
  }
}

export function startTrainingView(vscode: TrainingVsCodeApi, themeConfig: () => Record<string, unknown>): void {
  const app = document.getElementById('app') as HTMLElement;
  const views = new Map<string, Result>();
  let statusLine: HTMLElement | null = null;
  let cancelButton: HTMLButtonElement | null = null;
  let last: Extract<HostToTrainingWebview, { type: 'trainingView' }> | null = null;
  // Messages that arrive while the views are being embedded are applied after, in order.
  let drawing: Promise<void> = Promise.resolve();
  // The live run's state once it is no longer running (cancelled, failed, …) or being cancelled: later epochs do not
  // bring back its "epoch k" line or the Cancel button. Reset by each whole view, which carries its own status.
  let final: { readonly status: string; readonly kind: string } | null = null;
  // Curves not embedded yet because they had no point: embedded with the first epochs.
  const deferred = new Map<string, { readonly target: HTMLElement; readonly spec: unknown }>();
  const lag = new LagMeter();
  // The live epochs drawn since the last whole view, drawn again when a theme change re-renders that view.
  let streamed: LiveEpochs[] = [];
  // When the last whole view was drawn (wall clock).
  let renderedAt = 0;
  // Live epochs wait here for the next animation frame, and for the previous draw to finish.
  const live = new Coalescer<LiveEpochs>((batches) => (drawing = drawing.then(() => epochs(batches))), frameScheduler, 0);

  const send = (m: TrainingWebviewToHost): void => vscode.postMessage(m);

  function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  }

  const num = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
  const pct = (v: number | null): string => (v === null || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)} %`);
  // Errors in the target's units: four significant digits, whatever the scale of the target.
  const sig = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Number(v.toPrecision(4))));
  const score = (metric: 'accuracy' | 'r2', v: number | null): string => (metric === 'r2' ? num(v, 3) : pct(v));

  function pointCount(): number {
    const v = views.get('loss');
    return v ? (v.view.data('points') as unknown[]).length : 0;
  }

  /** What is on screen, for the host's tests: the curve points, the charts drawn, the section headings and exclusions. */
  function rendered(): TrainingWebviewToHost {
    const texts = (selector: string): string[] => [...app.querySelectorAll(selector)].map((h) => (h.textContent ?? '').slice(0, 200)).slice(0, 200);
    return { type: 'rendered', points: pointCount(), charts: [...views.keys()].slice(0, 200), headings: texts('h2, h3'), excluded: texts('.run-excluded') };
  }

  async function render(m: Extract<HostToTrainingWebview, { type: 'trainingView' }>): Promise<void> {
    last = m;
    document.body.dataset.renders = String(Number(document.body.dataset.renders ?? 0) + 1);
    vscode.setState({ v: 1, dataset: m.dataset, selected: m.selected });
    views.forEach((v) => v.finalize());
    views.clear();
    deferred.clear();
    statusLine = el('p', { class: `meta training-status${final ? ` ${final.kind}` : ''}`, role: 'status' }, final?.status ?? m.status);
    cancelButton = el('button', { type: 'button' }, 'Cancel training');
    cancelButton.addEventListener('click', cancel);
    cancelButton.hidden = m.live === null || final !== null;
    const header = el('header', {}, el('h1', {}, `Training — ${m.title}`), statusLine, el('div', { class: 'actions' }, cancelButton));
    const body: HTMLElement[] = [header];
    if (m.runs.length > 0) body.push(runPicker(m));
    const toDraw: [string, HTMLElement, unknown][] = [];
    const charts = el('div', { class: 'training-charts' });
    const heading: Record<(typeof CURVES)[number], string> = { loss: m.metric === 'r2' ? 'Loss (mean squared error)' : 'Loss', accuracy: scoreTitle(m.metric) };
    for (const id of CURVES) {
      const target = el('div', { class: 'chart', id: `chart-${id}`, role: 'img', 'aria-label': `${heading[id]} per epoch, train and validation` });
      charts.append(el('section', { 'aria-labelledby': `h-${id}` }, el('h2', { id: `h-${id}` }, heading[id]), target));
      toDraw.push([id, target, m.charts[id]]);
    }
    body.push(charts, el('p', { class: 'help' }, curvesHelp(m.metric)));
    if (m.details.length > 0) body.push(detailsTable(m.details));
    for (const d of m.details) {
      const parts: HTMLElement[] = [el('h2', {}, `Run ${d.label} — ${d.task}`), el('p', { class: 'help' }, d.config)];
      if (d.reason) parts.push(el('p', { class: 'help' }, `Why: ${d.reason}`));
      // In the table but not an input of this model: the quick fix's choice (or --exclude), so the user sees it held.
      if (d.excluded && d.excluded.length > 0) parts.push(el('p', { class: 'run-excluded' }, `Excluded by the user: ${d.excluded.join(', ')}`));
      if (d.metric === 'r2') {
        const target = el('div', { class: 'chart residual-chart', id: `chart-residuals-${d.id}`, role: 'img', 'aria-label': `Predicted against actual ${d.target ?? 'values'} on the test rows of run ${d.label}` });
        parts.push(
          el('h3', {}, `Test rows: predicted against actual${d.residualsSampled ? ' (sampled)' : ''}`),
          el(
            'p',
            { class: 'help residual-help' },
            `Each point is a test row${d.residualsSampled ? ' of a seeded sample (a large test split is sampled for the plot; the metrics use every row)' : ''}. On the dashed diagonal the prediction equals the actual value; points above it are over-predictions, below it under-predictions.`,
          ),
          target,
        );
        if (d.residuals) toDraw.push([`residuals-${d.id}`, target, d.residuals]);
        else target.replaceChildren(el('p', { class: 'status' }, 'No test rows to plot.'));
      } else {
        const target = el('div', { class: 'chart', id: `chart-confusion-${d.id}`, role: 'img', 'aria-label': `Test confusion matrix of run ${d.label}` });
        parts.push(el('h3', {}, 'Test confusion matrix'), target);
        toDraw.push([`confusion-${d.id}`, target, d.confusion]);
      }
      if (d.repeated) parts.push(repeatedTable(d));
      body.push(el('section', { class: 'run-detail' }, ...parts));
    }
    app.replaceChildren(...body);
    const config = themeConfig();
    for (const [id, target, spec] of toDraw) {
      if (!spec) continue;
      if ((id === 'loss' || id === 'accuracy') && isEmptyCurves(spec)) {
        // Empty scales would only warn ("Infinite extent"): the chart is embedded with its first points.
        deferred.set(id, { target, spec });
        target.replaceChildren(el('p', { class: 'status curves-waiting' }, m.live !== null ? 'The curves appear with the first epoch.' : 'No epochs to draw.'));
        continue;
      }
      try {
        views.set(id, await drawChart(target, spec, config, id === 'loss' || id === 'accuracy' ? tooltipsOnEnter : undefined));
      } catch (error) {
        target.replaceChildren(el('p', { class: 'status failed' }, `Could not draw this chart: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
    document.body.dataset.rendered = String(views.size);
    renderedAt = Date.now();
    send(rendered());
  }

  function runPicker(m: Extract<HostToTrainingWebview, { type: 'trainingView' }>): HTMLElement {
    const list = el('fieldset', { class: 'run-picker' }, el('legend', {}, 'Runs (tick several to overlay them)'));
    for (const r of m.runs) {
      const box = el('input', { type: 'checkbox', id: `run-${r.id}`, value: r.id });
      box.checked = m.selected.includes(r.id);
      box.addEventListener('change', () => {
        const chosen = [...list.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].filter((b) => b.checked).map((b) => b.value);
        send({ type: 'selectRuns', runs: chosen });
      });
      list.append(el('div', { class: 'run-choice' }, box, el('label', { for: `run-${r.id}` }, el('strong', {}, r.label), ` ${r.description}`)));
    }
    return list;
  }

  function curvesHelp(metric: CurveScore): string {
    const lines = 'Solid: train, dashed: validation. The dotted rule and diamond mark the best epoch (lowest validation loss) — the weights early stopping kept.';
    if (metric === 'accuracy') return lines;
    return `${lines} R² is 1 − MSE / variance of the split's targets (1: perfect, 0: no better than the mean); below 0 it is drawn at 0 (the tooltip has the value).${metric === 'mixed' ? ' Classifier runs show accuracy on the same axis.' : ''}`;
  }

  /** The final metrics of every selected run: the columns of the tasks shown (a classifier's and a regression's). */
  function detailsTable(details: readonly TrainingRunDetails[]): HTMLElement {
    const anyR2 = details.some((d) => d.metric === 'r2');
    const anyAccuracy = details.some((d) => d.metric === 'accuracy');
    const anyEnergy = details.some((d) => d.energy);
    const cols = ['run', 'task', ...(anyAccuracy ? ['test accuracy', 'test loss'] : []), ...(anyR2 ? ['test R²', 'test MAE', 'test RMSE'] : []), 'test rows', 'best epoch', 'epochs run', ...(anyEnergy ? ['energy (kWh)', 'gCO2eq'] : []), 'backend', 'kernel'];
    const rows = details.map((d) => {
      const r2 = d.metric === 'r2';
      const cells = [
        d.task,
        ...(anyAccuracy ? [r2 ? '—' : pct(d.test.accuracy), r2 ? '—' : num(d.test.loss)] : []),
        ...(anyR2 ? [r2 ? num(d.test.r2, 3) : '—', r2 ? sig(d.test.mae) : '—', r2 ? sig(d.test.rmse) : '—'] : []),
        String(d.test.rows),
        String(d.bestEpoch),
        `${d.epochsRun}${d.stoppedEarly ? ' (stopped early)' : ''}`,
        ...(anyEnergy ? [energyCell(d.energy?.kWh), energyCell(d.energy?.gCO2eq)] : []),
        d.backend,
        d.kernel,
      ];
      return el('tr', d.energy ? { title: `Energy: ${d.energy.description}` } : {}, el('th', { scope: 'row' }, d.label), ...cells.map((c) => el('td', {}, c)));
    });
    const table = el('table', { class: 'stats training-metrics' }, el('thead', {}, el('tr', {}, ...cols.map((c) => el('th', { scope: 'col' }, c)))), el('tbody', {}, ...rows));
    return el('section', { 'aria-labelledby': 'h-metrics' }, el('h2', { id: 'h-metrics' }, 'Final test metrics'), el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Final test metrics' }, table));
  }

  function repeatedTable(d: TrainingRunDetails): HTMLElement {
    const r = d.repeated!;
    const energy = r.rows.some((x) => x.kWh !== undefined);
    const rows = r.rows.map((x) =>
      el('tr', {}, el('th', { scope: 'row' }, x.label), el('td', {}, String(x.seed ?? '—')), el('td', {}, score(d.metric, x.accuracy)), el('td', {}, String(x.epochsRun ?? '—')), ...(energy ? [el('td', {}, energyCell(x.kWh)), el('td', {}, energyCell(x.gCO2eq))] : [])),
    );
    rows.push(el('tr', { class: 'summary' }, el('th', { scope: 'row' }, 'mean ± sd'), el('td', {}, ''), el('td', {}, `${score(d.metric, r.mean)} ± ${score(d.metric, r.sd)}`), el('td', {}, ''), ...(energy ? [el('td', {}, ''), el('td', {}, '')] : [])));
    const name = d.metric === 'r2' ? 'test R²' : 'test accuracy';
    return el(
      'div',
      {},
      el('h3', {}, `Repeated runs (${r.rows.length} seeds)`),
      el('table', { class: 'stats repeated-runs' }, el('thead', {}, el('tr', {}, ...['run', 'seed', name, 'epochs', ...(energy ? [`energy (kWh, ${r.energyMethod === 'rapl' ? 'RAPL' : r.energyMethod === 'cpuTime' ? 'CPU-time estimate' : 'not measured'})`, 'gCO2eq'] : [])].map((c) => el('th', { scope: 'col' }, c)))), el('tbody', {}, ...rows)),
    );
  }

  /**
   * The epochs that arrived since the last frame: their rows inserted and their series' best-epoch marks moved, one
   * changeset per data source and view (no re-embed); curves still waiting for a point are embedded with them.
   */
  async function epochs(arrived: readonly LiveEpochs[], replay = false): Promise<void> {
    const batches = mergeLiveEpochs(arrived);
    if (batches.length === 0) return;
    const started = performance.now();
    if (!replay) streamed.push(...batches);
    const newest = batches[batches.length - 1];
    // Posted before the whole view on screen was drawn: these epochs waited for it (the panel's start-up).
    const startUp = batches.some((b) => b.postedAt !== undefined && b.postedAt < renderedAt);
    if (final === null) {
      if (statusLine) statusLine.textContent = newest.status;
      if (cancelButton) cancelButton.hidden = false;
    }
    const config = themeConfig();
    let embedded = false;
    for (const id of CURVES) {
      const v = views.get(id)?.view;
      if (v) {
        await applyLiveEpochs(v, batches, vega.changeset);
        continue;
      }
      const waiting = deferred.get(id);
      if (!waiting || batches.every((b) => b.points.length === 0)) continue;
      deferred.delete(id);
      embedded = true;
      try {
        views.set(id, await drawChart(waiting.target, withLiveData(waiting.spec, batches), config, tooltipsOnEnter));
      } catch (error) {
        waiting.target.replaceChildren(el('p', { class: 'status failed' }, `Could not draw this chart: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
    document.body.dataset.rendered = String(views.size);
    for (const b of batches) {
      const lastPoint = b.points[b.points.length - 1];
      if (lastPoint && !replay) lag.record(b.series, lastPoint.epoch, b.workerAt?.first, b.postedAt, performance.now() - started, embedded || startUp);
    }
    send(rendered());
  }

  /** A new state of the live run, shown at once (not after the draws queued before it). */
  function status(text: string, kind: 'running' | 'done' | 'cancelled' | 'failed'): void {
    final = kind === 'running' ? null : { status: text, kind };
    if (statusLine) {
      statusLine.textContent = text;
      statusLine.className = `meta training-status ${kind}`;
    }
    if (cancelButton) cancelButton.hidden = kind !== 'running';
    // A re-render (a theme change) shows this state, not the one the last view was posted with.
    if (last) last = { ...last, status: text, live: kind === 'running' ? last.live : null };
    document.body.dataset.liveState = kind;
    if (kind === 'cancelled') document.body.dataset.cancelShownAt = String(Date.now());
  }

  /** The Cancel button: gone at once, the host asked; its answer ("Cancelled at epoch k") follows. */
  function cancel(): void {
    document.body.dataset.cancelClickedAt = String(Date.now());
    final = { status: 'Cancelling…', kind: 'cancelling' };
    if (statusLine) statusLine.textContent = final.status;
    if (cancelButton) cancelButton.hidden = true;
    send({ type: 'cancel' });
  }

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = event.data;
    if (!isHostToTrainingWebview(message)) return;
    const m: HostToTrainingWebview = message;
    switch (m.type) {
      case 'trainingView':
        // The view holds every live point so far: epochs still waiting are in it.
        live.clear();
        streamed = [];
        final = null;
        drawing = drawing.then(() => render(m));
        return;
      case 'trainingEpoch':
        live.push(m);
        return;
      case 'trainingStatus':
        status(m.status, m.kind);
        return;
    }
  });

  // Re-render on a theme change (VS Code swaps the body class), keeping what is on screen — only on a real change: the
  // class attribute is also written with its old value.
  let bodyClass = document.body.className;
  new MutationObserver(() => {
    if (document.body.className === bodyClass) return;
    bodyClass = document.body.className;
    if (!last) return;
    drawing = drawing.then(async () => {
      await render(last!);
      if (streamed.length > 0) await epochs(streamed, true);
    });
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  send({ type: 'ready' });
}

/** An energy figure in the runs' tables: three significant digits in scientific notation, "—" when not measured. */
function energyCell(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toExponential(2);
}

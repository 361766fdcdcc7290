/**
 * The training panel's browser side (same bundle as the report panel; main.ts owns acquireVsCodeApi() and hands it
 * over when the page says `data-view="training"`). It renders what the host sends — specs built by
 * src/engine/charts/training.ts — and computes nothing: live epochs go into the embedded views as changesets on the
 * named data sources `points` and `best`, never by re-embedding.
 */
import type { Result } from 'vega-embed';
import { drawChart } from './drawChart';
import { scoreTitle, type BestMark, type CurvePoint, type CurveScore } from '../../src/engine/charts/training';
import type { HostToTrainingWebview, TrainingRunDetails, TrainingWebviewToHost } from '../../src/protocol';
import { isHostToTrainingWebview } from '../../src/protocolGuards';

export interface TrainingVsCodeApi {
  postMessage(message: TrainingWebviewToHost): void;
  setState(state: unknown): void;
}

const CURVES = ['loss', 'accuracy'] as const;

export function startTrainingView(vscode: TrainingVsCodeApi, themeConfig: () => Record<string, unknown>): void {
  const app = document.getElementById('app') as HTMLElement;
  const views = new Map<string, Result>();
  let statusLine: HTMLElement | null = null;
  let cancelButton: HTMLButtonElement | null = null;
  let last: Extract<HostToTrainingWebview, { type: 'trainingView' }> | null = null;
  // Messages that arrive while the views are being embedded are applied after, in order.
  let drawing: Promise<void> = Promise.resolve();

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
    vscode.setState({ v: 1, dataset: m.dataset, selected: m.selected });
    views.forEach((v) => v.finalize());
    views.clear();
    statusLine = el('p', { class: 'meta training-status', role: 'status' }, m.status);
    cancelButton = el('button', { type: 'button' }, 'Cancel training');
    cancelButton.addEventListener('click', () => send({ type: 'cancel' }));
    cancelButton.hidden = m.live === null;
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
      try {
        views.set(
          id,
          await drawChart(target, spec, config),
        );
      } catch (error) {
        target.replaceChildren(el('p', { class: 'status failed' }, `Could not draw this chart: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
    document.body.dataset.rendered = String(views.size);
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
    const cols = ['run', 'task', ...(anyAccuracy ? ['test accuracy', 'test loss'] : []), ...(anyR2 ? ['test R²', 'test MAE', 'test RMSE'] : []), 'test rows', 'best epoch', 'epochs run', 'backend', 'kernel'];
    const rows = details.map((d) => {
      const r2 = d.metric === 'r2';
      const cells = [
        d.task,
        ...(anyAccuracy ? [r2 ? '—' : pct(d.test.accuracy), r2 ? '—' : num(d.test.loss)] : []),
        ...(anyR2 ? [r2 ? num(d.test.r2, 3) : '—', r2 ? sig(d.test.mae) : '—', r2 ? sig(d.test.rmse) : '—'] : []),
        String(d.test.rows),
        String(d.bestEpoch),
        `${d.epochsRun}${d.stoppedEarly ? ' (stopped early)' : ''}`,
        d.backend,
        d.kernel,
      ];
      return el('tr', {}, el('th', { scope: 'row' }, d.label), ...cells.map((c) => el('td', {}, c)));
    });
    const table = el('table', { class: 'stats training-metrics' }, el('thead', {}, el('tr', {}, ...cols.map((c) => el('th', { scope: 'col' }, c)))), el('tbody', {}, ...rows));
    return el('section', { 'aria-labelledby': 'h-metrics' }, el('h2', { id: 'h-metrics' }, 'Final test metrics'), el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Final test metrics' }, table));
  }

  function repeatedTable(d: TrainingRunDetails): HTMLElement {
    const r = d.repeated!;
    const rows = r.rows.map((x) => el('tr', {}, el('th', { scope: 'row' }, x.label), el('td', {}, String(x.seed ?? '—')), el('td', {}, score(d.metric, x.accuracy)), el('td', {}, String(x.epochsRun ?? '—'))));
    rows.push(el('tr', { class: 'summary' }, el('th', { scope: 'row' }, 'mean ± sd'), el('td', {}, ''), el('td', {}, `${score(d.metric, r.mean)} ± ${score(d.metric, r.sd)}`), el('td', {}, '')));
    const name = d.metric === 'r2' ? 'test R²' : 'test accuracy';
    return el(
      'div',
      {},
      el('h3', {}, `Repeated runs (${r.rows.length} seeds)`),
      el('table', { class: 'stats repeated-runs' }, el('thead', {}, el('tr', {}, ...['run', 'seed', name, 'epochs'].map((c) => el('th', { scope: 'col' }, c)))), el('tbody', {}, ...rows)),
    );
  }

  /** Insert one epoch's rows and move the series' best-epoch mark: a changeset per view, no re-embed. */
  async function epoch(series: string, points: readonly CurvePoint[], best: BestMark | null, status: string): Promise<void> {
    if (statusLine) statusLine.textContent = status;
    if (cancelButton) cancelButton.hidden = false;
    for (const id of CURVES) {
      const v = views.get(id)?.view;
      if (!v) continue;
      v.insert('points', points.map((p) => ({ ...p })));
      if (best) v.remove('best', (d: { series?: string }) => d.series === series).insert('best', [{ ...best }]);
      await v.runAsync();
    }
    send(rendered());
  }

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = event.data;
    if (!isHostToTrainingWebview(message)) return;
    const m: HostToTrainingWebview = message;
    drawing = drawing.then(async () => {
      switch (m.type) {
        case 'trainingView':
          await render(m);
          return;
        case 'trainingEpoch':
          await epoch(m.series, m.points, m.best, m.status);
          return;
        case 'trainingStatus':
          if (statusLine) {
            statusLine.textContent = m.status;
            statusLine.className = `meta training-status ${m.kind}`;
          }
          if (cancelButton) cancelButton.hidden = m.kind !== 'running';
          return;
      }
    });
  });

  // Re-render on a theme change (VS Code swaps the body class), keeping what is on screen.
  new MutationObserver(() => {
    if (last) drawing = drawing.then(() => render(last!));
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  send({ type: 'ready' });
}

/**
 * The training panel's browser side (same bundle as the report panel; main.ts owns acquireVsCodeApi() and hands it
 * over when the page says `data-view="training"`). It renders what the host sends — specs built by
 * src/engine/charts/training.ts — and computes nothing: live epochs go into the embedded views as changesets on the
 * named data sources `points` and `best`, never by re-embedding.
 */
import type { Result } from 'vega-embed';
import { drawChart } from './drawChart';
import type { BestMark, CurvePoint } from '../../src/engine/charts/training';
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

  const num = (v: number | null, digits = 4): string => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(digits));
  const pct = (v: number | null): string => (v === null || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)} %`);

  function pointCount(): number {
    const v = views.get('loss');
    return v ? (v.view.data('points') as unknown[]).length : 0;
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
    const targets: [string, HTMLElement][] = [];
    const charts = el('div', { class: 'training-charts' });
    for (const id of CURVES) {
      const target = el('div', { class: 'chart', id: `chart-${id}`, role: 'img', 'aria-label': `${id === 'loss' ? 'Loss' : 'Accuracy'} per epoch, train and validation` });
      charts.append(el('section', { 'aria-labelledby': `h-${id}` }, el('h2', { id: `h-${id}` }, id === 'loss' ? 'Loss' : 'Accuracy'), target));
      targets.push([id, target]);
    }
    body.push(charts, el('p', { class: 'help' }, 'Solid: train, dashed: validation. The dotted rule and diamond mark the best epoch (lowest validation loss) — the weights early stopping kept.'));
    const confusionTargets: [string, HTMLElement][] = [];
    if (m.details.length > 0) body.push(detailsTable(m.details));
    for (const d of m.details) {
      const target = el('div', { class: 'chart', id: `chart-confusion-${d.id}`, role: 'img', 'aria-label': `Test confusion matrix of run ${d.label}` });
      const parts: HTMLElement[] = [el('h2', {}, `Run ${d.label}`), el('p', { class: 'help' }, d.config), el('h3', {}, 'Test confusion matrix'), target];
      if (d.repeated) parts.push(repeatedTable(d));
      body.push(el('section', { class: 'run-detail' }, ...parts));
      confusionTargets.push([`confusion-${d.id}`, target]);
    }
    app.replaceChildren(...body);
    const config = themeConfig();
    const toDraw: [string, HTMLElement, unknown][] = [
      ...targets.map(([id, t]): [string, HTMLElement, unknown] => [id, t, m.charts[id]]),
      ...confusionTargets.map(([id, t], i): [string, HTMLElement, unknown] => [id, t, m.details[i].confusion]),
    ];
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
    send({ type: 'rendered', points: pointCount() });
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

  function detailsTable(details: readonly TrainingRunDetails[]): HTMLElement {
    const cols = ['run', 'test accuracy', 'test loss', 'test rows', 'best epoch', 'epochs run', 'backend', 'kernel'];
    const rows = details.map((d) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, d.label),
        ...[pct(d.test.accuracy), num(d.test.loss), String(d.test.rows), String(d.bestEpoch), `${d.epochsRun}${d.stoppedEarly ? ' (stopped early)' : ''}`, d.backend, d.kernel].map((c) => el('td', {}, c)),
      ),
    );
    const table = el('table', { class: 'stats training-metrics' }, el('thead', {}, el('tr', {}, ...cols.map((c) => el('th', { scope: 'col' }, c)))), el('tbody', {}, ...rows));
    return el('section', { 'aria-labelledby': 'h-metrics' }, el('h2', { id: 'h-metrics' }, 'Final test metrics'), el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Final test metrics' }, table));
  }

  function repeatedTable(d: TrainingRunDetails): HTMLElement {
    const r = d.repeated!;
    const rows = r.rows.map((x) => el('tr', {}, el('th', { scope: 'row' }, x.label), el('td', {}, String(x.seed ?? '—')), el('td', {}, pct(x.accuracy)), el('td', {}, String(x.epochsRun ?? '—'))));
    rows.push(el('tr', { class: 'summary' }, el('th', { scope: 'row' }, 'mean ± sd'), el('td', {}, ''), el('td', {}, `${pct(r.mean)} ± ${pct(r.sd)}`), el('td', {}, '')));
    return el(
      'div',
      {},
      el('h3', {}, `Repeated runs (${r.rows.length} seeds)`),
      el('table', { class: 'stats repeated-runs' }, el('thead', {}, el('tr', {}, ...['run', 'seed', 'test accuracy', 'epochs'].map((c) => el('th', { scope: 'col' }, c)))), el('tbody', {}, ...rows)),
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
    send({ type: 'rendered', points: pointCount() });
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

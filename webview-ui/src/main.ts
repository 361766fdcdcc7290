/**
 * The report panel's browser side: the only acquireVsCodeApi() call. It renders what the host sends (the JSON report
 * and Vega-Lite specs built by src/engine/charts) and computes nothing. Vega runs with its expression interpreter
 * (`ast: true`), so the CSP never has to allow string evaluation; vega-embed's and vega-tooltip's injected <style>
 * are turned off and shipped as media/panel.css instead, so it never has to allow inline styles either.
 */
import type { Result } from 'vega-embed';
import { drawChart } from './drawChart';
import { EXPORT_THEME_VARIABLES } from '../../src/exportTheme';
import { button, el, themeConfig } from './dom';
import type { HostToWebview, WebviewToHost } from '../../src/protocol';
import { isHostToWebview } from '../../src/protocolGuards';
import { ReportView } from './report';
import { startCompareView, type CompareVsCodeApi } from './compare';
import { startTrainingView, type TrainingVsCodeApi } from './training';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
/** The hypotheses view's chart (the report view keeps its own). */
const views = new Map<string, Result>();

function send(message: WebviewToHost): void {
  vscode.postMessage(message);
}

const report = new ReportView(app, send);

function status(text: string, kind: 'running' | 'failed' | 'info', actions: HTMLElement[] = []): void {
  views.forEach((v) => v.finalize());
  views.clear();
  report.clear();
  app.replaceChildren(
    el('div', { class: `status ${kind}`, role: kind === 'failed' ? 'alert' : 'status' }, el('p', {}, text), ...(actions.length ? [el('div', { class: 'actions' }, ...actions)] : [])),
  );
}

/** "Compare Hypotheses": the rules of a .kryp file ranked by accuracy, a table and the interval chart. */
let lastHypotheses: Extract<HostToWebview, { type: 'hypotheses' }> | null = null;

async function renderHypotheses(m: Extract<HostToWebview, { type: 'hypotheses' }>): Promise<void> {
  lastHypotheses = m;
  report.clear();
  views.forEach((v) => v.finalize());
  views.clear();
  const f4 = (v: number | null): string => (v === null ? '—' : v.toFixed(4));
  const ci = (c: readonly [number, number] | null): string => (c ? `[${c[0].toFixed(4)}, ${c[1].toFixed(4)}]` : '');
  const cols = ['#', 'rule', 'accuracy', '95 % interval', 'rows', 'test', 'test 95 %', 'test rows'];
  const rows = m.ranked.map((r) =>
    el(
      'tr',
      {},
      el('td', {}, r.rank === null ? '—' : `#${r.rank}`),
      el('th', { scope: 'row', class: 'rule' }, el('code', {}, r.source), ...(r.error ? [el('div', { class: 'status failed' }, r.error)] : [])),
      ...[f4(r.accuracy), ci(r.ci95), String(r.rows), f4(r.testAccuracy), ci(r.testCi95), String(r.testRows)].map((c) => el('td', {}, c)),
    ),
  );
  const table = el('table', { class: 'stats hypotheses' }, el('thead', {}, el('tr', {}, ...cols.map((c) => el('th', { scope: 'col' }, c)))), el('tbody', {}, ...rows));
  const target = el('div', { class: 'chart', id: 'chart-hypotheses', role: 'img', 'aria-label': 'Accuracy of each hypothesis with its 95 % interval' });
  app.replaceChildren(
    el(
      'header',
      {},
      el('h1', {}, m.title),
      el('p', { class: 'meta' }, `${m.ranked.length} rule(s) on ${m.dataset || 'no dataset'} · ranked by accuracy on all labelled rows · test split seed ${m.seed}, 60/20/20`),
      el('div', { class: 'actions' }, button('Re-evaluate', () => send({ type: 'reanalyse' }))),
    ),
    el('section', { 'aria-label': 'Ranked hypotheses' }, el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Ranked hypotheses' }, table)),
    ...(m.chart ? [el('section', { 'aria-label': 'Accuracy chart' }, target)] : []),
  );
  if (m.chart) {
    try {
      views.set('hypotheses', await drawChart(target, m.chart, themeConfig()));
    } catch (error) {
      target.replaceChildren(el('p', { class: 'status failed' }, `Could not draw this chart: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
  document.body.dataset.rendered = String(views.size);
}

async function collectExport(id: number): Promise<void> {
  const charts: Record<string, string> = {};
  for (const [name, v] of report.current ? report.charts : views) charts[name] = await v.view.toSVG();
  // The colours the charts were drawn with, for the exported page (see src/exportTheme.ts).
  const css = getComputedStyle(document.body);
  const theme: Record<string, string> = {};
  for (const name of EXPORT_THEME_VARIABLES) {
    const value = css.getPropertyValue(name).trim();
    if (value) theme[name] = value;
  }
  send({ type: 'exportData', id, charts, theme });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostToWebview(message)) return;
  const m: HostToWebview = message;
  switch (m.type) {
    case 'analysing':
      vscode.setState({ v: 1, dataset: m.dataset });
      // With a report on screen, a re-analysis is a line above it; the report stays until the new one arrives.
      if (report.current?.dataset === m.dataset) report.progress(`Re-analysing… ${m.message}`);
      else status(`Analysing… ${m.message}`, 'running', [button('Cancel', () => send({ type: 'cancel' }))]);
      return;
    case 'report':
      vscode.setState({ v: 1, dataset: m.dataset });
      lastHypotheses = null;
      void report.render(m);
      return;
    case 'stale':
      report.markStale(m.message);
      return;
    case 'failed': {
      vscode.setState({ v: 1, dataset: m.dataset });
      const shown = report.current;
      if (shown?.dataset === m.dataset) {
        report.progress(null);
        report.markStale(`The re-analysis failed (${m.message}); this report is from before.`);
      } else status(`The analysis failed: ${m.message}`, 'failed', [button('Try again', () => send({ type: 'reanalyse' }))]);
      return;
    }
    case 'cancelled': {
      const shown = report.current;
      if (shown?.dataset === m.dataset) report.progress(null);
      else status('The analysis was cancelled.', 'info', [button('Analyse', () => send({ type: 'reanalyse' }))]);
      return;
    }
    case 'collectExport':
      void collectExport(m.id);
      return;
    case 'hypotheses':
      void renderHypotheses(m);
      return;
  }
});

// Re-render charts when the theme changes (VS Code swaps the body class).
new MutationObserver(() => {
  const shown = report.current;
  if (lastHypotheses) void renderHypotheses(lastHypotheses);
  else if (shown) void report.render(shown);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

// The training panel loads this same bundle with <body data-view="training">: it takes the page over and sends its own `ready`.
if (document.body.dataset.view === 'training') startTrainingView(vscode as unknown as TrainingVsCodeApi, themeConfig);
else if (document.body.dataset.view === 'compare') startCompareView(vscode as unknown as CompareVsCodeApi, themeConfig);
else send({ type: 'ready' });

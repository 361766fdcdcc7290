/**
 * The report panel's browser side: the only acquireVsCodeApi() call. It renders what the host sends (the JSON report
 * and Vega-Lite specs built by src/engine/charts) and computes nothing. Vega runs with its expression interpreter
 * (`ast: true`), so the CSP never has to allow string evaluation; vega-embed's and vega-tooltip's injected <style>
 * are turned off and shipped as media/panel.css instead, so it never has to allow inline styles either.
 */
import type { Result } from 'vega-embed';
import { drawChart } from './drawChart';
import type { HostToWebview, WebviewToHost } from '../../src/protocol';
import { isHostToWebview } from '../../src/protocolGuards';
import type { Report } from '../../src/engine/report';
import { startTrainingView, type TrainingVsCodeApi } from './training';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  setState(state: unknown): void;
  getState(): unknown;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
const views = new Map<string, Result>();

const SECTIONS: { id: string; title: string; help: string }[] = [
  { id: 'histograms', title: 'Distributions', help: 'Probability mass of every feature; colour = shape class.' },
  { id: 'relevance', title: 'Relevance per feature', help: "Each feature's share of the L1 model's coefficient mass." },
  { id: 'terms', title: 'Top L1 interaction terms', help: 'Non-zero coefficients of the L1 logistic regression over interaction terms.' },
  { id: 'hypotheses', title: 'Hypotheses', help: 'Accuracy of the claimed rule with its 95 % interval, and without each feature.' },
  { id: 'correlation', title: 'Correlation', help: 'Pearson r between features and the label.' },
  { id: 'pca', title: 'PCA', help: 'First two principal components of the standardised features, coloured by label.' },
];

function send(message: WebviewToHost): void {
  vscode.postMessage(message);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function button(text: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', ...attrs }, text);
  b.addEventListener('click', onClick);
  return b;
}

/** Vega config from VS Code's theme variables, read at render time (so light, dark and high contrast all work). */
function themeConfig(): Record<string, unknown> {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const fg = v('--vscode-editor-foreground', v('--vscode-foreground', '#333'));
  const muted = v('--vscode-descriptionForeground', fg);
  const grid = v('--vscode-editorIndentGuide-background1', v('--vscode-panel-border', '#8884'));
  const font = v('--vscode-font-family', 'sans-serif');
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  return {
    background: null,
    font,
    axis: { labelColor: muted, titleColor: fg, domainColor: grid, tickColor: grid, gridColor: grid, labelFont: font, titleFont: font },
    legend: { labelColor: fg, titleColor: fg, labelFont: font, titleFont: font },
    header: { labelColor: fg, titleColor: fg, labelFont: font },
    title: { color: fg, font },
    view: { stroke: highContrast ? fg : null },
    mark: highContrast ? { stroke: fg, strokeWidth: 0.5 } : {},
    rule: { color: fg },
    text: { color: fg },
  };
}

function status(text: string, kind: 'running' | 'failed' | 'info', actions: HTMLElement[] = []): void {
  views.forEach((v) => v.finalize());
  views.clear();
  app.replaceChildren(
    el('div', { class: `status ${kind}`, role: kind === 'failed' ? 'alert' : 'status' }, el('p', {}, text), ...(actions.length ? [el('div', { class: 'actions' }, ...actions)] : [])),
  );
}

let lastReport: { report: Report; charts: Record<string, unknown> } | null = null;

async function renderReport(report: Report, charts: Record<string, unknown>): Promise<void> {
  lastReport = { report, charts };
  views.forEach((v) => v.finalize());
  views.clear();
  const d = report.dataset;
  const header = el(
    'header',
    {},
    el('h1', {}, d.path.split(/[\\/]/).pop() ?? d.path),
    el('p', { class: 'meta' }, `${d.rows.toLocaleString('en')} rows · ${d.featureCount} features · label ${d.label ? `${d.label.name} (${d.label.classes.length} classes)` : 'none'} · ${Math.round(report.timings.totalMs)} ms`),
    el('div', { class: 'actions' }, button('Re-analyse', () => send({ type: 'reanalyse' })), button('Export report (HTML)', () => send({ type: 'exportReport' }))),
  );
  const body: HTMLElement[] = [header];
  if (report.relevance?.crossCheck.statement) body.push(el('p', { class: 'finding' }, report.relevance.crossCheck.statement));
  if (report.hypotheses?.[0]) body.push(el('p', { class: 'finding' }, `Rule found: `, el('code', {}, report.hypotheses[0].rule), ` — accuracy ${((report.hypotheses[0].accuracy ?? 0) * 100).toFixed(1)} %`));
  if (report.warnings.length) {
    body.push(el('details', { class: 'warnings' }, el('summary', {}, `${report.warnings.length} warning(s) while reading`), el('ul', {}, ...report.warnings.map((w) => el('li', {}, w.message)))));
  }
  const targets: [string, HTMLElement][] = [];
  for (const s of SECTIONS) {
    if (!charts[s.id]) continue;
    const target = el('div', { class: 'chart', id: `chart-${s.id}`, role: 'img', 'aria-label': `${s.title}: ${s.help}` });
    const tools = el(
      'div',
      { class: 'actions' },
      button('SVG', () => void exportChart(s.id, 'svg'), { 'aria-label': `Export ${s.title} as SVG` }),
      button('PNG', () => void exportChart(s.id, 'png'), { 'aria-label': `Export ${s.title} as PNG` }),
    );
    body.push(el('section', { 'aria-labelledby': `h-${s.id}` }, el('div', { class: 'section-head' }, el('h2', { id: `h-${s.id}` }, s.title), tools), el('p', { class: 'help' }, s.help), target));
    targets.push([s.id, target]);
  }
  body.push(el('section', { 'aria-labelledby': 'h-stats' }, el('h2', { id: 'h-stats' }, 'Per-feature statistics'), statsTable(report)));
  app.replaceChildren(...body);
  const config = themeConfig();
  for (const [id, target] of targets) {
    try {
      const result = await drawChart(target, charts[id], config);
      views.set(id, result);
    } catch (error) {
      target.replaceChildren(el('p', { class: 'status failed' }, `Could not draw this chart: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
  document.body.dataset.rendered = String(views.size);
}

function statsTable(report: Report): HTMLElement {
  const n = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Number(v.toPrecision(4))));
  const cols = ['feature', 'shape', 'relevance', 'count', 'missing', 'mean', 'sd', 'min', 'median', 'max', 'skew', 'kurt.', 'distinct'];
  const rows = report.features.map((f) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, f.name),
      ...[f.shape, f.relevance ?? '—', String(f.stats.count), String(f.stats.missing), n(f.stats.mean), n(f.stats.sd), n(f.stats.min), n(f.stats.quantiles?.p50), n(f.stats.max), n(f.stats.skewness), n(f.stats.kurtosis), String(f.stats.distinct)].map((c, i) =>
        el('td', i < 2 ? { class: `tag ${c}` } : {}, c),
      ),
    ),
  );
  const table = el('table', { class: 'stats' }, el('thead', {}, el('tr', {}, ...cols.map((c) => el('th', { scope: 'col' }, c)))), el('tbody', {}, ...rows));
  // The wrapper scrolls horizontally at narrow widths and is focusable so keyboard users can scroll it.
  return el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Per-feature statistics' }, table);
}

/** "Compare Hypotheses": the rules of a .kryp file ranked by accuracy, a table and the interval chart. */
let lastHypotheses: Extract<HostToWebview, { type: 'hypotheses' }> | null = null;

async function renderHypotheses(m: Extract<HostToWebview, { type: 'hypotheses' }>): Promise<void> {
  lastHypotheses = m;
  views.forEach((v) => v.finalize());
  views.clear();
  const f4 = (v: number | null): string => (v === null ? '—' : v.toFixed(4));
  const ci = (c: readonly [number, number] | null): string => (c ? `[${c[0].toFixed(4)}, ${c[1].toFixed(4)}]` : '');
  const cols = ['#', 'rule', 'accuracy', '95 % interval', 'rows', 'test', 'test 95 %', 'test rows'];
  const rows = m.ranked.map((r) =>
    el(
      'tr',
      {},
      el('td', {}, r.rank === null ? '—' : String(r.rank)),
      el('th', { scope: 'row' }, el('code', {}, r.source), ...(r.error ? [el('div', { class: 'status failed' }, r.error)] : [])),
      ...[f4(r.accuracy), ci(r.ci95), String(r.rows), f4(r.testAccuracy), ci(r.testCi95), String(r.testRows)].map((c) => el('td', {}, c)),
    ),
  );
  const table = el('table', { class: 'stats' }, el('thead', {}, el('tr', {}, ...cols.map((c) => el('th', { scope: 'col' }, c)))), el('tbody', {}, ...rows));
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

async function exportChart(id: string, format: 'svg' | 'png'): Promise<void> {
  const v = views.get(id);
  if (!v) return;
  const data = format === 'svg' ? await v.view.toSVG() : await v.view.toImageURL('png', 2);
  send({ type: 'exportChart', chart: id, format, data });
}

async function collectExport(id: number): Promise<void> {
  const charts: Record<string, string> = {};
  for (const [name, v] of views) charts[name] = await v.view.toSVG();
  send({ type: 'exportData', id, charts });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostToWebview(message)) return;
  const m: HostToWebview = message;
  switch (m.type) {
    case 'analysing':
      vscode.setState({ v: 1, dataset: m.dataset });
      status(`Analysing… ${m.message}`, 'running', [button('Cancel', () => send({ type: 'cancel' }))]);
      return;
    case 'report':
      vscode.setState({ v: 1, dataset: m.dataset });
      void renderReport(m.report, m.charts as Record<string, unknown>);
      return;
    case 'failed':
      vscode.setState({ v: 1, dataset: m.dataset });
      status(`The analysis failed: ${m.message}`, 'failed', [button('Try again', () => send({ type: 'reanalyse' }))]);
      return;
    case 'cancelled':
      if (lastReport) void renderReport(lastReport.report, lastReport.charts);
      else status('The analysis was cancelled.', 'info', [button('Analyse', () => send({ type: 'reanalyse' }))]);
      return;
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
  if (lastHypotheses) void renderHypotheses(lastHypotheses);
  else if (lastReport) void renderReport(lastReport.report, lastReport.charts);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

// The training panel loads this same bundle with <body data-view="training">: it takes the page over and sends its own `ready`.
if (document.body.dataset.view === 'training') startTrainingView(vscode as unknown as TrainingVsCodeApi, themeConfig);
else send({ type: 'ready' });

/**
 * The Compare Datasets panel's browser side (same bundle; main.ts hands over acquireVsCodeApi() when the page says
 * `data-view="compare"`). It renders what the host sends — the comparison and specs from src/engine/charts/compare.ts
 * — and computes nothing. In a narrow panel the table scrolls in a visible, focusable box, verdicts wrap, and a
 * filter box narrows long feature lists (table rows and PMF charts alike).
 */
import type { Result } from 'vega-embed';
import { drawChart } from './drawChart';
import { button, el } from './dom';
import { FEATURE_CELL_TITLES, featureCells, pValueText } from '../../src/engine/compare/cells';
import type { CompareReport } from '../../src/engine/compare/compare';
import { OVERVIEW_CHART_ID, pmfChartId } from '../../src/engine/charts/compare';
import type { CompareWebviewToHost, HostToCompareWebview } from '../../src/protocol';
import { isHostToCompareWebview } from '../../src/protocolGuards';

export interface CompareVsCodeApi {
  postMessage(message: CompareWebviewToHost): void;
  setState(state: unknown): void;
}

export function startCompareView(vscode: CompareVsCodeApi, themeConfig: () => Record<string, unknown>): void {
  const app = document.getElementById('app') as HTMLElement;
  const views = new Map<string, Result>();
  let last: Extract<HostToCompareWebview, { type: 'compareResult' }> | null = null;
  const send = (m: CompareWebviewToHost): void => vscode.postMessage(m);

  const clear = (): void => {
    views.forEach((v) => v.finalize());
    views.clear();
  };

  const status = (title: string, text: string, kind: 'running' | 'failed' | 'info', actions: HTMLElement[]): void => {
    // A comparison on screen stays while a new one runs: the status goes above it.
    const line = el('div', { class: `status ${kind}`, role: kind === 'failed' ? 'alert' : 'status', id: 'compare-status' }, el('p', {}, text), ...(actions.length ? [el('div', { class: 'actions' }, ...actions)] : []));
    const existing = document.getElementById('compare-status');
    if (last && existing) {
      existing.replaceWith(line);
      return;
    }
    clear();
    last = null;
    app.replaceChildren(el('header', {}, el('h1', {}, title)), line);
  };

  const render = async (m: Extract<HostToCompareWebview, { type: 'compareResult' }>): Promise<void> => {
    last = m;
    clear();
    const r: CompareReport = m.report;
    const p = pValueText;
    const n = (x: number): string => x.toLocaleString('en-US');
    const c = r.classifierTest;
    const flagged = r.features.filter((f) => f.flagged).length;
    const header = el(
      'header',
      {},
      el('h1', {}, m.title),
      el('p', { class: 'meta' }, `A: ${r.a.path} — ${n(r.a.rows)} rows × ${r.a.features} features${r.a.label ? `, label ${r.a.label}` : ''}`),
      el('p', { class: 'meta' }, `B: ${r.b.path} — ${n(r.b.rows)} rows × ${r.b.features} features${r.b.label ? `, label ${r.b.label}` : ''}`),
      el('div', { class: 'actions' }, button('Compare again', () => send({ type: 'rerun' })), button('Swap A and B', () => send({ type: 'swap' }))),
      el('div', { id: 'compare-status' }),
    );
    const verdict = el('section', { 'aria-labelledby': 'h-verdict' }, el('h2', { id: 'h-verdict' }, r.sameDistribution ? 'Same distribution? No difference detected' : 'Same distribution? No'), el('p', { id: 'compare-summary', class: 'wrap' }, r.summary));
    const classifier = c
      ? el(
          'section',
          { 'aria-labelledby': 'h-c2st' },
          el('h2', { id: 'h-c2st' }, 'Classifier two-sample test'),
          el('p', { id: 'compare-auc', class: c.differs ? 'status failed' : 'wrap' }, `AUC ${c.auc.toFixed(3)}, 95 % CI [${c.ci95[0].toFixed(3)}, ${c.ci95[1].toFixed(3)}]; p(AUC > 0.5) = ${p(c.p)}.`),
          el('p', { class: 'help' }, `A model (${c.model}; ${c.validation}) is asked to tell A's rows from B's on rows it did not see. 0.5 means it cannot: the tables look alike to it. Fixed in advance, so the AUC is not the best of several. ${c.sampled ? `It saw ${c.sampled}.` : `It saw all ${n(c.rowsA)} + ${n(c.rowsB)} rows.`}${c.linearAuc !== null ? ` For reference, the linear model's AUC: ${c.linearAuc.toFixed(3)}.` : ''}${c.topFeatures.length ? ` Its trees split most on ${c.topFeatures.map((f) => `${f.name} (${(f.gainShare * 100).toFixed(0)} %)`).join(', ')}.` : ''}`),
        )
      : el('section', { 'aria-labelledby': 'h-c2st' }, el('h2', { id: 'h-c2st' }, 'Classifier two-sample test'), el('p', { class: 'status info' }, `Not run: ${r.classifierTestSkipped ?? 'no reason given'}.`));

    // The per-feature table: every column kept, in a scrolling box the keyboard can reach; the verdict wraps.
    const cols = ['feature', 'verdict', ...FEATURE_CELL_TITLES, 'rows A / B'];
    const rows = r.features.map((f) =>
      el(
        'tr',
        { 'data-feature': f.name, class: f.flagged ? 'flagged' : '' },
        el('th', { scope: 'row' }, f.name),
        el('td', { class: 'wrap' }, f.flagged ? '⚠ differs' : 'no detectable difference', ...(f.caveat ? [el('div', { class: 'help' }, f.caveat)] : [])),
        ...[...featureCells(f), `${n(f.a.count)} / ${n(f.b.count)}`].map((t) => el('td', {}, t)),
      ),
    );
    const table = el('table', { class: 'stats compare' }, el('thead', {}, el('tr', {}, ...cols.map((t) => el('th', { scope: 'col' }, t)))), el('tbody', {}, ...rows));
    const filter = el('input', { type: 'search', id: 'compare-filter', placeholder: 'Filter features…', 'aria-label': 'Filter features by name' });
    const onlyFlagged = el('input', { type: 'checkbox', id: 'compare-flagged' });
    const extra: HTMLElement[] = [];
    for (const t of r.typeChanged) extra.push(el('li', {}, `${t.name}: ${t.a} in A, ${t.b} in B — changed type (counted as a difference).`));
    if (r.onlyInA.length) extra.push(el('li', {}, `Only in A (not compared): ${r.onlyInA.join(', ')}`));
    if (r.onlyInB.length) extra.push(el('li', {}, `Only in B (not compared): ${r.onlyInB.join(', ')}`));
    if (r.label) extra.push(el('li', { id: 'compare-label' }, `Label ${r.label.name}: ${r.label.verdict}`));
    const features = el(
      'section',
      { 'aria-labelledby': 'h-features' },
      el('h2', { id: 'h-features' }, `Features (${flagged} of ${r.features.length} differ)`),
      el('p', { class: 'help' }, `${r.errorControl.description}: among the features flagged, at most ${r.errorControl.fdr * 100} % are expected to be false alarms. KS for continuous values, χ² for values and levels; PSI over A's deciles (0.1: moderate, 0.25: large shift); mean shift in A's standard deviations.`),
      el('div', { class: 'filters' }, filter, el('label', { for: 'compare-flagged' }, onlyFlagged, ' only features that differ')),
      el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Per-feature comparison (scrolls sideways)' }, table),
      ...(extra.length ? [el('ul', { class: 'wrap' }, ...extra)] : []),
    );
    const overview = el('div', { class: 'chart', id: `chart-${OVERVIEW_CHART_ID}`, role: 'img', 'aria-label': 'PSI of every feature, flagged ones marked' });
    const pmfTargets = r.features.map((f, j) => el('div', { class: 'chart pmf', id: `chart-${pmfChartId(j)}`, 'data-feature': f.name, role: 'img', 'aria-label': `${f.name}: share of values in A and in B` }));
    const charts = el(
      'section',
      { 'aria-labelledby': 'h-pmf' },
      el('h2', { id: 'h-pmf' }, 'Distributions, A over B'),
      el('p', { class: 'help' }, `Each feature's share of values on each side (A blue and solid, B orange and dashed). ${r.features[0]?.pmfNote ?? ''}`),
      overview,
      ...pmfTargets,
    );
    app.replaceChildren(header, verdict, classifier, features, charts);

    const apply = (): void => {
      const text = filter.value.trim().toLowerCase();
      const only = onlyFlagged.checked;
      r.features.forEach((f, j) => {
        const show = (text === '' || f.name.toLowerCase().includes(text)) && (!only || f.flagged);
        rows[j].hidden = !show;
        pmfTargets[j].hidden = !show;
      });
    };
    filter.addEventListener('input', apply);
    onlyFlagged.addEventListener('change', apply);

    const config = themeConfig();
    const targets: [string, HTMLElement][] = [[OVERVIEW_CHART_ID, overview], ...r.features.map((_, j): [string, HTMLElement] => [pmfChartId(j), pmfTargets[j]])];
    for (const [id, target] of targets) {
      const spec = m.charts[id];
      if (!spec) continue;
      try {
        views.set(id, await drawChart(target, spec, config));
      } catch (error) {
        target.replaceChildren(el('p', { class: 'status failed' }, `Could not draw this chart: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
    send({ type: 'compareRendered', charts: [...views.keys()], rows: rows.length });
  };

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const m = event.data;
    if (!isHostToCompareWebview(m)) return;
    switch (m.type) {
      case 'compareRunning':
        status(m.title, m.message, 'running', [button('Cancel', () => send({ type: 'cancel' }))]);
        return;
      case 'compareResult':
        vscode.setState({ v: 1, view: 'compare' });
        void render(m);
        return;
      case 'compareFailed':
        status(m.title, m.cancelled ? 'The comparison was cancelled.' : `The comparison failed: ${m.message}`, m.cancelled ? 'info' : 'failed', [button('Compare again', () => send({ type: 'rerun' }))]);
        return;
    }
  });

  new MutationObserver(() => {
    if (last) void render(last);
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  send({ type: 'ready' });
}

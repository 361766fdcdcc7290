/**
 * The report view: renders the JSON report and the Vega-Lite specs the host built (src/engine/charts), and computes
 * nothing — every number and caption comes from the host. Sections follow the questions a researcher asks of a table:
 * what is the label and how was it read, what is wrong with the data (alerts), how learnable is the label
 * (baselines), which features carry it (relevance), what each column looks like, what was not analysed and why.
 */
import type { Result } from 'vega-embed';
import type { Report } from '../../src/engine/report';
import type { HostToWebview, WebviewToHost } from '../../src/protocol';
import { button, el, themeConfig } from './dom';
import { drawChart } from './drawChart';

export type ReportMessage = Extract<HostToWebview, { type: 'report' }>;

interface ChartSection {
  readonly id: string;
  readonly title: string;
  /** Used when the host sent no caption for the chart. */
  readonly help: string;
}

const BEFORE_COLUMNS: readonly ChartSection[] = [
  { id: 'baselines', title: 'Baselines', help: 'How learnable the label is: each model with its 95 % interval.' },
  { id: 'relevance', title: 'Relevance per feature', help: 'The verdict of every feature and the evidence behind it.' },
  { id: 'terms', title: 'Top L1 interaction terms', help: 'Non-zero coefficients of the L1 model over interaction terms (logistic for classes, the lasso for a number).' },
  { id: 'hypotheses', title: 'Hypotheses', help: 'Accuracy of the claimed rule with its 95 % interval, and without each feature.' },
  { id: 'histograms', title: 'Distributions', help: 'Probability mass of every numeric feature; colour = shape class.' },
];
const AFTER_COLUMNS: readonly ChartSection[] = [
  { id: 'correlation', title: 'Correlation', help: 'Pearson r between features.' },
  { id: 'pca', title: 'PCA', help: 'First two principal components of the standardised features.' },
];

export class ReportView {
  private readonly views = new Map<string, Result>();
  private last: ReportMessage | null = null;
  private staleLine: HTMLElement | null = null;
  private progressLine: HTMLElement | null = null;

  constructor(
    private readonly app: HTMLElement,
    private readonly send: (m: WebviewToHost) => void,
  ) {}

  get current(): ReportMessage | null {
    return this.last;
  }

  /** Every rendered chart, for the SVG/PNG export and the HTML export. */
  get charts(): ReadonlyMap<string, Result> {
    return this.views;
  }

  clear(): void {
    this.views.forEach((v) => v.finalize());
    this.views.clear();
    this.last = null;
    this.staleLine = null;
    this.progressLine = null;
  }

  /** The file changed on disk: mark the report on screen as stale (kept until a new report replaces it). */
  markStale(message: string): void {
    if (!this.last) return;
    this.last = { ...this.last, stale: true };
    this.staleLine?.replaceChildren(message);
    this.staleLine?.removeAttribute('hidden');
    document.body.dataset.stale = 'true';
  }

  /** A re-analysis is running: say so above the report instead of wiping it. */
  progress(text: string | null): void {
    if (!this.progressLine) return;
    if (text === null) {
      this.progressLine.setAttribute('hidden', '');
      return;
    }
    this.progressLine.removeAttribute('hidden');
    this.progressLine.replaceChildren(el('span', {}, text), button('Cancel', () => this.send({ type: 'cancel' })));
  }

  async render(m: ReportMessage): Promise<void> {
    this.views.forEach((v) => v.finalize());
    this.views.clear();
    this.last = m;
    const { report, charts } = m;
    const captions = m.captions ?? {};
    const d = report.dataset;
    const label = d.label;
    this.staleLine = el('p', { class: 'banner stale', role: 'status', id: 'stale', ...(m.stale ? {} : { hidden: '' }) }, 'Stale: the data file changed after this report was made; re-analyse to update it.');
    this.progressLine = el('p', { class: 'banner progress', role: 'status', hidden: '' });
    document.body.dataset.stale = String(m.stale === true);
    const header = el(
      'header',
      {},
      el('h1', {}, d.path.split(/[\\/]/).pop() ?? d.path),
      el('p', { class: 'meta' }, `${d.rows.toLocaleString('en')} rows · ${d.featureCount} features · ${label ? `label ${label.name} (${label.task})` : 'no label'} · ${Math.round(report.timings.totalMs)} ms`),
      ...(report.energy ? [el('p', { class: 'meta', id: 'energy', title: report.energy.description }, energyLine(report.energy))] : []),
      ...(report.scale ? [scaleBanner(report.scale)] : []),
      this.staleLine,
      ...(m.notice ? [el('p', { class: 'banner notice', role: 'note' }, `Note: ${m.notice}.`)] : []),
      this.progressLine,
      el(
        'div',
        { class: 'actions' },
        button('Re-analyse', () => this.send({ type: 'reanalyse' })),
        button('Set label…', () => this.send({ type: 'chooseLabel' })),
        button('Set task…', () => this.send({ type: 'chooseTask' })),
        button('Export report (HTML)', () => this.send({ type: 'exportReport' })),
      ),
    );
    const body: HTMLElement[] = [header];
    if (report.relevance?.crossCheck.statement) body.push(el('p', { class: 'finding' }, report.relevance.crossCheck.statement));
    if (report.hypotheses?.[0]) body.push(el('p', { class: 'finding' }, 'Rule found: ', el('code', {}, report.hypotheses[0].rule), ` — accuracy ${((report.hypotheses[0].accuracy ?? 0) * 100).toFixed(1)} %`));
    body.push(labelSection(report), alertsSection(report));
    const targets: [string, HTMLElement][] = [];
    const chartSection = (s: ChartSection, extra: HTMLElement[] = []): void => {
      if (!charts[s.id]) return;
      const { section, target } = this.chartBlock(s.id, s.title, captions[s.id] ?? s.help, 'h2');
      section.append(...extra);
      body.push(section);
      targets.push([s.id, target]);
    };
    for (const s of BEFORE_COLUMNS) chartSection(s, s.id === 'relevance' ? relevanceDetails(report) : s.id === 'terms' ? sparsityDetails(report) : []);
    const categorical = report.features.filter((f) => charts[`categories-${f.index}`]);
    if (categorical.length > 0) {
      const section = el('section', { 'aria-labelledby': 'h-categories', id: 'categories' }, el('h2', { id: 'h-categories' }, 'Categories'), el('p', { class: 'help' }, 'Every level of each categorical feature with its row count; long lists scroll.'));
      for (const f of categorical) {
        const id = `categories-${f.index}`;
        const block = this.chartBlock(id, f.name, captions[id] ?? '', 'h3', true);
        section.append(block.section);
        targets.push([id, block.target]);
      }
      body.push(section);
    }
    for (const s of AFTER_COLUMNS) chartSection(s);
    body.push(analysesSection(report.analyses));
    body.push(el('section', { 'aria-labelledby': 'h-stats' }, el('h2', { id: 'h-stats' }, 'Per-feature statistics'), statsTable(report)));
    if (report.warnings.length) {
      body.push(el('details', { class: 'warnings' }, el('summary', {}, `${report.warnings.length} warning(s) while reading`), el('ul', {}, ...report.warnings.map((w) => el('li', {}, w.message)))));
    }
    this.app.replaceChildren(...body);
    const config = themeConfig();
    for (const [id, target] of targets) {
      try {
        this.views.set(id, await drawChart(target, charts[id], config));
      } catch (error) {
        target.replaceChildren(el('p', { class: 'status failed' }, `Could not draw this chart: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
    document.body.dataset.rendered = String(this.views.size);
  }

  private chartBlock(id: string, title: string, caption: string, heading: 'h2' | 'h3', scroll = false): { section: HTMLElement; target: HTMLElement } {
    const target = el('div', { class: 'chart', id: `chart-${id}`, role: 'img', 'aria-label': `${title}: ${caption}` });
    const tools = el(
      'div',
      { class: 'actions' },
      button('SVG', () => void this.exportChart(id, 'svg'), { 'aria-label': `Export ${title} as SVG` }),
      button('PNG', () => void this.exportChart(id, 'png'), { 'aria-label': `Export ${title} as PNG` }),
    );
    const holder = scroll ? el('div', { class: 'scroll-box', tabindex: '0', role: 'region', 'aria-label': `${title}: every level` }, target) : target;
    const section = el(
      heading === 'h2' ? 'section' : 'div',
      { 'aria-labelledby': `h-${id}`, class: heading === 'h2' ? '' : 'subsection' },
      el('div', { class: 'section-head' }, el(heading, { id: `h-${id}` }, title), tools),
      ...(caption ? [el('p', { class: 'help' }, caption)] : []),
      holder,
    );
    return { section, target };
  }

  private async exportChart(id: string, format: 'svg' | 'png'): Promise<void> {
    const v = this.views.get(id);
    if (!v) return;
    const data = format === 'svg' ? await v.view.toSVG() : await v.view.toImageURL('png', 2);
    this.send({ type: 'exportChart', chart: id, format, data });
  }
}

/** The label and how it was read (task and its evidence, classes or target), and every excluded column with why. */
function labelSection(report: Report): HTMLElement {
  const d = report.dataset;
  const l = d.label;
  const parts: HTMLElement[] = [el('h2', { id: 'h-label' }, 'Label and columns')];
  if (l) {
    parts.push(el('p', {}, el('strong', {}, l.name), ` — ${l.task}${l.taskOverridden ? ' (set by hand)' : ''}: ${l.taskEvidence}`));
    if (l.task === 'regression' && l.target) {
      const t = l.target;
      parts.push(el('p', { class: 'meta' }, `mean ${num(t.mean)}, sd ${num(t.sd)}, range ${num(t.min)} … ${num(t.max)}, ${t.distinct.toLocaleString('en')} distinct values${l.missing ? `; ${l.missing} rows without a value` : ''}`));
    } else if (l.classes.length > 0) {
      parts.push(el('p', { class: 'meta' }, `${l.classes.length} classes: ${l.classes.map((c) => `${c.value} (${c.count.toLocaleString('en')})`).join(' · ')}${l.missing ? `; ${l.missing} rows without a label` : ''}`));
    }
  } else {
    parts.push(el('p', {}, 'No label: the columns are described, but nothing is learned (no baselines, no relevance). Use “Set label…” to choose one.'));
  }
  if (d.excludedColumns.length > 0) {
    parts.push(el('p', { class: 'meta' }, `Left out of the features (${d.excludedColumns.length}):`), el('ul', { class: 'excluded' }, ...d.excludedColumns.map((c) => el('li', {}, el('code', {}, c.name), ` — ${c.reason}`))));
  }
  const rows = d.columns.map((c) => el('tr', {}, el('th', { scope: 'row' }, c.name), el('td', { class: 'tag' }, c.type + (c.overridden ? ' (set)' : '')), el('td', { class: 'tag' }, c.role), el('td', { class: 'tag wrap' }, c.reason ?? c.evidence)));
  parts.push(
    el(
      'details',
      {},
      el('summary', {}, `All ${d.columns.length} columns with their types`),
      el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Columns and their types' }, el('table', { class: 'stats columns' }, el('thead', {}, el('tr', {}, ...['column', 'type', 'role', 'evidence'].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...rows))),
    ),
  );
  return el('section', { 'aria-labelledby': 'h-label', id: 'label' }, ...parts);
}

/** Data-quality alerts, most severe first (the engine's order), each with its severity, code, message and columns. */
function alertsSection(report: Report): HTMLElement {
  const alerts = report.alerts ?? [];
  const head = el('h2', { id: 'h-alerts' }, `Alerts (${alerts.length})`);
  if (alerts.length === 0) return el('section', { 'aria-labelledby': 'h-alerts', id: 'alerts' }, head, el('p', { class: 'help' }, 'No data-quality alerts.'));
  const items = alerts.map((a) =>
    el(
      'li',
      { class: `alert ${a.severity}`, 'data-code': a.code },
      el('span', { class: `severity ${a.severity}` }, a.severity),
      ' ',
      el('code', {}, a.code),
      el('span', { class: 'message' }, ` ${a.message}`),
    ),
  );
  return el('section', { 'aria-labelledby': 'h-alerts', id: 'alerts' }, head, el('ul', { class: 'alerts' }, ...items));
}

function relevanceDetails(report: Report): HTMLElement[] {
  const r = report.relevance;
  if (!r) return [];
  return [
    el(
      'details',
      {},
      el('summary', {}, 'How relevance was decided'),
      el('p', {}, r.method),
      el('p', {}, `Error rate ${r.errorRate} per table: ${r.errorControl}`),
      el('p', {}, `“Irrelevant” rules out ${r.reference.marginal} alone and ${r.reference.conditional} given the others, with power ≥ ${Math.round(r.reference.power * 100)} %.`),
      ...(r.notes.length ? [el('ul', {}, ...r.notes.map((n) => el('li', {}, n)))] : []),
    ),
  ];
}

/**
 * The interaction model under its terms chart: which model was fitted (L1 logistic regression, the lasso, or one per
 * class), its hold-out score with the interval (accuracy, or R² for a numeric target), and for one-vs-rest each class.
 */
function sparsityDetails(report: Report): HTMLElement[] {
  const s = report.sparsity;
  if (!s || s.status !== 'done') return [];
  const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : '—');
  const r2 = s.holdoutRegression;
  const model = s.task === 'regression' ? 'Lasso (L1 least squares, standardised target)' : s.task === 'multiclass' ? `One L1 logistic model per class (one-vs-rest, ${s.classes?.length ?? 0} classes)` : 'L1 logistic regression';
  const score = r2
    ? `hold-out R² ${f4(r2.test.r2)} [${f4(r2.test.ci95[0])}, ${f4(r2.test.ci95[1])}] on ${r2.test.rows.toLocaleString('en')} test rows`
    : s.holdout
      ? `hold-out ${s.task === 'multiclass' ? 'multi-class ' : ''}accuracy ${f4(s.holdout.test.accuracy)} [${f4(s.holdout.test.ci95[0])}, ${f4(s.holdout.test.ci95[1])}] on ${s.holdout.test.rows.toLocaleString('en')} test rows`
      : 'no hold-out score';
  const out: HTMLElement[] = [el('p', { class: 'meta', id: 'sparsity-fit' }, `${model} over ${s.terms.toLocaleString('en')} terms (${s.mode}): ${s.nonzero} non-zero; ${score}.`)];
  if (s.classes) {
    const rows = s.classes.map((c) =>
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, c.class),
        el('td', {}, c.status === 'fitted' ? String(c.nonzero) : 'base rate'),
        el('td', { class: 'wrap' }, c.top.slice(0, 3).map((t) => `${t.coefficient >= 0 ? '+' : ''}${t.coefficient.toFixed(2)} ${t.features.join('·')}`).join(', ') || (c.reason ?? '—')),
        el('td', {}, c.holdout ? f4(c.holdout.test.accuracy) : '—'),
      ),
    );
    out.push(
      el(
        'details',
        {},
        el('summary', {}, `Each class against the rest (${s.classes.length})`),
        el(
          'div',
          { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'One-vs-rest class models' },
          el('table', { class: 'stats classes' }, el('thead', {}, el('tr', {}, ...['class', 'terms', 'strongest terms', 'accuracy vs rest'].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...rows)),
        ),
      ),
    );
  }
  if (s.approximations.length > 0) out.push(el('details', {}, el('summary', {}, `Approximations (${s.approximations.length})`), el('ul', {}, ...s.approximations.map((a) => el('li', {}, a)))));
  return out;
}

/** Every analysis: the skipped ones first, each with its one-line reason; done ones with what was approximated. */
function analysesSection(analyses: Report['analyses']): HTMLElement {
  const ordered = [...analyses].sort((a, b) => Number(a.status === 'done') - Number(b.status === 'done'));
  const items = ordered.map((a) =>
    el('li', { class: `analysis ${a.status}`, 'data-analysis': a.id }, el('strong', {}, a.id), ` — ${a.status}${a.note ? `: ${a.note}` : ''}`),
  );
  const skipped = analyses.filter((a) => a.status === 'skipped').length;
  return el('section', { 'aria-labelledby': 'h-analyses', id: 'analyses' }, el('h2', { id: 'h-analyses' }, `Analyses (${skipped} skipped)`), el('ul', { class: 'analyses' }, ...items));
}

function statsTable(report: Report): HTMLElement {
  const cols = ['feature', 'type', 'shape', 'relevance', 'count', 'missing', 'mean', 'sd', 'min', 'median', 'max', 'skew', 'kurt.', 'distinct'];
  const rows = report.features.map((f) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, f.name),
      ...[f.type, f.shape, f.relevance ?? '—', String(f.stats.count), String(f.stats.missing), num(f.stats.mean), num(f.stats.sd), num(f.stats.min), num(f.stats.quantiles?.p50), num(f.stats.max), num(f.stats.skewness), num(f.stats.kurtosis), String(f.stats.distinct)].map((c, i) =>
        el('td', i < 3 ? { class: `tag ${c}` } : {}, c),
      ),
    ),
  );
  const table = el('table', { class: 'stats' }, el('thead', {}, el('tr', {}, ...cols.map((c) => el('th', { scope: 'col' }, c)))), el('tbody', {}, ...rows));
  // The wrapper scrolls horizontally at narrow widths and is focusable so keyboard users can scroll it.
  const wrap = el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Per-feature statistics' }, table);
  if (report.features.length <= FILTER_FROM) return wrap;
  // A long feature list gets a filter: by name, type, shape or relevance (what the first columns say).
  const filter = el('input', { type: 'search', id: 'stats-filter', placeholder: `Filter ${report.features.length} features by name, type, shape or relevance…`, 'aria-label': 'Filter features' });
  const keys = report.features.map((f) => `${f.name} ${f.type} ${f.shape} ${f.relevance ?? ''}`.toLowerCase());
  filter.addEventListener('input', () => {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
    rows.forEach((row, j) => (row.hidden = !words.every((w) => keys[j].includes(w))));
  });
  return el('div', {}, el('div', { class: 'filters' }, filter), wrap);
}

/** Feature lists longer than this get a filter box. */
const FILTER_FROM = 12;

function num(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Number(v.toPrecision(4)));
}

/** `Energy of this analysis: 2.1e-6 kWh, 1.0e-3 gCO2eq (CPU-time estimate, 475 g/kWh)`, or why none was measured. */
/** A streamed file: which figures are exact over every row and which come from the seeded sample. */
function scaleBanner(sc: NonNullable<Report['scale']>): HTMLElement {
  const title = [`Exact over every row: ${sc.exact.join('; ')}.`, `On the sample: ${sc.sampled.join(', ')}.`].join('\n');
  return el(
    'p',
    { class: 'banner notice', role: 'note', id: 'scale', title },
    `Streamed: ${sc.inMemoryEstimateMB.toLocaleString('en')} MiB in memory would exceed the ${sc.memoryBudgetMB} MiB budget. Counts, means, sd, min/max, skewness, kurtosis and correlations are exact over all ${sc.rows.toLocaleString('en')} rows; ${sc.sketched.what.join(', ')} and the label analyses come from a seeded sample of ${sc.sample.rows.toLocaleString('en')} rows (quantile rank error ≤ ${sc.sketched.rankError.toFixed(4)} at ${100 * sc.sketched.confidence} %).`,
  );
}

function energyLine(e: NonNullable<Report['energy']>): string {
  if (e.kWh === null) return `Energy of this analysis: not measured (${e.reason}).`;
  const how = e.method === 'rapl' ? 'RAPL counters, whole CPU package' : `CPU-time estimate, ${e.cpuSeconds?.toFixed(2) ?? '?'} CPU s × ${e.wattsPerCore ?? '?'} W/core`;
  return `Energy of this analysis: ${e.kWh.toExponential(2)} kWh, ${e.gCO2eq.toExponential(2)} gCO2eq (${how}; ${e.intensity} gCO2eq/kWh${e.intensitySource === 'worldAverage' ? ', world average' : ''}).`;
}

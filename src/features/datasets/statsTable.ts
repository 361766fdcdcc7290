import type { Report } from '../../engine/report';

/** The per-feature statistics table, as HTML text (shared by the HTML export; the webview builds the same with DOM). */
export function statsTableHtml(report: Report): string {
  const head = STATS_COLUMNS.map((c) => `<th scope="col">${escapeHtmlText(c)}</th>`).join('');
  const rows = statsRows(report)
    .map((r) => `<tr><th scope="row">${escapeHtmlText(r[0])}</th>${r.slice(1).map((c) => `<td>${escapeHtmlText(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table class="stats"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

export const STATS_COLUMNS = ['feature', 'type', 'shape', 'relevance', 'count', 'missing', 'mean', 'sd', 'min', 'median', 'max', 'skew', 'kurtosis', 'distinct'];

export function statsRows(report: Report): string[][] {
  const n = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Number(v.toPrecision(4))));
  return report.features.map((f) => [
    f.name,
    f.type,
    f.shape,
    f.relevance ?? '—',
    String(f.stats.count),
    String(f.stats.missing),
    n(f.stats.mean),
    n(f.stats.sd),
    n(f.stats.min),
    n(f.stats.quantiles?.p50),
    n(f.stats.max),
    n(f.stats.skewness),
    n(f.stats.kurtosis),
    String(f.stats.distinct),
  ]);
}

export function escapeHtmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

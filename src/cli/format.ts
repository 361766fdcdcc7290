import { energyLine } from '../engine/energy/energy';
import type { FeatureReport, Report } from '../engine/report';

/** Plain-text rendering of a report for a terminal: a header, one row per feature, then the label-aware sections. */
export function formatReport(report: Report): string {
  const out: string[] = [];
  const d = report.dataset;
  out.push(`Kryptonite report — ${d.path}`);
  out.push(
    `${d.format.toUpperCase()}${d.compression ? ` (${d.compression})` : ''} · ${d.rows.toLocaleString('en-US')} rows × ${d.featureCount} features` +
      (d.format === 'csv' ? ` · delimiter ${describeDelimiter(d.delimiter)} · ${d.hasHeader ? 'header' : 'no header'}` : '') +
      ` · parser ${d.parser}`,
  );
  const label = d.label;
  if (label) {
    const task = `${label.task}${label.taskOverridden ? ', set by --task' : ''}: ${label.taskEvidence}`;
    if (label.task === 'regression' && label.target) {
      const t = label.target;
      out.push(`Label "${label.name}" — ${task}; mean ${num(t.mean)}, sd ${num(t.sd)}, range ${num(t.min)} … ${num(t.max)}${label.missing ? `; ${label.missing} missing` : ''}`);
    } else {
      const shown = label.classes.slice(0, 12).map((c) => `${c.value}: ${c.count.toLocaleString('en-US')}`).join(', ');
      const more = label.classes.length > 12 ? `, … ${label.classes.length - 12} more` : '';
      out.push(`Label "${label.name}" — ${task} (${shown}${more}${label.missing ? `; ${label.missing} missing` : ''})`);
    }
  } else {
    out.push('No label column: unsupervised report (use --label NAME|INDEX to name one).');
  }
  if (d.excludedColumns.length > 0) {
    out.push(`Excluded columns: ${d.excludedColumns.map((c) => `${c.name} (${c.reason})`).join('; ')}`);
  }
  out.push('');

  const labelName = report.correlation.label;
  const corrIndex = new Map(report.correlation.names.map((n, i) => [n, i]));
  const labelIndex = labelName ? (corrIndex.get(labelName) ?? -1) : -1;
  const labelled = report.features.some((f) => f.relevance !== undefined);
  const header = ['#', 'feature', 'type', 'shape', 'conf', 'peaks', 'mean', 'sd', 'min', 'max', 'skew', 'kurt', 'missing'];
  if (labelIndex >= 0) header.push('r(label)');
  if (labelled) header.push('relevance');
  const rows: string[][] = report.features.map((f) => featureRow(f, report, corrIndex, labelIndex, labelled));
  out.push(...table(header, rows, [0, 6, 7, 8, 9, 10, 11, 12, 13]));
  out.push('');

  const groups = new Map<string, string[]>();
  for (const f of report.features) groups.set(f.shape, [...(groups.get(f.shape) ?? []), f.name]);
  out.push('Shapes: ' + [...groups].map(([shape, names]) => `${shape} ${names.length} (${abbreviate(names)})`).join(' · '));
  const categorical = report.features.filter((f) => f.categories && f.type === 'categorical');
  for (const f of categorical.slice(0, 12)) {
    const c = f.categories!;
    const levels = c.levels.slice(0, 8).map((l) => `${l.value} ${l.count}`).join(', ');
    out.push(`  ${f.name}: ${c.cardinality} levels (${levels}${c.cardinality > 8 ? ', …' : ''}); entropy ${c.entropy.toFixed(2)} bits` + (c.variants.length > 0 ? `; variants: ${c.variants.map((v) => `${v.value}~${v.like}`).join(', ')}` : ''));
  }
  if (report.pca) {
    const r = report.pca.explainedVarianceRatio;
    out.push(`PCA (standardised, ${report.pca.rowsUsed.toLocaleString('en-US')} complete rows): PC1 ${pct(r[0])}, PC2 ${pct(r[1])} of variance`);
  }
  if (labelIndex >= 0) {
    const strongest = report.features
      .map((f) => ({ name: f.name, r: corrIndex.has(f.name) ? report.correlation.matrix[corrIndex.get(f.name)!][labelIndex] : null }))
      .filter((x): x is { name: string; r: number } => x.r !== null)
      .sort((a, b) => Math.abs(b.r) - Math.abs(a.r))[0];
    if (strongest) out.push(`Strongest linear association with the label: ${strongest.name} (r = ${strongest.r.toFixed(3)})`);
  } else if (report.correlation.labelNote) {
    out.push(report.correlation.labelNote);
  }
  if (report.correlation.excludedNote) out.push(`Correlation: ${report.correlation.excludedNote}`);
  out.push(...formatLearnability(report));
  if (report.sparsity) out.push(...formatSparsity(report));
  if (report.alerts.length > 0) {
    out.push('', `Alerts (${report.alerts.length}):`);
    for (const a of report.alerts) out.push(`  ${a.severity.padEnd(7)} ${a.code}: ${a.message}`);
  }
  const skipped = report.analyses.filter((a) => a.status === 'skipped' && a.note && a.note !== 'no label');
  if (skipped.length > 0) {
    out.push('', 'Skipped:');
    for (const a of skipped) out.push(`  ${a.id}: ${a.note}`);
  }
  if (report.warnings.length > 0) {
    out.push('');
    out.push(`Warnings (${report.warnings.length}):`);
    for (const w of report.warnings) out.push(`  ${w.message}`);
  }
  if (report.scale) {
    const sc = report.scale;
    out.push('');
    out.push(
      `Streamed (${sc.inMemoryEstimateMB.toLocaleString('en-US')} MiB in memory would exceed the ${sc.memoryBudgetMB} MiB budget): ${sc.rows.toLocaleString('en-US')} rows in ${sc.chunks} chunks of ${sc.chunkRows.toLocaleString('en-US')}.`,
    );
    out.push(`  exact over every row: ${sc.exact.join('; ')}`);
    out.push(`  from the seeded sample of ${sc.sample.rows.toLocaleString('en-US')} rows (seed ${sc.sample.seed}), rank error ≤ ${sc.sketched.rankError.toFixed(4)} at ${100 * sc.sketched.confidence} %: ${sc.sketched.what.join(', ')}`);
    out.push(`  on the sample: ${sc.sampled.join(', ')}`);
  }
  out.push('');
  const t = report.timings;
  out.push(
    `Done in ${fmtMs(t.totalMs)} (read ${fmtMs(t.loadMs)}, features ${fmtMs(t.statsMs)}, correlation ${fmtMs(t.correlationMs)}, PCA ${fmtMs(t.pcaMs)}` +
      (t.baselinesMs !== undefined ? `, baselines ${fmtMs(t.baselinesMs)}` : '') +
      (t.relevanceMs !== undefined ? `, relevance ${fmtMs(t.relevanceMs)}` : '') +
      (t.sparsityMs !== undefined ? `, sparsity ${fmtMs(t.sparsityMs)}` : '') +
      `) on ${report.settings.threads ?? 1} thread${(report.settings.threads ?? 1) === 1 ? '' : 's'}.`,
  );
  if (report.energy) out.push(energyLine(report.energy));
  return out.join('\n') + '\n';
}

/** Baselines and the relevance verdicts with their method and error rate. */
function formatLearnability(report: Report): string[] {
  const out: string[] = [];
  if (report.baselines && report.baselines.length > 0) {
    out.push('', `How learnable is the label (${report.baselines[0].validation}):`);
    for (const b of report.baselines) {
      out.push(`  ${b.model.padEnd(44)} ${b.metric} ${b.value.toFixed(4)} [${b.ci95[0].toFixed(4)}, ${b.ci95[1].toFixed(4)}]${b.validation !== report.baselines[0].validation ? ` (${b.validation})` : ''}`);
    }
    if (report.baselineReading) out.push(`  ${report.baselineReading}`);
  }
  const r = report.relevance;
  if (r) {
    const by = (v: string): string[] => report.features.filter((f) => f.relevance === v).map((f) => f.name);
    out.push('', 'Relevance:');
    for (const v of ['relevant', 'redundant', 'irrelevant', 'unknown']) {
      const names = by(v);
      if (names.length > 0) out.push(`  ${v} ${names.length}: ${abbreviate(names)}`);
    }
    out.push(`  ${r.method}`);
    out.push(`  Irrelevant rules out ${r.reference.marginal} alone and ${r.reference.conditional} given the others, with power ≥ ${Math.round(r.reference.power * 100)} %.`);
    out.push(`  ${r.crossCheck.statement}`);
    for (const n of r.notes) out.push(`  Note: ${n}`);
  }
  return out;
}

/** The sparsity section: what was fitted, the dominant terms, relevance, and the reasoning steps in order. */
export function formatSparsity(report: Report): string[] {
  const s = report.sparsity;
  if (!s) return [];
  const out = ['', `L1 coefficient sparsity${s.task === 'regression' ? ' (lasso: least squares, numeric target)' : s.task === 'multiclass' ? ` (one-vs-rest, ${s.classes?.length ?? 0} classes)` : ''}`];
  const r2 = s.holdoutRegression;
  if (s.status !== 'done' || (!s.holdout && !r2)) {
    out.push(`  skipped: ${s.reason}`);
    return out;
  }
  const fit = r2
    ? `hold-out R² ${r2.test.r2.toFixed(4)} [${r2.test.ci95[0].toFixed(4)}, ${r2.test.ci95[1].toFixed(4)}] on ${r2.test.rows.toLocaleString('en-US')} test rows`
    : `hold-out ${s.task === 'multiclass' ? 'multi-class ' : ''}accuracy ${s.holdout!.test.accuracy.toFixed(4)} ` +
      `[${s.holdout!.test.ci95[0].toFixed(4)}, ${s.holdout!.test.ci95[1].toFixed(4)}] on ${s.holdout!.test.rows.toLocaleString('en-US')} test rows`;
  out.push(
    `  ${s.mode === 'exact' ? 'exact over' : 'focused on'} ${s.terms.toLocaleString('en-US')} terms (degree ${s.degree.min}..${s.degree.max}, ${s.candidates.length} candidates): ` +
      `${s.nonzero} non-zero${s.task === 'multiclass' ? ' in some class' : ''}, sparsity ${(100 * s.sparsity).toFixed(3)} %; ${fit}`,
  );
  const term = (t: { coefficient: number; features: string[]; degree: number }): string => `${t.coefficient >= 0 ? '+' : ''}${t.coefficient.toFixed(3)}  ${t.features.join('·')}  (degree ${t.degree})`;
  if (s.classes) {
    for (const c of s.classes) {
      out.push(`    class ${c.class}: ${c.status === 'fitted' ? (c.top.length > 0 ? `${c.nonzero} term(s)` : 'no term') : `base rate (${c.reason})`}`);
      for (const t of c.top.slice(0, 3)) out.push(`      ${term(t)}`);
    }
  } else {
    for (const t of s.top.slice(0, 5)) out.push(`    ${term(t)}`);
  }
  const rel = report.features.filter((f) => f.relevance === 'relevant').map((f) => f.name);
  const irr = report.features.filter((f) => f.relevance === 'irrelevant').map((f) => f.name);
  if (report.relevance) out.push(`  Relevance: relevant ${rel.length} (${abbreviate(rel)}) · irrelevant ${irr.length} (${abbreviate(irr)})`);
  for (const h of report.hypotheses ?? []) {
    out.push(`  Rule found: ${h.rule}`);
    out.push(
      `    accuracy ${fmtAcc(h.accuracy)} [${fmtAcc(h.ci95?.[0] ?? null)}, ${fmtAcc(h.ci95?.[1] ?? null)}] on all ${h.rows.toLocaleString('en-US')} labelled rows; ` +
        `test ${fmtAcc(h.testAccuracy)} — ${h.verdict}`,
    );
  }
  for (const r of report.conjectures?.rejected ?? []) if (r.reason !== 'the opposite polarity scores lower') out.push(`  Not claimed: ${r.rule} — ${r.reason}`);
  const oracle = report.conjectures?.oracle;
  if (oracle) out.push(`  Oracle model (logistic regression on ${oracle.input}): test accuracy ${oracle.testAccuracy.toFixed(4)}`);
  out.push('  How this was reached:');
  s.steps.forEach((step, i) => out.push(`    ${i + 1}. ${step.title}: ${step.detail}`));
  for (const a of s.approximations) out.push(`    approximation: ${a}`);
  return out;
}

function fmtAcc(v: number | null): string {
  return v === null ? '—' : v.toFixed(4);
}

function featureRow(f: FeatureReport, report: Report, corrIndex: ReadonlyMap<string, number>, labelIndex: number, labelled: boolean): string[] {
  const s = f.stats;
  const peaks = f.modes.clustered ? f.modes.peaks.map((p) => num(p.location, 2)).join('/') : String(f.modes.peaks.length);
  const row = [
    String(f.index),
    f.name,
    f.type,
    f.shape,
    f.shapeConfidence.toFixed(2),
    peaks,
    num(s.mean),
    num(s.sd),
    num(s.min),
    num(s.max),
    num(s.skewness, 2),
    num(s.kurtosis, 2),
    String(s.missing),
  ];
  if (labelIndex >= 0) {
    const at = corrIndex.get(f.name);
    row.push(at === undefined ? '—' : num(report.correlation.matrix[at][labelIndex], 3));
  }
  if (labelled) row.push(f.relevance ?? '—');
  return row;
}

function table(header: string[], rows: string[][], rightAligned: number[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const fmt = (cells: string[]): string =>
    cells
      .map((cell, c) => (rightAligned.includes(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
}

/** Fixed decimals read best in a column; exponents only for magnitudes that would not fit. */
function num(v: number | null, digits = 3): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 1e6) return v.toExponential(2);
  const text = v.toFixed(digits);
  return /^-0\.0*$/.test(text) ? text.slice(1) : text;
}

function pct(v: number | undefined): string {
  return v === undefined ? '—' : `${(v * 100).toFixed(1)} %`;
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

function abbreviate(names: string[]): string {
  if (names.length === 0) return '—';
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 10).join(', ')}, … +${names.length - 10}`;
}

function describeDelimiter(d: string | null): string {
  if (d === null) return '—';
  if (d === '\t') return 'tab';
  return `"${d}"`;
}

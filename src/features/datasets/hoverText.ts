/**
 * The header hover's text, as Markdown (no vscode import, unit-testable): what the last analysis says about the
 * column under the cursor — a feature's type, shape, statistics or levels and its relevance evidence; the label's task
 * and its evidence; why an excluded column was left out — its alerts with their evidence, and links to the obvious
 * next step (use it as the label, set the task).
 */
import type { Alert } from '../../engine/alerts/types';
import type { FeatureReport, Report } from '../../engine/report';
import { evidenceLines } from './findings';

/** A Markdown command link; the caller trusts exactly the commands it links to. */
export type CommandLink = (title: string, command: 'setLabelColumn' | 'setLabelTask' | 'analyseDataset', args: readonly unknown[]) => string;

export interface HoverContext {
  readonly report: Report | null;
  /** The column under the cursor (header cell text). */
  readonly column: string;
  /** 0-based position of the cell in the header. */
  readonly position: number;
  readonly excluded: boolean;
  readonly link: CommandLink;
}

export function headerHoverMarkdown(ctx: HoverContext): string {
  const { report, column } = ctx;
  const lines: string[] = [];
  const useAsLabel = ctx.link(`Use "${column}" as the label`, 'setLabelColumn', [column]);
  if (!report) {
    lines.push(`**${md(column)}** — column ${ctx.position + 1}, not analysed yet`, '', `${useAsLabel} · ${ctx.link('Analyse Dataset', 'analyseDataset', [])}`);
    return lines.join('\n');
  }
  const label = report.dataset.label;
  const feature = report.features.find((f) => f.name === column);
  const info = report.dataset.columns.find((c) => c.name === column);
  if (label && label.name === column) {
    lines.push(...labelLines(report));
    lines.push('', `${ctx.link('Set label task…', 'setLabelTask', [])} · ${ctx.link('Choose another label…', 'setLabelColumn', [])} · ${ctx.link('No label', 'setLabelColumn', [null])}`);
  } else if (feature) {
    lines.push(...featureLines(feature, ctx.excluded));
    lines.push('', useAsLabel);
  } else if (info) {
    lines.push(`**${md(column)}** — column ${info.index + 1}: **${info.type}**, ${info.role === 'excluded' ? `left out of the features: ${md(info.reason ?? info.evidence)}` : md(info.evidence)}`, '', useAsLabel);
  } else {
    return '';
  }
  const alerts = report.alerts.filter((a) => a.columns.includes(column));
  if (alerts.length > 0) lines.push('', '**Alerts**', ...alerts.flatMap(alertLines));
  const table = report.alerts.filter((a) => a.columns.length === 0);
  if (table.length > 0) lines.push('', '**Whole table**', ...table.flatMap(alertLines));
  return lines.join('\n');
}

function labelLines(report: Report): string[] {
  const l = report.dataset.label;
  if (!l) return [];
  const lines = [`**${md(l.name)}** — the label: **${l.task}**${l.taskOverridden ? ' (set by hand)' : ''}`, '', md(l.taskEvidence)];
  if (l.task === 'regression' && l.target) {
    lines.push('', `mean ${num(l.target.mean)}, sd ${num(l.target.sd)}, range ${num(l.target.min)} … ${num(l.target.max)}, ${l.target.distinct.toLocaleString('en')} distinct values`);
  } else if (l.classes.length > 0) {
    const shown = l.classes.slice(0, 12).map((c) => `${md(c.value)} (${c.count.toLocaleString('en')})`);
    lines.push('', `${l.classes.length} classes: ${shown.join(', ')}${l.classes.length > 12 ? ', …' : ''}`);
  }
  if (l.missing > 0) lines.push('', `${l.missing.toLocaleString('en')} rows without a label`);
  const best = (report.baselines ?? []).slice(1).sort((a, b) => b.value - a.value)[0];
  if (best && report.baselines?.[0]) lines.push('', `Best baseline: ${md(best.model)} ${best.metric} ${num(best.value)} [${num(best.ci95[0])}, ${num(best.ci95[1])}] against ${md(report.baselines[0].model)} ${num(report.baselines[0].value)}`);
  return lines;
}

function featureLines(f: FeatureReport, excluded: boolean): string[] {
  const s = f.stats;
  const lines = [
    `**${md(f.name)}** — feature #${f.index}: **${f.type}** · ${f.shape} (shape confidence ${(f.shapeConfidence * 100).toFixed(0)} %)${f.relevance ? `, **${f.relevance}**` : ''}${excluded ? ' — excluded from training' : ''}`,
    '',
    md(f.typeEvidence),
    '',
  ];
  if (f.categories) {
    const c = f.categories;
    const top = c.levels.slice(0, 8).map((l) => `${md(l.value)} ${l.count.toLocaleString('en')}`);
    lines.push(
      `${c.cardinality} levels: ${top.join(' · ')}${c.levels.length > 8 ? ' · …' : ''}`,
      '',
      `entropy ${c.entropy.toFixed(2)} bits (${(c.normalisedEntropy * 100).toFixed(0)} % of the maximum); mode ${md(c.mode ?? '—')} (${(c.modeShare * 100).toFixed(1)} %)${c.missing > 0 ? `; ${c.missing} missing` : ''}`,
    );
    if (c.rare.length > 0) lines.push('', `rare: ${c.rare.slice(0, 8).map(md).join(', ')}${c.rare.length > 8 ? ', …' : ''}`);
    if (c.variants.length > 0) lines.push('', `likely variants: ${c.variants.slice(0, 6).map((v) => `${md(v.value)} ~ ${md(v.like)}`).join(', ')}`);
  } else {
    lines.push(
      `| count | missing | mean | sd | min | median | max |`,
      `|---:|---:|---:|---:|---:|---:|---:|`,
      `| ${s.count} | ${s.missing} | ${num(s.mean)} | ${num(s.sd)} | ${num(s.min)} | ${num(s.quantiles?.p50)} | ${num(s.max)} |`,
      '',
      `Peaks: ${f.modes.peaks.map((p) => `${num(p.location)} (${(p.weight * 100).toFixed(0)} %)`).join(', ') || '—'}`,
      '',
      ...f.shapeEvidence.reasons.slice(0, 3).map((r) => `- ${md(r)}`),
    );
  }
  const ev = f.relevanceEvidence;
  if (ev) {
    lines.push('', `Relevance: **${f.relevance ?? 'unknown'}**`);
    lines.push(...ev.reasons.slice(0, 3).map((r) => `- ${md(r)}`));
    if (ev.marginal) lines.push(`- marginal ${ev.marginal.test}: p = ${pv(ev.marginal.p)}, adjusted ${pv(ev.marginal.adjustedP)}; ${md(ev.marginal.effect.name)} ${num(ev.marginal.effect.estimate)} [${num(ev.marginal.effect.lower)}, ${num(ev.marginal.effect.upper)}]`);
    if (ev.conditional) lines.push(`- ${ev.conditional.method === 'conditional permutation' ? `permuted${ev.conditional.conditionedOn ? ` within ${md(ev.conditional.conditionedOn)}` : ''}` : 'without it'} (${ev.conditional.method}, ${md(ev.conditional.model)}): ${ev.conditional.metric} ${ev.conditional.increase >= 0 ? '+' : ''}${num(ev.conditional.increase)} [${num(ev.conditional.ci95[0])}, ${num(ev.conditional.ci95[1])}], adjusted p ${pv(ev.conditional.adjustedP)}`);
    if (ev.sparsity) lines.push(`- L1 interaction model: ${(ev.sparsity.participation * 100).toFixed(1)} % of the coefficient mass${ev.sparsity.inTopTerm ? ', in the strongest term' : ''}`);
  }
  return lines;
}

/** An alert with its severity, message and evidence, as hover lines. */
export function alertLines(a: Alert): string[] {
  return [`- ${a.severity} \`${a.code}\`: ${md(a.message)}`, `  - ${evidenceLines(a).map(md).join(' · ')}`];
}

function num(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Number(v.toPrecision(4)));
}

function pv(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(3)));
}

/** Escape Markdown (file contents are untrusted: a column named `[x](command:…)` must stay text). */
export function md(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

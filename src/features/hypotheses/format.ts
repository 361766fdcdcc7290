/**
 * Pure text for the .kryp editor features (no vscode import, so node:test covers it): CodeLens titles, the hover's
 * Markdown, where a rule's error sits in the file, and the seeded contents of a new hypothesis file.
 */
import type { HypothesisEvaluation } from '../../engine/hypothesis/evaluate';
import type { HypothesisFileRule } from '../../engine/hypothesis/file';
import { quoteName as nameRef } from '../../engine/hypothesis/parser';
import type { Report } from '../../engine/report';

const f4 = (v: number): string => v.toFixed(4);

/** "acc 0.9583 [0.9553, 0.9611] · test 0.9625 (seed 42, 60/20/20)". */
export function lensTitle(e: HypothesisEvaluation, seed: number): string {
  if (e.accuracy === null) return `acc — (no labelled row has every feature of this rule)`;
  const ci = e.ci95 ? ` [${f4(e.ci95[0])}, ${f4(e.ci95[1])}]` : '';
  const test = e.testAccuracy === null ? 'test —' : `test ${f4(e.testAccuracy)}`;
  return `acc ${f4(e.accuracy)}${ci} · ${test} (seed ${seed}, 60/20/20)`;
}

/** File position of a rule's error: its 1-based column in the rule text → 0-based character in the file. */
export function errorRange(rule: Pick<HypothesisFileRule, 'line' | 'start' | 'text'>, error: { readonly column: number; readonly length: number }): {
  line: number;
  start: number;
  end: number;
} {
  const start = rule.start + Math.max(1, error.column) - 1;
  // A zero-length error (at the end of the rule) still gets one visible character where the editor can show it.
  const length = Math.max(1, error.length);
  return { line: rule.line, start, end: start + length };
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** Hover over a rule: the confusion matrix (rows = actual class) and the accuracy without each feature. */
export function hoverMarkdown(e: HypothesisEvaluation, seed: number): string {
  const c = e.confusion;
  const [neg, pos] = c.classes.map(escapeMd);
  const lines = [
    `**${escapeMd(e.rule)}**`,
    '',
    lensTitle(e, seed).replace(/^acc/, 'accuracy') + ` — ${e.correct} of ${e.rows} rows right`,
    '',
    `| actual ＼ predicted | ${neg} (false) | ${pos} (true) |`,
    '| --- | ---: | ---: |',
    `| **${neg}** | ${c.tn} | ${c.fp} |`,
    `| **${pos}** | ${c.fn} | ${c.tp} |`,
  ];
  if (e.ablation.length > 0) {
    lines.push('', '| without | accuracy | change |', '| --- | ---: | ---: |');
    for (const a of e.ablation) {
      const change = a.change === null ? '—' : `${a.change >= 0 ? '+' : '−'}${f4(Math.abs(a.change))}`;
      lines.push(`| ${escapeMd(a.feature)} | ${a.accuracy === null ? '—' : f4(a.accuracy)} | ${change} |`);
    }
  }
  for (const n of e.notes) lines.push('', `_${escapeMd(n)}_`);
  return lines.join('\n');
}

/** A name in a file path that does not clash with `taken` (never overwrite): stem.kryp, stem-2.kryp, … */
export function freeName(stem: string, taken: (name: string) => boolean): string {
  for (let k = 1; ; k++) {
    const name = k === 1 ? `${stem}.kryp` : `${stem}-${k}.kryp`;
    if (!taken(name)) return name;
  }
}

/**
 * The contents of a new hypothesis file, seeded from an analysis: the rule the analysis found, its opposite polarity,
 * each drop-one variant, the L1 model's top terms as parities, and the rejected conjectures — each under a `//`
 * comment saying where it came from. Duplicate rules appear once (first source wins).
 */
export function seedHypothesisFile(report: Report, datasetPath: string): string {
  const file = datasetPath.split(/[\\/]/).pop() ?? datasetPath;
  const out: string[] = [
    `// Hypotheses about ${file}, seeded by Kryptonite from its analysis (seed ${report.settings.seed}).`,
    '// One rule per line; each is evaluated on save: accuracy on all labelled rows [95 % interval] and on the test split.',
    `dataset ${/\s/.test(datasetPath) ? `"${datasetPath}"` : datasetPath}`,
  ];
  if (report.dataset.label) out.push(`label ${report.dataset.label.name}`);
  out.push(`seed ${report.settings.seed}`);
  const seen = new Set<string>();
  const section = (comment: string, rules: readonly string[]): void => {
    const fresh = rules.filter((r) => !seen.has(r));
    if (fresh.length === 0) return;
    out.push('', `// ${comment}`);
    for (const r of fresh) {
      seen.add(r);
      out.push(r);
    }
  };
  const found = report.hypotheses ?? [];
  for (const h of found) {
    section(`The rule the analysis found (${h.origin}): ${h.verdict}`, [h.rule]);
    section('Its opposite polarity', [h.rule.startsWith('not ') ? h.rule.slice(4) : `not ${h.rule}`]);
    section('Drop-one variants: the rule without each of its features', h.ablation.map((a) => a.rule).filter((r) => r !== 'true' && r !== 'false'));
  }
  // Rules are two-class hypotheses: the terms of a lasso or of one-vs-rest class models are not suggested as parities.
  const top = report.sparsity && !report.sparsity.task ? report.sparsity.top : [];
  section(
    'Top terms of the L1 model as parities of the binarised features (strongest first)',
    top.slice(0, 5).map((t) => (t.features.length === 1 ? `bin(${nameRef(t.features[0])})` : `xor(${t.features.map((n) => `bin(${nameRef(n)})`).join(', ')})`)),
  );
  for (const r of report.conjectures?.rejected ?? []) section(`Rejected by the analysis: ${r.reason}`, [r.rule]);
  if (seen.size === 0) {
    const relevant = report.features.filter((f) => f.relevance === 'relevant').map((f) => nameRef(f.name));
    const names = relevant.length > 0 ? relevant : report.features.slice(0, 3).map((f) => nameRef(f.name));
    section(
      relevant.length > 0 ? 'No rule was claimed; a first guess from the relevant features' : 'No rule was claimed and no relevance is known; a first guess',
      [names.length === 1 ? `bin(${names[0]})` : `xor(${names.map((n) => `bin(${n})`).join(', ')})`],
    );
  }
  return `${out.join('\n')}\n`;
}

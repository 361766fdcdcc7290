/**
 * The "Compare Hypotheses" view: the rules of one .kryp file ranked by accuracy, and a Vega-Lite chart of their
 * accuracies with 95 % (Wilson) error bars. Pure data → data/spec; no vscode, no DOM.
 */
import type { TopLevelSpec } from 'vega-lite';
import { FIT_WIDTH, SCHEMA } from './common';
import type { HypothesisEvaluation } from '../hypothesis/evaluate';

/** One rule of a file as the comparison shows it. Failed rules keep their error and rank last. */
export interface RankedHypothesis {
  /** 1-based rank among the evaluated rules; null for rules that could not be evaluated. */
  readonly rank: number | null;
  /** The rule as written in the file. */
  readonly source: string;
  /** 0-based line in the file. */
  readonly line: number;
  readonly rule: string | null;
  readonly accuracy: number | null;
  readonly ci95: readonly [number, number] | null;
  readonly rows: number;
  readonly testAccuracy: number | null;
  readonly testCi95: readonly [number, number] | null;
  readonly testRows: number;
  readonly error: string | null;
}

export type RuleOutcome =
  | { readonly ok: true; readonly evaluation: HypothesisEvaluation }
  | { readonly ok: false; readonly error: { readonly message: string } };

/**
 * Rank rules by accuracy on all labelled rows (ties: test accuracy, then file order — the sort is stable). Rules with
 * no scoreable row or an error come last, in file order, without a rank.
 */
export function rankHypotheses(rules: readonly { readonly text: string; readonly line: number }[], outcomes: readonly RuleOutcome[]): RankedHypothesis[] {
  if (rules.length !== outcomes.length) throw new RangeError(`rankHypotheses: ${rules.length} rules but ${outcomes.length} outcomes`);
  const rows: RankedHypothesis[] = rules.map((r, i) => {
    const o = outcomes[i];
    if (!o.ok) {
      return { rank: null, source: r.text, line: r.line, rule: null, accuracy: null, ci95: null, rows: 0, testAccuracy: null, testCi95: null, testRows: 0, error: o.error.message };
    }
    const e = o.evaluation;
    return {
      rank: null,
      source: r.text,
      line: r.line,
      rule: e.rule,
      accuracy: e.accuracy,
      ci95: e.ci95,
      rows: e.rows,
      testAccuracy: e.testAccuracy,
      testCi95: e.testCi95,
      testRows: e.testRows,
      error: null,
    };
  });
  const scored = rows.filter((r) => r.accuracy !== null);
  const rest = rows.filter((r) => r.accuracy === null);
  scored.sort((a, b) => (b.accuracy as number) - (a.accuracy as number) || (b.testAccuracy ?? -1) - (a.testAccuracy ?? -1));
  return [...scored.map((r, k) => ({ ...r, rank: k + 1 })), ...rest];
}


/**
 * Accuracy of each ranked rule (point) with its 95 % interval (error bar), on all labelled rows and on the test split,
 * one row per rule in rank order. Null when no rule has an accuracy (nothing to draw).
 */
export function hypothesisComparisonSpec(ranked: readonly RankedHypothesis[]): TopLevelSpec | null {
  const values: { label: string; rule: string; order: number; split: string; accuracy: number; lo: number; hi: number }[] = [];
  for (const r of ranked) {
    if (r.rank === null) continue;
    // The axis names each rule by its rank (#1, #2 … as in the table beside it, where the rule wraps in full): a rule
    // truncated to fit an axis at 400 px is unreadable, and drop-one variants of one rule differ only at their end.
    const label = `#${r.rank}`;
    if (r.accuracy !== null && r.ci95) values.push({ label, rule: r.source, order: r.rank, split: 'all labelled rows', accuracy: r.accuracy, lo: r.ci95[0], hi: r.ci95[1] });
    if (r.testAccuracy !== null && r.testCi95) values.push({ label, rule: r.source, order: r.rank, split: 'test split', accuracy: r.testAccuracy, lo: r.testCi95[0], hi: r.testCi95[1] });
  }
  if (values.length === 0) return null;
  const ranks = new Set(values.map((v) => v.order)).size;
  const y = { field: 'label', type: 'nominal', title: 'rule (rank)', sort: { field: 'order', op: 'min' } } as const;
  const yOffset = { field: 'split', type: 'nominal' } as const;
  const color = {
    field: 'split',
    type: 'nominal',
    title: null,
    scale: { domain: ['all labelled rows', 'test split'], range: ['#0072B2', '#E69F00'] },
    legend: { orient: 'top', direction: 'horizontal' },
  } as const;
  return {
    $schema: SCHEMA,
    description: 'Accuracy of each hypothesis with its 95 % interval, on all labelled rows and on the test split',
    data: { values },
    width: 'container',
    autosize: FIT_WIDTH,
    // Two 12 px bands (all rows, test split) per rule: a fixed height, never a step beside a container width.
    height: 24 * ranks,
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          y,
          yOffset,
          x: { field: 'lo', type: 'quantitative', title: 'accuracy (95 % interval)', scale: { zero: false } },
          x2: { field: 'hi' },
          color,
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          y,
          yOffset,
          x: { field: 'accuracy', type: 'quantitative' },
          color,
          tooltip: [
            { field: 'label', title: 'rank' },
            { field: 'rule', title: 'rule' },
            { field: 'split', title: 'rows' },
            { field: 'accuracy', format: '.4f' },
            { field: 'lo', title: '95 % low', format: '.4f' },
            { field: 'hi', title: '95 % high', format: '.4f' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}

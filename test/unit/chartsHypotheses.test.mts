import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { hypothesisComparisonSpec, rankHypotheses, type RuleOutcome } from '../../src/engine/charts/hypotheses';
import type { HypothesisEvaluation } from '../../src/engine/hypothesis/evaluate';
import { vegaWarnings } from './support/vegaView.mjs';

// See charts.test.mts: vega-lite must come through the real ESM loader.
const esmImport = (m: string): Promise<typeof import('vega-lite')> => import(m);

function evaluation(rule: string, accuracy: number | null, testAccuracy: number | null): HypothesisEvaluation {
  return {
    rule,
    features: [],
    featureIndices: [],
    rows: accuracy === null ? 0 : 100,
    correct: accuracy === null ? 0 : Math.round(accuracy * 100),
    accuracy,
    ci95: accuracy === null ? null : [Math.max(0, accuracy - 0.05), Math.min(1, accuracy + 0.05)],
    testRows: testAccuracy === null ? 0 : 20,
    testAccuracy,
    testCi95: testAccuracy === null ? null : [Math.max(0, testAccuracy - 0.1), Math.min(1, testAccuracy + 0.1)],
    confusion: { classes: ['0', '1'], tp: 0, fp: 0, tn: 0, fn: 0, matrix: [[0, 0], [0, 0]] },
    undecided: 0,
    unlabelled: 0,
    ablation: [],
    notes: [],
  };
}

const ok = (e: HypothesisEvaluation): RuleOutcome => ({ ok: true, evaluation: e });
const RULES = ['a', 'b', 'c', 'd', 'e'].map((text, line) => ({ text, line }));
const OUTCOMES: RuleOutcome[] = [
  ok(evaluation('a', 0.6, 0.55)),
  { ok: false, error: { message: 'column 1: unknown feature "b"' } },
  ok(evaluation('c', 0.9, 0.8)),
  ok(evaluation('d', 0.9, 0.85)),
  ok(evaluation('e', null, null)),
];

test('rank: by accuracy, ties by test accuracy; failed and unscoreable rules last without a rank, in file order', () => {
  const ranked = rankHypotheses(RULES, OUTCOMES);
  assert.deepEqual(ranked.map((r) => [r.source, r.rank]), [['d', 1], ['c', 2], ['a', 3], ['b', null], ['e', null]]);
  assert.equal(ranked[3].error, 'column 1: unknown feature "b"');
  assert.deepEqual(rankHypotheses([], []), []);
  assert.throws(() => rankHypotheses(RULES, []), RangeError);
});

test('chart: one point and one CI bar per rule and split, in rank order; valid Vega-Lite', async () => {
  const spec = hypothesisComparisonSpec(rankHypotheses(RULES, OUTCOMES));
  assert.ok(spec);
  const values = (spec as unknown as { data: { values: { label: string; rule: string; split: string; accuracy: number; lo: number; hi: number }[] } }).data.values;
  assert.equal(values.length, 6, 'three ranked rules × (all rows, test split)');
  // The axis shows the rank (the table beside it holds the whole rule); the rule itself is in the tooltip.
  assert.deepEqual(values.filter((v) => v.split === 'all labelled rows').map((v) => [v.label, v.rule]), [['#1', 'd'], ['#2', 'c'], ['#3', 'a']]);
  for (const v of values) assert.ok(v.lo <= v.accuracy && v.accuracy <= v.hi);
  const { compile } = await esmImport('vega-lite');
  const vg = compile(spec as TopLevelSpec).spec;
  assert.ok(Array.isArray(vg.marks) && vg.marks.length > 0);
});

test('chart: nothing to draw → null', () => {
  assert.equal(hypothesisComparisonSpec([]), null);
  assert.equal(hypothesisComparisonSpec(rankHypotheses([{ text: 'x', line: 0 }], [{ ok: false, error: { message: 'bad' } }])), null);
});

test('chart: drawn by Vega at a container width without a Vega-Lite or Vega warning', async () => {
  const spec = hypothesisComparisonSpec(rankHypotheses(RULES, OUTCOMES));
  assert.deepEqual(await vegaWarnings(spec as TopLevelSpec), []);
});

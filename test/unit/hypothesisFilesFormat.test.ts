import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseFile } from '../../src/engine/tasks/analyseFile';
import type { HypothesisEvaluation } from '../../src/engine/hypothesis/evaluate';
import { parseHypothesisFile } from '../../src/engine/hypothesis/file';
import type { Report } from '../../src/engine/report';
import { errorRange, freeName, hoverMarkdown, lensTitle, seedHypothesisFile } from '../../src/features/hypotheses/format';

/** A frozen evaluation: 115 of 120 right, 23 of 24 on the test split. */
const EVAL: HypothesisEvaluation = {
  rule: 'xor(bin(x1), bin(x2))',
  features: ['x1', 'x2'],
  featureIndices: [0, 1],
  rows: 120,
  correct: 115,
  accuracy: 115 / 120,
  ci95: [0.9058, 0.9820],
  testRows: 24,
  testAccuracy: 23 / 24,
  testCi95: [0.7976, 0.9926],
  confusion: { classes: ['0', '1'], tp: 55, fp: 2, tn: 60, fn: 3, matrix: [[60, 2], [3, 55]] },
  undecided: 0,
  unlabelled: 0,
  ablation: [
    { feature: 'x1', index: 0, rule: 'bin(x2)', accuracy: 0.5, change: 0.5 - 115 / 120 },
    { feature: 'x2', index: 1, rule: 'bin(x1)', accuracy: null, change: null },
  ],
  notes: [],
};

test('lens title: accuracy, Wilson interval, test accuracy, seed and split', () => {
  assert.equal(lensTitle(EVAL, 42), 'acc 0.9583 [0.9058, 0.9820] · test 0.9583 (seed 42, 60/20/20)');
  assert.equal(lensTitle({ ...EVAL, testAccuracy: null, testCi95: null, testRows: 0 }, 7), 'acc 0.9583 [0.9058, 0.9820] · test — (seed 7, 60/20/20)');
  assert.match(lensTitle({ ...EVAL, accuracy: null, ci95: null, rows: 0 }, 42), /^acc — /);
  // Rounds, never truncates: 0.99995 → 1.0000.
  assert.equal(lensTitle({ ...EVAL, accuracy: 0.99995, ci95: [0.99991, 1] }, 1).slice(0, 32), 'acc 1.0000 [0.9999, 1.0000] · te');
});

test('error range: file column = rule start + error column − 1; zero-length errors still get one character', () => {
  assert.deepEqual(errorRange({ line: 3, start: 2, text: 'xor(bin(x2), bin(x4) bin(x5))' }, { column: 22, length: 3 }), { line: 3, start: 23, end: 26 });
  assert.deepEqual(errorRange({ line: 0, start: 0, text: 'bin(x1) and' }, { column: 12, length: 0 }), { line: 0, start: 11, end: 12 });
  assert.deepEqual(errorRange({ line: 1, start: 4, text: 'x' }, { column: 1, length: 1 }), { line: 1, start: 4, end: 5 });
});

test('hover: confusion matrix with actual rows, ablation with signed change, names escaped', () => {
  const md = hoverMarkdown(EVAL, 42);
  assert.match(md, /\| \*\*0\*\* \| 60 \| 2 \|/);
  assert.match(md, /\| \*\*1\*\* \| 3 \| 55 \|/);
  assert.match(md, /\| x1 \| 0\.5000 \| −0\.4583 \|/);
  assert.match(md, /\| x2 \| — \| — \|/);
  assert.match(md, /115 of 120 rows right/);
  const odd = hoverMarkdown({ ...EVAL, ablation: [{ ...EVAL.ablation[0], feature: 'a|b' }] }, 42);
  assert.match(odd, /a\\\|b/, 'a pipe in a name does not break the table');
});

test('free name: never an existing file', () => {
  const taken = new Set(['small.kryp', 'small-2.kryp']);
  assert.equal(freeName('small', (n) => taken.has(n)), 'small-3.kryp');
  assert.equal(freeName('other', (n) => taken.has(n)), 'other.kryp');
});

let cached: Report | null = null;
async function smallReport(): Promise<Report> {
  cached ??= await analyseFile('test/fixtures/workspace/data/small.csv', { seed: 42 });
  return cached;
}

test('seeded file: parses cleanly; the found rule first, then its opposite, drop-one variants, rejected conjectures', async () => {
  const report = await smallReport();
  const text = seedHypothesisFile(report, 'small.csv');
  const f = parseHypothesisFile(text);
  assert.deepEqual(f.problems, []);
  assert.equal(f.dataset?.path, 'small.csv');
  assert.equal(f.label, 'y');
  assert.equal(f.seed, 42);
  const rules = f.rules.map((r) => r.text);
  assert.equal(rules[0], 'xor(bin(x1), bin(x2), bin(x3), bin(x5))');
  assert.equal(rules[1], 'not xor(bin(x1), bin(x2), bin(x3), bin(x5))');
  assert.deepEqual(rules.slice(2, 6), ['xor(bin(x2), bin(x3), bin(x5))', 'xor(bin(x1), bin(x3), bin(x5))', 'xor(bin(x1), bin(x2), bin(x5))', 'xor(bin(x1), bin(x2), bin(x3))']);
  assert.equal(new Set(rules).size, rules.length, 'no rule twice (the L1 top term and the rejected opposite are the same rules)');
  // Every rule sits under a comment saying where it came from.
  const lines = text.split('\n');
  assert.match(lines[f.rules[0].line - 1], /^\/\/ The rule the analysis found \(xor-conjecture\)/);
  assert.match(lines[f.rules[1].line - 1], /^\/\/ Its opposite polarity/);
});

test('seeded file: quoted dataset path with spaces; a first guess when nothing was claimed', async () => {
  const report = await smallReport();
  const bare: Report = { ...report, hypotheses: [], conjectures: { rejected: [], oracle: null }, sparsity: undefined };
  const f = parseHypothesisFile(seedHypothesisFile(bare, 'my data.csv'));
  assert.equal(f.dataset?.path, 'my data.csv');
  assert.deepEqual(f.rules.map((r) => r.text), ['xor(bin(x1), bin(x2), bin(x3), bin(x5))']);
});

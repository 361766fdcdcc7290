import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHypothesisFile } from '../../src/engine/hypothesis/file';

// Edge cases of the .kryp format that the editor features rely on (positions and problems).

test('an empty file: one missingDataset problem, no rules', () => {
  const f = parseHypothesisFile('');
  assert.deepEqual(f.rules, []);
  assert.deepEqual(f.problems.map((p) => [p.code, p.line, p.start, p.length]), [['missingDataset', 0, 0, 0]]);
});

test('comments only and blank lines with whitespace are ignored', () => {
  const f = parseHypothesisFile('// a\n   \n\t// b\ndataset d.csv\n  // c\n');
  assert.deepEqual(f.rules, []);
  assert.deepEqual(f.problems, []);
});

test('a directive without a value is a badDirective on its own line', () => {
  const f = parseHypothesisFile('dataset d.csv\nlabel   \nbin(x1)');
  assert.deepEqual(f.problems.map((p) => [p.code, p.line]), [['badDirective', 1]]);
  assert.equal(f.rules[0].line, 2);
});

test('tabs before a rule count as one character each; a trailing comment is stripped', () => {
  const f = parseHypothesisFile('dataset d.csv\n\t\tbin(x1)\t// why');
  assert.deepEqual(f.rules, [{ line: 1, start: 2, text: 'bin(x1)' }]);
});

test('dataset with a colon and a comment after the path', () => {
  const f = parseHypothesisFile('dataset: data/k.csv // the data\nbin(x1)');
  assert.deepEqual(f.dataset, { path: 'data/k.csv', line: 0, start: 9, length: 10 });
});

test('a rule line that only holds a backquoted name with // inside keeps it whole', () => {
  const f = parseHypothesisFile('dataset d.csv\n`http://x` > 1 // note');
  assert.equal(f.rules[0].text, '`http://x` > 1');
});

test('a directive keyword alone (or with a colon) is a directive missing its value, not a rule', () => {
  const f = parseHypothesisFile('dataset\nbin(x1)');
  assert.deepEqual(f.problems.map((p) => [p.code, p.line]), [['badDirective', 0], ['missingDataset', 0]]);
  assert.deepEqual(f.rules.map((r) => r.text), ['bin(x1)']);
  assert.deepEqual(parseHypothesisFile('dataset d.csv\nseed:\nbin(x1)').problems.map((p) => p.code), ['badDirective']);
  // …while a keyword glued to more text stays a rule.
  assert.deepEqual(parseHypothesisFile('dataset d.csv\nlabelled > 1\nseed(x1)').rules.map((r) => r.text), ['labelled > 1', 'seed(x1)']);
});

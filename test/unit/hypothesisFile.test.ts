import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHypothesisFile } from '../../src/engine/hypothesis/file';
import { parseHypothesis } from '../../src/engine/hypothesis/parser';
import { HypothesisError } from '../../src/engine/hypothesis/ast';

test('header directives and one rule per line, with positions', () => {
  const f = parseHypothesisFile(
    ['// what the analysis found', 'dataset ../data/kryptonite-9.csv', 'label: y', 'seed 7', '', '  xor(bin(x2), bin(x4))   // the rule', 'bin(`a//b`) or x1 > 0.5'].join('\n'),
  );
  assert.deepEqual(f.dataset, { path: '../data/kryptonite-9.csv', line: 1, start: 8, length: 24 });
  assert.equal(f.label, 'y');
  assert.equal(f.seed, 7);
  assert.deepEqual(f.rules, [
    { line: 5, start: 2, text: 'xor(bin(x2), bin(x4))' },
    { line: 6, start: 0, text: 'bin(`a//b`) or x1 > 0.5' },
  ]);
  assert.deepEqual(f.problems, []);
});

test('quoted paths, numeric labels, CRLF', () => {
  const f = parseHypothesisFile('dataset "my data/k 9.csv"\r\nlabel 9\r\nbin(x1)\r\n');
  assert.equal(f.dataset?.path, 'my data/k 9.csv');
  assert.equal(f.label, 9);
  assert.equal(f.rules[0].line, 2);
});

test('problems: no dataset, directive after rules, duplicates, bad seed', () => {
  const f = parseHypothesisFile('bin(x1)\nseed 4\n');
  assert.deepEqual(f.problems.map((p) => p.code), ['directiveAfterRules', 'missingDataset']);
  const g = parseHypothesisFile('dataset a.csv\ndataset b.csv\nseed -3\nbin(x1)');
  assert.equal(g.dataset?.path, 'a.csv');
  assert.deepEqual(g.problems.map((p) => [p.code, p.line]), [['duplicateDirective', 1], ['badDirective', 2]]);
  assert.equal(g.problems[1].start, 5);
});

test('a parse error column maps to the file column: rule start + column − 1', () => {
  const f = parseHypothesisFile('dataset d.csv\n   xor(bin(x2), bin(x4) bin(x5))');
  const rule = f.rules[0];
  try {
    parseHypothesis(rule.text);
    assert.fail('should not parse');
  } catch (e) {
    assert.ok(e instanceof HypothesisError);
    assert.equal(rule.start + e.column - 1, 3 + 21);
  }
});

test('a feature named like a directive is still a rule when used as one', () => {
  const f = parseHypothesisFile('dataset d.csv\nseed(x1)\nlabel > 0.5');
  // "label > 0.5" is a rule about a feature called label, not "label" followed by a value.
  assert.deepEqual(f.rules.map((r) => r.text), ['seed(x1)', 'label > 0.5']);
  assert.equal(f.label, undefined);
});

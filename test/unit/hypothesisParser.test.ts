import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HypothesisError, hypothesisEquals, typeOf } from '../../src/engine/hypothesis/ast';
import type { HypothesisErrorCode, HypothesisNode } from '../../src/engine/hypothesis/ast';
import { tokenize } from '../../src/engine/hypothesis/lexer';
import { closest, editDistance, formatHypothesis, negate, parseHypothesis } from '../../src/engine/hypothesis/parser';
import { createRng } from '../../src/engine/random';
import type { Rng } from '../../src/engine/random';

/** A compact, span-free picture of a tree: `bin(a)` is `a`, features by name or `#i`, operators as prefix lists. */
function sx(node: HypothesisNode): string {
  switch (node.kind) {
    case 'number':
      return Object.is(node.value, -0) ? '-0' : String(node.value);
    case 'boolean':
      return String(node.value);
    case 'feature':
      return node.name ?? `#${node.index}`;
    case 'bin':
      return sx(node.feature);
    case 'negate':
      return `(neg ${sx(node.operand)})`;
    case 'not':
      return `(not ${sx(node.operand)})`;
    case 'arithmetic':
    case 'compare':
      return `(${node.op} ${sx(node.left)} ${sx(node.right)})`;
    case 'logic':
      return `(${node.op} ${node.operands.map(sx).join(' ')})`;
  }
}

const p = (text: string): string => sx(parseHypothesis(text));

function parseError(text: string): HypothesisError {
  try {
    parseHypothesis(text);
  } catch (error) {
    assert.ok(error instanceof HypothesisError, `${JSON.stringify(text)} threw ${String(error)}`);
    return error;
  }
  assert.fail(`${JSON.stringify(text)} parsed, expected an error`);
}

test('boolean precedence: not > and > xor > or', () => {
  assert.equal(p('not bin(a) and bin(b) or bin(c) xor bin(d)'), '(or (and (not a) b) (xor c d))');
  assert.equal(p('bin(a) or bin(b) xor bin(c) and bin(d)'), '(or a (xor b (and c d)))');
  assert.equal(p('bin(a) and bin(b) xor bin(c) and bin(d)'), '(xor (and a b) (and c d))');
  assert.equal(p('not not bin(a)'), '(not (not a))');
  assert.equal(p('not bin(a) xor bin(b)'), '(xor (not a) b)');
  assert.equal(p('not (bin(a) xor bin(b))'), '(not (xor a b))');
  assert.equal(p('(bin(a) or bin(b)) and bin(c)'), '(and (or a b) c)');
});

test('comparisons bind tighter than not, arithmetic tighter than comparisons', () => {
  assert.equal(p('not x1 > 0.5'), '(not (> x1 0.5))');
  assert.equal(p('x1 + x2 * x3 > 1'), '(> (+ x1 (* x2 x3)) 1)');
  assert.equal(p('(x1 + x2) * x3 <= 1'), '(<= (* (+ x1 x2) x3) 1)');
  assert.equal(p('x1 * x2 < 0.25 and x3 > 0.5'), '(and (< (* x1 x2) 0.25) (> x3 0.5))');
  for (const op of ['>', '>=', '<', '<=', '==', '!=']) assert.equal(p(`x1 ${op} 2`), `(${op} x1 2)`);
});

test('arithmetic is left-associative; unary minus binds tightest and folds into literals', () => {
  assert.equal(p('x1 - x2 - x3 > 0'), '(> (- (- x1 x2) x3) 0)');
  assert.equal(p('x1 / x2 / x3 > 0'), '(> (/ (/ x1 x2) x3) 0)');
  assert.equal(p('x1 - (x2 - x3) > 0'), '(> (- x1 (- x2 x3)) 0)');
  assert.equal(p('-x1 * x2 > 0'), '(> (* (neg x1) x2) 0)');
  assert.equal(p('-2 * x1 > -0.5'), '(> (* -2 x1) -0.5)');
  assert.equal(p('- -x1 > 0'), '(> (neg (neg x1)) 0)');
  assert.equal(p('--1 < x1'), '(< 1 x1)');
  assert.equal(p('x1 - -1 > 0'), '(> (- x1 -1) 0)');
});

test('infix chains, the n-ary form and parity() build the same node; parentheses keep a group', () => {
  const infix = parseHypothesis('bin(x1) xor bin(x2) xor bin(x3)');
  const call = parseHypothesis('xor(bin(x1), bin(x2), bin(x3))');
  const parity = parseHypothesis('parity( bin(x1),bin(x2) ,bin(x3) )');
  assert.ok(hypothesisEquals(infix, call));
  assert.ok(hypothesisEquals(infix, parity));
  assert.equal(sx(call), '(xor x1 x2 x3)');
  assert.equal(p('(bin(x1) xor bin(x2)) xor bin(x3)'), '(xor (xor x1 x2) x3)');
  assert.ok(!hypothesisEquals(infix, parseHypothesis('(bin(x1) xor bin(x2)) xor bin(x3)')));
  assert.equal(p('and(bin(a), bin(b), x1 > 2)'), '(and a b (> x1 2))');
  assert.equal(p('or(bin(a))'), '(or a)');
  assert.equal(p('bin(a) and bin(b) and bin(c)'), '(and a b c)');
  assert.equal(p('xor(bin(a), bin(b)) xor bin(c)'), '(xor (xor a b) c)');
  // `not(a)` is `not` with a parenthesised operand, so a comparison after it is inside.
  assert.equal(p('not(x1) > 0.5'), '(not (> x1 0.5))');
});

test('feature references: identifiers, backquoted names, 0-based indices; bin takes any of them', () => {
  const names = (text: string): [string | null, number | null] => {
    const node = parseHypothesis(text);
    assert.equal(node.kind, 'compare');
    const left = node.kind === 'compare' ? node.left : node;
    assert.equal(left.kind, 'feature');
    return left.kind === 'feature' ? [left.name, left.index] : [null, null];
  };
  assert.deepEqual(names('petal_width > 1'), ['petal_width', null]);
  assert.deepEqual(names('feature.3 > 1'), ['feature.3', null]);
  assert.deepEqual(names('_x > 1'), ['_x', null]);
  assert.deepEqual(names('größe > 1'), ['größe', null]);
  assert.deepEqual(names('`my col` > 1'), ['my col', null]);
  assert.deepEqual(names('`a``b` > 1'), ['a`b', null]);
  assert.deepEqual(names('`and` > 1'), ['and', null]);
  assert.deepEqual(names('`1st` > 1'), ['1st', null]);
  assert.deepEqual(names('#0 > 1'), [null, 0]);
  assert.deepEqual(names('#12 > 1'), [null, 12]);
  // A feature may be called like a function: only a following "(" makes a call.
  assert.deepEqual(names('bin > 1'), ['bin', null]);
  assert.equal(p('bin(#3) xor bin(`my col`)'), '(xor #3 my col)');
  assert.equal(p('bin((x1))'), 'x1');
});

test('numbers: integers, decimals, leading and trailing points, exponents', () => {
  const value = (text: string): number => {
    const node = parseHypothesis(`x1 > ${text}`);
    assert.ok(node.kind === 'compare' && node.right.kind === 'number');
    return node.kind === 'compare' && node.right.kind === 'number' ? node.right.value : NaN;
  };
  assert.equal(value('3'), 3);
  assert.equal(value('0.25'), 0.25);
  assert.equal(value('.5'), 0.5);
  assert.equal(value('2.'), 2);
  assert.equal(value('1e3'), 1000);
  assert.equal(value('2.5E-2'), 0.025);
  assert.equal(value('1e+2'), 100);
  assert.equal(value('-0.5'), -0.5);
  assert.ok(Object.is(value('-0'), -0));
});

test('comments run from // to the end of the line; whitespace and newlines are free', () => {
  const text = 'xor(bin(x1), // the first bit\n    bin(x2)) // and the second\n';
  assert.equal(p(text), '(xor x1 x2)');
  assert.equal(p('// a rule\nbin(x1)'), 'x1');
  assert.equal(p('x1/x2>1'), '(> (/ x1 x2) 1)');
});

test('true and false are conditions; types follow the node kind', () => {
  assert.equal(p('true'), 'true');
  assert.equal(p('false or bin(x1)'), '(or false x1)');
  assert.equal(typeOf(parseHypothesis('x1 > 1')), 'condition');
  const sum = parseHypothesis('x1 + x2 > 0');
  assert.ok(sum.kind === 'compare' && typeOf(sum.left) === 'number');
});

test('conditions count 0/1 in arithmetic and comparisons', () => {
  assert.equal(p('bin(x1) + bin(x2) + bin(x3) >= 2'), '(>= (+ (+ x1 x2) x3) 2)');
  assert.equal(p('bin(x1) == bin(x2)'), '(== x1 x2)');
  assert.equal(p('(x1 > 0) * 2 < -bin(x2)'), '(< (* (> x1 0) 2) (neg x2))');
});

test('spans locate every node in the text (0-based, end-exclusive)', () => {
  const text = 'xor(bin(x1), #2 > 0.5)';
  const node = parseHypothesis(text);
  assert.deepEqual(node.span, { start: 0, end: text.length });
  assert.ok(node.kind === 'logic');
  if (node.kind !== 'logic') return;
  assert.equal(text.slice(node.operands[0].span.start, node.operands[0].span.end), 'bin(x1)');
  assert.equal(text.slice(node.operands[1].span.start, node.operands[1].span.end), '#2 > 0.5');
  const minus = parseHypothesis('x1 > -0.5');
  assert.ok(minus.kind === 'compare');
  if (minus.kind === 'compare') assert.deepEqual(minus.right.span, { start: 5, end: 9 });
});

/** [rule, code, column, length, a piece of the message]. */
const MALFORMED: readonly (readonly [string, HypothesisErrorCode, number, number, string])[] = [
  ['', 'empty', 1, 0, 'the rule is empty'],
  ['   ', 'empty', 1, 3, 'the rule is empty'],
  ['// only a comment', 'empty', 1, 17, 'the rule is empty'],
  ['x1>(x2 + 0.25', 'unclosedParen', 14, 0, 'column 14: expected ")" to close "(" at column 4, found end of rule'],
  ['((bin(x1))', 'unclosedParen', 11, 0, 'to close "(" at column 1'],
  ['(bin(x1) bin(x2))', 'unclosedParen', 10, 3, 'expected ")" to close "(" at column 1, found "bin"'],
  ['xor(bin(x1), bin(x2)', 'unclosedParen', 21, 0, 'expected "," or ")" to close "xor(" at column 4, found end of rule'],
  ['bin(x1))', 'syntax', 8, 1, 'unexpected ")" with no "(" to close'],
  [')', 'syntax', 1, 1, 'expected a condition, found ")"'],
  ['x1 >', 'syntax', 5, 0, 'expected a value after ">", found end of rule'],
  ['x1 > 0.5 and', 'syntax', 13, 0, 'expected a condition after "and", found end of rule'],
  ['bin(x1) or or bin(x2)', 'syntax', 12, 2, 'found "or"'],
  ['x1 * > 2', 'syntax', 6, 1, 'expected a value after "*", found ">"'],
  ['xor(bin(x1), )', 'syntax', 14, 1, 'expected an expression after ",", found ")"'],
  ['xor', 'syntax', 1, 3, 'write a xor b or xor(a, b, …)'],
  ['x1 x2', 'syntax', 4, 2, 'expected an operator or the end of the rule, found "x2"'],
  ['bin(a) AND bin(b)', 'syntax', 8, 3, 'operators are lower-case: and'],
  ['x1 < x2 < x3', 'syntax', 9, 1, 'comparisons do not chain'],
  ['foo(x1)', 'unknownFunction', 1, 3, 'unknown function "foo"'],
  ['bni(x1)', 'unknownFunction', 1, 3, 'did you mean bin?'],
  ['XOR(bin(a), bin(b))', 'unknownFunction', 1, 3, 'did you mean xor?'],
  ['bin()', 'arity', 1, 5, 'bin() takes exactly one feature, e.g. bin(x3), got none'],
  ['bin(x1, x2)', 'arity', 1, 11, 'got 2'],
  ['xor()', 'arity', 1, 5, 'xor() needs at least one operand'],
  ['parity()', 'arity', 1, 8, 'parity() needs at least one operand'],
  ['not(bin(a), bin(b))', 'arity', 11, 1, 'not takes exactly one operand'],
  ['not()', 'arity', 4, 2, 'not needs exactly one operand, got none'],
  ['1.2.3 > x1', 'badNumber', 1, 5, 'malformed number "1.2.3"'],
  ['x1 > 2x', 'badNumber', 6, 2, 'write a product with *'],
  ['x1 > 1e', 'badNumber', 6, 2, 'an exponent needs digits'],
  ['x1 > 1e999', 'badNumber', 6, 5, 'too large'],
  ['x1 @ 2', 'unexpectedCharacter', 4, 1, 'unexpected character "@"'],
  ['x1 = 2', 'unexpectedCharacter', 4, 1, 'write `==`'],
  ['bin(a) && bin(b)', 'unexpectedCharacter', 8, 2, 'write `and`'],
  ['bin(a) || bin(b)', 'unexpectedCharacter', 8, 2, 'write `or`'],
  ['bin(a) ^ bin(b)', 'unexpectedCharacter', 8, 1, 'write `xor`'],
  ['!bin(a)', 'unexpectedCharacter', 1, 1, 'write `not`'],
  ['"my col" > 1', 'unexpectedCharacter', 1, 1, 'backquotes'],
  ['bin(`my col) > 1', 'unterminatedName', 5, 12, 'no closing backquote'],
  ['`` > 1', 'emptyName', 1, 2, 'empty feature name'],
  ['#x1 > 1', 'badIndex', 1, 3, '0-based feature index'],
  ['# comment', 'badIndex', 1, 1, 'comments start with //'],
  ['#1.5 > 0', 'badIndex', 1, 4, '0-based feature index'],
  ['x1 * x2', 'type', 1, 7, 'expected a condition such as `x1 * x2 > 0`, found a number-valued expression'],
  ['(x1 + 1)', 'type', 2, 6, 'found a number-valued expression'],
  ['x1', 'type', 1, 2, 'expected a condition'],
  ['bin(x1) and x2', 'type', 13, 2, 'on each side of "and"'],
  ['xor(bin(x1), x2)', 'type', 14, 2, 'as an operand of xor()'],
  ['not x1', 'type', 5, 2, 'after "not"'],
  ['bin(x1 * x2)', 'type', 5, 7, 'bin() takes a feature'],
  ['bin(x1 > 0)', 'type', 5, 6, 'already 0/1'],
  ['bin(3)', 'type', 5, 1, 'found a number'],
];

test('malformed rules: error code, exact column and length, and a message a researcher understands', () => {
  for (const [text, code, column, length, piece] of MALFORMED) {
    const error = parseError(text);
    assert.equal(error.code, code, `${JSON.stringify(text)}: ${error.message}`);
    assert.equal(error.column, column, `${JSON.stringify(text)} column: ${error.message}`);
    assert.equal(error.length, length, `${JSON.stringify(text)} length: ${error.message}`);
    assert.ok(error.message.includes(piece), `${JSON.stringify(text)}: "${error.message}" lacks "${piece}"`);
    assert.ok(error.message.startsWith(`column ${column}: `), error.message);
    assert.equal(error.message, `column ${column}: ${error.detail}`);
  }
});

test('errors say what was expected', () => {
  assert.equal(parseError('(x1 > 0').expected, '")"');
  assert.equal(parseError('x1 >').expected, 'a value');
  assert.equal(parseError('x1 + 1').expected, 'a condition');
  assert.equal(parseError('bin(1)').expected, 'a feature');
});

test('a newline counts as one character in error columns', () => {
  const error = parseError('bin(x1)\nand');
  assert.equal(error.column, 12);
});

test('the lexer never reads # as a comment and keeps backquoted keywords as names', () => {
  const tokens = tokenize('`xor` xor #3 // done');
  assert.deepEqual(
    tokens.map((t) => t.kind),
    ['name', 'name', 'index', 'end'],
  );
  assert.ok(tokens[0].kind === 'name' && tokens[0].quoted);
  assert.ok(tokens[1].kind === 'name' && !tokens[1].quoted);
});

test('canonical formatting', () => {
  const canonical: readonly (readonly [string, string])[] = [
    ['parity(bin(x2),bin(x4) ,bin(x5))', 'xor(bin(x2), bin(x4), bin(x5))'],
    ['not   xor(bin(x1),bin(x2),bin(x3))', 'not xor(bin(x1), bin(x2), bin(x3))'],
    ['xor(bin(x1), bin(x2))', 'bin(x1) xor bin(x2)'],
    ['bin(x1) xor bin(x2) xor bin(x3)', 'xor(bin(x1), bin(x2), bin(x3))'],
    ['xor(bin(x1))', 'xor(bin(x1))'],
    ['(bin(a) xor bin(b)) xor bin(c)', '(bin(a) xor bin(b)) xor bin(c)'],
    ['bin(a) xor (bin(b) xor bin(c))', 'bin(a) xor (bin(b) xor bin(c))'],
    ['(bin(a) and bin(b)) or bin(c)', 'bin(a) and bin(b) or bin(c)'],
    ['bin(a) and (bin(b) or bin(c))', 'bin(a) and (bin(b) or bin(c))'],
    ['not (bin(a) and bin(b))', 'not (bin(a) and bin(b))'],
    ['(not bin(a)) and bin(b)', 'not bin(a) and bin(b)'],
    ['((x1 * x2)) < .25', 'x1 * x2 < 0.25'],
    ['x1 - (x2 + x3) > 0', 'x1 - (x2 + x3) > 0'],
    ['(x1 - x2) + x3 > 0', 'x1 - x2 + x3 > 0'],
    ['x1 / (x2 * x3) > 0', 'x1 / (x2 * x3) > 0'],
    ['-(x1 * x2) > 0', '-(x1 * x2) > 0'],
    ['- - x1 > 0', '- -x1 > 0'],
    ['x1 > 1e-7', 'x1 > 1e-7'],
    ['x1 > 1E21', 'x1 > 1e+21'],
    ['x1 > 2.50', 'x1 > 2.5'],
    ['(x1 > 0) + (x2 > 0) >= 1', '(x1 > 0) + (x2 > 0) >= 1'],
    ['not(x1 > 0) == bin(x2)', 'not (x1 > 0) == bin(x2)'],
    ['bin(#3) and `my col` > 1 and `and` < 2 and `a``b` != 0', 'and(bin(#3), `my col` > 1, `and` < 2, `a``b` != 0)'],
    ['TRUE_ > 0 or true', 'TRUE_ > 0 or true'],
  ];
  for (const [text, expected] of canonical) {
    const formatted = formatHypothesis(parseHypothesis(text));
    assert.equal(formatted, expected, text);
    assert.ok(hypothesisEquals(parseHypothesis(formatted), parseHypothesis(text)), text);
  }
});

/** Random well-typed trees, including every node kind, awkward names and numbers, and one-operand logic nodes. */
function randomTree(rng: Rng, type: 'number' | 'condition', depth: number): HypothesisNode {
  const span = { start: 0, end: 0 };
  const NAMES = ['x1', 'petal_width', 'feature.3', 'my col', 'and', 'a`b', '1st', 'bin', 'parity', 'Größe', 'x y'];
  const NUMBERS = [0, 1, 0.5, 0.25, 3, 1e-7, 1e21, 123.456, 2 / 3, -1, -0.75, -0, -1e-9];
  const feature = (): HypothesisNode =>
    rng.next() < 0.25
      ? { kind: 'feature', name: null, index: rng.int(40), span }
      : { kind: 'feature', name: NAMES[rng.int(NAMES.length)], index: null, span };
  if (depth <= 0) {
    if (type === 'number') return rng.next() < 0.5 ? feature() : { kind: 'number', value: NUMBERS[rng.int(NUMBERS.length)], span };
    const r = rng.next();
    if (r < 0.7) return { kind: 'bin', feature: feature() as never, span };
    return { kind: 'boolean', value: r < 0.85, span };
  }
  if (type === 'number') {
    const r = rng.next();
    if (r < 0.15) return negate(randomTree(rng, 'number', depth - 1), span);
    if (r < 0.25) return randomTree(rng, 'condition', depth - 1); // coerced 0/1
    if (r < 0.35) return randomTree(rng, 'number', 0);
    const ops = ['+', '-', '*', '/'] as const;
    return { kind: 'arithmetic', op: ops[rng.int(4)], left: randomTree(rng, 'number', depth - 1), right: randomTree(rng, 'number', depth - 1), span };
  }
  const r = rng.next();
  if (r < 0.15) return { kind: 'not', operand: randomTree(rng, 'condition', depth - 1), span };
  if (r < 0.45) {
    const ops = ['>', '>=', '<', '<=', '==', '!='] as const;
    return { kind: 'compare', op: ops[rng.int(6)], left: randomTree(rng, 'number', depth - 1), right: randomTree(rng, 'number', depth - 1), span };
  }
  if (r < 0.55) return randomTree(rng, 'condition', 0);
  const ops = ['and', 'or', 'xor'] as const;
  const count = 1 + rng.int(4);
  return {
    kind: 'logic',
    op: ops[rng.int(3)],
    operands: Array.from({ length: count }, () => randomTree(rng, 'condition', depth - 1)),
    span,
  };
}

test('round trip: formatHypothesis re-parses to an equal tree, and formatting is idempotent (2000 random trees)', () => {
  const rng = createRng(2024);
  for (let k = 0; k < 2000; k++) {
    const tree = randomTree(rng, 'condition', 1 + rng.int(5));
    const text = formatHypothesis(tree);
    let reparsed: HypothesisNode;
    try {
      reparsed = parseHypothesis(text);
    } catch (error) {
      assert.fail(`tree ${k}: "${text}" did not parse: ${String(error)}`);
    }
    assert.ok(hypothesisEquals(reparsed, tree), `tree ${k}: "${text}" re-parsed as ${sx(reparsed)}, built as ${sx(tree)}`);
    assert.equal(formatHypothesis(reparsed), text);
  }
});

test('hypothesisEquals ignores spans and spelling, but not structure or values', () => {
  assert.ok(hypothesisEquals(parseHypothesis('  bin( x1 )'), parseHypothesis('bin(x1)')));
  assert.ok(!hypothesisEquals(parseHypothesis('bin(x1)'), parseHypothesis('bin(#0)')));
  assert.ok(!hypothesisEquals(parseHypothesis('x1 > 0'), parseHypothesis('x1 > -0')));
  assert.ok(!hypothesisEquals(parseHypothesis('x1 > 0'), parseHypothesis('x1 >= 0')));
  assert.ok(!hypothesisEquals(parseHypothesis('xor(bin(a), bin(b))'), parseHypothesis('and(bin(a), bin(b))')));
});

test('suggestions: optimal-alignment distance, swaps first, nothing when far', () => {
  assert.equal(editDistance('x21', 'x12'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  const names = Array.from({ length: 12 }, (_, i) => `x${i + 1}`);
  assert.equal(closest('x21', names)[0], 'x12');
  assert.deepEqual(closest('petal_widht', ['sepal_length', 'petal_width', 'petal_length']), ['petal_width']);
  assert.deepEqual(closest('zzz', names), []);
  assert.deepEqual(closest('', names), []);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Binarisation } from '../../src/engine/binarise';
import type { Label } from '../../src/engine/dataset';
import { HypothesisError } from '../../src/engine/hypothesis/ast';
import type { HypothesisErrorCode, HypothesisNode } from '../../src/engine/hypothesis/ast';
import { compileHypothesis, evaluateHypothesis, removeFeature } from '../../src/engine/hypothesis/evaluate';
import { HypothesisCache } from '../../src/engine/hypothesis/cache';
import { wilsonInterval } from '../../src/engine/stats/intervals';
import type { HypothesisContext, HypothesisEvaluation } from '../../src/engine/hypothesis/evaluate';
import { formatHypothesis } from '../../src/engine/hypothesis/parser';
import { createRng } from '../../src/engine/random';
import type { Rng } from '../../src/engine/random';
import { splitRows } from '../../src/engine/split';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';

const Z = 1.959963984540054;

function gap(threshold: number): Binarisation {
  return { threshold, rule: 'gap', description: `between the peaks: x > ${threshold}` };
}

function context(names: readonly string[], threshold = 0.5): HypothesisContext {
  return { names, binarisations: names.map(() => gap(threshold)) };
}

function makeLabel(values: readonly number[], classes: readonly string[] = ['0', '1']): Label {
  const counts = classes.map((_, k) => values.filter((v) => v === k).length);
  return {
    name: 'y',
    sourceColumn: null,
    values: Int32Array.from(values),
    classes,
    counts,
    kind: 'integer',
    missing: values.filter((v) => v < 0).length,
    task: classes.length <= 2 ? 'binary' : 'multiclass',
    taskEvidence: 'test',
    taskOverridden: false,
    target: null,
  };
}

const NO_TEST = { test: new Uint32Array(0) };

function compileError(text: string, ctx: HypothesisContext): HypothesisError {
  try {
    compileHypothesis(text, ctx);
  } catch (error) {
    assert.ok(error instanceof HypothesisError, String(error));
    return error;
  }
  assert.fail(`"${text}" compiled, expected an error`);
}

/**
 * Seven rows worked by hand, thresholds 0.5. bin(a) xor bin(b) predicts 0 1 1 0 0 0 1 against labels 0 1 1 0 1 1 0:
 * tn = rows 0, 3; tp = rows 1, 2; fn = rows 4, 5; fp = row 6. Seven rows, so the evaluator's 4-byte steps leave a tail.
 */
const A = [0.1, 0.9, 0.2, 0.8, 0.9, 0.1, 0.7];
const B = [0.2, 0.1, 0.8, 0.9, 0.9, 0.1, 0.3];
const C = [5, 5, 5, 5, 5, 5, 5];
const Y = [0, 1, 1, 0, 1, 1, 0];
const TINY = { columns: [A, B, C].map((c) => Float32Array.from(c)), label: makeLabel(Y, ['no', 'yes']) };
const TINY_CONTEXT = context(['a', 'b', 'c']);

test('a two-feature parity on seven hand-made rows: confusion, accuracy, test part', () => {
  const compiled = compileHypothesis('bin(a) xor bin(b)', TINY_CONTEXT);
  const result = evaluateHypothesis(compiled, TINY, { test: Uint32Array.from([1, 4, 6]) });
  assert.equal(result.rule, 'bin(a) xor bin(b)');
  assert.deepEqual(result.features, ['a', 'b']);
  assert.deepEqual(result.featureIndices, [0, 1]);
  assert.deepEqual(result.confusion, {
    classes: ['no', 'yes'],
    tp: 2,
    fp: 1,
    tn: 2,
    fn: 2,
    matrix: [
      [2, 1],
      [2, 2],
    ],
  });
  assert.equal(result.rows, 7);
  assert.equal(result.correct, 4);
  assert.equal(result.accuracy, 4 / 7);
  assert.deepEqual(result.ci95, wilsonInterval(4, 7));
  // Test rows 1 (right), 4 and 6 (wrong).
  assert.equal(result.testRows, 3);
  assert.equal(result.testAccuracy, 1 / 3);
  assert.deepEqual(result.testCi95, wilsonInterval(1, 3));
  assert.equal(result.undecided, 0);
  assert.equal(result.unlabelled, 0);
  assert.deepEqual(result.notes, []);
});

test('not flips every prediction: accuracy 1 − accuracy, confusion cells swap', () => {
  const result = evaluateHypothesis(compileHypothesis('not (bin(a) xor bin(b))', TINY_CONTEXT), TINY, NO_TEST);
  assert.equal(result.accuracy, 3 / 7);
  assert.deepEqual([result.confusion.tp, result.confusion.fp, result.confusion.tn, result.confusion.fn], [2, 2, 1, 2]);
});

test('constant rules predict one class everywhere', () => {
  const always = evaluateHypothesis(compileHypothesis('true', TINY_CONTEXT), TINY, NO_TEST);
  assert.equal(always.accuracy, 4 / 7);
  assert.deepEqual([always.confusion.tp, always.confusion.fp, always.confusion.tn, always.confusion.fn], [4, 3, 0, 0]);
  assert.deepEqual(always.features, []);
  assert.deepEqual(always.ablation, []);
  const never = evaluateHypothesis(compileHypothesis('false and bin(a)', TINY_CONTEXT), TINY, NO_TEST);
  assert.equal(never.accuracy, 3 / 7);
  // c is constant 5: c > 4 is true on every row.
  assert.equal(evaluateHypothesis(compileHypothesis('c > 4', TINY_CONTEXT), TINY, NO_TEST).accuracy, 4 / 7);
});

test('arithmetic, products and coerced conditions, worked by hand', () => {
  // a·b = .02 .09 .16 .72 .81 .01 .21: below 0.25 on rows 0 1 2 5 6 → predicts 1 1 1 0 0 1 1; labels 0 1 1 0 1 1 0.
  const product = evaluateHypothesis(compileHypothesis('a * b < 0.25', TINY_CONTEXT), TINY, NO_TEST);
  assert.deepEqual([product.confusion.tp, product.confusion.fp, product.confusion.tn, product.confusion.fn], [3, 2, 1, 1]);
  // bin(a) + bin(b) = 0 1 1 2 2 0 1; "≥ 1 and not both" is the parity again.
  const sum = evaluateHypothesis(compileHypothesis('bin(a) + bin(b) == 1', TINY_CONTEXT), TINY, NO_TEST);
  assert.equal(sum.accuracy, 4 / 7);
  // a − b / 5 is positive on every row (smallest: row 2, 0.2 − 0.16), so the rule is always true.
  const ratio = evaluateHypothesis(compileHypothesis('a - b / c > 0', TINY_CONTEXT), TINY, NO_TEST);
  assert.equal(ratio.accuracy, 4 / 7);
  // Division by zero gives ±Infinity or NaN; NaN compares false and the row still counts.
  const zero = evaluateHypothesis(compileHypothesis('a / (c - 5) > 1', TINY_CONTEXT), TINY, NO_TEST);
  assert.equal(zero.rows, 7);
  assert.equal(zero.accuracy, 4 / 7);
});

test('a literal compared with a raw feature is rounded to float32, the precision the column holds', () => {
  const data = { columns: [Float32Array.from([0.1, 0.2, 0.3])], label: makeLabel([1, 0, 0]) };
  const ctx = context(['x']);
  assert.equal(evaluateHypothesis(compileHypothesis('x == 0.1', ctx), data, NO_TEST).accuracy, 1);
  assert.equal(evaluateHypothesis(compileHypothesis('0.1 == x', ctx), data, NO_TEST).accuracy, 1);
  assert.equal(evaluateHypothesis(compileHypothesis('x <= 0.1', ctx), data, NO_TEST).accuracy, 1);
  assert.equal(evaluateHypothesis(compileHypothesis('not x > 0.1', ctx), data, NO_TEST).accuracy, 1);
});

test('missing feature values make rows undecided; missing labels are left out; unreferenced gaps do not matter', () => {
  const columns = [Float32Array.from(A), Float32Array.from(B), Float32Array.from(C)];
  columns[0][2] = NaN; // a missing on row 2
  columns[2][0] = NaN; // c missing on row 0, but c is not in the rule
  const labels = [...Y];
  labels[5] = -1;
  const data = { columns, label: makeLabel(labels, ['no', 'yes']) };
  const result = evaluateHypothesis(compileHypothesis('bin(a) xor bin(b)', TINY_CONTEXT), data, { test: Uint32Array.from([1, 2, 4]) });
  // Scored rows 0 1 3 4 6: predictions 0 1 0 0 1 against 0 1 0 1 0.
  assert.equal(result.rows, 5);
  assert.equal(result.correct, 3);
  assert.equal(result.undecided, 1);
  assert.equal(result.unlabelled, 1);
  assert.deepEqual([result.confusion.tp, result.confusion.fp, result.confusion.tn, result.confusion.fn], [1, 1, 2, 1]);
  assert.equal(result.testRows, 2);
  assert.equal(result.testAccuracy, 0.5);
  assert.equal(result.notes.length, 2);
  assert.match(result.notes[0], /^1 labelled row left out because a is missing there; they count neither right nor wrong$/);
  assert.match(result.notes[1], /1 row without a label/);
});

test('no scoreable rows: accuracy and intervals are null, not NaN', () => {
  const data = { columns: [Float32Array.from([NaN, NaN])], label: makeLabel([0, 1]) };
  const result = evaluateHypothesis(compileHypothesis('bin(x)', context(['x'])), data, { test: Uint32Array.from([0, 1]) });
  assert.equal(result.rows, 0);
  assert.equal(result.accuracy, null);
  assert.equal(result.ci95, null);
  assert.equal(result.testAccuracy, null);
  assert.equal(result.testCi95, null);
  assert.equal(result.undecided, 2);
  assert.equal(result.ablation[0].accuracy, null);
  assert.ok(result.notes.includes('no row could be scored'));
});

test('labels that are not two-class are refused with a reason', () => {
  const compiled = compileHypothesis('bin(a)', TINY_CONTEXT);
  const cases: readonly (readonly [readonly string[], readonly number[]])[] = [
    [['a', 'b', 'c'], [0, 1, 2, 0, 1, 2, 0]],
    [['only'], [0, 0, 0, 0, 0, 0, 0]],
  ];
  for (const [classes, values] of cases) {
    assert.throws(
      () => evaluateHypothesis(compiled, { columns: TINY.columns, label: makeLabel(values, classes) }, NO_TEST),
      (error: unknown) =>
        error instanceof HypothesisError &&
        error.code === 'labelNotBinary' &&
        error.message.includes(`has ${classes.length}`) &&
        !error.message.startsWith('column'),
    );
  }
});

test('data that does not match the compiled rule is refused', () => {
  const compiled = compileHypothesis('bin(a)', TINY_CONTEXT);
  const mismatch = (data: { columns: Float32Array[]; label: Label }, split = NO_TEST): void => {
    assert.throws(() => evaluateHypothesis(compiled, data, split), (e: unknown) => e instanceof HypothesisError && e.code === 'datasetMismatch');
  };
  mismatch({ columns: TINY.columns.slice(0, 2), label: TINY.label });
  mismatch({ columns: [new Float32Array(3), ...TINY.columns.slice(1)], label: TINY.label });
  mismatch({ columns: [...TINY.columns], label: TINY.label }, { test: Uint32Array.from([7]) });
  assert.throws(
    () => compileHypothesis('bin(a)', { names: ['a', 'b'], binarisations: [gap(0.5)] }),
    (e: unknown) => e instanceof HypothesisError && e.code === 'datasetMismatch',
  );
});

test('names resolve exactly, then ignoring case; canonical text uses the dataset spelling', () => {
  const names = Array.from({ length: 12 }, (_, i) => `x${i + 1}`);
  const ctx = context(names);
  const compiled = compileHypothesis('parity(bin(X3), bin(#1), bin(x3)) and `x12` > 0', ctx);
  assert.equal(compiled.text, 'xor(bin(x3), bin(x2), bin(x3)) and x12 > 0');
  assert.deepEqual(compiled.features, [2, 1, 11]);
  assert.deepEqual(compiled.featureNames, ['x3', 'x2', 'x12']);
  assert.equal(compiled.source, 'parity(bin(X3), bin(#1), bin(x3)) and `x12` > 0');
  // The canonical text compiles to itself.
  assert.equal(compileHypothesis(compiled.text, ctx).text, compiled.text);
  // Names that need backquotes keep them in canonical text.
  const odd = context(['my col', 'and', 'Petal']);
  assert.equal(compileHypothesis('bin(#0) xor bin(#1) xor petal > 2', odd).text, 'xor(bin(`my col`), bin(`and`), Petal > 2)');
});

test('name errors: column of the reference, suggestions, 0-based index range, ambiguity', () => {
  const names = Array.from({ length: 12 }, (_, i) => `x${i + 1}`);
  const ctx = context(names);
  const cases: readonly (readonly [string, HypothesisErrorCode, number, number, string])[] = [
    ['bin(x1) xor bin(x21)', 'unknownFeature', 17, 3, 'unknown feature "x21"; did you mean x12'],
    ['x1 > 0 and y > 1', 'unknownFeature', 12, 1, 'unknown feature "y" (the dataset has 12 features: x1, x2, x3, …, x12)'],
    ['bin(#99)', 'indexOutOfRange', 5, 3, 'feature index #99 is out of range: indices are 0-based, #0 to #11'],
    ['#12 > 0', 'indexOutOfRange', 1, 3, '0-based'],
  ];
  for (const [text, code, column, length, piece] of cases) {
    const error = compileError(text, ctx);
    assert.equal(error.code, code, error.message);
    assert.equal(error.column, column, error.message);
    assert.equal(error.length, length, error.message);
    assert.ok(error.message.includes(piece), `"${error.message}" lacks "${piece}"`);
  }
  const iris = context(['sepal_length', 'petal_width', 'petal_length']);
  assert.match(compileError('petal_widht > 1', iris).message, /did you mean petal_width\?/);
  const twins = context(['v', 'V', 'w', 'w']);
  assert.equal(compileHypothesis('v > 0 and V > 0', twins).text, 'v > 0 and V > 0');
  assert.equal(compileError('bin(w)', twins).code, 'ambiguousFeature');
  assert.match(compileError('bin(w)', twins).message, /#2, #3/);
  assert.equal(compileError('bin(W)', twins).code, 'ambiguousFeature');
  // Parse errors pass through compilation unchanged.
  assert.equal(compileError('bin(x1', ctx).code, 'unclosedParen');
});

test('Wilson score interval: known values and the defining equation', () => {
  const [lo, hi] = wilsonInterval(50, 100);
  assert.equal(lo.toFixed(4), '0.4038');
  assert.equal(hi.toFixed(4), '0.5962');
  // Both bounds solve (p̂ − p)² = z² p (1 − p) / n, the score test's boundary.
  for (const [k, n] of [
    [50, 100],
    [3, 17],
    [961, 1000],
    [1, 2],
  ]) {
    const phat = k / n;
    for (const p of wilsonInterval(k, n)) assert.ok(Math.abs((phat - p) ** 2 - (Z * Z * p * (1 - p)) / n) < 1e-12, `${k}/${n}: ${p}`);
  }
  // At the edges the interval still has width: 0/10 → [0, z²/(n + z²)], 10/10 → [n/(n + z²), 1].
  assert.deepEqual(wilsonInterval(0, 10).map((v) => v.toFixed(6)), ['0.000000', (Z * Z / (10 + Z * Z)).toFixed(6)]);
  assert.deepEqual(wilsonInterval(10, 10).map((v) => v.toFixed(6)), [(10 / (10 + Z * Z)).toFixed(6), '1.000000']);
  assert.deepEqual(wilsonInterval(0, 0), [0, 1], 'no trials: no information');
  assert.throws(() => wilsonInterval(3, 2), RangeError);
});

test('removal semantics, rule by rule', () => {
  const ctx = context(['x1', 'x2', 'x3', 'x4', 'x5']);
  const without = (text: string, name: string): string | null => {
    const compiled = compileHypothesis(text, ctx);
    const reduced = removeFeature(compiled.ast, ctx.names.indexOf(name));
    return reduced === null ? null : formatHypothesis(reduced);
  };
  assert.equal(without('xor(bin(x1), bin(x2), bin(x3))', 'x2'), 'bin(x1) xor bin(x3)');
  assert.equal(without('bin(x1) xor bin(x2)', 'x1'), 'bin(x2)');
  assert.equal(without('not xor(bin(x1), bin(x2), bin(x3))', 'x3'), 'not (bin(x1) xor bin(x2))');
  assert.equal(without('bin(x1)', 'x1'), null);
  assert.equal(without('bin(x1)', 'x2'), 'bin(x1)');
  assert.equal(without('x1 * x2 < 0.25', 'x1'), 'x2 < 0.25');
  assert.equal(without('x4 + x5 / 2 > 1', 'x5'), 'x4 > 1');
  assert.equal(without('x4 + 2 * x5 > 1', 'x4'), '2 * x5 > 1');
  assert.equal(without('x1 - x2 > 0', 'x1'), '-x2 > 0');
  assert.equal(without('x1 - x2 > 0', 'x2'), 'x1 > 0');
  assert.equal(without('x1 / x2 > 1', 'x1'), '1 / x2 > 1');
  assert.equal(without('x1 / x2 > 1', 'x2'), 'x1 > 1');
  assert.equal(without('x1 > x2', 'x1'), '0 > x2');
  assert.equal(without('x1 > 0.5', 'x1'), null);
  assert.equal(without('x1 > 0.5 and bin(x2)', 'x1'), 'bin(x2)');
  assert.equal(without('bin(x1) + bin(x2) + bin(x3) >= 2', 'x2'), 'bin(x1) + bin(x3) >= 2');
  assert.equal(without('not bin(x1) xor bin(x2)', 'x1'), 'bin(x2)');
  // An emptied inner group is dropped, not read as its identity: `and()` would be true and flip the parity.
  assert.equal(without('xor(bin(x1), and(bin(x2)))', 'x2'), 'bin(x1)');
  assert.equal(without('xor(bin(x1), true)', 'x1'), 'true');
  // Unchanged subtrees are the same objects (the evaluator's cache relies on it).
  const compiled = compileHypothesis('xor(bin(x1), bin(x2), bin(x3))', ctx);
  const reduced = removeFeature(compiled.ast, 1);
  assert.ok(reduced !== null && reduced.kind === 'logic' && compiled.ast.kind === 'logic');
  if (reduced?.kind === 'logic' && compiled.ast.kind === 'logic') assert.equal(reduced.operands[0], compiled.ast.operands[0]);
});

test('ablation of a rule whose only feature goes: the emptied rule takes its identity', () => {
  const one = evaluateHypothesis(compileHypothesis('bin(a)', TINY_CONTEXT), TINY, NO_TEST);
  assert.equal(one.ablation[0].rule, 'false');
  assert.equal(one.ablation[0].accuracy, 3 / 7);
  const negated = evaluateHypothesis(compileHypothesis('not bin(a)', TINY_CONTEXT), TINY, NO_TEST);
  assert.equal(negated.ablation[0].rule, 'true');
  const conj = evaluateHypothesis(compileHypothesis('and(bin(a))', TINY_CONTEXT), TINY, NO_TEST);
  assert.equal(conj.ablation[0].rule, 'true');
  assert.equal(conj.ablation[0].change, 4 / 7 - conj.accuracy!);
});

/** Bits at 0/1 plus normal noise (sd 0.1); the label is the parity of the first `relevant` bits, flipped w.p. noise. */
function parityData(rng: Rng, rows: number, features: number, relevant: number, noise: number): { columns: Float32Array[]; label: Label } {
  const columns = Array.from({ length: features }, () => new Float32Array(rows));
  const labels: number[] = new Array<number>(rows);
  for (let r = 0; r < rows; r++) {
    let parity = 0;
    for (let f = 0; f < features; f++) {
      const bit = rng.next() < 0.5 ? 1 : 0;
      columns[f][r] = bit + 0.1 * rng.normal();
      if (f < relevant) parity ^= bit;
    }
    labels[r] = parity ^ (rng.next() < noise ? 1 : 0);
  }
  return { columns, label: makeLabel(labels) };
}

test('ablation of a 3-feature parity: dropping any feature brings accuracy to ≈ 0.5', () => {
  const data = parityData(createRng(11), 4000, 5, 3, 0.05);
  const ctx = context(['x1', 'x2', 'x3', 'x4', 'x5']);
  const result = evaluateHypothesis(compileHypothesis('xor(bin(x1), bin(x2), bin(x3))', ctx), data, NO_TEST);
  assert.ok(Math.abs(result.accuracy! - 0.95) < 0.015, String(result.accuracy));
  assert.deepEqual(result.ablation.map((a) => a.feature), ['x1', 'x2', 'x3']);
  assert.deepEqual(result.ablation.map((a) => a.rule), ['bin(x2) xor bin(x3)', 'bin(x1) xor bin(x3)', 'bin(x1) xor bin(x2)']);
  for (const a of result.ablation) {
    // 4000 rows: the standard error of a coin's accuracy is 0.008, so 0.04 is five of them.
    assert.ok(Math.abs(a.accuracy! - 0.5) < 0.04, `${a.feature}: ${a.accuracy}`);
    assert.ok(a.change! < -0.4);
    assert.equal(a.change, a.accuracy! - result.accuracy!);
  }
  // An irrelevant feature added to the rule ruins it; ablating that feature restores it.
  const extra = evaluateHypothesis(compileHypothesis('xor(bin(x1), bin(x2), bin(x3), bin(x4))', ctx), data, NO_TEST);
  assert.ok(Math.abs(extra.accuracy! - 0.5) < 0.04);
  assert.equal(extra.ablation[3].accuracy, result.accuracy);
  assert.ok(extra.ablation[3].change! > 0.4);
});

test('ablation figures equal a fresh evaluation of each ablated rule (the incremental parity is exact)', () => {
  const data = parityData(createRng(5), 1001, 6, 4, 0.1);
  const ctx = context(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
  const rules = [
    'xor(bin(x1), bin(x2), bin(x3), bin(x4), bin(x5), bin(x6))',
    'not xor(bin(x1), bin(x2), bin(x3), bin(x4))',
    'xor(bin(x1), bin(x2) and bin(x3), not bin(x4), true, xor(bin(x5), bin(x6)))',
    'bin(x1) xor bin(x2) or x3 * x4 > 0.25 and not bin(x5)',
    'bin(x1) + bin(x2) + bin(x3) + bin(x4) == 1 or bin(x1) + bin(x2) + bin(x3) + bin(x4) == 3',
    // Without x3 the last operand becomes the constant true, which must flip the parity.
    'xor(bin(x1), bin(x2), bin(x4), bin(x3) and true)',
  ];
  for (const rule of rules) {
    const result = evaluateHypothesis(compileHypothesis(rule, ctx), data, NO_TEST);
    for (const a of result.ablation) {
      const fresh = evaluateHypothesis(compileHypothesis(a.rule, ctx), data, NO_TEST);
      assert.equal(a.accuracy, fresh.accuracy, `${rule} without ${a.feature}: ${a.rule}`);
    }
  }
});

/** A per-row interpreter, independent of the vectorised one, with the same documented float32 rounding of literals. */
function rowValue(node: HypothesisNode, r: number, columns: readonly Float32Array[], threshold: number): number {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'boolean':
      return node.value ? 1 : 0;
    case 'feature':
      return columns[node.index!][r];
    case 'bin':
      return columns[node.feature.index!][r] > threshold ? 1 : 0;
    case 'negate':
      return -rowValue(node.operand, r, columns, threshold);
    case 'not':
      return 1 - rowValue(node.operand, r, columns, threshold);
    case 'arithmetic': {
      const a = rowValue(node.left, r, columns, threshold);
      const b = rowValue(node.right, r, columns, threshold);
      return node.op === '+' ? a + b : node.op === '-' ? a - b : node.op === '*' ? a * b : a / b;
    }
    case 'compare': {
      let a = rowValue(node.left, r, columns, threshold);
      let b = rowValue(node.right, r, columns, threshold);
      if (node.left.kind === 'feature' && !mentions(node.right)) b = Math.fround(b);
      if (node.right.kind === 'feature' && !mentions(node.left)) a = Math.fround(a);
      const ok = { '>': a > b, '>=': a >= b, '<': a < b, '<=': a <= b, '==': a === b, '!=': a !== b }[node.op];
      return ok ? 1 : 0;
    }
    case 'logic': {
      const bits = node.operands.map((o) => rowValue(o, r, columns, threshold));
      if (node.op === 'and') return bits.every((b) => b === 1) ? 1 : 0;
      if (node.op === 'or') return bits.some((b) => b === 1) ? 1 : 0;
      return bits.reduce((x, b) => x ^ b, 0);
    }
  }
}

function mentions(node: HypothesisNode): boolean {
  switch (node.kind) {
    case 'feature':
    case 'bin':
      return true;
    case 'number':
    case 'boolean':
      return false;
    case 'negate':
    case 'not':
      return mentions(node.operand);
    case 'arithmetic':
    case 'compare':
      return mentions(node.left) || mentions(node.right);
    case 'logic':
      return node.operands.some(mentions);
  }
}

test('the vectorised evaluator agrees with a per-row interpreter on varied rules, with gaps in the data', () => {
  const rng = createRng(99);
  const rows = 503;
  const names = ['x1', 'x2', 'x3', 'x4'];
  const columns = names.map(() => {
    const c = new Float32Array(rows);
    for (let r = 0; r < rows; r++) c[r] = rng.next() < 0.03 ? NaN : rng.int(4) === 0 ? 0 : rng.next() * 2 - 0.5;
    return c;
  });
  const labels = Array.from({ length: rows }, () => (rng.next() < 0.05 ? -1 : rng.int(2)));
  const data = { columns, label: makeLabel(labels) };
  const ctx = context(names);
  const rules = [
    'xor(bin(x1), bin(x2), bin(x3), bin(x4))',
    'x1 * x2 < 0.25',
    'x1 / x2 > 1 or x3 - x4 <= -0.2',
    '-x1 + 2 * x2 >= x3 / (x4 + 1)',
    'bin(x1) + bin(x2) + bin(x3) >= 2 and not x4 == 0',
    '0.5 < x1 xor x2 != 0 xor x3 > 1.25',
    'not (bin(x1) and (bin(x2) or x3 < 0.1)) xor false',
    '(x1 > 0) * x2 > (x3 > 0) * x4',
    'x1 > 1 / 3',
  ];
  for (const rule of rules) {
    const compiled = compileHypothesis(rule, ctx);
    const result = evaluateHypothesis(compiled, data, NO_TEST);
    let tp = 0;
    let fp = 0;
    let tn = 0;
    let fn = 0;
    let undecided = 0;
    for (let r = 0; r < rows; r++) {
      if (labels[r] < 0) continue;
      if (compiled.features.some((f) => Number.isNaN(columns[f][r]))) {
        undecided++;
        continue;
      }
      const p = rowValue(compiled.ast, r, columns, 0.5);
      if (p === 1 && labels[r] === 1) tp++;
      else if (p === 1) fp++;
      else if (labels[r] === 0) tn++;
      else fn++;
    }
    assert.deepEqual([result.confusion.tp, result.confusion.fp, result.confusion.tn, result.confusion.fn], [tp, fp, tn, fn], rule);
    assert.equal(result.undecided, undecided, rule);
    assert.ok(result.rows > 400, rule);
  }
});

function kryptoniteCase(): {
  data: { columns: Float32Array[]; label: Label };
  ctx: HypothesisContext;
  truth: ReturnType<typeof generateKryptonite>['truth'];
  evaluate: (rule: string) => HypothesisEvaluation;
} {
  const generated = generateKryptonite({ n: 12, seed: 5 });
  const data = { columns: generated.columns, label: makeLabel(Array.from(generated.labels)) };
  const ctx = context(generated.names);
  const split = splitRows(generated.labels, generated.labels.length, 42);
  return { data, ctx, truth: generated.truth, evaluate: (rule) => evaluateHypothesis(compileHypothesis(rule, ctx), data, split) };
}

const parityOf = (features: readonly number[]): string => `xor(${features.map((f) => `bin(x${f + 1})`).join(', ')})`;

test('Kryptonite-12 (seed 5): the parity of the relevant features scores the generator’s parity accuracy', () => {
  const { truth, evaluate } = kryptoniteCase();
  const result = evaluate(parityOf(truth.relevant));
  assert.equal(result.rule, parityOf(truth.relevant));
  assert.equal(result.rows, 12000);
  assert.ok(Math.abs(result.accuracy! - truth.parityAccuracy) < 0.01, `${result.accuracy} vs ${truth.parityAccuracy}`);
  assert.ok(result.ci95![0] < truth.parityAccuracy + 0.01 && result.ci95![1] > truth.parityAccuracy - 0.01);
  assert.equal(result.testRows, 2400);
  assert.ok(Math.abs(result.testAccuracy! - truth.parityAccuracy) < 0.02, String(result.testAccuracy));
  // Every relevant feature carries the rule.
  for (const a of result.ablation) assert.ok(Math.abs(a.accuracy! - 0.5) < 0.03, `${a.feature}: ${a.accuracy}`);

  const negated = evaluate(`not ${parityOf(truth.relevant)}`);
  assert.equal(negated.rule, `not ${parityOf(truth.relevant)}`);
  assert.ok(Math.abs(negated.accuracy! - (1 - truth.parityAccuracy)) < 0.01);
  assert.equal(negated.correct, result.rows - result.correct);
});

test('Kryptonite-12 (seed 5): any wrong feature set scores ≈ 0.5', () => {
  const { truth, evaluate } = kryptoniteCase();
  const irrelevant = truth.shapes.flatMap((s, i) => (s === 'burst' ? [i] : []));
  assert.ok(irrelevant.length > 0);
  const wrongSets = [
    truth.relevant.slice(1), // one missing
    [...truth.relevant, irrelevant[0]], // one extra
    [...truth.relevant.slice(1), irrelevant[0]], // one swapped
    irrelevant, // none right
    [truth.relevant[0]], // a single relevant feature
  ];
  for (const set of wrongSets) {
    const result = evaluate(parityOf(set));
    // 12 000 rows: the standard error of a coin is 0.0046; 0.03 is over six of them.
    assert.ok(Math.abs(result.accuracy! - 0.5) < 0.03, `${parityOf(set)}: ${result.accuracy}`);
  }
});

test('a 30-feature parity over 45 000 rows matches a direct per-row parity', () => {
  const generated = generateKryptonite({ n: 45, seed: 3, rows: 45_000 });
  assert.equal(generated.truth.relevant.length, 30);
  const result = evaluateHypothesis(
    compileHypothesis(parityOf(generated.truth.relevant), context(generated.names)),
    { columns: generated.columns, label: makeLabel(Array.from(generated.labels)) },
    NO_TEST,
  );
  let correct = 0;
  for (let r = 0; r < 45_000; r++) {
    let parity = 0;
    for (const f of generated.truth.relevant) parity ^= generated.columns[f][r] > 0.5 ? 1 : 0;
    if (parity === generated.labels[r]) correct++;
  }
  assert.equal(result.correct, correct);
  assert.equal(result.ablation.length, 30);
  for (const a of result.ablation) assert.ok(Math.abs(a.accuracy! - 0.5) < 0.02, `${a.feature}: ${a.accuracy}`);
});

test('evaluations sharing a cache (binarised columns, missing rows) give what each gives alone, missing values included', () => {
  const rng = createRng(31);
  const n = 5000;
  const columns = [0, 1, 2, 3].map((c) => Float32Array.from({ length: n }, (_, i) => (i % (17 + c) === 3 ? NaN : rng.next())));
  const labels = Array.from({ length: n }, (_, i) => (i % 41 === 0 ? -1 : rng.next() < 0.5 ? 1 : 0));
  const data = { columns, label: makeLabel(labels) };
  const ctx = context(['a', 'b', 'c', 'd']);
  const split = { test: Uint32Array.from({ length: 500 }, (_, k) => k * 7) };
  const rules = ['xor(bin(a), bin(b), bin(c))', 'not xor(bin(a), bin(b), bin(c))', 'bin(a) and (bin(d) or bin(b))', 'xor(bin(a), bin(b), bin(c))'];
  const cache = new HypothesisCache();
  for (const rule of rules) {
    const alone = evaluateHypothesis(compileHypothesis(rule, ctx), data, split);
    const shared = evaluateHypothesis(compileHypothesis(rule, ctx), data, split, { cache });
    assert.deepEqual(shared, alone, rule);
    assert.ok(alone.rows < n - 300, 'rows with a referenced feature missing are left out');
  }
  assert.equal(cache.bins.size, 4);
  assert.deepEqual(Array.from(cache.missing.get(3) ?? []), Array.from({ length: n }, (_, i) => i).filter((i) => i % 20 === 3));
});

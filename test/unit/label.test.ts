import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelFromNumbers, labelFromStrings, resolveLabelColumn } from '../../src/engine/io/label';
import { DatasetError } from '../../src/engine/errors';

test('label column: explicit name, case-insensitive name, index, and the y/label/target/class guess', () => {
  const names = ['a', 'B', 'Target', '3'];
  assert.equal(resolveLabelColumn(names, 'B', 'f.csv'), 1);
  assert.equal(resolveLabelColumn(names, 'b', 'f.csv'), 1);
  assert.equal(resolveLabelColumn(names, 1, 'f.csv'), 1);
  assert.equal(resolveLabelColumn(names, '3', 'f.csv'), 3, 'a name that looks like a number is a name first');
  assert.equal(resolveLabelColumn(names, '0', 'f.csv'), 0);
  assert.equal(resolveLabelColumn(names, undefined, 'f.csv'), 2);
  assert.equal(resolveLabelColumn(names, undefined, 'f.csv', false), -1);
  assert.equal(resolveLabelColumn(['x1', 'x2'], undefined, 'f.csv'), -1);
});

test('unknown label names and bad indices are DatasetErrors that say what exists', () => {
  assert.throws(
    () => resolveLabelColumn(['a', 'b'], 'zz', 'data/f.csv'),
    (e: unknown) => e instanceof DatasetError && e.code === 'labelNotFound' && /data\/f\.csv.*"zz".*"a", "b"/.test(e.message),
  );
  assert.throws(() => resolveLabelColumn(['a', 'b'], 5, 'f.csv'), /index 5 is out of range \(expected an index from 0 to 1\)/);
});

test('integer labels keep numeric order and counts; missing rows are -1 and warned about', () => {
  const { label, warnings } = labelFromNumbers('y', 3, [1, 0, 10, 1, NaN, 0, 1, 0, 10, 1], 'f.csv');
  assert.ok(label);
  assert.equal(label.task, 'multiclass');
  assert.deepEqual(label.classes, ['0', '1', '10']);
  assert.deepEqual(label.counts, [3, 4, 2]);
  assert.deepEqual([...label.values], [1, 0, 2, 1, -1, 0, 1, 0, 2, 1]);
  assert.equal(label.missing, 1);
  assert.deepEqual(warnings.map((w) => w.code), ['labelMissing']);
});

test('string labels map to classes in order of appearance', () => {
  const { label } = labelFromStrings('class', 0, ['cat', 'dog', ' cat ', null, 'bird'], 'f.csv');
  assert.ok(label);
  assert.deepEqual(label.classes, ['cat', 'dog', 'bird']);
  assert.deepEqual([...label.values], [0, 1, 0, -1, 2]);
  assert.equal(label.kind, 'string');
});

test('a single-class label warns; a non-integer label is a regression target, not classes', () => {
  const one = labelFromNumbers('y', 0, [1, 1, 1], 'f.csv');
  assert.equal(one.label?.classes.length, 1);
  assert.equal(one.warnings[0].code, 'labelSingleClass');
  assert.match(one.warnings[0].message, /^f\.csv: column "y": label has a single class "1"/);
  const real = labelFromNumbers('y', 0, [0.5, 1, 2, NaN], 'f.csv');
  assert.ok(real.label);
  assert.equal(real.label.task, 'regression');
  assert.deepEqual(real.label.classes, []);
  assert.deepEqual([...real.label.target!].map((v) => (Number.isNaN(v) ? null : v)), [0.5, 1, 2, null]);
  assert.deepEqual([...real.label.values], [0, 0, 0, -1]);
  assert.match(real.label.taskEvidence, /not all integers \(e\.g\. 0\.5\)/);
});

test('the task from a numeric label: two values binary, few repeated integers multiclass, else regression', () => {
  const task = (values: number[]): string | undefined => labelFromNumbers('y', 0, values, 'f.csv').label?.task;
  assert.equal(task([3, 7, 3, 7]), 'binary', 'any two values are two classes');
  assert.equal(task([0.5, 1.5, 0.5]), 'binary');
  const digits = Array.from({ length: 100 }, (_, i) => i % 10);
  assert.equal(task(digits), 'multiclass', 'ten repeated integer codes');
  const ages = Array.from({ length: 300 }, (_, i) => 20 + (i % 45));
  assert.equal(task(ages), 'regression', '45 distinct integers read as a quantity');
  const weights = [191, 189, 193, 162, 189, 182, 211, 167, 176, 154, 169, 166, 154, 247, 193, 202, 176, 157, 156, 138];
  assert.equal(task(weights), 'regression', '20 rows of 17 distinct integers: classes would have about one row each');
  const prices = Array.from({ length: 500 }, (_, i) => 1000 + i * 3.7);
  assert.equal(task(prices), 'regression');
});

test('--task overrides the inferred task, and refuses what the values cannot be', () => {
  const codes = Array.from({ length: 300 }, (_, i) => 20 + (i % 45));
  const forced = labelFromNumbers('y', 0, codes, 'f.csv', 'multiclass');
  assert.equal(forced.label?.task, 'multiclass');
  assert.equal(forced.label?.classes.length, 45);
  assert.equal(forced.label?.taskOverridden, true);
  const asNumber = labelFromNumbers('y', 0, [0, 1, 2, 0, 1, 2, 0, 1, 2], 'f.csv', 'regression');
  assert.equal(asNumber.label?.task, 'regression');
  assert.throws(() => labelFromNumbers('y', 0, [0, 1, 2], 'f.csv', 'binary'), (e: unknown) => e instanceof DatasetError && e.code === 'taskInvalid');
  assert.throws(() => labelFromStrings('y', 0, ['a', 'b'], 'f.csv', 'regression'), /cannot be a regression target: it holds text such as "a"/);
  assert.equal(labelFromStrings('y', 0, ['a', 'b', 'c'], 'f.csv').label?.task, 'multiclass');
  assert.equal(labelFromStrings('y', 0, ['a', 'b', 'a'], 'f.csv').label?.task, 'binary');
});

test('labelFromNumbers: eight distinct values and nine give the same classes, counts and codes as a Map would (0 and −0 one class)', () => {
  // Integer classes 0…8 in a scrambled order, each thrice, −0 among the zeros, NaN and ±Infinity missing.
  const rows: number[] = [];
  for (let r = 0; r < 3; r++) for (const v of [5, 2, 7, 0, 3, 8, 1, 6, 4]) rows.push(r === 1 && v === 0 ? -0 : v);
  rows.splice(4, 0, NaN, Infinity, -Infinity);
  for (const k of [8, 9]) {
    const values = rows.filter((v) => !Number.isFinite(v) || v < k);
    const { label } = labelFromNumbers('y', 0, values, 'f.csv', 'multiclass');
    assert.ok(label);
    assert.deepEqual(label.classes, Array.from({ length: k }, (_, c) => String(c)));
    assert.deepEqual(label.counts, new Array(k).fill(3));
    assert.equal(label.missing, 3);
    assert.deepEqual(Array.from(label.values), values.map((v) => (Number.isFinite(v) ? v + 0 : -1)));
  }
  // A non-integer value anywhere makes the kind 'number', seen at its first row.
  const half = labelFromNumbers('y', 0, [1, 0, 1, 0.5, 0, 1, 0, 0.5, 1, 0, 1, 0, 1, 0, 0.5], 'f.csv');
  assert.equal(half.label?.kind, 'number');
});

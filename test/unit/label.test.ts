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
  const { label, warnings } = labelFromNumbers('y', 3, [1, 0, 10, 1, NaN, 0, 1], 'f.csv');
  assert.ok(label);
  assert.deepEqual(label.classes, ['0', '1', '10']);
  assert.deepEqual(label.counts, [2, 3, 1]);
  assert.deepEqual([...label.values], [1, 0, 2, 1, -1, 0, 1]);
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

test('a single-class label warns; a non-integer label is dropped with a warning', () => {
  const one = labelFromNumbers('y', 0, [1, 1, 1], 'f.csv');
  assert.equal(one.label?.classes.length, 1);
  assert.equal(one.warnings[0].code, 'labelSingleClass');
  assert.match(one.warnings[0].message, /^f\.csv: column "y": label has a single class "1"/);
  const real = labelFromNumbers('y', 0, [0.5, 1, 2], 'f.csv');
  assert.equal(real.label, null);
  assert.equal(real.warnings[0].code, 'labelNonInteger');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatasetError, formatLocated, isDatasetError, makeWarning } from '../../src/engine/errors';

test('messages name file, row, column and what was expected, on one line', () => {
  const e = new DatasetError('raggedRows', 'found 3 fields\nhere', { file: 'd/a.csv', row: 7, column: 'x2', expected: '4 fields' });
  assert.equal(e.message, 'd/a.csv:7: column "x2": found 3 fields here (expected 4 fields)');
  assert.equal(e.code, 'raggedRows');
  assert.equal(e.row, 7);
  assert.ok(isDatasetError(e));
  assert.ok(!isDatasetError(new Error('x')));
  assert.equal(formatLocated({ file: 'f.npy', column: 3 }, 'bad'), 'f.npy: column 3: bad');
});

test('warnings carry only the location fields that apply', () => {
  const w = makeWarning('missingValues', '2 cells are empty', { file: 'f.csv', column: 'x1', count: 2 });
  assert.deepEqual(w, { code: 'missingValues', message: 'f.csv: column "x1": 2 cells are empty', file: 'f.csv', column: 'x1', count: 2 });
  assert.ok(!('row' in w));
});

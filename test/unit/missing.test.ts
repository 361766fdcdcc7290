import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONDITIONAL_MARKER, isMissingMarker, looksLikePlaceholder } from '../../src/engine/io/missing';

test('missing-value markers of R, UCI, pandas, SAS and JSON tools, in any case', () => {
  for (const text of ['NA', 'na', 'N/A', 'n/a', '#N/A', 'NaN', 'nan', 'NULL', 'null', 'None', 'none', '?', '<NA>', 'nil']) {
    assert.equal(isMissingMarker(text), true, text);
  }
});

test('empty cells, "." and ordinary values are not markers (the callers count those separately)', () => {
  for (const text of ['', '.', '-', '0', 'N', 'A', 'nana', 'unknown', 'missing', 'NA.', 'n.a.', ' NA']) {
    assert.equal(isMissingMarker(text), false, JSON.stringify(text));
  }
  assert.equal(CONDITIONAL_MARKER, '.');
});

test('placeholders that look like a class but are not: markers, dashes, "unknown", "missing", blanks', () => {
  for (const text of ['', ' ', '.', '-', '--', '?', 'unknown', 'Unknown', ' MISSING ', 'NA', 'n/a', 'null']) {
    assert.equal(looksLikePlaceholder(text), true, JSON.stringify(text));
  }
  for (const text of ['cat', '0', '1', 'other', 'none of these', '...']) assert.equal(looksLikePlaceholder(text), false, text);
});

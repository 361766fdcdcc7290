/**
 * Shared by parquet.test.ts, arrow.test.ts and compressedCsv.test.ts: the fixtures of test/fixtures/formats/ (made
 * by test/fixtures/makeFormatFixtures.ts) hold one table, and every format must give what the plain CSV gives.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Dataset } from '../../src/engine/dataset';

export const FORMATS = join(__dirname, '..', 'fixtures', 'formats');

/** NaN-aware plain values of a float32 column. */
function values(column: Float32Array): (number | null)[] {
  return Array.from(column, (v) => (Number.isNaN(v) ? null : v));
}

/**
 * `other` holds the same features as `csv`: names, types, missing counts, float32 values, category codes, label and
 * the type and role of every column of the CSV (`other` may list more columns: the nested ones the CSV cannot hold).
 */
export function assertSameTable(other: Dataset, csv: Dataset): void {
  assert.equal(other.rows, csv.rows);
  assert.deepEqual(other.names, csv.names);
  assert.deepEqual(other.types, csv.types);
  assert.deepEqual(other.missing, csv.missing);
  for (let j = 0; j < csv.columns.length; j++) {
    assert.deepEqual(values(other.columns[j]), values(csv.columns[j]), `values of ${csv.names[j]}`);
    const a = other.categories[j];
    const b = csv.categories[j];
    assert.equal(a === null, b === null, `categories of ${csv.names[j]}`);
    if (a && b) {
      assert.deepEqual(Array.from(a.codes), Array.from(b.codes), `codes of ${csv.names[j]}`);
      assert.deepEqual(a.counts, b.counts);
      // A boolean's levels are its spellings (CSV True/False, Parquet/Arrow true/false); text levels are the texts.
      if (csv.types[j] !== 'boolean') assert.deepEqual(a.levels, b.levels);
    }
  }
  assert.deepEqual(other.derivedFrom, csv.derivedFrom);
  for (const info of csv.columnInfo) {
    const same = other.columnInfo.find((c) => c.name === info.name);
    assert.ok(same, `column ${info.name}`);
    assert.equal(same.type, info.type, `type of ${info.name}`);
    assert.equal(same.role, info.role, `role of ${info.name}`);
    assert.equal(same.missing, info.missing, `missing of ${info.name}`);
  }
  assert.equal(other.label?.name, csv.label?.name);
  assert.equal(other.label?.task, csv.label?.task);
  assert.deepEqual(other.label?.classes, csv.label?.classes);
  assert.deepEqual(Array.from(other.label?.values ?? []), Array.from(csv.label?.values ?? []));
}

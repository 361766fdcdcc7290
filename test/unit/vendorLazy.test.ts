import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadDataset } from '../../src/engine/io/load';

const FORMATS = join(__dirname, '..', 'fixtures', 'formats');
const vendorLoaded = (): boolean => Object.keys(require.cache).some((k) => /vendorImpl\.[cm]?[jt]s$/.test(k));

test('the Parquet and Arrow libraries load at the first such file, not for a CSV', async () => {
  // This file's own process (node --test runs each file in its own): nothing has opened a Parquet or Arrow file yet.
  assert.equal(vendorLoaded(), false, 'not loaded by importing the readers');
  const csv = await loadDataset(join(FORMATS, 'table.csv'));
  assert.ok(csv.rows > 0);
  assert.equal(vendorLoaded(), false, 'a CSV does not load them');
  const parquet = await loadDataset(join(FORMATS, 'table.zstd.parquet'));
  assert.equal(vendorLoaded(), true, 'a Parquet file does');
  const feather = await loadDataset(join(FORMATS, 'table.lz4.feather'));
  // The same table through all three readers.
  assert.deepEqual(parquet.names, csv.names);
  assert.deepEqual(feather.names, csv.names);
  assert.equal(parquet.rows, csv.rows);
  assert.equal(feather.rows, csv.rows);
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyseFile } from '../../src/engine/tasks/analyseFile';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import type { Dataset } from '../../src/engine/dataset';
import { sampleDataset } from '../../src/engine/sample';

const SAMPLE = join(__dirname, '..', 'fixtures', 'sample', 'kryptonite-9-sample.csv');

function tiny(): Dataset {
  return inMemoryDataset({
    path: 'mem.csv',
    names: ['a'],
    columns: [Float32Array.from([0, 1, 2, 3, NaN, 5, 6, 7, 8, 9])],
    label: classLabel('y', Int32Array.from([0, 1, 0, 1, 0, 1, -1, 1, 0, 1]), ['0', '1'], 'integer', 1),
  });
}

test('a seeded sample keeps rows aligned across columns and label, recounts, and says so', () => {
  const d = sampleDataset(tiny(), 6, 3);
  assert.equal(d.rows, 6);
  const rows = [...d.columns[0]].map((v, k) => (Number.isNaN(v) ? 4 : v));
  rows.forEach((r, k) => assert.equal(d.label!.values[k], tiny().label!.values[r]), 'label follows its row');
  assert.deepEqual([...rows].sort((a, b) => a - b), rows, 'rows keep their order');
  assert.equal(d.label!.counts.reduce((a, b) => a + b, 0) + d.label!.missing, 6);
  assert.equal(d.warnings.at(-1)!.code, 'sampledRows');
  assert.match(d.warnings.at(-1)!.message, /seeded sample of 6 of 10 rows/);
  assert.deepEqual(sampleDataset(tiny(), 6, 3), d, 'reproducible');
});

test('no sampling when the file is small enough or the limit is 0', () => {
  const t = tiny();
  assert.equal(sampleDataset(t, 10, 1), t);
  assert.equal(sampleDataset(t, 0, 1), t);
});

test('analyse --sample: the report describes the sample and keeps the same shapes', async () => {
  const report = await analyseFile(SAMPLE, { sampleRows: 1000, sparsity: false });
  assert.equal(report.dataset.rows, 1000);
  assert.equal(report.features[0].stats.count, 1000);
  assert.ok(report.warnings.some((w) => w.code === 'sampledRows'));
  assert.equal(report.features[0].shape, 'burst');
});

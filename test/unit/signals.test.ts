import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseDataset } from '../../src/engine/tasks/analyseFile';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import type { Dataset } from '../../src/engine/dataset';
import { generateSignals } from '../../src/engine/synth/signals';

test('MNIST-1D-style signals: reproducible, ten balanced classes, forty ordered features', () => {
  const a = generateSignals({ rows: 2000, seed: 1 });
  const b = generateSignals({ rows: 2000, seed: 1 });
  assert.deepEqual(a.columns[5], b.columns[5]);
  assert.equal(a.columns.length, 40);
  const counts = new Array<number>(10).fill(0);
  for (const k of a.labels) counts[k]++;
  assert.ok(counts.every((c) => c > 150 && c < 250), counts.join(','));
});

test('continuous multi-class signals are described as continuous, not as bursts, and the interaction analysis runs one model per class', () => {
  const d = generateSignals({ rows: 5000, seed: 2 });
  const classes = Array.from({ length: 10 }, (_, k) => String(k));
  const dataset: Dataset = inMemoryDataset({ path: 'signals', names: d.names, columns: d.columns, label: classLabel('class', d.labels, classes) });
  const report = analyseDataset(dataset);
  const shapes = report.features.map((f) => f.shape);
  assert.equal(shapes.filter((s) => s === 'burst').length, 0, shapes.join(' '));
  assert.ok(shapes.filter((s) => s === 'continuous').length >= 36, shapes.join(' '));
  // Ten classes: one-vs-rest, one L1 logistic model per class over the standardised products, within its work bound.
  assert.equal(report.sparsity?.status, 'done');
  assert.equal(report.sparsity?.task, 'multiclass');
  assert.deepEqual(report.sparsity?.classes?.map((c) => c.class), classes);
  assert.equal(report.sparsity?.representation, 'standardised continuous features');
  assert.equal(report.analyses.find((a) => a.id === 'sparsity')?.status, 'done');
  assert.match(report.correlation.labelNote ?? '', /10 classes/);
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import { DEFAULT_CONFIG } from '../../src/engine/train/presets';
import { trainDataset } from '../../src/engine/train/train';
import { RUN_SCHEMA, RunStore } from '../../src/features/training/runStore';
import type { RunMeta } from '../../src/features/training/runStore';

const tmp = mkdtempSync(join(tmpdir(), 'kryptonite-runs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('a saved run keeps its energy (total and per seed); a section this version cannot read is dropped, not shown wrong', async () => {
  const g = generateKryptonite({ n: 6, rows: 300, seed: 2 });
  const data = inMemoryDataset({ path: '(test)', format: 'npy', names: g.names, columns: g.columns, label: classLabel('label', g.labels, ['0', '1']) });
  const { report } = await trainDataset(data, { ...DEFAULT_CONFIG, model: 'logreg', hidden: [], dropout: [], epochs: 2, runs: 2, seed: 4 }, { energy: { intensity: 56 } });
  assert.ok(report.energy && report.energy.kWh !== null && report.energy.kWh > 0, JSON.stringify(report.energy));

  const datasetPath = join(tmp, 'k6.csv');
  const store = new RunStore(() => tmp);
  const target = await store.create(datasetPath, new Date(Date.UTC(2026, 0, 31, 12, 0, 5, 123)));
  const meta: RunMeta = { schema: RUN_SCHEMA, id: target.id, dataset: datasetPath, datasetLabel: 'k6.csv', createdAt: '2026-01-31T12:00:05.123Z', request: {}, summary: '' };
  await store.finish(target.dir, meta, report);
  const read = await store.read(target.dir);
  assert.deepEqual(read.report.energy, JSON.parse(JSON.stringify(report.energy)));
  assert.equal(read.report.energy?.intensity, 56);
  assert.deepEqual(read.report.runs?.kWh, report.runs?.kWh);
  assert.equal(read.report.runs?.kWh?.length, 2);

  const metricsFile = join(target.dir, 'metrics.json');
  const metrics = JSON.parse(readFileSync(metricsFile, 'utf8'));
  writeFileSync(metricsFile, JSON.stringify({ ...metrics, energy: { ...metrics.energy, kWh: 'a lot' } }));
  const tampered = await store.read(target.dir);
  assert.equal(tampered.report.energy, undefined);
  assert.equal(tampered.report.test.rows, report.test.rows, 'the rest of the run is read as before');

  const { energy: _energy, ...older } = metrics;
  writeFileSync(metricsFile, JSON.stringify(older));
  assert.equal((await store.read(target.dir)).report.energy, undefined, 'a run saved before energy was recorded');
});

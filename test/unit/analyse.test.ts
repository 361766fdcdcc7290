import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyseDataset, analyseFile } from '../../src/engine/tasks/analyseFile';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import type { Dataset } from '../../src/engine/dataset';
import { isEnergyReport } from '../../src/engine/energy/energy';
import { REPORT_SCHEMA, reportToJson } from '../../src/engine/report';
import type { Report } from '../../src/engine/report';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';

const SAMPLE = join(__dirname, '..', 'fixtures', 'sample', 'kryptonite-9-sample.csv');
const DATA = join(__dirname, '..', '..', '..', 'shared', 'data');
const haveData = existsSync(join(DATA, 'kryptonite-9-X.npy'));
const skipData = haveData ? false : `real data not found at ${DATA}`;

/** Ground truth of the published files: residual kurtosis 1.8 / 3 / 6 (uniform / normal / Laplace), and the parity of
 * the non-burst features matches the label on 95.8 % (K-9) and 96.4 % (K-12) of rows, the published XOR scores. */
const K9_SHAPES = ['burst', 'spread', 'burst', 'spread', 'gaussian', 'gaussian', 'gaussian', 'burst', 'spread'];
const K12_SHAPES = ['gaussian', 'gaussian', 'spread', 'burst', 'gaussian', 'spread', 'burst', 'spread', 'burst', 'gaussian', 'burst', 'spread'];

/** The report without its measurements (timings, energy), which differ from run to run. */
function withoutTimings(report: Report): unknown {
  return JSON.parse(reportToJson({ ...report, timings: { loadMs: 0, statsMs: 0, correlationMs: 0, pcaMs: 0, totalMs: 0 }, energy: undefined }));
}

test('the shipped sample: schema, label, shapes equal to the generator truth', async () => {
  const report = await analyseFile(SAMPLE);
  assert.equal(report.schema, REPORT_SCHEMA);
  assert.equal(report.dataset.rows, 3000);
  assert.equal(report.dataset.featureCount, 9);
  assert.equal(report.dataset.label?.name, 'y');
  assert.deepEqual(report.dataset.label?.classes.map((c) => c.value), ['0', '1']);
  assert.equal(report.dataset.label!.classes[0].count + report.dataset.label!.classes[1].count, 3000);
  assert.deepEqual(
    report.features.map((f) => f.shape),
    ['burst', 'gaussian', 'burst', 'spread', 'spread', 'burst', 'gaussian', 'gaussian', 'spread'],
  );
  assert.equal(report.correlation.label, 'y');
  assert.equal(report.correlation.names.length, 10);
  // XOR: no feature is linearly associated with the label.
  for (let j = 0; j < 9; j++) assert.ok(Math.abs(report.correlation.matrix[j][9] ?? 1) < 0.1);
  assert.ok(report.pca && report.pca.sample.length === 2000 && report.pca.explainedVarianceRatio.length === 9);
});

test('the report is plain JSON and reproducible for a seed', async () => {
  const a = await analyseFile(SAMPLE, { seed: 7 });
  const b = await analyseFile(SAMPLE, { seed: 7, carbonIntensity: 100 });
  assert.deepEqual(withoutTimings(a), withoutTimings(b));
  // The job's energy: RAPL or this process's CPU time, never absent from a file's analysis; priced at the intensity asked.
  assert.ok(a.energy && isEnergyReport(a.energy) && a.energy.kWh !== null && a.energy.kWh > 0, JSON.stringify(a.energy));
  assert.equal(a.energy.intensity, 475);
  assert.equal(b.energy?.intensity, 100);
  assert.equal(b.energy?.intensitySource, 'user');
  const text = reportToJson(a);
  assert.ok(!/NaN|Infinity/.test(text));
  const c = await analyseFile(SAMPLE, { seed: 8 });
  assert.notDeepEqual((withoutTimings(a) as Report).pca?.sample, (withoutTimings(c) as Report).pca?.sample);
});

test('an unlabelled analysis leaves the label out of features and correlation', async () => {
  const report = await analyseFile(SAMPLE, { detectLabel: false });
  assert.equal(report.dataset.label, null);
  assert.equal(report.features.length, 10, 'y becomes an ordinary (binary) feature');
  assert.equal(report.features[9].shape, 'binary');
  assert.equal(report.correlation.label, null);
});

test('multi-class labels are not put in the correlation matrix, with a note', () => {
  const d = generateKryptonite({ n: 3, rows: 600, seed: 4 });
  const values = Int32Array.from({ length: 600 }, (_, i) => i % 3);
  const dataset: Dataset = inMemoryDataset({ path: 'mem', names: d.names, columns: d.columns, label: classLabel('c', values, ['a', 'b', 'c'], 'string') });
  const report = analyseDataset(dataset);
  assert.equal(report.correlation.label, null);
  assert.match(report.correlation.labelNote ?? '', /3 classes/);
  assert.equal(report.pca?.sample[0].label !== null, true);
});

test('cancellation stops the analysis', async () => {
  const controller = new AbortController();
  controller.abort(new Error('stop'));
  await assert.rejects(analyseFile(SAMPLE, { signal: controller.signal }), /stop/);
});

test('real Kryptonite-9: CSV and .npy pair give the same numbers and the published shapes', { skip: skipData }, async () => {
  const fromNpy = await analyseFile(join(DATA, 'kryptonite-9-X.npy'));
  const fromCsv = await analyseFile(join(DATA, 'kryptonite-9.csv'));
  assert.deepEqual(fromNpy.features.map((f) => f.shape), K9_SHAPES);
  assert.deepEqual(fromCsv.features.map((f) => f.shape), K9_SHAPES);
  assert.deepEqual(fromNpy.dataset.label?.classes.map((c) => c.count), [8964, 9036]);
  // The published CSV prints 7 significant digits, so it agrees with the float32 .npy to about 1e-7, not bit for bit.
  for (let j = 0; j < 9; j++) {
    const a = fromCsv.features[j].stats;
    const b = fromNpy.features[j].stats;
    assert.equal(a.count, b.count);
    for (const key of ['mean', 'sd', 'min', 'max'] as const) assert.ok(Math.abs(a[key]! - b[key]!) < 1e-6, `feature ${j} ${key}`);
    assert.ok(fromNpy.features[j].shapeConfidence > 0.9);
  }
});

test('real Kryptonite-12: the published shapes, feature by feature', { skip: skipData }, async () => {
  const report = await analyseFile(join(DATA, 'kryptonite-12-y.npy'));
  assert.deepEqual(report.dataset.files.map((f) => f.replace(/.*\//, '')), ['kryptonite-12-X.npy', 'kryptonite-12-y.npy']);
  assert.deepEqual(report.features.map((f) => f.shape), K12_SHAPES);
  assert.deepEqual(report.dataset.label?.classes.map((c) => c.count), [11809, 12191]);
});

test('reading progress on a big file: the share read, rows, rows per second and the time left, at most every 250 ms', async () => {
  const { loadProgress } = await import('../../src/engine/tasks/analyseFile');
  const lines: [string, number, string][] = [];
  let clock = 1000;
  const report = loadProgress('/data/big.csv', 1000, (stage, fraction, message) => lines.push([stage, fraction, message]), () => clock);
  assert.ok(report);
  clock = 1100;
  report(0.1, 100_000); // too soon after the start: nothing
  clock = 2000;
  report(0.25, 500_000); // 1 s in, a quarter read: 3 s left at that pace
  clock = 2100;
  report(0.3, 600_000); // within 250 ms of the last line: nothing
  clock = 5000;
  report(0.99, 1_980_000);
  clock = 5300;
  report(0.99, 1_980_000);
  assert.deepEqual(lines, [
    ['load', 0.25, 'Reading big.csv: 500,000 rows, 25 % (500,000 rows/s, about 3 s left)'],
    ['load', 0.99, 'Reading big.csv: 1,980,000 rows, 99 % (495,000 rows/s, about a second left)'],
    ['load', 0.99, 'Reading big.csv: 1,980,000 rows, 99 % (460,465 rows/s, about a second left)'],
  ]);
  // Below 5 % the pace is start-up: no time left is extrapolated from it.
  const early: string[] = [];
  const start = loadProgress('/data/big.parquet', 0, (_stage, _fraction, message) => early.push(message), () => 300);
  start?.(0.0002, 238);
  assert.deepEqual(early, ['Reading big.parquet: 238 rows, 0 % (793 rows/s, time left not known yet)']);
  assert.equal(loadProgress('x.csv', 0, undefined), undefined, 'no listener, no work');
});

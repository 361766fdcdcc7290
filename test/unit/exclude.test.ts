import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import { DatasetError } from '../../src/engine/errors';
import { EXCLUDED_BY_USER, excludeFeatures } from '../../src/engine/exclude';
import { analyseFile } from '../../src/engine/tasks/analyseFile';
import { generateKryptonite, kryptoniteCsvChunks } from '../../src/engine/synth/kryptonite';

const tmp = mkdtempSync(join(tmpdir(), 'kryptonite-exclude-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const data = (): ReturnType<typeof inMemoryDataset> =>
  inMemoryDataset({
    path: 't.csv',
    names: ['a', 'b', 'c'],
    columns: [Float32Array.of(1, 2, 3), Float32Array.of(4, 5, 6), Float32Array.of(7, 8, 9)],
    label: classLabel('y', Int32Array.of(0, 1, 0), ['0', '1']),
  });

test('excluded features leave the features and stay in the columns as "excluded by the user"', () => {
  const d = excludeFeatures(data(), ['b', ' b ']);
  assert.deepEqual(d.names, ['a', 'c']);
  assert.deepEqual([...d.columns[1]], [7, 8, 9]);
  assert.deepEqual(d.missing, [0, 0]);
  const b = d.columnInfo.find((c) => c.name === 'b')!;
  assert.deepEqual([b.role, b.reason], ['excluded', EXCLUDED_BY_USER]);
  assert.deepEqual(d.source.excludedColumns, [{ index: 1, name: 'b', reason: 'excluded by the user' }]);
  assert.equal(d.label?.name, 'y');
  const same = data();
  assert.equal(excludeFeatures(same, []), same, 'nothing to exclude: the dataset itself');
});

test('an unknown name, the label, or every feature is refused with a message naming the features', () => {
  const err = (fn: () => unknown, pattern: RegExp, code: string): void =>
    assert.throws(fn, (e: unknown) => e instanceof DatasetError && e.code === code && pattern.test(e.message));
  err(() => excludeFeatures(data(), ['x9']), /t\.csv: cannot exclude "x9": there is no such feature \(expected one of the features a, b, c\)/, 'featureNotFound');
  err(() => excludeFeatures(data(), ['y']), /"y": it is the label/, 'featureNotFound');
  err(() => excludeFeatures(data(), ['a', 'b', 'c']), /every feature is excluded \(a, b, c\)/, 'noNumericColumns');
});

test('analyse with exclude: the report lists the feature as excluded by the user and describes the others', async () => {
  const g = generateKryptonite({ n: 6, rows: 400, seed: 3 });
  const file = join(tmp, 'k6.csv');
  writeFileSync(file, [...kryptoniteCsvChunks(g)].join(''));
  const report = await analyseFile(file, { exclude: ['x4'], sparsity: false, relevance: false });
  assert.deepEqual(report.features.map((f) => f.name), ['x1', 'x2', 'x3', 'x5', 'x6']);
  assert.equal(report.dataset.featureCount, 5);
  const x4 = report.dataset.columns.find((c) => c.name === 'x4')!;
  assert.deepEqual([x4.role, x4.reason, x4.index], ['excluded', 'excluded by the user', 3]);
  assert.deepEqual(report.dataset.excludedColumns, [{ index: 3, name: 'x4', reason: 'excluded by the user' }]);
});

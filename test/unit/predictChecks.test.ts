/**
 * Exclusions that hold and predictions that refuse a mismatch: train with exclusions through the train use case (and
 * the CLI), then predict on tables that fit the model, lack its features, have extra ones, or drift from its training
 * data. Generated Kryptonite tables with fixed seeds.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { inMemoryDataset } from '../../src/engine/dataset';
import { FeatureMismatchError } from '../../src/engine/errors';
import { formatFloat32, generateKryptonite } from '../../src/engine/synth/kryptonite';
import { predictFile } from '../../src/engine/tasks/predictFile';
import { trainFile } from '../../src/engine/tasks/trainFile';
import { matchModelFeatures } from '../../src/engine/train/predict';
import type { ModelMetadata } from '../../src/engine/train/save';

const ROOT = join(__dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'kryptonite-predict-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Rows [from, to) of a generated table as CSV, with some features dropped and others changed. */
function writeTable(
  file: string,
  g: ReturnType<typeof generateKryptonite>,
  from: number,
  to: number,
  options: { readonly drop?: readonly string[]; readonly shift?: Readonly<Record<string, number>>; readonly label?: boolean } = {},
): string {
  const keep = g.names.map((_, j) => j).filter((j) => !options.drop?.includes(g.names[j]));
  const label = options.label !== false;
  const lines = [[...keep.map((j) => g.names[j]), ...(label ? ['y'] : [])].join(',')];
  for (let i = from; i < to; i++) {
    const cells = keep.map((j) => formatFloat32(Math.fround(g.columns[j][i] + (options.shift?.[g.names[j]] ?? 0))));
    lines.push([...cells, ...(label ? [String(g.labels[i])] : [])].join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const meta = (dir: string): ModelMetadata => JSON.parse(readFileSync(join(dir, 'kryptonite.json'), 'utf8')) as ModelMetadata;
const K12 = generateKryptonite({ n: 12, rows: 4000, seed: 1 });
const K18 = generateKryptonite({ n: 18, rows: 800, seed: 2 });
const K9 = generateKryptonite({ n: 9, rows: 800, seed: 3 });
const trainCsv = join(tmp, 'k12-train.csv');
const m12 = join(tmp, 'm12');
const m12x = join(tmp, 'm12-no-x8');
const QUICK = { preset: 'N-12' as const, config: { epochs: 3 } };

before(async () => {
  writeTable(trainCsv, K12, 0, 2000);
  await trainFile({ path: trainCsv, ...QUICK, saveDir: m12 });
});

test('train --exclude: the saved inputs and the training summary lack the feature; the report names it', async () => {
  const outcome = await trainFile({ path: trainCsv, ...QUICK, exclude: ['x8'], saveDir: m12x });
  assert.deepEqual(outcome.training.excluded, ['x8']);
  assert.ok(!outcome.training.features.includes('x8'));
  assert.equal(outcome.training.features.length, 11);
  const m = meta(m12x);
  assert.ok(!m.inputs.includes('x8') && !m.sourceFeatures.includes('x8'), m.inputs.join(','));
  assert.deepEqual(m.excluded, ['x8']);
  assert.equal(m.label, 'y');
  assert.deepEqual(m.trainingData?.features.map((f) => f.name), m.sourceFeatures);
  assert.equal(m.trainingData?.rows, outcome.training.split.train);
  // The analysis of the training run's table shows it too.
  const x8 = outcome.dataset.columnInfo.find((c) => c.name === 'x8')!;
  assert.deepEqual([x8.role, x8.reason], ['excluded', 'excluded by the user']);
  // Without exclusions the model reads all twelve and records none.
  assert.equal(meta(m12).inputs.length, 12);
  assert.equal(meta(m12).excluded, undefined);
});

test('a model trained without x8 predicts a table that lacks only x8, and the same labels where x8 is present', async () => {
  await trainFile({ path: trainCsv, ...QUICK, exclude: ['x8'], saveDir: m12x });
  const without = await predictFile({ modelDir: m12x, path: writeTable(join(tmp, 'no-x8.csv'), K12, 2000, 4000, { drop: ['x8'], label: false }), out: join(tmp, 'no-x8.csv.labels.csv') });
  const withX8 = await predictFile({ modelDir: m12x, path: writeTable(join(tmp, 'with-x8.csv'), K12, 2000, 4000), out: join(tmp, 'with-x8.labels.csv') });
  assert.equal(without.rows, 2000);
  assert.deepEqual(without.notes, []);
  assert.deepEqual(withX8.notes, ['not read (excluded from training by the user): x8']);
  assert.equal(readFileSync(join(tmp, 'no-x8.csv.labels.csv'), 'utf8'), readFileSync(join(tmp, 'with-x8.labels.csv'), 'utf8'));
  // A table that lacks a feature the model does read is refused, naming it.
  await assert.rejects(
    predictFile({ modelDir: m12x, path: writeTable(join(tmp, 'no-x3.csv'), K12, 2000, 2100, { drop: ['x3', 'x8'] }) }),
    (e: unknown) => e instanceof FeatureMismatchError && e.code === 'missingFeatures' && /no-x3\.csv: lacks x3, which the model in .*m12-no-x8 expects$/.test(e.message),
  );
});

test('a K-12 model refuses a K-18 table (extra columns) unless told to ignore them, and a K-9 table (missing ones)', async () => {
  const k18 = writeTable(join(tmp, 'k18.csv'), K18, 0, 800);
  const out = join(tmp, 'k18-labels.npy');
  await assert.rejects(predictFile({ modelDir: m12, path: k18, out }), (e: unknown) => {
    assert.ok(e instanceof FeatureMismatchError);
    assert.equal(e.code, 'extraFeatures');
    assert.deepEqual(e.extra, ['x13', 'x14', 'x15', 'x16', 'x17', 'x18']);
    assert.match(e.message, /k18\.csv: has 6 feature columns the model in .*m12 was not trained on: x13, x14, x15, x16, x17, x18 \(expected only the model's features x1, .* and its label y\)$/);
    return true;
  });
  assert.ok(!existsSync(out), 'nothing written');
  const ignored = await predictFile({ modelDir: m12, path: k18, out, ignoreExtra: true });
  assert.equal(ignored.rows, 800);
  assert.deepEqual(ignored.notes, ['not read (the model was not trained on them): x13, x14, x15, x16, x17, x18']);
  const k9 = writeTable(join(tmp, 'k9.csv'), K9, 0, 800);
  await assert.rejects(predictFile({ modelDir: m12, path: k9 }), (e: unknown) => e instanceof FeatureMismatchError && e.code === 'missingFeatures' && /lacks x10, x11, x12, which the model/.test(e.message));
});

test('predict warns about the features whose distribution moved, and only those', async () => {
  const same = await predictFile({ modelDir: m12, path: writeTable(join(tmp, 'same.csv'), K12, 2000, 4000) });
  assert.ok(same.drift);
  assert.equal(same.drift.features.length, 12);
  assert.deepEqual(same.drift.warnings, [], 'rows from the same generator');
  const moved = await predictFile({ modelDir: m12, path: writeTable(join(tmp, 'moved.csv'), K12, 2000, 4000, { shift: { x3: 0.5 } }) });
  assert.deepEqual(moved.drift!.features.filter((f) => f.drifted).map((f) => f.feature), ['x3']);
  const x3 = moved.drift!.features.find((f) => f.feature === 'x3')!;
  assert.ok(x3.psi! > 0.25 && x3.ks!.pValue < moved.drift!.level, `PSI ${x3.psi}, KS p ${x3.ks!.pValue}`);
  assert.match(moved.drift!.warnings[0], /^x3 differs from the training data: PSI \d+\.\d\d \(> 0\.25\), KS D = 0\.\d+ \(p = .* < 0\.00083\), mean/);
  // A model saved before the training summary existed: predictions as before, and a note instead of a check.
  const old = join(tmp, 'm12-old');
  cpSync(m12, old, { recursive: true });
  const { trainingData: _drop, ...rest } = meta(old);
  writeFileSync(join(old, 'kryptonite.json'), JSON.stringify(rest));
  const r = await predictFile({ modelDir: old, path: join(tmp, 'moved.csv') });
  assert.equal(r.drift, null);
  assert.match(r.notes.join('\n'), /no drift check: the model was saved without a summary of its training data/);
  assert.deepEqual(r.counts, moved.counts);
});

test('columns are matched by name; by position only for a table without names of its own; older models know the usual label names', () => {
  const col = (v: number): Float32Array => Float32Array.of(v, v);
  const model = { sourceFeatures: ['a', 'b'], config: {}, label: 'target' } as unknown as ModelMetadata;
  const named = inMemoryDataset({ path: 't.csv', names: ['b', 'target', 'a'], columns: [col(2), col(9), col(1)] });
  assert.deepEqual(matchModelFeatures(model, named).columns.map((c) => c[0]), [1, 2]);
  const npy = inMemoryDataset({ path: 't-X.npy', format: 'npy', names: ['x1', 'x2'], columns: [col(5), col(6)] });
  const byPosition = matchModelFeatures(model, npy);
  assert.deepEqual(byPosition.columns.map((c) => c[0]), [5, 6]);
  assert.match(byPosition.notes[0], /matched by position: t-X\.npy has no column names, and its 2 columns are taken as a, b/);
  // The same names in a CSV with a header are the user's names: refused.
  assert.throws(() => matchModelFeatures(model, { ...npy, format: 'csv' }), /lacks a, b, which the model expects; it has x1, x2 instead/);
  // A model saved before the label was recorded: a column named like a label is not an extra feature.
  const older = { sourceFeatures: ['a'], config: {} } as unknown as ModelMetadata;
  const withClass = inMemoryDataset({ path: 'u.csv', names: ['a', 'Class'], columns: [col(1), col(0)] });
  assert.deepEqual(matchModelFeatures(older, withClass).notes, []);
  assert.throws(() => matchModelFeatures(model, withClass), (e: unknown) => e instanceof FeatureMismatchError && e.code === 'missingFeatures');
});

/** The CLI from source, as a separate process, so exit codes and the two output streams are real. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('CLI: train --exclude (comma list and repeated), predict exits 2 naming the columns, --ignore-extra, drift on stderr', () => {
  const dir = join(tmp, 'cli-model');
  const t = cli('train', trainCsv, '--preset', 'N-12', '--epochs', '2', '--exclude', 'x8,x9', '--exclude', 'x10', '--save', dir, '--quiet');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /Excluded by the user \(not model inputs\): x8, x9, x10/);
  assert.deepEqual(meta(dir).inputs, ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x11', 'x12']);
  const bad = cli('train', trainCsv, '--epochs', '1', '--exclude', 'x99', '--quiet');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^kryptonite: .*k12-train\.csv: cannot exclude "x99": there is no such feature/);

  const out = join(tmp, 'cli-labels.npy');
  const k18 = writeTable(join(tmp, 'cli-k18.csv'), K18, 0, 800);
  const k9 = writeTable(join(tmp, 'cli-k9.csv'), K9, 0, 800);
  const refused = cli('predict', m12, k18, '--out', out);
  assert.equal(refused.status, 2);
  assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  assert.match(refused.stderr, /x13, x14, x15, x16, x17, x18 .*; --ignore-extra predicts without them\n$/);
  assert.ok(!existsSync(out));
  const missing = cli('predict', m12, k9, '--out', out);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^kryptonite: .*cli-k9\.csv: lacks x10, x11, x12, which the model in .*m12 expects\n$/);

  const ignored = cli('predict', m12, k18, '--out', out, '--ignore-extra');
  assert.equal(ignored.status, 0, ignored.stderr);
  assert.match(ignored.stdout, /^Predicted 800 rows with /);
  const moved = cli('predict', m12, writeTable(join(tmp, 'cli-moved.csv'), K12, 2000, 4000, { shift: { x3: 0.5 } }), '--out', out);
  assert.equal(moved.status, 0, moved.stderr);
  assert.match(moved.stderr, /kryptonite: warning: x3 differs from the training data: PSI/);
  assert.match(moved.stderr, /1 of 12 features differ from the training data/);
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadDataset } from '../../src/engine/io/load';
import { readNpy } from '../../src/engine/io/npy/codec';
import { createRng } from '../../src/engine/random';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import { predictFile } from '../../src/engine/tasks/predictFile';
import { datasetFromColumns, trainFile } from '../../src/engine/tasks/trainFile';
import { prepareTraining } from '../../src/engine/train/data';
import { applyEncoding, fitEncoding, isInputEncoding, MAX_ONE_HOT } from '../../src/engine/train/encoding';
import { autoPreset, kryptoniteLike, resolveConfig } from '../../src/engine/train/presets';
import { loadModel } from '../../src/engine/train/save';
import { loadTf } from '../../src/engine/train/backend';
import { trainDataset } from '../../src/engine/train/train';

/**
 * Training and prediction on ordinary tables: a numeric target (regression with known coefficients), one-hot
 * categorical inputs that survive saving and a new file's own level order, missing cells imputed from the training
 * rows only, the linear model compared with the MLP, and the task-aware presets — on CSV files read as a user's.
 */

const tmp = mkdtempSync(join(tmpdir(), 'kryptonite-anytable-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const COLORS = ['red', 'green', 'blue'] as const;
const EFFECT: Record<string, number> = { red: 0, green: 2, blue: -1 };

/** y = 3·x1 − 2·x2 + effect(color) + N(0, 0.1²), with a text column and an id; rows as CSV text. */
function regressionCsv(rows: number, seed: number): string {
  const rng = createRng(seed);
  const lines = ['id,x1,x2,color,y'];
  for (let i = 0; i < rows; i++) {
    const x1 = rng.normal();
    const x2 = 2 * rng.normal() + 1;
    const color = COLORS[rng.int(3)];
    const y = 3 * x1 - 2 * x2 + EFFECT[color] + 0.1 * rng.normal();
    lines.push(`r${i},${x1.toFixed(5)},${x2.toFixed(5)},${color},${y.toFixed(5)}`);
  }
  return lines.join('\n') + '\n';
}

test('regression with known coefficients: linear regression recovers 3, −2 and the colour effects; R², MAE, RMSE reported', async () => {
  const file = join(tmp, 'linear.csv');
  writeFileSync(file, regressionCsv(1500, 3));
  const { training, dataset } = await trainFile({ path: file, label: 'y', config: { model: 'logreg', epochs: 400, patience: 40, seed: 1 } });
  assert.equal(dataset.label?.task, 'regression');
  assert.equal(training.task, 'regression');
  assert.equal(training.metric, 'r2');
  assert.ok((training.test.r2 ?? 0) > 0.995, `test R² ${training.test.r2}`);
  assert.ok((training.test.rmse ?? 1) < 0.2, `RMSE ${training.test.rmse} (noise sd 0.1)`);
  assert.ok((training.test.mae ?? 1) < (training.test.rmse ?? 0) + 1e-12);
  assert.ok(Number.isNaN(training.test.accuracy));
  assert.deepEqual(training.test.confusion, []);
  assert.equal(training.test.residuals?.actual.length, training.test.rows);
  assert.ok(training.features.includes('color=green') && !training.features.includes('id'), training.features.join(', '));
});

test('the linear model\'s weights map back to the generating coefficients', async () => {
  const file = join(tmp, 'linear-w.csv');
  writeFileSync(file, regressionCsv(2000, 8));
  const dataset = await loadDataset(file, { label: 'y' });
  const { config } = resolveConfig(dataset, { overrides: { model: 'logreg', epochs: 500, patience: 50, seed: 2 } });
  const { model } = await trainDataset(dataset, config);
  const names = model.data.names;
  const kernel = model.weights[0].values;
  const sdY = model.data.targetScale!.sd;
  const enc = model.data.encoding!;
  const sdOf = (name: string): number => {
    const e = enc.sources.find((s) => s.name === name);
    assert.ok(e && e.kind === 'numeric');
    return e.sd;
  };
  const w = (input: string): number => kernel[names.indexOf(input)] * sdY;
  assert.ok(Math.abs(w('x1') / sdOf('x1') - 3) < 0.05, `x1: ${w('x1') / sdOf('x1')}`);
  assert.ok(Math.abs(w('x2') / sdOf('x2') + 2) < 0.05, `x2: ${w('x2') / sdOf('x2')}`);
  assert.ok(Math.abs(w('color=green') - w('color=red') - 2) < 0.1, `green − red: ${w('color=green') - w('color=red')}`);
  assert.ok(Math.abs(w('color=blue') - w('color=red') + 1) < 0.1, `blue − red: ${w('color=blue') - w('color=red')}`);
});

test('one-hot levels survive save and load, and a new file\'s own level order; unseen levels are named; values written as float64', async () => {
  const file = join(tmp, 'train.csv');
  const text = regressionCsv(800, 5);
  writeFileSync(file, text);
  const dir = join(tmp, 'model-reg');
  await trainFile({ path: file, label: 'y', saveDir: dir, config: { model: 'logreg', epochs: 200, patience: 30, seed: 3 } });
  const { tf } = await loadTf('auto');
  const loaded = await loadModel(tf, dir);
  loaded.model.dispose();
  assert.equal(loaded.meta.task, 'regression');
  assert.ok(loaded.meta.targetScale && loaded.meta.targetScale.sd > 0);
  assert.ok(isInputEncoding(loaded.meta.encoding));
  assert.equal(loaded.meta.encoding?.sources.find((s) => s.name === 'color')?.kind, 'categorical');

  // The same rows reversed: "blue" or "green" now appears first, so the file's level codes differ from training.
  const lines = text.trimEnd().split('\n');
  const reversed = [lines[0], ...lines.slice(1).reverse()].join('\n') + '\n';
  const a = join(tmp, 'a.npy');
  const b = join(tmp, 'b.npy');
  const fileB = join(tmp, 'reversed.csv');
  writeFileSync(fileB, reversed);
  const outA = await predictFile({ modelDir: dir, path: file, out: a });
  const outB = await predictFile({ modelDir: dir, path: fileB, out: b });
  assert.equal(outA.task, 'regression');
  assert.deepEqual(outA.unseen, []);
  const va = await readNpy(a);
  const vb = await readNpy(b);
  assert.equal(va.dtype, '<f8');
  const pa = Array.from(va.data as Float64Array);
  const pb = Array.from(vb.data as Float64Array).reverse();
  assert.deepEqual(pb, pa);
  // Predictions follow the generating formula (the model is linear and the noise small).
  const first = lines[1].split(',');
  const expected = 3 * Number(first[1]) - 2 * Number(first[2]) + EFFECT[first[3]];
  assert.ok(Math.abs(pa[0] - expected) < 0.15, `${pa[0]} vs ${expected}`);
  assert.ok(Math.abs((outA.values?.mean ?? 0) - pa.reduce((s, v) => s + v, 0) / pa.length) < 1e-9);

  const withPurple = lines.slice(0, 40).join('\n').replace(/,(red|green|blue),/, ',purple,') + '\n';
  const fileC = join(tmp, 'purple.csv');
  writeFileSync(fileC, withPurple);
  const outC = await predictFile({ modelDir: dir, path: fileC });
  assert.deepEqual(outC.unseen, [{ feature: 'color', levels: ['purple'], rows: 1 }]);
  assert.ok(outC.notes.some((n) => /color: 1 row with level never seen in training \("purple"\)/.test(n)), outC.notes.join(' | '));
});

test('imputation and standardisation come from the training rows only: other rows cannot move them', () => {
  const rows = 300;
  const rng = createRng(4);
  const x = Float32Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? NaN : rng.normal()));
  const labels = Int32Array.from({ length: rows }, (_, i) => (x[i] > 0 || Number.isNaN(x[i]) ? 1 : 0));
  const data = datasetFromColumns({ names: ['x'], columns: [x], labels, classes: ['0', '1'] });
  const p = prepareTraining(data, { seed: 9 });
  const enc = p.encoding!;
  const source = enc.sources[0];
  assert.ok(source.kind === 'numeric' && source.missingIndicator);
  const train = Array.from(p.split.train).map((i) => x[i]).filter((v) => !Number.isNaN(v));
  const mean = train.reduce((s, v) => s + v, 0) / train.length;
  assert.ok(Math.abs(source.mean - mean) < 1e-9, `${source.mean} vs training mean ${mean}`);
  // Poison every held-out row: the fitted encoding does not change.
  const poisoned = Float32Array.from(x);
  for (const i of [...p.split.validation, ...p.split.test]) poisoned[i] = Number.isNaN(x[i]) ? NaN : 1e6;
  const q = prepareTraining(datasetFromColumns({ names: ['x'], columns: [poisoned], labels, classes: ['0', '1'] }), { seed: 9 });
  assert.deepEqual(q.encoding, enc);
  assert.deepEqual(enc.inputs, ['x', 'x (missing)']);
  // A missing cell is the training mean (0 after standardisation) with the indicator set.
  const i = Array.from(p.split.train).find((r) => Number.isNaN(x[r]))!;
  assert.deepEqual([p.x[2 * i], p.x[2 * i + 1]], [0, 1]);
});

test('the encoding: one-hot by frequency with an (other) input beyond MAX_ONE_HOT, levels matched by text', () => {
  const levels = Array.from({ length: MAX_ONE_HOT + 5 }, (_, k) => `L${k}`);
  const rows = 2000;
  const codes = Int32Array.from({ length: rows }, (_, i) => (i < 1000 ? i % 3 : i % levels.length));
  const counts = levels.map((_, k) => codes.filter((c) => c === k).length);
  const column = { name: 'c', values: Float32Array.from(codes), categories: { levels, codes, counts } };
  const train = Uint32Array.from({ length: rows }, (_, i) => i);
  const enc = fitEncoding([column], train);
  const src = enc.sources[0];
  assert.ok(src.kind === 'categorical');
  assert.equal(src.levels.length, MAX_ONE_HOT);
  assert.deepEqual(src.levels.slice(0, 3), ['L0', 'L1', 'L2']);
  assert.ok(src.other && src.otherLevels.length === 5);
  assert.equal(enc.inputs.length, MAX_ONE_HOT + 1);
  // A table whose codes are in another order: the same inputs per level text.
  const reordered = [...levels].reverse();
  const codes2 = Int32Array.from(codes, (c) => levels.length - 1 - c);
  const { x } = applyEncoding(enc, [{ name: 'c', values: Float32Array.from(codes2), categories: { levels: reordered, codes: codes2, counts: [] } }], rows);
  const { x: x0 } = applyEncoding(enc, [column], rows);
  assert.deepEqual(x, x0);
  for (let i = 0; i < 5; i++) assert.equal(x0.subarray(i * enc.inputs.length, (i + 1) * enc.inputs.length).reduce((s, v) => s + v, 0), 1);
});

test('classes with categorical and missing cells: missingness that predicts the label is learnt through the indicator', async () => {
  const rng = createRng(12);
  const lines = ['sex,age,fare,survived'];
  for (let i = 0; i < 2000; i++) {
    const sex = rng.next() < 0.5 ? 'female' : 'male';
    const missing = rng.next() < 0.3;
    const age = missing ? 'NA' : (20 + 40 * rng.next()).toFixed(1);
    const fare = (10 + 50 * rng.next()).toFixed(2);
    // Passengers whose age is unknown mostly survived (a rule that imputation at the mean alone would hide); else women
    // more than men.
    const p = missing ? 0.9 : sex === 'female' ? 0.6 : 0.1;
    lines.push(`${sex},${age},${fare},${rng.next() < p ? 'yes' : 'no'}`);
  }
  const file = join(tmp, 'titanic-like.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const { training } = await trainFile({ path: file, label: 'survived', config: { seed: 4 } });
  assert.equal(training.task, 'binary');
  assert.ok(training.features.includes('age (missing)') && training.features.includes('sex=female'), training.features.join(', '));
  assert.equal(training.split.train + training.split.validation + training.split.test, 2000, 'every row is used');
  // Bayes accuracy: 0.3·0.9 + 0.35·0.6 + 0.35·0.9 = 0.795; without the indicator at best 0.675 (400 test rows: SE 0.02).
  assert.ok(training.test.accuracy > 0.75, `test accuracy ${training.test.accuracy}`);
  assert.ok(training.selection && training.selection.candidates.length === 2);
  assert.match(training.presetReason, /two classes .* plain table/);
});

test('presets by task: Kryptonite-like tables keep the published presets; plain tables get the tabular MLP compared with the linear model', async () => {
  const g = generateKryptonite({ n: 9, rows: 600, seed: 2 });
  const k9 = datasetFromColumns({ names: g.names, columns: g.columns, labels: g.labels, classes: ['0', '1'] });
  assert.ok(kryptoniteLike(k9));
  assert.equal(autoPreset(k9).config.preset, 'N-9');
  assert.equal(resolveConfig(k9, {}).reason, 'defaults');
  const file = join(tmp, 'presets.csv');
  writeFileSync(file, regressionCsv(300, 1));
  const reg = await loadDataset(file, { label: 'y' });
  assert.ok(!kryptoniteLike(reg));
  const auto = autoPreset(reg);
  assert.equal(auto.config.preset, 'tabular');
  assert.equal(auto.config.compare, 'linear');
  assert.match(auto.reason, /a number to predict/);
  const chosen = resolveConfig(reg, { overrides: { model: 'mlp' } }).config;
  assert.equal(chosen.compare, undefined, 'a model the user chose is not second-guessed');
  assert.deepEqual(resolveConfig(reg, { overrides: { model: 'logreg' } }).config.hidden, []);
  await assert.rejects(trainFile({ path: file, label: 'y', config: { model: 'cnn1d', epochs: 2 } }), /the 1-D CNN classifies/);
  await assert.rejects(trainFile({ path: file, label: 'y', config: { model: 'mlp', backend: 'cpu', epochs: 2 } }), /regression trains on the fused WebAssembly kernel/);
});

test('the comparison keeps whichever model has the lower validation loss, and every later run uses it', async () => {
  const file = join(tmp, 'select.csv');
  writeFileSync(file, regressionCsv(400, 6));
  const dataset = await loadDataset(file, { label: 'y' });
  const { config } = resolveConfig(dataset, { overrides: { runs: 2, epochs: 150 } });
  assert.equal(config.compare, 'linear');
  const { report } = await trainDataset(dataset, config);
  const sel = report.selection!;
  const [mlp, linear] = sel.candidates;
  assert.equal(sel.chosen, linear.validationLoss < mlp.validationLoss ? 'logreg' : 'mlp');
  assert.equal(report.config.model, sel.chosen);
  assert.equal(report.runs?.accuracy.length, 2);
  assert.ok(report.runs!.accuracy.every((r2) => r2 > 0.95), report.runs!.accuracy.join(', '));
});

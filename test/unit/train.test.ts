import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CancelledError } from '../../src/engine/cancel';
import type { CancelSignal } from '../../src/engine/cancel';
import type { Dataset } from '../../src/engine/dataset';
import { datasetFromColumns } from '../../src/engine/tasks/trainFile';
import { createRng } from '../../src/engine/random';
import { loadTf } from '../../src/engine/train/backend';
import { initialWeights } from '../../src/engine/train/model';
import { prepareTraining } from '../../src/engine/train/data';
import { writeLabels } from '../../src/engine/train/labels';
import { predictDataset } from '../../src/engine/train/predict';
import { autoPreset, CNN_PRESET, DEFAULT_CONFIG, PRESETS, resolveConfig } from '../../src/engine/train/presets';
import { loadModel, saveModel } from '../../src/engine/train/save';
import { trainDataset } from '../../src/engine/train/train';
import type { TrainConfig } from '../../src/engine/train/types';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import { generateSignals } from '../../src/engine/synth/signals';

const tmp = mkdtempSync(join(tmpdir(), 'kryptonite-train-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function dataset(names: string[], columns: Float32Array[], labels: Int32Array, classes: string[]): Dataset {
  return datasetFromColumns({ names, columns, labels, classes });
}

function kryptonite(n: number, rows: number, seed: number): Dataset {
  const g = generateKryptonite({ n, rows, seed });
  return dataset(g.names, g.columns, g.labels, ['0', '1']);
}

function signals(rows: number, seed: number): Dataset {
  const g = generateSignals({ rows, seed });
  return dataset(g.names, g.columns, g.labels, Array.from({ length: 10 }, (_, k) => String(k)));
}

/** A linearly separable two-class problem: y = [x0 + 0.5·x1 > 0]. */
function linear(rows: number, seed: number): Dataset {
  const g = generateKryptonite({ n: 3, rows, seed });
  const labels = Int32Array.from({ length: rows }, (_, i) => (g.columns[0][i] + 0.5 * g.columns[1][i] > 0.75 ? 1 : 0));
  return dataset(g.names, g.columns, labels, ['0', '1']);
}

const cfg = (over: Partial<TrainConfig>): TrainConfig => ({ ...DEFAULT_CONFIG, ...over });

test('the fused kernel and TensorFlow.js (cpu) compute the same training run from the same seed', async () => {
  const data = kryptonite(9, 1200, 5);
  const base = cfg({ ...PRESETS['N-12'], epochs: 3, patience: 10, seed: 7 });
  const fused = await trainDataset(data, { ...base, backend: 'fused' });
  const tfcpu = await trainDataset(data, { ...base, backend: 'cpu' });
  assert.equal(fused.report.backend, 'fused');
  assert.equal(tfcpu.report.backend, 'cpu');
  assert.match(tfcpu.report.kernel, /TensorFlow\.js cpu/);
  for (let e = 0; e < 3; e++) {
    const a = fused.report.history[e];
    const b = tfcpu.report.history[e];
    // Float32 arithmetic in a different order: equal to ~1e-5 after hundreds of steps with dropout.
    assert.ok(Math.abs(a.trainLoss - b.trainLoss) < 1e-4, `epoch ${e + 1}: ${a.trainLoss} vs ${b.trainLoss}`);
    assert.ok(Math.abs(a.valLoss - b.valLoss) < 1e-4, `epoch ${e + 1}: ${a.valLoss} vs ${b.valLoss}`);
  }
});

test('the fused 1-D CNN and TensorFlow.js (cpu) compute the same training run from the same seed', async () => {
  const data = signals(240, 6);
  const base = cfg({ ...CNN_PRESET, optimizer: 'sgd', learningRate: 0.05, batchSize: 32, epochs: 2, patience: 10, seed: 3 });
  const fused = await trainDataset(data, { ...base, backend: 'fused' });
  const tfcpu = await trainDataset(data, { ...base, backend: 'cpu' });
  assert.equal(fused.report.backend, 'fused');
  assert.match(fused.report.kernel, /WebAssembly SIMD 1-D CNN/);
  for (let e = 0; e < 2; e++) {
    const a = fused.report.history[e];
    const b = tfcpu.report.history[e];
    // im2col + SIMD products against TensorFlow.js' graph of pads, strided slices and matMuls: float32 rounding only.
    assert.ok(Math.abs(a.trainLoss - b.trainLoss) < 1e-5, `epoch ${e + 1}: ${a.trainLoss} vs ${b.trainLoss}`);
    assert.ok(Math.abs(a.valLoss - b.valLoss) < 1e-5, `epoch ${e + 1}: ${a.valLoss} vs ${b.valLoss}`);
  }
  const w = fused.model.weights;
  assert.deepEqual(w.map((x) => x.name), tfcpu.model.weights.map((x) => x.name));
  w.forEach((x, i) => assert.ok(x.values.every((v, j) => Math.abs(v - tfcpu.model.weights[i].values[j]) < 1e-4), x.name));
});

test('initial weights follow PyTorch\'s nn.Linear default unless glorot is asked for', () => {
  const arch = { kind: 'dense' as const, inputs: 9, hidden: [72], outputs: 1, activation: 'elu' as const, dropout: [0] };
  const torch = initialWeights(arch, createRng(1));
  const glorot = initialWeights(arch, createRng(1), 'glorot');
  const maxAbs = (v: Float32Array): number => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  // U(±1/√fan_in): fan_in 9 → 1/3 for the first layer's kernel and bias, 72 → 0.118 for the output layer.
  assert.ok(maxAbs(torch[0].values) <= 1 / 3 && maxAbs(torch[0].values) > 0.3);
  assert.ok(maxAbs(torch[1].values) <= 1 / 3 && maxAbs(torch[1].values) > 0.2, 'biases are drawn, not zero');
  assert.ok(maxAbs(torch[2].values) <= 1 / Math.sqrt(72) && maxAbs(torch[3].values) <= 1 / Math.sqrt(72));
  assert.equal(maxAbs(glorot[1].values), 0);
  assert.ok(maxAbs(glorot[0].values) <= Math.sqrt(6 / 81) && maxAbs(glorot[0].values) > 0.25);
  assert.deepEqual(initialWeights(arch, createRng(1)), torch);
});

test('a run is reproducible for a seed, and another seed gives another split and run', async () => {
  const data = kryptonite(9, 900, 2);
  const c = cfg({ ...PRESETS['N-18'], epochs: 4, seed: 11 });
  const a = await trainDataset(data, c);
  const b = await trainDataset(data, c);
  assert.deepEqual(a.report.history.map((h) => [h.trainLoss, h.valLoss]), b.report.history.map((h) => [h.trainLoss, h.valLoss]));
  assert.deepEqual(a.report.test, b.report.test);
  const other = await trainDataset(data, { ...c, seed: 12 });
  assert.notEqual(other.report.history[0].trainLoss, a.report.history[0].trainLoss);
});

test('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
  // A very high SGD learning rate on a tiny set overfits fast: validation loss turns up within a few epochs.
  const data = kryptonite(9, 300, 3);
  const { report } = await trainDataset(data, cfg({ optimizer: 'sgd', learningRate: 0.5, hidden: [72], activation: 'relu', epochs: 200, patience: 5, batchSize: 16, seed: 1 }));
  assert.ok(report.stoppedEarly, `ran ${report.epochsRun} epochs`);
  assert.equal(report.epochsRun - report.bestEpoch, 5);
  const best = report.history[report.bestEpoch - 1];
  assert.ok(report.history.every((h) => h.valLoss >= best.valLoss));
  // Restored: the final validation loss is the best epoch's, not the last epoch's.
  assert.ok(Math.abs(report.validation.loss - best.valLoss) < 1e-9, `${report.validation.loss} vs ${best.valLoss}`);
  assert.ok(report.history[report.history.length - 1].valLoss > best.valLoss);
});

test('early stopping can watch validation accuracy instead of loss, and keeps the most accurate epoch', async () => {
  const data = kryptonite(9, 300, 3);
  const base = cfg({ optimizer: 'sgd', learningRate: 0.5, hidden: [72], activation: 'relu', epochs: 60, patience: 8, batchSize: 16, seed: 1 });
  const byLoss = (await trainDataset(data, base)).report;
  const byAcc = (await trainDataset(data, { ...base, monitor: 'accuracy' })).report;
  // The same run up to the first stop: only the stopping rule differs.
  for (let e = 0; e < Math.min(byLoss.epochsRun, byAcc.epochsRun); e++) assert.deepEqual([byAcc.history[e].trainLoss, byAcc.history[e].valLoss], [byLoss.history[e].trainLoss, byLoss.history[e].valLoss]);
  const best = byAcc.history[byAcc.bestEpoch - 1];
  // The first epoch with the highest validation accuracy, restored at the end.
  assert.ok(byAcc.history.every((h, i) => h.valAccuracy < best.valAccuracy || (h.valAccuracy === best.valAccuracy && i + 1 >= byAcc.bestEpoch)));
  assert.equal(byAcc.validation.accuracy, best.valAccuracy);
  if (byAcc.stoppedEarly) assert.equal(byAcc.epochsRun - byAcc.bestEpoch, 8);
  // Overfitting: loss turns up before accuracy stops improving, so the loss rule stops no later.
  assert.ok(byLoss.bestEpoch <= byAcc.bestEpoch || byLoss.history[byAcc.bestEpoch - 1].valLoss > byLoss.history[byLoss.bestEpoch - 1].valLoss);
  assert.throws(() => resolveConfig(data, { overrides: { monitor: 'f1' as never } }), /monitor "f1" \(loss or accuracy\)/);
});

test('standardisation is fitted on the training rows only', () => {
  const data = kryptonite(4, 500, 9);
  const p = prepareTraining(data, { seed: 3 });
  const testRow = p.split.test[0];
  const before = p.standardisation;
  // A wild value in a test row must not move the statistics.
  const cols = data.columns.map((c) => c.slice());
  cols[0][testRow] = 1e6;
  const q = prepareTraining({ ...data, columns: cols }, { seed: 3 });
  assert.deepEqual(q.standardisation, before);
  let m = 0;
  for (const r of p.split.train) m += p.x[r * p.inputs];
  assert.ok(Math.abs(m / p.split.train.length) < 1e-6);
  assert.ok(Math.abs(q.x[testRow * q.inputs] - (1e6 - before.mean[0]) / before.sd[0]) < 1);
});

test('pooled scaling (the CNN\'s) uses one mean and sd over all inputs of the training rows, keeping the signal\'s shape', () => {
  const data = signals(300, 2);
  const p = prepareTraining(data, { seed: 4, scaling: 'pooled' });
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (const r of p.split.train)
    for (const col of data.columns) {
      n++;
      sum += col[r];
      sq += col[r] * col[r];
    }
  const mean = sum / n;
  const sd = Math.sqrt(sq / n - mean * mean);
  assert.ok(p.standardisation.mean.every((m) => Math.abs(m - mean) < 1e-9));
  assert.ok(p.standardisation.sd.every((s) => Math.abs(s - sd) < 1e-6));
  // One affine map for every position: differences between neighbours keep their ratios.
  const r = p.split.train[0];
  const d = data.columns.length;
  const scaled = (f: number) => p.x[r * d + f];
  assert.ok(Math.abs((scaled(1) - scaled(0)) * sd - (data.columns[1][r] - data.columns[0][r])) < 1e-4);
});

test('missing values are imputed at the training mean; constant features do not produce NaN', async () => {
  const data = linear(400, 4);
  const cols = data.columns.map((c) => c.slice());
  cols[0][5] = NaN;
  cols[2].fill(0.5);
  const p = prepareTraining({ ...data, columns: cols }, { seed: 1 });
  assert.ok(p.x.every((v) => Number.isFinite(v)));
  assert.equal(p.x[5 * p.inputs], 0);
});

test('logistic regression learns a linear rule; confusion matrix and accuracy agree', async () => {
  const { report } = await trainDataset(linear(2000, 6), cfg({ model: 'logreg', optimizer: 'adam', learningRate: 0.05, epochs: 40, patience: 10, seed: 2 }));
  assert.equal(report.parameters, 4);
  assert.ok(report.test.accuracy > 0.95, `accuracy ${report.test.accuracy}`);
  const m = report.test.confusion;
  assert.equal(m[0][0] + m[0][1] + m[1][0] + m[1][1], report.test.rows);
  assert.ok(Math.abs((m[0][0] + m[1][1]) / report.test.rows - report.test.accuracy) < 1e-12);
});

test('logistic regression on a hypothesis product feature scores what the rule scores', async () => {
  const g = generateKryptonite({ n: 6, rows: 3000, seed: 8 });
  const data = dataset(g.names, g.columns, g.labels, ['0', '1']);
  const rule = `xor(${g.truth.relevant.map((i) => `bin(${g.names[i]})`).join(', ')})`;
  const { report } = await trainDataset(data, cfg({ model: 'logreg', features: { kind: 'hypothesis', rule }, optimizer: 'adam', learningRate: 0.1, epochs: 30, patience: 10 }));
  assert.equal(report.features.length, 1);
  assert.ok(Math.abs(report.test.accuracy - g.truth.parityAccuracy) < 0.03, `${report.test.accuracy} vs ${g.truth.parityAccuracy}`);
});

test('repeated runs report mean and sd of test accuracy over consecutive seeds', async () => {
  const { report } = await trainDataset(linear(600, 1), cfg({ model: 'logreg', learningRate: 0.05, epochs: 5, runs: 3, seed: 20 }));
  assert.deepEqual(report.runs?.seeds, [20, 21, 22]);
  const acc = report.runs!.accuracy;
  const mean = (acc[0] + acc[1] + acc[2]) / 3;
  assert.ok(Math.abs(report.runs!.mean - mean) < 1e-12);
  const sd = Math.sqrt(acc.reduce((s, a) => s + (a - mean) ** 2, 0) / 2);
  assert.ok(Math.abs(report.runs!.sd - sd) < 1e-12);
  assert.equal(report.test.accuracy, acc[0]);
});

test('on 1-D signals the CNN beats the MLP, which beats logistic regression', async () => {
  const data = signals(3000, 4);
  const short = { epochs: 12, patience: 12, seed: 3 };
  const logreg = await trainDataset(data, cfg({ model: 'logreg', learningRate: 0.01, ...short }));
  const mlp = await trainDataset(data, cfg({ model: 'mlp', hidden: [100, 100], learningRate: 0.003, ...short }));
  const cnn = await trainDataset(data, cfg({ model: 'cnn1d', optimizer: 'adam', learningRate: 0.01, batchSize: 100, ...short }));
  assert.equal(cnn.report.backend, 'fused');
  const [l, m, c] = [logreg.report.test.accuracy, mlp.report.test.accuracy, cnn.report.test.accuracy];
  assert.ok(l < m && m < c, `logreg ${l}, mlp ${m}, cnn ${c}`);
  assert.equal(cnn.report.test.confusion.length, 10);
});

test('no tensor leaks: numTensors is the same before and after training, saving, loading and predicting', async () => {
  const { tf } = await loadTf('cpu');
  const data = signals(300, 2);
  const before = tf.memory().numTensors;
  const { model } = await trainDataset(data, cfg({ model: 'cnn1d', epochs: 2, batchSize: 50, backend: 'cpu' }));
  const dense = await trainDataset(kryptonite(9, 300, 1), cfg({ ...PRESETS['N-18'], epochs: 2, backend: 'cpu' }));
  await saveModel(tf, join(tmp, 'leak'), model);
  const loaded = await loadModel(tf, join(tmp, 'leak'));
  predictDataset(tf, loaded.model, loaded.meta, data);
  loaded.model.dispose();
  assert.ok(dense.report.test.rows > 0);
  assert.equal(tf.memory().numTensors, before);
});

test('a saved model reloads in the TensorFlow.js format and predicts what was trained', async () => {
  const { tf } = await loadTf('auto');
  const data = kryptonite(9, 1500, 4);
  const { report, model } = await trainDataset(data, cfg({ ...PRESETS['N-12'], epochs: 15, seed: 5 }));
  const dir = join(tmp, 'model');
  await saveModel(tf, dir, model);
  const topology = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { format: string; weightsManifest: { paths: string[] }[] };
  assert.equal(topology.format, 'layers-model');
  assert.deepEqual(topology.weightsManifest[0].paths, ['weights.bin']);
  const loaded = await loadModel(tf, dir);
  assert.equal(loaded.meta.backend, 'fused');
  assert.equal(loaded.meta.seed, 5);
  assert.deepEqual(loaded.meta.sourceFeatures, data.names);
  const prediction = predictDataset(tf, loaded.model, loaded.meta, { ...data, label: null });
  loaded.model.dispose();
  const p = prepareTraining(data, { seed: 5 });
  let correct = 0;
  for (const r of p.split.test) if (prediction.classIndex[r] === data.label!.values[r]) correct++;
  assert.ok(Math.abs(correct / p.split.test.length - report.test.accuracy) < 1e-9);
  await writeLabels(join(tmp, 'y.npy'), prediction);
  const bytes = readFileSync(join(tmp, 'y.npy'));
  assert.match(bytes.subarray(0, 128).toString('latin1'), /'descr': '<i8'/);
  assert.equal(bytes.length - bytes.indexOf(10) - 1, 8 * data.rows);
});

test('cancel stops training within one batch', async () => {
  let batches = 0;
  let aborted = false;
  const signal: CancelSignal = {
    get aborted() {
      return aborted;
    },
    throwIfAborted() {
      batches++;
      if (aborted) throw new CancelledError();
    },
  };
  let seenAt = -1;
  await assert.rejects(
    trainDataset(kryptonite(9, 2000, 1), cfg({ epochs: 50, batchSize: 32 }), {
      signal,
      onEpoch: (p) => {
        if (p.epoch === 2) {
          aborted = true;
          seenAt = batches;
        }
      },
    }),
    CancelledError,
  );
  assert.equal(batches, seenAt + 1);
});

test('presets carry the published settings; auto picks by data shape and says why', () => {
  const k = kryptonite(18, 200, 1);
  const { config, reason } = resolveConfig(k, { preset: 'auto' });
  assert.equal(config.preset, 'N-18');
  assert.deepEqual([config.optimizer, config.activation, config.learningRate, config.dropout[0], config.batchSize], ['adam', 'tanh', 0.1, 0.07, 256]);
  assert.deepEqual([config.hidden, config.epochs, config.patience], [[72], 1000, 200]);
  assert.match(reason, /two classes on 18 features/);
  assert.equal(autoPreset(kryptonite(9, 200, 1)).config.preset, 'N-9');
  assert.equal(autoPreset(signals(500, 1)).config.model, 'cnn1d');
  const n9 = resolveConfig(k, { preset: 'N-9', overrides: { learningRate: 0.02 } });
  assert.deepEqual([n9.config.optimizer, n9.config.activation, n9.config.learningRate, n9.config.batchSize], ['sgd', 'elu', 0.02, 128]);
  // More than two classes: the multi-class MLP (MNIST-1D baseline widths, early stopping on accuracy), by default and
  // for auto when the columns do not look like a signal.
  const multi = dataset(['a', 'b', 'c'], [Float32Array.from({ length: 90 }, (_, i) => i % 7), Float32Array.from({ length: 90 }, (_, i) => (i * 13) % 5), Float32Array.from({ length: 90 }, (_, i) => (i * 7) % 11)], Int32Array.from({ length: 90 }, (_, i) => i % 3), ['x', 'y', 'z']);
  const m = resolveConfig(multi, { overrides: { model: 'mlp' } });
  assert.deepEqual([m.config.preset, m.config.hidden, m.config.dropout, m.config.monitor, m.config.learningRate], ['multiclass', [256, 256], [0.2, 0.2], 'accuracy', 0.01]);
  assert.match(m.reason, /3 classes: multi-class MLP/);
  assert.equal(autoPreset(multi).config.preset, 'multiclass');
  assert.equal(resolveConfig(multi, { overrides: { model: 'logreg' } }).config.preset, 'default');
  assert.equal(resolveConfig(k, {}).config.monitor, undefined);
  assert.throws(() => resolveConfig(k, { overrides: { dropout: [1.5] } }), /dropout/);
  assert.throws(() => resolveConfig(k, { overrides: { batchSize: 0 } }), /batch size/);
});

test('training refuses data without a usable label', async () => {
  const g = generateKryptonite({ n: 3, rows: 50, seed: 1 });
  await assert.rejects(trainDataset({ ...dataset(g.names, g.columns, g.labels, ['0', '1']), label: null }, cfg({ epochs: 1 })), /needs a label/);
  const one = dataset(g.names, g.columns, new Int32Array(50), ['0']);
  await assert.rejects(trainDataset(one, cfg({ epochs: 1 })), /at least two/);
});

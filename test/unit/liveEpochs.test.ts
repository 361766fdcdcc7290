import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeLiveEpochs, type LiveEpochs } from '../../src/engine/charts/liveEpochs';
import { epochPoints } from '../../src/engine/charts/training';
import { isHostToTrainingWebview, isWorkerToHost } from '../../src/protocolGuards';

const epoch = (series: string, e: number, valLoss: number, at?: number, best?: number): LiveEpochs => ({
  series,
  points: epochPoints(series, { epoch: e, trainLoss: 1 / e, trainAccuracy: 0.5, valLoss, valAccuracy: 0.5, elapsedMs: e }),
  best: best === undefined ? null : { series, epoch: best, loss: 0.1, accuracy: 0.5 },
  status: `epoch ${e}`,
  ...(at !== undefined ? { workerAt: { first: at, last: at } } : {}),
});

test('mergeLiveEpochs: one batch per series with every point in order, the latest best mark, the last status, the first and last times', () => {
  const merged = mergeLiveEpochs([epoch('a', 1, 0.5, 1000, 1), epoch('a', 2, 0.4, 1010, 2), epoch('a', 3, 0.6, 1020, 2)]);
  assert.equal(merged.length, 1);
  const [m] = merged;
  assert.equal(m.series, 'a');
  assert.deepEqual(
    m.points.map((p) => [p.epoch, p.split]),
    [
      [1, 'train'],
      [1, 'validation'],
      [2, 'train'],
      [2, 'validation'],
      [3, 'train'],
      [3, 'validation'],
    ],
  );
  assert.equal(m.best?.epoch, 2);
  assert.equal(m.status, 'epoch 3');
  assert.deepEqual(m.workerAt, { first: 1000, last: 1020 });
  const posted = mergeLiveEpochs([{ ...epoch('a', 1, 0.5), postedAt: 2050 }, { ...epoch('a', 2, 0.4), postedAt: 2000 }]);
  assert.equal(posted[0].postedAt, 2000, 'the earliest post');
});

test('mergeLiveEpochs: a batch without a mark keeps the earlier one; series stay apart in first-seen order; no times, no workerAt', () => {
  const merged = mergeLiveEpochs([epoch('b', 1, NaN, undefined, 1), epoch('a', 1, 0.5), epoch('b', 2, NaN)]);
  assert.deepEqual(
    merged.map((m) => [m.series, m.points.length, m.best?.epoch ?? null]),
    [
      ['b', 4, 1],
      ['a', 2, null],
    ],
  );
  assert.equal(merged[0].points[1].loss, null, 'a non-finite loss stays null');
  assert.equal('workerAt' in merged[0], false);
  assert.deepEqual(mergeLiveEpochs([]), []);
});

test('mergeLiveEpochs: a status-only batch (a repeated run) adds no point and keeps its status', () => {
  const merged = mergeLiveEpochs([epoch('a', 5, 0.3, 5, 5), { series: 'a', points: [], best: null, status: 'run 2 · epoch 1' }]);
  assert.equal(merged[0].points.length, 2);
  assert.equal(merged[0].status, 'run 2 · epoch 1');
  assert.equal(merged[0].best?.epoch, 5);
});

test('the live-epoch messages are checked: a batch of epochs with its times, a worker progress with its time', () => {
  const batch = { type: 'trainingEpoch', ...mergeLiveEpochs([epoch('a', 1, 0.5, 1000, 1), epoch('a', 2, 0.4, 1010, 2)])[0], postedAt: 1020 };
  assert.ok(isHostToTrainingWebview(batch));
  assert.ok(isHostToTrainingWebview({ type: 'trainingEpoch', series: 'a', points: [], best: null, status: 'run 2 · epoch 1' }), 'a status-only batch');
  assert.equal(isHostToTrainingWebview({ ...batch, workerAt: { first: 1000 } }), false);
  assert.equal(isHostToTrainingWebview({ ...batch, postedAt: 'now' }), false);
  assert.equal(isHostToTrainingWebview({ ...batch, points: [{ ...batch.points[0], split: 'test' }] }), false);
  const progress = { type: 'progress', id: 1, stage: 'train', fraction: 0.1, message: 'epoch 1', at: 1000 };
  assert.ok(isWorkerToHost(progress));
  assert.equal(isWorkerToHost({ ...progress, at: Infinity }), false);
});

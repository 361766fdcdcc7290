import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accuracy,
  logLoss,
  mae,
  predictedClasses,
  predictionWidth,
  r2,
  rmse,
  rowLosses,
} from '../../src/engine/models/metrics';
import { wilsonInterval } from '../../src/engine/stats/intervals';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('accuracy and log-loss equal scikit-learn', () => {
  const labels = Float64Array.of(0, 2, 1, 1);
  const proba = Float64Array.of(0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.3, 0.4, 0.3, 0.5, 0.5 - 1e-20, 1e-20);
  // Ties go to the first class (numpy argmax): row 3 predicts class 0.
  assert.deepEqual(Array.from(predictedClasses(proba, 3)), [0, 2, 1, 0]);
  assert.equal(accuracy(labels, proba, 3), 0.75);
  // sklearn.metrics.log_loss([0, 2, 1, 1], P, labels=[0, 1, 2]) = 0.5473141019217606
  close(logLoss(labels, proba, 3), 0.5473141019217606);
  const losses = rowLosses('binary', Float64Array.of(1), Float64Array.of(0, 1), 2);
  close(losses[0], -Math.log(1 - 1e-15)); // clipped, not 0
  assert.ok(Number.isNaN(accuracy(new Float64Array(0), new Float64Array(0), 2)));
});

test('R², MAE and RMSE, with scikit-learn force_finite for a constant truth', () => {
  const truth = Float64Array.of(3, -0.5, 2, 7);
  const pred = Float64Array.of(2.5, 0, 2, 8);
  // sklearn.metrics.r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) = 0.9486081370449679 (its docstring example).
  close(r2(truth, pred), 0.9486081370449679);
  close(mae(truth, pred), 0.5);
  close(rmse(truth, pred), Math.sqrt(0.375));
  assert.equal(r2(Float64Array.of(1, 1), Float64Array.of(1, 1)), 1);
  assert.equal(r2(Float64Array.of(1, 1), Float64Array.of(1, 2)), 0);
  const sq = rowLosses('regression', truth, pred, 1);
  assert.deepEqual(Array.from(sq), [0.25, 0.25, 0, 1]);
  assert.equal(predictionWidth('regression', 0), 1);
  assert.equal(predictionWidth('multiclass', 4), 4);
});

test('Wilson interval: textbook values and the edges', () => {
  // 8 of 10: (0.4902, 0.9433) (Wilson 1927; e.g. Newcombe 1998, method 3).
  const [lo, hi] = wilsonInterval(8, 10);
  close(lo, 0.4902, 5e-5);
  close(hi, 0.9433, 5e-5);
  const [zlo, zhi] = wilsonInterval(0, 20);
  assert.equal(zlo, 0);
  close(zhi, 0.1611, 5e-5);
  const [olo, ohi] = wilsonInterval(20, 20);
  close(olo, 1 - 0.1611, 5e-5);
  close(ohi, 1);
  assert.deepEqual(wilsonInterval(0, 0), [0, 1]);
});

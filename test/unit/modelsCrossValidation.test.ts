import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossValidate, evaluatedTruth, planFolds } from '../../src/engine/models/crossValidation';
import type { FoldPlan } from '../../src/engine/models/crossValidation';
import type { ModelTarget } from '../../src/engine/models/types';

function checkPartition(plan: FoldPlan, labelled: number[]): void {
  const seen = new Set<number>();
  for (const fold of plan.folds) {
    for (const r of fold.test) {
      assert.ok(!seen.has(r), `row ${r} in two test folds`);
      seen.add(r);
    }
    const test = new Set(fold.test);
    const expectedTrain = labelled.filter((r) => !test.has(r));
    assert.deepEqual(Array.from(fold.train), expectedTrain);
  }
}

test('stratified 5-fold CV: every class spread evenly, each labelled row tested once', () => {
  // 100 rows, 70 of class 0 and 30 of class 1, and 5 unlabelled rows.
  const values = Float64Array.from({ length: 105 }, (_, r) => (r >= 100 ? NaN : r < 70 ? 0 : 1));
  const target: ModelTarget = { task: 'binary', values, classes: 2 };
  const plan = planFolds(target, 42);
  assert.equal(plan.kind, 'kfold');
  assert.equal(plan.description, '5-fold CV');
  assert.equal(plan.labelled, 100);
  assert.equal(plan.folds.length, 5);
  for (const fold of plan.folds) {
    const ones = Array.from(fold.test).filter((r) => values[r] === 1).length;
    assert.equal(fold.test.length, 20);
    assert.equal(ones, 6);
  }
  const labelled = Array.from({ length: 100 }, (_, r) => r);
  checkPartition(plan, labelled);
  assert.deepEqual(Array.from(plan.evaluated), labelled);
  assert.equal(plan.positionOf[102], -1);
  // Seeded: the same seed gives the same folds, another seed other folds.
  assert.deepEqual(planFolds(target, 42).folds, plan.folds);
  assert.notDeepEqual(planFolds(target, 43).folds[0].test, plan.folds[0].test);
});

test('regression: shuffled KFold, the first n mod 5 folds one row larger', () => {
  const values = Float64Array.from({ length: 23 }, (_, r) => r * 0.5);
  const plan = planFolds({ task: 'regression', values, classes: 0 }, 1);
  assert.deepEqual(plan.folds.map((f) => f.test.length), [5, 5, 5, 4, 4]);
  checkPartition(plan, Array.from({ length: 23 }, (_, r) => r));
});

test('more than 20,000 labelled rows: one seeded, stratified 20 % hold-out', () => {
  const n = 20_001;
  const values = Float64Array.from({ length: n }, (_, r) => (r % 4 === 0 ? 1 : 0));
  const plan = planFolds({ task: 'binary', values, classes: 2 }, 42);
  assert.equal(plan.kind, 'holdout');
  assert.equal(plan.description, 'hold-out 20 % (seed 42)');
  assert.equal(plan.folds.length, 1);
  assert.equal(plan.folds[0].test.length, Math.ceil(0.2 * n));
  const ones = Array.from(plan.folds[0].test).filter((r) => values[r] === 1).length;
  assert.ok(Math.abs(ones / plan.folds[0].test.length - 0.25) < 0.001);
  assert.equal(plan.evaluated.length, plan.folds[0].test.length);
  checkPartition(plan, Array.from({ length: n }, (_, r) => r));
});

test('crossValidate places each fold prediction at its row', () => {
  const values = Float64Array.from({ length: 12 }, (_, r) => r % 3);
  const target: ModelTarget = { task: 'multiclass', values, classes: 3 };
  const plan = planFolds(target, 5);
  // The "model" predicts the row index and the fold, so placement can be checked exactly.
  const oof = crossValidate(plan, 3, (train, test, fold) => {
    assert.ok(!Array.from(test).some((r) => train.includes(r)));
    const out = new Float64Array(test.length * 3);
    test.forEach((r, i) => out.set([r, fold, 0], i * 3));
    return out;
  });
  plan.evaluated.forEach((r, i) => {
    assert.equal(oof.predictions[i * 3], r);
    assert.equal(oof.predictions[i * 3 + 1], plan.foldOf[i]);
  });
  assert.deepEqual(Array.from(evaluatedTruth(plan, target)), Array.from(plan.evaluated, (r) => values[r]));
  assert.throws(() => crossValidate(plan, 3, () => new Float64Array(1)), RangeError);
  const controller = new AbortController();
  controller.abort();
  assert.throws(() => crossValidate(plan, 3, () => new Float64Array(0), controller.signal));
});

test('edge cases: no labelled rows, one row, fewer rows than folds, invalid class codes', () => {
  assert.equal(planFolds({ task: 'binary', values: Float64Array.of(NaN, NaN), classes: 2 }, 1).kind, 'none');
  assert.equal(planFolds({ task: 'regression', values: Float64Array.of(3), classes: 0 }, 1).description, 'none');
  const three = planFolds({ task: 'regression', values: Float64Array.of(1, 2, 3), classes: 0 }, 1);
  assert.equal(three.description, '3-fold CV');
  const bad = planFolds({ task: 'binary', values: Float64Array.of(0, 1, 2, 0.5, 1, 0), classes: 2 }, 1);
  assert.equal(bad.labelled, 4);
});

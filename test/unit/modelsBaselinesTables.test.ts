/**
 * The baselines (models/baselines.ts) on the known-answer tables: what each model can reach is known from the
 * generator (the Bayes accuracy or the R² ceiling), so the scores and the reading are checked against the truth.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeBaselines } from '../../src/engine/models/baselines';
import { CV_MAX_ROWS } from '../../src/engine/models/crossValidation';
import type { Baseline, ModelInput } from '../../src/engine/models/types';
import type { Report } from '../../src/engine/report';
import { analyseDataset } from '../../src/engine/tasks/analyseFile';
import { tableToDataset } from '../../src/engine/synth/tableOutput';
import { linearTable, multiclassTable, regressionTable, thresholdTable, xorTable } from '../../src/engine/synth/tables';
import type { SynthTable } from '../../src/engine/synth/tables';

function baselines(table: SynthTable): { report: Report; base: Baseline; linear: Baseline; trees: Baseline } {
  // The interaction model is not a baseline of these tests; without it the reports are quicker.
  const report = analyseDataset(tableToDataset(table), { sparsity: false });
  const list = report.baselines ?? [];
  assert.equal(list.length, 3, `${table.truth.generator}: base, linear, trees`);
  const [base, linear, trees] = list;
  for (const b of list) {
    assert.ok(b.ci95[0] <= b.value && b.value <= b.ci95[1], `${b.model}: the value lies in its interval`);
    assert.equal(b.validation, '5-fold CV', `${table.truth.generator}: ${table.rows} rows`);
  }
  return { report, base, linear, trees };
}

/** Neither model's interval lies wholly above the other's value. */
function overlap(a: Baseline, b: Baseline): boolean {
  return a.ci95[0] <= b.value && b.ci95[0] <= a.value;
}

test('a linear label: linear ≈ trees, both near the Bayes accuracy, and the reading says the structure is additive', () => {
  const t = linearTable({ rows: 1000, seed: 1 });
  const { report, base, linear, trees } = baselines(t);
  assert.equal(base.model, 'base rate');
  assert.equal(linear.model, 'logistic regression (L2, C = 1)');
  assert.match(trees.model, /^gradient boosting \(histogram/);
  assert.ok(overlap(linear, trees), `${linear.value} vs ${trees.value}`);
  // Out-of-fold accuracy on 1,000 rows has an SE of about 0.013: within 0.05 of the ceiling, never far above it.
  assert.ok(Math.abs(linear.value - t.truth.ceiling) < 0.05, `linear ${linear.value}, ceiling ${t.truth.ceiling}`);
  assert.ok(trees.value < t.truth.ceiling + 0.04 && trees.value > t.truth.ceiling - 0.07, `trees ${trees.value}`);
  assert.ok(linear.ci95[0] > base.value + 0.15);
  assert.match(report.baselineReading ?? '', /^Linear ≈ non-linear: .* lie within each other's intervals, so the structure is mostly additive\. Base rate: 0\.\d{3}\.$/);
});

test('an XOR label: trees ≫ linear, the linear model at the base rate, and the reading says interactions', () => {
  const t = xorTable({ rows: 1000, seed: 2, flip: 0.05 });
  const { report, base, linear, trees } = baselines(t);
  assert.ok(trees.ci95[0] > linear.ci95[1] + 0.2, `${trees.value} vs ${linear.value}`);
  assert.ok(Math.abs(linear.value - base.value) < 0.05, `linear ${linear.value} ≈ base ${base.value}`);
  assert.ok(trees.value > t.truth.ceiling - 0.08 && trees.value <= t.truth.ceiling + 0.03, `trees ${trees.value}, ceiling ${t.truth.ceiling}`);
  assert.match(report.baselineReading ?? '', /^Non-linear ≫ linear: gradient boosting .* against logistic regression .*\. The label depends on interactions or bends/);
});

test('a threshold rule: the trees reach the ceiling of 1 − flip', () => {
  const t = thresholdTable({ rows: 1000, seed: 3, flip: 0.05 });
  const { trees } = baselines(t);
  assert.ok(trees.value > 0.92 && trees.value < 0.98, String(trees.value));
  assert.ok(trees.ci95[0] <= t.truth.ceiling + 0.01 && t.truth.ceiling - 0.04 <= trees.ci95[1], `ceiling ${t.truth.ceiling} near [${trees.ci95}]`);
});

test('regression with known coefficients: R² close to the noise ceiling Σβ² / (Σβ² + σ²), the mean at R² ≤ 0', () => {
  const t = regressionTable({ rows: 1000, seed: 4, coefficients: [2, -1, 0.5, 0, 0], noiseSd: 1 });
  const { report, base, linear, trees } = baselines(t);
  assert.equal(t.truth.ceiling, 0.84);
  assert.equal(linear.model, 'ridge (α = 1)');
  assert.equal(linear.metric, 'r2');
  assert.ok(Math.abs(linear.value - 0.84) < 0.03, `ridge R² ${linear.value}`);
  assert.ok(linear.ci95[0] < 0.84 + 0.01 && 0.84 - 0.01 < linear.ci95[1], `the ceiling is in or at the edge of [${linear.ci95}]`);
  assert.ok(trees.value < linear.value && trees.value > 0.7, `trees ${trees.value}`);
  assert.equal(base.model, 'mean');
  assert.ok(base.value <= 0 && base.value > -0.02, `out-of-fold mean: R² ${base.value}`);
  assert.match(report.baselineReading ?? '', /Predicting the mean: -?0\.\d{3}\.$/);
});

test('multi-class (4 classes): the linear model near the Bayes accuracy, far above the base rate', () => {
  const t = multiclassTable({ rows: 800, seed: 5 });
  const { base, linear } = baselines(t);
  assert.ok(Math.abs(linear.value - t.truth.ceiling) < 0.05, `linear ${linear.value}, ceiling ${t.truth.ceiling}`);
  assert.ok(base.value < 0.35 && linear.ci95[0] > base.value + 0.3);
});

function thresholdInput(rows: number, unlabelled: number): ModelInput {
  const t = thresholdTable({ rows, seed: 6, noiseColumns: 0 });
  const values = Float64Array.from(t.label.codes ?? []);
  for (let i = 0; i < unlabelled; i++) values[i * 7] = NaN;
  return {
    rows,
    features: [{ name: 'x1', kind: 'numeric', values: Float32Array.from(t.columns[0].cells, (v) => Number(v)) }],
    target: { task: 'binary', values, classes: 2 },
  };
}

test('validation: 5-fold CV up to 20,000 labelled rows, a seeded 20 % hold-out above', () => {
  assert.equal(CV_MAX_ROWS, 20_000);
  // 20,001 rows of which one is unlabelled: 20,000 labelled rows, still cross-validated, every one scored.
  const cv = computeBaselines(thresholdInput(20_001, 1), { seed: 42 });
  for (const b of cv.baselines) assert.equal(b.validation, '5-fold CV');
  assert.equal(cv.plan.evaluated.length, 20_000);
  const holdout = computeBaselines(thresholdInput(20_001, 0), { seed: 42 });
  for (const b of holdout.baselines) assert.equal(b.validation, 'hold-out 20 % (seed 42)');
  assert.equal(holdout.plan.evaluated.length, 4001);
  // The same rule, validated either way: the scores agree within their intervals.
  assert.ok(Math.abs(cv.baselines[2].value - holdout.baselines[2].value) < 0.02);
});

test('edge cases: a single class or no features leave only the base rate, with the reason', () => {
  const t = linearTable({ rows: 200, seed: 7 });
  const single = computeBaselines(
    { rows: 200, features: [{ name: 'x1', kind: 'numeric', values: Float32Array.from(t.columns[0].cells, Number) }], target: { task: 'binary', values: new Float64Array(200), classes: 2 } },
    { seed: 1 },
  );
  assert.deepEqual(single.baselines.map((b) => [b.model, b.value]), [['base rate', 1]]);
  assert.equal(single.note, 'a single class: base rate only');
  const none = computeBaselines({ rows: 200, features: [], target: { task: 'regression', values: Float64Array.from({ length: 200 }, (_, i) => i), classes: 0 } }, { seed: 1 });
  assert.deepEqual(none.baselines.map((b) => b.model), ['mean']);
  assert.equal(none.note, 'no features: base rate only');
  const empty = computeBaselines({ rows: 0, features: [], target: { task: 'binary', values: new Float64Array(0), classes: 2 } }, { seed: 1 });
  assert.deepEqual(empty.baselines, []);
  assert.equal(empty.note, 'fewer than two labelled rows');
});

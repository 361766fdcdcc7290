import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeatureType } from '../../src/engine/dataset';
import { createRng } from '../../src/engine/random';
import { compareWithTraining, DRIFT_ALPHA, PSI_THRESHOLD, summariseTraining } from '../../src/engine/train/drift';
import type { DriftReport, TrainingSummary } from '../../src/engine/train/drift';

const NAMES = ['a', 'b', 'c', 'flag'];
const TYPES: FeatureType[] = ['numeric', 'numeric', 'numeric', 'binary'];

/** Three standard normal features and a 0/1 feature with P(1) = p1, from a seeded stream. */
function draw(rows: number, seed: number, p1 = 0.5): Float32Array[] {
  const rng = createRng(seed);
  const cols = NAMES.map(() => new Float32Array(rows));
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < 3; f++) cols[f][i] = rng.normal();
    cols[3][i] = rng.next() < p1 ? 1 : 0;
  }
  return cols;
}

function summary(rows = 3000, seed = 1): TrainingSummary {
  const cols = draw(rows, seed);
  // The training split: the first two thirds of the rows.
  const train = Uint32Array.from({ length: Math.floor((rows * 2) / 3) }, (_, i) => i);
  return summariseTraining(cols, NAMES, TYPES, train);
}

function compare(s: TrainingSummary, cols: Float32Array[]): DriftReport {
  return compareWithTraining(s, (name) => cols[NAMES.indexOf(name)], cols[0].length);
}

const byName = (r: DriftReport, name: string) => r.features.find((f) => f.feature === name)!;

test('the training summary keeps moments, shape, a 201-point sketch and decile bins of the training rows only', () => {
  const s = summary();
  assert.equal(s.rows, 2000);
  const a = s.features[0];
  assert.equal(a.count, 2000);
  assert.equal(a.missing, 0);
  assert.equal(a.quantiles.length, 201);
  assert.ok(Math.abs(a.mean!) < 0.08 && Math.abs(a.sd! - 1) < 0.05, `mean ${a.mean}, sd ${a.sd}`);
  assert.equal(a.shape, 'continuous');
  assert.equal(a.cuts.length, 9);
  assert.deepEqual(a.counts, new Array(10).fill(200));
  // Ties: a 0/1 feature has one cut (at 0) and two bins.
  const flag = s.features[3];
  assert.equal(flag.shape, 'binary');
  assert.deepEqual(flag.cuts, [0]);
  assert.equal(flag.counts[0] + flag.counts[1], 2000);
});

test('a table from the training distribution raises no warning, binary feature included', () => {
  const s = summary();
  const r = compare(s, draw(1500, 2));
  assert.deepEqual(r.warnings, []);
  assert.equal(r.level, DRIFT_ALPHA / 4);
  for (const f of r.features) {
    assert.equal(f.drifted, false, f.feature);
    assert.ok(f.psi! < 0.05, `${f.feature}: PSI ${f.psi}`);
    assert.ok(f.ks!.pValue > 0.05, `${f.feature}: KS p ${f.ks!.pValue}`);
  }
  assert.equal(byName(r, 'flag').shape.target, 'binary');
});

test('a shifted mean is named: a small shift by KS alone, a large one by PSI and KS', () => {
  const s = summary();
  const cols = draw(1500, 3);
  cols[1] = cols[1].map((v) => v + 0.3);
  cols[2] = cols[2].map((v) => v + 1);
  const r = compare(s, cols);
  const b = byName(r, 'b');
  // PSI of a normal shifted by δ sd is about δ² (0.09): under the threshold, but the KS test sees it.
  assert.ok(b.psi! > 0.05 && b.psi! < PSI_THRESHOLD, `b: PSI ${b.psi}`);
  assert.ok(b.ks!.statistic > 0.09 && b.ks!.pValue < r.level, `b: D ${b.ks!.statistic}, p ${b.ks!.pValue}`);
  assert.ok(b.drifted);
  const c = byName(r, 'c');
  assert.ok(c.psi! > 0.8 && c.ks!.statistic > 0.3, `c: PSI ${c.psi}, D ${c.ks!.statistic}`);
  assert.ok(c.drifted);
  assert.equal(byName(r, 'a').drifted, false);
  assert.equal(r.warnings.length, 2);
  assert.match(r.warnings[0], /^b differs from the training data: PSI 0\.\d\d, KS D = 0\.\d+ \(p = [\d.]+e-\d+ < 0\.0025\), mean -?0\.\d+ → 0\.\d+$/);
  assert.match(r.warnings[1], /^c differs from the training data: PSI \d\.\d\d \(> 0\.25\)/);
});

test('a binary feature whose share of ones moves from 0.5 to 0.8 is named', () => {
  const r = compare(summary(), draw(1500, 4, 0.8));
  const flag = byName(r, 'flag');
  // Proportions (0.5, 0.5) → (0.2, 0.8): PSI = 0.3·ln(0.2/0.5)·(−1) + 0.3·ln(0.8/0.5) ≈ 0.42.
  assert.ok(Math.abs(flag.psi! - 0.416) < 0.06, `PSI ${flag.psi}`);
  assert.ok(flag.drifted);
  assert.deepEqual(r.features.filter((f) => f.drifted).map((f) => f.feature), ['flag']);
});

test('cells that go missing count as drift through the missing bin', () => {
  const cols = draw(1000, 5);
  for (let i = 0; i < 400; i++) cols[0][i * 2] = NaN;
  const r = compare(summary(), cols);
  const a = byName(r, 'a');
  assert.ok(a.psi! > 2, `PSI ${a.psi}`);
  assert.ok(a.drifted);
  // The present values are still from the training distribution: the KS test alone would not flag it.
  assert.ok(a.ks!.pValue > r.level);
});

test('PSI on a small table must also exceed its sampling noise; an empty column has no statistics', () => {
  const cols = draw(30, 6);
  cols[2] = new Float32Array(30).fill(NaN);
  const r = compare(summary(), cols);
  const a = byName(r, 'a');
  // χ²(9) at 0.01/4 over n_e ≈ 29.6: sampling alone reaches PSI ≈ 0.87 one time in 400.
  assert.ok(a.psiNoise! > 0.8 && a.psiNoise! < 0.95, `noise ${a.psiNoise}`);
  assert.equal(a.drifted, false);
  const c = byName(r, 'c');
  assert.equal(c.ks, null);
  assert.equal(c.shape.target, null);
  assert.ok(c.drifted, 'all missing where training had none');
});

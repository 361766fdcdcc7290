/**
 * The L1 interaction analysis for more than two classes: one-vs-rest, one L1 logistic model of each class against
 * the rest on one shared split — per-class terms on a known answer, the multi-class accuracy of the normalised
 * probabilities against the noise ceiling, the drop-one relevance on the multi-class log-loss, and the edge cases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import type { Dataset } from '../../src/engine/dataset';
import { createRng } from '../../src/engine/random';
import { assessParityRelevance } from '../../src/engine/relevance/parityRelevance';
import { ovrProbabilities } from '../../src/engine/sparsity/predict';
import { analyseSparsity, EXACT_CELLS } from '../../src/engine/sparsity/sparsity';
import { wilsonInterval } from '../../src/engine/stats/intervals';
import { profileDataset } from '../../src/engine/stats/profile';
import { analyseDataset } from '../../src/engine/tasks/analyseFile';

const CLASSES = ['a', 'b', 'c', 'd'];

/**
 * p two-valued features (fair coins) and class = parity(x1, x2, x3) + 2·parity(x4, x5), with a share `noise` of
 * the rows given a class drawn at random instead (so the best possible accuracy is 1 − noise·3/4).
 */
function parityClasses(rows: number, p: number, seed: number, noise: number): Dataset {
  const rng = createRng(seed);
  const columns = Array.from({ length: p }, () => new Float32Array(rows));
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < p; j++) columns[j][i] = rng.next() < 0.5 ? 0 : 1;
    const a = (columns[0][i] + columns[1][i] + columns[2][i]) % 2;
    const b = (columns[3][i] + columns[4][i]) % 2;
    labels[i] = rng.next() < noise ? rng.int(4) : a + 2 * b;
  }
  return inMemoryDataset({ path: 'generated', names: columns.map((_, j) => `x${j + 1}`), columns, label: classLabel('class', labels, CLASSES, 'string') });
}

test('class = parity(x1,x2,x3) + 2·parity(x4,x5): each class model holds its three characters, accuracy at the noise ceiling, x6..x8 certified irrelevant', () => {
  const d = parityClasses(4000, 8, 11, 0.05);
  const profiles = profileDataset(d);
  const { report: s, model } = analyseSparsity(d, profiles, { seed: 42 });
  assert.equal(s.status, 'done');
  assert.equal(s.task, 'multiclass');
  assert.equal(s.loss, 'logistic');
  assert.equal(s.mode, 'exact');
  assert.equal(s.terms, 255);
  // 1{class = c} = (1 ± χ₁₂₃)(1 ± χ₄₅)/4: every class against the rest is the same three characters, signs by class.
  const expected = ['x1·x2·x3', 'x1·x2·x3·x4·x5', 'x4·x5'];
  const classes = s.classes!;
  assert.deepEqual(classes.map((c) => c.class), CLASSES);
  for (const c of classes) {
    assert.equal(c.status, 'fitted');
    assert.deepEqual(c.top.map((t) => t.features.join('·')).sort(), expected, `class ${c.class}`);
    assert.ok(c.holdout && c.holdout.test.accuracy > 0.95, `class ${c.class} against the rest`);
  }
  // Signs: a product of standardised bits is −1 for each bit at 0, so χ₁₂₃ = −1 and χ₄₅ = +1 where both parities are
  // even (class a = (1 − χ₁₂₃)(1 + χ₄₅)/4), and the opposite where both are odd (class d = (1 + χ₁₂₃)(1 − χ₄₅)/4).
  const sign = (cls: string, term: string): number => Math.sign(classes.find((c) => c.class === cls)!.top.find((t) => t.features.join('·') === term)!.coefficient);
  assert.deepEqual([sign('a', 'x1·x2·x3'), sign('a', 'x4·x5'), sign('d', 'x1·x2·x3'), sign('d', 'x4·x5')], [-1, 1, 1, -1]);
  assert.equal(s.nonzero, 3, 'three distinct terms over the four models');
  assert.deepEqual(new Set(s.top.map((t) => t.class)), new Set(CLASSES));
  // Multi-class accuracy of the argmax of the normalised probabilities, at the ceiling 1 − 0.05·3/4.
  const h = s.holdout!;
  const ceiling = 1 - 0.05 * 0.75;
  assert.ok(Math.abs(h.test.accuracy - ceiling) < 0.02, `test accuracy ${h.test.accuracy} vs ceiling ${ceiling}`);
  assert.deepEqual(h.test.ci95, wilsonInterval(Math.round(h.test.accuracy * h.test.rows), h.test.rows));
  assert.ok(h.test.logLoss > 0 && h.test.logLoss < 0.4);
  // The participation is the union over the class models: x1..x5 carry everything.
  for (const f of s.participation) assert.equal(f.share > 0, ['x1', 'x2', 'x3', 'x4', 'x5'].includes(f.feature), f.feature);
  // Probabilities are normalised per row.
  const proba = ovrProbabilities(model!.classes!, model!.values, model!.split.test.subarray(0, 10));
  for (let u = 0; u < 10; u++) assert.ok(Math.abs(proba.subarray(u * 4, u * 4 + 4).reduce((a, b) => a + b, 0) - 1) < 1e-12);

  // The interaction engine alone: drop-one on the multi-class log-loss, one family over the features.
  const engine = assessParityRelevance(profiles, s, model);
  assert.ok(engine.informative);
  assert.deepEqual(engine.features.map((f) => f.verdict), [...Array(5).fill('relevant'), ...Array(3).fill('irrelevant')]);
  for (const f of engine.features.slice(0, 5)) {
    const drop = f.evidence.dropOne!;
    assert.ok(!('metric' in drop));
    if (!('metric' in drop)) assert.ok(drop.accuracyWith > 0.9 && drop.accuracyWithout < 0.6, `${drop.accuracyWith} → ${drop.accuracyWithout}`);
  }
  assert.match(engine.features[0].reasons[0], /^removing it from the L1 interaction model \(its terms in every class model\) raises held-out multi-class log-loss/);
  for (const f of engine.features.slice(5)) {
    assert.equal(f.evidence.certified, true);
    assert.match(f.reasons[0], /^no term involving it survives the L1 penalty in any class model, certified over all 255 terms/);
  }

  // The whole report: the parity features found; the trees fit this table as well as the class models, so the
  // engine's zeros are evidence only and x6..x8 are at least never called relevant or redundant.
  const report = analyseDataset(d);
  const verdicts = report.features.map((f) => f.relevance);
  assert.deepEqual(verdicts.slice(0, 5), Array(5).fill('relevant'));
  for (const v of verdicts.slice(5)) assert.ok(v === 'irrelevant' || v === 'unknown', String(v));
  const ovr = report.baselines!.find((b) => b.model === 'L1 logistic regression on interaction terms (one-vs-rest)');
  assert.equal(ovr?.metric, 'accuracy');
  assert.equal(report.analyses.find((a) => a.id === 'hypotheses')?.status, 'skipped');
});

test('a class with 3 rows keeps its base rate (said so), the others get models, and every probability stays positive', () => {
  const base = parityClasses(2000, 6, 4, 0.02);
  const labels = Int32Array.from(base.label!.values);
  for (const i of [10, 500, 1500]) labels[i] = 4;
  const d = inMemoryDataset({ names: base.names, columns: base.columns, label: classLabel('class', labels, [...CLASSES, 'rare'], 'string') });
  const profiles = profileDataset(d);
  const { report: s, model } = analyseSparsity(d, profiles, { seed: 42 });
  assert.equal(s.status, 'done');
  const rare = s.classes!.find((c) => c.class === 'rare')!;
  assert.equal(rare.status, 'base rate');
  assert.equal(rare.rows.train + rare.rows.validation + rare.rows.test, 3);
  assert.match(rare.reason ?? '', /too few for a model, so its probability is its training frequency/);
  assert.ok(Number.isFinite(rare.intercept) && rare.intercept < -5);
  assert.ok(s.approximations.some((a) => /too rare for a model keep their training frequency: rare/.test(a)));
  assert.ok(s.classes!.filter((c) => c.class !== 'rare').every((c) => c.status === 'fitted' && c.top.length === 3));
  assert.ok(Number.isFinite(s.holdout!.test.logLoss));
  const engine = assessParityRelevance(profiles, s, model);
  assert.equal(engine.features[5].verdict, 'irrelevant');
  assert.match(engine.features[5].reasons[0], /class\(es\) rare too rare for a model were not examined/);
});

test('edge cases: missing cells leave their rows out; a single class or more than 20 classes are skipped with the reason', () => {
  const d = parityClasses(1500, 6, 8, 0.02);
  const columns = d.columns.map((c) => Float32Array.from(c));
  for (let i = 0; i < 1500; i += 50) columns[5][i] = NaN;
  const holes = inMemoryDataset({ names: d.names, columns, label: d.label });
  const s = analyseSparsity(holes, profileDataset(holes), { seed: 42 }).report;
  assert.equal(s.status, 'done');
  assert.ok(s.approximations.includes('30 labelled row(s) with a missing feature value were left out'));
  assert.equal(s.rowsUsed, 1470);

  const one = inMemoryDataset({ names: d.names, columns: d.columns, label: classLabel('class', new Int32Array(1500), ['only']) });
  const single = analyseSparsity(one, profileDataset(one)).report;
  assert.equal(single.status, 'skipped');
  assert.match(single.reason ?? '', /has 1 class\(es\): there is nothing to tell apart/);

  const many = inMemoryDataset({ names: d.names, columns: d.columns, label: classLabel('class', Int32Array.from({ length: 1500 }, (_, i) => i % 25), Array.from({ length: 25 }, (_, c) => `k${c}`)) });
  const skipped = analyseSparsity(many, profileDataset(many)).report;
  assert.equal(skipped.status, 'skipped');
  assert.match(skipped.reason ?? '', /25 classes; one-vs-rest fits one L1 model per class/);
});

test('wide tables: one-vs-rest bounds its exact fits (classes × 2^k cells) and its work, and says so', () => {
  // 20 two-valued features: one model may take all 2^20 subsets, four models may not (4 × 2^k ≤ 2^18: k ≤ 16).
  const d = parityClasses(6000, 20, 3, 0.02);
  const s = analyseSparsity(d, profileDataset(d), { seed: 42 }).report;
  assert.equal(s.status, 'done');
  assert.equal(Math.log2(EXACT_CELLS), 18);
  assert.ok(
    s.approximations.some((a) => a.startsWith('one-vs-rest over 4 class model(s): exact fits are limited to 4 × 2^k ≤ 2^18 cells, so at most 16 candidates (22 for two classes)')),
    s.approximations.join('; '),
  );
  assert.ok(s.steps.some((st) => st.id === 'parity' && /per class/.test(st.title)));
  assert.ok(s.steps.some((st) => st.id === 'narrow'));
  // The pairwise character is within the focused set, and every class model finds it.
  for (const c of s.classes!) assert.ok(c.top.some((t) => t.features.join('·') === 'x4·x5'), `class ${c.class}`);
});

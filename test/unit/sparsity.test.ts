import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyseDataset, analyseFile } from '../../src/engine/tasks/analyseFile';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import type { Dataset } from '../../src/engine/dataset';
import type { Report } from '../../src/engine/report';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import type { SyntheticDataset } from '../../src/engine/synth/kryptonite';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'data');
const skipData = existsSync(join(DATA, 'kryptonite-9-X.npy')) ? false : `real data not found at ${DATA}`;

function dataset(d: SyntheticDataset, labels: Int32Array = d.labels, classes = ['0', '1']): Dataset {
  return inMemoryDataset({ path: 'generated', names: d.names, columns: d.columns, label: classLabel('y', labels, classes) });
}

function relevantNames(report: Report): string[] {
  return report.features.filter((f) => f.relevance === 'relevant').map((f) => f.name);
}

test('real Kryptonite-9 and -12: the top term is the relevant set, hold-out accuracy ≥ published − 0.01', { skip: skipData }, async () => {
  const cases = [
    { n: 9, relevant: ['x2', 'x4', 'x5', 'x6', 'x7', 'x9'], published: 0.9599 },
    { n: 12, relevant: ['x1', 'x2', 'x3', 'x5', 'x6', 'x8', 'x10', 'x12'], published: 0.9657 },
  ];
  for (const c of cases) {
    const report = await analyseFile(join(DATA, `kryptonite-${c.n}-X.npy`));
    const s = report.sparsity!;
    assert.equal(s.status, 'done');
    assert.equal(s.mode, 'exact');
    assert.equal(s.terms, 2 ** c.n - 1);
    assert.deepEqual(s.top[0].features, c.relevant, `K-${c.n} top term`);
    assert.ok(s.holdout!.test.accuracy >= c.published - 0.01, `K-${c.n}: ${s.holdout!.test.accuracy}`);
    assert.ok(s.sparsity > 0.99);
    assert.deepEqual(relevantNames(report), c.relevant);
    assert.equal(report.relevance!.crossCheck.irrelevantShape, 'burst');
    assert.match(report.relevance!.crossCheck.statement, new RegExp(`^All ${c.n / 3} burst-like features are irrelevant and all ${c.n / 3} irrelevant features are burst-like`));
  }
});

test('generated Kryptonite at N = 9 … 45 (1000·N rows): relevant set and relevance recovered feature by feature', () => {
  // A burst feature is independent of the label, so its marginal test is a false discovery with probability ≤ 2.5 %
  // (the marginal family's share of the per-table error rate): then it must come out `redundant`, never `irrelevant`
  // (a significant association forbids that verdict). Seed 1012 has one such chance discovery (x3, p = 1.1e-4).
  let chance = 0;
  for (const n of [9, 12, 15, 18, 24, 30, 45]) {
    const d = generateKryptonite({ n, seed: 1000 + n });
    const report = analyseDataset(dataset(d));
    const s = report.sparsity!;
    const truth = d.truth.relevant.map((j) => d.names[j]);
    assert.deepEqual(s.top[0].features, truth, `N=${n} top term`);
    assert.deepEqual(relevantNames(report), truth, `N=${n} relevance`);
    for (const f of report.features) {
      if (d.truth.relevant.includes(f.index)) continue;
      if (f.relevanceEvidence?.marginal?.discovered) {
        chance++;
        assert.equal(f.relevance, 'redundant', `N=${n} ${f.name}`);
        assert.ok(f.relevanceEvidence.marginal.effect.estimate < 0.01, `N=${n} ${f.name}: a chance discovery has a negligible effect`);
      } else {
        assert.equal(f.relevance, 'irrelevant', `N=${n} ${f.name}`);
      }
    }
    assert.equal(s.mode, n <= 22 || d.truth.relevant.length <= 22 ? 'exact' : 'focused', `N=${n} mode`);
    if (n > 22) {
      assert.ok(s.steps.some((st) => st.id === 'parity'), 'the narrowing is recorded');
      assert.ok(s.steps.some((st) => st.id === 'narrow'));
    }
    assert.ok(s.holdout!.test.accuracy > d.truth.parityAccuracy - 0.02, `N=${n}`);
    assert.match(s.steps.find((st) => st.id === 'structure')!.detail, /^One product dominates/);
    assert.equal(report.hypotheses![0].rule, `xor(${truth.map((t) => `bin(${t})`).join(', ')})`, `N=${n} rule`);
    assert.ok(Math.abs(report.hypotheses![0].accuracy! - d.truth.parityAccuracy) < 0.01, `N=${n} rule accuracy`);
  }
  assert.ok(chance <= 1, `${chance} chance marginal discoveries among the irrelevant features`);
});

test('500,000 rows: the same answer, and the expansion is never materialised', () => {
  const d = generateKryptonite({ n: 15, seed: 7, rows: 500_000 });
  const report = analyseDataset(dataset(d));
  assert.deepEqual(report.sparsity!.top[0].features, d.truth.relevant.map((j) => d.names[j]));
  assert.match(report.sparsity!.steps.find((s) => s.id === 'fit')!.detail, /occupied cells instead of a 300,000 × 32,767 matrix/);
});

test('a linear label: main effects found, no high-order term claimed', () => {
  const d = generateKryptonite({ n: 12, seed: 3 });
  const y = Int32Array.from(d.labels, (_, i) => (d.columns[0][i] + d.columns[4][i] + 0.3 * Math.sin(i * 12.9898) > 1 ? 1 : 0));
  const report = analyseDataset(dataset(d, y));
  const s = report.sparsity!;
  const top = s.top.slice(0, 2).map((t) => t.features.join('·')).sort();
  assert.deepEqual(top, ['x1', 'x5']);
  assert.ok(s.top.every((t) => t.degree <= 2), JSON.stringify(s.top));
  assert.deepEqual(relevantNames(report), ['x1', 'x5']);
  assert.match(s.steps.find((st) => st.id === 'structure')!.detail, /^Main effects only: .*no parity \(XOR\) structure/);
  assert.deepEqual(report.hypotheses, [], 'no XOR is claimed');
  assert.match(report.conjectures!.rejected[0].reason, /not the parity of the relevant features/);
});

test('a pairwise interaction (AND of two features): only those two features carry the label', () => {
  const d = generateKryptonite({ n: 30, seed: 4 });
  const y = Int32Array.from(d.labels, (_, i) => (d.columns[2][i] > 0.5 && d.columns[6][i] > 0.5 ? 1 : 0));
  const report = analyseDataset(dataset(d, y));
  const s = report.sparsity!;
  const used = new Set(s.top.flatMap((t) => t.features));
  assert.deepEqual([...used].sort(), ['x3', 'x7']);
  assert.deepEqual(relevantNames(report), ['x3', 'x7']);
  assert.ok(!/burst-like features are irrelevant/.test(report.relevance!.crossCheck.statement));
  assert.match(s.steps.find((st) => st.id === 'structure')!.detail, /^Mixed: /);
  assert.deepEqual(report.hypotheses, [], 'an AND is not an XOR');
});

test('random labels: no term survives, relevance is unknown rather than invented', () => {
  const d = generateKryptonite({ n: 9, seed: 5, rows: 6000 });
  let state = 12345;
  const y = Int32Array.from({ length: 6000 }, () => ((state = (state * 1103515245 + 12345) >>> 0) >>> 16) & 1);
  const report = analyseDataset(dataset(d, y));
  assert.equal(report.sparsity!.nonzero, 0);
  assert.ok(report.features.every((f) => f.relevance === 'unknown'));
  assert.match(report.sparsity!.steps.find((s) => s.id === 'result')!.detail, /No term survives the penalty/);
  assert.match(report.sparsity!.steps.at(-1)!.detail, /^No structure/);
});

test('multi-class noise, too many classes and unlabelled data: one-vs-rest finds nothing, or the section says why it was skipped', () => {
  const d = generateKryptonite({ n: 6, seed: 6, rows: 900 });
  const three = Int32Array.from({ length: 900 }, (_, i) => i % 3);
  const report = analyseDataset(dataset(d, three, ['a', 'b', 'c']));
  // Three classes unrelated to the features: the one-vs-rest models run and find nothing to conclude.
  assert.equal(report.sparsity!.status, 'done');
  assert.equal(report.sparsity!.task, 'multiclass');
  assert.ok(report.features.every((f) => f.relevance === 'unknown'));
  const many = Int32Array.from({ length: 900 }, (_, i) => i % 21);
  const manyReport = analyseDataset(dataset(d, many, Array.from({ length: 21 }, (_, c) => `c${c}`)), { relevance: false });
  assert.equal(manyReport.sparsity!.status, 'skipped');
  assert.match(manyReport.sparsity!.reason!, /21 classes; one-vs-rest fits one L1 model per class, and more than 20/);
  const none = analyseDataset({ ...dataset(d), label: null });
  assert.equal(none.sparsity, undefined);
  assert.deepEqual(none.analyses.find((a) => a.id === 'sparsity'), { id: 'sparsity', status: 'skipped', note: 'no label' });
});

test('a small budget forces narrowing even at N = 12, with the same answer', () => {
  const d = generateKryptonite({ n: 12, seed: 8 });
  const report = analyseDataset(dataset(d), { sparsityOptions: { budgetBytes: 8 * 2 ** 10 } });
  const s = report.sparsity!;
  assert.equal(s.budget.transformFeatures, 10);
  assert.ok(s.steps.some((st) => st.id === 'budget'));
  assert.deepEqual(s.top[0].features, d.truth.relevant.map((j) => d.names[j]));
});

function gaussianDataset(n: number, p: number, seed: number, label: (z: Float32Array[], i: number) => number): Dataset {
  let state = seed >>> 0;
  const uniform = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const columns = Array.from({ length: p }, () => Float32Array.from({ length: n }, normal));
  const values = Int32Array.from({ length: n }, (_, i) => (uniform() < 1 / (1 + Math.exp(-label(columns, i))) ? 1 : 0));
  return inMemoryDataset({ path: 'gaussian', names: columns.map((_, j) => `z${j + 1}`), columns, label: classLabel('y', values, ['0', '1']) });
}

test('continuous features: products of standardised values, the real main effects found; the rest irrelevant on positive evidence, not on lasso zeros', () => {
  const data = gaussianDataset(6000, 8, 11, (z, i) => 2 * z[2][i] - 1.5 * z[5][i]);
  const report = analyseDataset(data);
  const s = report.sparsity!;
  assert.equal(s.representation, 'standardised continuous features');
  assert.deepEqual(s.degree, { min: 1, max: 2 });
  assert.equal(s.terms, 8 + 28);
  assert.deepEqual(s.top.slice(0, 2).map((t) => t.features.join('·')).sort(), ['z3', 'z6']);
  assert.ok(s.top[0].coefficient * (s.top[0].features[0] === 'z3' ? 1 : -1) > 0, 'signs follow the generating model');
  assert.deepEqual(relevantNames(report), ['z3', 'z6']);
  const irrelevant = report.features.find((f) => f.name === 'z1')!;
  assert.equal(irrelevant.relevance, 'irrelevant');
  // Not because the lasso zeroed it (among correlated features that proves nothing), but because a small effect is
  // ruled out alone (with power) and given the others (drop-column, the trees agreeing).
  assert.match(irrelevant.relevanceEvidence!.reasons[0], /^alone: .* 95 % upper bound .* with power/);
  assert.ok(irrelevant.relevanceEvidence!.conditional, 'the drop-column test ran');
  assert.match(irrelevant.relevanceEvidence!.sparsity ? 'zero in the L1 model' : '', /zero/);
  assert.ok(s.approximations.some((a) => /above degree 2 were not examined/.test(a)));
  assert.deepEqual(report.hypotheses, []);
});

test('plain powers: a label that depends on z² is found only when squares are in the expansion', () => {
  const data = gaussianDataset(8000, 5, 12, (z, i) => 3 * (z[1][i] * z[1][i] - 1));
  const withPowers = analyseDataset(data, { sparsityOptions: { powers: true } }).sparsity!;
  assert.deepEqual(withPowers.top[0].features, ['z2', 'z2']);
  assert.ok(withPowers.holdout!.test.accuracy > 0.75, String(withPowers.holdout!.test.accuracy));
  assert.equal(withPowers.terms, 5 + 10 + 5);
  const without = analyseDataset(data).sparsity!;
  assert.ok(without.holdout!.test.accuracy < withPowers.holdout!.test.accuracy - 0.1);
});

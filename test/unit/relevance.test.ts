/**
 * Relevance end to end (analyseDataset on the known-answer tables of synth/tables.ts): the verdicts against what is
 * true by construction, the combiner's rules (relevance/relevance.ts) as invariants of every report, and the
 * stated error rate.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Report } from '../../src/engine/report';
import { REFERENCE_EFFECTS, RELEVANCE_ALPHA, IRRELEVANCE_POWER } from '../../src/engine/relevance/relevance';
import { RELEVANCE_VALUES } from '../../src/engine/relevance/types';
import type { Relevance } from '../../src/engine/relevance/types';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import { createRng } from '../../src/engine/random';
import { analyseDataset, analyseFile } from '../../src/engine/tasks/analyseFile';
import type { AnalyseOptions } from '../../src/engine/tasks/analyseFile';
import { mixedTypesTable } from '../../src/engine/synth/mixedTypes';
import { withColumn, withNearCopy, withNoiseLabel, withShuffledCopy } from '../../src/engine/synth/modifiers';
import { tableToCsv, tableToDataset } from '../../src/engine/synth/tableOutput';
import { linearTable, multiclassTable, parityTable, pureNoiseTable, regressionTable, xorTable } from '../../src/engine/synth/tables';
import type { SynthTable } from '../../src/engine/synth/tables';
import { tempFiles } from './support/tableFiles';
import type { TempFiles } from './support/tableFiles';

let files: TempFiles;
before(async () => {
  files = await tempFiles('relevance');
});
after(async () => {
  await files.remove();
});

const FOUND: readonly Relevance[] = ['relevant', 'redundant'];

/** Analyse a table in memory and check the combiner's rules on every feature of the report. */
function analyse(table: SynthTable, options: AnalyseOptions = {}): Report {
  const report = analyseDataset(tableToDataset(table), options);
  checkInvariants(report, table.truth.generator);
  return report;
}

function verdicts(report: Report): Record<string, Relevance> {
  return Object.fromEntries(report.features.map((f) => [f.name, f.relevance as Relevance]));
}

/**
 * The rules of relevance.ts that hold whatever the data: every verdict has reasons; `relevant` rests on a
 * conditional discovery or the interaction model's drop-one test; `redundant` on a marginal discovery; a
 * Bonferroni-significant marginal association forbids `irrelevant`, which needs positive evidence (a constant, a
 * certified zero of the interaction model, or a small effect ruled out with power); the counts add up; the error
 * rate is stated.
 */
function checkInvariants(report: Report, what: string): void {
  const summary = report.relevance;
  assert.ok(summary, `${what}: a relevance section`);
  assert.equal(summary.errorRate, RELEVANCE_ALPHA);
  assert.match(summary.errorControl, /^family-wise, Bonferroni: 0\.02(5)? marginal \+ 0\.02(5)? conditional( \+ 0\.01 interaction-model drop-one)?$/, what);
  const counts: Record<Relevance, number> = { relevant: 0, redundant: 0, irrelevant: 0, unknown: 0 };
  for (const f of report.features) {
    const at = `${what}: ${f.name} (${f.relevance})`;
    const r = f.relevance;
    const e = f.relevanceEvidence;
    assert.ok(r && RELEVANCE_VALUES.includes(r), at);
    assert.ok(e && e.reasons.length > 0 && e.reasons.every((x) => x.length > 10), `${at}: reasons`);
    counts[r]++;
    if (r === 'relevant') assert.ok(e.conditional?.discovered || (e.sparsity?.dropOne ?? null) !== null, `${at}: a conditional discovery or a drop-one test`);
    if (r === 'redundant') assert.ok(e.marginal?.discovered && !e.conditional?.discovered, `${at}: a marginal discovery only`);
    if (e.marginal?.bonferroni) assert.notEqual(r, 'irrelevant', `${at}: significant marginal association`);
    if (e.marginal?.discovered) assert.ok(FOUND.includes(r), `${at}: a marginal discovery is relevant or redundant`);
    if (r === 'irrelevant') {
      const m = e.marginal;
      const smallRuledOut = m !== null && m.power >= IRRELEVANCE_POWER && m.effect.upper < REFERENCE_EFFECTS[m.test].value;
      assert.ok(f.shape === 'constant' || e.sparsity?.certified === true || smallRuledOut, `${at}: positive evidence`);
    }
  }
  assert.deepEqual(summary.counts, counts, `${what}: counts`);
}

test('linear label: the features in the logit are found, the noise columns are not, a constant is irrelevant', () => {
  let t = linearTable({ rows: 1000, seed: 1 });
  t = withColumn(t, { name: 'constant', cells: new Array(1000).fill(3), role: 'quality', carries: false, how: 'constant', expectedType: 'numeric' });
  const report = analyse(t);
  const v = verdicts(report);
  for (const name of t.truth.relevant) assert.ok(FOUND.includes(v[name]), `${name}: ${v[name]}`);
  for (const name of ['n1', 'n2']) assert.ok(!FOUND.includes(v[name]), `${name}: ${v[name]}`);
  assert.equal(v.constant, 'irrelevant');
  assert.match(report.features.at(-1)?.relevanceEvidence?.reasons[0] ?? '', /^constant: a single value cannot carry information/);
  // The interaction model ran, but it does not predict better than the baselines on a linear label, so it decides
  // nothing (its evidence is shown) and spends none of the per-table rate: the two refitted families share it.
  assert.equal(report.relevance?.errorControl, 'family-wise, Bonferroni: 0.025 marginal + 0.025 conditional');
  assert.ok(report.relevance?.notes.some((n) => /verdicts are shown as evidence only/.test(n)));
  assert.match(report.relevance?.method ?? '', /family-wise error rate of 0\.05 per table/);
});

test('a feature and its near copy (regression, multi-class): both found, at most one of the pair relevant', () => {
  const cases = [withNearCopy(regressionTable({ rows: 800, seed: 2 }), 'x1', 'x1_near', 3), withNearCopy(multiclassTable({ rows: 800, seed: 2 }), 'x1', 'x1_near', 3)];
  for (const t of cases) {
    const v = verdicts(analyse(t));
    assert.ok(FOUND.includes(v.x1) && FOUND.includes(v.x1_near), `${t.truth.generator}: ${v.x1} / ${v.x1_near}`);
    assert.ok(!(v.x1 === 'relevant' && v.x1_near === 'relevant'), `${t.truth.generator}: each replaces the other, so neither is needed given the other`);
  }
});

test(
  'a feature and its near copy (binary label): at most one of the pair relevant',
  () => {
    const t = withNearCopy(linearTable({ rows: 1000, seed: 1 }), 'x1', 'x1_near', 8);
    const v = verdicts(analyse(t));
    assert.ok(FOUND.includes(v.x1) && FOUND.includes(v.x1_near));
    assert.ok(!(v.x1 === 'relevant' && v.x1_near === 'relevant'), `${v.x1} / ${v.x1_near}`);
  },
);

test('a row-shuffled copy of a real column is never relevant or redundant (8 tables, counted)', () => {
  // The copy is independent of the label. Each family spends its share of α = 5 % by Bonferroni over the table's
  // features, so the chance that this one column is a false discovery is at most 0.05 / p per table (p ≥ 4 here):
  // over 8 tables at most 10 %, and one miss would already be a warning sign. The count is asserted to be zero.
  let falseCalls = 0;
  const seen: string[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    const base = seed <= 4 ? linearTable({ rows: 600, seed }) : xorTable({ rows: 600, seed });
    const t = withShuffledCopy(base, 'x1', 'x1_shuffled', 100 + seed);
    const v = verdicts(analyse(t));
    seen.push(`${seed}:${v.x1_shuffled}`);
    if (FOUND.includes(v.x1_shuffled)) falseCalls++;
    assert.ok(FOUND.includes(v.x1), `seed ${seed}: the original stays found (${v.x1})`);
  }
  assert.equal(falseCalls, 0, seen.join(' '));
});

test('XOR: no marginal association, yet both features are relevant through the trees’ drop-column test', () => {
  const t = xorTable({ rows: 1000, seed: 4 });
  const report = analyse(t);
  for (const name of ['x1', 'x2']) {
    const f = report.features.find((x) => x.name === name);
    assert.equal(f?.relevance, 'relevant', name);
    const e = f?.relevanceEvidence;
    assert.equal(e?.marginal?.discovered, false, `${name}: no association alone`);
    assert.ok(e?.conditional?.discovered, `${name}: the drop-column test is a discovery`);
    assert.match(e?.conditional?.model ?? '', /^gradient boosting/);
    assert.ok((e?.conditional?.scoreWith ?? 0) - (e?.conditional?.scoreWithout ?? 1) > 0.2, `${name}: accuracy collapses without it`);
    assert.match(e?.reasons[0] ?? '', /^leaving it out of the gradient boosting .* raises the out-of-fold log-loss/);
  }
  for (const name of ['n1', 'n2']) assert.ok(!FOUND.includes(verdicts(report)[name]), name);
});

test('a pure-noise label: every feature unknown, because no model beats the base rate', () => {
  for (const t of [pureNoiseTable({ rows: 800, seed: 5 }), withNoiseLabel(linearTable({ rows: 800, seed: 6 }), 7)]) {
    const report = analyse(t);
    assert.deepEqual(Object.values(verdicts(report)), t.columns.map(() => 'unknown'), t.truth.generator);
    assert.equal(report.relevance?.counts.unknown, t.columns.length);
    assert.match(report.baselineReading ?? '', /^Neither the linear model .* nor gradient boosting .* beats the base rate/);
    for (const f of report.features) assert.ok(f.relevanceEvidence?.reasons.some((r) => /does not beat the base rate|nothing can be concluded/.test(r)), `${f.name}: says why`);
  }
});

test('regression with known coefficients: the nonzero ones are found, the zero ones are not', () => {
  const t = regressionTable({ rows: 1000, seed: 7, coefficients: [2, -1, 0.5, 0, 0] });
  const report = analyse(t);
  const v = verdicts(report);
  for (const name of ['x1', 'x2', 'x3']) assert.equal(v[name], 'relevant', name);
  for (const name of ['x4', 'x5']) assert.ok(!FOUND.includes(v[name]), `${name}: ${v[name]}`);
  const x1 = report.features[0].relevanceEvidence;
  assert.equal(x1?.marginal?.test, 'spearman');
  assert.equal(x1?.conditional?.metric, 'relative squared error');
  // The lasso over interaction terms ran, but a linear target is no better fitted by it than by the baselines, so it
  // decides nothing and the two refitted families split the whole 5 %.
  assert.equal(report.sparsity?.loss, 'squared');
  assert.equal(report.relevance?.errorControl, 'family-wise, Bonferroni: 0.025 marginal + 0.025 conditional');
});

test('multi-class (5 classes, softmax of linear scores): the score features are found, the others are not', () => {
  const t = multiclassTable({ rows: 800, seed: 8, classes: 5 });
  const report = analyse(t);
  const v = verdicts(report);
  assert.equal(report.dataset.label?.task, 'multiclass');
  for (const name of ['x1', 'x2', 'x3']) assert.ok(FOUND.includes(v[name]), `${name}: ${v[name]}`);
  for (const name of ['n1', 'n2']) assert.ok(!FOUND.includes(v[name]), `${name}: ${v[name]}`);
  assert.equal(report.features[0].relevanceEvidence?.marginal?.test, 'kruskal-wallis');
  // One-vs-rest L1 models over the interaction terms ran (one per class); on a linear softmax they do not beat the
  // baselines, so their evidence is shown and the conditional tests decide.
  assert.equal(report.sparsity?.status, 'done');
  assert.equal(report.sparsity?.task, 'multiclass');
  assert.equal(report.sparsity?.classes?.length, 5);
  assert.ok(report.relevance?.notes.some((n) => /verdicts are shown as evidence only/.test(n)));
});

test('Kryptonite: the parity features are relevant, the burst-like ones irrelevant with a certified zero', () => {
  const t = parityTable({ n: 6, rows: 2000, seed: 5 });
  const report = analyse(t);
  const v = verdicts(report);
  for (const name of t.truth.relevant) assert.equal(v[name], 'relevant', name);
  for (const name of t.truth.independent) {
    assert.equal(v[name], 'irrelevant', name);
    const e = report.features.find((f) => f.name === name)?.relevanceEvidence;
    assert.equal(e?.sparsity?.certified, true, name);
    assert.match(e?.reasons[0] ?? '', /^no term involving it survives the L1 penalty, certified over all 63 terms/, name);
    assert.ok(e?.reasons.some((r) => /no baseline model does better/.test(r)), `${name}: the model is at the ceiling`);
  }
  assert.equal(report.relevance?.crossCheck.irrelevantShape, 'burst');
});

test('every column type through a CSV: the columns the label depends on are found, the independent ones are not', async () => {
  const t = mixedTypesTable({ rows: 1000, seed: 1 });
  const report = await analyseFile(await files.write('mixed.csv', tableToCsv(t)));
  checkInvariants(report, t.truth.generator);
  const v = verdicts(report);
  for (const name of ['num', 'bin', 'code', 'colour', 'flag_tf']) assert.ok(FOUND.includes(v[name]), `${name}: ${v[name]}`);
  for (const name of ['flag_yn', 'flag_y', 'noise', 'date_iso.year', 'date_dmy.year', 'date_dmy.dayOfYear']) assert.ok(!FOUND.includes(v[name]), `${name}: ${v[name]}`);
  assert.equal(report.features.find((f) => f.name === 'colour')?.relevanceEvidence?.marginal?.test, 'chi-square');
});

test(
  'a seasonal (non-monotone) effect is never called irrelevant',
  () => {
    const calls: string[] = [];
    for (let seed = 1; seed <= 4; seed++) {
      const rng = createRng(seed);
      const n = 1000;
      const x = new Float32Array(n);
      const day = new Float32Array(n);
      const y = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        x[i] = rng.normal();
        day[i] = 1 + rng.int(365);
        const z = 1.5 * x[i] + 1.5 * Math.cos((2 * Math.PI * (day[i] - 183)) / 365);
        y[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      }
      const report = analyseDataset(inMemoryDataset({ names: ['x', 'day'], columns: [x, day], label: classLabel('y', y, ['0', '1']) }), { sparsity: false });
      calls.push(String(report.features[1].relevance));
    }
    assert.ok(!calls.includes('irrelevant'), calls.join(' '));
  },
);

test(
  'an empty column does not switch off the interaction model',
  () => {
    let t = parityTable({ n: 6, rows: 2000, seed: 5 });
    t = withColumn(t, { name: 'empty', cells: new Array(2000).fill(null), role: 'quality', carries: false, how: 'no values', expectedType: 'numeric' });
    const report = analyse(t);
    assert.equal(report.sparsity?.status, 'done', report.sparsity?.reason ?? '');
    for (const name of t.truth.independent.filter((x) => x !== 'empty')) assert.equal(verdicts(report)[name], 'irrelevant', name);
  },
);

test('edge cases: huge values change no verdict; a single class or an empty column gives unknown with the reason', () => {
  const t = linearTable({ rows: 800, seed: 9 });
  const huge: SynthTable = { ...t, columns: t.columns.map((c) => ({ ...c, cells: c.cells.map((x) => (typeof x === 'number' ? Math.fround(x * 1e30) : x)) })) };
  assert.deepEqual(verdicts(analyse(huge)), verdicts(analyse(t)));
  const single: SynthTable = { ...t, label: { ...t.label, codes: new Int32Array(t.rows) } };
  const one = analyse(single);
  assert.deepEqual(Object.values(verdicts(one)), t.columns.map(() => 'unknown'));
  assert.ok(one.features[0].relevanceEvidence?.reasons.some((r) => /a single class/.test(r)));
  const empty = withColumn(t, { name: 'empty', cells: new Array(t.rows).fill(null), role: 'quality', carries: false, how: '', expectedType: 'numeric' });
  const withEmpty = analyse(empty, { sparsity: false });
  assert.equal(verdicts(withEmpty).empty, 'unknown');
  assert.deepEqual(withEmpty.features.at(-1)?.relevanceEvidence?.reasons, ['no values: nothing can be said']);
});

// ---------------------------------------------------------------------------------------------------------------
// Conditional permutation tests: what large tables get when a refit per feature is beyond the work budget
// (conditionalBudget 0 forces them on these small tables).
// ---------------------------------------------------------------------------------------------------------------

const PERMUTE: AnalyseOptions = { conditionalBudget: 0 };

test('permutation tests: linear label found, noise not, near copies not both relevant, and the report says how it tested', () => {
  const t = withNearCopy(linearTable({ rows: 1000, seed: 1 }), 'x1', 'x1_near', 8);
  const report = analyse(t, PERMUTE);
  const v = verdicts(report);
  for (const name of t.truth.relevant) assert.ok(FOUND.includes(v[name]), `${name}: ${v[name]}`);
  for (const name of ['n1', 'n2']) assert.ok(!FOUND.includes(v[name]), `${name}: ${v[name]}`);
  assert.ok(FOUND.includes(v.x1_near), `x1_near: ${v.x1_near}`);
  assert.ok(!(v.x1 === 'relevant' && v.x1_near === 'relevant'), `${v.x1} / ${v.x1_near}: each stands in for the other`);
  const x1 = report.features.find((f) => f.name === 'x1')?.relevanceEvidence?.conditional;
  assert.equal(x1?.method, 'conditional permutation');
  assert.equal(x1?.conditionedOn, 'x1_near', 'permuted among rows alike in its near copy');
  assert.equal(x1?.rows, 1000, 'scored on every out-of-fold row of the baselines');
  assert.ok(report.analyses.find((a) => a.id === 'relevance')?.note?.includes('conditional permutation tests of the logistic regression'));
  // A feature the label depends on, with no correlated partner: permuted among all rows, and clearly needed.
  const x2 = report.features.find((f) => f.name === 'x2');
  assert.equal(x2?.relevance, 'relevant');
  assert.equal(x2?.relevanceEvidence?.conditional?.conditionedOn, null);
  assert.match(x2?.relevanceEvidence?.reasons[0] ?? '', /^permuting it under the logistic regression .* raises the out-of-fold log-loss/);
});

test('permutation tests: XOR features relevant through the trees, shuffled copies never found (8 tables)', () => {
  const xor = analyse(xorTable({ rows: 1000, seed: 4 }), PERMUTE);
  for (const name of ['x1', 'x2']) {
    const f = xor.features.find((x) => x.name === name);
    assert.equal(f?.relevance, 'relevant', name);
    assert.equal(f?.relevanceEvidence?.conditional?.method, 'conditional permutation');
    assert.match(f?.relevanceEvidence?.conditional?.model ?? '', /^gradient boosting/);
    assert.ok((f?.relevanceEvidence?.conditional?.scoreWith ?? 0) - (f?.relevanceEvidence?.conditional?.scoreWithout ?? 1) > 0.2, `${name}: accuracy collapses when permuted`);
  }
  let falseCalls = 0;
  const seen: string[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    const base = seed <= 4 ? linearTable({ rows: 600, seed }) : xorTable({ rows: 600, seed });
    const v = verdicts(analyse(withShuffledCopy(base, 'x1', 'x1_shuffled', 100 + seed), PERMUTE));
    seen.push(`${seed}:${v.x1_shuffled}`);
    if (FOUND.includes(v.x1_shuffled)) falseCalls++;
    assert.ok(FOUND.includes(v.x1), `seed ${seed}: the original stays found (${v.x1})`);
  }
  assert.equal(falseCalls, 0, seen.join(' '));
});

test('permutation tests: regression and multi-class with known answers; a feature no tree splits on is unused', () => {
  const reg = analyse(regressionTable({ rows: 1000, seed: 7, coefficients: [2, -1, 0.5, 0, 0] }), PERMUTE);
  const v = verdicts(reg);
  for (const name of ['x1', 'x2', 'x3']) assert.equal(v[name], 'relevant', name);
  for (const name of ['x4', 'x5']) assert.ok(!FOUND.includes(v[name]), `${name}: ${v[name]}`);
  assert.equal(reg.features[0].relevanceEvidence?.conditional?.metric, 'relative squared error');
  const multi = analyse(multiclassTable({ rows: 800, seed: 8, classes: 5 }), PERMUTE);
  const m = verdicts(multi);
  for (const name of ['x1', 'x2', 'x3']) assert.ok(FOUND.includes(m[name]), `${name}: ${m[name]}`);
  for (const name of ['n1', 'n2']) assert.ok(!FOUND.includes(m[name]), `${name}: ${m[name]}`);
  // The XOR table's trees never split on a constant column: its test says so instead of permuting it.
  let t = xorTable({ rows: 800, seed: 9 });
  t = withColumn(t, { name: 'constant', cells: new Array(800).fill(1), role: 'quality', carries: false, how: 'constant', expectedType: 'numeric' });
  const xor = analyse(t, PERMUTE);
  assert.equal(xor.features.find((f) => f.name === 'constant')?.relevance, 'irrelevant');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binarisation } from '../../src/engine/binarise';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import { speculateOracle, testXorConjecture } from '../../src/engine/hypothesis/conjecture';
import type { OracleModel } from '../../src/engine/hypothesis/conjecture';
import { analyseSparsity } from '../../src/engine/sparsity/sparsity';
import { profileDataset } from '../../src/engine/stats/profile';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import type { TaskRunner } from '../../src/engine/parallel/runner';
import { sharedFloat32 } from '../../src/engine/typed';

function setting() {
  const synth = generateKryptonite({ n: 9, rows: 6000, seed: 11 });
  const dataset = inMemoryDataset({ path: 'generated', names: synth.names, columns: synth.columns, label: classLabel('y', synth.labels, ['0', '1']) });
  const profiles = profileDataset(dataset);
  const { report, model } = analyseSparsity(dataset, profiles, { seed: 42 });
  const bins = profiles.map((f) => binarisation(f.modes, f.stats, f.values));
  const relevant = [...synth.truth.relevant].sort((a, b) => a - b);
  return { dataset, report, model, bins, relevant };
}

test('an oracle fit started early on a guess is used when the guess is the relevant set, and ignored otherwise', () => {
  const { dataset, report, model, bins, relevant } = setting();
  assert.ok(model, 'the L1 model was fitted');
  const plain = testXorConjecture(dataset, relevant, report, model, bins);
  assert.ok(plain.oracle, 'an oracle model');
  assert.ok(plain.hypotheses.length === 1, 'the parity is found');
  let collected = 0;
  const early = { ...plain.oracle, coefficient: plain.oracle.coefficient } as OracleModel;
  const right = testXorConjecture(dataset, relevant, report, model, bins, undefined, undefined, {
    relevant: [...relevant],
    collect: () => {
      collected++;
      return early;
    },
  });
  assert.equal(collected, 1, 'the early fit is collected once');
  assert.deepEqual(right, plain);
  // A guess that differs by one feature, or by the order, is not the model the conjecture needs.
  for (const guess of [relevant.slice(1), [...relevant].reverse()]) {
    const wrong = testXorConjecture(dataset, relevant, report, model, bins, undefined, undefined, {
      relevant: guess,
      collect: () => {
        throw new Error('a wrong guess must not be used');
      },
    });
    assert.deepEqual(wrong, plain);
  }
});

test('speculateOracle guesses the dominant term in the interaction fit\'s positions, and starts nothing without a thread', () => {
  const { dataset, report, model } = setting();
  const all = dataset.names.map((_, j) => j);
  assert.equal(speculateOracle(dataset, report, { model, features: all }), null, 'no runner: nothing to gain');
  assert.equal(speculateOracle(dataset, report, { model, features: all }, { threads: 1 } as TaskRunner), null, 'one thread');
  // The interaction fit without one feature outside the dominant term (the positions after it move down by one), on
  // shared columns; without one of the term's features there is no guess.
  const top = report.top[0].features;
  const outside = all.find((j) => !top.includes(dataset.names[j])) as number;
  const inside = all.find((j) => top.includes(dataset.names[j])) as number;
  const shared = { ...dataset, columns: dataset.columns.map(sharedFloat32) };
  const features = all.filter((j) => j !== outside);
  const started: unknown[] = [];
  const runner = {
    threads: 2,
    startKernel: (kind: string, _context: unknown, tasks: readonly { relevant: number[] }[]) => {
      started.push(kind, tasks[0].relevant);
      return () => [{ features: [] }];
    },
  } as unknown as TaskRunner;
  assert.equal(speculateOracle(shared, report, { model, features: all.filter((j) => j !== inside) }, { threads: 2 } as TaskRunner), null, 'a term feature left out');
  const speculative = speculateOracle(shared, report, { model, features }, runner);
  assert.ok(speculative);
  const expected = features.map((j, k) => (top.includes(dataset.names[j]) ? k : -1)).filter((k) => k >= 0);
  assert.deepEqual(speculative.relevant, expected);
  assert.deepEqual(started, ['oracle', expected]);
  assert.equal(speculative.used(), false);
  speculative.collect();
  assert.equal(speculative.used(), true);
});

test("features the profiles found complete skip the missing-row scan, with the same result; the claim is what is used", () => {
  const { dataset, report, model, bins, relevant } = setting();
  const plain = testXorConjecture(dataset, relevant, report, model, bins);
  const told = testXorConjecture(dataset, relevant, report, model, bins, undefined, undefined, null, dataset.columns.map(() => true));
  assert.deepEqual(told, plain);
  // With a relevant feature's values missing in some rows, a false claim of completeness changes which rows are
  // scored: so the claim is what the evaluation reads, and the analysis must only make it from the profile.
  const holed = dataset.columns.map((c, j) => (j === relevant[0] ? Float32Array.from(c, (v, i) => (i % 10 === 0 ? NaN : v)) : c));
  const withHoles = { ...dataset, columns: holed };
  const honest = testXorConjecture(withHoles, relevant, report, model, bins);
  const claimed = testXorConjecture(withHoles, relevant, report, model, bins, undefined, undefined, null, holed.map(() => true));
  assert.notDeepEqual(claimed.hypotheses.map((h) => h.rows), honest.hypotheses.map((h) => h.rows));
});

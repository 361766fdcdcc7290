/**
 * The plan of the conditional permutation tests (analyseRelevance.ts conditionalPermutations): every swap is a
 * permutation of the scored rows, stays within strata of the feature's partner, is seeded, and big folds are sampled
 * to the stated limits.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planFolds } from '../../src/engine/models/crossValidation';
import type { ModelInput } from '../../src/engine/models/types';
import { createRng } from '../../src/engine/random';
import {
  conditionalPermutations,
  PERMUTATION_MAX_CELLS,
  PERMUTATION_MAX_ROWS,
  PERMUTATION_STRATUM_ROWS,
} from '../../src/engine/relevance/permutations';

function table(rows: number, p: number, seed: number): ModelInput {
  const rng = createRng(seed);
  const features = Array.from({ length: p }, (_, j) => ({
    name: `x${j}`,
    kind: 'numeric' as const,
    values: Float32Array.from({ length: rows }, () => (j === 1 && rng.next() < 0.05 ? NaN : rng.normal())),
  }));
  const target = { task: 'binary' as const, values: Float64Array.from({ length: rows }, () => (rng.next() < 0.5 ? 1 : 0)), classes: 2 };
  return { rows, features, target };
}

test('each swap permutes the scored rows of its fold, within strata of the partner, and is seeded', () => {
  const input = table(1000, 4, 1);
  const plan = planFolds(input.target, 3);
  // x0 is conditioned on x1 (which has missing cells), the others on nothing.
  const partners = [1, null, null, null];
  const a = conditionalPermutations(input, plan, partners, 7);
  const b = conditionalPermutations(input, plan, partners, 7);
  assert.ok(a && b);
  assert.deepEqual(a, b, 'same seed, same plan');
  assert.notDeepEqual(a, conditionalPermutations(input, plan, partners, 8), 'another seed, another plan');
  a.forEach((fold, f) => {
    const test = plan.folds[f].test;
    assert.equal(fold.positions.length, test.length, 'small folds: every test row is scored');
    const scored = Array.from(fold.positions, (i) => test[i]);
    assert.equal(fold.swaps.length, 4);
    for (const swap of fold.swaps) {
      assert.deepEqual([...swap.from].sort((x, y) => x - y), [...scored].sort((x, y) => x - y), 'a permutation of the scored rows');
    }
    // Within strata: a row and the row it takes x0 from are close in x1's order (or both miss x1).
    const x1 = input.features[1].values;
    const present = scored.filter((r) => x1[r] === x1[r]).sort((r, s) => x1[r] - x1[s]);
    const rank = new Map(present.map((r, k) => [r, k]));
    const strata = Math.max(1, Math.floor(present.length / PERMUTATION_STRATUM_ROWS));
    const stratum = (r: number): number => (rank.has(r) ? Math.floor(((rank.get(r) as number) * strata) / present.length) : -1);
    let moved = 0;
    scored.forEach((row, i) => {
      const from = fold.swaps[0].from[i];
      assert.equal(stratum(from), stratum(row), `row ${row} takes x0 from row ${from}: another stratum of x1`);
      if (from !== row) moved++;
    });
    assert.ok(moved > scored.length / 2, 'most rows take another row’s value');
  });
});

test('big folds are sampled: at most PERMUTATION_MAX_ROWS rows and PERMUTATION_MAX_CELLS cells', () => {
  const many = table(60_000, 3, 2);
  const plan = planFolds(many.target, 1);
  const perms = conditionalPermutations(many, plan, [null, null, null], 5);
  assert.ok(perms);
  const scored = perms.reduce((n, fold) => n + fold.positions.length, 0);
  assert.ok(scored <= PERMUTATION_MAX_ROWS + perms.length && scored >= PERMUTATION_MAX_ROWS - perms.length, `${scored} rows scored`);
  for (const fold of perms) {
    for (let k = 1; k < fold.positions.length; k++) assert.ok(fold.positions[k] > fold.positions[k - 1], 'positions ascending, distinct');
  }
  const wide = table(3000, 800, 3);
  const widePerms = conditionalPermutations(wide, planFolds(wide.target, 1), wide.features.map(() => null), 5);
  const wideRows = widePerms?.reduce((n, fold) => n + fold.positions.length, 0) ?? 0;
  assert.ok(wideRows * 800 * 2 <= PERMUTATION_MAX_CELLS + 800 * 2 * 5, `${wideRows} rows × 800 features × 2 outputs`);
  assert.equal(conditionalPermutations({ ...wide, features: [] }, planFolds(wide.target, 1), [], 5), null, 'no features, no tests');
});

test('strata of a partner with ties, signed zeros, infinities and missing cells: ranked by value, ties in row order, −0 as 0', () => {
  const rng = createRng(9);
  const levels = [0, -0, 1, Infinity, -Infinity, NaN];
  const input = table(1200, 2, 4);
  const partner = Float32Array.from({ length: input.rows }, () => levels[rng.int(levels.length)]);
  const tied: ModelInput = { ...input, features: [input.features[0], { name: 'tied', kind: 'numeric', values: partner }] };
  const plan = planFolds(tied.target, 6);
  const perms = conditionalPermutations(tied, plan, [1, null], 3);
  assert.ok(perms);
  perms.forEach((fold, f) => {
    const test = plan.folds[f].test;
    const value = (i: number): number => partner[test[fold.positions[i]]];
    const m = fold.positions.length;
    // The stated order: present values ascending (−0 equal to 0), equal values in scored-row order.
    const present = Array.from({ length: m }, (_, i) => i).filter((i) => value(i) === value(i));
    present.sort((a, b) => (value(a) === value(b) ? a - b : value(a) < value(b) ? -1 : 1));
    const count = Math.max(1, Math.floor(present.length / PERMUTATION_STRATUM_ROWS));
    const stratumOf = new Int32Array(m).fill(-1);
    present.forEach((i, rank) => (stratumOf[i] = Math.floor((rank * count) / present.length)));
    const positionOf = new Map(Array.from(fold.positions, (p, i) => [test[p], i]));
    const from = fold.swaps[0].from;
    for (let i = 0; i < m; i++) {
      const j = positionOf.get(from[i]) as number;
      assert.equal(stratumOf[j], stratumOf[i], `scored row ${i} takes its value from scored row ${j}, in another stratum`);
    }
    assert.ok(count > 3, 'several strata, cut through runs of ties');
  });
});

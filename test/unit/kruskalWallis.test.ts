import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { kruskalWallis } from '../../src/engine/stats/kruskalWallis';

const rel = (actual: number, expected: number, tol: number, what: string): void => {
  assert.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
};

/** Rows and group codes from values listed per group. */
const fromGroups = (...groups: number[][]): { values: number[]; codes: number[] } => ({
  values: groups.flat(),
  codes: groups.flatMap((g, k) => g.map(() => k)),
});

/**
 * 3000 rows, four groups shifted by 0.1 sd each, values rounded to one decimal (many ties), a NaN value every 97th
 * row and a missing group (−1) every 101st. The references come from dumping exactly these arrays and running
 * scipy.stats.kruskal(*[v[ok & (g == k)] for k in range(4)]) with ok = isfinite(v) & (g >= 0).
 */
function kwData(): { values: Float64Array; groups: Int32Array } {
  const rng = createRng(11);
  const n = 3000;
  const values = new Float64Array(n);
  const groups = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = rng.int(4);
    groups[i] = i % 101 === 0 ? -1 : g;
    values[i] = i % 97 === 0 ? NaN : Math.round((rng.normal() + 0.1 * g) * 10) / 10;
  }
  return { values, groups };
}

test('small cases match scipy.stats.kruskal, with and without ties', () => {
  // scipy.stats.kruskal([1, 2, 3], [4, 5, 6, 7], [2.5, 8])
  const a = fromGroups([1, 2, 3], [4, 5, 6, 7], [2.5, 8]);
  const r = kruskalWallis(a.values, a.codes, 3);
  rel(r.statistic, 4.311111111111117, 1e-14, 'H');
  rel(r.p, 0.11583881783440986, 1e-13, 'p');
  assert.equal(r.df, 2);
  assert.equal(r.n, 9);
  assert.equal(r.tieCorrection, 1);
  assert.equal(r.reason, null);
  rel(r.epsilonSquared, 4.311111111111117 / 8, 1e-14, 'ε²');
  // scipy.stats.kruskal([1, 1, 2, 2], [2, 3, 3], [3, 4, 4, 4]): tie-corrected
  const b = fromGroups([1, 1, 2, 2], [2, 3, 3], [3, 4, 4, 4]);
  const t = kruskalWallis(b.values, Int32Array.from(b.codes), 3);
  rel(t.statistic, 8.164251207729466, 1e-14, 'H with ties');
  rel(t.p, 0.01687156524690878, 1e-13, 'p with ties');
  assert.ok(t.tieCorrection < 1);
});

test('generated data with NaN values and missing groups matches scipy.stats.kruskal', () => {
  const { values, groups } = kwData();
  const r = kruskalWallis(values, groups, 4);
  rel(r.statistic, 45.70607973375825, 1e-12, 'H');
  rel(r.p, 6.549165727625955e-10, 1e-11, 'p');
  assert.equal(r.n, 2940);
  assert.deepEqual(r.groupSizes, [720, 747, 735, 738]);
  assert.equal(r.groups, 4);
  assert.equal(r.df, 3);
  rel(r.epsilonSquared, 0.01555157527518144, 1e-12, 'ε²');
  // The same with Float32 values gives the same ranks (one decimal survives the rounding to float).
  const f32 = kruskalWallis(Float32Array.from(values), groups, 4);
  rel(f32.statistic, r.statistic, 1e-12, 'float32');
});

test('an empty group is dropped from df: three groups used out of five codes', () => {
  const { values, groups } = kwData();
  // Group 2's rows lose their group; codes 2 and 4 are then empty. scipy.stats.kruskal(groups[0], groups[1], groups[3])
  const r = kruskalWallis(values, groups.map((g) => (g === 2 ? -1 : g)), 5);
  rel(r.statistic, 45.208875743834454, 1e-12, 'H');
  rel(r.p, 1.524113695797218e-10, 1e-11, 'p');
  assert.equal(r.df, 2);
  assert.equal(r.groups, 3);
  assert.deepEqual(r.groupSizes, [720, 747, 0, 738, 0]);
});

test('no test: one group, no rows, constant values — NaN with a reason', () => {
  const one = kruskalWallis([1, 2, 3], [0, 0, 0], 2);
  assert.ok(Number.isNaN(one.p) && Number.isNaN(one.statistic));
  assert.match(one.reason ?? '', /fewer than two/);
  assert.equal(one.df, 0);
  const empty = kruskalWallis([], [], 3);
  assert.ok(Number.isNaN(empty.p));
  assert.match(empty.reason ?? '', /no row/);
  const allMissing = kruskalWallis([NaN, Infinity, 2], [0, 1, -1], 2);
  assert.equal(allMissing.n, 0);
  const constant = kruskalWallis([5, 5, 5, 5], [0, 1, 0, 1], 2);
  assert.ok(Number.isNaN(constant.p));
  assert.equal(constant.tieCorrection, 0);
  assert.match(constant.reason ?? '', /same/);
});

test('invalid codes and mismatched lengths throw RangeError', () => {
  assert.throws(() => kruskalWallis([1, 2], [0, 2], 2), RangeError);
  assert.throws(() => kruskalWallis([1, 2], [0, 0.5], 2), RangeError);
  assert.throws(() => kruskalWallis([1, 2], [0], 2), RangeError);
  assert.throws(() => kruskalWallis([1], [0], -1), RangeError);
  // A NaN code is missing, not an error.
  assert.equal(kruskalWallis([1, 2, 3], [0, NaN, 1], 2).n, 2);
});

test('huge values: only the order matters, so scaling by 1e300 changes nothing', () => {
  const { values, groups } = kwData();
  const base = kruskalWallis(values, groups, 4);
  const huge = kruskalWallis(values.map((v) => v * 1e300), groups, 4);
  assert.equal(huge.statistic, base.statistic);
  const shifted = kruskalWallis(values.map((v) => v * 1e-300), groups, 4);
  assert.equal(shifted.statistic, base.statistic);
});

test('a million rows: value i in group i mod 2 gives H = 3/(n + 1) exactly', () => {
  // Ranks are i + 1; the groups' mean ranks are (n + 1)/2 ∓ ½, so Σ nᵢ(R̄ᵢ − (n + 1)/2)² = n/4 and
  // H = 12/(n(n + 1))·n/4 = 3/(n + 1).
  const n = 1_000_000;
  const values = new Float64Array(n);
  const groups = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    values[i] = i;
    groups[i] = i % 2;
  }
  const r = kruskalWallis(values, groups, 2);
  rel(r.statistic, 3 / (n + 1), 1e-9, 'H');
  assert.equal(r.n, n);
  assert.ok(r.p > 0.99);
});

test('float32 values with class codes (read in place) give what the general path gives, missing rows and bad codes included', () => {
  const values = [3.5, NaN, 1.25, 2, 2, Infinity, -1, 7, 7, 0.5, 4, 2];
  const codes = [0, 1, 1, -1, 0, 1, 1, 0, 1, 0, 1, 1];
  const inPlace = kruskalWallis(Float32Array.from(values), Int32Array.from(codes), 2);
  const general = kruskalWallis(Float64Array.from(values), Float64Array.from(codes), 2);
  assert.equal(inPlace.n, 9, 'NaN, ∞ and the code −1 are left out');
  assert.deepEqual(inPlace, general);
  assert.throws(() => kruskalWallis(Float32Array.of(1, 2, 3), Int32Array.of(0, 1, 2), 2), /row 2 has group code 2/);
});

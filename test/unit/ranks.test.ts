import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { twoGroupRanksInKernel } from '../../src/engine/stats/radixKernel';
import { averageRanks, groupRankSums, ranksWithTies, sortedWithTwoGroupRanks, sortedWithTwoGroupRanksJs, tieCorrection, tieCorrectionFromSum } from '../../src/engine/stats/ranks';
import { kruskalWallis, kruskalWallisFromRanks } from '../../src/engine/stats/kruskalWallis';
import { sortedPresent } from '../../src/engine/stats/summary';

test('average ranks and tie correction match scipy.stats.rankdata and tiecorrect', () => {
  const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
  // scipy.stats.rankdata(x)
  assert.deepEqual(Array.from(averageRanks(x)), [4.5, 1.5, 6, 1.5, 8, 11, 3, 10, 8, 4.5, 8]);
  // scipy.stats.tiecorrect(rankdata(x)) = 1 − (2·(2³ − 2) + (3³ − 3))/(11³ − 11) = 1 − 36/1320
  assert.equal(tieCorrection(x), 0.9727272727272728);
  assert.equal(tieCorrection(averageRanks(x)), 0.9727272727272728);
  const r = ranksWithTies(Float32Array.from(x));
  assert.equal(r.tieSum, 36);
  assert.equal(r.count, 11);
  assert.equal(tieCorrectionFromSum(r.tieSum, r.count), 0.9727272727272728);
});

test('NaN gets a NaN rank and is not counted; ±Infinity rank at the ends; −0 ties +0', () => {
  // scipy.stats.rankdata([2, nan, -1, 2, inf, -inf], nan_policy='omit')
  const r = averageRanks([2, NaN, -1, 2, Infinity, -Infinity]);
  assert.deepEqual(Array.from(r), [3.5, NaN, 2, 3.5, 5, 1]);
  assert.deepEqual(Array.from(averageRanks([0, -0, 1, -0])), [2, 2, 4, 2]);
  assert.equal(ranksWithTies([NaN, 1, NaN]).count, 1);
});

test('empty, single and constant input', () => {
  assert.equal(averageRanks([]).length, 0);
  assert.deepEqual(Array.from(averageRanks([42])), [1]);
  assert.deepEqual(Array.from(averageRanks([NaN, NaN])), [NaN, NaN]);
  assert.deepEqual(Array.from(averageRanks([7, 7, 7, 7])), [2.5, 2.5, 2.5, 2.5]);
  // scipy.stats.tiecorrect: 0 when every value is tied, 1 with fewer than two values.
  assert.equal(tieCorrection([1, 1, 1, 1]), 0);
  assert.equal(tieCorrection([7]), 1);
  assert.equal(tieCorrection([]), 1);
});

test('huge and tiny magnitudes rank by order alone', () => {
  const r = averageRanks([1e308, -1e308, 5e-324, 0, 1e308, -5e-324]);
  assert.deepEqual(Array.from(r), [5.5, 1, 4, 3, 5.5, 2]);
});

test('on 100 000 heavily tied values the binary-search ranks equal a direct count', () => {
  const rng = createRng(5);
  const n = 100_000;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.int(1000) / 10; // ~100 ties per value
  const r = averageRanks(x);
  // Reference: rank(v) = #{x < v} + (#{x = v} + 1)/2, from a histogram of the 1000 possible values.
  const counts = new Float64Array(1000);
  for (let i = 0; i < n; i++) counts[Math.round(x[i] * 10)]++;
  const below = new Float64Array(1000);
  for (let v = 1; v < 1000; v++) below[v] = below[v - 1] + counts[v - 1];
  for (let i = 0; i < n; i++) {
    const v = Math.round(x[i] * 10);
    assert.equal(r[i], below[v] + (counts[v] + 1) / 2);
  }
  let tieSum = 0;
  for (const t of counts) tieSum += t * t * t - t;
  assert.equal(ranksWithTies(x).tieSum, tieSum);
  // Ranks always sum to n(n + 1)/2.
  assert.equal(r.reduce((s, v) => s + v, 0), (n * (n + 1)) / 2);
});

test('the radix argsort agrees with a comparator sort on signed, subnormal, infinite and repeated values', () => {
  const rng = createRng(9);
  const specials = [0, -0, 5e-324, -5e-324, 2.2e-308, -1e-310, Infinity, -Infinity, 1e308, -1e308, 1, -1];
  const n = 20_000;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    x[i] = u < 0.2 ? specials[rng.int(specials.length)] : u < 0.3 ? NaN : (rng.normal() * 10 ** rng.int(20)) / 10 ** rng.int(20);
  }
  const r = averageRanks(x);
  // Reference: sort the non-NaN values with a comparator, then rank = #{< v} + (#{= v} + 1)/2 by scanning.
  const sorted = Array.from(x).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const rankOf = new Map<number, number>();
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    rankOf.set(sorted[i] === 0 ? 0 : sorted[i], (i + 1 + j) / 2);
    i = j;
  }
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(x[i])) assert.ok(Number.isNaN(r[i]));
    else assert.equal(r[i], rankOf.get(x[i] === 0 ? 0 : x[i]), `row ${i} (${x[i]})`);
  }
});

test('float32 values rank through their 32-bit keys exactly as the same values as doubles', () => {
  const rng = createRng(21);
  const values = Float32Array.from({ length: 5000 }, (_, i) => (i % 17 === 0 ? NaN : i % 13 === 0 ? -0 : i % 11 === 0 ? 0 : i % 101 === 0 ? Infinity : i % 103 === 0 ? -Infinity : Math.round(rng.normal() * 50) / 8));
  const a = ranksWithTies(values);
  const b = ranksWithTies(Float64Array.from(values));
  assert.deepEqual(Array.from(a.ranks), Array.from(b.ranks));
  assert.equal(a.tieSum, b.tieSum);
  assert.equal(a.count, b.count);
  assert.ok(a.tieSum > 0, 'the values have ties');
});

test('groupRankSums: each group sorted by itself and merged gives the rank sums and tie term of ranksWithTies, bit for bit', () => {
  const rng = createRng(19);
  for (const [n, k, levels] of [
    [50, 1, 5],
    [300, 2, 0],
    [9000, 2, 40], // heavy ties, radix-sorted groups
    [30_000, 2, 0], // no ties: each value takes the next rank in the two-group merge
    [30_000, 2, 20_000], // sparse ties between and within the two groups
    [20_000, 3, 0],
    [7000, 8, 12],
  ] as const) {
    const values = Float32Array.from({ length: n }, (_, i) => {
      if (i % 211 === 0) return -0;
      if (i % 223 === 0) return 0;
      return levels > 0 ? Math.floor(rng.next() * levels) - levels / 2 : rng.normal() * 1e3;
    });
    const codes = Int32Array.from({ length: n }, () => Math.floor(rng.next() * k));
    const { ranks, tieSum } = ranksWithTies(values);
    const expected = new Float64Array(k);
    for (let i = 0; i < n; i++) expected[codes[i]] += ranks[i];
    const got = groupRankSums(values, codes, k);
    assert.deepEqual(got.rankSums, expected, `n ${n}, ${k} groups`);
    assert.equal(got.tieSum, tieSum, `n ${n}, ${k} groups: tie term`);
  }
});

test('groupRankSums leaves out rows with a negative code or a value that is not finite, as if they were dropped', () => {
  const rng = createRng(23);
  const n = 12_000;
  const values = Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? NaN : i % 101 === 0 ? Infinity : i % 103 === 0 ? -Infinity : Math.round(rng.normal() * 300) / 10));
  const codes = Int32Array.from({ length: n }, (_, i) => (i % 89 === 0 ? -1 : Math.floor(rng.next() * 2)));
  const kept = [...values.keys()].filter((i) => codes[i] >= 0 && Number.isFinite(values[i]));
  const dropped = groupRankSums(Float32Array.from(kept, (i) => values[i]), Int32Array.from(kept, (i) => codes[i]), 2);
  const got = groupRankSums(values, codes, 2);
  assert.ok(kept.length < n - 300, 'some rows are missing');
  assert.deepEqual(got.rankSums, dropped.rankSums);
  assert.equal(got.tieSum, dropped.tieSum);
  // And the sums are those of every kept row's mid-rank.
  const { ranks, tieSum } = ranksWithTies(Float32Array.from(kept, (i) => values[i]));
  const expected = new Float64Array(2);
  kept.forEach((i, k) => (expected[codes[i]] += ranks[k]));
  assert.deepEqual(got.rankSums, expected);
  assert.equal(got.tieSum, tieSum);
});

test('groupRankSums with two groups: an empty group, one value everywhere, one group wholly below, ties in the tails', () => {
  const cases: [number[], number[]][] = [
    [[3, 1, 2, 2], [0, 0, 0, 0]],
    [[5, 5, 5, 5, 5], [0, 1, 0, 1, 1]],
    [[1, 2, 3, 10, 11, 12, 12], [0, 0, 0, 1, 1, 1, 1]],
    [[10, 11, 12, 1, 2, 2, 3], [0, 0, 0, 1, 1, 1, 1]],
    [[1, 1, 2, 9, 9, 9, 4, 4, 4, 0], [0, 1, 0, 0, 0, 1, 1, 1, 0, 1]],
  ];
  for (const [x, g] of cases) {
    const values = Float32Array.from(x);
    const codes = Int32Array.from(g);
    const { ranks, tieSum } = ranksWithTies(values);
    const expected = new Float64Array(2);
    for (let i = 0; i < x.length; i++) expected[codes[i]] += ranks[i];
    const got = groupRankSums(values, codes, 2);
    assert.deepEqual(got.rankSums, expected, `${x}`);
    assert.equal(got.tieSum, tieSum, `${x}: tie term`);
  }
});

test('one sort for the profile and a two-class rank test: sortedPresent and groupRankSums, bit for bit', () => {
  const rng = createRng(77);
  for (const [n, ties, missing] of [
    [20_000, false, false],
    [20_000, true, true],
    [3_000, true, false], // groups below the radix sort's minimum: the native sort path
    [50_001, false, true],
  ] as const) {
    const values = new Float32Array(n);
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = ties ? Math.round(rng.normal() * 4) / 2 + 0 : rng.normal() * 3 + (i % 3 === 0 ? 1 : 0);
      codes[i] = rng.next() < 0.4 ? 1 : 0;
      // A missing value may sit on any row, a labelled one or not: the test and the profile both leave it out.
      if (missing && i % 11 === 4) {
        values[i] = NaN;
        if (i % 2 === 0) codes[i] = -1;
      }
    }
    const shared = sortedWithTwoGroupRanks(values, codes);
    assert.ok(shared, `${n} rows`);
    const reference = groupRankSums(values, codes, 2);
    assert.deepEqual(Array.from(new Uint32Array(shared.sorted.buffer, shared.sorted.byteOffset, shared.sorted.length)), Array.from(new Uint32Array(sortedPresent(values).buffer, 0, shared.sorted.length)));
    assert.deepEqual(Array.from(shared.rankSums), Array.from(reference.rankSums));
    assert.equal(shared.tieSum, reference.tieSum);
    const kw = kruskalWallis(values, codes, 2);
    assert.deepEqual(kruskalWallisFromRanks(shared.sizes, shared.n, () => shared), kw);
  }
  // Where the two would differ, nothing is shared: a present value without a class, and −0.
  const values = Float32Array.from({ length: 100 }, (_, i) => i / 7);
  const codes = Int32Array.from({ length: 100 }, (_, i) => i % 2);
  assert.ok(sortedWithTwoGroupRanks(values, codes));
  assert.equal(sortedWithTwoGroupRanks(values, Int32Array.from(codes, (c, i) => (i === 50 ? -1 : c))), null);
  assert.equal(sortedWithTwoGroupRanks(Float32Array.from(values, (v, i) => (i === 3 ? -0 : v)), codes), null);
  assert.equal(sortedWithTwoGroupRanks(values, Int32Array.from(codes, (c, i) => (i === 9 ? 2 : c))), null);
});

test('sortedWithTwoGroupRanks on the WebAssembly kernel: the JavaScript result bit for bit, from 4,096 rows to a million, with tie groups whose t³ rounds', () => {
  const rng = createRng(23);
  for (const [n, kind] of [
    [4_096, 'noise'],
    [36_001, 'three levels'],
    [65_536, 'noise'],
    [200_003, 'three levels'], // tie groups of ~70,000: t³ ≈ 3e14·t, past 2^53
    [1 << 20, 'two peaks with missing'],
  ] as const) {
    const values = new Float32Array(n);
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      codes[i] = rng.next() < 0.45 ? 1 : 0;
      values[i] = kind === 'noise' ? rng.normal() : kind === 'three levels' ? Math.floor(rng.next() * 3) + 0 : (rng.next() < 0.5 ? 0 : 1) + rng.normal() * 0.01;
      if (kind === 'two peaks with missing' && i % 13 === 5) {
        values[i] = i % 2 ? NaN : Infinity;
        codes[i] = i % 3 === 0 ? -1 : codes[i];
      }
    }
    assert.notEqual(twoGroupRanksInKernel(values, codes), undefined, `${kind}: the kernel takes ${n} rows`);
    const got = sortedWithTwoGroupRanks(values, codes);
    const js = sortedWithTwoGroupRanksJs(values, codes);
    assert.ok(got && js, `${kind}: shared`);
    assert.deepEqual(new Uint32Array(got.sorted.buffer, got.sorted.byteOffset, got.n), new Uint32Array(js.sorted.buffer, js.sorted.byteOffset, js.n), kind);
    assert.deepEqual(Array.from(got.rankSums), Array.from(js.rankSums), kind);
    assert.equal(got.tieSum, js.tieSum, kind);
    assert.deepEqual(Array.from(got.sizes), Array.from(js.sizes), kind);
    assert.equal(got.n, js.n);
    if (kind === 'three levels') assert.deepEqual(Array.from(got.rankSums), Array.from(groupRankSums(values, codes, 2).rankSums));
  }
  // Where JavaScript shares nothing, neither does the kernel.
  const values = Float32Array.from({ length: 70_000 }, (_, i) => i / 7);
  const codes = Int32Array.from({ length: 70_000 }, (_, i) => i % 2);
  assert.ok(sortedWithTwoGroupRanks(values, codes));
  assert.equal(sortedWithTwoGroupRanks(values, Int32Array.from(codes, (c, i) => (i === 50 ? -1 : c))), null);
  assert.equal(sortedWithTwoGroupRanks(Float32Array.from(values, (v, i) => (i === 3 ? -0 : v)), codes), null);
  assert.equal(sortedWithTwoGroupRanks(values, Int32Array.from(codes, (c, i) => (i === 9 ? 2 : c))), null);
});

test("the kernel's sorted values are read before the next column's sort: a profile keeps nothing of them", async () => {
  const { profileFeatureRanked } = await import('../../src/engine/stats/profile');
  const rng = createRng(23);
  const n = 20_000;
  const codes = Int32Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
  // Two peaks and a spread: a profile with peaks, a histogram and a shape read from the sorted values.
  const column = (shift: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i % 2) + shift + rng.normal() * 0.05);
  const input = (values: Float32Array, index: number) => ({ index, name: `x${index}`, type: 'numeric' as const, typeEvidence: '', derivedFrom: null, values, categories: null });
  const a = column(0);
  const first = profileFeatureRanked(input(a, 0), codes);
  assert.ok(twoGroupRanksInKernel(a, codes) !== undefined, 'the kernel takes these columns');
  const kept = structuredClone(first);
  // The next column's sort fills the same memory; the first profile is unchanged, and equal to one made again.
  profileFeatureRanked(input(column(40), 1), codes);
  assert.deepEqual(first, kept);
  assert.deepEqual(profileFeatureRanked(input(a, 0), codes), kept);
  assert.ok(first.profile.modes.peaks.length === 2 && first.profile.stats.max !== null && first.profile.stats.max < 2, 'the first column\'s own values');
});

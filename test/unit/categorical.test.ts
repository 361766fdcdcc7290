import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { boundedEditDistance, findVariants, RARE_COUNT, RARE_SHARE, summariseCategories } from '../../src/engine/stats/categorical';
import { profileFeature } from '../../src/engine/stats/profile';
import { alertTable } from '../../src/engine/synth/alertTables';
import { mixedTypesTable } from '../../src/engine/synth/mixedTypes';
import { tableToCsv } from '../../src/engine/synth/tableOutput';
import { readBothPaths, tempFiles } from './support/tableFiles';
import type { TempFiles } from './support/tableFiles';

let files: TempFiles;
before(async () => {
  files = await tempFiles('categorical');
});
after(async () => {
  await files.remove();
});

/** −Σ p log2 p, written out. */
function entropy(counts: readonly number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log2(c / n);
  return h;
}

test('every level with its count and share, most frequent first, ties in level order; entropy by hand', () => {
  const s = summariseCategories(['red', 'green', 'blue', 'yellow'], [10, 30, 10, 50], 7);
  assert.deepEqual(
    s.levels.map((l) => [l.value, l.count, l.share]),
    [
      ['yellow', 50, 0.5],
      ['green', 30, 0.3],
      ['red', 10, 0.1],
      ['blue', 10, 0.1],
    ],
  );
  assert.equal(s.cardinality, 4);
  assert.equal(s.count, 100);
  assert.equal(s.missing, 7);
  assert.equal(s.mode, 'yellow');
  assert.equal(s.modeShare, 0.5);
  // −(0.5 log2 0.5 + 0.3 log2 0.3 + 2 · 0.1 log2 0.1) = 1.6854752972273344
  assert.ok(Math.abs(s.entropy - 1.6854752972273344) < 1e-12);
  assert.ok(Math.abs(s.entropy - entropy([10, 30, 10, 50])) < 1e-12);
  assert.ok(Math.abs(s.normalisedEntropy - 1.6854752972273344 / 2) < 1e-12);
  // Equally common levels: entropy log2 k, normalised 1.
  const even = summariseCategories(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], new Array(8).fill(25), 0);
  assert.ok(Math.abs(even.entropy - 3) < 1e-12);
  assert.ok(Math.abs(even.normalisedEntropy - 1) < 1e-12);
});

test('edge cases: no levels, a level without rows, a single level, huge counts', () => {
  const empty = summariseCategories([], [], 12);
  assert.deepEqual({ ...empty, levels: empty.levels.length }, { levels: 0, cardinality: 0, count: 0, missing: 12, entropy: 0, normalisedEntropy: 0, mode: null, modeShare: 0, rare: [], variants: [] });
  const unused = summariseCategories(['a', 'b'], [5, 0], 0);
  assert.deepEqual(unused.levels.map((l) => l.value), ['a'], 'a level no row holds is not listed');
  assert.equal(unused.cardinality, 1);
  assert.equal(unused.entropy, 0);
  assert.equal(unused.normalisedEntropy, 0);
  const huge = summariseCategories(['x', 'y'], [3e9, 1e9], 0);
  assert.equal(huge.levels[0].share, 0.75);
  assert.ok(Math.abs(huge.entropy - entropy([3, 1])) < 1e-12);
});

test('rare levels: under 1 % of the rows or under 5 rows, only with three levels or more and 20 rows or more', () => {
  assert.equal(RARE_SHARE, 0.01);
  assert.equal(RARE_COUNT, 5);
  // 1,000 rows: rare below max(10, 5) = 10 rows.
  const s = summariseCategories(['a', 'b', 'c', 'd', 'e'], [600, 381, 9, 10, 0], 0);
  assert.equal(s.count, 1000);
  assert.deepEqual(s.rare, ['c']);
  // 100 rows: below max(1, 5) = 5 rows.
  assert.deepEqual(summariseCategories(['a', 'b', 'c', 'd'], [50, 41, 4, 5], 0).rare, ['c']);
  assert.deepEqual(summariseCategories(['a', 'b'], [99, 1], 0).rare, [], 'two levels: imbalance, not rarity');
  assert.deepEqual(summariseCategories(['a', 'b', 'c'], [10, 8, 1], 0).rare, [], '19 rows: too few to call a level rare');
});

test('variants: case, spacing and one-edit misspellings of a more common level', () => {
  const rows = (pairs: [string, number][]): ReturnType<typeof summariseCategories>['levels'] => summariseCategories(pairs.map((p) => p[0]), pairs.map((p) => p[1]), 0).levels;
  const v = findVariants(
    rows([
      ['Dogs', 40],
      ['Cats', 35],
      ['Guinea pig', 20],
      ['DoGs', 2],
      ['Guinea-pig', 1],
      ['Dogz', 3],
      ['Catts', 1],
    ]),
  );
  assert.deepEqual(
    v.map((x) => [x.value, x.like, x.kind, x.distance]),
    [
      ['Dogz', 'Dogs', 'spelling', 1],
      ['DoGs', 'Dogs', 'case', 0],
      ['Guinea-pig', 'Guinea pig', 'whitespace', 0],
      ['Catts', 'Cats', 'spelling', 1],
    ],
  );
  // A misspelling must be much rarer than the word it resembles (at most a quarter as common): two real levels that
  // differ by a letter are not variants of each other.
  assert.deepEqual(findVariants(rows([['Mark', 40], ['Mary', 30]])), []);
  assert.deepEqual(findVariants(rows([['Mark', 40], ['Mary', 10]])).map((x) => x.value), ['Mary']);
  // Short words get no spelling tolerance; longer ones two edits.
  assert.deepEqual(findVariants(rows([['cat', 40], ['car', 1]])), []);
  assert.deepEqual(findVariants(rows([['Mercedes-Benz', 40], ['Mercedez-Bens', 1]])).map((x) => [x.kind, x.distance]), [['spelling', 2]]);
  // Case and spacing variants need no count ratio.
  assert.deepEqual(findVariants(rows([['dogs', 40], ['Dogs', 39]])).map((x) => x.kind), ['case']);
});

test('numbers are never variants of each other', () => {
  const s = summariseCategories(['12', '13', '1.5', '15', '120', '-12'], [40, 1, 1, 1, 1, 1], 0);
  assert.deepEqual(s.variants, []);
});

test(
  'codes that differ only in their digits are not misspellings',
  () => {
    const s = summariseCategories(['city12', 'city13', 'SKU-1041', 'SKU-1042'], [40, 3, 40, 2], 0);
    assert.deepEqual(s.variants, []);
  },
);

test('edit distance: Levenshtein known answers, and the bound', () => {
  assert.equal(boundedEditDistance('kitten', 'sitting', 5), 3);
  assert.equal(boundedEditDistance('flaw', 'lawn', 5), 2);
  assert.equal(boundedEditDistance('', 'abc', 5), 3);
  assert.equal(boundedEditDistance('same', 'same', 0), 0);
  assert.equal(boundedEditDistance('kitten', 'sitting', 2), 3, 'past the limit: limit + 1');
  assert.equal(boundedEditDistance('a', 'abcdef', 2), 3);
});

test('through the reader and the profile: a CSV column’s levels, counts and variants', async () => {
  const table = alertTable('categoryVariants', { rows: 400, seed: 1 });
  const d = await readBothPaths(await files.write('pets.csv', tableToCsv(table)));
  const j = d.names.indexOf('pet');
  const profile = profileFeature({ index: j, name: 'pet', type: d.types[j], typeEvidence: d.typeEvidence[j], derivedFrom: null, values: d.columns[j], categories: d.categories[j] });
  const summary = profile.categories;
  assert.ok(summary);
  const cells = table.columns.find((c) => c.name === 'pet')?.cells ?? [];
  for (const level of summary.levels) assert.equal(level.count, cells.filter((c) => c === level.value).length, level.value);
  assert.equal(summary.count, 400);
  assert.deepEqual(
    summary.variants.map((v) => [v.value, v.like, v.kind]).sort(),
    [
      ['DoGs', 'Dogs', 'case'],
      ['Dogz', 'Dogs', 'spelling'],
      ['Guinea-pig', 'Guinea pig', 'whitespace'],
    ],
  );
  assert.deepEqual([...summary.rare].sort(), ['DoGs', 'Dogz', 'Guinea-pig']);
  // A text column's profile is its level counts, not moments of arbitrary codes.
  assert.equal(profile.stats.mean, null);
  assert.equal(profile.shape, 'categorical');
  assert.equal(profile.stats.distinct, 6);
  // Integer codes keep their numeric summary.
  const mixed = await readBothPaths(await files.write('mixed.csv', tableToCsv(mixedTypesTable({ rows: 200, seed: 2 }))));
  const k = mixed.names.indexOf('code');
  const code = profileFeature({ index: k, name: 'code', type: mixed.types[k], typeEvidence: mixed.typeEvidence[k], derivedFrom: null, values: mixed.columns[k], categories: mixed.categories[k] });
  assert.ok(code.stats.mean !== null && code.stats.mean > 1 && code.stats.mean < 5);
  assert.deepEqual(code.categories?.levels.map((l) => l.value).sort(), ['1', '2', '3', '4', '5']);
});

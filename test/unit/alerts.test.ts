/**
 * Data-quality alerts (alerts/alerts.ts): each code fires on the known-answer table built to trigger it
 * (synth/tables.ts alertTable) and on no clean table. Tables go through a CSV and both readers, as a user's would.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Alert, AlertCode } from '../../src/engine/alerts/types';
import { HIGH_CORRELATION, LEAK_SCORE, MANY_ZEROS_SHARE, NEAR_CONSTANT_SHARE, SKEW_THRESHOLD } from '../../src/engine/alerts/alerts';
import { hashSlot, repeatedHashes } from '../../src/engine/alerts/rows';
import { rowHashes } from '../../src/engine/alerts/rowHash';
import { createRng } from '../../src/engine/random';
import type { Dataset } from '../../src/engine/dataset';
import { classLabel, inMemoryDataset } from '../../src/engine/dataset';
import { analyseDataset } from '../../src/engine/tasks/analyseFile';
import { alertTable, cleanTable } from '../../src/engine/synth/alertTables';
import type { AlertTableCode } from '../../src/engine/synth/alertTables';
import { withLabelCopy, withMissing, withSuspiciousClass } from '../../src/engine/synth/modifiers';
import { tableToCsv } from '../../src/engine/synth/tableOutput';
import { linearTable, regressionTable } from '../../src/engine/synth/tables';
import type { SynthTable } from '../../src/engine/synth/tables';
import { readBothPaths, tempFiles } from './support/tableFiles';
import type { TempFiles } from './support/tableFiles';

let files: TempFiles;
before(async () => {
  files = await tempFiles('alerts');
});
after(async () => {
  await files.remove();
});

const ROWS = 400;
let counter = 0;

async function read(table: SynthTable): Promise<Dataset> {
  return readBothPaths(await files.write(`a${counter++}.csv`, tableToCsv(table)));
}

/** Alerts need the profiles and the correlation matrix, not the label-aware models. */
function alertsOf(dataset: Dataset): Alert[] {
  return analyseDataset(dataset, { relevance: false, sparsity: false }).alerts;
}

async function alertsFor(table: SynthTable): Promise<Alert[]> {
  return alertsOf(await read(table));
}

function only(alerts: readonly Alert[], code: AlertCode): Alert {
  const found = alerts.filter((a) => a.code === code);
  assert.equal(found.length, 1, `${code}: ${alerts.map((a) => a.code).join(', ')}`);
  return found[0];
}

test('a clean table raises no alert and no warning', async () => {
  for (const seed of [1, 2, 3]) {
    const d = await read(cleanTable({ rows: ROWS, seed }));
    assert.deepEqual(d.warnings, []);
    assert.deepEqual(alertsOf(d), [], `seed ${seed}`);
  }
  // Nor do huge values: the same table scaled by 10^30.
  const t = cleanTable({ rows: ROWS, seed: 4 });
  const huge: SynthTable = { ...t, columns: t.columns.map((c) => ({ ...c, cells: c.cells.map((v) => (typeof v === 'number' ? v * 1e30 : v)) })) };
  assert.deepEqual(await alertsFor(huge), []);
});

/**
 * What each alert table raises: its own code, and the alerts that follow from the same defect (a "." class of one
 * row is also the smallest class; three misspelt levels of one row each are also rare levels).
 */
const EXPECTED: Record<AlertTableCode, AlertCode[]> = {
  duplicateRows: ['duplicateRows'],
  conflictingLabels: ['conflictingLabels'],
  constantColumn: ['constantColumn'],
  nearConstantColumn: ['nearConstantColumn'],
  identifierColumn: ['identifierColumn'],
  highCardinality: ['highCardinality', 'rareCategories'],
  highMissing: ['highMissing'],
  missingPredictsLabel: ['missingPredictsLabel'],
  imbalance: ['imbalance'],
  skewed: ['skewed'],
  manyZeros: ['manyZeros'],
  highCorrelation: ['highCorrelation'],
  identicalColumns: ['identicalColumns'],
  labelLeak: ['labelLeak'],
  labelSuspiciousClass: ['labelSuspiciousClass', 'imbalance'],
  rareCategories: ['rareCategories'],
  categoryVariants: ['categoryVariants', 'rareCategories'],
};

test('each alert fires on the table built to trigger it, with its numbers', async () => {
  const evidence: Partial<Record<AlertTableCode, (a: Alert, t: SynthTable) => void>> = {
    duplicateRows: (a) => {
      assert.equal(a.evidence.duplicates, 40);
      assert.equal(a.severity, 'warning', '10 % of the rows');
    },
    conflictingLabels: (a) => assert.deepEqual([a.evidence.rows, a.evidence.groups, a.columns], [10, 5, ['y']]),
    constantColumn: (a) => assert.deepEqual(a.columns, ['constant']),
    nearConstantColumn: (a) => assert.ok(Number(a.evidence.modeShare) >= NEAR_CONSTANT_SHARE && a.columns[0] === 'rarely_set'),
    identifierColumn: (a) => assert.match(a.message, /^"record" is an identifier \(400 distinct values in 400 non-missing rows\)/),
    highCardinality: (a, t) => assert.equal(a.evidence.cardinality, new Set(t.columns.find((c) => c.name === 'city')?.cells).size),
    highMissing: (a, t) => {
      const blank = t.columns.find((c) => c.name === 'x2')?.cells.filter((c) => c === null).length;
      assert.equal(a.evidence.missing, blank);
      assert.equal(a.severity, 'info', 'under half the rows');
    },
    missingPredictsLabel: (a) => assert.ok(a.columns[0] === 'x3' && Number(a.evidence.adjustedP) < 0.05),
    imbalance: (a, t) => assert.deepEqual([a.evidence.minority, a.evidence.minorityCount], ['yes', Array.from(t.label.codes ?? []).filter((k) => k === 1).length]),
    skewed: (a) => assert.ok(Number(a.evidence.skewness) > SKEW_THRESHOLD),
    manyZeros: (a) => assert.ok(Number(a.evidence.share) > MANY_ZEROS_SHARE && Number(a.evidence.share) < 0.8),
    highCorrelation: (a) => assert.ok(a.columns.includes('x1_copy') && Number(a.evidence.r) >= HIGH_CORRELATION),
    identicalColumns: (a) => assert.deepEqual(a.columns, ['x2', 'x2_again']),
    labelLeak: (a) => {
      assert.deepEqual(a.columns, ['outcome_flag', 'y']);
      assert.equal(a.evidence.score, 1);
      assert.equal(a.severity, 'error');
    },
    labelSuspiciousClass: (a) => {
      assert.deepEqual([a.evidence.class, a.evidence.count, a.severity], ['.', 1, 'error']);
      assert.match(a.message, /looks like a missing-value marker/);
    },
    rareCategories: (a) => assert.match(a.message, /"plan" has 2 rare level\(s\).*"(platinum|diamond)", "(platinum|diamond)"/),
    categoryVariants: (a) => assert.match(a.message, /"DoGs" ~ "Dogs" \(case\)/),
  };
  for (const code of Object.keys(EXPECTED) as AlertTableCode[]) {
    const table = alertTable(code, { rows: ROWS, seed: 1 });
    const alerts = await alertsFor(table);
    const codes = [...new Set(alerts.map((a) => a.code))].sort();
    if (code !== 'highCardinality') assert.deepEqual(codes, [...EXPECTED[code]].sort(), code);
    const a = only(alerts, code);
    assert.ok(a.message.length > 20 && !/NaN|undefined/.test(a.message), `${code}: ${a.message}`);
    evidence[code]?.(a, table);
  }
});

test(
  'a column of 80 city codes is high-cardinality, not misspelt',
  async () => {
    const codes = [...new Set((await alertsFor(alertTable('highCardinality', { rows: ROWS, seed: 1 }))).map((a) => a.code))].sort();
    assert.deepEqual(codes, ['highCardinality', 'rareCategories']);
  },
);

test('missingness that depends on the label is flagged; missing completely at random is not (10 seeds each, counted)', async () => {
  let informative = 0;
  let random = 0;
  for (let seed = 1; seed <= 10; seed++) {
    const base = cleanTable({ rows: ROWS, seed });
    if ((await alertsFor(withMissing(base, 'x3', { seed, share: 0.02, informativeShare: 0.3 }))).some((a) => a.code === 'missingPredictsLabel')) informative++;
    if ((await alertsFor(withMissing(base, 'x3', { seed, share: 0.15 }))).some((a) => a.code === 'missingPredictsLabel')) random++;
  }
  assert.equal(informative, 10, 'a 30 % vs 2 % missing rate by class is found every time');
  // The test runs at 5 % (one candidate column, so BH is a plain 5 % test): P(3 or more of 10) ≈ 1 % when it is right.
  assert.ok(random <= 2, `MCAR flagged in ${random} of 10 seeds`);
  // A numeric target: missing above the median.
  const reg = withMissing(regressionTable({ rows: ROWS, seed: 1 }), 'x1', { seed: 1, share: 0.02, informativeShare: 0.3 });
  assert.equal(only(await alertsFor(reg), 'missingPredictsLabel').evidence.missing, reg.columns[0].cells.filter((c) => c === null).length);
});

test('a "." in a numeric label is a missing label, not a suspicious class', async () => {
  const dotted = withSuspiciousClass(linearTable({ rows: ROWS, seed: 3 }), 1);
  const d = await read(dotted);
  assert.equal(d.label?.missing, 1);
  assert.deepEqual(d.label?.classes, ['0', '1']);
  assert.ok(!alertsOf(d).some((a) => a.code === 'labelSuspiciousClass'));
});

test(
  'a copy of a numeric target leaks it',
  async () => {
    for (const rows of [ROWS, 1000]) {
      const leak = only(await alertsFor(withLabelCopy(regressionTable({ rows, seed: 2 }), 'copy')), 'labelLeak');
      assert.ok(Number(leak.evidence.score) >= LEAK_SCORE);
    }
  },
);

test('edge cases: an empty in-memory table and a single row raise only what is true of them', () => {
  const empty = inMemoryDataset({ names: ['a'], columns: [new Float32Array(0)], label: classLabel('y', new Int32Array(0), ['0', '1']) });
  const alerts = alertsOf(empty);
  assert.deepEqual(alerts.map((a) => [a.code, a.message]), [['constantColumn', '"a" has no values at all']]);
  const one = inMemoryDataset({ names: ['a'], columns: [Float32Array.of(1.5)], label: classLabel('y', Int32Array.of(1), ['0', '1']) });
  assert.ok(!alertsOf(one).some((a) => a.code === 'duplicateRows' || a.code === 'labelLeak' || a.code === 'missingPredictsLabel'));
});

test('duplicate rows: every NaN bit pattern is one missing value and −0 is 0, as the hash reads the float32 bits in place', () => {
  const nanPayload = new Float32Array(new Uint32Array([0x7fa00001]).buffer)[0];
  const a = Float32Array.from({ length: 40 }, (_, i) => i);
  const b = Float32Array.from({ length: 40 }, (_, i) => (i % 5) / 7);
  // Rows 30–32 repeat rows 0–2 with another NaN payload, −0 for 0 and −NaN.
  b[0] = NaN;
  b[30] = nanPayload;
  a[30] = 0;
  a[1] = 0;
  a[31] = -0;
  b[31] = b[1];
  b[2] = NaN;
  b[32] = -NaN;
  a[32] = 2;
  const dataset = inMemoryDataset({ path: 't', names: ['a', 'b'], columns: [a, b] });
  const dup = alertsOf(dataset).find((x) => x.code === 'duplicateRows');
  assert.equal(dup?.evidence.duplicates, 3, JSON.stringify(dup?.evidence));
});

test('repeated row hashes: the hash table finds exactly the values a sort finds repeated, low-bit collisions included', () => {
  const rng = createRng(21);
  const n = 50_000;
  const hashes = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    // Mostly distinct 53-bit values; some repeated; some equal in their low 32 bits only (one table slot, a probe chain).
    hashes[i] = u < 0.1 ? hashes[rng.int(Math.max(1, i))] : u < 0.2 ? rng.int(64) * 4294967296 + 12345 : Math.floor(rng.next() * 2 ** 53);
  }
  const sorted = Float64Array.from(hashes).sort();
  const expected = new Set<number>();
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) expected.add(sorted[i]);
  const got = repeatedHashes(hashes);
  assert.ok(expected.size > 1000);
  assert.deepEqual([...got].sort((a, b) => a - b), [...expected].sort((a, b) => a - b));
  assert.equal(repeatedHashes(new Float64Array(0)).size, 0);
  assert.equal(repeatedHashes(Float64Array.of(7)).size, 0);
  // Every row distinct (nothing passes the slot counts' filter, or only collisions do), and every row the same.
  assert.equal(repeatedHashes(Float64Array.from({ length: 100_000 }, (_, i) => i * 2654435761 + 1)).size, 0);
  assert.deepEqual([...repeatedHashes(new Float64Array(70_000).fill(2 ** 40 + 3))], [2 ** 40 + 3]);
});

test('row-hash slots spread the rows of a table of small integers (whose hashes share their low bits)', () => {
  const rng = createRng(8);
  const n = 40_000;
  // Like the UCI shuttle table: a few integer-valued features, many rows repeated.
  const columns = Array.from({ length: 6 }, () => Float32Array.from({ length: n }, () => rng.int(60) - 20));
  const hashes = rowHashes(columns, n);
  const distinct = new Set(hashes);
  let bits = 4;
  while (2 ** bits < 2 * n) bits++;
  const slots = new Set([...distinct].map((h) => hashSlot(h, 32 - bits)));
  assert.ok(distinct.size > 30_000);
  // A random function into 2^bits slots at this load fills about 80 % of them with distinct keys.
  assert.ok(slots.size > 0.7 * distinct.size, `${slots.size} slots for ${distinct.size} hashes`);
});

test('duplicate rows and conflicting labels on a table of small integers are the exact counts (as pandas duplicated() counts them)', () => {
  const rng = createRng(13);
  const base = 20_000;
  const rows: number[][] = Array.from({ length: base }, () => Array.from({ length: 6 }, () => rng.int(60) - 20));
  const labels: number[] = rows.map(() => rng.int(2));
  // 300 exact copies (label too), and 120 copies of the features with the other label.
  for (let k = 0; k < 300; k++) {
    const r = rng.int(base);
    rows.push([...rows[r]]);
    labels.push(labels[r]);
  }
  for (let k = 0; k < 120; k++) {
    const r = rng.int(base);
    rows.push([...rows[r]]);
    labels.push(1 - labels[r]);
  }
  const n = rows.length;
  // The reference: rows as text keys, counted the way pandas' duplicated() does (an earlier identical row).
  const seen = new Set<string>();
  let duplicates = 0;
  const classes = new Map<string, Set<number>>();
  for (let i = 0; i < n; i++) {
    const features = rows[i].join(',');
    const key = `${features}|${labels[i]}`;
    if (seen.has(key)) duplicates++;
    else seen.add(key);
    classes.set(features, (classes.get(features) ?? new Set<number>()).add(labels[i]));
  }
  const conflicted = [...classes].filter(([, set]) => set.size > 1).map(([features]) => features);
  const conflictRows = rows.filter((r) => conflicted.includes(r.join(','))).length;
  const columns = Array.from({ length: 6 }, (_, c) => Float32Array.from(rows, (r) => r[c]));
  const dataset = inMemoryDataset({ path: 'ints', names: columns.map((_, c) => `x${c}`), columns, label: classLabel('y', Int32Array.from(labels), ['0', '1']) });
  const alerts = alertsOf(dataset);
  assert.equal(only(alerts, 'duplicateRows').evidence.duplicates, duplicates);
  assert.ok(duplicates >= 300 && duplicates < 310);
  assert.deepEqual([only(alerts, 'conflictingLabels').evidence.groups, only(alerts, 'conflictingLabels').evidence.rows], [conflicted.length, conflictRows]);
  // Without the copies, nothing repeats: no alert claims a duplicate that is not there.
  const distinct = inMemoryDataset({ path: 'ints', names: columns.map((_, c) => `x${c}`), columns: columns.map((c) => c.slice(0, base)), label: classLabel('y', Int32Array.from(labels.slice(0, base)), ['0', '1']) });
  const naturally = (() => {
    const keys = new Set(rows.slice(0, base).map((r, i) => `${r.join(',')}|${labels[i]}`));
    return base - keys.size;
  })();
  const none = alertsOf(distinct).filter((a) => a.code === 'duplicateRows');
  assert.equal(none.length === 0 ? 0 : none[0].evidence.duplicates, naturally);
});

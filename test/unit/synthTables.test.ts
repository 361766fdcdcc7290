import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pearsonR } from '../../src/engine/stats/pearson';
import { alertTable, cleanTable } from '../../src/engine/synth/alertTables';
import { mixedTypesTable } from '../../src/engine/synth/mixedTypes';
import {
  NA_MARKERS,
  withConflictingRows,
  withDuplicateRows,
  withLabelCopy,
  withMarkers,
  withMissing,
  withNearCopy,
  withNoiseLabel,
  withShuffledCopy,
  withSuspiciousClass,
} from '../../src/engine/synth/modifiers';
import { tableToCsv, tableToDataset } from '../../src/engine/synth/tableOutput';
import { linearTable, multiclassTable, parityTable, pureNoiseTable, regressionTable, thresholdTable, xorTable } from '../../src/engine/synth/tables';
import type { SynthTable } from '../../src/engine/synth/tables';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import { readBothPaths, tempFiles } from './support/tableFiles';
import type { TempFiles } from './support/tableFiles';

let files: TempFiles;
before(async () => {
  files = await tempFiles('tables');
});
after(async () => {
  await files.remove();
});

function numbers(table: SynthTable, name: string): number[] {
  const c = table.columns.find((x) => x.name === name);
  assert.ok(c, name);
  return c.cells.map((v) => (typeof v === 'number' ? v : NaN));
}

function labels(table: SynthTable): number[] {
  return Array.from(table.label.codes ?? [], (k) => k);
}

/** Ordinary least squares with an intercept by the normal equations (Gauss–Jordan with partial pivoting). */
function ols(xs: number[][], y: ArrayLike<number>): number[] {
  const p = xs.length + 1;
  const n = y.length;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  const row = (i: number): number[] => [1, ...xs.map((x) => x[i])];
  for (let i = 0; i < n; i++) {
    const r = row(i);
    for (let u = 0; u < p; u++) {
      for (let v = 0; v < p; v++) a[u][v] += r[u] * r[v];
      a[u][p] += r[u] * y[i];
    }
  }
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= p; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((r, c) => r[p] / a[c][c]);
}

test('every generator: the same seed gives the same table, another seed another table, and the truth names real columns', () => {
  const makers: ((seed: number) => SynthTable)[] = [
    (seed) => linearTable({ rows: 300, seed }),
    (seed) => xorTable({ rows: 300, seed }),
    (seed) => parityTable({ n: 6, rows: 300, seed }),
    (seed) => thresholdTable({ rows: 300, seed }),
    (seed) => multiclassTable({ rows: 300, seed }),
    (seed) => regressionTable({ rows: 300, seed }),
    (seed) => pureNoiseTable({ rows: 300, seed }),
    (seed) => mixedTypesTable({ rows: 300, seed }),
    (seed) => cleanTable({ rows: 300, seed }),
  ];
  for (const make of makers) {
    const a = make(5);
    const b = make(5);
    const c = make(6);
    assert.deepEqual(a, b, a.truth.generator);
    assert.notDeepEqual(a.columns, c.columns, a.truth.generator);
    const names = a.columns.map((x) => x.name);
    assert.equal(new Set(names).size, names.length, `${a.truth.generator}: unique names`);
    for (const x of a.columns) assert.equal(x.cells.length, a.rows, `${a.truth.generator}: ${x.name}`);
    for (const name of [...a.truth.relevant, ...a.truth.independent]) assert.ok(names.includes(name), `${a.truth.generator}: ${name}`);
    assert.ok(!a.truth.relevant.some((r) => a.truth.independent.includes(r)), `${a.truth.generator}: relevant and independent overlap`);
    // Every column is in exactly one of the two lists (the label depends on it or it is independent), except the
    // columns the reader excludes, which are in neither unless the design says so.
    for (const x of a.columns) {
      if (x.role === 'identifier' || x.role === 'text') continue;
      assert.equal(a.truth.relevant.includes(x.name), x.carries, `${a.truth.generator}: ${x.name}`);
    }
    const labelLength = a.label.codes?.length ?? a.label.target?.length;
    assert.equal(labelLength, a.rows);
    assert.ok(a.truth.ceiling > 0 && a.truth.ceiling <= 1, `${a.truth.generator}: ceiling ${a.truth.ceiling}`);
  }
});

test('generators refuse an empty table and a multi-class label with fewer than four classes', () => {
  assert.throws(() => linearTable({ rows: 0, seed: 1 }), /linearTable: rows must be an integer ≥ 1, got 0/);
  assert.throws(() => regressionTable({ rows: 2.5, seed: 1 }), /rows must be an integer ≥ 1/);
  assert.throws(() => multiclassTable({ rows: 100, seed: 1, classes: 3 }), /classes must be an integer in 4\.\.8/);
  assert.throws(() => tableToCsv(linearTable({ rows: 5, seed: 1 }), { decimalComma: true }), /decimal comma needs a delimiter other than ","/);
});

test('linear: each coefficient has the sign of its column’s correlation with the label; the noise columns have none', () => {
  const t = linearTable({ rows: 4000, seed: 11, coefficients: [1.5, -1, 0.5, 0] });
  const y = labels(t);
  for (const [name, beta] of Object.entries(t.truth.coefficients ?? {})) {
    const r = pearsonR(numbers(t, name), y);
    // Standard error of r near 0 with 4000 rows: 1/√4000 ≈ 0.016; 4 SE is a bound no seed should cross by chance.
    if (beta === 0) assert.ok(Math.abs(r) < 0.064, `${name}: r = ${r}`);
    else assert.equal(Math.sign(r), Math.sign(beta), `${name}: r = ${r}`);
  }
  assert.deepEqual(t.truth.relevant, ['x1', 'x2', 'x3']);
  assert.deepEqual(t.truth.independent, ['x4', 'n1', 'n2']);
  // Bayes accuracy of σ(1.5 x1 − x2 + 0.5 x3): the score is N(0, 3.5); E max(p, 1 − p) ≈ 0.79 (numerically).
  assert.ok(Math.abs(t.truth.ceiling - 0.79) < 0.02, String(t.truth.ceiling));
});

test('XOR: neither feature is correlated with the label alone, yet the XOR of their signs is right on 1 − flip of the rows', () => {
  const t = xorTable({ rows: 4000, seed: 12, flip: 0.1 });
  const y = labels(t);
  const x1 = numbers(t, 'x1');
  const x2 = numbers(t, 'x2');
  assert.ok(Math.abs(pearsonR(x1, y)) < 0.064);
  assert.ok(Math.abs(pearsonR(x2, y)) < 0.064);
  let agree = 0;
  for (let i = 0; i < t.rows; i++) if (((x1[i] > 0 ? 1 : 0) ^ (x2[i] > 0 ? 1 : 0)) === y[i]) agree++;
  // Binomial(4000, 0.9): SE 0.0047; 4 SE.
  assert.ok(Math.abs(agree / t.rows - 0.9) < 0.019, String(agree / t.rows));
  assert.equal(t.truth.ceiling, 0.9);
});

test('parity: the Kryptonite construction itself, with its relevant set and its noiseless agreement as the ceiling', () => {
  const t = parityTable({ n: 6, rows: 500, seed: 3 });
  const d = generateKryptonite({ n: 6, rows: 500, seed: 3 });
  assert.deepEqual(labels(t), Array.from(d.labels));
  assert.deepEqual(t.truth.relevant, d.truth.relevant.map((j) => d.names[j]));
  assert.deepEqual(t.truth.shapes, d.truth.shapes);
  assert.equal(t.truth.ceiling, d.truth.parityAccuracy);
  assert.deepEqual(numbers(t, 'x1'), Array.from(d.columns[0]));
});

test('threshold: the label is [x1 > t] on 1 − flip of the rows', () => {
  const t = thresholdTable({ rows: 3000, seed: 4, threshold: 0.5, flip: 0.05 });
  const x1 = numbers(t, 'x1');
  const y = labels(t);
  let agree = 0;
  for (let i = 0; i < t.rows; i++) if ((x1[i] > 0.5 ? 1 : 0) === y[i]) agree++;
  assert.ok(Math.abs(agree / t.rows - 0.95) < 0.016, String(agree / t.rows));
});

test('multi-class: at least four text classes, each present, and the Bayes accuracy well above chance', () => {
  const t = multiclassTable({ rows: 2000, seed: 5, classes: 5 });
  assert.equal(t.label.task, 'multiclass');
  assert.deepEqual(t.label.classes, ['alpha', 'beta', 'gamma', 'delta', 'epsilon']);
  const counts = new Array<number>(5).fill(0);
  for (const k of labels(t)) counts[k]++;
  for (const c of counts) assert.ok(c > 150, String(counts));
  assert.ok(t.truth.ceiling > 0.5 && t.truth.ceiling < 1, String(t.truth.ceiling));
});

test('regression: least squares recovers the known coefficients, and the R² ceiling is Σβ² / (Σβ² + σ²)', () => {
  const beta = [2, -1, 0.5, 0, 0];
  const t = regressionTable({ rows: 4000, seed: 6, coefficients: beta, noiseSd: 1, intercept: 10 });
  const xs = beta.map((_, j) => numbers(t, `x${j + 1}`));
  const fit = ols(xs, t.label.target as Float64Array);
  // Coefficient SE ≈ σ/√n = 0.016; 5 SE.
  assert.ok(Math.abs(fit[0] - 10) < 0.08, `intercept ${fit[0]}`);
  beta.forEach((b, j) => assert.ok(Math.abs(fit[j + 1] - b) < 0.08, `x${j + 1}: ${fit[j + 1]} vs ${b}`));
  assert.equal(t.truth.ceiling, 5.25 / 6.25);
  assert.deepEqual(t.truth.relevant, ['x1', 'x2', 'x3']);
  assert.deepEqual(t.truth.independent, ['x4', 'x5']);
});

test('mixed types: every spelling the reader must recognise is there', () => {
  const t = mixedTypesTable({ rows: 400, seed: 7 });
  const cells = (name: string): Set<unknown> => new Set(t.columns.find((c) => c.name === name)?.cells);
  assert.deepEqual([...cells('flag_tf')].sort(), ['FALSE', 'TRUE']);
  assert.deepEqual([...cells('flag_yn')].sort(), ['no', 'yes']);
  assert.deepEqual([...cells('flag_y')].sort(), ['n', 'y']);
  assert.deepEqual([...cells('bin')].sort(), [0, 1]);
  assert.deepEqual([...cells('code')].sort(), [1, 2, 3, 4, 5]);
  assert.deepEqual([...cells('colour')].sort(), ['blue', 'green', 'red', 'yellow']);
  for (const d of cells('date_iso')) assert.match(String(d), /^202[12]-\d\d-\d\d$/);
  for (const d of cells('date_dmy')) assert.match(String(d), /^\d{1,2}\/\d{1,2}\/202[12]$/);
  assert.ok([...cells('date_dmy')].some((d) => Number(String(d).split('/')[0]) > 12), 'some day above 12, so day-first is decidable');
  assert.equal(cells('customer').size, 400);
  assert.equal(cells('PassengerId').size, 400);
  assert.deepEqual([...cells('line')], Array.from({ length: 400 }, (_, i) => i + 1));
  // The seasonal effect is real: summer rows are class 1 more often than winter rows.
  const dates = t.columns.find((c) => c.name === 'date_iso')?.cells ?? [];
  const y = labels(t);
  const rate = (months: number[]): number => {
    let n = 0;
    let ones = 0;
    dates.forEach((d, i) => {
      if (months.includes(Number(String(d).slice(5, 7)))) (n++, (ones += y[i]));
    });
    return ones / n;
  };
  assert.ok(rate([6, 7, 8]) > rate([12, 1, 2]) + 0.15, `${rate([6, 7, 8])} vs ${rate([12, 1, 2])}`);
});

test('defects: near copy, shuffled copy, duplicates, conflicts, missingness, markers, a "." class, a label copy, a noise label', () => {
  const base = linearTable({ rows: 2000, seed: 8 });
  const x1 = numbers(base, 'x1');

  const near = withNearCopy(base, 'x1', 'x1_near', 1);
  assert.ok(pearsonR(x1, numbers(near, 'x1_near')) > 0.9999);
  assert.notDeepEqual(numbers(near, 'x1_near'), x1);
  assert.ok(!near.truth.independent.includes('x1_near'));

  const shuffled = withShuffledCopy(base, 'x1', 'x1_shuffled', 2);
  const s = numbers(shuffled, 'x1_shuffled');
  assert.deepEqual([...s].sort((a, b) => a - b), [...x1].sort((a, b) => a - b), 'the same values');
  assert.ok(Math.abs(pearsonR(s, x1)) < 0.09, 'in another order');
  assert.ok(shuffled.truth.independent.includes('x1_shuffled'));

  const dup = withDuplicateRows(base, 50, 3);
  assert.equal(dup.rows, 2050);
  for (let i = 2000; i < 2050; i++) {
    const match = Array.from({ length: 2000 }, (_, r) => r).find((r) => dup.columns.every((c) => c.cells[r] === c.cells[i]) && dup.label.codes?.[r] === dup.label.codes?.[i]);
    assert.notEqual(match, undefined, `row ${i} repeats an earlier row`);
  }

  const conflict = withConflictingRows(base, 5, 4);
  assert.equal(conflict.rows, 2005);
  for (let i = 2000; i < 2005; i++) {
    const twin = Array.from({ length: 2000 }, (_, r) => r).find((r) => conflict.columns.every((c) => c.cells[r] === c.cells[i]));
    assert.notEqual(twin, undefined);
    assert.notEqual(conflict.label.codes?.[twin as number], conflict.label.codes?.[i]);
  }

  const mcar = withMissing(base, 'x2', { seed: 5, share: 0.2 });
  const blanks = numbers(mcar, 'x2').filter((v) => Number.isNaN(v)).length;
  assert.ok(Math.abs(blanks / 2000 - 0.2) < 0.036, String(blanks)); // 4 SE of Binomial(2000, 0.2)
  const informative = withMissing(base, 'x2', { seed: 5, share: 0.02, informativeShare: 0.4 });
  const y = labels(base);
  const missingRate = (cls: number): number => {
    const rows = y.map((k, i) => (k === cls ? i : -1)).filter((i) => i >= 0);
    return rows.filter((i) => informative.columns[1].cells[i] === null).length / rows.length;
  };
  assert.ok(missingRate(1) > 0.3 && missingRate(0) < 0.05, `${missingRate(1)} / ${missingRate(0)}`);

  const marked = withMarkers(base, 'x3', 6, 0.1);
  const written = marked.columns[2].cells.filter((c) => typeof c === 'string');
  assert.ok(written.length > 120 && written.length < 280, String(written.length));
  assert.deepEqual([...new Set(written)].sort(), [...NA_MARKERS].sort());

  const dot = withSuspiciousClass(base, 7);
  assert.deepEqual(dot.label.classes, ['0', '1', '.']);
  assert.equal(labels(dot).filter((k) => k === 2).length, 1);
  assert.equal(dot.label.task, 'multiclass');

  const leak = withLabelCopy(cleanTable({ rows: 50, seed: 1 }), 'copy');
  assert.deepEqual(leak.columns.at(-1)?.cells, labels(leak).map((k) => leak.label.classes[k]));
  assert.equal(leak.columns.at(-1)?.expectedType, 'boolean', 'no/yes is a boolean vocabulary');

  const noise = withNoiseLabel(base, 9);
  assert.deepEqual(noise.truth.relevant, []);
  assert.equal(noise.truth.ceiling, 0.5);
  assert.ok(Math.abs(pearsonR(x1, labels(noise))) < 0.09);
});

test('alert tables: the clean table plus exactly one added defect, named in the truth', () => {
  const clean = cleanTable({ rows: 200, seed: 1 });
  const cases = ['constantColumn', 'skewed', 'manyZeros', 'highCardinality', 'rareCategories', 'categoryVariants', 'identifierColumn', 'labelLeak'] as const;
  for (const code of cases) {
    const t = alertTable(code, { rows: 200, seed: 1 });
    assert.equal(t.truth.alert, code);
    assert.equal(t.columns.length, clean.columns.length + 1, code);
    assert.deepEqual(t.columns.slice(0, clean.columns.length), clean.columns, code);
  }
  assert.equal(alertTable('duplicateRows', { rows: 200, seed: 1 }).rows, 220);
  const imbalanced = alertTable('imbalance', { rows: 330, seed: 1 });
  assert.equal(labels(imbalanced).filter((k) => k === 1).length, 10);
});

async function assertRoundTrip(t: SynthTable, name: string, options: Parameters<typeof tableToCsv>[1]): Promise<void> {
  const memory = tableToDataset(t);
  const read = await readBothPaths(await files.write(name, tableToCsv(t, options)));
  assert.deepEqual(read.names, memory.names, t.truth.generator);
  read.columns.forEach((c, j) => assert.deepEqual(Array.from(c), Array.from(memory.columns[j]), `${t.truth.generator} ${name} ${read.names[j]}`));
  assert.equal(read.label?.task, t.label.task, `${t.truth.generator} ${name}`);
  assert.deepEqual(read.label?.classes, memory.label?.classes);
  assert.deepEqual(Array.from(read.label?.values ?? []), Array.from(memory.label?.values ?? []));
  assert.deepEqual(read.label?.target && Array.from(read.label.target), memory.label?.target && Array.from(memory.label.target));
}

test('CSV round trip: the reader gives the in-memory dataset bit for bit, label included', async () => {
  for (const t of [linearTable({ rows: 200, seed: 1 }), regressionTable({ rows: 200, seed: 2 }), multiclassTable({ rows: 200, seed: 3 })]) {
    await assertRoundTrip(t, 'comma.csv', {});
  }
});

test('CSV round trip through a ";" file with decimal commas (class labels: the label is text either way)', async () => {
  for (const t of [linearTable({ rows: 200, seed: 1 }), multiclassTable({ rows: 200, seed: 3 })]) {
    await assertRoundTrip(t, 'semicolon.csv', { delimiter: ';', decimalComma: true });
  }
});

// The regression case of the same round trip (a target written with decimal commas) is in labelTask.test.ts.

test('CSV writing: texts with the delimiter or quotes are quoted, empty cells stay empty, the label can go first or be left out', () => {
  const t: SynthTable = {
    ...cleanTable({ rows: 3, seed: 1 }),
    columns: [{ name: 'note', cells: ['a,b', 'say "hi"', null], role: 'text', carries: false, how: '', expectedType: 'text' }],
  };
  const text = tableToCsv(t);
  assert.equal(text.split('\n')[0], 'note,y');
  assert.equal(text.split('\n')[1].split(',').slice(0, 2).join(','), '"a,b"');
  assert.ok(text.includes('"say ""hi"""'));
  assert.match(text.split('\n')[3], /^,(no|yes)$/);
  assert.match(tableToCsv(t, { labelFirst: true }).split('\n')[0], /^y,note$/);
  assert.equal(tableToCsv(t, { withoutLabel: true }).split('\n')[0], 'note');
});

test('in memory: text columns become categorical with levels in order of first appearance; excluded types are left out', () => {
  const t = mixedTypesTable({ rows: 100, seed: 2 });
  const d = tableToDataset(t);
  assert.deepEqual(d.names, ['num', 'bin', 'code', 'colour', 'flag_tf', 'flag_yn', 'flag_y', 'noise']);
  const colour = d.categories[3];
  assert.ok(colour);
  const firstSeen = [...new Set(t.columns[3].cells)];
  assert.deepEqual(colour.levels, firstSeen);
  assert.equal(colour.counts.reduce((a, b) => a + b, 0), 100);
  assert.equal(d.types[1], 'binary');
  assert.equal(d.label?.kind, 'integer');
  assert.equal(tableToDataset(multiclassTable({ rows: 40, seed: 1 })).label?.kind, 'string');
});

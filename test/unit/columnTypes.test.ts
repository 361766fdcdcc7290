import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ColumnInfo, Dataset } from '../../src/engine/dataset';
import { DatasetError } from '../../src/engine/errors';
import { isIdLikeName } from '../../src/engine/io/columnHelpers';
import { dayOfYear, parseDate, utcYear } from '../../src/engine/io/datetime';
import { MAX_INTEGER_CODE_LEVELS } from '../../src/engine/io/numericColumns';
import { COLOUR_EFFECTS, mixedTypesTable } from '../../src/engine/synth/mixedTypes';
import { withColumn, withMarkers } from '../../src/engine/synth/modifiers';
import { tableToCsv } from '../../src/engine/synth/tableOutput';
import { linearTable } from '../../src/engine/synth/tables';
import type { Cell, SynthTable } from '../../src/engine/synth/tables';
import { readBothPaths, rejectBothPaths, tempFiles } from './support/tableFiles';
import type { TempFiles } from './support/tableFiles';

let files: TempFiles;
before(async () => {
  files = await tempFiles('types');
});
after(async () => {
  await files.remove();
});

let counter = 0;
async function read(table: SynthTable, options: Parameters<typeof readBothPaths>[1] = {}, write: Parameters<typeof tableToCsv>[1] = {}): Promise<Dataset> {
  return readBothPaths(await files.write(`t${counter++}.csv`, tableToCsv(table, write)), options);
}

async function readText(text: string, options: Parameters<typeof readBothPaths>[1] = {}): Promise<Dataset> {
  return readBothPaths(await files.write(`t${counter++}.csv`, text), options);
}

function info(d: Dataset, name: string): ColumnInfo {
  const c = d.columnInfo.find((x) => x.name === name);
  assert.ok(c, `no column "${name}"`);
  return c;
}

function feature(d: Dataset, name: string): number {
  const j = d.names.indexOf(name);
  assert.ok(j >= 0, `no feature "${name}" in ${d.names.join(', ')}`);
  return j;
}

/** A column appended to a small linear table (so every file has a numeric feature and a label besides it). */
function plus(name: string, cells: Cell[], seed = 1): SynthTable {
  return withColumn(linearTable({ rows: cells.length, seed, noiseColumns: 0, coefficients: [1] }), { name, cells, role: 'quality', carries: false, how: '', expectedType: 'numeric' });
}

test('every column type is inferred, with its evidence, by both CSV paths', async () => {
  const t = mixedTypesTable({ rows: 400, seed: 1 });
  const d = await read(t);
  assert.equal(d.source.parser, 'fast', 'a file of plain cells takes the fast path');
  for (const c of t.columns) assert.equal(info(d, c.name).type, c.expectedType, c.name);
  const evidence: Record<string, RegExp> = {
    num: /^numbers with more than two distinct values$/,
    bin: /^two distinct values \(0, 1\)$/,
    code: /^integer codes with 5 levels \(1, 2, 3, 4, 5\); their order is kept$/,
    colour: /^text with 4 distinct values in 400 non-missing rows$/,
    flag_tf: /^values FALSE\/TRUE \(\d+ \/ \d+\)$/,
    flag_yn: /^values no\/yes \(\d+ \/ \d+\)$/,
    flag_y: /^values n\/y \(\d+ \/ \d+\)$/,
    date_iso: /^ISO 8601 dates \(2021-01-\d\d … 2022-12-\d\d\), 100 % of distinct values read$/,
    date_dmy: /^day\/month\/year dates \(2021-01-\d\d … 2022-12-\d\d\), 100 % of distinct values read; read as day\/month: some values have a first number above 12$/,
    customer: /^400 distinct values in 400 non-missing rows$/,
    PassengerId: /^ID-like name and 400 distinct values in 400 rows$/,
    line: /^integers 1, 2, … rising by one in every row: a row number$/,
    comment: /^mean length \d\d characters, 100 % with spaces, 100 % distinct$/,
  };
  for (const [name, pattern] of Object.entries(evidence)) assert.match(info(d, name).evidence, pattern, name);
  for (const c of d.columnInfo) assert.equal(c.overridden, false);
  assert.deepEqual(d.warnings, [], 'nothing to warn about in a clean file');
  // Roles: features, the label, and the excluded columns with the reason in one line.
  assert.deepEqual(
    d.source.excludedColumns?.map((e) => [e.name, e.reason.replace(/ \(.*$/, '').replace(/:.*$/, '')]),
    [
      ['date_iso', 'datetime'],
      ['date_dmy', 'datetime'],
      ['customer', 'identifier'],
      ['PassengerId', 'identifier'],
      ['line', 'identifier'],
      ['comment', 'free text'],
    ],
  );
  assert.equal(info(d, 'y').role, 'label');
  assert.deepEqual(d.names, ['num', 'bin', 'code', 'colour', 'flag_tf', 'flag_yn', 'flag_y', 'date_iso.year', 'date_iso.dayOfYear', 'date_dmy.year', 'date_dmy.dayOfYear', 'noise']);
  assert.deepEqual(d.types, ['numeric', 'binary', 'categorical', 'categorical', 'boolean', 'boolean', 'boolean', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric']);
  assert.deepEqual(d.derivedFrom, [null, null, null, null, null, null, null, 'date_iso', 'date_iso', 'date_dmy', 'date_dmy', null]);

  // The values behind the types: booleans are 1 for the true spelling; text levels keep their counts; dates derive
  // the year and the day of the year of every row.
  const tf = d.columns[feature(d, 'flag_tf')];
  t.columns[4].cells.forEach((c, i) => assert.equal(tf[i], c === 'TRUE' ? 1 : 0));
  assert.deepEqual(d.categories[feature(d, 'flag_tf')]?.levels, ['FALSE', 'TRUE']);
  const colour = d.categories[feature(d, 'colour')];
  assert.ok(colour);
  assert.deepEqual([...colour.levels].sort(), Object.keys(COLOUR_EFFECTS).sort());
  colour.levels.forEach((level, k) => assert.equal(colour.counts[k], t.columns[3].cells.filter((c) => c === level).length));
  const code = d.categories[feature(d, 'code')];
  assert.deepEqual(code?.levels, ['1', '2', '3', '4', '5']);
  const year = d.columns[feature(d, 'date_iso.year')];
  const day = d.columns[feature(d, 'date_iso.dayOfYear')];
  t.columns[7].cells.forEach((c, i) => {
    const ms = parseDate(String(c), 'iso') as number;
    assert.equal(year[i], utcYear(ms));
    assert.equal(day[i], dayOfYear(ms));
  });
  const dmyDay = d.columns[feature(d, 'date_dmy.dayOfYear')];
  t.columns[8].cells.forEach((c, i) => {
    const [dd, mm, yyyy] = String(c).split('/').map(Number);
    assert.equal(dmyDay[i], dayOfYear(Date.UTC(yyyy, mm - 1, dd)));
  });
});

test('the user’s types win over inference and say so', async () => {
  const t = mixedTypesTable({ rows: 200, seed: 2 });
  const d = await read(t, {
    columnTypes: { code: 'numeric', flag_yn: 'categorical', num: 'identifier', bin: 'boolean', customer: 'text', date_dmy: 'categorical', line: 'numeric', colour: 'categorical' },
  });
  const expect: Record<string, [string, 'feature' | 'excluded']> = {
    code: ['numeric', 'feature'],
    flag_yn: ['categorical', 'feature'],
    num: ['identifier', 'excluded'],
    bin: ['boolean', 'feature'],
    customer: ['text', 'excluded'],
    date_dmy: ['categorical', 'feature'],
    line: ['numeric', 'feature'],
    colour: ['categorical', 'feature'],
  };
  for (const [name, [type, role]] of Object.entries(expect)) {
    const c = info(d, name);
    assert.equal(c.type, type, name);
    assert.equal(c.role, role, name);
    assert.equal(c.overridden, true, name);
    // The column list's evidence of a boolean set by the user is checked in its own test below.
    if (name !== 'bin') assert.match(c.evidence, /set by the user/, name);
  }
  assert.match(d.typeEvidence[feature(d, 'bin')], /^set by the user; values 0\/1 \(\d+ \/ \d+\)$/);
  assert.equal(info(d, 'flag_tf').overridden, false, 'columns not named keep their inferred type');
  assert.deepEqual(d.categories[feature(d, 'flag_yn')]?.levels.slice().sort(), ['no', 'yes']);
  assert.equal(d.categories[feature(d, 'date_dmy')]?.levels.length, new Set(t.columns[8].cells).size);
  assert.deepEqual(d.categories[feature(d, 'bin')]?.levels, ['0', '1']);
  assert.equal(d.types[feature(d, 'code')], 'numeric');
  assert.ok(!d.names.includes('num'));
  assert.match(d.source.excludedColumns?.find((e) => e.name === 'num')?.reason ?? '', /identifier \(set by the user\)/);
});

test(
  'a boolean set by the user says so in the column list too',
  async () => {
    const d = await read(mixedTypesTable({ rows: 100, seed: 2 }), { columnTypes: { bin: 'boolean' } });
    assert.match(info(d, 'bin').evidence, /set by the user/);
  },
);

test('impossible types are DatasetErrors (columnTypeInvalid) that name the column and what the type needs', async () => {
  const file = await files.write('impossible.csv', tableToCsv(mixedTypesTable({ rows: 60, seed: 3 })));
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ num: 'binary' }, 'num', /cannot be binary: it has more than 10 distinct values/],
    [{ code: 'binary' }, 'code', /cannot be binary: it has 5 distinct values/],
    [{ colour: 'boolean' }, 'colour', /cannot be boolean: its values are "(red|green|blue|yellow)"/],
    [{ colour: 'datetime' }, 'colour', /cannot be read as dates/],
    [{ comment: 'datetime' }, 'comment', /cannot be read as dates/],
    [{ num: 'boolean' }, 'num', /cannot be boolean/],
  ];
  for (const [types, column, message] of cases) {
    await rejectBothPaths(file, { columnTypes: types as never }, (e) => e instanceof DatasetError && e.code === 'columnTypeInvalid' && e.column === column && message.test(e.message) && typeof e.expected === 'string');
  }
});

test(
  'a numeric column cannot be read as dates either',
  async () => {
    const file = await files.write('numbers-as-dates.csv', tableToCsv(mixedTypesTable({ rows: 60, seed: 3 })));
    await rejectBothPaths(file, { columnTypes: { num: 'datetime' } }, (e) => e instanceof DatasetError && e.code === 'columnTypeInvalid' && e.column === 'num');
  },
);

test(
  'a column without a single number cannot be numeric or binary',
  async () => {
    const file = await files.write('text-as-numbers.csv', tableToCsv(mixedTypesTable({ rows: 60, seed: 3 })));
    await rejectBothPaths(file, { columnTypes: { colour: 'numeric' } }, (e) => e instanceof DatasetError && e.code === 'columnTypeInvalid' && e.column === 'colour');
    await rejectBothPaths(file, { columnTypes: { colour: 'binary' } }, (e) => e instanceof DatasetError && e.code === 'columnTypeInvalid' && e.column === 'colour');
  },
);

test('NA-like markers are missing without a warning, in numbers, integer codes, booleans and dates', async () => {
  const markers = ['NA', '?', '.', 'null', 'n/a', '#N/A', 'None', 'nan'];
  let t = mixedTypesTable({ rows: 400, seed: 4 });
  for (const [name, seed] of [['num', 1], ['code', 2], ['flag_tf', 3], ['date_iso', 4], ['bin', 5]] as const) t = withMarkers(t, name, seed, 0.1, markers);
  const d = await read(t);
  for (const name of ['num', 'code', 'flag_tf', 'date_iso', 'bin']) {
    const source = t.columns.find((c) => c.name === name);
    assert.ok(source);
    const c = info(d, name);
    assert.equal(c.type, source.expectedType, `${name} keeps its type`);
    const written = source.cells.filter((v) => typeof v === 'string' && markers.includes(v));
    assert.ok(written.length > 20, name);
    assert.equal(c.missing, written.length, name);
    // Each marker is listed with its count ("nan" is the number parser's NaN, so it is listed as NaN/Inf).
    const listed = new Map(c.markers.map((m) => [m.marker, m.count]));
    for (const m of markers) {
      const n = written.filter((v) => v === m).length;
      if (n > 0) assert.equal(listed.get(m === 'nan' ? 'NaN/Inf' : m), n, `${name}: ${m}`);
    }
  }
  assert.equal(d.missing[feature(d, 'num')], info(d, 'num').missing);
  assert.ok(Number.isNaN(d.columns[feature(d, 'flag_tf')][t.columns[4].cells.findIndex((v) => v === 'NA')]));
  // "nan" is a non-finite number, which the reader summarises once; the words NA, ?, ., null … are not warned about.
  assert.deepEqual(d.warnings.map((w) => w.code), ['nonFiniteValues']);
  const clean = await read(withMarkers(mixedTypesTable({ rows: 400, seed: 4 }), 'num', 1, 0.1, ['NA', '?', '.', 'null', 'None']));
  assert.deepEqual(clean.warnings, []);
  // Empty cells are missing too, and summarised in one warning.
  const empty = await read(withMarkers(mixedTypesTable({ rows: 400, seed: 4 }), 'num', 1, 0.1, ['']));
  assert.deepEqual(empty.warnings.map((w) => w.code), ['missingValues']);
  assert.equal(info(empty, 'num').markers[0].marker, '(empty)');
});

test('"." is missing only where the rest of the column is typed; in a text column it is a level', async () => {
  let t = mixedTypesTable({ rows: 300, seed: 5 });
  for (const [name, seed] of [['num', 1], ['flag_yn', 2], ['date_dmy', 3], ['colour', 4]] as const) t = withMarkers(t, name, seed, 0.05, ['.']);
  const d = await read(t);
  for (const name of ['num', 'flag_yn', 'date_dmy']) {
    const dots = t.columns.find((c) => c.name === name)?.cells.filter((v) => v === '.').length ?? 0;
    assert.ok(dots > 0);
    assert.equal(info(d, name).missing, dots, name);
    assert.deepEqual(info(d, name).markers, [{ marker: '.', count: dots }], name);
  }
  const colour = d.categories[feature(d, 'colour')];
  assert.ok(colour?.levels.includes('.'), 'a "." among text levels stays a level');
  assert.equal(info(d, 'colour').missing, 0);
  assert.deepEqual(d.warnings, []);
});

test('a ";" file with decimal commas: the numbers are read as numbers, with one warning per column', async () => {
  const t = withMarkers(linearTable({ rows: 150, seed: 6 }), 'x2', 1, 0.1, ['NA', '?']);
  const comma = await read(t);
  const semi = await read(t, {}, { delimiter: ';', decimalComma: true });
  assert.equal(semi.source.delimiter, ';');
  assert.deepEqual(semi.names, comma.names);
  semi.columns.forEach((c, j) => assert.deepEqual(Array.from(c), Array.from(comma.columns[j]), semi.names[j]));
  assert.deepEqual(semi.types, comma.types);
  assert.deepEqual(semi.warnings.map((w) => [w.code, w.column]), semi.names.map((n) => ['decimalComma', n]));
  assert.match(semi.warnings[0].message, /numbers written with a decimal comma \("-?\d+,\d+" read as -?\d+\.\d+\)/);
  assert.equal(info(semi, 'x2').missing, info(comma, 'x2').missing, 'markers stay missing');
  // Integers in a decimal-comma column are numbers already; the column is converted as a whole.
  const ints = await readText('a;b;y\n' + Array.from({ length: 30 }, (_, i) => `${i % 3 ? `${i},5` : i};${i};${i % 2}`).join('\n') + '\n');
  assert.deepEqual(Array.from(ints.columns[0]).slice(0, 4), [0, 1.5, 2.5, 3]);
  // In a "," file a quoted 1,5 is not a number: it is said so, with the hint.
  const quoted = await readText('a,b,y\n"1,5",1,0\n' + Array.from({ length: 30 }, (_, i) => `${i}.5,${i},${i % 2}`).join('\n') + '\n');
  assert.ok(quoted.warnings.some((w) => w.code === 'nonNumericCells' && /a decimal comma\? numbers must use "\." as the decimal point/.test(w.message)));
});

test(
  'a decimal-comma column with one stray text stays numeric, the stray cell missing and warned about',
  async () => {
    const d = await readText('a;b;y\n1,5;1;0\n2,5;2;1\nabc;3;0\n' + Array.from({ length: 30 }, (_, i) => `${i},25;${i};${i % 2}`).join('\n') + '\n');
    assert.equal(info(d, 'a').type, 'numeric');
    assert.equal(info(d, 'a').missing, 1);
    assert.ok(d.warnings.some((w) => w.code === 'nonNumericCells' && w.column === 'a'));
  },
);

test(
  'a short ";" file with decimal commas is still read as ";"',
  async () => {
    const d = await readText('x;target\n1,5;2,25\n2,5;3,75\n3,5;1,5\n4,5;7,125\n5,5;0,5\n6,5;9,75\n');
    assert.equal(d.source.delimiter, ';');
    assert.deepEqual(Array.from(d.columns[0]), [1.5, 2.5, 3.5, 4.5, 5.5, 6.5]);
  },
);

test('identifiers are excluded with the reason: unique texts from 20 rows, ID-like names, row numbers', async () => {
  const codes = (n: number): string[] => Array.from({ length: n }, (_, i) => `K${(i * 7919 + 13).toString(36)}`);
  const twenty = await read(plus('ref', codes(20)));
  assert.equal(info(twenty, 'ref').type, 'identifier');
  assert.equal(info(twenty, 'ref').reason, 'identifier: 20 distinct values in 20 non-missing rows');
  // 19 unique texts could be 19 categories that happen to differ: not enough rows to call it a key.
  const nineteen = await read(plus('ref', codes(19)));
  assert.equal(info(nineteen, 'ref').type, 'categorical');
  // An ID-like name needs 90 % unique values, texts or integers.
  const named = codes(40).map((c, i) => (i % 20 === 0 ? 'K0' : c));
  assert.equal(info(await read(plus('patient_id', named)), 'patient_id').type, 'identifier');
  const repeated = Array.from({ length: 40 }, (_, i) => 1000 + (i % 30));
  assert.equal(info(await read(plus('patient_id', repeated)), 'patient_id').type, 'numeric', '75 % unique: not a key');
  const shuffledIds = Array.from({ length: 40 }, (_, i) => 1000 + ((i * 17) % 40));
  const byName = await read(plus('OrderID', shuffledIds));
  assert.equal(info(byName, 'OrderID').type, 'identifier');
  assert.match(info(byName, 'OrderID').reason ?? '', /^identifier: ID-like name with 40 distinct of 40 values$/);
  // A row number is a key whatever its name, from 0 or from 1; a column of the same integers shuffled is a number.
  for (const start of [0, 1]) {
    const rows = await read(plus('n', Array.from({ length: 30 }, (_, i) => i + start)));
    assert.match(info(rows, 'n').reason ?? '', /^identifier: a row number \(30 values rising by one\)$/);
  }
  assert.equal(info(await read(plus('n', shuffledIds)), 'n').type, 'numeric');
  for (const name of ['id', 'ID', 'PassengerId', 'patient_id', 'patientID', 'uuid', 'row_id', 'Unnamed: 0', 'rownames', 'id_card']) assert.ok(isIdLikeName(name), name);
  for (const name of ['Valid', 'Paid', 'idea', 'width', 'acid', 'grid', 'y']) assert.ok(!isIdLikeName(name), name);
});

test('integer codes: up to 10 repeated levels are categories, more distinct integers are a quantity', async () => {
  const levels = (k: number, n: number): number[] => Array.from({ length: n }, (_, i) => i % k);
  assert.equal(MAX_INTEGER_CODE_LEVELS, 10);
  const ten = await read(plus('grade', levels(10, 60).map((v) => v + 1)));
  assert.equal(info(ten, 'grade').type, 'categorical');
  assert.match(info(ten, 'grade').evidence, /^integer codes with 10 levels \(1, 2, 3, 4, 5, 6, 7, 8, 9, 10\)/);
  const eleven = await read(plus('grade', levels(11, 60).map((v) => (v * 37) % 11)));
  assert.equal(info(eleven, 'grade').type, 'numeric');
  assert.equal(info(eleven, 'grade').evidence, 'integers with more than 10 distinct values');
  // Codes repeat: five levels in six rows is not a code.
  const short = await readText('x,k,y\n' + [1, 2, 3, 4, 5, 1].map((k, i) => `${i * 0.5},${k},${i % 2}`).join('\n') + '\n');
  assert.equal(info(short, 'k').type, 'numeric');
});

test('dates give a year when it varies and a day of the year when they span 90 days or more', async () => {
  const iso = (start: number, span: number, n: number): string[] => Array.from({ length: n }, (_, i) => new Date(start + Math.floor((i * span) / n) * 86_400_000).toISOString().slice(0, 10));
  const n = 60;
  const both = await read(plus('when', iso(Date.UTC(2021, 5, 1), 400, n)));
  assert.deepEqual(both.names.filter((x) => x.startsWith('when')), ['when.year', 'when.dayOfYear']);
  assert.match(info(both, 'when').reason ?? '', /derived features when\.year, when\.dayOfYear$/);
  const newYear = await read(plus('when', iso(Date.UTC(2021, 11, 10), 40, n)));
  assert.deepEqual(newYear.names.filter((x) => x.startsWith('when')), ['when.year'], 'a short span across new year: the year varies, no season');
  const oneYear = await read(plus('when', iso(Date.UTC(2021, 1, 1), 200, n)));
  assert.deepEqual(oneYear.names.filter((x) => x.startsWith('when')), ['when.dayOfYear']);
  const month = await read(plus('when', iso(Date.UTC(2021, 3, 1), 25, n)));
  assert.deepEqual(month.names.filter((x) => x.startsWith('when')), []);
  assert.equal(info(month, 'when').type, 'datetime');
  assert.equal(info(month, 'when').reason, 'datetime (2021-04-01 … 2021-04-25): not a feature itself');
  // Every day below 13 reads both ways: month first, and said so.
  const ambiguous = await read(plus('when', Array.from({ length: n }, (_, i) => `${1 + (i % 12)}/${1 + ((i * 5) % 12)}/2022`)));
  assert.match(info(ambiguous, 'when').evidence, /^month\/day\/year dates .*every value reads as day\/month and as month\/day \(no day above 12\); read as month\/day$/);
});

test('free text is excluded with its length and distinct count', async () => {
  const d = await read(mixedTypesTable({ rows: 100, seed: 8 }));
  assert.equal(info(d, 'comment').type, 'text');
  assert.match(info(d, 'comment').reason ?? '', /^free text: mean \d+ characters, 100 distinct values$/);
  // Short labels with spaces are categories, not text.
  const short = await read(plus('city', Array.from({ length: 60 }, (_, i) => ['New York', 'Los Angeles', 'San Diego'][i % 3])));
  assert.equal(info(short, 'city').type, 'categorical');
});

test('edge cases: an empty column, a constant one, NaN words, huge values, a single row', async () => {
  const n = 50;
  let t = plus('empty', new Array<Cell>(n).fill(null));
  t = withColumn(t, { name: 'constant', cells: new Array<Cell>(n).fill(7), role: 'quality', carries: false, how: '', expectedType: 'numeric' });
  t = withColumn(t, { name: 'huge', cells: Array.from({ length: n }, (_, i) => (i === 3 ? 1e39 : i % 2 ? 3.4e38 : -3.4e38 + i * 1e30)), role: 'quality', carries: false, how: '', expectedType: 'numeric' });
  t = withColumn(t, { name: 'words', cells: Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 'NaN' : i % 10 === 1 ? '-inf' : i)), role: 'quality', carries: false, how: '', expectedType: 'numeric' });
  const d = await read(t);
  assert.equal(info(d, 'empty').type, 'numeric');
  assert.equal(info(d, 'empty').evidence, 'no values in any row');
  assert.equal(info(d, 'empty').missing, n);
  assert.equal(info(d, 'constant').evidence, 'one value (7) in every non-missing row');
  const huge = d.columns[feature(d, 'huge')];
  assert.equal(huge[1], Math.fround(3.4e38));
  assert.ok(Number.isNaN(huge[3]), 'beyond float32: missing, not Infinity');
  assert.deepEqual(info(d, 'huge').markers, [{ marker: 'NaN/Inf', count: 1 }]);
  assert.equal(info(d, 'words').missing, 10);
  assert.equal(info(d, 'words').type, 'numeric');
  // One warning for the empty column, one summary of every structural missing cell (50 empty, 11 NaN/Inf).
  assert.deepEqual(d.warnings.map((w) => w.code), ['emptyColumn', 'missingValues']);
  assert.match(d.warnings[1].message, /61 missing cell\(s\) read as missing across the features \(50 empty, 11 NaN\/Inf\)/);
  const one = await readText('a,b,y\n1.5,x,1\n');
  assert.equal(one.rows, 1);
  assert.equal(info(one, 'b').type, 'categorical');
  assert.ok(one.warnings.some((w) => w.code === 'singleRow'));
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../../src/engine/io/csv';
import type { CsvOptions } from '../../src/engine/io/csv';
import { parseCell, trimCell } from '../../src/engine/io/csvCells';
import type { Dataset } from '../../src/engine/dataset';
import { createRng } from '../../src/engine/random';
import type { Rng } from '../../src/engine/random';
import { formatFloat32 } from '../../src/engine/synth/kryptonite';

const KRYPTONITE_9 = '/work/shared/data/kryptonite-9.csv';
const FIXTURES = join(__dirname, '..', 'fixtures', 'csv');

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kryptonite-csv-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Float32 bit patterns: NaN, -0 and every value compare exactly. */
function bits(column: Float32Array): number[] {
  return Array.from(new Uint32Array(column.buffer, column.byteOffset, column.length));
}

/** Everything a consumer can see, except which parser produced it. */
function comparable(d: Dataset): unknown {
  return {
    rows: d.rows,
    names: d.names,
    columns: d.columns.map(bits),
    missing: d.missing,
    label: d.label && { ...d.label, values: Array.from(d.label.values), target: d.label.target && Array.from(d.label.target) },
    types: d.types,
    categories: d.categories.map((c) => c && { ...c, codes: Array.from(c.codes) }),
    typeEvidence: d.typeEvidence,
    columnInfo: d.columnInfo,
    warnings: d.warnings,
    source: { ...d.source, parser: undefined },
    format: d.format,
    files: d.files,
    path: d.path,
  };
}

/** Read both ways; assert which path `auto` took and that the two datasets are identical bit for bit. */
async function bothPaths(file: string, expectParser: 'fast' | 'papaparse', options: CsvOptions = {}): Promise<Dataset> {
  const auto = await readCsv(file, { ...options, parser: 'auto' });
  const papa = await readCsv(file, { ...options, parser: 'papaparse' });
  assert.equal(auto.source.parser, expectParser, `${file}: auto path`);
  assert.equal(papa.source.parser, 'papaparse');
  assert.deepEqual(comparable(auto), comparable(papa));
  return auto;
}

/** Independent oracle for one feature cell: Math.fround of what Number() reads, NaN for anything missing. */
function oracle(text: string): number {
  const t = text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return NaN;
  const f = Math.fround(Number(t));
  return Number.isFinite(f) ? f : NaN;
}

/** Cell texts chosen to hit every branch of the byte parser and its Number() fallback. */
const AWKWARD = [
  '0', '-0', '+0', '-0.0', '+1.5', '.5', '-.5', '5.', '007', '1e-5', '1E+3', '2.5e-3', '-7E-2', '1e22', '1e23', '123e-22',
  '1e-23', '1e-45', '1.4e-45', '3.4028235e38', '3.5e38', '-3.5e38', '1e400', '1e-400', '4.9e-324', '9007199254740993',
  '900719925474099.1', '0.30000000000000004', '123456789012345.6789', '12345678901234567890', '0.1000000000000000055511151231257827',
  '1.00000000000000000000000000001', '99999999999999999999e-20', ' 1.25 ', '\t-2\t', '', '  ', 'NaN', 'nan', 'inf', '-Infinity',
  '+INF', '-nan', 'infinity',
  // The fraction's four-digits-at-a-time path: just under and at its mantissa bound, a run ending the line.
  '900719925473.9999', '900719925474.1234567', '-0.00001234', '1.2345', '12.34567890123', '0.123456789012345678',
];
const JUNK = ['abc', '1.2.3', '1e', '--1', '0x10', '1_000', 'e5', '.', '+', '1e+', 'été', '1 2', 'NaNa', '∞'];

/**
 * A decimal within a double ulp or two of a float32 rounding midpoint, where being one double ulp off (say, a
 * multiplication by a rounded reciprocal instead of Clinger's exact division) flips the float32 result. Random
 * values almost never land there, so the byte parser's arithmetic is only really tested by these.
 */
function nearMidpoint(rng: Rng): string {
  const f = Math.fround(rng.normal() * 10 ** (rng.int(76) - 38));
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, f);
  view.setUint32(0, view.getUint32(0) + 1);
  const midpoint = (f + view.getFloat32(0)) / 2;
  return midpoint.toPrecision(15 + rng.int(3));
}

function cellText(rng: Rng, allowJunk: boolean): string {
  const u = rng.next();
  if (u < 0.15) return nearMidpoint(rng);
  if (u < 0.35) return formatFloat32(Math.fround(rng.normal() * 10 ** rng.int(8)));
  if (u < 0.5) return (rng.next() * 10 ** (rng.int(40) - 20)).toPrecision(1 + rng.int(21));
  if (u < 0.6) return String(rng.int(2_000_000) - 1_000_000);
  if (u < 0.65) return `${(rng.next() * 10).toFixed(rng.int(6))}${rng.next() < 0.5 ? 'e' : 'E'}${rng.next() < 0.5 ? '-' : '+'}${rng.int(40)}`;
  if (allowJunk && u < 0.66) return JUNK[rng.int(JUNK.length)];
  return AWKWARD[rng.int(AWKWARD.length)];
}

interface Generated {
  readonly text: string;
  /** Feature cell texts by [column][row], for the oracle. */
  readonly cells: string[][];
}

interface GenSpec {
  readonly seed: number;
  readonly rows: number;
  readonly features: number;
  readonly delimiter: string;
  readonly newline: string;
  readonly header: boolean;
  /** Where the label column goes (-1: none) and what it holds. */
  readonly labelAt: number;
  readonly labels: 'int' | 'text';
  readonly junk: boolean;
}

function generate(spec: GenSpec): Generated {
  const rng = createRng(spec.seed);
  const cells: string[][] = Array.from({ length: spec.features }, () => []);
  const lines: string[] = [];
  const width = spec.features + (spec.labelAt >= 0 ? 1 : 0);
  if (spec.header) {
    const names = Array.from({ length: spec.features }, (_, i) => `f${i + 1}`);
    if (spec.labelAt >= 0) names.splice(spec.labelAt, 0, 'label');
    lines.push(names.join(spec.delimiter));
  }
  const textLabels = ['setosa', 'versicolor', 'virginica', 'été', '日本'];
  for (let r = 0; r < spec.rows; r++) {
    const row: string[] = [];
    for (let f = 0; f < spec.features; f++) {
      // Without a header the first row must be all numbers or it would read as one.
      const raw = !spec.header && r === 0 ? String(f + 0.5) : cellText(rng, spec.junk);
      // A tab around a value is whitespace in a CSV but a field break in a TSV.
      const t = spec.delimiter === '\t' ? raw.replace(/\t/g, ' ') : raw;
      cells[f].push(t);
      row.push(t);
    }
    if (spec.labelAt >= 0) {
      row.splice(spec.labelAt, 0, spec.labels === 'int' ? String(rng.int(3)) : textLabels[rng.int(textLabels.length)]);
    }
    assert.equal(row.length, width);
    lines.push(row.join(spec.delimiter));
  }
  return { text: lines.join(spec.newline) + spec.newline, cells };
}

async function writeTemp(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('parseCell: the one cell semantic of both paths', () => {
  it('reads JS decimal literals and nothing else', () => {
    assert.equal(parseCell('1.5'), 1.5);
    assert.equal(parseCell('+2'), 2);
    assert.equal(parseCell('.5'), 0.5);
    assert.equal(parseCell('5.'), 5);
    assert.equal(parseCell('1E+3'), 1000);
    assert.ok(Object.is(parseCell('-0'), -0));
    for (const t of ['0x10', '1_000', '1e', '.', 'abc', '1,5', '0b1', 'Infinityx']) assert.equal(parseCell(t), null, t);
  });
  it('reads nan/inf words in any case as non-finite', () => {
    assert.ok(Number.isNaN(parseCell('NaN') as number));
    assert.ok(Number.isNaN(parseCell('-nan') as number));
    assert.equal(parseCell('INF'), Infinity);
    assert.equal(parseCell('-Infinity'), -Infinity);
  });
  it('trims ASCII whitespace only', () => {
    assert.equal(trimCell(' \t1.5\r\n'), '1.5');
    assert.equal(trimCell('\u00a01'), '\u00a01');
  });
});

describe('readCsv on the published Kryptonite-9 file', () => {
  it('reads 18000 rows, x1…x9 and label y with 8964 / 9036', async () => {
    const d = await bothPaths(KRYPTONITE_9, 'fast');
    assert.equal(d.rows, 18000);
    assert.deepEqual(d.names, ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9']);
    assert.ok(d.label);
    assert.equal(d.label.name, 'y');
    assert.equal(d.label.sourceColumn, 9);
    assert.deepEqual(d.label.classes, ['0', '1']);
    assert.deepEqual(d.label.counts, [8964, 9036]);
    // Row 2: 0.9751181,0.1483378,…,1 — row 3: 0.9945475,1.051228,…,0.08715113,0.
    assert.equal(d.columns[0][0], Math.fround(0.9751181));
    assert.equal(d.columns[1][0], Math.fround(0.1483378));
    assert.equal(d.columns[8][1], Math.fround(0.08715113));
    assert.equal(d.label.values[0], 1);
    assert.equal(d.label.values[1], 0);
    assert.deepEqual(d.missing, new Array(9).fill(0));
    assert.deepEqual(d.warnings, []);
    assert.equal(d.format, 'csv');
    assert.deepEqual(d.files, [KRYPTONITE_9]);
    assert.equal(d.source.delimiter, ',');
    assert.equal(d.source.hasHeader, true);
    assert.equal(d.columns[0].length, 18000);
  });
});

describe('fast path ≡ papaparse path, bit for bit', () => {
  const specs: (GenSpec & { name: string })[] = [
    { name: 'comma-lf-int.csv', seed: 1, rows: 400, features: 6, delimiter: ',', newline: '\n', header: true, labelAt: 6, labels: 'int', junk: false },
    { name: 'tab-crlf-text.tsv', seed: 2, rows: 300, features: 5, delimiter: '\t', newline: '\r\n', header: true, labelAt: 0, labels: 'text', junk: false },
    { name: 'semicolon-noheader.csv', seed: 3, rows: 300, features: 4, delimiter: ';', newline: '\n', header: false, labelAt: -1, labels: 'int', junk: false },
    { name: 'junk-cells.csv', seed: 4, rows: 500, features: 7, delimiter: ',', newline: '\n', header: true, labelAt: 3, labels: 'text', junk: true },
  ];
  for (const spec of specs) {
    for (const chunkBytes of [7, 61, 1000, undefined]) {
      it(`${spec.name}, chunks of ${chunkBytes ?? 'default'} bytes`, async () => {
        const g = generate(spec);
        const file = await writeTemp(spec.name, g.text);
        const d = await bothPaths(file, 'fast', { chunkBytes });
        assert.equal(d.rows, spec.rows);
        assert.equal(d.columns.length, spec.features);
        for (let f = 0; f < spec.features; f++) {
          const expected = new Float32Array(g.cells[f].map(oracle));
          assert.deepEqual(bits(d.columns[f]), bits(expected), `column ${f}`);
        }
        if (spec.labelAt >= 0) assert.ok(d.label && d.label.classes.length >= 2);
      });
    }
  }

  it('counts non-finite cells (words and float32 overflow) as missing', async () => {
    const file = await writeTemp('overflow.csv', 'a,b,y\n3.5e38,1,0\n1e400,-inf,1\n3.4028235e38,nan,0\n');
    const d = await bothPaths(file, 'fast');
    assert.deepEqual(d.missing, [2, 2]);
    assert.equal(d.columns[0][2], 3.4028234663852886e38);
    assert.deepEqual(d.warnings.map((w) => w.code), ['nonFiniteValues']);
  });

  for (const chunkBytes of [7, 100, undefined]) {
    for (const at of [0, 150, 299]) {
      it(`hands over to papaparse at row ${at} (a quote, then a bare LF in CRLF), chunks of ${chunkBytes ?? 'default'}`, async () => {
        const spec = { seed: 6, rows: 300, features: 4, delimiter: ',', newline: '\n', header: true, labelAt: 4, labels: 'int', junk: false } as const;
        const lines = generate(spec).text.split('\n');
        const quoted = [...lines];
        quoted[at + 1] = `"${quoted[at + 1].replace(',', '",')}`;
        const d = await bothPaths(await writeTemp('quote-at.csv', quoted.join('\n')), 'papaparse', { chunkBytes });
        assert.equal(d.rows, 300);
        const crlf = lines.map((l, i) => (i === at + 1 ? `${l}\n` : `${l}\r\n`)).join('');
        await bothPaths(await writeTemp('bare-lf-at.csv', crlf), 'papaparse', { chunkBytes });
      });
    }
  }

  it('hands over to papaparse when a quote appears late in the file, with the same result', async () => {
    const g = generate({ seed: 5, rows: 2000, features: 3, delimiter: ',', newline: '\n', header: true, labelAt: 3, labels: 'int', junk: false });
    const file = await writeTemp('late-quote.csv', `${g.text}"1.5",2,3,1\n`);
    const d = await bothPaths(file, 'papaparse', { chunkBytes: 4096 });
    assert.equal(d.rows, 2001);
    assert.equal(d.columns[0][2000], 1.5);
  });

  it('grows its columns when the row estimate from the first chunk is too low', async () => {
    // The sample holds only long rows (17-digit values); the rest of the file is short rows, about 8× as many.
    const long = Array.from({ length: 2000 }, (_, i) => `${(i + 0.123456789012345).toPrecision(17)},${(i / 7).toPrecision(17)},${i % 2}`);
    const short = Array.from({ length: 30000 }, (_, i) => `${i % 10},${i % 3},${i % 2}`);
    const file = await writeTemp('grow.csv', `a,b,y\n${long.join('\n')}\n${short.join('\n')}\n`);
    const d = await bothPaths(file, 'fast', { chunkBytes: 65536 });
    assert.equal(d.rows, 32000);
    assert.equal(d.columns[0].length, 32000);
    assert.equal(d.columns[0][31999], 9);
    assert.equal(d.columns[1][1], Math.fround(Number((1 / 7).toPrecision(17))));
  });

  it('reads a line longer than the read buffer', async () => {
    const wide = Array.from({ length: 300 }, (_, i) => `c${i}`);
    const row = Array.from({ length: 300 }, (_, i) => String(i / 3));
    const file = await writeTemp('wide.csv', `${wide.join(',')}\n${row.join(',')}\n${row.join(',')}\n`);
    const d = await bothPaths(file, 'fast', { chunkBytes: 64 });
    assert.equal(d.columns.length, 300);
    assert.equal(d.columns[299][1], Math.fround(299 / 3));
  });
});

describe('dialects and awkward-but-valid files (test/fixtures/csv/MANIFEST.json)', async () => {
  interface GoodEntry {
    file: string;
    made: string;
    options?: CsvOptions;
    expect: {
      rows: number;
      names: string[];
      hasHeader: boolean;
      delimiter: string;
      parser: 'fast' | 'papaparse';
      label: { classes: string[]; counts: number[] } | null;
      warnings: string[];
      first: number[];
      excluded?: string[];
      messageIncludes?: string[];
    };
  }
  const manifest = JSON.parse(await readFile(join(FIXTURES, 'MANIFEST.json'), 'utf8')) as GoodEntry[];
  it('has the dialects the issue lists', () => {
    assert.ok(manifest.length >= 12);
  });
  for (const entry of manifest) {
    it(`${entry.file}: ${entry.made}`, async () => {
      const file = join(FIXTURES, entry.file);
      const d = await bothPaths(file, entry.expect.parser, entry.options ?? {});
      const e = entry.expect;
      assert.equal(d.rows, e.rows);
      assert.deepEqual(d.names, e.names);
      assert.equal(d.source.hasHeader, e.hasHeader);
      assert.equal(d.source.delimiter, e.delimiter);
      assert.deepEqual(d.label && { classes: d.label.classes, counts: d.label.counts }, e.label);
      assert.deepEqual(d.warnings.map((w) => w.code).sort(), [...e.warnings].sort());
      assert.deepEqual(
        e.first.map((_, i) => d.columns[i][0]),
        e.first.map((v) => Math.fround(v)),
      );
      assert.deepEqual((d.source.excludedColumns ?? []).map((c) => c.name), e.excluded ?? []);
      const text = d.warnings.map((w) => w.message).join('\n');
      for (const part of e.messageIncludes ?? []) assert.ok(text.includes(part), `"${part}" in:\n${text}`);
      for (const w of d.warnings) {
        assert.ok(w.message.startsWith(file), w.message);
        assert.ok(!/[\r\n]/.test(w.message), 'one line');
      }
    });
  }
});

describe('header, label and options', () => {
  it('reads a first row of text above text as data (a text column, not a header)', async () => {
    const file = await writeTemp('text-first.csv', 'cat,0.5,1.5\ndog,0.25,2\ncat,1,3\n');
    const d = await bothPaths(file, 'fast');
    assert.equal(d.source.hasHeader, false);
    assert.deepEqual(d.names, ['x1', 'x2', 'x3']);
    assert.equal(d.rows, 3);
    assert.deepEqual(d.types, ['categorical', 'numeric', 'numeric']);
    assert.deepEqual(d.categories[0]?.levels, ['cat', 'dog']);
    assert.deepEqual([...d.categories[0]!.codes], [0, 1, 0]);
    assert.deepEqual(d.source.excludedColumns, []);
    assert.deepEqual(d.warnings.map((w) => w.code), ['noHeader']);
  });

  it('takes the label by 0-based index, and detectLabel: false keeps y as a feature', async () => {
    const file = await writeTemp('labels.csv', 'a,b,y\n1,0,0\n2,1,1\n3,1,0\n');
    const byIndex = await bothPaths(file, 'fast', { label: 1 });
    assert.deepEqual(byIndex.names, ['a', 'y']);
    assert.deepEqual(byIndex.label?.counts, [1, 2]);
    const none = await bothPaths(file, 'fast', { detectLabel: false });
    assert.deepEqual(none.names, ['a', 'b', 'y']);
    assert.equal(none.label, null);
  });

  it('gives the label to text classes even beyond the intern limit consistently', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${(i * 7919) % 5003},id-${i}`);
    const file = await writeTemp('many-labels.csv', `a,label\n${rows.join('\n')}\n`);
    const d = await bothPaths(file, 'fast');
    assert.equal(d.label, null);
    assert.deepEqual(d.warnings.map((w) => w.code), ['labelManyClasses']);
  });

  it('reads a numeric label with thousands of distinct values as a regression target, on both paths', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${(i * 7919) % 5003},${i}`);
    const file = await writeTemp('id-label.csv', `a,y\n${rows.join('\n')}\n`);
    const d = await bothPaths(file, 'fast');
    assert.equal(d.label?.task, 'regression');
    assert.equal(d.label?.target?.[4999], 4999);
    assert.match(d.label?.taskEvidence ?? '', /integers with more than 1,000 distinct values/);
    assert.deepEqual(d.warnings.map((w) => w.code), []);
  });

  it('a row-number column is an identifier, left out with its reason', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i + 1},${(i * 37) % 11},${i % 2}`);
    const file = await writeTemp('row-number.csv', `,a,y\n${rows.join('\n')}\n`);
    const d = await bothPaths(file, 'fast');
    assert.deepEqual(d.names, ['a']);
    assert.deepEqual(d.source.excludedColumns?.map((c) => c.name), ['column1']);
    assert.match(d.source.excludedColumns?.[0].reason ?? '', /^identifier: a row number/);
    assert.equal(d.columnInfo.find((c) => c.name === 'column1')?.type, 'identifier');
  });

  it('numbers rows like an editor through blank lines and multi-line quoted cells', async () => {
    const file = await writeTemp('lines.csv', 'a,b,y\n1,2,0\n\n"3\n",4,1\n5,x,0\n6,7,1\n8,9,0\n');
    const d = await bothPaths(file, 'papaparse');
    const w = d.warnings.find((x) => x.code === 'nonNumericCells');
    assert.equal(w?.row, 6);
    assert.equal(w?.column, 'b');
  });
});

describe('cancellation', () => {
  it('rejects with the AbortError of an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(readCsv(KRYPTONITE_9, { signal: controller.signal }), { name: 'AbortError' });
  });

  for (const parser of ['auto', 'papaparse'] as const) {
    it(`stops between chunks when aborted mid-read (${parser})`, async () => {
      const controller = new AbortController();
      const reading = readCsv(KRYPTONITE_9, { signal: controller.signal, parser, chunkBytes: 256 });
      setImmediate(() => controller.abort());
      await assert.rejects(reading, { name: 'AbortError' });
    });
  }
});

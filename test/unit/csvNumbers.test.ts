import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ColumnSink, parseLines, parseLinesJs } from '../../src/engine/io/csvFast';
import { parsePlainLines } from '../../src/engine/io/csvNumbers';
import { createRng, type Rng } from '../../src/engine/random';
import { kernelCheck } from './support/wasmCheck';

test('the WebAssembly kernel is what src/wasm/csvNumbers.ts compiles to', () => {
  const out = kernelCheck('csvNumbers');
  assert.match(out, /up to date/);
});

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];
const digits = (rng: Rng, n: number): string => Array.from({ length: n }, () => String(rng.int(10))).join('');

/** A cell of the fast path's grammar or just outside it: every branch the kernel takes or leaves. */
function cell(rng: Rng): string {
  const u = rng.next();
  if (u < 0.45) return `${pick(rng, ['', '', '', '-', '+'])}${digits(rng, 1 + rng.int(3))}.${digits(rng, rng.int(12))}`;
  if (u < 0.55) return `${pick(rng, ['', '-'])}${digits(rng, 1 + rng.int(20))}${rng.next() < 0.5 ? '' : `.${digits(rng, rng.int(25))}`}`;
  if (u < 0.65) return `${pick(rng, ['', '-'])}${digits(rng, 1 + rng.int(8))}${pick(rng, ['e', 'E'])}${pick(rng, ['', '-', '+'])}${digits(rng, 1 + rng.int(2))}`;
  if (u < 0.7) return '';
  return pick(rng, [
    '0', '-0', '+0', '0.0', '-0.000', '.5', '5.', '.', '-', '+', '1e', '1e+', '--1', '1.2.3', '1e400', '1e-400', '3.4028236e38', '-3.5e38', '1e39', '1e-46',
    '1e22', '1e23', '1e-22', '1e-23', '9007199254740991', '9007199254740992', '9007199254740993', '123456789012345678901234', '0000000000000000000001.5',
    ' 1.5', '1.5 ', '\t2', 'NA', 'nan', 'NaN', 'inf', '-Infinity', 'abc', 'é', '0x1A', '1_000', '١٢', '0.1234567890123456789', '4.2e-7', '3.527098e-7',
  ]);
}

function label(rng: Rng): string {
  return pick(rng, ['0', '1', '1', '0', 'yes', 'no', ' yes ', '', 'NA', 'class 3', '\t2', 'ümlaut', '1.0', '-1']);
}

/** Lines of k cells (label at `labelIndex`), with blank, whitespace-only and ragged lines among them. */
function table(rng: Rng, rows: number, k: number, labelIndex: number, crlf: boolean): string {
  const eol = crlf ? '\r\n' : '\n';
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const u = rng.next();
    if (u < 0.02) lines.push('');
    else if (u < 0.03) lines.push('   ');
    else {
      const n = u < 0.05 ? k - 1 : u < 0.07 ? k + 1 : k;
      lines.push(Array.from({ length: n }, (_, c) => (c === labelIndex ? label(rng) : cell(rng))).join(','));
    }
  }
  let text = lines.join(eol) + (rng.next() < 0.5 ? eol : '');
  // In a CRLF file, a bare LF is the line papaparse must read: both parsers stop there.
  if (crlf && rng.next() < 0.3) text = text.replace(/\r\n([^\r\n]*)$/, '\n$1');
  return text;
}

/** Everything a sink holds, its float32 columns as bits over the rows read. */
function state(sink: ColumnSink): unknown {
  const { columns, ...rest } = sink;
  return { ...rest, columns: columns.map((c) => (c ? [...new Uint32Array(c.buffer, c.byteOffset, sink.rows)] : null)) };
}

function both(text: string, k: number, labelIndex: number, crlf: boolean, firstRow = 7): { kernel: unknown; js: unknown } {
  const buf = Buffer.from(text, 'utf8');
  const run = (parse: typeof parseLines | typeof parseLinesJs, js: boolean): unknown => {
    const sink = new ColumnSink(k, labelIndex, 3);
    const halt = { at: -1 };
    const row = js ? parseLinesJs(buf, 0, buf.length, 44, crlf, sink, firstRow, halt) : (parse as typeof parseLines)(buf, buf.length, 44, crlf, sink, firstRow, halt);
    return { row, halt: halt.at, sink: state(sink) };
  };
  return { kernel: run(parseLines, false), js: run(parseLinesJs, true) };
}

test('CSV lines: the kernel and the JavaScript parser fill the sink identically — cells bit for bit, missing tallies, label texts, ragged and text cells, halts', () => {
  const rng = createRng(20261126);
  let cases = 0;
  for (let t = 0; t < 300; t++) {
    const k = 1 + rng.int(7);
    const labelIndex = rng.next() < 0.6 ? rng.int(k) : -1;
    const crlf = rng.next() < 0.3;
    const text = table(rng, 1 + rng.int(60), k, labelIndex, crlf);
    const { kernel, js } = both(text, k, labelIndex, crlf);
    assert.deepStrictEqual(kernel, js, JSON.stringify({ k, labelIndex, crlf, text }));
    cases++;
  }
  assert.equal(cases, 300);
});

test('CSV lines: plain lines are all read by the kernel, the others handed to the JavaScript parser one by one', () => {
  const k = 4;
  const plain = Array.from({ length: 5000 }, (_, r) => `${r % 3 === 0 ? '' : (r * 0.001).toFixed(3)},${-r}.25e-3,${r % 2},1.${'0123456789'.repeat(1)}`).join('\n') + '\n';
  const buf = Buffer.from(plain);
  // Room for every row: a full sink's next line is read in JavaScript (it grows the sink as that parser would).
  const sink = new ColumnSink(k, 2, 5000);
  const halt = { at: -1 };
  const handed: [number, number][] = [];
  const row = parsePlainLines(buf, buf.length, 44, false, sink, 2, halt, (from, to, line) => (handed.push([from, to]), parseLinesJs(buf, from, to, 44, false, sink, line, halt)));
  assert.equal(row, 5002);
  assert.deepEqual(handed, [], 'no plain line left the kernel');
  assert.equal(sink.rows, 5000);
  assert.equal(sink.empty[0], 1667);
  assert.equal(sink.firstMissingRow[0], 2);
  const reference = new ColumnSink(k, 2, 5000);
  parseLinesJs(buf, 0, buf.length, 44, false, reference, 2, { at: -1 });
  assert.deepStrictEqual(state(sink), state(reference));

  // One line with a space and one with a word: exactly those two go to the JavaScript parser.
  const mixed = Buffer.from('1,2,0,3\n1, 2,0,3\n4,5,1,6\n7,x,0,8\n9,9,1,9\n');
  const into = new ColumnSink(k, 2, 10);
  const seen: string[] = [];
  parsePlainLines(mixed, mixed.length, 44, false, into, 1, halt, (from, to, line) => (seen.push(mixed.toString('utf8', from, to)), parseLinesJs(mixed, from, to, 44, false, into, line, halt)));
  assert.deepEqual(seen, ['1, 2,0,3\n', '7,x,0,8\n']);
  assert.equal(into.rows, 5);
  assert.equal(into.text[1], 1);
  assert.deepEqual([...(into.columns[1] as Float32Array).subarray(0, 5)], [2, 2, 5, NaN, 9]);
});

test('CSV lines: a bare LF in a CRLF file halts both parsers at the same offset; a block of long lines crosses the kernel pieces', () => {
  const crlfText = '1,2\r\n3,4\r\n5,6\n7,8\r\n';
  const { kernel, js } = both(crlfText, 2, -1, true, 2);
  assert.deepStrictEqual(kernel, js);
  assert.equal((kernel as { halt: number }).halt, 10);
  // 9 MB of lines: three pieces of at most 4 MB, rows carried across them.
  const rng = createRng(7);
  const wide = Array.from({ length: 60000 }, () => Array.from({ length: 16 }, () => (rng.next() * 100).toFixed(6)).join(',')).join('\n');
  const big = both(wide, 16, -1, false);
  assert.deepStrictEqual(big.kernel, big.js);
  assert.equal((big.kernel as { sink: { rows: number } }).sink.rows, 60000);
});

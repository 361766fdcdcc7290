import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const SAMPLE = join(ROOT, 'test', 'fixtures', 'sample', 'kryptonite-9-sample.csv');
const tmp = mkdtempSync(join(tmpdir(), 'kryptonite-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI from source, as a separate process, so exit codes and the two output streams are real. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('analyse prints one table row per feature with its shape', () => {
  const r = cli('analyse', SAMPLE);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const rows = r.stdout.split('\n').filter((l) => /^\s*\d+\s+x\d/.test(l));
  assert.equal(rows.length, 9);
  assert.match(rows[0], /^\s*0\s+x1\s+burst\b/);
  assert.match(rows[1], /^\s*1\s+x2\s+gaussian\b/);
  assert.match(r.stdout, /Label "y" \(2 classes/);
  assert.match(r.stdout, /Shapes: burst 3 \(x1, x3, x6\)/);
});

test('--json - writes only the report to stdout; --json FILE with --quiet prints nothing', () => {
  const r = cli('analyse', SAMPLE, '--json', '-');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.schema, 'kryptonite.report/1');
  assert.equal(report.features.length, 9);
  const out = join(tmp, 'r.json');
  const q = cli('analyse', SAMPLE, '--json', out, '--quiet');
  assert.equal(q.status, 0, q.stderr);
  assert.equal(q.stdout, '');
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).dataset.rows, 3000);
});

test('unusable input exits 2 with one line on stderr and no stack trace', () => {
  for (const args of [
    ['analyse', join(tmp, 'missing.csv')],
    ['analyse', SAMPLE, '--label', 'nope'],
    ['analyse'],
    ['analyse', SAMPLE, '--bogus'],
    ['frobnicate'],
    ['generate', '--features', 'x', '--out', join(tmp, 'g.csv')],
  ]) {
    const r = cli(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^kryptonite: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  const json = join(tmp, 'data.json');
  writeFileSync(json, '{"rows": [1, 2, 3]}');
  const r = cli('analyse', json);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /data\.json.*JSON/);
});

test('generate writes a CSV and an .npy pair whose analysis finds the label', () => {
  const csv = join(tmp, 'gen.csv');
  const g = cli('generate', '--features', '6', '--rows', '600', '--seed', '3', '--out', csv);
  assert.equal(g.status, 0, g.stderr);
  const truth = JSON.parse(g.stdout);
  assert.equal(truth.relevant.length, 4);
  const a = cli('analyse', csv, '--json', '-');
  assert.equal(a.status, 0, a.stderr);
  assert.equal(JSON.parse(a.stdout).dataset.rows, 600);

  const prefix = join(tmp, 'gen');
  assert.equal(cli('generate', '--features', '6', '--rows', '600', '--seed', '3', '--out', prefix).status, 0);
  const b = cli('analyse', `${prefix}-X.npy`, '--json', '-');
  assert.equal(b.status, 0, b.stderr);
  const report = JSON.parse(b.stdout);
  assert.equal(report.dataset.label.name, 'y');
  const fromCsv = JSON.parse(a.stdout);
  assert.deepEqual(
    report.features.map((f: { stats: unknown }) => f.stats),
    fromCsv.features.map((f: { stats: unknown }) => f.stats),
    'the same generated data reads identically from CSV and .npy',
  );
});

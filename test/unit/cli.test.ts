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
  assert.match(rows[0], /^\s*0\s+x1\s+numeric\s+burst\b/);
  assert.match(rows[1], /^\s*1\s+x2\s+numeric\s+gaussian\b/);
  assert.match(r.stdout, /Label "y" — binary: two distinct values \(0, 1\)/);
  assert.match(r.stdout, /How learnable is the label \(5-fold CV\):/);
  assert.match(r.stdout, /L1 logistic regression on interaction terms +accuracy 0\.95/);
  assert.match(r.stdout, /Shapes: burst 3 \(x1, x3, x6\)/);
});

test('--json - writes only the report to stdout; --json FILE with --quiet prints nothing', () => {
  const r = cli('analyse', SAMPLE, '--json', '-');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.schema, 'kryptonite.report/2');
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

test('analyse reports the L1 sparsity, relevance and the XOR rule it found', () => {
  const r = cli('analyse', SAMPLE);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /exact over 511 terms \(degree 1\.\.9, 9 candidates\): 1 non-zero/);
  assert.match(r.stdout, /Relevance: relevant 6 \(x2, x4, x5, x7, x8, x9\) · irrelevant 3 \(x1, x3, x6\)/);
  assert.match(r.stdout, /All 3 burst-like features are irrelevant and all 3 irrelevant features are burst-like/);
  assert.match(r.stdout, /Rule found: xor\(bin\(x2\), bin\(x4\), bin\(x5\), bin\(x7\), bin\(x8\), bin\(x9\)\)/);
  const skipped = cli('analyse', SAMPLE, '--no-sparsity', '--json', '-');
  assert.equal(JSON.parse(skipped.stdout).sparsity, undefined);
});

test('sparsity by hand: degree range, candidates and λ are honoured; bad ranges are usage errors', () => {
  const r = cli('sparsity', SAMPLE, '--degree', '2..6', '--candidates', 'x2,x4,x5,x7,x8,x9', '--json', '-');
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout).sparsity;
  assert.deepEqual(s.degree, { min: 2, max: 6 });
  assert.equal(s.terms, 57); // C(6,2..6) = 15 + 20 + 15 + 6 + 1
  assert.deepEqual(s.top[0].features, ['x2', 'x4', 'x5', 'x7', 'x8', 'x9']);
  const bad = cli('sparsity', SAMPLE, '--degree', '5..2');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--degree expects a\.\.b/);
  const unknown = cli('sparsity', SAMPLE, '--candidates', 'x1,nope');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no feature "nope"/);
});

test('test evaluates a rule; a syntax error points at its column', () => {
  const r = cli('test', SAMPLE, 'xor(bin(x2), bin(x4), bin(x5), bin(x7), bin(x8), bin(x9))', '--json', '-');
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.rows, 3000);
  assert.ok(Math.abs(result.accuracy - 0.957) < 0.01, String(result.accuracy));
  assert.equal(result.ablation.length, 6);
  assert.ok(result.ablation.every((a: { accuracy: number }) => Math.abs(a.accuracy - 0.5) < 0.05));
  const bad = cli('test', SAMPLE, 'xor(bin(x2), bin(x4) bin(x5))');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^kryptonite: rule column 22: /);
  assert.match(bad.stderr, /\n {23}\^\^\^\n/);
});

test('energy: train and analyse print the energy line, priced by --carbon-intensity; a bad intensity exits 2', () => {
  const trained = join(tmp, 'energy-train.json');
  const t = cli('train', SAMPLE, '--model', 'logreg', '--epochs', '2', '--carbon-intensity', '100', '--json', trained, '--quiet');
  assert.equal(t.status, 0, t.stderr);
  const line = /^Energy: \S+ kWh \(\S+ J\), \S+ gCO2eq at (\d+) g\/kWh — (RAPL, whole CPU package|CPU-time estimate, \S+ CPU s × 4 W\/core)$/m;
  assert.equal(line.exec(t.stdout)?.[1], '100', t.stdout);
  const energy = JSON.parse(readFileSync(trained, 'utf8')).training.energy;
  assert.ok(energy.kWh > 0 && ['rapl', 'cpuTime'].includes(energy.method), JSON.stringify(energy));
  assert.equal(energy.intensity, 100);
  assert.equal(energy.intensitySource, 'user');
  assert.ok(Math.abs(energy.gCO2eq - energy.kWh * 100) < 1e-12);

  const analysed = join(tmp, 'energy-analyse.json');
  const a = cli('analyse', SAMPLE, '--no-relevance', '--no-sparsity', '--json', analysed);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(line.exec(a.stdout)?.[1], '475', 'the world average by default');
  const report = JSON.parse(readFileSync(analysed, 'utf8'));
  assert.ok(report.energy.kWh > 0 && typeof report.energy.description === 'string', JSON.stringify(report.energy));

  for (const [command, value] of [['train', '-5'], ['analyse', 'dirty']]) {
    const bad = cli(command, SAMPLE, `--carbon-intensity=${value}`, '--quiet');
    assert.equal(bad.status, 2, `${command} ${value}: ${bad.stderr}`);
    assert.match(bad.stderr, /^kryptonite: --carbon-intensity expects gCO2eq\/kWh, a number ≥ 0 \(e\.g\. 475\), got "/);
  }
});

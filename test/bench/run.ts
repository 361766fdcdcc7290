/**
 * `npm run bench`: speed and memory figures, each against a peer measured in the same run.
 *
 * 1. End-to-end `kryptonite analyse` on a 36,000 × 19 CSV (Kryptonite-18-like, ≈ 7 MB) versus pandas read_csv +
 *    describe() + corr() on the same file (Debian's python3-pandas; skipped with a message when missing).
 * 2. Ingest rate of a generated 1,000,000 × 50 numeric CSV (≈ 450 MB): the fast path, the papaparse path (on the
 *    first 50 MB) and a plain read of the file, with the peak memory against the size of the float32 data.
 *
 * 3. Full `analyse` (with the sparsity analysis) on generated Kryptonite-18/30/45; the whole `analyse` process on the
 *    real Kryptonite-9 `.npy` against the published L1 pipeline in scikit-learn on the same file.
 * 4. The published L1 pipeline in scikit-learn on Kryptonite-12 (Debian's python3-sklearn) against
 *    `kryptonite sparsity`: time ratio and the same top term.
 *
 * 5. Training (test/bench/train.ts): the published MLP presets on Kryptonite-9/12/15/18, ms per epoch and time to the
 *    target accuracy against PyTorch 1.13 on CPU (Debian's python3-torch; skipped with a message when missing).
 * 6. The real-table battery (test/bench/battery/): 40 public tables exported from R packages and scikit-learn,
 *    `kryptonite analyse` on each (end to end, ≤ 2 s each is the target) against scikit-learn's 5-fold CV of logistic
 *    regression / ridge and histogram gradient boosting plus the marginal tests (reference.py) on the same file, in
 *    the same run; and the battery's correctness criteria. Needs Rscript (r-cran-*) and python3-sklearn; skipped
 *    with a message when missing.
 *
 * KRYPTONITE_BENCH_ONLY=battery (or ingest, or big: the 1M × 50 and 20M × 50 tables, test/bench/big.ts; or memory: the memory
 * budget's estimate against measured peaks, test/bench/memory.ts; or k9: the real Kryptonite-9 against scikit-learn) runs
 * that section alone. Set KRYPTONITE_BENCH_QUICK=1 to skip the 560 MB file, the scikit-learn run (minutes) and the training comparison
 * with PyTorch (an hour for the 5-seed table; `npm run bench:train` runs it alone).
 */
import { bigTables } from './big';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { memoryEstimates } from './memory';
import { trainingVsPyTorch } from './train';
import { BENCH_DIR, ensureKryptoniteCsv, fmt, findPython, median, timeCommand } from './util';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const RUNS = Number(process.env.KRYPTONITE_BENCH_RUNS ?? 5);

async function main(): Promise<void> {
  if (!existsSync(CLI)) {
    console.error(`bench: ${CLI} is missing; run npm run build first`);
    process.exit(2);
  }
  console.log(`Kryptonite bench — node ${process.version}, ${RUNS} runs each after a warm-up, medians quoted`);
  // KRYPTONITE_BENCH_ONLY=battery|ingest: that section alone.
  if (process.env.KRYPTONITE_BENCH_ONLY === 'battery') return battery();
  if (process.env.KRYPTONITE_BENCH_ONLY === 'ingest') return ingest();
  if (process.env.KRYPTONITE_BENCH_ONLY === 'big') return bigTables();
  if (process.env.KRYPTONITE_BENCH_ONLY === 'memory') return memoryEstimates();
  if (process.env.KRYPTONITE_BENCH_ONLY === 'k9') return kryptonite9VsSklearn();
  await analyseVsPandas();
  if (process.env.KRYPTONITE_BENCH_QUICK) console.log('\n[ingest] skipped (KRYPTONITE_BENCH_QUICK set)');
  else await ingest();
  if (process.env.KRYPTONITE_BENCH_QUICK) console.log('\n[big] skipped (KRYPTONITE_BENCH_QUICK set; KRYPTONITE_BENCH_ONLY=big runs it alone)');
  else await bigTables();
  if (process.env.KRYPTONITE_BENCH_QUICK) console.log('\n[memory] skipped (KRYPTONITE_BENCH_QUICK set; KRYPTONITE_BENCH_ONLY=memory runs it alone)');
  else await memoryEstimates();
  await sparsityScaling();
  kryptonite9VsSklearn();
  if (process.env.KRYPTONITE_BENCH_QUICK) console.log('\n[sparsity vs scikit-learn] skipped (KRYPTONITE_BENCH_QUICK set)');
  else sparsityVsSklearn();
  if (process.env.KRYPTONITE_BENCH_QUICK) console.log('\n[battery] skipped (KRYPTONITE_BENCH_QUICK set; npm run bench:battery runs it alone)');
  else battery();
  if (process.env.KRYPTONITE_BENCH_QUICK) console.log('\n[training vs PyTorch] skipped (KRYPTONITE_BENCH_QUICK set; npm run bench:train runs it alone)');
  else await trainingVsPyTorch();
}

async function analyseVsPandas(): Promise<void> {
  const file = await ensureKryptoniteCsv('kryptonite-18-36000.csv', 18, 36000, 18);
  const mb = statSync(file).size / 1e6;
  console.log(`\n[analyse] ${file} (36,000 × 19, ${mb.toFixed(1)} MB)`);
  const report = join(BENCH_DIR, 'report.json');
  // Like for like with pandas: the descriptive report (statistics, histograms, peaks, shape classes, correlation,
  // PCA). The full default run adds the L1 sparsity analysis over every interaction term, which pandas has no peer for.
  const descriptive = timeCommand(process.execPath, [CLI, 'analyse', file, '--quiet', '--no-sparsity', '--no-relevance', '--json', report], RUNS);
  const full = timeCommand(process.execPath, [CLI, 'analyse', file, '--quiet', '--json', report], RUNS);
  if (!descriptive.ok || !full.ok) throw new Error(`kryptonite analyse failed: ${descriptive.stderr || full.stderr}`);
  const ourMs = median(descriptive.wallMs);
  const fullMs = median(full.wallMs);
  console.log(`  kryptonite analyse --no-sparsity --no-relevance (end to end, incl. node start-up): ${fmt(ourMs)}`);
  console.log(`  kryptonite analyse, full (adds baselines, relevance and exact L1 over all 262,143 interaction terms): ${fmt(fullMs)}`);
  const python = findPython('pandas');
  if (!python) {
    console.log('  pandas: not installed (apt-get install python3-pandas) — peer skipped');
    return;
  }
  const script = join(BENCH_DIR, 'pandas_describe.py');
  writeFileSync(
    script,
    'import sys\nimport pandas as pd\ndf = pd.read_csv(sys.argv[1])\nd = df.describe()\nc = df.corr()\nprint(d.shape, c.shape)\n',
  );
  const peer = timeCommand(python, [script, file], RUNS);
  if (!peer.ok) {
    console.log(`  pandas failed: ${peer.stderr.split('\n').pop()}`);
    return;
  }
  const peerMs = median(peer.wallMs);
  console.log(`  pandas read_csv + describe() + corr() (end to end, incl. python start-up): ${fmt(peerMs)}`);
  console.log(`  ratio pandas / kryptonite --no-sparsity = ${(peerMs / ourMs).toFixed(2)}× (> 1: kryptonite is faster, while also finding peaks, classifying shapes and running PCA)`);
  console.log(`  ratio pandas / kryptonite full          = ${(peerMs / fullMs).toFixed(2)}×`);
}

/**
 * The real-table battery: export the tables (once, into BENCH_DIR/battery), run scikit-learn's reference on them in
 * this run (the peer: its per-table time covers the 5-fold CV of two models and the marginal tests), then our
 * analyse on each with the battery's checker. Our time is end to end from spawn; the peer's is python's own clock
 * inside one process (no start-up), so the ratio flatters the peer.
 */
function battery(): void {
  const dir = join(BENCH_DIR, 'battery');
  const here = join(ROOT, 'test', 'bench', 'battery');
  console.log(`\n[battery] 40 real public tables (${dir})`);
  const python = findPython('sklearn');
  const rscript = spawnSync('Rscript', ['--version'], { encoding: 'utf8' });
  if (!python || rscript.status !== 0) {
    console.log('  skipped: needs Rscript (apt-get install r-base-core r-cran-mlbench …, see test/bench/battery/README.md) and python3-sklearn');
    return;
  }
  if (!existsSync(join(dir, 'sklearn_iris.csv'))) {
    const r = spawnSync('Rscript', [join(here, 'export.R'), dir], { encoding: 'utf8' });
    const p = spawnSync(python, [join(here, 'export.py'), dir], { encoding: 'utf8' });
    if (r.status !== 0 || p.status !== 0) {
      console.log(`  skipped: the export failed (${(r.stderr || p.stderr).trim().split('\n').pop()})`);
      return;
    }
  }
  const refFile = join(dir, 'reference.json');
  const ref = spawnSync(python, [join(here, 'reference.py'), dir, '--out', refFile], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (ref.status !== 0 || !existsSync(refFile)) {
    console.log(`  skipped: reference.py failed (${ref.stderr.trim().split('\n').pop()})`);
    return;
  }
  const out = join(dir, 'check.json');
  const check = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'check.ts'), '--data', dir, '--reference', refFile, '--json', out], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!existsSync(out)) {
    console.log(`  the checker failed: ${check.stderr.trim().split('\n').pop()}`);
    return;
  }
  const ours = JSON.parse(readFileSync(out, 'utf8')) as { passed: number; total: number; results: { name: string; wallMs: number; pass: boolean; criteria: { ok: boolean; reason: string }[] }[] };
  const peer = JSON.parse(readFileSync(refFile, 'utf8')) as { tables: { name: string; seconds: number }[] };
  const peerMs = new Map(peer.tables.map((t) => [t.name, t.seconds * 1000]));
  let slowest = 0;
  for (const r of ours.results) {
    const p = peerMs.get(r.name);
    slowest = Math.max(slowest, r.wallMs);
    const failed = r.criteria.flatMap((c, i) => (c.ok ? [] : [`${i + 1}: ${c.reason}`]));
    console.log(
      `  ${r.name.padEnd(24)} kryptonite ${fmt(r.wallMs).padStart(8)}   scikit-learn ${p === undefined ? '—' : fmt(p).padStart(8)}` +
        `${p ? `   ratio ${(p / r.wallMs).toFixed(2)}×` : ''}${failed.length ? `   FAILS ${failed.join('; ')}` : ''}`,
    );
  }
  const total = ours.results.reduce((s, r) => s + r.wallMs, 0);
  const peerTotal = ours.results.reduce((s, r) => s + (peerMs.get(r.name) ?? 0), 0);
  console.log(`  ${ours.passed} of ${ours.total} tables pass every criterion; slowest analyse ${fmt(slowest)} (target ≤ 2 s)`);
  console.log(`  total: kryptonite ${fmt(total)} (end to end, 40 processes) against scikit-learn ${fmt(peerTotal)} (in-process), ratio ${(peerTotal / total).toFixed(2)}×`);
}

interface IngestLine {
  ms: number;
  bytes: number;
  rows: number;
  features: number;
  parser: string;
  floatBytes: number;
  baselineRss: number;
  peakRss: number;
}

function ingestChild(file: string, parser: 'auto' | 'papaparse'): IngestLine {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'ingest.ts'), file, parser], {
    encoding: 'utf8',
    cwd: ROOT,
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`ingest child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as IngestLine;
}

async function ingest(): Promise<void> {
  console.log('\n[ingest] generating 1,000,000 × 50 CSV (first run only) …');
  const file = await ensureKryptoniteCsv('kryptonite-50-1m.csv', 50, 1_000_000, 50);
  const size = statSync(file).size;
  console.log(`  ${file} (${(size / 1e6).toFixed(0)} MB)`);

  const rawMs: number[] = [];
  for (let i = 0; i < 3; i++) rawMs.push(readWhole(file));
  const raw = median(rawMs);

  const fast: IngestLine[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) fast.push(ingestChild(file, 'auto'));
  const fastMs = median(fast.map((x) => x.ms));
  const last = fast[fast.length - 1];

  const slice = join(BENCH_DIR, 'kryptonite-50-slice.csv');
  if (!existsSync(slice)) writeHead(file, slice, 50e6);
  const pp = ingestChild(slice, 'papaparse');

  const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);
  console.log(`  plain read of the file:   ${mbps(size, raw).toFixed(0)} MB/s`);
  console.log(`  kryptonite (${last.parser} path): ${mbps(size, fastMs).toFixed(0)} MB/s (${fmt(fastMs)} for ${last.rows.toLocaleString('en-US')} rows × ${last.features} features + label; target ≥ 100 MB/s)`);
  console.log(`  papaparse path (50 MB):   ${mbps(pp.bytes, pp.ms).toFixed(0)} MB/s → fast path is ${(mbps(size, fastMs) / mbps(pp.bytes, pp.ms)).toFixed(1)}× papaparse`);
  const data = last.floatBytes;
  console.log(
    `  peak RSS ${(last.peakRss / 1e6).toFixed(0)} MB for ${(data / 1e6).toFixed(0)} MB of float32 data = ${(last.peakRss / data).toFixed(2)}× ` +
      `(${((last.peakRss - last.baselineRss) / data).toFixed(2)}× above the ${(last.baselineRss / 1e6).toFixed(0)} MB node baseline; target ≤ 2×)`,
  );
  const python = findPython('pandas');
  if (python) {
    const r = timeCommand(python, ['-c', `import pandas as pd; pd.read_csv(${JSON.stringify(file)}, dtype='float32')`], 1);
    if (r.ok) console.log(`  pandas.read_csv (float32, incl. start-up): ${mbps(size, median(r.wallMs)).toFixed(0)} MB/s → ratio kryptonite / pandas = ${(median(r.wallMs) / fastMs).toFixed(2)}×`);
  }
}

/** Full `analyse` (sparsity included) on generated Kryptonite-N with 1000·N rows: the issue's N = 18 and N = 45. */
async function sparsityScaling(): Promise<void> {
  console.log('\n[analyse with sparsity] generated Kryptonite-N, 1000·N rows');
  for (const n of [18, 30, 45]) {
    const file = await ensureKryptoniteCsv(`kryptonite-${n}-${1000 * n}.csv`, n, 1000 * n, n);
    const out = join(BENCH_DIR, `report-${n}.json`);
    const t = timeCommand(process.execPath, [CLI, 'analyse', file, '--quiet', '--json', out], Math.min(RUNS, 3));
    if (!t.ok) throw new Error(`analyse failed on N=${n}: ${t.stderr}`);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { sparsity: { mode: string; top: { features: string[] }[] }; hypotheses: { rule: string; accuracy: number }[] };
    const h = report.hypotheses[0];
    console.log(
      `  N = ${n}: ${fmt(median(t.wallMs))} end to end (${report.sparsity.mode}; top term of degree ${report.sparsity.top[0]?.features.length ?? 0}; ` +
        `rule ${h ? `found, accuracy ${h.accuracy.toFixed(4)}` : 'not found'})`,
    );
  }
}

/**
 * Issue 13's small-file target: the whole `analyse` process on the real Kryptonite-9 `.npy` (every stage: statistics,
 * correlation, PCA, the baselines' 5-fold CV, relevance, the exact L1 analysis, the XOR conjecture) against the
 * published L1 pipeline in scikit-learn on the same file (test/bench/sklearn_l1.py at degree 9, all 511 interaction
 * terms, timed end to end with python's start-up like ours), both in this run. The issue quotes 18.6 s for an SGD-L1
 * pipeline that is not in this repository; its ratio is printed beside, from that figure, and says so.
 */
function kryptonite9VsSklearn(): void {
  const x = join(ROOT, '..', 'shared', 'data', 'kryptonite-9-X.npy');
  const y = join(ROOT, '..', 'shared', 'data', 'kryptonite-9-y.npy');
  console.log('\n[analyse vs scikit-learn] real Kryptonite-9 .npy (18,000 × 9), the whole process');
  if (!existsSync(x) || !existsSync(y)) {
    console.log(`  ${x} not found — skipped`);
    return;
  }
  const report = join(BENCH_DIR, 'report-k9.json');
  const ours = timeCommand(process.execPath, [CLI, 'analyse', x, '--quiet', '--json', report], Math.max(RUNS, 7));
  if (!ours.ok) throw new Error(`kryptonite analyse failed: ${ours.stderr}`);
  const ourMs = median(ours.wallMs);
  const rule = (JSON.parse(readFileSync(report, 'utf8')) as { hypotheses?: { rule: string; accuracy: number }[] }).hypotheses?.[0];
  console.log(`  kryptonite analyse: ${fmt(ourMs)} end to end (median of ${ours.wallMs.length}); rule ${rule ? `found, accuracy ${rule.accuracy.toFixed(4)}` : 'not found'}`);
  console.log(`  the issue's SGD-L1 pipeline (18.6 s, its figure; not in this repository, not re-run): ${(18_600 / ourMs).toFixed(0)}× (target ≥ 100×)`);
  const python = findPython('sklearn');
  if (!python) {
    console.log('  scikit-learn: not installed (apt-get install python3-sklearn) — peer skipped');
    return;
  }
  const peer = timeCommand(python, [join(__dirname, 'sklearn_l1.py'), x, y, '9'], 3);
  if (!peer.ok) {
    console.log(`  scikit-learn failed: ${peer.stderr.split('\n').pop()}`);
    return;
  }
  const peerMs = median(peer.wallMs);
  console.log(`  scikit-learn L1 pipeline, all 511 interaction terms (end to end, incl. python start-up, median of 3): ${fmt(peerMs)}`);
  console.log(`  ratio scikit-learn / kryptonite = ${(peerMs / ourMs).toFixed(1)}× (kryptonite also runs the statistics, baselines, relevance and conjecture)`);
}

/**
 * The published pipeline in scikit-learn (StandardScaler → PolynomialFeatures(interaction_only, degree 8) →
 * LogisticRegression(penalty='l1', liblinear)) on Kryptonite-12, against `kryptonite sparsity --degree 1..8` on the
 * same file: time ratio, and whether both reach the same top term.
 */
function sparsityVsSklearn(): void {
  const x = join(ROOT, '..', 'shared', 'data', 'kryptonite-12-X.npy');
  const y = join(ROOT, '..', 'shared', 'data', 'kryptonite-12-y.npy');
  console.log('\n[sparsity vs scikit-learn] Kryptonite-12, interaction-only degree 1..8 (3,796 terms)');
  if (!existsSync(x)) {
    console.log(`  ${x} not found — skipped`);
    return;
  }
  const python = findPython('sklearn');
  const ours = timeCommand(process.execPath, [CLI, 'sparsity', x, '--degree', '1..8', '--json', join(BENCH_DIR, 'sparsity-12.json')], RUNS);
  if (!ours.ok) throw new Error(`kryptonite sparsity failed: ${ours.stderr}`);
  const report = JSON.parse(readFileSync(join(BENCH_DIR, 'sparsity-12.json'), 'utf8')) as { sparsity: { top: { features: string[] }[]; holdout: { test: { accuracy: number } } } };
  const ourMs = median(ours.wallMs);
  const ourTop = report.sparsity.top[0].features;
  console.log(`  kryptonite sparsity: ${fmt(ourMs)} end to end; top term ${ourTop.join('·')}; hold-out ${report.sparsity.holdout.test.accuracy.toFixed(4)}`);
  if (!python) {
    console.log('  scikit-learn: not installed (apt-get install python3-sklearn) — peer skipped');
    return;
  }
  console.log('  scikit-learn (one run; it takes minutes) …');
  const t = process.hrtime.bigint();
  const r = spawnSync(python, [join(__dirname, 'sklearn_l1.py'), x, y, '8'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const peerMs = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) {
    console.log(`  scikit-learn failed: ${(r.stderr || '').trim().split('\n').pop()}`);
    return;
  }
  const peer = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { top: string[]; nonzero: number; holdout_accuracy: number; matrix_mb: number };
  const same = peer.top.join('·') === ourTop.join('·');
  console.log(
    `  scikit-learn: ${fmt(peerMs)} end to end; top term ${peer.top.join('·')}; ${peer.nonzero} non-zero of 3,796; hold-out ${peer.holdout_accuracy.toFixed(4)}; expansion ${peer.matrix_mb.toFixed(0)} MB`,
  );
  console.log(`  ratio scikit-learn / kryptonite = ${(peerMs / ourMs).toFixed(0)}× — same top term: ${same ? 'yes' : 'NO'}`);
}

function readWhole(file: string): number {
  const t = process.hrtime.bigint();
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(4 << 20);
  while (readSync(fd, buf, 0, buf.length, null) > 0);
  closeSync(fd);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** The first `bytes` of a CSV, cut at a line end. */
function writeHead(file: string, out: string, bytes: number): void {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(bytes);
  const got = readSync(fd, buf, 0, bytes, 0);
  closeSync(fd);
  const end = buf.lastIndexOf(10, got - 1);
  writeFileSync(out, buf.subarray(0, end + 1));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

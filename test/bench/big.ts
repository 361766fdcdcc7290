/**
 * Big tables (issue: big data, all cores, Parquet). On `kryptonite generate --features 50 --rows 1000000 --seed 3`
 * (a 561 MB CSV) it measures, in this run:
 *
 * - the full `analyse` on 1 thread and on 2, three pairs in turn (medians, and the ratio pair by pair), its peak RSS
 *   against the float32 data, and whether the Kryptonite answer (the generator's relevant set) was found;
 * - `analyse --no-sparsity --no-relevance` against pandas read_csv + describe() + corr() (the peer), three runs each
 *   in turn, medians;
 * - the same data as Parquet (written by hyparquet-writer, snappy): time and the largest statistic difference;
 * - when DuckDB is installed beside the project (`npm i --no-save @duckdb/node-api`; not a dependency), the same data
 *   as DuckDB's COPY writes it by default (doubles, version-1 pages with definition levels, snappy — pyarrow's layout
 *   too) and with PARQUET_VERSION V2 and zstd (byte-stream-split doubles): time against the CSV, and the same report;
 * - with KRYPTONITE_BENCH_HUGE=1, a 20,000,000 × 50 CSV (≈ 11 GB, built once from 20 generated million-row parts)
 *   under the default memory budget: time, peak RSS and the report's scale section.
 *
 * Peak RSS comes from the child itself (process.resourceUsage().maxRSS at exit, threads included), via --require.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { BENCH_DIR, findPython, fmt } from './util';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const RSS = join(__dirname, 'maxRss.cjs');

interface Run {
  readonly ms: number;
  readonly rssMB: number;
  readonly stdout: string;
}

/** The median of an odd number of values. */
function mid(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function runCli(args: readonly string[]): Run {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', RSS, CLI, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`kryptonite ${args.join(' ')} failed: ${r.stderr}`);
  const kb = Number(/KRYPTONITE_MAX_RSS_KB (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { ms, rssMB: kb / 1024, stdout: r.stdout };
}

function generate(file: string, rows: number, rowSeed?: number): string {
  if (existsSync(file) && statSync(file).size > 0) return readFileSync(`${file}.truth.json`, 'utf8');
  const args = [CLI, 'generate', '--features', '50', '--rows', String(rows), '--seed', '3', ...(rowSeed !== undefined ? ['--row-seed', String(rowSeed)] : []), '--out', `${file}.partial.csv`];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`generate failed: ${r.stderr}`);
  // The CLI writes a CSV for a name ending in .csv (anything else is a .npy prefix).
  renameSync(`${file}.partial.csv`, file);
  writeFileSync(`${file}.truth.json`, r.stdout);
  return r.stdout;
}

function relevantOf(truth: string): string[] {
  const t = JSON.parse(truth.slice(truth.indexOf('{'))) as { relevant?: string[]; relevantFeatures?: string[] };
  return [...(t.relevant ?? t.relevantFeatures ?? [])].sort();
}

export async function bigTables(): Promise<void> {
  const file = join(BENCH_DIR, 'kryptonite-50-1m-seed3.csv');
  console.log(`\n[big] ${file}: kryptonite generate --features 50 --rows 1000000 --seed 3`);
  const truth = generate(file, 1_000_000);
  const mb = statSync(file).size / 1e6;
  const float32MB = (1_000_000 * 51 * 4) / (1024 * 1024);
  console.log(`  ${mb.toFixed(0)} MB CSV; its float32 data: ${float32MB.toFixed(0)} MiB`);
  const report = join(BENCH_DIR, 'big-report.json');
  // Three pairs, 1 thread then 2 threads in turn: medians, and the ratio pair by pair (one pair is a coin toss).
  const ones: Run[] = [];
  const twos: Run[] = [];
  for (let k = 0; k < 3; k++) {
    ones.push(runCli(['analyse', file, '--quiet', '--threads', '1', '--json', report]));
    twos.push(runCli(['analyse', file, '--quiet', '--threads', '2', '--json', report]));
  }
  const r = JSON.parse(readFileSync(report, 'utf8')) as { features: { name: string; relevance?: string }[]; settings: { threads?: number } };
  const found = r.features.filter((f) => f.relevance === 'relevant').map((f) => f.name).sort();
  const expected = relevantOf(truth);
  const oneMs = mid(ones.map((x) => x.ms));
  const twoMs = mid(twos.map((x) => x.ms));
  const ratios = ones.map((x, k) => x.ms / twos[k].ms).sort((a, b) => a - b);
  const twoRss = Math.max(...twos.map((x) => x.rssMB));
  console.log(`  full analyse, 1 thread:  ${fmt(oneMs)} (median of 3), peak RSS ${Math.min(...ones.map((x) => x.rssMB)).toFixed(0)}–${Math.max(...ones.map((x) => x.rssMB)).toFixed(0)} MiB`);
  console.log(`  full analyse, 2 threads: ${fmt(twoMs)} (median of 3), peak RSS ${Math.min(...twos.map((x) => x.rssMB)).toFixed(0)}–${twoRss.toFixed(0)} MiB (report: ${r.settings.threads} threads)`);
  console.log(
    `  ratio 1 thread / 2 threads = ${(oneMs / twoMs).toFixed(2)}× (pairs ${ratios.map((x) => x.toFixed(2)).join(', ')}; target ≥ 1.6×); peak RSS / float32 data = ${(twoRss / float32MB).toFixed(2)}× at most (target ≤ 2×)`,
  );
  console.log(`  relevant set found: ${found.length} features, ${expected.length > 0 ? (JSON.stringify(found) === JSON.stringify(expected) ? 'the generator\'s relevant set exactly' : `NOT the generator's (${expected.length})`) : 'no ground truth printed'}`);

  // Against pandas: three runs each, in turn, medians.
  const ours: number[] = [];
  const peers: number[] = [];
  const python = findPython('pandas');
  let peerError: string | null = null;
  for (let k = 0; k < 3; k++) {
    ours.push(runCli(['analyse', file, '--quiet', '--no-sparsity', '--no-relevance']).ms);
    if (!python || peerError !== null) continue;
    const t = process.hrtime.bigint();
    const p = spawnSync(python, ['-c', `import pandas as pd; df = pd.read_csv(${JSON.stringify(file)}); d = df.describe(); c = df.corr(); print(d.shape, c.shape)`], { encoding: 'utf8' });
    if (p.status === 0) peers.push(Number(process.hrtime.bigint() - t) / 1e6);
    else peerError = p.stderr.trim().split('\n').pop() ?? 'failed';
  }
  console.log(`  analyse --no-sparsity --no-relevance: ${fmt(mid(ours))} (median of 3)`);
  if (!python) console.log('  pandas: not installed (apt-get install python3-pandas) — peer skipped');
  else if (peerError !== null) console.log(`  pandas failed: ${peerError}`);
  else console.log(`  pandas read_csv + describe() + corr(): ${fmt(mid(peers))} (median of 3) → ratio pandas / kryptonite = ${(mid(peers) / mid(ours)).toFixed(2)}× (target ≥ 5×)`);

  // The same data as Parquet, written by a standard writer.
  const parquet = join(BENCH_DIR, 'kryptonite-50-1m-seed3.parquet');
  if (!existsSync(parquet)) await writeParquet(file, parquet);
  const csvReport = join(BENCH_DIR, 'big-csv.json');
  const pqReport = join(BENCH_DIR, 'big-parquet.json');
  // Three runs each, alternating, medians: single runs of two similar times are a coin toss.
  const csvMs: number[] = [];
  const pqMs: number[] = [];
  for (let k = 0; k < 3; k++) {
    csvMs.push(runCli(['analyse', file, '--quiet', '--no-sparsity', '--no-relevance', '--json', csvReport]).ms);
    pqMs.push(runCli(['analyse', parquet, '--quiet', '--no-sparsity', '--no-relevance', '--json', pqReport]).ms);
  }
  const worst = largestStatDifference(csvReport, pqReport);
  console.log(
    `  Parquet (snappy, ${(statSync(parquet).size / 1e6).toFixed(0)} MB), --no-sparsity --no-relevance, median of 3: ${fmt(mid(pqMs))} against the CSV's ${fmt(mid(csvMs))} (ratio CSV / Parquet = ${(mid(csvMs) / mid(pqMs)).toFixed(2)}×); largest relative statistic difference ${worst.toExponential(1)}`,
  );
  await duckdbParquet(file, csvReport, mid(csvMs));
  // The same Parquet file streamed: a 100 MiB budget forces the row-slice path.
  const streamedReport = join(BENCH_DIR, 'big-parquet-streamed.json');
  const streamed = runCli(['analyse', parquet, '--quiet', '--memory', '100', '--json', streamedReport]);
  const sr = JSON.parse(readFileSync(streamedReport, 'utf8')) as { features: { name: string; relevance?: string }[]; scale?: { sample: { rows: number } } };
  const streamedFound = sr.features.filter((f) => f.relevance === 'relevant').map((f) => f.name).sort();
  console.log(
    `  Parquet streamed under a 100 MiB budget (full analyse): ${fmt(streamed.ms)}, peak RSS ${streamed.rssMB.toFixed(0)} MiB, sample of ${sr.scale?.sample.rows ?? '?'} rows; relevant set ${JSON.stringify(streamedFound) === JSON.stringify(expected) ? "the generator's exactly" : `NOT the generator's (${streamedFound.length} found)`}`,
  );

  if (!process.env.KRYPTONITE_BENCH_HUGE) {
    console.log('  20,000,000 × 50 (≈ 11 GB): skipped (set KRYPTONITE_BENCH_HUGE=1; the file is built once, about 10 minutes)');
    return;
  }
  const huge = join(BENCH_DIR, 'kryptonite-50-20m.csv');
  if (!existsSync(huge)) await buildHuge(huge);
  const run = runCli(['analyse', huge, '--quiet', '--json', report]);
  const scale = (JSON.parse(readFileSync(report, 'utf8')) as { scale?: { rows: number; sample: { rows: number }; sketched: { rankError: number } } }).scale;
  console.log(`  20M × 50 (${(statSync(huge).size / 1e9).toFixed(1)} GB), default memory budget: ${fmt(run.ms)} (target ≤ 3 min), peak RSS ${run.rssMB.toFixed(0)} MiB (target ≤ 2048)`);
  console.log(`  ${scale ? `streamed ${scale.rows.toLocaleString('en-US')} rows; sample ${scale.sample.rows.toLocaleString('en-US')} rows, quantile rank error ≤ ${scale.sketched.rankError.toFixed(4)}` : 'NOT streamed'}`);
}

/**
 * The same data written by DuckDB's COPY, when DuckDB is installed: by default (doubles, version-1 pages, snappy) and
 * as version 2 with zstd. Three runs each against the CSV's median from the section above (measured just before).
 */
async function duckdbParquet(csv: string, csvReport: string, csvMs: number): Promise<void> {
  type Duck = { DuckDBInstance: { create(path: string): Promise<{ connect(): Promise<{ run(sql: string): Promise<unknown> }> }> } };
  let duck: Duck;
  try {
    duck = (await import('@duckdb/node-api' as string)) as Duck;
  } catch {
    console.log('  Parquet written by DuckDB: skipped (npm i --no-save @duckdb/node-api to measure it)');
    return;
  }
  for (const [name, options, what] of [
    ['kryptonite-50-1m-seed3.duckdb.parquet', '', "DuckDB's COPY defaults: doubles, version-1 pages, snappy"],
    ['kryptonite-50-1m-seed3.duckdb-v2-zstd.parquet', ', COMPRESSION zstd, PARQUET_VERSION V2', 'DuckDB, version 2, zstd: byte-stream-split doubles'],
  ]) {
    const out = join(BENCH_DIR, name);
    if (!existsSync(out)) {
      const connection = await (await duck.DuckDBInstance.create(':memory:')).connect();
      await connection.run(`COPY (SELECT * FROM read_csv('${csv.replace(/'/g, "''")}', header = true)) TO '${out.replace(/'/g, "''")}' (FORMAT parquet${options})`);
    }
    const report = join(BENCH_DIR, name.replace(/\.parquet$/, '.json'));
    const ms: number[] = [];
    for (let k = 0; k < 3; k++) ms.push(runCli(['analyse', out, '--quiet', '--no-sparsity', '--no-relevance', '--json', report]).ms);
    console.log(
      `  Parquet (${what}, ${(statSync(out).size / 1e6).toFixed(0)} MB), median of 3: ${fmt(mid(ms))} against the CSV's ${fmt(csvMs)} (ratio CSV / Parquet = ${(csvMs / mid(ms)).toFixed(2)}×); largest relative statistic difference ${largestStatDifference(csvReport, report).toExponential(1)}`,
    );
  }
}

async function writeParquet(csv: string, out: string): Promise<void> {
  const { parquetWriteBuffer } = (await import('hyparquet-writer')) as { parquetWriteBuffer: (o: unknown) => ArrayBuffer };
  // Line by line in 64 MB blocks (the file is larger than the longest string V8 makes).
  const rows = 1_000_000;
  let header: string[] = [];
  let cols: Float32Array[] = [];
  let y = new Int32Array(rows);
  let i = -1;
  const fd = openSync(csv, 'r');
  const buf = Buffer.allocUnsafe(64 * 1024 * 1024);
  let rest = '';
  for (let position = 0; ; ) {
    const got = readSync(fd, buf, 0, buf.length, position);
    position += got;
    const text = rest + buf.toString('latin1', 0, got);
    const lines = text.split('\n');
    rest = got === 0 ? '' : (lines.pop() ?? '');
    for (const line of lines) {
      if (line === '') continue;
      const cells = line.split(',');
      if (i < 0) {
        header = cells;
        cols = header.map(() => new Float32Array(rows));
        y = new Int32Array(rows);
      } else {
        for (let j = 0; j < header.length; j++) {
          if (header[j] === 'y') y[i] = Number(cells[j]);
          else cols[j][i] = Number(cells[j]);
        }
      }
      i++;
    }
    if (got === 0) break;
  }
  closeSync(fd);
  const columnData = header.map((name, j) => (name === 'y' ? { name, data: y.subarray(0, i), type: 'INT32' } : { name, data: cols[j].subarray(0, i), type: 'FLOAT' }));
  writeFileSync(out, Buffer.from(parquetWriteBuffer({ columnData, codec: 'SNAPPY', rowGroupSize: 100_000 })));
}

function largestStatDifference(a: string, b: string): number {
  type R = { features: { name: string; stats: Record<string, number | null> }[] };
  const x = JSON.parse(readFileSync(a, 'utf8')) as R;
  const y = JSON.parse(readFileSync(b, 'utf8')) as R;
  let worst = 0;
  for (const f of x.features) {
    const g = y.features.find((h) => h.name === f.name);
    if (!g) return Infinity;
    for (const k of ['count', 'missing', 'mean', 'sd', 'min', 'max', 'skewness', 'kurtosis']) {
      const u = f.stats[k];
      const v = g.stats[k];
      if (u === null || v === null) continue;
      worst = Math.max(worst, Math.abs(u - v) / Math.max(1e-12, Math.abs(u)));
    }
  }
  return worst;
}

/** 20 million rows: the seed-3 structure with 20 row seeds, a million rows each, one header. */
async function buildHuge(out: string): Promise<void> {
  const stream = createWriteStream(`${out}.partial`);
  for (let part = 0; part < 20; part++) {
    const piece = join(BENCH_DIR, `huge-part-${part}.csv`);
    generate(piece, 1_000_000, 100 + part);
    // Byte blocks (a part is larger than the longest string V8 makes); every part after the first loses its header.
    const fd = openSync(piece, 'r');
    for (let position = 0, first = true; ; first = false) {
      const buf = Buffer.allocUnsafe(16 * 1024 * 1024);
      const got = readSync(fd, buf, 0, buf.length, position);
      if (got === 0) break;
      position += got;
      const from = first && part > 0 ? buf.indexOf(0x0a) + 1 : 0;
      if (!stream.write(buf.subarray(from, got))) await once(stream, 'drain');
    }
    closeSync(fd);
  }
  stream.end();
  await once(stream, 'finish');
  renameSync(`${out}.partial`, out);
}

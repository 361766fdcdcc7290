/**
 * Training on the real-table battery: runs `kryptonite train FILE --label NAME` (the defaults a user gets, with the
 * manifest's permuted copies excluded) on every table of manifest.json and compares the test score of its seeded
 * 60/20/20 split with scikit-learn's best 5-fold CV (logistic/ridge regression or histogram gradient boosting) in
 * reference.json. See README.md in this folder.
 *
 *   node --import tsx test/bench/battery/train.ts [--data DIR] [--cli dist/cli.js] [--only NAME[,NAME…]] [--seed N]
 *
 * A table passes when its test accuracy is at most 0.04 below the reference (0.06 R² for a regression). Our number
 * is one seeded test split (20 % of the rows), the reference a 5-fold mean: on a table of a few hundred rows the
 * split alone moves accuracy by a few points either way, which the table prints beside each result.
 * Exit status: 0 when every table passes, 1 when some fail, 2 when the battery cannot run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const HERE = __dirname;
const ROOT = resolve(HERE, '..', '..', '..');

interface Table {
  readonly name: string;
  readonly file: string;
  readonly label: string;
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly permutedCopies?: readonly string[];
}

interface Reference {
  readonly name: string;
  readonly cv: { readonly metric: string; readonly models: Record<string, { readonly mean: number }> };
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function main(): number {
  const data = option('--data') ?? '/tmp/kryptonite-battery';
  const cli = resolve(option('--cli') ?? join(ROOT, 'dist', 'cli.js'));
  const only = option('--only')?.split(',');
  const seed = option('--seed');
  const manifest = JSON.parse(readFileSync(join(HERE, 'manifest.json'), 'utf8')) as { tables: Table[] };
  const reference = JSON.parse(readFileSync(join(HERE, 'reference.json'), 'utf8')) as { tables: Reference[] };
  if (!existsSync(cli)) {
    console.error(`no CLI at ${cli}: run npm run build`);
    return 2;
  }
  const out = mkdtempSync(join(tmpdir(), 'kryptonite-train-battery-'));
  let passed = 0;
  let total = 0;
  let wall = 0;
  console.log(`Training on the real-table battery (${data}); reference: scikit-learn's best 5-fold CV`);
  try {
    for (const table of manifest.tables) {
      if (only && !only.includes(table.name)) continue;
      const file = join(data, table.file);
      const ref = reference.tables.find((r) => r.name === table.name);
      if (!existsSync(file) || !ref) {
        console.log(`SKIP ${table.name}: ${existsSync(file) ? 'no reference' : `no ${file}`}`);
        continue;
      }
      total++;
      const json = join(out, `${table.name}.json`);
      const args = [cli, 'train', file, '--label', table.label, '--json', json, '--quiet'];
      if (table.permutedCopies && table.permutedCopies.length > 0) args.push('--exclude', table.permutedCopies.join(','));
      if (seed !== undefined) args.push('--seed', seed);
      const t0 = performance.now();
      const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const seconds = (performance.now() - t0) / 1000;
      wall += seconds;
      const models = Object.entries(ref.cv.models);
      const [bestName, best] = models.reduce((a, b) => (b[1].mean > a[1].mean ? b : a));
      if (run.status !== 0 || !existsSync(json)) {
        console.log(`FAIL ${table.name.padEnd(24)} exit ${run.status}: ${(run.stderr ?? '').trim().split('\n').pop()}`);
        continue;
      }
      const report = (JSON.parse(readFileSync(json, 'utf8')) as { training: { task: string; test: { accuracy: number | null; r2?: number; rows: number }; selection?: { chosen: string }; config: { model: string } } }).training;
      const regression = report.task === 'regression';
      const ours = regression ? (report.test.r2 ?? NaN) : (report.test.accuracy ?? NaN);
      const tolerance = regression ? 0.06 : 0.04;
      const ok = ours >= best.mean - tolerance;
      if (ok) passed++;
      // The test split's own sampling error (binomial for accuracy), for reading a near miss.
      const se = regression ? NaN : Math.sqrt((ours * (1 - ours)) / Math.max(1, report.test.rows));
      const model = report.selection ? `${report.config.model} (kept over ${report.selection.chosen === 'mlp' ? 'linear' : 'mlp'})` : report.config.model;
      console.log(
        `${ok ? 'PASS' : 'FAIL'} ${table.name.padEnd(24)} ${report.task.padEnd(10)} test ${regression ? 'R²' : 'acc'} ${ours.toFixed(3)}` +
          `${Number.isFinite(se) ? ` ± ${se.toFixed(3)}` : ''} vs scikit-learn ${bestName} ${best.mean.toFixed(3)}  ${model}  ${seconds.toFixed(1)} s`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  console.log(`\n${passed} of ${total} tables within 0.04 accuracy / 0.06 R² of scikit-learn's best 5-fold CV; ${wall.toFixed(1)} s in all`);
  return passed === total ? 0 : 1;
}

process.exit(main());

/** `kryptonite compare A B`: argv → compareFiles → a table for the terminal, and the JSON section. */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { FEATURE_CELL_TITLES, featureCells, pValueText as p } from '../engine/compare/cells';
import type { CompareReport } from '../engine/compare/compare';
import { compareFiles } from '../engine/tasks/compareFiles';
import { cliTaskRunner } from './jit';
import { typeOptions } from './train';

export class CompareUsageError extends Error {}

export const COMPARE_HELP = `  kryptonite compare A B [--json OUT|-] [--no-classifier] [--type COLUMN=TYPE]... [--seed N] [--threads N]
      Do two tables with the same features (a training set and its hidden test set, say) come from the same
      distribution? Per feature: the shape class on each side, the KS test (χ² for values and levels),
      the population stability index, the mean and sd shift, each flagged or not at a false discovery
      rate of 0.05 (Benjamini–Hochberg); as a whole: a classifier two-sample test (gradient boosting told
      to tell A's rows from B's; out-of-fold AUC with its 95 % interval: 0.5 = indistinguishable). A label
      both tables carry is compared too (target drift). --json writes {"compare": …} to OUT or stdout.
`;

export async function compareCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'string' },
        'no-classifier': { type: 'boolean' },
        type: { type: 'string', multiple: true },
        seed: { type: 'string' },
        threads: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
      },
    });
  } catch (error) {
    throw new CompareUsageError(error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw new CompareUsageError(`compare takes two dataset paths, got ${positionals.length}`);
  const seed = values.seed === undefined ? undefined : integer('--seed', values.seed, 0);
  const threads = values.threads === undefined ? undefined : integer('--threads', values.threads, 1);
  const runner = cliTaskRunner(threads);
  const report = await compareFiles(positionals[0], positionals[1], {
    seed,
    classifier: !values['no-classifier'],
    columnTypes: typeOptions(values.type),
    runner: runner ?? undefined,
  }).finally(() => runner?.close());
  const json = values.json;
  const text = JSON.stringify({ compare: report }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
  if (json === '-') {
    process.stdout.write(text + '\n');
    return 0;
  }
  if (json !== undefined) await writeFile(json, text + '\n');
  if (!values.quiet) process.stdout.write(formatCompare(report));
  return 0;
}

function integer(name: string, text: string, min: number): number {
  const x = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(x) || x < min) throw new CompareUsageError(`${name} expects an integer ≥ ${min}, got "${text}"`);
  return x;
}

export function formatCompare(r: CompareReport): string {
  const out: string[] = [];
  out.push(`A: ${r.a.path} (${r.a.rows.toLocaleString('en-US')} rows × ${r.a.features} features${r.a.label ? `, label ${r.a.label}` : ''})`);
  out.push(`B: ${r.b.path} (${r.b.rows.toLocaleString('en-US')} rows × ${r.b.features} features${r.b.label ? `, label ${r.b.label}` : ''})`);
  out.push('');
  out.push(r.summary);
  out.push('');
  if (r.classifierTest) {
    const c = r.classifierTest;
    out.push(`classifier two-sample test: ${c.model}, ${c.validation}; AUC ${c.auc.toFixed(3)} [${c.ci95[0].toFixed(3)}, ${c.ci95[1].toFixed(3)}], p(AUC > 0.5) = ${p(c.p)}${c.linearAuc !== null ? `; linear model AUC ${c.linearAuc.toFixed(3)}` : ''}${c.sampled ? `; ${c.sampled}` : ''}`);
  }
  out.push(`${r.errorControl.description}`);
  out.push('');
  const header = ['', 'feature', ...FEATURE_CELL_TITLES];
  const rows = r.features.map((f) => [f.flagged ? '*' : '', f.name, ...featureCells(f)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 1 || i === 9 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  out.push(line(header));
  for (const row of rows) out.push(line(row));
  out.push('* differs at FDR ' + r.errorControl.fdr);
  for (const t of r.typeChanged) out.push(`* ${t.name}: ${t.a} in A, ${t.b} in B (not comparable: counted as changed)`);
  if (r.label) out.push(`label ${r.label.name}: ${r.label.verdict}`);
  out.push(`(${(r.timings.totalMs / 1000).toFixed(2)} s)`);
  return out.join('\n') + '\n';
}

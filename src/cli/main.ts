import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { COLUMN_TYPES, LABEL_TASKS } from '../engine/dataset';
import type { ColumnType, LabelTask } from '../engine/dataset';
import { analyseDataset, analyseFile } from '../engine/tasks/analyseFile';
import { evaluateRules } from '../engine/tasks/evaluateRules';
import { DEFAULT_SEED } from '../engine/random';
import { loadDataset } from '../engine/io/load';
import { DatasetError } from '../engine/errors';
import { writeNpy } from '../engine/io/npy/write';
import { reportToJson } from '../engine/report';
import { generateKryptonite, kryptoniteCsvChunks } from '../engine/synth/kryptonite';
import type { KryptoniteShape } from '../engine/synth/kryptonite';
import { ENGINE_VERSION } from '../engine/version';
import { COMPARE_HELP, compareCommand, CompareUsageError } from './compare';
import { formatReport, formatSparsity } from './format';
import { cliTaskRunner } from './jit';
import { carbonIntensityOption, nameList, predictCommand, taskOption, TRAIN_HELP, trainCommand, TrainUsageError, typeOptions } from './train';

/** Exit codes: 0 success, 1 internal failure (a bug: please report), 2 unusable input or arguments. */
const EXIT_INTERNAL = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

const HELP = `kryptonite ${ENGINE_VERSION} — dataset forensics

Usage:
  kryptonite analyse PATH [--label NAME|INDEX] [--no-label] [--task binary|multiclass|regression]
                          [--type COLUMN=TYPE]... [--exclude NAME[,NAME]]... [--json OUT|-] [--quiet] [--seed N]
                          [--no-sparsity] [--no-relevance] [--budget SIZE] [--sample ROWS] [--threads N]
                          [--memory MB] [--carbon-intensity G]
      Describe every column of a CSV/TSV file (plain, .gz or .zst), a Parquet file, an Arrow IPC / Feather v2
      file or a NumPy .npy file (NAME-X.npy pairs with NAME-y.npy):
      its type (numeric, binary, categorical, boolean, datetime, identifier, text — --type overrides,
      e.g. --type zip=categorical; --exclude leaves features out, listed as "excluded by the user"),
      statistics and shape; for a label, the task (--task overrides), how learnable it is (baselines),
      each feature's relevance with its evidence, data-quality alerts and the
      L1 sparsity analysis over interaction terms (L1 logistic regression for two classes, the lasso for a
      numeric target, one model per class for more classes — one-vs-rest). --json writes the full
      report (schema kryptonite.report/2) to OUT, or to stdout with "-". --budget caps the memory of the
      interaction expansion (default 256M); --sample analyses a seeded sample of at most ROWS rows of a
      huge file (the report says so); --no-relevance skips the baselines and relevance (a quick look);
      --threads runs the heavy passes on N threads (default: the cores, at most 4; the report is the same and
      says how many ran). --memory is the memory budget in MiB (default 1024): a CSV (plain, .gz or .zst), Parquet
      or Arrow file whose in-memory analysis would need more is streamed — count, moments, min/max and
      correlations exact over every row, quantiles, shapes and the label analyses on a seeded sample — and the
      report's scale section says which is which.
      The energy line (and the report's energy section) is priced at G gCO2eq/kWh (--carbon-intensity;
      default 475, the world average CodeCarbon uses).
  kryptonite sparsity PATH [--label L] [--degree A..B] [--candidates x1,x4,…] [--lambda L] [--budget SIZE]
                           [--representation auto|binarised|continuous] [--powers] [--seed N] [--json OUT|-]
      The L1 sparsity analysis by hand: standardised interaction-only terms of the candidate features (default:
      chosen automatically) with degrees A..B, L1 logistic regression (the lasso for a numeric target, one
      model per class for more than two) at λ = L (default: chosen on the validation split), the top terms,
      hold-out accuracy (R² for a number) and the reasoning steps. Two-valued features are
      binarised (products are parity characters, all degrees exact); continuous ones use standardised
      values up to degree 2; --powers adds their squares.
  kryptonite test PATH "RULE" [--label L] [--seed N] [--json OUT|-]
      Evaluate one hypothesis, e.g. "xor(bin(x2), bin(x4), bin(x5))": accuracy with its 95 % interval on all
      labelled rows and on the seeded test split, the confusion matrix, and the accuracy without each feature.
      Grammar: names or #index (0-based), numbers, + - * /, > >= < <= == !=, not, and, xor, or,
      xor(…)/and(…)/or(…), bin(x) (cut at the gap between x's two peaks, else at its mean), // comments.
  kryptonite generate --features N [--rows R] [--seed S] [--noise P] [--row-seed T] [--noise-family xK=SHAPE]...
                     --out FILE.csv|PREFIX
      Write a Kryptonite-like dataset (published construction: N/3 irrelevant burst-like features, label =
      parity of the binarised relevant ones, flipped with probability P). FILE.csv writes one CSV; any other
      PREFIX writes PREFIX-X.npy and PREFIX-y.npy. The ground truth is printed as JSON. --row-seed draws
      another sample of the same distribution (structure from --seed, rows from T); --noise-family xK=spread
      draws feature K's noise from another family (burst, gaussian, spread), the label untouched.
${TRAIN_HELP}${COMPARE_HELP}  kryptonite --help | --version

Exit status: 0 success, 2 unusable input or arguments (message on stderr), 1 internal error.
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'analyse':
      case 'analyze':
        return await analyseCommand(rest);
      case 'generate':
        return await generateCommand(rest);
      case 'sparsity':
        return await sparsityCommand(rest);
      case 'test':
        return await testCommand(rest);
      case 'train':
        return await trainCommand(rest);
      case 'predict':
        return await predictCommand(rest);
      case 'compare':
        return await compareCommand(rest);
      case '--version':
      case '-v':
        process.stdout.write(`${ENGINE_VERSION}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(HELP);
        return command === undefined ? EXIT_USAGE : 0;
      default:
        throw new UsageError(`unknown command "${command}" (expected analyse, sparsity, test, generate, train, predict or compare; see kryptonite --help)`);
    }
  } catch (error) {
    return reportFailure(error);
  }
}

async function analyseCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    label: { type: 'string' },
    'no-label': { type: 'boolean' },
    json: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    seed: { type: 'string' },
    'no-sparsity': { type: 'boolean' },
    'no-relevance': { type: 'boolean' },
    budget: { type: 'string' },
    sample: { type: 'string' },
    task: { type: 'string' },
    type: { type: 'string', multiple: true },
    exclude: { type: 'string', multiple: true },
    threads: { type: 'string' },
    memory: { type: 'string' },
    'carbon-intensity': { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(`analyse takes one dataset path, got ${positionals.length}`);
  const exclude = nameList('--exclude', values.exclude);
  const label = str(values.label);
  if (label !== undefined && values['no-label']) throw new UsageError('--label and --no-label contradict each other');
  const seedText = str(values.seed);
  const seed = seedText === undefined ? undefined : integerOption('--seed', seedText);
  const budgetText = str(values.budget);
  const sampleText = str(values.sample);
  const task = taskOption(str(values.task));
  if (task !== undefined && values['no-label']) throw new UsageError('--task needs a label, but --no-label was given');
  const threadsText = str(values.threads);
  const runner = cliTaskRunner(threadsText === undefined ? undefined : integerOption('--threads', threadsText, 1));
  // The threads load while this thread reads the file.
  runner?.prestart();
  const report = await analyseFile(positionals[0], {
    runner: runner ?? undefined,
    label,
    detectLabel: !values['no-label'],
    task,
    columnTypes: typeOptions(values.type),
    ...(exclude.length > 0 ? { exclude } : {}),
    seed,
    sparsity: !values['no-sparsity'],
    relevance: !values['no-relevance'],
    sparsityOptions: budgetText === undefined ? undefined : { budgetBytes: bytesOption('--budget', budgetText) },
    sampleRows: sampleText === undefined ? undefined : integerOption('--sample', sampleText, 1),
    carbonIntensity: carbonIntensityOption(str(values['carbon-intensity'])),
    ...(str(values.memory) !== undefined ? { memoryBudgetMB: integerOption('--memory', str(values.memory) as string, 1) } : {}),
  }).finally(() => runner?.close());
  const json = str(values.json);
  if (json === '-') {
    process.stdout.write(reportToJson(report) + '\n');
  } else {
    if (json !== undefined) await writeFile(json, reportToJson(report) + '\n');
    if (!values.quiet) process.stdout.write(formatReport(report));
  }
  return 0;
}

async function sparsityCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    label: { type: 'string' },
    degree: { type: 'string' },
    candidates: { type: 'string' },
    lambda: { type: 'string' },
    budget: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'string' },
    powers: { type: 'boolean' },
    representation: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(`sparsity takes one dataset path, got ${positionals.length}`);
  const representation = str(values.representation);
  if (representation !== undefined && !['auto', 'binarised', 'continuous'].includes(representation)) {
    throw new UsageError(`--representation expects auto, binarised or continuous, got "${representation}"`);
  }
  if (values.powers && representation === 'binarised') throw new UsageError('--powers needs the continuous representation (powers of a two-valued feature add nothing)');
  const degreeText = str(values.degree);
  let degree: [number, number] | undefined;
  if (degreeText !== undefined) {
    const m = /^\s*(\d+)\s*(?:\.\.|-)\s*(\d+)\s*$/.exec(degreeText) ?? /^\s*(\d+)\s*$/.exec(degreeText);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo < 1 || hi < lo) throw new UsageError(`--degree expects a..b with 1 ≤ a ≤ b (e.g. 2..6), got "${degreeText}"`);
    degree = [lo, hi];
  }
  const lambdaText = str(values.lambda);
  const lambda = lambdaText === undefined ? undefined : Number(lambdaText);
  if (lambda !== undefined && !(lambda > 0)) throw new UsageError(`--lambda expects a positive number, got "${lambdaText}"`);
  const seedText = str(values.seed);
  const budgetText = str(values.budget);
  const dataset = await loadDataset(positionals[0], { label: str(values.label) });
  const candidatesText = str(values.candidates);
  const candidates = candidatesText === undefined ? undefined : resolveFeatures(candidatesText, dataset.names);
  const report = analyseDataset(dataset, {
    seed: seedText === undefined ? undefined : integerOption('--seed', seedText),
    sparsityOptions: {
      degree,
      candidates,
      lambda,
      powers: values.powers === true,
      representation: representation as 'auto' | 'binarised' | 'continuous' | undefined,
      budgetBytes: budgetText === undefined ? undefined : bytesOption('--budget', budgetText),
    },
  });
  if (report.sparsity?.status === 'skipped') throw new UsageError(`${positionals[0]}: ${report.sparsity.reason}`);
  const json = str(values.json);
  if (json === '-') process.stdout.write(reportToJson(report) + '\n');
  else {
    if (json !== undefined) await writeFile(json, reportToJson(report) + '\n');
    process.stdout.write(formatSparsity(report).join('\n').trimStart() + '\n');
  }
  return 0;
}

async function testCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    label: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'string' },
  });
  if (positionals.length !== 2) throw new UsageError(`test takes a dataset path and a rule in quotes, got ${positionals.length} argument(s)`);
  const [path, rule] = positionals;
  const dataset = await loadDataset(path, { label: str(values.label) });
  const seedText = str(values.seed);
  const seed = seedText === undefined ? DEFAULT_SEED : integerOption('--seed', seedText);
  const [outcome] = evaluateRules(dataset, [rule], { seed });
  if (!outcome.ok) {
    const e = outcome.error;
    const caret = ' '.repeat(e.column - 1) + '^'.repeat(Math.max(1, Math.min(e.length, rule.length - e.column + 1)));
    throw new UsageError(`rule ${e.message}\n  ${rule}\n  ${caret}`);
  }
  const result = outcome.evaluation;
  const json = str(values.json);
  if (json === '-') {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  if (json !== undefined) await writeFile(json, JSON.stringify(result, null, 2) + '\n');
  const acc = (v: number | null): string => (v === null ? '—' : v.toFixed(4));
  const c = result.confusion;
  const lines = [
    `Rule: ${result.rule}`,
    `Accuracy ${acc(result.accuracy)} [${acc(result.ci95?.[0] ?? null)}, ${acc(result.ci95?.[1] ?? null)}] on all ${result.rows.toLocaleString('en-US')} labelled rows; ` +
      `test split ${acc(result.testAccuracy)} [${acc(result.testCi95?.[0] ?? null)}, ${acc(result.testCi95?.[1] ?? null)}] on ${result.testRows.toLocaleString('en-US')} rows (seed ${seed})`,
    `Confusion (rows actual, columns predicted; ${c.classes[0]} = false, ${c.classes[1]} = true):`,
    `  ${c.classes[0].padStart(8)}: ${String(c.tn).padStart(8)} ${String(c.fp).padStart(8)}`,
    `  ${c.classes[1].padStart(8)}: ${String(c.fn).padStart(8)} ${String(c.tp).padStart(8)}`,
  ];
  if (result.ablation.length > 0) {
    lines.push('Without each feature:');
    for (const a of result.ablation) {
      lines.push(`  ${a.feature.padEnd(12)} ${acc(a.accuracy)} (${a.change === null ? '—' : `${a.change >= 0 ? '+' : ''}${a.change.toFixed(4)}`})  ${a.rule}`);
    }
  }
  for (const note of result.notes) lines.push(`Note: ${note}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/** A comma-separated list of feature names or 0-based indices. */
function resolveFeatures(text: string, names: readonly string[]): number[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => {
      const byName = names.indexOf(t);
      if (byName >= 0) return byName;
      if (/^\d+$/.test(t) && Number(t) < names.length) return Number(t);
      throw new UsageError(`--candidates: no feature "${t}" (features are ${names.slice(0, 6).join(', ')}${names.length > 6 ? ', …' : ''}, or 0-based indices)`);
    });
}

async function generateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    features: { type: 'string', short: 'n' },
    rows: { type: 'string' },
    seed: { type: 'string' },
    noise: { type: 'string' },
    out: { type: 'string', short: 'o' },
    'row-seed': { type: 'string' },
    'noise-family': { type: 'string', multiple: true },
  });
  if (positionals.length > 0) throw new UsageError(`generate takes no positional arguments, got "${positionals[0]}"`);
  const features = str(values.features);
  const out = str(values.out);
  if (features === undefined) throw new UsageError('generate needs --features N');
  if (out === undefined) throw new UsageError('generate needs --out FILE.csv or --out PREFIX (for PREFIX-X.npy/PREFIX-y.npy)');
  const n = integerOption('--features', features, 2);
  const rowsText = str(values.rows);
  const seedText = str(values.seed);
  const noiseText = str(values.noise);
  const rows = rowsText === undefined ? undefined : integerOption('--rows', rowsText, 1);
  const seed = seedText === undefined ? 1 : integerOption('--seed', seedText);
  const labelNoise = noiseText === undefined ? undefined : probabilityOption('--noise', noiseText);
  const rowSeedText = str(values['row-seed']);
  const rowSeed = rowSeedText === undefined ? undefined : integerOption('--row-seed', rowSeedText);
  const noiseOverride = noiseFamilies(values['noise-family'], n);
  const data = generateKryptonite({ n, rows, seed, labelNoise, rowSeed, noiseOverride });
  if (out.toLowerCase().endsWith('.csv')) {
    const stream = createWriteStream(out);
    for (const chunk of kryptoniteCsvChunks(data)) {
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
  } else {
    const r = data.labels.length;
    const x = new Float32Array(r * n);
    for (let f = 0; f < n; f++) {
      const col = data.columns[f];
      for (let i = 0; i < r; i++) x[i * n + f] = col[i];
    }
    await writeNpy(`${out}-X.npy`, { shape: [r, n], dtype: '<f4', data: x });
    await writeNpy(`${out}-y.npy`, { shape: [r], dtype: '<i8', data: BigInt64Array.from(data.labels, (v) => BigInt(v)) });
  }
  const truth = {
    features: n,
    rows: data.labels.length,
    seed,
    ...(rowSeed !== undefined ? { rowSeed } : {}),
    ...(noiseOverride ? { noiseFamily: Object.fromEntries(Object.entries(noiseOverride).map(([f, shape]) => [data.names[Number(f)], shape])) } : {}),
    relevant: data.truth.relevant.map((i) => data.names[i]),
    shapes: Object.fromEntries(data.names.map((name, i) => [name, data.truth.shapes[i]])),
    labelNoise: data.truth.labelNoise,
    parityAccuracy: data.truth.parityAccuracy,
  };
  process.stdout.write(JSON.stringify(truth) + '\n');
  return 0;
}

/** `--noise-family x3=spread` (repeatable): the feature's noise drawn from another family. */
function noiseFamilies(v: string | boolean | string[] | undefined, n: number): Record<number, KryptoniteShape> | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: Record<number, KryptoniteShape> = {};
  for (const item of v) {
    const m = /^x(\d+)=(burst|gaussian|spread)$/.exec(item.trim());
    if (!m || Number(m[1]) < 1 || Number(m[1]) > n) throw new UsageError(`--noise-family expects xK=burst|gaussian|spread with 1 ≤ K ≤ ${n}, got "${item}"`);
    out[Number(m[1]) - 1] = m[2] as KryptoniteShape;
  }
  return out;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: string[];
}

function parse(args: string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
}

/** The value of a string option (parseArgs has already rejected a missing value). */
function str(value: string | boolean | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function integerOption(name: string, text: string, min = 0): number {
  const v = Number(text);
  if (!/^[+]?\d+$/.test(text.trim()) || !Number.isSafeInteger(v) || v < min) {
    throw new UsageError(`${name} expects an integer ≥ ${min}, got "${text}"`);
  }
  return v;
}

/** Sizes like 512M, 2G, 300000 (bytes). */
function bytesOption(name: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]i?[bB]?|[bB])?\s*$/.exec(text);
  if (!m) throw new UsageError(`${name} expects a size such as 256M or 1G, got "${text}"`);
  const unit = (m[2] ?? 'b')[0].toLowerCase();
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  const bytes = Number(m[1]) * factor;
  if (bytes < 1024) throw new UsageError(`${name} must be at least 1K, got "${text}"`);
  return bytes;
}

function probabilityOption(name: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v > 0.5) throw new UsageError(`${name} expects a probability in [0, 0.5], got "${text}"`);
  return v;
}

function reportFailure(error: unknown): number {
  if (error instanceof DatasetError || error instanceof UsageError || error instanceof TrainUsageError || error instanceof CompareUsageError) {
    process.stderr.write(`kryptonite: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.path === 'string') {
    // Output files the user named (--json, --out) that cannot be written: their mistake, not ours.
    process.stderr.write(`kryptonite: ${e.path}: ${e.code === 'ENOENT' ? 'folder does not exist' : e.code}\n`);
    return EXIT_USAGE;
  }
  process.stderr.write(`kryptonite: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (process.env.KRYPTONITE_DEBUG && error instanceof Error && error.stack) process.stderr.write(error.stack + '\n');
  return EXIT_INTERNAL;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = reportFailure(error);
    },
  );
}

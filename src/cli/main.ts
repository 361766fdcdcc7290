import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { analysePath } from '../engine/analyse';
import { DatasetError } from '../engine/errors';
import { writeNpy } from '../engine/io/npy';
import { reportToJson } from '../engine/report';
import { generateKryptonite, kryptoniteCsvChunks } from '../engine/synth/kryptonite';
import { ENGINE_VERSION } from '../engine/version';
import { formatReport } from './format';

/** Exit codes: 0 success, 1 internal failure (a bug: please report), 2 unusable input or arguments. */
const EXIT_INTERNAL = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

const HELP = `kryptonite ${ENGINE_VERSION} — dataset forensics

Usage:
  kryptonite analyse PATH [--label NAME|INDEX] [--no-label] [--json OUT|-] [--quiet] [--seed N]
                          [--no-sparsity] [--budget SIZE]
      Describe every feature of a CSV/TSV file or a NumPy .npy file (NAME-X.npy pairs with NAME-y.npy).
      Prints a table (one row per feature: shape, peaks, statistics, relevance) and, for a two-class
      label, the L1 sparsity analysis over interaction terms with the steps that led to it; --json
      writes the full report (schema kryptonite.report/1) to OUT, or to stdout with "-".
      --budget caps the memory of the interaction expansion (default 256M).
  kryptonite generate --features N [--rows R] [--seed S] [--noise P] --out FILE.csv|PREFIX
      Write a Kryptonite-like dataset (published construction: N/3 irrelevant burst-like features, label =
      parity of the binarised relevant ones, flipped with probability P). FILE.csv writes one CSV; any other
      PREFIX writes PREFIX-X.npy and PREFIX-y.npy. The ground truth is printed as JSON.
  kryptonite --help | --version

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
        throw new UsageError(`unknown command "${command}" (expected analyse or generate; see kryptonite --help)`);
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
    budget: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError(`analyse takes one dataset path, got ${positionals.length}`);
  const label = str(values.label);
  if (label !== undefined && values['no-label']) throw new UsageError('--label and --no-label contradict each other');
  const seedText = str(values.seed);
  const seed = seedText === undefined ? undefined : integerOption('--seed', seedText);
  const budgetText = str(values.budget);
  const report = await analysePath(
    positionals[0],
    { label, detectLabel: !values['no-label'] },
    {
      seed,
      sparsity: !values['no-sparsity'],
      sparsityOptions: budgetText === undefined ? undefined : { budgetBytes: bytesOption('--budget', budgetText) },
    },
  );
  const json = str(values.json);
  if (json === '-') {
    process.stdout.write(reportToJson(report) + '\n');
  } else {
    if (json !== undefined) await writeFile(json, reportToJson(report) + '\n');
    if (!values.quiet) process.stdout.write(formatReport(report));
  }
  return 0;
}

async function generateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    features: { type: 'string', short: 'n' },
    rows: { type: 'string' },
    seed: { type: 'string' },
    noise: { type: 'string' },
    out: { type: 'string', short: 'o' },
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
  const data = generateKryptonite({ n, rows, seed, labelNoise });
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
    relevant: data.truth.relevant.map((i) => data.names[i]),
    shapes: Object.fromEntries(data.names.map((name, i) => [name, data.truth.shapes[i]])),
    labelNoise: data.truth.labelNoise,
    parityAccuracy: data.truth.parityAccuracy,
  };
  process.stdout.write(JSON.stringify(truth) + '\n');
  return 0;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: string[];
}

function parse(args: string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
}

/** The value of a string option (parseArgs has already rejected a missing value). */
function str(value: string | boolean | undefined): string | undefined {
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
  if (error instanceof DatasetError || error instanceof UsageError) {
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

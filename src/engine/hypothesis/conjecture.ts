import type { Binarisation } from '../binarise';
import type { Dataset } from '../dataset';
import { selectFeatures } from '../dataset';
import type { CancelSignal } from '../cancel';
import type { TaskRunner } from '../parallel/runner';
import { fitL1Logistic, evaluateUnits } from '../sparsity/l1';
import { rowMoments } from '../split';
import { mapToFloat64 } from '../typed';
import type { SparsityModel, SparsityReport } from '../sparsity/types';
import { wilsonInterval } from '../stats/intervals';
import { HypothesisCache } from './cache';
import { compileHypothesis, evaluateHypothesis } from './evaluate';
import type { HypothesisEvaluation } from './evaluate';

const NO_ROWS = new Uint32Array(0);

/** A rule the engine found and tested, as the report carries it. */
export interface HypothesisResult extends HypothesisEvaluation {
  /** Where the rule came from. */
  readonly origin: 'xor-conjecture' | 'user';
  /** How it compares with the L1 model on the same test rows, in words. */
  readonly verdict: string;
}

/** A rule that was tested but not claimed, and why. */
export interface RejectedConjecture {
  readonly rule: string;
  readonly accuracy: number | null;
  readonly testAccuracy: number | null;
  readonly reason: string;
}

/** The paper's "feature-selection oracle": logistic regression on one product feature of the relevant features. */
export interface OracleModel {
  readonly features: string[];
  /** The single input: Π_j (x_j − mean_j)/sd_j over the relevant features, statistics from the training rows. */
  readonly input: string;
  readonly coefficient: number;
  readonly intercept: number;
  readonly testAccuracy: number;
  readonly testCi95: [number, number];
  readonly testRows: number;
}

export interface ConjectureResult {
  readonly hypotheses: HypothesisResult[];
  readonly rejected: RejectedConjecture[];
  readonly oracle: OracleModel | null;
}

/**
 * The XOR conjecture, found without being told: once relevance is known, test the parity of the binarised relevant
 * features (both polarities) and claim it only when it beats the L1 model on the same test rows or lies within the
 * L1 model's 95 % interval. A parity that does worse is listed as rejected — nothing claims an XOR that is not there.
 */
export function testXorConjecture(
  dataset: Dataset,
  relevant: readonly number[],
  sparsity: SparsityReport,
  model: SparsityModel | null,
  binarisations: readonly Binarisation[],
  /** The oracle model's fit goes to a thread while this one scores the rules. */
  runner?: TaskRunner,
  signal?: CancelSignal,
  /** An oracle fit started earlier (startOracle) on a guess of `relevant`: used when the guess was right. */
  started?: StartedOracle | null,
  /**
   * Per feature, true where its profile found no missing or non-finite value: its column has no missing rows to look
   * for (the scan is a pass over every row per rule feature).
   */
  complete?: readonly boolean[],
): ConjectureResult {
  const rejected: RejectedConjecture[] = [];
  const hypotheses: HypothesisResult[] = [];
  const label = dataset.label;
  if (!label || label.classes.length !== 2 || !model || !sparsity.holdout) return { hypotheses, rejected, oracle: null };
  if (relevant.length < 2) {
    return { hypotheses, rejected, oracle: relevant.length === 1 ? oracleModel(dataset, relevant, model) : null };
  }
  const guessed = started && started.relevant.length === relevant.length && started.relevant.every((j, k) => j === relevant[k]);
  const oracle = guessed ? started.collect : startOracle(dataset, relevant, model, runner, signal);
  const names = dataset.names;
  const parity = `xor(${relevant.map((j) => `bin(${reference(names[j])})`).join(', ')})`;
  const context = { names, binarisations };
  const data = { columns: dataset.columns, label };
  // Both polarities are scored; only the better one's per-feature ablation is shown, so only it is ablated.
  const compiled = [parity, `not ${parity}`].map((text) => compileHypothesis(text, context));
  // The three evaluations binarise each feature, and find its missing rows, once between them.
  const cache = new HypothesisCache();
  complete?.forEach((known, f) => {
    if (known) cache.missing.set(f, NO_ROWS);
  });
  const scores = compiled.map((c) => evaluateHypothesis(c, data, model.split, { ablation: false, cache }));
  const order = [0, 1].sort((a, b) => (scores[b].accuracy ?? 0) - (scores[a].accuracy ?? 0));
  const candidates = [evaluateHypothesis(compiled[order[0]], data, model.split, { cache }), scores[order[1]]];
  const best = candidates[0];
  const l1 = sparsity.holdout.test;
  const [lo] = l1.ci95;
  const test = best.testAccuracy ?? 0;
  const l1Text = `the L1 model's ${l1.accuracy.toFixed(4)} [${l1.ci95[0].toFixed(4)}, ${l1.ci95[1].toFixed(4)}] on the same ${l1.rows} test rows`;
  if (test > l1.accuracy) {
    hypotheses.push({ ...best, origin: 'xor-conjecture', verdict: `beats ${l1Text} with ${test.toFixed(4)}` });
  } else if (test >= lo) {
    hypotheses.push({ ...best, origin: 'xor-conjecture', verdict: `within ${l1Text} (${test.toFixed(4)})` });
  } else {
    rejected.push({
      rule: best.rule,
      accuracy: best.accuracy,
      testAccuracy: best.testAccuracy,
      reason: `scores ${test.toFixed(4)} on the test rows, below ${l1Text}: the label is not the parity of the relevant features`,
    });
  }
  rejected.push(
    ...candidates.slice(1).map((c) => ({
      rule: c.rule,
      accuracy: c.accuracy,
      testAccuracy: c.testAccuracy,
      reason: 'the opposite polarity scores lower',
    })),
  );
  return { hypotheses, rejected, oracle: oracle() };
}

/** What the `oracle` kernel needs (parallel/kernels.ts): the columns, the labels, the split's training and test rows. */
export interface OracleContext {
  readonly columns: readonly Float32Array[];
  readonly names: readonly string[];
  readonly labels: Int32Array;
  readonly train: Uint32Array;
  readonly test: Uint32Array;
}

export interface OracleTask {
  readonly relevant: readonly number[];
}

/** The `oracle` kernel: the single-product logistic model over the relevant features (see oracleModel). */
export function oracleKernel(context: OracleContext, task: OracleTask, signal?: CancelSignal): OracleModel {
  return fitOracle(context, task.relevant, signal);
}

/** An oracle fit handed out before the relevant set was known, on a guess of it; `collect` waits for the model. */
export interface StartedOracle {
  readonly relevant: readonly number[];
  readonly collect: () => OracleModel;
}

/**
 * Starts the oracle model's fit (on a thread of the runner when it has them; else it runs when collected). The model
 * depends only on the features, their order and the split, so a fit started early on the right guess is the fit.
 */
export function startOracle(dataset: Dataset, relevant: readonly number[], model: SparsityModel, runner?: TaskRunner, signal?: CancelSignal): () => OracleModel {
  const context: OracleContext = { columns: dataset.columns, names: dataset.names, labels: model.labels, train: model.split.train, test: model.split.test };
  const shared = dataset.columns.every((c) => c.buffer instanceof SharedArrayBuffer);
  if (!runner || runner.threads < 2 || !shared) return () => fitOracle(context, relevant, signal);
  const pending = runner.startKernel('oracle', context, [{ relevant: [...relevant] }], { signal, work: model.split.train.length * relevant.length * 20 });
  return () => pending()[0];
}

/** A speculative oracle fit (speculateOracle); `used` says whether the conjecture took it. */
export interface SpeculativeOracle extends StartedOracle {
  used(): boolean;
}

/**
 * Starts the oracle fit on a thread before the relevant set is known, on the guess that it is the dominant L1 term's
 * features (in the interaction fit's feature positions, ascending, as testXorConjecture's relevant set is). Null
 * where the conjecture will not run, or without a thread to run it on (then nothing is gained).
 */
export function speculateOracle(
  dataset: Dataset,
  sparsity: SparsityReport | undefined,
  parity: { readonly model: SparsityModel | null; readonly features: readonly number[] } | null,
  runner?: TaskRunner,
  signal?: CancelSignal,
): SpeculativeOracle | null {
  const label = dataset.label;
  const model = parity?.model;
  const top = sparsity?.top[0];
  if (!runner || runner.threads < 2 || !label || label.classes.length !== 2 || !parity || !model || model.loss !== 'logistic' || !sparsity?.holdout || !top) return null;
  const used = parity.features;
  const guess = used.map((_, k) => k).filter((k) => top.features.includes(dataset.names[used[k]]));
  if (guess.length < 2 || guess.length !== top.features.length) return null;
  const sparse = used.length === dataset.columns.length ? dataset : selectFeatures(dataset, used);
  const pending = startOracle(sparse, guess, model, runner, signal);
  let taken = false;
  let result: OracleModel | undefined;
  return {
    relevant: guess,
    collect: () => {
      taken = true;
      result ??= pending();
      return result;
    },
    used: () => taken,
  };
}

/** Names that are not plain identifiers go in backquotes, as the hypothesis grammar reads them. */
function reference(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) && !['and', 'or', 'xor', 'not', 'bin', 'parity', 'true', 'false'].includes(name)
    ? name
    : '`' + name.replace(/`/g, '``') + '`';
}

function oracleModel(dataset: Dataset, relevant: readonly number[], model: SparsityModel): OracleModel {
  return fitOracle({ columns: dataset.columns, names: dataset.names, labels: model.labels, train: model.split.train, test: model.split.test }, relevant);
}

function fitOracle(context: OracleContext, relevant: readonly number[], signal?: CancelSignal): OracleModel {
  const { train, test } = context;
  const stats = relevant.map((j) => {
    const col = context.columns[j];
    const { mean, sd } = rowMoments(col, train);
    return { col, mean, sd: sd || 1 };
  });
  // Feature after feature over the rows, each row's product taking the same steps in the same order as a fold over
  // its features would: v ← (v · (x − mean)) / sd from v = 1.
  const product = (rows: Uint32Array): Float64Array => {
    const out = new Float64Array(rows.length).fill(1);
    for (const { col, mean, sd } of stats) {
      for (let u = 0; u < rows.length; u++) out[u] = (out[u] * (col[rows[u]] - mean)) / sd;
    }
    return out;
  };
  const units = (rows: Uint32Array): { weight: Float64Array; positives: Float64Array } => ({
    weight: new Float64Array(rows.length).fill(1),
    positives: mapToFloat64(rows.length, (u) => context.labels[rows[u]]),
  });
  const fit = fitL1Logistic(units(train), [product(train)], 0, { intercept: 0, beta: new Float64Array(1) }, { signal });
  const x = product(test);
  const eta = mapToFloat64(x.length, (u) => fit.state.intercept + fit.state.beta[0] * x[u]);
  const e = evaluateUnits(units(test), eta);
  const names = relevant.map((j) => context.names[j]);
  return {
    features: names,
    input: `Π z(${names.join(', ')})`,
    coefficient: fit.state.beta[0],
    intercept: fit.state.intercept,
    testAccuracy: e.accuracy,
    testCi95: wilsonInterval(Math.round(e.accuracy * test.length), test.length),
    testRows: test.length,
  };
}

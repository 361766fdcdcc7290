/**
 * The evaluate-rules use case: hypothesis rules against a dataset's two-class label, each with its accuracy, interval,
 * confusion matrix and ablation. The CLI's `test` command and the worker's hypothesis job both call this.
 */
import { binarisation } from '../binarise';
import type { CancelSignal } from '../cancel';
import type { Dataset, LabelSpec } from '../dataset';
import { DatasetError } from '../errors';
import { HypothesisError } from '../hypothesis/ast';
import { compileHypothesis, evaluateHypothesis } from '../hypothesis/evaluate';
import type { HypothesisEvaluation } from '../hypothesis/evaluate';
import { loadDataset } from '../io/load';
import { splitRows } from '../split';
import { profileDataset } from '../stats/profile';
import { DEFAULT_SEED } from '../random';

export interface EvaluateRulesOptions {
  readonly label?: LabelSpec;
  /** Seed of the 60/20/20 split the test accuracy is measured on. */
  readonly seed?: number;
  readonly signal?: CancelSignal;
  readonly onProgress?: (stage: 'load' | 'features' | 'hypothesis', fraction: number, message: string) => void;
}

/** One rule's result: its evaluation, or where its text is wrong. */
export type RuleOutcome =
  | { readonly ok: true; readonly evaluation: HypothesisEvaluation }
  | { readonly ok: false; readonly error: { readonly message: string; readonly column: number; readonly length: number; readonly code: string } };

export async function evaluateRulesOnFile(path: string, rules: readonly string[], options: EvaluateRulesOptions = {}): Promise<RuleOutcome[]> {
  options.onProgress?.('load', 0, `Reading ${path}`);
  const dataset = await loadDataset(path, { label: options.label, signal: options.signal });
  return evaluateRules(dataset, rules, options);
}

/** Evaluate rules on a loaded dataset; a rule with a syntax or name error gives an error outcome, not an exception. */
export function evaluateRules(dataset: Dataset, rules: readonly string[], options: EvaluateRulesOptions = {}): RuleOutcome[] {
  const label = dataset.label;
  if (!label || label.task !== 'binary' || label.classes.length !== 2) {
    throw new DatasetError(
      'labelInvalid',
      `a hypothesis needs a two-class label, found ${!label ? 'none' : label.task === 'regression' ? `a numeric target in "${label.name}"` : `${label.classes.length} classes in "${label.name}"`}`,
      { file: dataset.path, expected: 'a label column with exactly two classes (--label NAME)' },
    );
  }
  const seed = options.seed ?? DEFAULT_SEED;
  options.onProgress?.('features', 0, 'Finding peaks for bin()');
  // bin(x) needs each feature's peaks: the profiles, without the label analyses.
  const profiles = profileDataset(dataset, options.signal);
  const binarisations = profiles.map((f) => binarisation(f.modes, f.stats, f.values));
  const split = splitRows(label.values, dataset.rows, seed);
  return rules.map((rule, i) => {
    options.signal?.throwIfAborted();
    options.onProgress?.('hypothesis', i / rules.length, `Evaluating rule ${i + 1} of ${rules.length}`);
    try {
      const compiled = compileHypothesis(rule, { names: dataset.names, binarisations });
      return { ok: true, evaluation: evaluateHypothesis(compiled, { columns: dataset.columns, label }, split) };
    } catch (error) {
      if (error instanceof HypothesisError) {
        return { ok: false, error: { message: error.message, column: error.column, length: error.length, code: error.code } };
      }
      throw error;
    }
  });
}

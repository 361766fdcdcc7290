import type { Binarisation } from '../binarise';
import type { Label } from '../dataset';
import type { Split } from '../split';
import { HypothesisError, spanLocation } from './ast';
import type { ArithmeticNode, FeatureNode, HypothesisNode, LogicNode } from './ast';
import { closest, formatHypothesis, negate, parseHypothesis } from './parser';
import { wilsonInterval } from '../stats/intervals';
import type { HypothesisCache } from './cache';
import { missingRows } from '../typed';
import { Evaluator, predictionAt, Tally } from './evaluator';

/**
 * Compiling and scoring hypotheses. Evaluation is vectorised: each node of the tree becomes one typed array over all
 * rows (or a single constant), computed by a tight loop, so a 30-feature parity over 45 000 rows is a few
 * milliseconds and nothing is ever turned into JavaScript source.
 */

/** What a rule's names mean: the dataset's feature names and, per feature, where `bin(x)` cuts it. */
export interface HypothesisContext {
  readonly names: readonly string[];
  /** One per feature, in the order of `names` (src/engine/binarise.ts). */
  readonly binarisations: readonly Binarisation[];
}

export interface CompiledHypothesis {
  /** The rule as the user wrote it. */
  readonly source: string;
  /** Canonical text (formatHypothesis of `ast`): features by their dataset names, `xor(…)` for `parity(…)`. */
  readonly text: string;
  /** The tree with every feature resolved: each FeatureNode carries both its 0-based index and its dataset name. */
  readonly ast: HypothesisNode;
  /** 0-based indices of the referenced features, in order of first appearance in the rule. */
  readonly features: readonly number[];
  /** Their names, in the same order. */
  readonly featureNames: readonly string[];
  /** The feature count of the context, checked against the data at evaluation. */
  readonly featureCount: number;
  /** The context's binarisations, captured so that `bin(x)` means the same at evaluation as at compilation. */
  readonly binarisations: readonly Binarisation[];
}

/**
 * Parse, type-check and resolve a rule against a dataset's features. Names match case-sensitively first, then
 * ignoring case when that picks out one feature; `#3` is the 0-based index 3. Throws HypothesisError.
 */
export function compileHypothesis(text: string, context: HypothesisContext): CompiledHypothesis {
  if (context.binarisations.length !== context.names.length) {
    throw new HypothesisError(
      'datasetMismatch',
      `the context has ${context.names.length} feature names but ${context.binarisations.length} binarisations`,
      { column: 1, length: text.length },
      false,
    );
  }
  const parsed = parseHypothesis(text);
  const features: number[] = [];
  const ast = mapFeatures(parsed, (node) => {
    const index = resolveFeature(node, context.names);
    if (!features.includes(index)) features.push(index);
    return { kind: 'feature', name: context.names[index], index, span: node.span };
  });
  return {
    source: text,
    text: formatHypothesis(ast),
    ast,
    features,
    featureNames: features.map((f) => context.names[f]),
    featureCount: context.names.length,
    binarisations: context.binarisations,
  };
}

/** The rows a rule is scored on. Binary labels only: predicted true ⇔ class index 1 (`label.classes[1]`). */
export interface HypothesisData {
  readonly columns: readonly Float32Array[];
  readonly label: Label;
}

/** Rows actual, columns predicted; class 0 is the negative class, class 1 the positive. */
export interface HypothesisConfusion {
  /** `[classes[0], classes[1]]` of the label: what false and true stand for. */
  readonly classes: readonly [string, string];
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  /** `[[tn, fp], [fn, tp]]`: row = actual class, column = predicted class. */
  readonly matrix: readonly [readonly [number, number], readonly [number, number]];
}

export interface HypothesisAblation {
  readonly feature: string;
  readonly index: number;
  /** The rule with the feature removed (see removeFeature), canonical text. */
  readonly rule: string;
  /** Accuracy of that rule on the rows the full rule was scored on; null when there were none. */
  readonly accuracy: number | null;
  /** accuracy − the full rule's accuracy: how much the rule leans on this feature (negative: it helps). */
  readonly change: number | null;
}

export interface HypothesisEvaluation {
  /** Canonical text of the rule. */
  readonly rule: string;
  /** Names of the referenced features, in order of first appearance. */
  readonly features: readonly string[];
  readonly featureIndices: readonly number[];
  /** Rows scored: labelled, with every referenced feature present. Accuracy is over these (all of them, not a split). */
  readonly rows: number;
  readonly correct: number;
  /** correct / rows; null when no row could be scored. */
  readonly accuracy: number | null;
  /** Wilson score interval at 95 %. */
  readonly ci95: readonly [number, number] | null;
  /** The same on `split.test` (rows of the test part that could be scored). */
  readonly testRows: number;
  readonly testAccuracy: number | null;
  readonly testCi95: readonly [number, number] | null;
  readonly confusion: HypothesisConfusion;
  /** Labelled rows left out because a referenced feature is missing (NaN) there: neither right nor wrong. */
  readonly undecided: number;
  /** Rows left out because their label is missing. */
  readonly unlabelled: number;
  /** Per referenced feature, what the rule scores without it. */
  readonly ablation: readonly HypothesisAblation[];
  /** Plain-language remarks for the report: rows left out and why. */
  readonly notes: readonly string[];
}


/**
 * Score a compiled rule against a two-class label. A rule's truth is a prediction of class 1 (`label.classes[1]`).
 *
 * Multi-class labels are refused rather than read as "class 1 against the rest": a parity or threshold rule says
 * nothing about which of several classes a row is, and a one-against-rest figure would look like an answer to a
 * question nobody asked. Recode the label to two classes first.
 *
 * A row is scored when it is labelled and every feature the rule mentions is present. Rows with a referenced feature
 * missing are counted in `undecided`: a missing value is not evidence for or against the rule. (Arithmetic that
 * produces NaN on present values, such as 0 / 0, makes a comparison false, as in IEEE 754, and the row is scored.)
 */
export function evaluateHypothesis(
  compiled: CompiledHypothesis,
  data: HypothesisData,
  split: Pick<Split, 'test'>,
  /**
   * `ablation: false` leaves the per-feature ablation out (an empty list): one evaluation instead of one per feature.
   * `cache`: what evaluations of rules over the same data share (see HypothesisCache).
   */
  options: { readonly ablation?: boolean; readonly cache?: HypothesisCache } = {},
): HypothesisEvaluation {
  const label = data.label;
  const whole = { column: 1, length: compiled.source.length };
  if (label.classes.length !== 2) {
    const classes = label.classes.length === 0 ? 'none' : label.classes.map((c) => `"${c}"`).join(', ');
    throw new HypothesisError(
      'labelNotBinary',
      `a rule predicts one of two classes, but label "${label.name}" has ${label.classes.length} (${classes}); ` +
        'recode it as two classes (e.g. one class against the rest) to test a rule',
      whole,
      false,
    );
  }
  if (data.columns.length !== compiled.featureCount) {
    throw new HypothesisError(
      'datasetMismatch',
      `the rule was compiled for ${compiled.featureCount} features but the data has ${data.columns.length}`,
      whole,
      false,
    );
  }
  const rows = label.values.length;
  for (const f of compiled.features) {
    if (data.columns[f].length !== rows) {
      throw new HypothesisError(
        'datasetMismatch',
        `feature "${compiled.featureNames[compiled.features.indexOf(f)]}" has ${data.columns[f].length} rows, the label ${rows}`,
        whole,
        false,
      );
    }
  }
  const test = split.test;
  for (let k = 0; k < test.length; k++) {
    if (test[k] >= rows) {
      throw new HypothesisError('datasetMismatch', `the split refers to row ${test[k]} but the data has ${rows} rows`, whole, false);
    }
  }

  // Which rows count: labelled, and every referenced feature present.
  const labels = label.values;
  const scored = new Uint8Array(rows);
  let unlabelled = 0;
  for (let i = 0; i < rows; i++) {
    if (labels[i] >= 0) scored[i] = 1;
    else unlabelled++;
  }
  const missingBy: string[] = [];
  let undecided = 0;
  for (const f of compiled.features) {
    const missing = options.cache?.missing.get(f) ?? missingRows(data.columns[f]);
    options.cache?.missing.set(f, missing);
    let lost = 0;
    for (let k = 0; k < missing.length; k++) {
      const i = missing[k];
      if (scored[i] === 1) {
        scored[i] = 0;
        lost++;
      }
    }
    if (lost > 0) missingBy.push(compiled.featureNames[compiled.features.indexOf(f)]);
    undecided += lost;
  }

  const evaluator = new Evaluator(data.columns, compiled.binarisations, rows, options.cache?.bins);
  const prediction = evaluator.condition(compiled.ast);
  const tally = new Tally(labels, scored);
  const counts = tally.confusion(prediction);
  const n = counts.tp + counts.fp + counts.tn + counts.fn;
  const correct = counts.tp + counts.tn;
  const accuracy = n > 0 ? correct / n : null;

  let testRows = 0;
  let testCorrect = 0;
  for (let k = 0; k < test.length; k++) {
    const r = test[k];
    if (scored[r] === 0) continue;
    testRows++;
    if (predictionAt(prediction, r) === labels[r]) testCorrect++;
  }

  const ablation: HypothesisAblation[] = (options.ablation === false ? [] : compiled.features).map((f, k) => {
    const reduced = removeFeature(compiled.ast, f, evaluator.origins);
    const rule = reduced ?? ({ kind: 'boolean', value: emptyValue(compiled.ast), span: compiled.ast.span } as const);
    const c = tally.confusion(evaluator.condition(rule));
    const a = n > 0 ? (c.tp + c.tn) / n : null;
    return {
      feature: compiled.featureNames[k],
      index: f,
      rule: formatHypothesis(rule),
      accuracy: a,
      change: a !== null && accuracy !== null ? a - accuracy : null,
    };
  });

  const notes: string[] = [];
  if (undecided > 0) {
    notes.push(
      `${undecided} labelled row${undecided === 1 ? '' : 's'} left out because ${missingBy.join(', ')} ` +
        `${missingBy.length === 1 ? 'is' : 'are'} missing there; they count neither right nor wrong`,
    );
  }
  if (unlabelled > 0) notes.push(`${unlabelled} row${unlabelled === 1 ? '' : 's'} without a label left out`);
  if (n === 0) notes.push('no row could be scored');

  return {
    rule: compiled.text,
    features: compiled.featureNames,
    featureIndices: compiled.features,
    rows: n,
    correct,
    accuracy,
    ci95: n > 0 ? wilsonInterval(correct, n) : null,
    testRows,
    testAccuracy: testRows > 0 ? testCorrect / testRows : null,
    testCi95: testRows > 0 ? wilsonInterval(testCorrect, testRows) : null,
    confusion: {
      classes: [label.classes[0], label.classes[1]],
      ...counts,
      matrix: [
        [counts.tn, counts.fp],
        [counts.fn, counts.tp],
      ],
    },
    undecided,
    unlabelled,
    ablation,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Name resolution

function resolveFeature(node: FeatureNode, names: readonly string[]): number {
  const where = spanLocation(node.span, 'a feature');
  if (node.index !== null) {
    if (node.index < names.length) return node.index;
    const range = names.length === 0 ? 'the dataset has no features' : `indices are 0-based, #0 to #${names.length - 1} for ${describeFeatures(names)}`;
    throw new HypothesisError('indexOutOfRange', `feature index #${node.index} is out of range: ${range}`, where);
  }
  const name = node.name ?? '';
  const exact = indicesWhere(names, (candidate) => candidate === name);
  if (exact.length === 1) return exact[0];
  if (exact.length > 1) {
    throw new HypothesisError(
      'ambiguousFeature',
      `"${name}" names ${exact.length} features (${exact.map((i) => `#${i}`).join(', ')}); refer to one by its 0-based index`,
      where,
    );
  }
  const lower = name.toLowerCase();
  const loose = indicesWhere(names, (candidate) => candidate.toLowerCase() === lower);
  if (loose.length === 1) return loose[0];
  if (loose.length > 1) {
    throw new HypothesisError(
      'ambiguousFeature',
      `no feature is called "${name}" and, ignoring case, it could be any of ${loose.map((i) => `${names[i]} (#${i})`).join(', ')}; write the exact name`,
      where,
    );
  }
  const suggestions = closest(name, names);
  const hint = suggestions.length === 0 ? '' : `; did you mean ${listOr(suggestions)}?`;
  throw new HypothesisError('unknownFeature', `unknown feature "${name}"${hint} (the dataset has ${describeFeatures(names)})`, where);
}

function indicesWhere(names: readonly string[], predicate: (name: string) => boolean): number[] {
  const out: number[] = [];
  names.forEach((name, i) => {
    if (predicate(name)) out.push(i);
  });
  return out;
}

function describeFeatures(names: readonly string[]): string {
  if (names.length === 0) return 'no features';
  const count = `${names.length} feature${names.length === 1 ? '' : 's'}`;
  const shown = names.length <= 6 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, …, ${names[names.length - 1]}`;
  return `${count}: ${shown}`;
}

function listOr(items: readonly string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function mapFeatures(node: HypothesisNode, f: (feature: FeatureNode) => FeatureNode): HypothesisNode {
  switch (node.kind) {
    case 'number':
    case 'boolean':
      return node;
    case 'feature':
      return f(node);
    case 'bin':
      return { ...node, feature: f(node.feature) };
    case 'negate':
    case 'not':
      return { ...node, operand: mapFeatures(node.operand, f) };
    case 'arithmetic':
    case 'compare':
      // Left before right, so `features` lists them in reading order.
      return { ...node, left: mapFeatures(node.left, f), right: mapFeatures(node.right, f) };
    case 'logic':
      return { ...node, operands: node.operands.map((o) => mapFeatures(o, f)) };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Ablation

/**
 * The rule without feature `index`, or null when nothing of it is left. What "without" means, node by node:
 * - a reference to the feature, and `bin()` of it, disappear (null);
 * - `-a`, `not a`: disappear with their operand;
 * - arithmetic drops the lost side as its identity: a lost term of a sum counts 0 (`a + ∅` → `a`, `∅ - b` → `-b`),
 *   a lost factor of a product counts 1 (`a * ∅` → `a`, `∅ / b` → `1 / b`); an arithmetic expression with no
 *   feature left (`2 * x5` or `x5 / 2` without x5) disappears as a whole, so it counts 0 in an enclosing sum;
 * - a comparison with a lost side compares against 0 (`∅ > x2` → `0 > x2`); once no feature is left on either side
 *   (`x1 > 0.5` without x1), it would be a constant that carries no information, so it disappears as a whole;
 * - `and` / `or` / `xor` drop lost operands (`xor(a, ∅, c)` → `xor(a, c)`); with one left they become it; with none
 *   left they disappear too, so that an emptied inner group does not flip an outer parity or block an outer `and`.
 * When the whole rule disappears, evaluation uses `emptyValue`: an emptied and/or/xor takes its identity
 * (true / false / false), an emptied `bin()` or comparison reads false, `not` negates.
 * Unchanged subtrees are returned as the same objects, which lets the evaluator reuse their cached columns;
 * `origins`, when given, maps each rebuilt and/or/xor node to the node it was cut from.
 */
export function removeFeature(
  node: HypothesisNode,
  index: number,
  origins?: Map<HypothesisNode, HypothesisNode>,
): HypothesisNode | null {
  switch (node.kind) {
    case 'number':
    case 'boolean':
      return node;
    case 'feature':
      return node.index === index ? null : node;
    case 'bin':
      return node.feature.index === index ? null : node;
    case 'negate': {
      const operand = removeFeature(node.operand, index, origins);
      if (operand === null) return null;
      return operand === node.operand ? node : negate(operand, node.span);
    }
    case 'not': {
      const operand = removeFeature(node.operand, index, origins);
      if (operand === null) return null;
      return operand === node.operand ? node : { kind: 'not', operand, span: node.span };
    }
    case 'arithmetic': {
      const left = removeFeature(node.left, index, origins);
      const right = removeFeature(node.right, index, origins);
      if (left === node.left && right === node.right) return node;
      const reduced = reduceArithmetic(node, left, right);
      // `2 * x5` without x5 is not the constant 2: a term that was only about the removed feature goes as a whole.
      return reduced !== null && hasFeature(reduced) ? reduced : null;
    }
    case 'compare': {
      const left = removeFeature(node.left, index, origins);
      const right = removeFeature(node.right, index, origins);
      if (left === node.left && right === node.right) return node;
      const zero: HypothesisNode = { kind: 'number', value: 0, span: node.span };
      const reduced: HypothesisNode = { ...node, left: left ?? zero, right: right ?? zero };
      return hasFeature(reduced) ? reduced : null;
    }
    case 'logic': {
      const operands: HypothesisNode[] = [];
      let changed = false;
      for (const operand of node.operands) {
        const kept = removeFeature(operand, index, origins);
        if (kept !== operand) changed = true;
        if (kept !== null) operands.push(kept);
      }
      if (!changed) return node;
      if (operands.length === 0) return null;
      if (operands.length === 1) return operands[0];
      const reduced: LogicNode = { kind: 'logic', op: node.op, operands, span: node.span };
      origins?.set(reduced, node);
      return reduced;
    }
  }
}

function reduceArithmetic(node: ArithmeticNode, left: HypothesisNode | null, right: HypothesisNode | null): HypothesisNode | null {
  if (left === null && right === null) return null;
  if (right === null) return left;
  if (left === null) {
    switch (node.op) {
      case '+':
      case '*':
        return right;
      case '-':
        return negate(right, node.span);
      case '/':
        return { kind: 'arithmetic', op: '/', left: { kind: 'number', value: 1, span: node.span }, right, span: node.span };
    }
  }
  return { ...node, left, right };
}

/** The constant an entirely emptied rule stands for (see removeFeature). */
function emptyValue(node: HypothesisNode): boolean {
  switch (node.kind) {
    case 'logic':
      return node.op === 'and';
    case 'not':
      return !emptyValue(node.operand);
    case 'boolean':
      return node.value;
    default:
      return false;
  }
}

function hasFeature(node: HypothesisNode): boolean {
  switch (node.kind) {
    case 'number':
    case 'boolean':
      return false;
    case 'feature':
    case 'bin':
      return true;
    case 'negate':
    case 'not':
      return hasFeature(node.operand);
    case 'arithmetic':
    case 'compare':
      return hasFeature(node.left) || hasFeature(node.right);
    case 'logic':
      return node.operands.some(hasFeature);
  }
}

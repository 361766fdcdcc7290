/**
 * Vectorised evaluation of a compiled rule: whole columns per node (Evaluator), and confusion counts over the scored
 * rows (Tally). evaluate.ts scores rules with them.
 */
import { binariseColumn } from '../binarise';
import type { Binarisation } from '../binarise';
import type { ArithmeticOp, CompareOp, FeatureNode, HypothesisNode, LogicNode } from './ast';

type Column = Float32Array | Float64Array | Uint8Array;
/** A numeric value over rows: one array, or a constant that stands for every row. */
type NumericValue = number | Column;
/** A condition over rows: 0/1 bytes, or a constant. */
type ConditionValue = boolean | Uint8Array;

/**
 * Evaluates nodes to whole columns. Results are cached by node identity: ablation rebuilds only the path from the
 * removed feature to the root, so everything else (each `bin()` column above all) is computed once per evaluation.
 * Cached arrays are never written to after they are stored.
 */
export class Evaluator {
  private readonly cache = new Map<HypothesisNode, NumericValue | ConditionValue>();
  /** Rebuilt xor nodes → the node they were cut from (filled by removeFeature), for the incremental parity. */
  readonly origins = new Map<HypothesisNode, HypothesisNode>();

  constructor(
    private readonly columns: readonly Float32Array[],
    private readonly binarisations: readonly Binarisation[],
    private readonly rows: number,
    private readonly bins?: Map<string, Uint8Array>,
  ) {}

  condition(node: HypothesisNode): ConditionValue {
    const cached = this.cache.get(node);
    if (cached !== undefined) return cached as ConditionValue;
    const value = this.computeCondition(node);
    this.cache.set(node, value);
    return value;
  }

  numeric(node: HypothesisNode): NumericValue {
    switch (node.kind) {
      case 'number':
        return node.value;
      case 'feature':
        return this.column(node);
      case 'negate':
      case 'arithmetic': {
        const cached = this.cache.get(node);
        if (cached !== undefined) return cached as NumericValue;
        const value =
          node.kind === 'negate' ? negateValue(this.numeric(node.operand), this.rows) : arithmetic(node.op, this.numeric(node.left), this.numeric(node.right), this.rows);
        this.cache.set(node, value);
        return value;
      }
      default: {
        // A condition in arithmetic counts 0/1 (the parser's documented coercion).
        const value = this.condition(node);
        return typeof value === 'boolean' ? (value ? 1 : 0) : value;
      }
    }
  }

  private column(node: FeatureNode): Float32Array {
    if (node.index === null) throw new Error('Evaluator: feature not resolved; compile the rule first');
    return this.columns[node.index];
  }

  private computeCondition(node: HypothesisNode): ConditionValue {
    switch (node.kind) {
      case 'boolean':
        return node.value;
      case 'bin': {
        const f = this.column(node.feature);
        // The one binarisation rule (binarise.ts), so bin(x) here is the bit the sparsity analysis uses.
        const threshold = this.binarisations[node.feature.index ?? 0].threshold;
        const key = `${node.feature.index ?? 0}|${threshold}`;
        const kept = this.bins?.get(key);
        if (kept) return kept;
        const bits = binariseColumn(f, threshold);
        this.bins?.set(key, bits);
        return bits;
      }
      case 'compare':
        return compare(node.op, this.numeric(node.left), this.numeric(node.right), this.rows);
      case 'not': {
        const operand = this.condition(node.operand);
        if (typeof operand === 'boolean') return !operand;
        const out = new Uint8Array(this.rows);
        for (let i = 0; i < out.length; i++) out[i] = operand[i] ^ 1;
        return out;
      }
      case 'logic':
        return this.logic(node);
      default:
        throw new Error(`Evaluator: a ${node.kind} node is a number, not a condition; parseHypothesis should have refused it`);
    }
  }

  /** Constants fold (xor with true flips, and with false is false); arrays combine in place into one fresh array. */
  private logic(node: LogicNode): ConditionValue {
    const incremental = node.op === 'xor' ? this.incrementalParity(node) : null;
    if (incremental !== null) return incremental;
    const op = node.op;
    let constant = op === 'and';
    let out: Uint8Array | null = null;
    for (const operand of node.operands) {
      const value = this.condition(operand);
      if (typeof value === 'boolean') {
        if (op === 'xor') constant = constant !== value;
        else if (op === 'and' && !value) return false;
        else if (op === 'or' && value) return true;
        continue;
      }
      if (out === null) out = value.slice();
      else combineInto(out, value, op);
    }
    if (out === null) return constant;
    if (op === 'xor' && constant) for (let i = 0; i < out.length; i++) out[i] ^= 1;
    return out;
  }

  /**
   * Parity is its own inverse, so a xor cut from an already evaluated xor is that column xor'd with the operands that
   * went and those that came: ablating one feature from a 30-feature parity costs two passes over the rows, not 29.
   * Null when there is no evaluated origin or the operand lists differ too much for the shortcut to pay.
   */
  private incrementalParity(node: LogicNode): ConditionValue | null {
    const origin = this.origins.get(node);
    if (origin === undefined || origin.kind !== 'logic' || origin.op !== 'xor') return null;
    const base = this.cache.get(origin);
    if (!(base instanceof Uint8Array)) return null;
    const kept = new Set(node.operands);
    const had = new Set(origin.operands);
    const delta = [...origin.operands.filter((o) => !kept.has(o)), ...node.operands.filter((o) => !had.has(o))];
    if (delta.length >= node.operands.length) return null;
    const out = base.slice();
    let flip = false;
    for (const operand of delta) {
      const value = this.condition(operand);
      if (typeof value === 'boolean') flip = flip !== value;
      else combineInto(out, value, 'xor');
    }
    if (flip) for (let i = 0; i < out.length; i++) out[i] ^= 1;
    return out;
  }
}

/**
 * out ∘= value for 0/1 byte arrays, four bytes per step through Uint32 views when both buffers allow it: parity over
 * dozens of features is the common case and the bitwise ops do not care about lane boundaries.
 */
function combineInto(out: Uint8Array, value: Uint8Array, op: LogicNode['op']): void {
  const n = out.length;
  let start = 0;
  if (out.byteOffset % 4 === 0 && value.byteOffset % 4 === 0) {
    const words = n >>> 2;
    const a = new Uint32Array(out.buffer, out.byteOffset, words);
    const b = new Uint32Array(value.buffer, value.byteOffset, words);
    if (op === 'xor') for (let i = 0; i < words; i++) a[i] ^= b[i];
    else if (op === 'and') for (let i = 0; i < words; i++) a[i] &= b[i];
    else for (let i = 0; i < words; i++) a[i] |= b[i];
    start = words << 2;
  }
  if (op === 'xor') for (let i = start; i < n; i++) out[i] ^= value[i];
  else if (op === 'and') for (let i = start; i < n; i++) out[i] &= value[i];
  else for (let i = start; i < n; i++) out[i] |= value[i];
}

function negateValue(value: NumericValue, rows: number): NumericValue {
  if (typeof value === 'number') return -value;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = -value[i];
  return out;
}

function arithmetic(op: ArithmeticOp, a: NumericValue, b: NumericValue, rows: number): NumericValue {
  if (typeof a === 'number' && typeof b === 'number') return scalarArithmetic(op, a, b);
  const out = new Float64Array(rows);
  if (typeof b === 'number') {
    const x = a as Column;
    switch (op) {
      case '+': for (let i = 0; i < rows; i++) out[i] = x[i] + b; break;
      case '-': for (let i = 0; i < rows; i++) out[i] = x[i] - b; break;
      case '*': for (let i = 0; i < rows; i++) out[i] = x[i] * b; break;
      case '/': for (let i = 0; i < rows; i++) out[i] = x[i] / b; break;
    }
  } else if (typeof a === 'number') {
    switch (op) {
      case '+': for (let i = 0; i < rows; i++) out[i] = a + b[i]; break;
      case '-': for (let i = 0; i < rows; i++) out[i] = a - b[i]; break;
      case '*': for (let i = 0; i < rows; i++) out[i] = a * b[i]; break;
      case '/': for (let i = 0; i < rows; i++) out[i] = a / b[i]; break;
    }
  } else {
    switch (op) {
      case '+': for (let i = 0; i < rows; i++) out[i] = a[i] + b[i]; break;
      case '-': for (let i = 0; i < rows; i++) out[i] = a[i] - b[i]; break;
      case '*': for (let i = 0; i < rows; i++) out[i] = a[i] * b[i]; break;
      case '/': for (let i = 0; i < rows; i++) out[i] = a[i] / b[i]; break;
    }
  }
  return out;
}

function scalarArithmetic(op: ArithmeticOp, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
  }
}

const FLIPPED: Readonly<Record<CompareOp, CompareOp>> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=', '==': '==', '!=': '!=' };

function compare(op: CompareOp, a: NumericValue, b: NumericValue, rows: number): ConditionValue {
  if (typeof a === 'number' && typeof b === 'number') return scalarCompare(op, a, b);
  // Constant on the right only: `0.5 < x1` is `x1 > 0.5`.
  if (typeof a === 'number') return compare(FLIPPED[op], b, a, rows);
  const out = new Uint8Array(rows);
  if (typeof b === 'number') {
    // A raw feature is stored as float32, so the literal is rounded the same way: `x1 == 0.1` then finds the cells
    // written 0.1, and `x1 > 0.1` does not hold for them (fround(0.1) > 0.1 as doubles).
    const c = a instanceof Float32Array ? Math.fround(b) : b;
    switch (op) {
      case '>': for (let i = 0; i < rows; i++) out[i] = +(a[i] > c); break;
      case '>=': for (let i = 0; i < rows; i++) out[i] = +(a[i] >= c); break;
      case '<': for (let i = 0; i < rows; i++) out[i] = +(a[i] < c); break;
      case '<=': for (let i = 0; i < rows; i++) out[i] = +(a[i] <= c); break;
      case '==': for (let i = 0; i < rows; i++) out[i] = +(a[i] === c); break;
      case '!=': for (let i = 0; i < rows; i++) out[i] = +(a[i] !== c); break;
    }
    return out;
  }
  switch (op) {
    case '>': for (let i = 0; i < rows; i++) out[i] = +(a[i] > b[i]); break;
    case '>=': for (let i = 0; i < rows; i++) out[i] = +(a[i] >= b[i]); break;
    case '<': for (let i = 0; i < rows; i++) out[i] = +(a[i] < b[i]); break;
    case '<=': for (let i = 0; i < rows; i++) out[i] = +(a[i] <= b[i]); break;
    case '==': for (let i = 0; i < rows; i++) out[i] = +(a[i] === b[i]); break;
    case '!=': for (let i = 0; i < rows; i++) out[i] = +(a[i] !== b[i]); break;
  }
  return out;
}

function scalarCompare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
}

export function predictionAt(prediction: ConditionValue, row: number): number {
  return typeof prediction === 'boolean' ? (prediction ? 1 : 0) : prediction[row];
}

/** Confusion counts over the scored rows; the per-rule part is two branch-free passes, as ablation calls it often. */
export class Tally {
  private readonly n: number;
  private readonly positives: number;
  /** 1 where the row is scored and its class is 1. */
  private readonly positive: Uint8Array;

  constructor(
    labels: Int32Array,
    private readonly scored: Uint8Array,
  ) {
    this.positive = new Uint8Array(labels.length);
    let n = 0;
    let positives = 0;
    for (let i = 0; i < labels.length; i++) {
      // Scored rows are labelled, so their label is 0 or 1.
      const p = scored[i] & labels[i];
      this.positive[i] = p;
      positives += p;
      n += scored[i];
    }
    this.n = n;
    this.positives = positives;
  }

  confusion(prediction: ConditionValue): { tp: number; fp: number; tn: number; fn: number } {
    let predicted = 0;
    let both = 0;
    if (typeof prediction === 'boolean') {
      predicted = prediction ? this.n : 0;
      both = prediction ? this.positives : 0;
    } else {
      predicted = countBoth(prediction, this.scored);
      both = countBoth(prediction, this.positive);
    }
    const tp = both;
    const fp = predicted - both;
    const fn = this.positives - both;
    return { tp, fp, fn, tn: this.n - tp - fp - fn };
  }
}

/**
 * Rows where both 0/1 arrays hold 1. Four rows per step where both are word-aligned: each byte of a & b is 0 or 1, so
 * multiplying the word by 0x01010101 sums its four bytes into the top one.
 */
function countBoth(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let count = 0;
  let start = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = n >>> 2;
    const wa = new Uint32Array(a.buffer, a.byteOffset, words);
    const wb = new Uint32Array(b.buffer, b.byteOffset, words);
    for (let i = 0; i < words; i++) count += Math.imul(wa[i] & wb[i], 0x01010101) >>> 24;
    start = words << 2;
  }
  for (let i = start; i < n; i++) count += a[i] & b[i];
  return count;
}

/**
 * The syntax tree of the hypothesis language and the one error type its lexer, parser and evaluator throw. Kept apart
 * from the parser so that the evaluator, the conjecture search and the editor tooling can share the node types
 * without pulling in parsing code.
 */

/** 0-based, end-exclusive character offsets into the rule text (JavaScript string indices). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** What an expression produces. Conditions are 0/1 per row; numbers are real values per row. */
export type HypothesisType = 'number' | 'condition';

export type ArithmeticOp = '+' | '-' | '*' | '/';
export type CompareOp = '>' | '>=' | '<' | '<=' | '==' | '!=';
export type LogicOp = 'and' | 'or' | 'xor';

export interface NumberNode {
  readonly kind: 'number';
  /** Negative literals are folded from unary minus (`-0.5` is one node), so the value may be negative. */
  readonly value: number;
  readonly span: Span;
}

export interface BooleanNode {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly span: Span;
}

/**
 * A feature reference. As parsed, exactly one of `name` (`x1`, `` `my col` ``) and `index` (`#3`, 0-based) is set;
 * after compilation both are: `index` is the resolved column and `name` the dataset's own spelling of it.
 */
export interface FeatureNode {
  readonly kind: 'feature';
  readonly name: string | null;
  readonly index: number | null;
  readonly span: Span;
}

export interface NegateNode {
  readonly kind: 'negate';
  readonly operand: HypothesisNode;
  readonly span: Span;
}

export interface ArithmeticNode {
  readonly kind: 'arithmetic';
  readonly op: ArithmeticOp;
  readonly left: HypothesisNode;
  readonly right: HypothesisNode;
  readonly span: Span;
}

export interface CompareNode {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly left: HypothesisNode;
  readonly right: HypothesisNode;
  readonly span: Span;
}

/** `bin(x)`: the feature cut at its binarisation threshold (src/engine/binarise.ts), 1 where x > threshold. */
export interface BinNode {
  readonly kind: 'bin';
  readonly feature: FeatureNode;
  readonly span: Span;
}

export interface NotNode {
  readonly kind: 'not';
  readonly operand: HypothesisNode;
  readonly span: Span;
}

/**
 * `and` / `or` / `xor` over one or more conditions. Infix chains of one operator (`a xor b xor c`) and the call form
 * (`xor(a, b, c)`, `parity(a, b, c)`) build the same node, so the two spellings are the same hypothesis.
 */
export interface LogicNode {
  readonly kind: 'logic';
  readonly op: LogicOp;
  readonly operands: readonly HypothesisNode[];
  readonly span: Span;
}

export type HypothesisNode =
  | NumberNode
  | BooleanNode
  | FeatureNode
  | NegateNode
  | ArithmeticNode
  | CompareNode
  | BinNode
  | NotNode
  | LogicNode;

/** Types follow from the node kind alone: no inference needed, so the parser can check them as it builds. */
export function typeOf(node: HypothesisNode): HypothesisType {
  switch (node.kind) {
    case 'number':
    case 'feature':
    case 'negate':
    case 'arithmetic':
      return 'number';
    case 'boolean':
    case 'compare':
    case 'bin':
    case 'not':
    case 'logic':
      return 'condition';
  }
}

/** Structural equality that ignores spans: the same hypothesis however it was spelled or spaced. */
export function hypothesisEquals(a: HypothesisNode, b: HypothesisNode): boolean {
  switch (a.kind) {
    case 'number':
      return b.kind === 'number' && Object.is(a.value, b.value);
    case 'boolean':
      return b.kind === 'boolean' && a.value === b.value;
    case 'feature':
      return b.kind === 'feature' && a.name === b.name && a.index === b.index;
    case 'negate':
      return b.kind === 'negate' && hypothesisEquals(a.operand, b.operand);
    case 'not':
      return b.kind === 'not' && hypothesisEquals(a.operand, b.operand);
    case 'arithmetic':
    case 'compare':
      return b.kind === a.kind && a.op === b.op && hypothesisEquals(a.left, b.left) && hypothesisEquals(a.right, b.right);
    case 'bin':
      return b.kind === 'bin' && hypothesisEquals(a.feature, b.feature);
    case 'logic':
      return (
        b.kind === 'logic' &&
        a.op === b.op &&
        a.operands.length === b.operands.length &&
        a.operands.every((operand, k) => hypothesisEquals(operand, b.operands[k]))
      );
  }
}

/** Stable machine-readable codes: editor diagnostics and tests key on these, never on message text. */
export type HypothesisErrorCode =
  | 'empty'
  | 'unexpectedCharacter'
  | 'badNumber'
  | 'badIndex'
  | 'unterminatedName'
  | 'emptyName'
  | 'syntax'
  | 'unclosedParen'
  | 'type'
  | 'unknownFunction'
  | 'arity'
  | 'unknownFeature'
  | 'ambiguousFeature'
  | 'indexOutOfRange'
  | 'labelNotBinary'
  | 'datasetMismatch';

export interface HypothesisErrorLocation {
  /** 1-based column in the rule text (a newline counts as one character). */
  readonly column: number;
  /** Characters to underline from `column`; 0 at the end of the rule. */
  readonly length: number;
  /** What the parser would have accepted there, e.g. `")"` or `a condition`. */
  readonly expected?: string;
}

/**
 * A rule that cannot be read or evaluated. `message` is one line, `column N: …` for problems in the text, so that it
 * reads like a compiler's; `detail` is the same without the column, for places that show the position themselves.
 */
export class HypothesisError extends Error {
  readonly code: HypothesisErrorCode;
  readonly column: number;
  readonly length: number;
  readonly expected?: string;
  readonly detail: string;

  constructor(code: HypothesisErrorCode, detail: string, where: HypothesisErrorLocation, located = true) {
    super((located ? `column ${where.column}: ${detail}` : detail).replace(/[\r\n]+/g, ' '));
    this.name = 'HypothesisError';
    this.code = code;
    this.column = where.column;
    this.length = where.length;
    if (where.expected !== undefined) this.expected = where.expected;
    this.detail = detail;
  }
}

/** Location of a span as the error reports it. */
export function spanLocation(span: Span, expected?: string): HypothesisErrorLocation {
  return { column: span.start + 1, length: span.end - span.start, ...(expected !== undefined ? { expected } : {}) };
}

export function isHypothesisError(value: unknown): value is HypothesisError {
  return value instanceof HypothesisError;
}

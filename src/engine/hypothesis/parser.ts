import { HypothesisError, spanLocation, typeOf } from './ast';
import type { BinNode, CompareOp, FeatureNode, HypothesisNode, LogicNode, LogicOp, NumberNode, Span } from './ast';
import { KEYWORDS, isBareName, tokenize } from './lexer';
import type { Token } from './lexer';

/**
 * Parser and pretty-printer of the hypothesis language: rules about the label such as
 * `xor(bin(x2), bin(x4), bin(x5))` or `x1 * x2 < 0.25 and not bin(x7)`. Recursive descent, one function per
 * precedence level; no `eval`, no generated code.
 *
 * Grammar (EBNF; `{ … }` repeats, `[ … ]` is optional; whitespace and `//` comments to the end of a line are ignored):
 *
 * ```ebnf
 * rule       = expr , END ;                                  (* must be a condition *)
 * expr       = xorExpr , { "or" , xorExpr } ;                (* lowest precedence *)
 * xorExpr    = andExpr , { "xor" , andExpr } ;
 * andExpr    = notExpr , { "and" , notExpr } ;
 * notExpr    = "not" , notExpr | comparison ;
 * comparison = sum , [ compareOp , sum ] ;                   (* does not chain: a < b < c is an error *)
 * compareOp  = ">" | ">=" | "<" | "<=" | "==" | "!=" ;
 * sum        = product , { ( "+" | "-" ) , product } ;
 * product    = unary , { ( "*" | "/" ) , unary } ;
 * unary      = "-" , unary | primary ;
 * primary    = number | "true" | "false" | feature | call | "(" , expr , ")" ;
 * call       = function , "(" , [ expr , { "," , expr } ] , ")" ;
 * function   = "bin" | "xor" | "parity" | "and" | "or" ;   (* "not(a)" is notExpr with a parenthesised operand *)
 * feature    = identifier | backquoted | index ;
 * identifier = ( letter | "_" ) , { letter | digit | "_" | "." } ;   (* not a keyword *)
 * backquoted = "`" , { any character but "`" | "``" } , "`" ; (* "``" inside stands for one backquote *)
 * index      = "#" , digit , { digit } ;                     (* 0-based, like the CLI's --label INDEX *)
 * number     = ( digits , [ "." , [ digits ] ] | "." , digits ) , [ ( "e" | "E" ) , [ "+" | "-" ] , digits ] ;
 * keyword    = "not" | "and" | "or" | "xor" | "true" | "false" ;
 * ```
 *
 * So `not` binds tighter than `and`, `and` than `xor`, `xor` than `or`; all binary operators are left-associative.
 * Keywords are lower-case. An identifier directly followed by "(" is a function call, otherwise a feature, so a
 * feature may be called `bin` or `parity`; a feature called like a keyword needs backquotes.
 *
 * Types: every expression is a number or a condition (0/1 per row). Comparisons, `bin`, `not`, `and`, `or`, `xor`
 * and `true`/`false` are conditions; numbers, features and arithmetic are numbers. A rule, and every operand of
 * `not`/`and`/`or`/`xor`, must be a condition: turning a number into a truth value has no single right answer
 * (non-zero? above 0.5? above the feature's threshold?), so the rule must say which. The other way is safe: in
 * arithmetic and comparisons a condition counts as 0 or 1, so `bin(x1) + bin(x2) + bin(x3) >= 2` is a majority vote.
 * `bin(…)` takes a feature only, because the binarisation threshold belongs to a feature.
 *
 * Infix chains of one operator and the n-ary call form build the same node: `a xor b xor c`, `xor(a, b, c)` and
 * `parity(a, b, c)` are one hypothesis. A parenthesised group stays a group: `(a xor b) xor c` is a xor of two.
 */
export function parseHypothesis(text: string): HypothesisNode {
  const tokens = tokenize(text);
  if (tokens[0].kind === 'end') {
    throw new HypothesisError('empty', 'the rule is empty; write a condition such as xor(bin(x1), bin(x2))', {
      column: 1,
      length: text.length,
      expected: 'a condition',
    });
  }
  return new Parser(tokens).parseRule();
}

const COMPARE_OPS: ReadonlySet<string> = new Set(['>', '>=', '<', '<=', '==', '!=']);
const LOGIC_OPS: ReadonlySet<string> = new Set(['and', 'or', 'xor']);
/** Every function the language knows, for "did you mean" on a misspelt one. */
const FUNCTIONS: readonly string[] = ['bin', 'xor', 'parity', 'and', 'or', 'not'];

class Parser {
  private position = 0;
  /** Index of a "(" that directly follows `not`, so that `not(a, b)` is reported as an arity error. */
  private notParen = -1;

  constructor(private readonly tokens: readonly Token[]) {}

  parseRule(): HypothesisNode {
    const node = this.parseExpr();
    const next = this.peek();
    if (next.kind !== 'end') {
      if (next.kind === 'punct' && next.text === ')') {
        throw new HypothesisError('syntax', 'unexpected ")" with no "(" to close', spanLocation(next, 'end of rule'));
      }
      const hint = next.kind === 'name' && !next.quoted && KEYWORDS.has(next.name.toLowerCase()) ? ` (operators are lower-case: ${next.name.toLowerCase()})` : '';
      throw new HypothesisError(
        'syntax',
        `expected an operator or the end of the rule, found ${describe(next)}${hint}`,
        spanLocation(next, 'an operator or end of rule'),
      );
    }
    requireCondition(node, 'expected a condition such as `x1 * x2 > 0`, found a number-valued expression');
    return node;
  }

  private parseExpr(): HypothesisNode {
    return this.parseLogicLevel('or', () => this.parseLogicLevel('xor', () => this.parseLogicLevel('and', () => this.parseNot())));
  }

  /** One left-associative level of `or` / `xor` / `and`; a chain becomes one n-ary node. */
  private parseLogicLevel(op: LogicOp, next: () => HypothesisNode): HypothesisNode {
    const first = next();
    if (!this.atKeyword(op)) return first;
    const operands = [first];
    while (this.atKeyword(op)) {
      this.position++;
      operands.push(next());
    }
    for (const operand of operands) {
      requireCondition(operand, `expected a condition such as \`x1 > 0.5\` or \`bin(x1)\` on each side of "${op}", found a number-valued expression`);
    }
    return { kind: 'logic', op, operands, span: { start: first.span.start, end: operands[operands.length - 1].span.end } };
  }

  private parseNot(): HypothesisNode {
    if (!this.atKeyword('not')) return this.parseComparison();
    const keyword = this.take();
    const following = this.peek();
    if (following.kind === 'punct' && following.text === '(') this.notParen = this.position;
    const operand = this.parseNot();
    requireCondition(operand, 'expected a condition such as `x1 > 0.5` or `bin(x1)` after "not", found a number-valued expression');
    return { kind: 'not', operand, span: { start: keyword.start, end: operand.span.end } };
  }

  private parseComparison(): HypothesisNode {
    const left = this.parseSum();
    const op = this.peek();
    if (op.kind !== 'punct' || !COMPARE_OPS.has(op.text)) return left;
    this.position++;
    const right = this.parseSum();
    const node: HypothesisNode = { kind: 'compare', op: op.text as CompareOp, left, right, span: { start: left.span.start, end: right.span.end } };
    const again = this.peek();
    if (again.kind === 'punct' && COMPARE_OPS.has(again.text)) {
      throw new HypothesisError('syntax', 'comparisons do not chain: write a < b and b < c instead of a < b < c', spanLocation(again, 'and'));
    }
    return node;
  }

  private parseSum(): HypothesisNode {
    let left = this.parseProduct();
    for (let t = this.peek(); t.kind === 'punct' && (t.text === '+' || t.text === '-'); t = this.peek()) {
      this.position++;
      const right = this.parseProduct();
      left = { kind: 'arithmetic', op: t.text, left, right, span: { start: left.span.start, end: right.span.end } };
    }
    return left;
  }

  private parseProduct(): HypothesisNode {
    let left = this.parseUnary();
    for (let t = this.peek(); t.kind === 'punct' && (t.text === '*' || t.text === '/'); t = this.peek()) {
      this.position++;
      const right = this.parseUnary();
      left = { kind: 'arithmetic', op: t.text, left, right, span: { start: left.span.start, end: right.span.end } };
    }
    return left;
  }

  private parseUnary(): HypothesisNode {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '-') {
      this.position++;
      const operand = this.parseUnary();
      return negate(operand, { start: t.start, end: operand.span.end });
    }
    return this.parsePrimary();
  }

  private parsePrimary(): HypothesisNode {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.position++;
        return { kind: 'number', value: t.value, span: { start: t.start, end: t.end } };
      case 'index':
        this.position++;
        return { kind: 'feature', name: null, index: t.index, span: { start: t.start, end: t.end } };
      case 'name': {
        const next = this.tokens[this.position + 1];
        const isCall = !t.quoted && next.kind === 'punct' && next.text === '(';
        if (isCall) return this.parseCall();
        if (!t.quoted && (t.name === 'true' || t.name === 'false')) {
          this.position++;
          return { kind: 'boolean', value: t.name === 'true', span: { start: t.start, end: t.end } };
        }
        if (!t.quoted && KEYWORDS.has(t.name)) {
          const usage = t.name === 'not' ? 'put it in parentheses, e.g. (not bin(x1))' : `write a ${t.name} b or ${t.name}(a, b, …)`;
          throw new HypothesisError('syntax', `${this.expectedHere()}, found "${t.name}": ${usage}`, spanLocation(t, 'a value'));
        }
        this.position++;
        return { kind: 'feature', name: t.name, index: null, span: { start: t.start, end: t.end } };
      }
      case 'punct':
        if (t.text === '(') return this.parseParenthesised();
        throw new HypothesisError('syntax', `${this.expectedHere()}, found ${describe(t)}`, spanLocation(t, 'a value'));
      case 'end':
        throw new HypothesisError('syntax', `${this.expectedHere()}, found end of rule`, spanLocation(t, 'a value'));
    }
  }

  private parseParenthesised(): HypothesisNode {
    const open = this.take();
    const afterNot = this.position - 1 === this.notParen;
    if (afterNot && this.peekPunct(')')) {
      throw new HypothesisError('arity', 'not needs exactly one operand, got none', { column: open.start + 1, length: this.peek().end - open.start });
    }
    const inner = this.parseExpr();
    const close = this.peek();
    if (close.kind === 'punct' && close.text === ')') {
      this.position++;
      return inner;
    }
    if (afterNot && close.kind === 'punct' && close.text === ',') {
      throw new HypothesisError(
        'arity',
        'not takes exactly one operand; for several write not and(a, b) or not (a or b)',
        spanLocation(close, '")"'),
      );
    }
    throw new HypothesisError(
      'unclosedParen',
      `expected ")" to close "(" at column ${open.start + 1}, found ${describe(close)}`,
      spanLocation(close, '")"'),
    );
  }

  private parseCall(): HypothesisNode {
    const name = this.take();
    if (name.kind !== 'name') throw new Error('parseCall: not at a name');
    const open = this.take();
    const args: HypothesisNode[] = [];
    if (this.peekPunct(')')) {
      this.position++;
    } else {
      for (;;) {
        args.push(this.parseExpr());
        const t = this.peek();
        if (t.kind === 'punct' && t.text === ',') {
          this.position++;
          continue;
        }
        if (t.kind === 'punct' && t.text === ')') {
          this.position++;
          break;
        }
        throw new HypothesisError(
          'unclosedParen',
          `expected "," or ")" to close "${name.name}(" at column ${open.start + 1}, found ${describe(t)}`,
          spanLocation(t, '"," or ")"'),
        );
      }
    }
    const span: Span = { start: name.start, end: this.tokens[this.position - 1].end };
    const fn = name.name;
    if (fn === 'bin') return binCall(args, span);
    if (LOGIC_OPS.has(fn) || fn === 'parity') {
      const op: LogicOp = fn === 'parity' ? 'xor' : (fn as LogicOp);
      if (args.length === 0) {
        throw new HypothesisError('arity', `${fn}() needs at least one operand, e.g. ${fn}(bin(x1), bin(x2))`, spanLocation(span));
      }
      for (const arg of args) {
        requireCondition(arg, `expected a condition such as \`x1 > 0.5\` or \`bin(x1)\` as an operand of ${fn}(), found a number-valued expression`);
      }
      const node: LogicNode = { kind: 'logic', op, operands: args, span };
      return node;
    }
    const suggestion = closest(fn, FUNCTIONS);
    throw new HypothesisError(
      'unknownFunction',
      `unknown function "${fn}"${suggestion.length > 0 ? `; did you mean ${suggestion[0]}?` : ''} (functions: ${FUNCTIONS.join(', ')})`,
      spanLocation(name, 'a function'),
    );
  }

  /** "expected a condition after "and"" — what may follow the token just consumed. */
  private expectedHere(): string {
    const previous = this.tokens[this.position - 1];
    if (previous === undefined) return 'expected a condition';
    if (previous.kind === 'name') return `expected a condition after "${previous.name}"`;
    if (previous.kind === 'punct') {
      const what = previous.text === '(' || previous.text === ',' ? 'an expression' : 'a value';
      return `expected ${what} after "${previous.text}"`;
    }
    return 'expected a value';
  }

  private atKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'name' && !t.quoted && t.name === word;
  }

  private peekPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private peek(): Token {
    return this.tokens[this.position];
  }

  private take(): Token {
    return this.tokens[this.position++];
  }
}

function binCall(args: readonly HypothesisNode[], span: Span): BinNode {
  if (args.length !== 1) {
    const got = args.length === 0 ? 'none' : String(args.length);
    throw new HypothesisError('arity', `bin() takes exactly one feature, e.g. bin(x3), got ${got}`, spanLocation(span, 'one feature'));
  }
  const arg = args[0];
  if (arg.kind !== 'feature') {
    const found =
      typeOf(arg) === 'condition'
        ? 'a condition, which is already 0/1'
        : arg.kind === 'number'
          ? 'a number'
          : 'a number-valued expression; to cut a product or sum, compare it, e.g. x1 * x2 > 0.25';
    throw new HypothesisError('type', `bin() takes a feature such as bin(x3) or bin(#2), found ${found}`, spanLocation(arg.span, 'a feature'));
  }
  return { kind: 'bin', feature: arg, span };
}

/** Unary minus; a literal operand folds into a negative literal so that `-0.5` prints and re-parses as itself. */
export function negate(operand: HypothesisNode, span: Span): HypothesisNode {
  if (operand.kind === 'number') return { kind: 'number', value: -operand.value, span };
  return { kind: 'negate', operand, span };
}

function requireCondition(node: HypothesisNode, message: string): void {
  if (typeOf(node) !== 'condition') throw new HypothesisError('type', message, spanLocation(node.span, 'a condition'));
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'end of rule';
    case 'number':
      return `"${t.text}"`;
    case 'index':
      return `"#${t.index}"`;
    case 'name':
      return t.quoted ? `"${quoteName(t.name)}"` : `"${t.name}"`;
    case 'punct':
      return `"${t.text}"`;
  }
}

/**
 * Names within a small edit distance of `name`, best first (optimal string alignment distance, so a swap of two
 * neighbouring characters, `x21` for `x12`, costs 1). A name must be at least a third right to be suggested.
 */
export function closest(name: string, candidates: readonly string[], limit = 3): string[] {
  if (name.length === 0) return [];
  const budget = Math.max(1, Math.floor(name.length / 3));
  const scored: { readonly candidate: string; readonly distance: number; readonly order: number }[] = [];
  candidates.forEach((candidate, order) => {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= budget) scored.push({ candidate, distance, order });
  });
  // Among equals, prefer the same letters rearranged (a typing slip), then the same length, then dataset order.
  const letters = (s: string): string => [...s.toLowerCase()].sort().join('');
  const anagram = (candidate: string): number => (letters(candidate) === letters(name) ? 0 : 1);
  scored.sort(
    (a, b) =>
      a.distance - b.distance ||
      anagram(a.candidate) - anagram(b.candidate) ||
      Math.abs(a.candidate.length - name.length) - Math.abs(b.candidate.length - name.length) ||
      a.order - b.order,
  );
  return scored.slice(0, limit).map((s) => s.candidate);
}

export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2] + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1];
}

// ---------------------------------------------------------------------------------------------------------------
// Pretty-printer

/** Binding strength for printing; a child binding less tightly than its slot requires gets parentheses. */
const PRECEDENCE = { or: 1, xor: 2, and: 3, not: 4, compare: 5, sum: 6, product: 7, unary: 8, primary: 9 } as const;

/**
 * Canonical text of a hypothesis: single spaces around binary operators, `, ` between arguments, parentheses only
 * where precedence needs them, `xor(…)` for `parity(…)`. And/or/xor with exactly two operands print infix
 * (`bin(x1) xor bin(x2)`), with one or three and more as a call (`xor(bin(x2), bin(x4), bin(x5))`). Features print
 * by name when the node has one (backquoted when not an identifier), else as `#index`. The text re-parses to an
 * equal tree (`hypothesisEquals`).
 */
export function formatHypothesis(node: HypothesisNode): string {
  return format(node, 0);
}

function format(node: HypothesisNode, minPrecedence: number): string {
  const [text, precedence] = formatWithPrecedence(node);
  return precedence < minPrecedence ? `(${text})` : text;
}

function formatWithPrecedence(node: HypothesisNode): [string, number] {
  switch (node.kind) {
    case 'number':
      return [formatNumber(node), node.value < 0 || Object.is(node.value, -0) ? PRECEDENCE.unary : PRECEDENCE.primary];
    case 'boolean':
      return [node.value ? 'true' : 'false', PRECEDENCE.primary];
    case 'feature':
      return [formatFeature(node), PRECEDENCE.primary];
    case 'bin':
      return [`bin(${formatFeature(node.feature)})`, PRECEDENCE.primary];
    case 'negate': {
      const operand = format(node.operand, PRECEDENCE.unary);
      // `- -x`, not `--x`: reads as two minuses, not a decrement.
      return [operand.startsWith('-') ? `- ${operand}` : `-${operand}`, PRECEDENCE.unary];
    }
    case 'arithmetic': {
      const p = node.op === '+' || node.op === '-' ? PRECEDENCE.sum : PRECEDENCE.product;
      // Left-associative: the right operand needs parentheses at equal precedence, the left one does not.
      return [`${format(node.left, p)} ${node.op} ${format(node.right, p + 1)}`, p];
    }
    case 'compare':
      return [`${format(node.left, PRECEDENCE.sum)} ${node.op} ${format(node.right, PRECEDENCE.sum)}`, PRECEDENCE.compare];
    case 'not':
      return [`not ${format(node.operand, PRECEDENCE.not)}`, PRECEDENCE.not];
    case 'logic': {
      if (node.operands.length !== 2) {
        return [`${node.op}(${node.operands.map((o) => format(o, 0)).join(', ')})`, PRECEDENCE.primary];
      }
      // A same-operator child needs parentheses on either side, or the parser would merge it into this chain.
      const p = PRECEDENCE[node.op];
      return [`${format(node.operands[0], p + 1)} ${node.op} ${format(node.operands[1], p + 1)}`, p];
    }
  }
}

function formatNumber(node: NumberNode): string {
  // String() gives the shortest text that reads back as the same double, with exponents (1e-7, 1e+21) the lexer takes.
  return Object.is(node.value, -0) ? '-0' : String(node.value);
}

function formatFeature(node: FeatureNode): string {
  if (node.name === null) return `#${node.index ?? 0}`;
  return quoteName(node.name);
}

/** A feature name as the language writes it: bare when it is an identifier, else in backquotes. */
export function quoteName(name: string): string {
  return isBareName(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

import { HypothesisError } from './ast';

/**
 * Tokens of the hypothesis language. Hand-written rather than regex-driven so that every error can point at the
 * exact character and say what would have been accepted there.
 */

export type Punctuator = '(' | ')' | ',' | '+' | '-' | '*' | '/' | '>' | '>=' | '<' | '<=' | '==' | '!=';

interface TokenBase {
  /** 0-based offset of the first character. */
  readonly start: number;
  /** 0-based offset just past the last character. */
  readonly end: number;
}

export interface NumberToken extends TokenBase {
  readonly kind: 'number';
  readonly value: number;
  readonly text: string;
}

/** An identifier (`x1`, `petal_width`, `feature.3`, `xor`) or a backquoted name (`` `my col` ``). */
export interface NameToken extends TokenBase {
  readonly kind: 'name';
  readonly name: string;
  /** Backquoted names are always feature names, even when they spell a keyword. */
  readonly quoted: boolean;
}

/** `#3`: a 0-based feature index, like the CLI's `--label INDEX`. */
export interface IndexToken extends TokenBase {
  readonly kind: 'index';
  readonly index: number;
}

export interface PunctuatorToken extends TokenBase {
  readonly kind: 'punct';
  readonly text: Punctuator;
}

export interface EndToken extends TokenBase {
  readonly kind: 'end';
}

export type Token = NumberToken | NameToken | IndexToken | PunctuatorToken | EndToken;

/** Words with a meaning of their own; a feature with one of these names must be written in backquotes. */
export const KEYWORDS: ReadonlySet<string> = new Set(['not', 'and', 'or', 'xor', 'true', 'false']);

const IDENTIFIER_START = /[\p{L}_]/u;
const IDENTIFIER_PART = /[\p{L}\p{N}_.]/u;
const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_.]*$/u;

/** True when `name` can be written bare; otherwise it needs backquotes. */
export function isBareName(name: string): boolean {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name);
}

/** Characters people bring from other languages, with the spelling this one uses. */
const FOREIGN_OPERATORS: Readonly<Record<string, string>> = {
  '&&': 'write `and`',
  '&': 'write `and`',
  '||': 'write `or`',
  '|': 'write `or`',
  '^': 'write `xor` (there is no power operator; write x * x)',
  '!': 'write `not`, or `!=` for "not equal"',
  '=': 'write `==` to compare',
  '"': 'feature names that are not identifiers go in backquotes, e.g. `my col`',
  "'": 'feature names that are not identifiers go in backquotes, e.g. `my col`',
};

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      // `//` comments, not `#`: `#` is the index sigil.
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      const token = readNumber(text, i);
      tokens.push(token);
      i = token.end;
      continue;
    }
    if (c === '#') {
      const token = readIndex(text, i);
      tokens.push(token);
      i = token.end;
      continue;
    }
    if (c === '`') {
      const token = readQuoted(text, i);
      tokens.push(token);
      i = token.end;
      continue;
    }
    if (IDENTIFIER_START.test(c)) {
      let j = i + 1;
      while (j < n && IDENTIFIER_PART.test(text[j])) j++;
      tokens.push({ kind: 'name', name: text.slice(i, j), quoted: false, start: i, end: j });
      i = j;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '>=' || two === '<=' || two === '==' || two === '!=') {
      tokens.push({ kind: 'punct', text: two, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if ('(),+-*/<>'.includes(c)) {
      tokens.push({ kind: 'punct', text: c as Punctuator, start: i, end: i + 1 });
      i++;
      continue;
    }
    const foreign = FOREIGN_OPERATORS[two] !== undefined ? two : FOREIGN_OPERATORS[c] !== undefined ? c : null;
    if (foreign !== null) {
      throw new HypothesisError('unexpectedCharacter', `unexpected "${foreign}": ${FOREIGN_OPERATORS[foreign]}`, {
        column: i + 1,
        length: foreign.length,
      });
    }
    const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
    throw new HypothesisError('unexpectedCharacter', `unexpected character "${ch}"`, { column: i + 1, length: ch.length });
  }
  tokens.push({ kind: 'end', start: n, end: n });
  return tokens;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Digits, an optional fraction and an optional exponent; anything glued on (`1.2.3`, `2x`) is a malformed number. */
function readNumber(text: string, start: number): NumberToken {
  let i = start;
  while (isDigit(text[i])) i++;
  if (text[i] === '.') {
    i++;
    while (isDigit(text[i])) i++;
  }
  if ((text[i] === 'e' || text[i] === 'E') && (isDigit(text[i + 1]) || ((text[i + 1] === '+' || text[i + 1] === '-') && isDigit(text[i + 2])))) {
    i += 2;
    while (isDigit(text[i])) i++;
  }
  if (i < text.length && (text[i] === '.' || IDENTIFIER_PART.test(text[i]))) {
    let j = i;
    while (j < text.length && IDENTIFIER_PART.test(text[j])) j++;
    const run = text.slice(start, j);
    const hint = /^[\d.]+$/.test(run)
      ? 'a number has at most one decimal point'
      : /^[\d.]*\d[\d.]*[eE]$/.test(run)
        ? 'an exponent needs digits, e.g. 1e-3'
        : `write a product with *, e.g. ${text.slice(start, i)} * ${text.slice(i, j)}, or put a name that starts with a digit in backquotes`;
    throw new HypothesisError('badNumber', `malformed number "${run}": ${hint}`, { column: start + 1, length: j - start, expected: 'a number' });
  }
  const raw = text.slice(start, i);
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new HypothesisError('badNumber', `number "${raw}" is too large`, { column: start + 1, length: i - start, expected: 'a finite number' });
  }
  return { kind: 'number', value, text: raw, start, end: i };
}

function readIndex(text: string, start: number): IndexToken {
  let i = start + 1;
  while (isDigit(text[i])) i++;
  let j = i;
  while (j < text.length && IDENTIFIER_PART.test(text[j])) j++;
  if (i === start + 1 || j > i) {
    throw new HypothesisError(
      'badIndex',
      `"#" starts a 0-based feature index such as #3, found "${text.slice(start, Math.max(j, start + 1))}" (comments start with //)`,
      { column: start + 1, length: Math.max(j, start + 1) - start, expected: 'a 0-based feature index' },
    );
  }
  return { kind: 'index', index: Number(text.slice(start + 1, i)), start, end: i };
}

/** `` `my col` ``; a backquote inside the name is written twice, as in SQL identifiers. */
function readQuoted(text: string, start: number): NameToken {
  let name = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) {
      throw new HypothesisError('unterminatedName', `the name started with \` at column ${start + 1} has no closing backquote`, {
        column: start + 1,
        length: text.length - start,
        expected: '`',
      });
    }
    if (text[i] === '`') {
      if (text[i + 1] === '`') {
        name += '`';
        i += 2;
        continue;
      }
      break;
    }
    name += text[i];
    i++;
  }
  if (name.length === 0) {
    throw new HypothesisError('emptyName', 'empty feature name ``', { column: start + 1, length: 2, expected: 'a feature name' });
  }
  return { kind: 'name', name, quoted: true, start, end: i + 1 };
}

/**
 * The `.npy` header dict parser: the subset of Python literal syntax that numpy.lib.format writes (str, int, bool,
 * None, tuple, list, dict). numpy itself uses ast.literal_eval for the same reason: no code runs.
 */
import { DatasetError } from '../../errors';

export type PyLiteral =
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'none' }
  | { readonly kind: 'tuple' | 'list'; readonly items: readonly PyLiteral[] }
  | { readonly kind: 'dict'; readonly entries: ReadonlyMap<string, PyLiteral> };

class HeaderSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

export function parseHeaderDict(text: string, file: string): ReadonlyMap<string, PyLiteral> {
  const parser = new LiteralParser(text);
  let value: PyLiteral;
  try {
    value = parser.parseDocument();
  } catch (err) {
    if (!(err instanceof HeaderSyntaxError)) throw err;
    const excerpt = text.trim().slice(0, 80);
    throw new DatasetError('npyBadHeader', `header is not a valid Python dict literal: ${err.message} at character ${err.at} of "${excerpt}"`, {
      file,
      expected: "{'descr': ..., 'fortran_order': ..., 'shape': (...)}",
    });
  }
  if (value.kind !== 'dict') {
    throw new DatasetError('npyBadHeader', `header is ${describeLiteral(value)}, not a dict`, {
      file,
      expected: "{'descr': ..., 'fortran_order': ..., 'shape': (...)}",
    });
  }
  return value.entries;
}

class LiteralParser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parseDocument(): PyLiteral {
    const value = this.parseValue();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected "${this.text[this.pos]}" after the dict`);
    return value;
  }

  private parseValue(): PyLiteral {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('unexpected end of header');
    if (c === '{' || c === '(' || c === '[') {
      // Headers are a few hundred bytes; a deep nest is an attack or garbage, not a dtype.
      if (++this.depth > 32) this.fail('nesting too deep');
      const value = c === '{' ? this.parseDict() : this.parseSequence(c === '(' ? ')' : ']');
      this.depth--;
      return value;
    }
    if (c === "'" || c === '"') return { kind: 'str', value: this.parseString() };
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return this.parseInt();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))?.[0];
    if (word === 'True' || word === 'False') {
      this.pos += word.length;
      return { kind: 'bool', value: word === 'True' };
    }
    if (word === 'None') {
      this.pos += 4;
      return { kind: 'none' };
    }
    return this.fail(word ? `unexpected name "${word}"` : `unexpected "${c}"`);
  }

  private parseDict(): PyLiteral {
    this.pos++; // '{'
    const entries = new Map<string, PyLiteral>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return { kind: 'dict', entries };
      }
      const keyAt = this.pos;
      const key = this.parseValue();
      if (key.kind !== 'str') this.fail('dict keys must be strings', keyAt);
      if (entries.has(key.value)) this.fail(`duplicate key '${key.value}'`, keyAt);
      this.skipSpace();
      this.expect(':');
      entries.set(key.value, this.parseValue());
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail('expected "," or "}"');
    }
  }

  private parseSequence(close: ')' | ']'): PyLiteral {
    this.pos++; // '(' or '['
    const items: PyLiteral[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        // In Python `(5)` is the int 5 and `(5,)` the 1-tuple: the comma makes the tuple.
        if (close === ')' && items.length === 1 && !sawComma) return items[0];
        return { kind: close === ')' ? 'tuple' : 'list', items };
      }
      items.push(this.parseValue());
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        sawComma = true;
      } else if (this.text[this.pos] !== close) {
        this.fail(`expected "," or "${close}"`);
      }
    }
  }

  private parseString(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === 'x' || e === 'u') {
        const len = e === 'x' ? 2 : 4;
        const hex = this.text.slice(this.pos, this.pos + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail('bad escape in string');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += len;
      } else this.fail('bad escape in string');
    }
  }

  private parseInt(): PyLiteral {
    // Python 2 wrote long shapes as `10L`; numpy.lib.format._filter_header strips the L, so accept it.
    const m = /^[-+]?\d+[lL]?/.exec(this.text.slice(this.pos));
    if (!m) return this.fail('malformed number');
    const digits = m[0].replace(/[lL]$/, '');
    if (/^[-+]?\d+[.eEjJ]/.test(this.text.slice(this.pos))) this.fail('only integers are allowed in the header');
    this.pos += m[0].length;
    return { kind: 'int', value: Number(digits) };
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) this.fail(`expected "${c}"`);
    this.pos++;
  }

  private fail(message: string, at = this.pos): never {
    throw new HeaderSyntaxError(message, at);
  }
}

export function describeLiteral(v: PyLiteral): string {
  switch (v.kind) {
    case 'str':
      return `the string '${v.value}'`;
    case 'int':
      return `the integer ${v.value}`;
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
    case 'list':
      return `a ${v.kind} ${literalText(v)}`;
    case 'dict':
      return 'a dict';
  }
}

export function literalText(v: PyLiteral): string {
  switch (v.kind) {
    case 'str':
      return `'${v.value}'`;
    case 'int':
      return String(v.value);
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return v.items.length === 1 ? `(${literalText(v.items[0])},)` : `(${v.items.map(literalText).join(', ')})`;
    case 'list':
      return `[${v.items.map(literalText).join(', ')}]`;
    case 'dict':
      return `{${[...v.entries].map(([k, x]) => `'${k}': ${literalText(x)}`).join(', ')}}`;
  }
}

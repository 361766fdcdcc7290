/**
 * Hypothesis files (`*.kryp`): a header naming the dataset, then one rule per line in the hypothesis language.
 *
 *     // Kryptonite-9: what the analysis suggested
 *     dataset ../data/kryptonite-9.csv      ← path relative to this file (quotes allowed: dataset "my data.csv")
 *     label y                               ← optional: label column name or 0-based index
 *     seed 42                               ← optional: seed of the 60/20/20 split
 *     xor(bin(x2), bin(x4), bin(x5), bin(x6), bin(x7), bin(x9))
 *     bin(x1) and not bin(x3)   // a comment
 *
 * Everything keeps its position (0-based line, 0-based character) so an editor can put a CodeLens above a rule and
 * a diagnostic under the exact character a parse error points at.
 */
export interface HypothesisFileRule {
  /** 0-based line in the file. */
  readonly line: number;
  /** 0-based character where the rule text starts on that line. */
  readonly start: number;
  /** The rule without its comment and surrounding blanks. */
  readonly text: string;
}

export interface HypothesisFileProblem {
  readonly line: number;
  readonly start: number;
  readonly length: number;
  readonly message: string;
  readonly code: 'missingDataset' | 'duplicateDirective' | 'badDirective' | 'directiveAfterRules';
}

export interface HypothesisFile {
  readonly dataset: { readonly path: string; readonly line: number; readonly start: number; readonly length: number } | null;
  readonly label: string | number | undefined;
  readonly seed: number | undefined;
  readonly rules: HypothesisFileRule[];
  readonly problems: HypothesisFileProblem[];
}

// A directive keyword alone on its line (`dataset`, `label:`) is a directive missing its value, not a rule.
const DIRECTIVE = /^(dataset|label|seed)(?:\s*:\s*|\s+|$)(.*)$/;

export function parseHypothesisFile(text: string): HypothesisFile {
  const lines = text.split(/\r\n|\r|\n/);
  let dataset: HypothesisFile['dataset'] = null;
  let label: string | number | undefined;
  let seed: number | undefined;
  const rules: HypothesisFileRule[] = [];
  const problems: HypothesisFileProblem[] = [];
  const seen = new Set<string>();
  lines.forEach((raw, line) => {
    const content = stripComment(raw);
    const trimmed = content.trim();
    if (trimmed === '') return;
    const start = content.length - content.trimStart().length;
    const m = DIRECTIVE.exec(trimmed);
    // A dataset or label value never starts with an operator: "label > 0.5" is a rule about a feature called label.
    // (A seed's value is checked as a number instead, so "seed -3" is reported, not read as a rule.)
    if (m && (m[1] === 'seed' || !/^[<>=!(*+/-]/.test(m[2].trim()))) {
      const [, key, rawValue] = m;
      const value = unquote(rawValue.trim());
      const valueStart = start + trimmed.length - rawValue.length + (rawValue.length - rawValue.trimStart().length);
      if (rules.length > 0) {
        problems.push({ line, start, length: trimmed.length, code: 'directiveAfterRules', message: `"${key}" must come before the first rule` });
        return;
      }
      if (seen.has(key)) {
        problems.push({ line, start, length: trimmed.length, code: 'duplicateDirective', message: `"${key}" is given twice; the first one counts` });
        return;
      }
      seen.add(key);
      if (value === '') {
        problems.push({ line, start, length: trimmed.length, code: 'badDirective', message: `"${key}" needs a value` });
        return;
      }
      if (key === 'dataset') dataset = { path: value, line, start: valueStart, length: rawValue.trim().length };
      else if (key === 'label') label = /^\d+$/.test(value) ? Number(value) : value;
      else if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        problems.push({ line, start: valueStart, length: rawValue.trim().length, code: 'badDirective', message: `seed must be a non-negative integer, got "${value}"` });
      } else seed = Number(value);
      return;
    }
    rules.push({ line, start, text: trimmed });
  });
  if (!dataset) {
    problems.push({
      line: 0,
      start: 0,
      length: lines[0]?.length ?? 0,
      code: 'missingDataset',
      message: 'no "dataset PATH" line: name the data file (relative to this file) before the rules',
    });
  }
  return { dataset, label, seed, rules, problems };
}

/** A `//` comment runs to the end of the line, except inside backquoted feature names. */
function stripComment(line: string): string {
  let inName = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '`') inName = !inName;
    else if (!inName && c === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** Where each cell of a CSV header line sits, in editor columns. Pure: unit-tested without VS Code. */
export interface HeaderCell {
  /** Unquoted, trimmed name. */
  readonly name: string;
  /** 0-based character offsets of the cell's text (quotes included) in the line. */
  readonly start: number;
  readonly end: number;
}

/**
 * Splits one header line on `delimiter`, honouring double quotes ("" is an escaped quote). A leading BOM is not
 * counted: VS Code strips it from the document, so offsets match what the editor shows.
 */
export function headerCells(line: string, delimiter: string): HeaderCell[] {
  const text = line.replace(/^\uFEFF/, '').replace(/\r?\n?$/, '');
  const cells: HeaderCell[] = [];
  let i = 0;
  let start = 0;
  let quoted = false;
  let value = '';
  const push = (end: number): void => {
    // Trim the visible range to the non-blank part so the squiggle sits under the name.
    let s = start;
    let e = end;
    while (s < e && (text[s] === ' ' || text[s] === '\t') && text[s] !== delimiter) s++;
    while (e > s && (text[e - 1] === ' ' || text[e - 1] === '\t') && text[e - 1] !== delimiter) e--;
    cells.push({ name: value.trim(), start: s, end: Math.max(e, s) });
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          value += '"';
          i++;
        } else quoted = false;
      } else value += ch;
    } else if (ch === '"') {
      quoted = true;
    } else if (text.startsWith(delimiter, i)) {
      push(i);
      value = '';
      start = i + delimiter.length;
      i += delimiter.length - 1;
    } else value += ch;
  }
  push(text.length);
  return cells;
}

/** The first line of a file's text (without its line break). */
export function firstLine(text: string): string {
  const n = text.search(/\r|\n/);
  return n < 0 ? text : text.slice(0, n);
}

/**
 * The delimiter of a header line before any analysis said it: tab for .tsv, else whichever of `,` `;` tab `|` occurs
 * most often outside quotes (comma on a tie or when none occurs). The engine's dialect detection decides for the
 * analysis; this only places hover ranges and lists columns before the first one.
 */
export function guessDelimiter(line: string, file = ''): string {
  if (/\.tsv$/i.test(file)) return '\t';
  const unquoted = line.replace(/"(?:[^"]|"")*"/g, '');
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = unquoted.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/**
 * A known-answer table (see tables.ts) written out: as CSV text with a header row (numbers as their shortest float32
 * text, so a round trip through the reader is exact), or as the in-memory Dataset the reader would build from it.
 */
import type { Categories, Dataset, FeatureType, Label } from '../dataset';
import { classLabel, inMemoryDataset, regressionLabel } from '../dataset';
import { formatFloat32 } from './kryptonite';
import type { Cell, SynthLabel, SynthTable } from './tables';

// ---------------------------------------------------------------------------------------------------------------
// Output: CSV text and in-memory datasets.
// ---------------------------------------------------------------------------------------------------------------

export interface CsvWriteOptions {
  /** Default ','. With ';' or a tab, `decimalComma` writes 1,5 for 1.5. */
  readonly delimiter?: ',' | ';' | '\t';
  readonly decimalComma?: boolean;
  /** Where the label column goes (default last). */
  readonly labelFirst?: boolean;
  /** Leave the label out (an unlabelled file). */
  readonly withoutLabel?: boolean;
}

/** The table as CSV text with a header row; numbers as their shortest float32 text, texts quoted when needed. */
export function tableToCsv(table: SynthTable, options: CsvWriteOptions = {}): string {
  const delimiter = options.delimiter ?? ',';
  if (options.decimalComma && delimiter === ',') throw new RangeError('tableToCsv: a decimal comma needs a delimiter other than ","');
  const label = table.label;
  const labelCell = (i: number): Cell => {
    if (label.target) return Number.isFinite(label.target[i]) ? label.target[i] : null;
    const k = label.codes ? label.codes[i] : -1;
    return k >= 0 ? label.classes[k] : null;
  };
  const names = table.columns.map((c) => c.name);
  const header = options.withoutLabel ? names : options.labelFirst ? [label.name, ...names] : [...names, label.name];
  const lines: string[] = [header.map((h) => quote(h, delimiter)).join(delimiter)];
  for (let i = 0; i < table.rows; i++) {
    const cells = table.columns.map((c) => formatCell(c.cells[i], delimiter, options.decimalComma ?? false, false));
    if (!options.withoutLabel) {
      const y = formatCell(labelCell(i), delimiter, options.decimalComma ?? false, label.target !== null);
      if (options.labelFirst) cells.unshift(y);
      else cells.push(y);
    }
    lines.push(cells.join(delimiter));
  }
  return lines.join('\n') + '\n';
}

/**
 * The table as an in-memory Dataset: number columns as numeric features (NaN where empty), text columns as
 * categorical features with levels in order of first appearance. Columns the reader would exclude (identifiers,
 * dates, free text) are left out, as the reader leaves them out.
 */
export function tableToDataset(table: SynthTable, path = `(generated: ${table.truth.generator})`): Dataset {
  const kept = table.columns.filter((c) => c.expectedType !== 'identifier' && c.expectedType !== 'datetime' && c.expectedType !== 'text');
  const columns: Float32Array[] = [];
  const types: FeatureType[] = [];
  const categories: (Categories | null)[] = [];
  for (const c of kept) {
    const text = c.cells.some((v) => typeof v === 'string');
    if (!text) {
      columns.push(Float32Array.from(c.cells, (v) => (typeof v === 'number' ? v : NaN)));
      types.push(c.expectedType === 'binary' ? 'binary' : 'numeric');
      categories.push(null);
      continue;
    }
    const levels: string[] = [];
    const index = new Map<string, number>();
    const codes = new Int32Array(table.rows).fill(-1);
    const counts: number[] = [];
    c.cells.forEach((v, i) => {
      if (v === null || (typeof v === 'string' && v.trim() === '')) return;
      const key = String(v).trim();
      let k = index.get(key);
      if (k === undefined) {
        k = levels.length;
        levels.push(key);
        counts.push(0);
        index.set(key, k);
      }
      codes[i] = k;
      counts[k]++;
    });
    columns.push(Float32Array.from(codes, (k) => (k < 0 ? NaN : k)));
    types.push('categorical');
    categories.push({ levels, codes, counts });
  }
  return inMemoryDataset({ path, names: kept.map((c) => c.name), columns, types, categories, label: datasetLabel(table.label) });
}

/**
 * The label as the reader builds it from the CSV text: integer classes in numeric order, text classes in order of
 * first appearance (so codes agree with a dataset read from tableToCsv), a number target as it is.
 */
function datasetLabel(l: SynthLabel): Label {
  if (l.target) return regressionLabel(l.name, Float64Array.from(l.target));
  const source = l.codes ?? new Int32Array(0);
  const integer = l.classes.every((c) => /^-?\d+$/.test(c));
  const present = [...new Set(Array.from(source).filter((k) => k >= 0))];
  const order = integer ? present.sort((a, b) => Number(l.classes[a]) - Number(l.classes[b])) : present;
  // Classes no row holds are left out, as the reader never sees them.
  const recode = new Map<number, number>(order.map((k, u) => [k, u]));
  const codes = Int32Array.from(source, (k) => (k >= 0 ? (recode.get(k) ?? -1) : -1));
  return classLabel(l.name, codes, order.map((k) => l.classes[k]), integer ? 'integer' : 'string');
}
// ---------------------------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------------------------

function formatCell(cell: Cell, delimiter: string, decimalComma: boolean, float64: boolean): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return quote(cell, delimiter);
  if (!Number.isFinite(cell)) return String(cell);
  const text = float64 ? String(cell) : formatFloat32(Math.fround(cell));
  return decimalComma ? text.replace('.', ',') : text;
}

function quote(text: string, delimiter: string): string {
  return text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r') ? `"${text.replace(/"/g, '""')}"` : text;
}

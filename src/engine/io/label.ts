import type { Label, LabelSpec } from '../dataset';
import { LABEL_NAME_GUESSES } from '../dataset';
import { DatasetError, makeWarning } from '../errors';
import type { DatasetWarning } from '../errors';

/** More classes than this in an integer label reads as a regression target or an id, not a class. */
export const MAX_LABEL_CLASSES = 1000;

/**
 * Resolve which column is the label. `spec` is a name (case-sensitive first, then case-insensitive) or a 0-based
 * index (a number, or a string of digits that is not itself a column name). With no spec, the first column whose
 * name is one of LABEL_NAME_GUESSES (case-insensitive) is used; returns -1 when there is none.
 */
export function resolveLabelColumn(names: readonly string[], spec: LabelSpec, file: string, detect = true): number {
  if (spec === undefined || spec === '') {
    if (!detect) return -1;
    for (const guess of LABEL_NAME_GUESSES) {
      const i = names.findIndex((n) => n.trim().toLowerCase() === guess);
      if (i >= 0) return i;
    }
    return -1;
  }
  if (typeof spec === 'string') {
    const exact = names.indexOf(spec);
    if (exact >= 0) return exact;
    const lower = spec.trim().toLowerCase();
    const loose = names.findIndex((n) => n.trim().toLowerCase() === lower);
    if (loose >= 0) return loose;
    if (/^\d+$/.test(spec.trim())) return checkIndex(Number(spec.trim()), names, file);
    throw new DatasetError('labelNotFound', `label column "${spec}" not found`, {
      file,
      expected: `one of ${preview(names)} or a 0-based column index`,
    });
  }
  return checkIndex(spec, names, file);
}

function checkIndex(index: number, names: readonly string[], file: string): number {
  if (!Number.isInteger(index) || index < 0 || index >= names.length) {
    throw new DatasetError('labelNotFound', `label column index ${index} is out of range`, {
      file,
      expected: `an index from 0 to ${names.length - 1}`,
    });
  }
  return index;
}

function preview(names: readonly string[]): string {
  const shown = names.slice(0, 8).map((n) => `"${n}"`).join(', ');
  return names.length > 8 ? `${shown}, … (${names.length} columns)` : shown;
}

export interface LabelBuild {
  readonly label: Label | null;
  readonly warnings: DatasetWarning[];
}

/**
 * Numeric label values (NaN = missing) → classes. Integer values keep their numeric order (so 0/1 stay classes 0/1);
 * non-integer values are not a class label: the label is dropped with a warning rather than silently binned.
 */
export function labelFromNumbers(
  name: string,
  sourceColumn: number | null,
  values: ArrayLike<number>,
  file: string,
): LabelBuild {
  const warnings: DatasetWarning[] = [];
  const distinct = new Map<number, number>();
  let missing = 0;
  let firstNonInteger = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      missing++;
      continue;
    }
    if (!Number.isInteger(v)) {
      if (firstNonInteger < 0) firstNonInteger = i;
      continue;
    }
    distinct.set(v, (distinct.get(v) ?? 0) + 1);
  }
  const where = { file, column: name };
  if (firstNonInteger >= 0) {
    warnings.push(
      makeWarning('labelNonInteger', `label has non-integer value ${values[firstNonInteger]} (row index ${firstNonInteger}); analysed without a label`, {
        ...where,
        expected: 'integer or text class labels',
      }),
    );
    return { label: null, warnings };
  }
  if (distinct.size > MAX_LABEL_CLASSES) {
    warnings.push(
      makeWarning('labelManyClasses', `label has ${distinct.size} distinct values; analysed without a label`, {
        ...where,
        expected: `at most ${MAX_LABEL_CLASSES} classes`,
      }),
    );
    return { label: null, warnings };
  }
  const keys = [...distinct.keys()].sort((a, b) => a - b);
  const code = new Map<number, number>(keys.map((k, i) => [k, i]));
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Number.isFinite(v) ? (code.get(v) ?? -1) : -1;
  }
  return finish(name, sourceColumn, out, keys.map(String), keys.map((k) => distinct.get(k) ?? 0), 'integer', missing, file, warnings);
}

/** Text label values (null or '' = missing) → classes in order of first appearance. */
export function labelFromStrings(
  name: string,
  sourceColumn: number | null,
  values: readonly (string | null)[],
  file: string,
): LabelBuild {
  const warnings: DatasetWarning[] = [];
  const code = new Map<string, number>();
  const counts: number[] = [];
  const out = new Int32Array(values.length);
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const raw = values[i];
    const v = raw === null ? '' : raw.trim();
    if (v === '') {
      out[i] = -1;
      missing++;
      continue;
    }
    let k = code.get(v);
    if (k === undefined) {
      k = code.size;
      code.set(v, k);
      counts.push(0);
    }
    counts[k]++;
    out[i] = k;
  }
  if (code.size > MAX_LABEL_CLASSES) {
    warnings.push(
      makeWarning('labelManyClasses', `label has ${code.size} distinct values; analysed without a label`, {
        file,
        column: name,
        expected: `at most ${MAX_LABEL_CLASSES} classes`,
      }),
    );
    return { label: null, warnings };
  }
  return finish(name, sourceColumn, out, [...code.keys()], counts, 'string', missing, file, warnings);
}

function finish(
  name: string,
  sourceColumn: number | null,
  values: Int32Array,
  classes: string[],
  counts: number[],
  kind: 'integer' | 'string',
  missing: number,
  file: string,
  warnings: DatasetWarning[],
): LabelBuild {
  if (missing > 0) {
    warnings.push(
      makeWarning('labelMissing', `${missing} row(s) have no label; they are left out of label-aware statistics`, {
        file,
        column: name,
        count: missing,
      }),
    );
  }
  if (classes.length === 0) {
    warnings.push(makeWarning('labelMissing', 'label column is entirely empty; analysed without a label', { file, column: name }));
    return { label: null, warnings };
  }
  if (classes.length === 1) {
    warnings.push(
      makeWarning('labelSingleClass', `label has a single class "${classes[0]}"; label-aware statistics are not meaningful`, {
        file,
        column: name,
        expected: 'at least two classes',
      }),
    );
  }
  return { label: { name, sourceColumn, values, classes, counts, kind, missing }, warnings };
}

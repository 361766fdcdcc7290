import type { Label, LabelSpec, LabelTask } from '../dataset';
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
 * An integer label with at most this many distinct values, each repeated (three rows a value on average), reads as
 * classes (digits 0–9, a 1–7 rating, glass types); more distinct integers read as a quantity (a count, an age, a
 * price in dollars). `--task` overrides either way.
 */
export const MAX_INTEGER_CLASSES = 20;

/**
 * Numeric label values (NaN = missing) → a task and its classes or target. Two distinct values are a binary label;
 * non-integer values, or more than MAX_INTEGER_CLASSES distinct integers, are a regression target; otherwise the
 * integers are classes in numeric order (so 0/1 stay classes 0/1).
 */
export function labelFromNumbers(
  name: string,
  sourceColumn: number | null,
  values: ArrayLike<number>,
  file: string,
  task?: LabelTask,
): LabelBuild {
  const warnings: DatasetWarning[] = [];
  // Few distinct values (a class label, mostly): one pass with a short list instead of a Map lookup per row.
  const few = fewDistinct(values);
  const distinct = few ? new Map<number, number>(few.keys.map((key, t) => [key, few.counts[t]])) : new Map<number, number>();
  let missing = few?.missing ?? 0;
  let firstNonInteger = few?.firstNonInteger ?? -1;
  let many = false;
  if (!few)
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) {
        missing++;
        continue;
      }
      if (firstNonInteger < 0 && !Number.isInteger(v)) firstNonInteger = i;
      if (!many) {
        distinct.set(v, (distinct.get(v) ?? 0) + 1);
        if (distinct.size > MAX_LABEL_CLASSES) many = true;
      }
    }
  const where = { file, column: name };
  const k = many ? Infinity : distinct.size;
  const shown = many ? `more than ${MAX_LABEL_CLASSES.toLocaleString('en-US')}` : k.toLocaleString('en-US');
  let chosen: LabelTask;
  let evidence: string;
  if (task !== undefined) {
    chosen = task;
    evidence = `set by the user (numbers with ${shown} distinct values)`;
    if (task === 'binary' && k > 2) {
      throw new DatasetError('taskInvalid', `cannot be a binary label: it has ${shown} distinct values`, { ...where, expected: 'two distinct values for --task binary' });
    }
    if (task === 'multiclass' && many) {
      throw new DatasetError('taskInvalid', `cannot be a class label: it has ${shown} distinct values`, { ...where, expected: `at most ${MAX_LABEL_CLASSES} classes for --task multiclass` });
    }
  } else if (k <= 2) {
    chosen = 'binary';
    evidence = k === 2 ? `two distinct values (${[...distinct.keys()].sort((a, b) => a - b).join(', ')})` : 'a single value';
  } else if (firstNonInteger >= 0) {
    chosen = 'regression';
    evidence = `numbers with ${shown} distinct values, not all integers (e.g. ${values[firstNonInteger]})`;
  } else if (k > MAX_INTEGER_CLASSES) {
    chosen = 'regression';
    evidence = `integers with ${shown} distinct values (more than ${MAX_INTEGER_CLASSES} reads as a quantity, not classes)`;
  } else if (k * 3 > values.length - missing) {
    chosen = 'regression';
    evidence = `integers with ${k} distinct values in ${values.length - missing} rows (classes would have fewer than three rows each on average)`;
  } else {
    chosen = 'multiclass';
    evidence = `integers with ${k} distinct values (at most ${MAX_INTEGER_CLASSES} read as classes)`;
  }
  if (chosen === 'regression') return regressionLabel(name, sourceColumn, values, missing, evidence, task !== undefined, file, warnings);
  const keys = [...distinct.keys()].sort((a, b) => a - b);
  const out = new Int32Array(values.length);
  if (keys.length <= FEW) codesOfFew(values, keys, out);
  else {
    const code = new Map<number, number>(keys.map((key, i) => [key, i]));
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = Number.isFinite(v) ? (code.get(v) ?? -1) : -1;
    }
  }
  const kind = firstNonInteger >= 0 ? 'number' : 'integer';
  return finish(name, sourceColumn, out, keys.map(String), keys.map((key) => distinct.get(key) ?? 0), kind, missing, file, warnings, chosen, evidence, task !== undefined);
}

/** At most this many distinct values are kept in fewDistinct's list. */
const FEW = 8;

/**
 * labelFromNumbers' first pass when the finite values take at most FEW distinct values: those values in order of
 * first appearance with their counts (what the Map would hold), the non-finite count and the first non-integer row;
 * null as soon as a (FEW + 1)-th value appears. (=== equates 0 and −0, as the Map's keys do.)
 */
function fewDistinct(values: ArrayLike<number>): { keys: number[]; counts: number[]; missing: number; firstNonInteger: number } | null {
  const keys: number[] = [];
  const counts: number[] = [];
  let missing = 0;
  let firstNonInteger = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      missing++;
      continue;
    }
    let j = 0;
    while (j < keys.length && keys[j] !== v) j++;
    if (j < keys.length) {
      counts[j]++;
      continue;
    }
    if (keys.length === FEW) return null;
    keys.push(v);
    counts.push(1);
    if (firstNonInteger < 0 && !Number.isInteger(v)) firstNonInteger = i;
  }
  return { keys, counts, missing, firstNonInteger };
}

/** out[i] = the position of values[i] among the sorted `keys` (at most FEW), −1 where it is not finite. */
function codesOfFew(values: ArrayLike<number>, keys: readonly number[], out: Int32Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let c = -1;
    if (Number.isFinite(v)) for (let t = 0; t < keys.length; t++) if (keys[t] === v) c = t;
    out[i] = c;
  }
}

function regressionLabel(
  name: string,
  sourceColumn: number | null,
  values: ArrayLike<number>,
  missing: number,
  evidence: string,
  overridden: boolean,
  file: string,
  warnings: DatasetWarning[],
): LabelBuild {
  const target = new Float64Array(values.length);
  const present = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    target[i] = Number.isFinite(v) ? v : NaN;
    present[i] = Number.isFinite(v) ? 0 : -1;
  }
  if (missing > 0) {
    warnings.push(
      makeWarning('labelMissing', `${missing} row(s) have no label; they are left out of label-aware statistics`, { file, column: name, count: missing }),
    );
  }
  if (missing === values.length) {
    warnings.push(makeWarning('labelMissing', 'label column is entirely empty; analysed without a label', { file, column: name }));
    return { label: null, warnings };
  }
  return {
    label: {
      name,
      sourceColumn,
      values: present,
      classes: [],
      counts: [],
      kind: 'number',
      missing,
      task: 'regression',
      taskEvidence: evidence,
      taskOverridden: overridden,
      target,
    },
    warnings,
  };
}

/** Text label values (null = missing) → classes in order of first appearance. */
export function labelFromStrings(
  name: string,
  sourceColumn: number | null,
  values: readonly (string | null)[],
  file: string,
  task?: LabelTask,
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
  if (task === 'regression') {
    const first = [...code.keys()][0] ?? '';
    throw new DatasetError('taskInvalid', `cannot be a regression target: it holds text such as ${JSON.stringify(first)}`, {
      file,
      column: name,
      expected: 'numbers for --task regression',
    });
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
  if (task === 'binary' && code.size > 2) {
    throw new DatasetError('taskInvalid', `cannot be a binary label: it has ${code.size} distinct values`, { file, column: name, expected: 'two classes for --task binary' });
  }
  const chosen: LabelTask = task ?? (code.size <= 2 ? 'binary' : 'multiclass');
  const evidence = task !== undefined ? `set by the user (text with ${code.size} classes)` : `text with ${code.size} distinct value${code.size === 1 ? '' : 's'}`;
  return finish(name, sourceColumn, out, [...code.keys()], counts, 'string', missing, file, warnings, chosen, evidence, task !== undefined);
}

function finish(
  name: string,
  sourceColumn: number | null,
  values: Int32Array,
  classes: string[],
  counts: number[],
  kind: 'integer' | 'string' | 'number',
  missing: number,
  file: string,
  warnings: DatasetWarning[],
  task: LabelTask,
  taskEvidence: string,
  taskOverridden: boolean,
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
  return { label: { name, sourceColumn, values, classes, counts, kind, missing, task, taskEvidence, taskOverridden, target: null }, warnings };
}

/**
 * A NumPy `.npy` file, or an X/y pair of them, loaded as a Dataset: the table shape, the label (the y file or a column
 * of X) and one float32 column per feature.
 */
import * as path from 'node:path';

import type { Dataset, LabelSpec, LabelTask, LoadOptions } from '../../dataset';
import { DatasetError, makeWarning } from '../../errors';
import type { DatasetWarning } from '../../errors';
import { labelFromNumbers, MAX_INTEGER_CLASSES, resolveLabelColumn } from '../label';
import { featureFields, typeColumns } from '../columnTypes';
import type { RawColumn } from '../columnTypes';
import type { LabelBuild } from '../label';
import { isBigIntData, MAX_SAFE_BIG, readNpy } from './codec';
import type { NpyArray, NpyData, TypedCtor } from './codec';
import { formatShape } from './header';
import { findNpyPair, PAIR_NAME } from './pairing';

const TABLE_SHAPE = 'a 1-D or 2-D array (rows × features)';

/**
 * Load an X/y pair or a single `.npy` as a Dataset. X is 2-D (rows × features) or 1-D (one feature), named x1…xN;
 * y is 1-D or (n, 1) and becomes the label "y". With no y, `options.label` (an index or a name x1…xN) takes a
 * column of X as the label.
 */
export async function loadNpyDataset(file: string, options: LoadOptions = {}): Promise<Dataset> {
  options.signal?.throwIfAborted();
  const pair = await findNpyPair(file);
  const spec: LabelSpec = options.label === '' ? undefined : options.label;
  const specIsY = typeof spec === 'string' && spec.trim().toLowerCase() === 'y';
  const yFile = pair.y !== null && (options.detectLabel !== false || specIsY) ? pair.y : null;
  const [x, y] = await Promise.all([readNpy(pair.x), yFile === null ? null : readNpy(yFile)]);
  options.signal?.throwIfAborted();

  const warnings: DatasetWarning[] = [];
  const { rows, cols } = tableShape(x, pair.x);
  if (y !== null && yFile !== null) checkLabelShape(y, yFile, rows, pair.x, file);
  const allNames = Array.from({ length: cols }, (_, i) => `x${i + 1}`);

  let labelColumn = -1;
  let build: LabelBuild | null = null;
  if (y !== null && yFile !== null) {
    if (spec !== undefined && !specIsY) {
      warnings.push(
        makeWarning('labelOptionIgnored', `label option "${spec}" ignored: the label is the y file ${path.basename(yFile)}`, {
          file,
          expected: 'no label option (or "y") for an X/y pair',
        }),
      );
    }
    build = labelFromArray('y', null, y.data, yFile, options.task);
  } else if (spec !== undefined) {
    labelColumn = resolveLabelColumn(allNames, spec, pair.x);
    if (cols === 1) {
      throw new DatasetError('noNumericColumns', `the label ${allNames[labelColumn]} is the only column, leaving no features`, {
        file: pair.x,
        expected: 'at least one feature column besides the label',
      });
    }
    build = labelFromArray(allNames[labelColumn], labelColumn, extractColumn(x.data, rows, cols, labelColumn), pair.x, options.task);
  } else if (options.detectLabel !== false) {
    const hint = PAIR_NAME.test(path.basename(pair.x))
      ? 'no y file beside it'
      : `no label file (save labels as NAME-y.npy beside NAME-X.npy) and no label column index given`;
    warnings.push(makeWarning('unlabelled', `${hint}; analysed without a label`, { file: pair.x }));
  }

  const features = featureColumns(x, rows, cols, labelColumn, allNames, pair.x);
  warnings.push(...features.warnings);
  if (build !== null) warnings.push(...build.warnings);
  options.signal?.throwIfAborted();
  const raw: RawColumn[] = features.names.map((name, j) => ({
    index: allNames.indexOf(name),
    name,
    numbers: features.columns[j],
    text: null,
    empty: 0,
    nonFinite: features.missing[j],
    padded: 0,
    firstMissingRow: 0,
    firstText: null,
  }));
  const typed = typeColumns(raw, rows, pair.x, { overrides: options.columnTypes, labelName: labelColumn >= 0 ? allNames[labelColumn] : y !== null ? 'y' : undefined });
  warnings.push(...typed.warnings);
  const label = build?.label ?? null;
  const info = [...typed.info];
  if (label && labelColumn >= 0) {
    info.splice(labelColumn, 0, {
      index: labelColumn,
      name: allNames[labelColumn],
      type: label.task === 'regression' ? 'numeric' : label.classes.length <= 2 ? 'binary' : 'categorical',
      evidence: `the label: ${label.task} (${label.taskEvidence})`,
      overridden: false,
      role: 'label',
      reason: null,
      missing: label.missing,
      markers: [],
    });
  }
  const excluded = info.filter((c) => c.role === 'excluded').map((c) => ({ index: c.index, name: c.name, reason: c.reason ?? c.type }));
  if (typed.features.length === 0) {
    throw new DatasetError('noNumericColumns', `no feature columns (excluded: ${excluded.map((e) => `${e.name} (${e.reason})`).join(', ')})`, {
      file: pair.x,
      expected: 'at least one feature column that is not an identifier',
    });
  }

  return {
    path: file,
    files: yFile === null ? [pair.x] : [pair.x, yFile],
    format: 'npy',
    rows,
    ...featureFields(typed.features),
    label,
    columnInfo: info,
    warnings,
    source: { bytes: x.bytes + (y?.bytes ?? 0), parser: 'npy', excludedColumns: excluded },
  };
}

function tableShape(x: NpyArray, file: string): { rows: number; cols: number } {
  const shape = x.shape;
  if (shape.length === 0 || shape.length > 2) {
    const what = shape.length === 0 ? 'a 0-D (scalar) array' : `a ${shape.length}-D array of shape ${formatShape(shape)}`;
    throw new DatasetError('npyUnsupportedShape', `${what} cannot be read as a table`, {
      file,
      expected: shape.length === 0 ? TABLE_SHAPE : `${TABLE_SHAPE}; flatten with X.reshape(len(X), -1)`,
    });
  }
  const rows = shape[0];
  const cols = shape.length === 1 ? 1 : shape[1];
  if (rows === 0) throw new DatasetError('noRows', `array of shape ${formatShape(shape)} has no rows`, { file, expected: 'at least one row' });
  if (cols === 0) {
    throw new DatasetError('noNumericColumns', `array of shape ${formatShape(shape)} has no columns`, { file, expected: 'at least one feature column' });
  }
  return { rows, cols };
}

function checkLabelShape(y: NpyArray, yFile: string, xRows: number, xFile: string, opened: string): void {
  const shape = y.shape;
  const ok = shape.length === 1 || (shape.length === 2 && shape[1] === 1);
  if (!ok) {
    const what = shape.length === 2 ? `${shape[1]} columns (shape ${formatShape(shape)})` : `shape ${formatShape(shape)}`;
    throw new DatasetError('npyUnsupportedShape', `the labels have ${what}`, {
      file: yFile,
      expected: 'one label per row: shape (n,) or (n, 1)',
    });
  }
  if (shape[0] !== xRows) {
    throw new DatasetError(
      'pairRowMismatch',
      `${path.basename(xFile)} has ${xRows} rows but ${path.basename(yFile)} has ${shape[0]} labels`,
      { file: opened, expected: 'one label per row of X: the same first dimension in both files' },
    );
  }
}

function extractColumn(data: NpyData, rows: number, cols: number, column: number): NpyData {
  const out = new (data.constructor as TypedCtor)(rows);
  const s = data as unknown as number[];
  const d = out as unknown as number[];
  for (let r = 0; r < rows; r++) d[r] = s[r * cols + column];
  return out;
}

/**
 * Label from numeric values. int64/uint64 labels beyond ±2^53 would collide or print wrongly as doubles, so they
 * are ranked as BigInt and the class names keep the exact decimal text.
 */
function labelFromArray(name: string, sourceColumn: number | null, data: NpyData, file: string, task?: LabelTask): LabelBuild {
  if (!isBigIntData(data)) return labelFromNumbers(name, sourceColumn, data, file, task);
  let safe = true;
  for (let i = 0; i < data.length && safe; i++) safe = data[i] <= MAX_SAFE_BIG && data[i] >= -MAX_SAFE_BIG;
  if (safe) return labelFromNumbers(name, sourceColumn, Float64Array.from(data, Number), file, task);
  const distinct = [...new Set<bigint>(data)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Huge integers with many distinct values are a quantity (or keys); as doubles they are close enough for a target.
  if (task === 'regression' || (task === undefined && distinct.length > MAX_INTEGER_CLASSES)) {
    return labelFromNumbers(name, sourceColumn, Float64Array.from(data, Number), file, 'regression');
  }
  const rank = new Map<bigint, number>(distinct.map((v, i) => [v, i]));
  // Ranks are 0…k−1 in numeric order, so labelFromNumbers maps rank i to class i.
  const build = labelFromNumbers(name, sourceColumn, Float64Array.from(data, (v) => rank.get(v) ?? NaN), file, distinct.length <= 2 ? task : (task ?? 'multiclass'));
  if (build.label === null) return build;
  const classes = distinct.map(String);
  const warnings = build.warnings.map((w) =>
    w.code === 'labelSingleClass'
      ? makeWarning('labelSingleClass', `label has a single class "${classes[0]}"; label-aware statistics are not meaningful`, {
          file,
          column: name,
          expected: 'at least two classes',
        })
      : w,
  );
  return { label: { ...build.label, classes }, warnings };
}

interface FeatureBuild {
  readonly names: string[];
  readonly columns: Float32Array[];
  readonly missing: number[];
  readonly warnings: DatasetWarning[];
}

/**
 * C-order X → one Float32Array per feature. NaN and ±Inf become NaN (missing). Float32 holds integers exactly only
 * up to 2^24 and finite values only up to ~3.4e38, so integers that round and finite doubles that overflow are
 * counted and reported once rather than changed silently.
 */
function featureColumns(x: NpyArray, rows: number, cols: number, skip: number, allNames: readonly string[], file: string): FeatureBuild {
  const names: string[] = [];
  const columns: Float32Array[] = [];
  const missing: number[] = [];
  const integerType = /^[<>|=][iu]/.test(x.dtype);
  const nonFinite: number[] = [];
  let rounded = 0;
  let overflow = 0;
  let example = '';
  const data = x.data;
  for (let c = 0; c < cols; c++) {
    if (c === skip) continue;
    const col = new Float32Array(rows);
    let miss = 0;
    let over = 0;
    if (isBigIntData(data)) {
      for (let r = 0; r < rows; r++) {
        const big = data[r * cols + c];
        const n = Number(big);
        col[r] = n;
        const s = col[r];
        if (s !== n || ((n > Number.MAX_SAFE_INTEGER || n < -Number.MAX_SAFE_INTEGER) && BigInt(s) !== big)) {
          if (rounded++ === 0) example = `${big} → ${s}`;
        }
      }
    } else {
      const src = data as ArrayLike<number>;
      for (let r = 0; r < rows; r++) {
        const v = src[r * cols + c];
        col[r] = v;
        const s = col[r];
        // s − s is 0 for every finite s and NaN for NaN and ±Inf: one test for "not finite".
        if (s - s !== 0) {
          col[r] = NaN;
          miss++;
          if (v - v === 0 && over++ === 0 && overflow === 0 && rounded === 0) example = `${v} → missing`;
        } else if (integerType && s !== v) {
          if (rounded++ === 0) example = `${v} → ${s}`;
        }
      }
    }
    names.push(allNames[c]);
    columns.push(col);
    missing.push(miss);
    nonFinite.push(miss - over);
    overflow += over;
  }

  const warnings: DatasetWarning[] = [];
  const nonFiniteTotal = nonFinite.reduce((a, b) => a + b, 0);
  if (nonFiniteTotal > 0) {
    const per = names
      .map((n, i) => [n, nonFinite[i]] as const)
      .filter(([, m]) => m > 0)
      .map(([n, m]) => `${n}: ${m}`);
    const shown = per.length > 8 ? `${per.slice(0, 8).join(', ')}, …` : per.join(', ');
    warnings.push(
      makeWarning('nonFiniteValues', `${nonFiniteTotal} NaN/±Inf value(s) in ${per.length} feature(s) (${shown}) are treated as missing`, {
        file,
        count: nonFiniteTotal,
      }),
    );
  }
  if (rounded + overflow > 0) {
    const parts: string[] = [];
    if (rounded > 0) parts.push(`${rounded} integer value(s) are not exact in float32 and were rounded`);
    if (overflow > 0) parts.push(`${overflow} finite value(s) beyond the float32 range (±3.4e38) are treated as missing`);
    warnings.push(
      makeWarning('precisionLoss', `${parts.join('; ')} (e.g. ${example})`, {
        file,
        count: rounded + overflow,
        expected: 'features that fit float32: |integers| ≤ 2^24, |values| ≤ 3.4e38',
      }),
    );
  }
  return { names, columns, missing, warnings };
}

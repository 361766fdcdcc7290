/**
 * Known-answer tables for the data-quality alerts: a clean table that triggers none, and for every alert code the
 * clean table plus the one defect (see modifiers.ts) that code reports.
 */
import type { AlertCode } from '../alerts/types';
import type { ColumnType } from '../dataset';
import { createRng, permutation } from '../random';
import { findColumn, withColumn, withConflictingRows, withDuplicateRows, withLabelCopy, withMissing, withNearCopy, withSuspiciousClass } from './modifiers';
import { checkRows, column, normals, numericColumn, sigmoid } from './tables';
import type { Cell, SynthTable } from './tables';

// ---------------------------------------------------------------------------------------------------------------
// Tables built to trigger one data-quality alert each, and a clean table that triggers none.
// ---------------------------------------------------------------------------------------------------------------

/**
 * Every alert code has its table: a code added to alerts/types.ts without a case in alertTable below leaves `table`
 * unassigned, which the compiler refuses.
 */
export type AlertTableCode = AlertCode;

/**
 * A clean table: independent standard-normal columns x1…x3 (continuous, unskewed, uncorrelated, nothing missing), a
 * three-level text column with balanced levels, and a balanced binary label from a logistic model of x1 and the
 * levels — so that every alert below fires only because of what was added.
 */
export function cleanTable(spec: { readonly rows: number; readonly seed: number }): SynthTable {
  const rng = createRng(spec.seed);
  const n = spec.rows;
  checkRows(n, 'cleanTable');
  const xs = [normals(n, rng), normals(n, rng), normals(n, rng)];
  const levels = ['north', 'south', 'east'];
  const region = Array.from({ length: n }, (_, i) => levels[i % 3]);
  const codes = new Int32Array(n);
  let bayes = 0;
  for (let i = 0; i < n; i++) {
    const p = sigmoid(Math.fround(xs[0][i]) + (region[i] === 'north' ? 0.5 : region[i] === 'south' ? -0.5 : 0));
    codes[i] = rng.next() < p ? 1 : 0;
    bayes += Math.max(p, 1 - p);
  }
  return {
    rows: n,
    columns: [
      numericColumn('x1', xs[0], 'signal', true, 'logit +1·x1'),
      numericColumn('x2', xs[1], 'noise', false, 'independent N(0, 1)'),
      numericColumn('x3', xs[2], 'noise', false, 'independent N(0, 1)'),
      column('region', region, 'signal', true, 'logit north +0.5, south −0.5, east 0', 'categorical'),
    ],
    label: { name: 'y', task: 'binary', codes, classes: ['no', 'yes'], target: null },
    truth: {
      generator: `cleanTable(rows ${n}, seed ${spec.seed})`,
      rule: 'P(y = yes) = σ(x1 + region effect)',
      relevant: ['x1', 'region'],
      independent: ['x2', 'x3'],
      coefficients: null,
      ceiling: bayes / n,
    },
  };
}

/** The clean table plus the one defect that `code` reports (see cleanTable); `truth.alert` names it. */
export function alertTable(code: AlertTableCode, spec: { readonly rows: number; readonly seed: number }): SynthTable {
  const n = spec.rows;
  const base = cleanTable(spec);
  const rng = createRng(spec.seed ^ 0x5eed);
  const quality = (name: string, cells: Cell[], how: string, expectedType: ColumnType): SynthTable =>
    withColumn(base, { name, cells, role: 'quality', carries: false, how, expectedType });
  let table: SynthTable;
  switch (code) {
    case 'duplicateRows':
      table = withDuplicateRows(base, Math.ceil(0.1 * n), spec.seed);
      break;
    case 'conflictingLabels':
      table = withConflictingRows(base, 5, spec.seed);
      break;
    case 'constantColumn':
      table = quality('constant', new Array<Cell>(n).fill(7), 'the value 7 in every row', 'numeric');
      break;
    case 'nearConstantColumn':
      table = quality('rarely_set', Array.from({ length: n }, (_, i) => (i % 200 === 17 ? 1 : 0)), '1 in one row of 200, else 0', 'binary');
      break;
    case 'identifierColumn':
      table = quality('record', Array.from(permutation(n, rng), (k) => `R-${(k * 48271 + 11).toString(16)}`), 'unique codes', 'identifier');
      break;
    case 'highCardinality':
      table = quality('city', Array.from({ length: n }, () => `city${String(rng.int(80)).padStart(2, '0')}`), '80 equally likely levels', 'categorical');
      break;
    case 'highMissing':
      table = withMissing(base, 'x2', { seed: spec.seed, share: 0.35 });
      break;
    case 'missingPredictsLabel':
      table = withMissing(base, 'x3', { seed: spec.seed, share: 0.02, informativeShare: 0.3 });
      break;
    case 'imbalance': {
      // Keep x1's effect but make "yes" rare: 3 % of the rows.
      const codes = Int32Array.from({ length: n }, (_, i) => (i % 33 === 5 ? 1 : 0));
      table = { ...base, label: { ...base.label, codes } };
      break;
    }
    case 'skewed':
      table = quality('income', Array.from({ length: n }, () => Math.fround(Math.exp(1.5 * rng.normal()))), 'log-normal, σ = 1.5 (skewness ≈ 33)', 'numeric');
      break;
    case 'manyZeros':
      table = quality('claims', Array.from({ length: n }, () => (rng.next() < 0.7 ? 0 : Math.fround(rng.next() * 1000 + 1))), '0 in 70 % of rows, else uniform 1…1001', 'numeric');
      break;
    case 'highCorrelation':
      table = withNearCopy(base, 'x1', 'x1_copy', spec.seed, 0.05);
      break;
    case 'identicalColumns':
      table = withColumn(base, { ...findColumn(base, 'x2'), name: 'x2_again', role: 'quality', how: 'x2 again' });
      break;
    case 'labelLeak':
      table = withLabelCopy(base, 'outcome_flag');
      break;
    case 'labelSuspiciousClass':
      table = withSuspiciousClass(base, spec.seed);
      break;
    case 'rareCategories':
      table = quality('plan', Array.from({ length: n }, (_, i) => (i === 3 ? 'platinum' : i === 8 ? 'diamond' : ['basic', 'standard', 'premium'][rng.int(3)])), 'three common levels and two single-row ones', 'categorical');
      break;
    case 'categoryVariants':
      table = quality(
        'pet',
        Array.from({ length: n }, (_, i) => (i === 4 ? 'DoGs' : i === 9 ? 'Guinea-pig' : i === 12 ? 'Dogz' : ['Dogs', 'Cats', 'Guinea pig'][rng.int(3)])),
        '"DoGs" (case) and "Dogz" (one edit) for "Dogs", "Guinea-pig" (spacing) for "Guinea pig"',
        'categorical',
      );
      break;
  }
  return { ...table, truth: { ...table.truth, alert: code } };
}

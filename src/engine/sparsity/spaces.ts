import type { CellTable } from './cells';
import type { Units } from './l1';
import { sigmoid } from './l1';
import { mapToFloat64 } from '../typed';
import type { TermSpace } from './path';
import { popcount, productTransform } from './transform';

type Part = 'train' | 'validation' | 'test';

/**
 * Every interaction term of degree dmin..dmax over k standardised binarised features, term id = subset bitmask.
 * Units are occupied cells; the full gradient is one product transform of the per-cell residuals (8·2^k bytes).
 */
export function transformSpace(
  tables: Readonly<Record<Part, CellTable>>,
  s0: Float64Array,
  s1: Float64Array,
  dmin: number,
  dmax: number,
): TermSpace {
  const k = tables.train.k;
  const size = 2 ** k;
  const work = new Float64Array(size);
  const train = tables.train;
  const W = train.rows;
  const cache = new Map<number, Record<Part, Float64Array>>();
  const units = (t: CellTable): Units => ({ weight: t.count, positives: t.positives });
  return {
    size,
    allowed(id: number): boolean {
      if (id === 0) return false;
      const d = popcount(id);
      return d >= dmin && d <= dmax;
    },
    train: units(train),
    validation: units(tables.validation),
    test: units(tables.test),
    gradient(eta: Float64Array): Float64Array {
      work.fill(0);
      for (let i = 0; i < train.cells.length; i++) {
        work[train.cells[i]] = (train.positives[i] - train.count[i] * sigmoid(eta[i])) / W;
      }
      productTransform(work, k, s0, s1);
      return work;
    },
    column(id: number, part: Part): Float64Array {
      let c = cache.get(id);
      if (!c) {
        c = {
          train: termColumn(id, tables.train, s0, s1),
          validation: termColumn(id, tables.validation, s0, s1),
          test: termColumn(id, tables.test, s0, s1),
        };
        cache.set(id, c);
      }
      return c[part];
    },
  };
}

/** φ_T over the occupied cells of a table. */
export function termColumn(mask: number, table: CellTable, s0: Float64Array, s1: Float64Array): Float64Array {
  const out = new Float64Array(table.cells.length);
  const members: number[] = [];
  for (let j = 0, m = mask; m !== 0; j++, m >>>= 1) if (m & 1) members.push(j);
  for (let i = 0; i < out.length; i++) {
    const c = table.cells[i];
    let v = 1;
    for (const j of members) v *= (c >>> j) & 1 ? s1[j] : s0[j];
    out[i] = v;
  }
  return out;
}

/**
 * An explicit list of terms (each a list of feature positions) over standardised feature values, units = rows.
 * Nothing n × terms is ever held: the gradient streams term by term, and only active terms are cached as columns.
 */
export function explicitSpace(
  terms: readonly (readonly number[])[],
  values: readonly Float32Array[],
  rows: Readonly<Record<Part, Uint32Array>>,
  labels: Int32Array,
  budgetBytes: number,
): TermSpace {
  const units = (part: Part): Units => {
    const r = rows[part];
    return { weight: new Float64Array(r.length).fill(1), positives: mapToFloat64(r.length, (u) => labels[r[u]]) };
  };
  const train = units('train');
  const trainRows = rows.train;
  const grad = new Float64Array(terms.length);
  const residual = new Float64Array(trainRows.length);
  const cache = new Map<number, Partial<Record<Part, Float64Array>>>();
  // The training rows' values, gathered once into contiguous arrays: every gradient rebuilds terms from them, and a
  // gather through row indices into million-row columns is several times slower than a straight walk.
  const used = new Set(terms.flat());
  const gathered = new Map<number, Float32Array>();
  for (const j of used) {
    const v = values[j];
    const out = new Float32Array(trainRows.length);
    for (let u = 0; u < trainRows.length; u++) out[u] = v[trainRows[u]];
    gathered.set(j, out);
  }
  const build = (id: number, part: Part): Float64Array => {
    const r = rows[part];
    const members = terms[id];
    const out = new Float64Array(r.length).fill(1);
    for (const j of members) {
      const g = part === 'train' ? gathered.get(j) : undefined;
      if (g) for (let u = 0; u < r.length; u++) out[u] *= g[u];
      else {
        const v = values[j];
        for (let u = 0; u < r.length; u++) out[u] *= v[r[u]];
      }
    }
    return out;
  };
  // Within the budget, keep every training column (float32) so each gradient is plain dot products; otherwise each
  // gradient rebuilds them one at a time and holds only one.
  const stored = terms.length * trainRows.length * 4 <= budgetBytes ? terms.map((_, t) => new Float32Array(build(t, 'train'))) : null;
  return {
    size: terms.length,
    allowed: () => true,
    train,
    validation: units('validation'),
    test: units('test'),
    gradient(eta: Float64Array): Float64Array {
      const W = trainRows.length;
      for (let u = 0; u < trainRows.length; u++) residual[u] = (train.positives[u] - sigmoid(eta[u])) / W;
      for (let t = 0; t < terms.length; t++) {
        const x = stored?.[t] ?? cache.get(t)?.train ?? build(t, 'train');
        let g = 0;
        for (let u = 0; u < x.length; u++) g += x[u] * residual[u];
        grad[t] = g;
      }
      return grad;
    },
    column(id: number, part: Part): Float64Array {
      let c = cache.get(id);
      if (!c) {
        c = {};
        cache.set(id, c);
      }
      let col = c[part];
      if (!col) {
        col = build(id, part);
        c[part] = col;
      }
      return col;
    },
  };
}

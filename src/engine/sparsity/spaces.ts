import type { CellMoments, CellTable } from './cells';
import type { Units } from './l1';
import { sigmoid } from './l1';
import { squaredRowUnits } from './lasso';
import type { SquaredUnits } from './lasso';
import { mapToFloat64 } from '../typed';
import type { LogisticSpace, SquaredSpace } from './path';
import { popcount, productTransform } from './transform';

type Part = 'train' | 'validation' | 'test';
/** A space without its units and loss: what the cell and row variants share. */
type SpaceTermsOnly = Omit<LogisticSpace, 'train' | 'validation' | 'test' | 'loss'>;

/** The occupied cells of each part: all a term column over cells needs. */
type PartCells = Readonly<Record<Part, { readonly k: number; readonly cells: Uint32Array }>>;

/**
 * Term columns over the occupied cells of each part, computed once per term. Several fits over the same cells (one
 * per class, one-vs-rest) share one cache: the columns depend on the cells, not on the label.
 */
export interface CellColumns {
  column(id: number, part: Part): Float64Array;
}

export function cellColumns(tables: PartCells, s0: Float64Array, s1: Float64Array): CellColumns {
  // Per part, on demand: most candidate terms are fitted (train) and dropped, never evaluated on held-out cells.
  const cache = new Map<number, Partial<Record<Part, Float64Array>>>();
  return {
    column(id: number, part: Part): Float64Array {
      let c = cache.get(id);
      if (!c) {
        c = {};
        cache.set(id, c);
      }
      return (c[part] ??= termColumn(id, tables[part], s0, s1));
    },
  };
}

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
  columns: CellColumns = cellColumns(tables, s0, s1),
): LogisticSpace {
  const train = tables.train;
  const W = train.rows;
  const units = (t: CellTable): Units => ({ weight: t.count, positives: t.positives });
  return {
    ...cellTerms(train, s0, s1, dmin, dmax, columns, (eta, work) => {
      for (let i = 0; i < train.cells.length; i++) {
        work[train.cells[i]] = (train.positives[i] - train.count[i] * sigmoid(eta[i])) / W;
      }
    }),
    train: units(train),
    validation: units(tables.validation),
    test: units(tables.test),
  };
}

/**
 * The same terms for a numeric target (the lasso): units are cells with their target's power sums, and the gradient
 * of every term at once is the product transform of the per-cell residual sums Σ(y − η) = Σy − w·η, over W.
 */
export function transformSquaredSpace(
  tables: Readonly<Record<Part, CellMoments>>,
  s0: Float64Array,
  s1: Float64Array,
  dmin: number,
  dmax: number,
  columns: CellColumns = cellColumns(tables, s0, s1),
): SquaredSpace {
  const train = tables.train;
  const W = train.rows;
  const units = (t: CellMoments): SquaredUnits => ({ weight: t.count, sum: t.sum, sum2: t.sum2, sum3: t.sum3, sum4: t.sum4 });
  return {
    loss: 'squared',
    ...cellTerms(train, s0, s1, dmin, dmax, columns, (eta, work) => {
      for (let i = 0; i < train.cells.length; i++) work[train.cells[i]] = (train.sum[i] - train.count[i] * eta[i]) / W;
    }),
    train: units(train),
    validation: units(tables.validation),
    test: units(tables.test),
  };
}

function cellTerms(
  train: { readonly k: number },
  s0: Float64Array,
  s1: Float64Array,
  dmin: number,
  dmax: number,
  columns: CellColumns,
  residual: (eta: Float64Array, work: Float64Array) => void,
): SpaceTermsOnly {
  const k = train.k;
  const size = 2 ** k;
  const work = new Float64Array(size);
  return {
    size,
    allowed(id: number): boolean {
      if (id === 0) return false;
      const d = popcount(id);
      return d >= dmin && d <= dmax;
    },
    gradient(eta: Float64Array): Float64Array {
      work.fill(0);
      residual(eta, work);
      productTransform(work, k, s0, s1);
      return work;
    },
    column: (id, part) => columns.column(id, part),
  };
}

/** φ_T over the occupied cells of a table. */
export function termColumn(mask: number, table: { readonly cells: Uint32Array }, s0: Float64Array, s1: Float64Array): Float64Array {
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
 * An explicit list of terms (each a list of feature positions) over standardised feature values, on the rows of a
 * split: the training columns (kept within the budget, else rebuilt per gradient) and a cache of the active terms'
 * columns. Several fits over the same rows (one per class, one-vs-rest) share one store.
 */
export interface TermStore {
  readonly size: number;
  readonly rows: Readonly<Record<Part, Uint32Array>>;
  /** The training column of a term, possibly rebuilt (read it, do not keep it). */
  trainColumn(id: number): ArrayLike<number>;
  /** Whether every training column is kept, so several may be read at once (a rebuilt one shares a scratch array). */
  readonly stored: boolean;
  column(id: number, part: Part): Float64Array;
}

export function termStore(
  terms: readonly (readonly number[])[],
  values: readonly Float32Array[],
  rows: Readonly<Record<Part, Uint32Array>>,
  budgetBytes: number,
): TermStore {
  const trainRows = rows.train;
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
  const build = (id: number, part: Part, into?: Float64Array): Float64Array => {
    const r = rows[part];
    const members = terms[id];
    const out = (into ?? new Float64Array(r.length)).fill(1);
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
  // One scratch column for the products: the stored copy is float32, a rebuilt one is read once and dropped.
  const scratch = new Float64Array(trainRows.length);
  const stored = terms.length * trainRows.length * 4 <= budgetBytes ? terms.map((_, t) => Float32Array.from(build(t, 'train', scratch))) : null;
  return {
    size: terms.length,
    rows,
    stored: stored !== null,
    trainColumn: (id) => stored?.[id] ?? cache.get(id)?.train ?? build(id, 'train', scratch),
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

/**
 * An explicit list of terms over standardised feature values, units = rows, for a two-class label. Nothing
 * n × terms is ever held beyond the budget: the gradient streams term by term, and only active terms are cached.
 */
export function explicitSpace(
  terms: readonly (readonly number[])[],
  values: readonly Float32Array[],
  rows: Readonly<Record<Part, Uint32Array>>,
  labels: Int32Array,
  budgetBytes: number,
  store: TermStore = termStore(terms, values, rows, budgetBytes),
): LogisticSpace {
  const units = (part: Part): Units => {
    const r = rows[part];
    return { weight: new Float64Array(r.length).fill(1), positives: mapToFloat64(r.length, (u) => labels[r[u]]) };
  };
  const train = units('train');
  const W = rows.train.length;
  return {
    ...rowTerms(store, (eta, residual) => {
      for (let u = 0; u < W; u++) residual[u] = (train.positives[u] - sigmoid(eta[u])) / W;
    }),
    train,
    validation: units('validation'),
    test: units('test'),
  };
}

/** The same listed terms for a numeric target (the lasso); `target` holds the standardised value of every row. */
export function explicitSquaredSpace(
  terms: readonly (readonly number[])[],
  values: readonly Float32Array[],
  rows: Readonly<Record<Part, Uint32Array>>,
  target: Float64Array,
  budgetBytes: number,
  store: TermStore = termStore(terms, values, rows, budgetBytes),
): SquaredSpace {
  const train = squaredRowUnits(rows.train, target);
  const W = rows.train.length;
  return {
    loss: 'squared',
    ...rowTerms(store, (eta, residual) => {
      for (let u = 0; u < W; u++) residual[u] = (train.sum[u] - eta[u]) / W;
    }),
    train,
    validation: squaredRowUnits(rows.validation, target),
    test: squaredRowUnits(rows.test, target),
  };
}

function rowTerms(store: TermStore, fill: (eta: Float64Array, residual: Float64Array) => void): SpaceTermsOnly {
  const grad = new Float64Array(store.size);
  const residual = new Float64Array(store.rows.train.length);
  return {
    size: store.size,
    allowed: () => true,
    gradient(eta: Float64Array): Float64Array {
      fill(eta, residual);
      // Four terms per pass over the residual: each dot product still adds its rows in order (the same bits as one
      // at a time), but four independent sums keep the processor busy where one waits on each addition's latency.
      const W = residual.length;
      let t = 0;
      if (store.stored) {
        for (; t + 3 < store.size; t += 4) {
          const x0 = store.trainColumn(t);
          const x1 = store.trainColumn(t + 1);
          const x2 = store.trainColumn(t + 2);
          const x3 = store.trainColumn(t + 3);
          let g0 = 0;
          let g1 = 0;
          let g2 = 0;
          let g3 = 0;
          for (let u = 0; u < W; u++) {
            const r = residual[u];
            g0 += x0[u] * r;
            g1 += x1[u] * r;
            g2 += x2[u] * r;
            g3 += x3[u] * r;
          }
          grad[t] = g0;
          grad[t + 1] = g1;
          grad[t + 2] = g2;
          grad[t + 3] = g3;
        }
      }
      for (; t < store.size; t++) {
        const x = store.trainColumn(t);
        let g = 0;
        for (let u = 0; u < x.length; u++) g += x[u] * residual[u];
        grad[t] = g;
      }
      return grad;
    },
    column: (id, part) => store.column(id, part),
  };
}

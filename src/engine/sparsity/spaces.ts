import type { CellMoments, CellTable } from './cells';
import type { Units } from './l1';
import { sigmoid } from './l1Passes';
import { squaredRowUnits } from './lasso';
import type { SquaredUnits } from './lasso';
import { newSharedFloat32, newSharedFloat64 } from '../typed';
import type { TaskRunner } from '../parallel/runner';
import type { CancelSignal } from '../cancel';
import type { LogisticSpace, SquaredSpace } from './path';
import { popcount, productTransform, transformCells } from './transform';
import { gatherValues, multiplyAllValues } from './termValues';
import type { TermValues } from './termValues';
import { kernelTerm, newTermStoreKey, pairDotsInKernel } from './termPairs';
import { registerKernelMemory } from '../wasmMemory';

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
  // The cells on the transform's WebAssembly kernel where it takes them (the same bits), else in JavaScript.
  const kernel = transformCells(k, s0, s1);
  const work = kernel ? kernel.cells : new Float64Array(size);
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
      if (kernel) kernel.run();
      else productTransform(work, k, s0, s1);
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
  /** Whether every training column is kept (float32); else each gradient rebuilds some (float64 products). */
  readonly stored: boolean;
  column(id: number, part: Part): Float64Array;
  /**
   * Every term's dot product with `residual` (which must be the store's own `residual()` array, filled): on the
   * runner's threads by blocks of terms when it has them. Each product adds its rows in order: the same bits
   * whatever the thread count.
   */
  dots(residual: Float64Array, out: Float64Array): void;
  /** dots handed to the runner's threads; the returned function joins in and fills `out`. */
  startDots(residual: Float64Array, out: Float64Array): () => void;
  /** Whether dots run on the runner's threads (else startDots computes them when collected). */
  readonly parallel: boolean;
  /** The residual array dots() reads: on a SharedArrayBuffer, so the threads see it without a copy. */
  residual(): Float64Array;
}

/** Terms of lower degree are rebuilt at each gradient rather than stored (see termStore). */
export const MIN_STORED_DEGREE = 3;

export function termStore(
  terms: readonly (readonly number[])[],
  values: readonly TermValues[],
  rows: Readonly<Record<Part, Uint32Array>>,
  budgetBytes: number,
  runner?: TaskRunner,
  signal?: CancelSignal,
): TermStore {
  const trainRows = rows.train;
  const W = trainRows.length;
  const cache = new Map<number, Partial<Record<Part, Float64Array>>>();
  // The training rows' values, gathered once into contiguous arrays (shared with the threads): every gradient
  // rebuilds terms from them, and a gather through row indices into million-row columns is several times slower
  // than a straight walk.
  const used = new Set(terms.flat());
  const gathered: (Float32Array | null)[] = values.map(() => null);
  for (const j of used) {
    const out = newSharedFloat32(W);
    gatherValues(values[j], trainRows, out);
    gathered[j] = out;
  }
  const build = (id: number, part: Part, into?: Float64Array): Float64Array => {
    const r = rows[part];
    const members = terms[id];
    // Training columns on shared memory: a big fit's sweeps may read them on the runner's threads (l1Passes.ts).
    const out = (into ?? (part === 'train' ? newSharedFloat64(r.length) : new Float64Array(r.length))).fill(1);
    // Every member of a term has its training values gathered (`used` above); other rows read them through the rows.
    if (part === 'train') multiplyAllInto(out, members.map((j) => gathered[j] as Float32Array));
    else multiplyAllValues(members.map((j) => values[j]), r, out);
    return out;
  };
  // Keep training columns (float32) of degree 3 and up within the budget, so each gradient reads them as plain dot
  // products; the rest are rebuilt at every gradient from the gathered values. A term of degree 1 or 2 is rebuilt
  // for about what reading a stored column costs (one or two gathered values per row, termDotsKernel), so storing
  // it would only spend memory: a million-row table's 600 focused terms are 51 stored columns instead of 600. When
  // not all fit, the costliest to rebuild (the highest degrees: a degree-33 parity term is 33 multiplications per
  // row) are the ones kept.
  const stored: (Float32Array | null)[] = terms.map(() => null);
  const byCost = terms
    .map((_, t) => t)
    .filter((t) => terms[t].length >= MIN_STORED_DEGREE)
    .sort((a, b) => terms[b].length - terms[a].length || a - b);
  const keep = Math.min(byCost.length, Math.floor(budgetBytes / Math.max(1, W * 4)));
  if (keep > 0) {
    const kept = byCost.slice(0, keep);
    for (const t of kept) stored[t] = newSharedFloat32(W);
    // Each kept column is the product of its members' gathered values, written in place (by the runner's threads).
    const context: TermColumnsContext = { terms, gathered, stored };
    const tasks = kept.map((term) => ({ term }));
    if (runner && runner.threads > 1) runner.runKernel('termColumns', context, tasks, { signal, work: W * kept.reduce((sum, t) => sum + terms[t].length, 0) });
    else
      for (const task of tasks) {
        signal?.throwIfAborted();
        termColumnsKernel(context, task);
      }
  }
  const sharedResidual = newSharedFloat64(W);
  // The threads keep this store's values laid out for the pair kernel (termPairs.ts) under its key, and the residual
  // of the gradient numbered `pass`.
  const key = newTermStoreKey();
  let pass = 0;
  const context = (residual: Float64Array): TermDotsContext => ({ terms, stored, gathered, residual, key, pass: pass++ });
  // Term blocks per thread: enough that a thread finishing early takes another (terms differ in degree and cost).
  const parallel = runner !== undefined && runner.threads > 1 && terms.length >= 8;
  const per = parallel && runner ? Math.max(4, 4 * Math.ceil(terms.length / (runner.threads * BLOCKS_PER_THREAD) / 4)) : terms.length;
  const dotTasks: TermDotsTask[] = [];
  for (let from = 0; from < terms.length; from += per) dotTasks.push({ from, to: Math.min(terms.length, from + per) });
  const dotWork = W * terms.reduce((sum, t, id) => sum + (stored[id] ? 1 : t.length + 1), 0);
  const startDots = (residual: Float64Array, out: Float64Array): (() => void) => {
    if (!parallel || !runner) return () => out.set(termDotsKernel(context(residual), { from: 0, to: terms.length }));
    const pending = runner.startKernel('termDots', context(residual), dotTasks, { signal, work: dotWork });
    return () => pending().forEach((block, k) => out.set(block, dotTasks[k].from));
  };
  return {
    size: terms.length,
    rows,
    stored: stored.every((c) => c !== null),
    residual: () => sharedResidual,
    parallel,
    dots(residual: Float64Array, out: Float64Array): void {
      startDots(residual, out)();
    },
    startDots,
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

const BLOCKS_PER_THREAD = 8;

/** What the column builds of one term store share (parallel/kernels.ts: `termColumns`). */
export interface TermColumnsContext {
  readonly terms: readonly (readonly number[])[];
  readonly gathered: readonly (Float32Array | null)[];
  /** The kept columns (shared memory), written by the tasks; null for terms rebuilt at each gradient. */
  readonly stored: readonly (Float32Array | null)[];
}

export interface TermColumnsTask {
  readonly term: number;
}

/** Fills stored[term] with Π gathered[j] over the term's members (a float64 product, then rounded to float32). */
export function termColumnsKernel(context: TermColumnsContext, task: TermColumnsTask): number {
  const out = context.stored[task.term] as Float32Array;
  const product = productScratch(out.length).fill(1);
  multiplyAllInto(
    product,
    context.terms[task.term].map((j) => context.gathered[j] as Float32Array),
  );
  // Rounded to float32 as an element assignment would round each value.
  out.set(product);
  return task.term;
}

/**
 * One float64 buffer per thread for termColumnsKernel's products, reused from term to term (a fresh one per term
 * was 32 MiB of garbage on a million-row table, collected only after the fit had peaked); released with the kernel
 * memories at the stage's end.
 */
let scratch: Float64Array | null = null;
registerKernelMemory(() => {
  const held = scratch !== null;
  scratch = null;
  return held;
});

function productScratch(length: number): Float64Array {
  if (scratch === null || scratch.length < length) scratch = new Float64Array(length);
  return scratch.subarray(0, length);
}

/**
 * product[u] ·= g[u]. A function of its own: V8 optimises it whole, where a second loop in the kernel's body ran
 * unoptimised after each call's on-stack replacement of the first (every call, for a kernel called once per term).
 */
function multiplyInto(product: Float64Array, g: Float32Array): void {
  for (let u = 0; u < product.length; u++) product[u] *= g[u];
}

/**
 * product[u] ·= f₀[u]·f₁[u]·… in the factors' order, each multiplication rounded as a multiplyInto pass per factor
 * rounds it ((((p·f₀)·f₁)·f₂)·f₃, left to right): the same numbers, from a quarter of the passes over the product.
 */
function multiplyAllInto(product: Float64Array, factors: readonly Float32Array[]): void {
  let k = 0;
  for (; k + 3 < factors.length; k += 4) multiplyFour(product, factors[k], factors[k + 1], factors[k + 2], factors[k + 3]);
  for (; k < factors.length; k++) multiplyInto(product, factors[k]);
}

function multiplyFour(product: Float64Array, a: Float32Array, b: Float32Array, c: Float32Array, d: Float32Array): void {
  for (let u = 0; u < product.length; u++) product[u] = product[u] * a[u] * b[u] * c[u] * d[u];
}

/** What every block of one listed-term gradient shares (parallel/kernels.ts: `termDots`). */
export interface TermDotsContext {
  readonly terms: readonly (readonly number[])[];
  /** Per term, its stored float32 training column, or null: rebuilt from `gathered` at each gradient. */
  readonly stored: readonly (Float32Array | null)[];
  /** Per feature position, its training rows' values (null where no term uses the feature). */
  readonly gathered: readonly (Float32Array | null)[];
  readonly residual: Float64Array;
  /** The store's identity: a thread lays its values out for the pair kernel once per key (termPairs.ts). */
  readonly key: number;
  /** The gradient: a thread copies the residual into the pair kernel once per pass. */
  readonly pass: number;
}

export interface TermDotsTask {
  readonly from: number;
  readonly to: number;
}

/** Term t is a pair rebuilt from its two gathered columns (not a stored column). */
function isPair(terms: TermDotsContext['terms'], stored: TermDotsContext['stored'], t: number): boolean {
  return !stored[t] && terms[t].length === 2;
}

/**
 * Σ_u x_t[u]·residual[u] for the terms from…to − 1, rows added in order (the same bits on any thread). Terms of degree 1
 * and 2 go to the WebAssembly pair kernel when it takes them (termPairs.ts; the same bits); the loops below are the
 * reference, and take the rest.
 */
export function termDotsKernel(context: TermDotsContext, task: TermDotsTask): Float64Array {
  const out = new Float64Array(task.to - task.from);
  return termDotsJs(context, task, out, pairDotsInKernel(context, task, out));
}

/** termDotsKernel's JavaScript: every term, or (`skipKernelTerms`) those the pair kernel did not take. */
export function termDotsJs(context: TermDotsContext, task: TermDotsTask, out: Float64Array, skipKernelTerms = false): Float64Array {
  const { terms, stored, gathered, residual } = context;
  const W = residual.length;
  let scratch: Float64Array | null = null;
  let t = task.from;
  while (t < task.to) {
    if (skipKernelTerms && kernelTerm(context, t)) {
      t++;
      continue;
    }
    const x0 = stored[t];
    if (x0 && t + 3 < task.to && stored[t + 1] && stored[t + 2] && stored[t + 3]) {
      // Four stored terms per pass over the residual: each dot product still adds its rows in order (the same bits
      // as one at a time), but four independent sums keep the processor busy where one waits on each addition.
      const x1 = stored[t + 1] as Float32Array;
      const x2 = stored[t + 2] as Float32Array;
      const x3 = stored[t + 3] as Float32Array;
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
      out[t - task.from] = g0;
      out[t + 1 - task.from] = g1;
      out[t + 2 - task.from] = g2;
      out[t + 3 - task.from] = g3;
      t += 4;
      continue;
    }
    const members = terms[t];
    if (!x0 && t + 3 < task.to && isPair(terms, stored, t) && isPair(terms, stored, t + 1) && isPair(terms, stored, t + 2) && isPair(terms, stored, t + 3)) {
      // Four pairs per pass, as four stored terms above: each sum adds its rows in order, (a·b)·r as below.
      const a0 = gathered[terms[t][0]] as Float32Array;
      const b0 = gathered[terms[t][1]] as Float32Array;
      const a1 = gathered[terms[t + 1][0]] as Float32Array;
      const b1 = gathered[terms[t + 1][1]] as Float32Array;
      const a2 = gathered[terms[t + 2][0]] as Float32Array;
      const b2 = gathered[terms[t + 2][1]] as Float32Array;
      const a3 = gathered[terms[t + 3][0]] as Float32Array;
      const b3 = gathered[terms[t + 3][1]] as Float32Array;
      let g0 = 0;
      let g1 = 0;
      let g2 = 0;
      let g3 = 0;
      for (let u = 0; u < W; u++) {
        const r = residual[u];
        g0 += a0[u] * b0[u] * r;
        g1 += a1[u] * b1[u] * r;
        g2 += a2[u] * b2[u] * r;
        g3 += a3[u] * b3[u] * r;
      }
      out[t - task.from] = g0;
      out[t + 1 - task.from] = g1;
      out[t + 2 - task.from] = g2;
      out[t + 3 - task.from] = g3;
      t += 4;
      continue;
    }
    if (!x0 && members.length >= 1 && members.length <= 2) {
      // Degree 1 or 2, rebuilt in the dot product itself (the same float64 products as the general rebuild below).
      const a = gathered[members[0]] as Float32Array;
      let sum = 0;
      if (members.length === 1) for (let u = 0; u < W; u++) sum += a[u] * residual[u];
      else {
        const b = gathered[members[1]] as Float32Array;
        for (let u = 0; u < W; u++) sum += a[u] * b[u] * residual[u];
      }
      out[t - task.from] = sum;
      t++;
      continue;
    }
    let x: ArrayLike<number>;
    if (x0) x = x0;
    else {
      scratch ??= new Float64Array(W);
      scratch.fill(1);
      for (const j of terms[t]) {
        const g = gathered[j] as Float32Array;
        for (let u = 0; u < W; u++) scratch[u] *= g[u];
      }
      x = scratch;
    }
    let sum = 0;
    for (let u = 0; u < W; u++) sum += x[u] * residual[u];
    out[t - task.from] = sum;
    t++;
  }
  return out;
}

/**
 * An explicit list of terms over standardised feature values, units = rows, for a two-class label. Nothing
 * n × terms is ever held beyond the budget: the gradient streams term by term, and only active terms are cached.
 */
export function explicitSpace(
  terms: readonly (readonly number[])[],
  values: readonly TermValues[],
  rows: Readonly<Record<Part, Uint32Array>>,
  labels: Int32Array,
  budgetBytes: number,
  store: TermStore = termStore(terms, values, rows, budgetBytes),
): LogisticSpace {
  // The training units on shared memory: a big fit's sweeps may read them on the runner's threads (l1Passes.ts).
  const units = (part: Part): Units => {
    const r = rows[part];
    const make = part === 'train' ? newSharedFloat64 : (n: number): Float64Array => new Float64Array(n);
    const positives = make(r.length);
    for (let u = 0; u < r.length; u++) positives[u] = labels[r[u]];
    return { weight: make(r.length).fill(1), positives };
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
  values: readonly TermValues[],
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
  const residual = store.residual();
  return {
    size: store.size,
    allowed: () => true,
    gradient(eta: Float64Array): Float64Array {
      fill(eta, residual);
      store.dots(residual, grad);
      return grad;
    },
    ...(store.parallel
      ? {
          startGradient(eta: Float64Array): () => Float64Array {
            fill(eta, residual);
            const pending = store.startDots(residual, grad);
            return () => {
              pending();
              return grad;
            };
          },
        }
      : {}),
    column: (id, part) => store.column(id, part),
  };
}

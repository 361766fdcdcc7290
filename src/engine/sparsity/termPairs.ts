/**
 * The listed-term gradient's terms of degree 1 and 2 on a WebAssembly kernel (src/wasm/termPairs.ts): the same sums as
 * termDotsKernel's JavaScript loops, bit for bit, in about a third of the time (SIMD, two pairs per instruction).
 *
 * Each thread keeps one instance per term store: the store's gathered training values laid out row-major once (float32,
 * one column per used feature, then a column of ones that turns a single term x·r into the pair (1·x)·r, which is the
 * same float64 product), and the residual copied in once per gradient. The store is known by its key; a new key
 * replaces the instance, so a thread holds at most one layout (at most PAIR_KERNEL_MAX_BYTES).
 */
import { embeddedModule, instantiateOn, Layout, registerKernelMemory } from '../wasmMemory';
import type { TermDotsContext, TermDotsTask } from './spaces';
import { TERM_PAIRS_KERNEL_WASM } from './termPairsKernel.generated';

interface Exports {
  layout(src: number, m: number, dst: number, Q: number, c: number): void;
  pairDots(d: number, m: number, Q: number, r: number, chunks: number, n: number, acc: number, block: number): void;
}

/** Below this many training rows the layout costs about what the kernel saves. */
export const PAIR_KERNEL_MIN_ROWS = 4096;
/** Fewer terms of degree 1 or 2 than this in a task: the JavaScript loops take them. */
const MIN_TERMS = 8;
/** A thread's kernel memory is at most this many bytes (the matrix, the residual, the chunks and their sums). */
export const PAIR_KERNEL_MAX_BYTES = 96 * 1024 * 1024;
/** Rows per block: every chunk reads a block while it is in the cache (512 rows of 40 columns: 80 KiB). */
const BLOCK_ROWS = 512;
/** Columns of zeros after the ones column, so the eight lanes of a chunk never read past a row. */
const PAD = 8;

interface State {
  readonly key: number;
  readonly exports: Exports;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly matrix: number;
  readonly Q: number;
  readonly residual: number;
  readonly chunks: number;
  readonly sums: number;
  /** Feature position → its column of the matrix (−1: no term uses it). */
  readonly column: Int32Array;
  /** The column of ones. */
  readonly one: number;
  /** The gradient whose residual is in the kernel's memory. */
  pass: number;
}

const compiled = embeddedModule(TERM_PAIRS_KERNEL_WASM);
let state: State | null = null;
registerKernelMemory(() => {
  const held = state !== null;
  state = null;
  return held;
});

let lastKey = 0;
/** The cache identity of a new term store (unique within the process; the threads compare it, nothing else reads it). */
export function newTermStoreKey(): number {
  return ++lastKey + KEY_BASE;
}
// Stores made in different threads of one process never share a key: each thread's keys start at its own random base.
const KEY_BASE = Math.floor(Math.random() * 2 ** 20) * 2 ** 32;

function stateFor(context: TermDotsContext): State | null {
  if (state && state.key === context.key) return state;
  state = null;
  const module = compiled();
  if (!module) return null;
  const W = context.residual.length;
  const column = new Int32Array(context.gathered.length).fill(-1);
  let q = 0;
  for (let j = 0; j < context.gathered.length; j++) {
    const g = context.gathered[j];
    if (!g) continue;
    if (g.length !== W) return null;
    column[j] = q++;
  }
  const one = q++;
  const Q = q + PAD;
  // A chunk per term at most (a task's terms are the store's).
  const maxChunks = context.terms.length;
  const layout = new Layout();
  const matrix = layout.bytes(4 * W * Q);
  const residual = layout.bytes(8 * W);
  const stage = layout.bytes(4 * W);
  const chunks = layout.bytes(12 * maxChunks);
  const sums = layout.bytes(64 * maxChunks);
  const made = instantiateOn<Exports>(module, layout, PAIR_KERNEL_MAX_BYTES, 'termPairs');
  if (!made) return null;
  const { exports } = made;
  const buffer = made.memory.buffer;
  const f32 = new Float32Array(buffer);
  // Fresh memory is zeroed: the padding columns stay 0.
  for (let j = 0; j < context.gathered.length; j++) {
    const g = context.gathered[j];
    if (!g) continue;
    f32.set(g, stage >> 2);
    exports.layout(stage, W, matrix, Q, column[j]);
  }
  f32.fill(1, stage >> 2, (stage >> 2) + W);
  exports.layout(stage, W, matrix, Q, one);
  state = { key: context.key, exports, f64: new Float64Array(buffer), i32: new Int32Array(buffer), matrix, Q, residual, chunks, sums, column, one, pass: -1 };
  return state;
}

/** Term t of the context is one the kernel takes: degree 1 or 2, rebuilt at each gradient (not a stored column). */
export function kernelTerm(context: TermDotsContext, t: number): boolean {
  const d = context.terms[t].length;
  return (d === 1 || d === 2) && !context.stored[t];
}

/**
 * Writes into out[t − task.from] the dot product of every kernelTerm of the task, and returns true; or returns false
 * having written nothing (too few rows or terms, no WebAssembly, or a layout over the memory bound): the caller's
 * JavaScript loops then take every term.
 */
export function pairDotsInKernel(context: TermDotsContext, task: TermDotsTask, out: Float64Array): boolean {
  const W = context.residual.length;
  if (W < PAIR_KERNEL_MIN_ROWS) return false;
  let count = 0;
  for (let t = task.from; t < task.to; t++) if (kernelTerm(context, t)) count++;
  if (count < MIN_TERMS) return false;
  const s = stateFor(context);
  if (!s) return false;
  // Lanes: a single term j is the pair (ones, j); a pair (j, k) is read with the lower column as the row operand.
  const lanes: { a: number; b: number; t: number }[] = [];
  for (let t = task.from; t < task.to; t++) {
    if (!kernelTerm(context, t)) continue;
    const m = context.terms[t];
    const cj = s.column[m[0]];
    const ck = m.length === 2 ? s.column[m[1]] : s.one;
    if (cj < 0 || ck < 0) return false;
    lanes.push(m.length === 1 ? { a: s.one, b: cj, t } : { a: Math.min(cj, ck), b: Math.max(cj, ck), t });
  }
  lanes.sort((x, y) => x.a - y.a || x.b - y.b || x.t - y.t);
  // Chunks: eight adjacent lanes from the first pair not yet covered when at least three of the pairs fall in them,
  // else two.
  const where = new Int32Array(lanes.length);
  let n = 0;
  const chunksAt = s.chunks >> 2;
  for (let i = 0; i < lanes.length; ) {
    const { a, b } = lanes[i];
    let inEight = i;
    while (inEight < lanes.length && lanes[inEight].a === a && lanes[inEight].b < b + 8) inEight++;
    const width = inEight - i >= 3 ? 8 : 2;
    let end = i;
    while (end < lanes.length && lanes[end].a === a && lanes[end].b < b + width) end++;
    s.i32[chunksAt + 3 * n] = a;
    s.i32[chunksAt + 3 * n + 1] = b;
    s.i32[chunksAt + 3 * n + 2] = width;
    for (let k = i; k < end; k++) where[k] = 8 * n + (lanes[k].b - b);
    n++;
    i = end;
  }
  if (s.pass !== context.pass) {
    s.f64.set(context.residual, s.residual >> 3);
    s.pass = context.pass;
  }
  const sumsAt = s.sums >> 3;
  s.f64.fill(0, sumsAt, sumsAt + 8 * n);
  s.exports.pairDots(s.matrix, W, s.Q, s.residual, s.chunks, n, s.sums, BLOCK_ROWS);
  for (let k = 0; k < lanes.length; k++) out[lanes[k].t - task.from] = s.f64[sumsAt + where[k]];
  return true;
}

import { embeddedModule, instantiateOn, Layout } from '../wasmMemory';
import { PRODUCT_TRANSFORM_KERNEL_WASM } from './productTransformKernel.generated';

/**
 * The product transform behind the sparsity analysis.
 *
 * For k two-valued features with values s0[j] (bit 0) and s1[j] (bit 1) — for standardised binarised features
 * s0 = −√(p/(1−p)), s1 = √((1−p)/p) — the interaction term of a subset T is φ_T(c) = Π_{j∈T} s_{bit_j(c)}[j], a
 * function of the row's cell c (its k bits). Then for any per-cell quantity a (counts, label sums, residual sums),
 *
 *     A(T) = Σ_c a[c] · φ_T(c)       for all 2^k subsets T at once
 *
 * is a tensor product of k 2×2 kernels [[1, 1], [s0, s1]], computed in place in O(k·2^k) by the same butterflies as
 * the fast Walsh–Hadamard transform (with s0 = 1, s1 = −1 it is exactly the WHT). That replaces an n × 2^k
 * design matrix — sklearn's PolynomialFeatures — by a 2^k vector. Index T is a bitmask: bit j set ⇔ feature j ∈ T.
 */
export function productTransform(a: Float64Array, k: number, s0: ArrayLike<number>, s1: ArrayLike<number>): void {
  const size = 1 << k;
  if (a.length !== size) throw new RangeError(`productTransform: expected ${size} cells, got ${a.length}`);
  for (let j = 0; j < k; j++) {
    const h = 1 << j;
    const z = s0[j];
    const o = s1[j];
    for (let base = 0; base < size; base += h << 1) {
      const end = base + h;
      for (let c = base; c < end; c++) {
        const u = a[c];
        const v = a[c + h];
        a[c] = u + v;
        a[c + h] = z * u + o * v;
      }
    }
  }
}

interface TransformExports {
  productTransform(a: number, k: number, s0: number, s1: number): void;
}

const transformModule = embeddedModule(PRODUCT_TRANSFORM_KERNEL_WASM);

/** From this many features the kernel's cells are used (below, a transform costs microseconds either way). */
export const TRANSFORM_KERNEL_MIN_K = 10;
/** Past this many features the cells stay in a JavaScript array (2^24 cells are 128 MiB). */
export const TRANSFORM_KERNEL_MAX_K = 24;

/**
 * Cells on the product transform's WebAssembly kernel (src/wasm/productTransform.ts: the same bits as productTransform,
 * two butterflies per instruction): `cells` is a view of the kernel's own memory, filled by the caller; run()
 * transforms it in place with these s0 and s1. Null outside [TRANSFORM_KERNEL_MIN_K, TRANSFORM_KERNEL_MAX_K] or where
 * WebAssembly cannot run: the caller then uses productTransform on an array of its own.
 */
export function transformCells(k: number, s0: ArrayLike<number>, s1: ArrayLike<number>): { readonly cells: Float64Array; run(): void } | null {
  if (k < TRANSFORM_KERNEL_MIN_K || k > TRANSFORM_KERNEL_MAX_K) return null;
  const module = transformModule();
  if (!module) return null;
  const size = 2 ** k;
  const layout = new Layout();
  const cellsAt = layout.bytes(8 * size);
  const s0At = layout.bytes(8 * k);
  const s1At = layout.bytes(8 * k);
  const made = instantiateOn<TransformExports>(module, layout, layout.end, 'productTransform');
  if (!made) return null;
  const f64 = new Float64Array(made.memory.buffer);
  for (let j = 0; j < k; j++) {
    f64[(s0At >> 3) + j] = s0[j];
    f64[(s1At >> 3) + j] = s1[j];
  }
  const cells = f64.subarray(cellsAt >> 3, (cellsAt >> 3) + size);
  return { cells, run: () => made.exports.productTransform(cellsAt, k, s0At, s1At) };
}

/** Number of set bits of a 32-bit mask: the degree of the term it names. */
export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Feature positions (0-based, ascending) named by a mask. */
export function maskMembers(mask: number): number[] {
  const out: number[] = [];
  for (let j = 0; mask !== 0; j++, mask >>>= 1) if (mask & 1) out.push(j);
  return out;
}

/** Number of subsets of k items with size in [dmin, dmax]: the terms of an interaction-only expansion. */
export function termCount(k: number, dmin: number, dmax: number): number {
  let total = 0;
  let c = 1; // C(k, 0)
  for (let d = 0; d <= Math.min(dmax, k); d++) {
    if (d >= dmin) total += c;
    c = (c * (k - d)) / (d + 1);
  }
  return Math.round(total);
}

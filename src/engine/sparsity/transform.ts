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

/**
 * The values that enter the L1 analysis's products, per feature: a float32 column (continuous representation), or a
 * binarised feature's two standardised values chosen by its bits — a byte per row instead of four, for the same
 * numbers (`zero` and `one` are float32-rounded, as a float32 column of them would hold).
 */
export interface TwoValued {
  /** 0 or 1 per row. */
  readonly bits: Uint8Array;
  /** The value where the bit is 0, and where it is 1 (float32-rounded). */
  readonly zero: number;
  readonly one: number;
}

export type TermValues = Float32Array | TwoValued;

export function twoValued(bits: Uint8Array, zero: number, one: number): TwoValued {
  return { bits, zero: Math.fround(zero), one: Math.fround(one) };
}

/** out[u] = the value of row rows[u]. */
export function gatherValues(v: TermValues, rows: Uint32Array, out: Float32Array): void {
  if (v instanceof Float32Array) {
    for (let u = 0; u < rows.length; u++) out[u] = v[rows[u]];
    return;
  }
  // The value looked up by the bit (0 or 1), not chosen by a branch: bits do not predict.
  const pick = Float32Array.of(v.zero, v.one);
  const bits = v.bits;
  for (let u = 0; u < rows.length; u++) out[u] = pick[bits[rows[u]]];
}

/** out[u] *= the value of row rows[u]. */
export function multiplyValues(v: TermValues, rows: Uint32Array, out: Float64Array): void {
  if (v instanceof Float32Array) {
    for (let u = 0; u < rows.length; u++) out[u] *= v[rows[u]];
    return;
  }
  const pick = Float64Array.of(v.zero, v.one);
  const bits = v.bits;
  for (let u = 0; u < rows.length; u++) out[u] *= pick[bits[rows[u]]];
}

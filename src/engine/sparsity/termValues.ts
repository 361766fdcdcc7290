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

/**
 * out[u] ·= the values of row rows[u] of each of `members`, in their order: multiplyValues member after member, with
 * four two-valued members in a row taken in one pass ((((o·v₀)·v₁)·v₂)·v₃, left to right, the same roundings): a
 * parity term of thirty features makes eight passes over the rows instead of thirty.
 */
export function multiplyAllValues(members: readonly TermValues[], rows: Uint32Array, out: Float64Array): void {
  let k = 0;
  while (k < members.length) {
    const a = members[k];
    const b = members[k + 1];
    const c = members[k + 2];
    const d = members[k + 3];
    if (k + 3 < members.length && !(a instanceof Float32Array) && !(b instanceof Float32Array) && !(c instanceof Float32Array) && !(d instanceof Float32Array)) {
      multiplyFourTwoValued(out, rows, a, b, c, d);
      k += 4;
    } else {
      multiplyValues(a, rows, out);
      k++;
    }
  }
}

function multiplyFourTwoValued(out: Float64Array, rows: Uint32Array, a: TwoValued, b: TwoValued, c: TwoValued, d: TwoValued): void {
  const pa = Float64Array.of(a.zero, a.one);
  const pb = Float64Array.of(b.zero, b.one);
  const pc = Float64Array.of(c.zero, c.one);
  const pd = Float64Array.of(d.zero, d.one);
  const ba = a.bits;
  const bb = b.bits;
  const bc = c.bits;
  const bd = d.bits;
  for (let u = 0; u < rows.length; u++) {
    const r = rows[u];
    out[u] = out[u] * pa[ba[r]] * pb[bb[r]] * pc[bc[r]] * pd[bd[r]];
  }
}

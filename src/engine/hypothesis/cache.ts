/**
 * What evaluations of rules over the same columns share (the XOR conjecture scores a parity, its negation and the
 * winner's ablation): each feature's binarised column (key: feature and threshold) and its missing rows. Nothing in
 * it is ever written to after it is made.
 */
export class HypothesisCache {
  readonly bins = new Map<string, Uint8Array>();
  readonly missing = new Map<number, Uint32Array>();
}

/** The rows where a column is missing: v !== v is NaN, and the loaders store every missing or non-finite cell as NaN. */
export function missingRows(column: Float32Array): Uint32Array {
  let count = 0;
  for (let i = 0; i < column.length; i++) if (column[i] !== column[i]) count++;
  const out = new Uint32Array(count);
  for (let i = 0, k = 0; k < count; i++) if (column[i] !== column[i]) out[k++] = i;
  return out;
}

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
  const out = new Uint32Array(countMissing(column));
  if (out.length > 0) listMissing(column, out);
  return out;
}

/**
 * The NaN cells of a column: counted in a function of its own, listed in another. One function with both loops and the
 * allocation between them took 43 ms for 33 million-row columns with on-stack replacement compiled in place (the
 * CLI's rule, cli/jit.ts), 27 ms split; the XOR conjecture calls this once per rule feature.
 */
function countMissing(column: Float32Array): number {
  let count = 0;
  for (let i = 0; i < column.length; i++) count += +(column[i] !== column[i]);
  return count;
}

function listMissing(column: Float32Array, out: Uint32Array): void {
  for (let i = 0, k = 0; k < out.length; i++) if (column[i] !== column[i]) out[k++] = i;
}

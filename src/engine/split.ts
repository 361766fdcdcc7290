import { createRng, permutation } from './random';

/** Row indices of a train / validation / test split. */
export interface Split {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;
  readonly test: Uint32Array;
  readonly seed: number;
  readonly fractions: readonly [number, number, number];
}

/**
 * A seeded 60/20/20 split (the published protocol). Rows whose label is missing (-1) are left out of every part.
 * Each part is sorted, so reading rows in split order walks memory forwards.
 */
export function splitRows(
  labels: Int32Array | null,
  rows: number,
  seed: number,
  fractions: readonly [number, number, number] = [0.6, 0.2, 0.2],
): Split {
  const usable: number[] = [];
  for (let i = 0; i < rows; i++) if (!labels || labels[i] >= 0) usable.push(i);
  const order = permutation(usable.length, createRng(seed));
  const total = fractions[0] + fractions[1] + fractions[2];
  const nTrain = Math.round((usable.length * fractions[0]) / total);
  const nValidation = Math.round((usable.length * fractions[1]) / total);
  const pick = (from: number, to: number): Uint32Array => {
    const out = new Uint32Array(to - from);
    for (let k = from; k < to; k++) out[k - from] = usable[order[k]];
    return out.sort();
  };
  return {
    train: pick(0, nTrain),
    validation: pick(nTrain, nTrain + nValidation),
    test: pick(nTrain + nValidation, usable.length),
    seed,
    fractions,
  };
}

/**
 * Mean and sample standard deviation of a column over some rows (a training split), in float64: standardisation is
 * always fitted on training rows only, so held-out rows never leak into it.
 */
export function rowMoments(column: Readonly<Float32Array>, rows: Uint32Array): { readonly mean: number; readonly sd: number } {
  let sum = 0;
  for (let u = 0; u < rows.length; u++) sum += column[rows[u]];
  const mean = rows.length > 0 ? sum / rows.length : 0;
  let ss = 0;
  for (let u = 0; u < rows.length; u++) ss += (column[rows[u]] - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / Math.max(1, rows.length - 1)) };
}

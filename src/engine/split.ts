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
  let m = 0;
  for (let i = 0; i < rows; i++) if (!labels || labels[i] >= 0) m++;
  const usable = new Uint32Array(m);
  for (let i = 0, u = 0; i < rows; i++) if (!labels || labels[i] >= 0) usable[u++] = i;
  const order = permutation(m, createRng(seed));
  const total = fractions[0] + fractions[1] + fractions[2];
  const nTrain = Math.round((m * fractions[0]) / total);
  const nValidation = Math.round((m * fractions[1]) / total);
  // Each usable row's part, by its place in the seeded permutation; a pass over the rows in order then fills each part
  // already sorted (what sorting each part gave, without the sorts).
  const part = new Uint8Array(m);
  for (let k = nTrain; k < m; k++) part[order[k]] = k < nTrain + nValidation ? 1 : 2;
  const parts = [new Uint32Array(nTrain), new Uint32Array(nValidation), new Uint32Array(m - nTrain - nValidation)];
  const filled = [0, 0, 0];
  for (let u = 0; u < m; u++) parts[part[u]][filled[part[u]]++] = usable[u];
  return { train: parts[0], validation: parts[1], test: parts[2], seed, fractions };
}

/**
 * Mean and sample standard deviation of a column over some rows (a training split), in float64: standardisation is
 * always fitted on training rows only, so held-out rows never leak into it.
 */
export function rowMoments(column: Readonly<Float32Array>, rows: Uint32Array): { readonly mean: number; readonly sd: number } {
  const mean = rows.length > 0 ? rowSum(column, rows) / rows.length : 0;
  return { mean, sd: Math.sqrt(rowSquares(column, rows, mean) / Math.max(1, rows.length - 1)) };
}

// rowMoments' two passes, each a function of its own: V8 optimises each whole, where the second loop of one body ran
// unoptimised after the first loop's on-stack replacement.

function rowSum(column: Readonly<Float32Array>, rows: Uint32Array): number {
  let sum = 0;
  for (let u = 0; u < rows.length; u++) sum += column[rows[u]];
  return sum;
}

function rowSquares(column: Readonly<Float32Array>, rows: Uint32Array, mean: number): number {
  let ss = 0;
  for (let u = 0; u < rows.length; u++) ss += (column[rows[u]] - mean) ** 2;
  return ss;
}

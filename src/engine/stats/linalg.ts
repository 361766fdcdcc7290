/**
 * Symmetric eigen-decomposition by cyclic Jacobi rotations (Golub & Van Loan §8.5). Exact to rounding, no
 * dependencies, and fast enough for the feature counts a report shows (p ≤ a few hundred).
 */
export interface Eigen {
  /** Descending. */
  readonly values: number[];
  /** vectors[k] is the unit eigenvector of values[k]; sign fixed so that its largest-magnitude entry is positive. */
  readonly vectors: number[][];
}

export function symmetricEigen(matrix: readonly (readonly number[])[], maxSweeps = 100): Eigen {
  const p = matrix.length;
  const a = matrix.map((row) => Float64Array.from(row));
  const v = Array.from({ length: p }, (_, i) => {
    const r = new Float64Array(p);
    r[i] = 1;
    return r;
  });
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let scale = 0;
    for (let i = 0; i < p; i++) {
      scale += a[i][i] * a[i][i];
      for (let j = i + 1; j < p; j++) off += a[i][j] * a[i][j];
    }
    if (off <= 1e-30 * Math.max(scale, 1e-300)) break;
    for (let i = 0; i < p; i++) {
      for (let j = i + 1; j < p; j++) {
        const aij = a[i][j];
        if (aij === 0) continue;
        const theta = (a[j][j] - a[i][i]) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const aki = a[k][i];
          const akj = a[k][j];
          a[k][i] = c * aki - s * akj;
          a[k][j] = s * aki + c * akj;
        }
        for (let k = 0; k < p; k++) {
          const aik = a[i][k];
          const ajk = a[j][k];
          a[i][k] = c * aik - s * ajk;
          a[j][k] = s * aik + c * ajk;
        }
        for (let k = 0; k < p; k++) {
          const vki = v[i][k];
          const vkj = v[j][k];
          v[i][k] = c * vki - s * vkj;
          v[j][k] = s * vki + c * vkj;
        }
      }
    }
  }
  const order = Array.from({ length: p }, (_, i) => i).sort((x, y) => a[y][y] - a[x][x]);
  return {
    values: order.map((i) => a[i][i]),
    vectors: order.map((i) => {
      const vec = Array.from(v[i]);
      let big = 0;
      for (let k = 1; k < p; k++) if (Math.abs(vec[k]) > Math.abs(vec[big])) big = k;
      return vec[big] < 0 ? vec.map((x) => -x) : vec;
    }),
  };
}

/**
 * Mean and sum of squared deviations in one pass (Welford 1962), over chosen rows of one or more columns in turn —
 * stable where the textbook Σx² − n·x̄² cancels. Missing values (NaN) are counted, not used. Every standardisation
 * fitted on training rows (model inputs, a regression target, the epoch R²) goes through this, so they agree to the bit.
 */
export interface RunningMoments {
  /** Values used (not NaN). */
  readonly n: number;
  readonly mean: number;
  /** Σ (x − mean)². */
  readonly m2: number;
  /** NaN values met. */
  readonly missing: number;
}

export function welford(columns: readonly ArrayLike<number>[], rows: ArrayLike<number>): RunningMoments {
  let n = 0;
  let m = 0;
  let m2 = 0;
  let missing = 0;
  for (const col of columns) {
    for (let k = 0; k < rows.length; k++) {
      const v = col[rows[k]];
      if (Number.isNaN(v)) {
        missing++;
        continue;
      }
      n++;
      const d = v - m;
      m += d / n;
      m2 += d * (v - m);
    }
  }
  return { n, mean: n > 0 ? m : 0, m2, missing };
}

/** Population sd from welford(); 1 for a constant or empty column, so that standardising maps it to 0, not NaN. */
export function scaleOf(moments: RunningMoments): number {
  const s = moments.n > 1 ? Math.sqrt(moments.m2 / moments.n) : 0;
  return s > 0 && Number.isFinite(s) ? s : 1;
}

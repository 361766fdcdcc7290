/**
 * Pearson correlation with pairwise deletion of missing values (pandas' DataFrame.corr() default), so a figure here
 * can be checked against pandas on the same file.
 */
export interface CorrelationMatrix {
  readonly names: string[];
  /** Symmetric; null where a column is constant or two columns share fewer than two complete rows. */
  readonly matrix: (number | null)[][];
  readonly method: 'pearson';
  readonly missing: 'pairwise';
}

export function correlationMatrix(
  columns: readonly (Float32Array | Float64Array)[],
  names: readonly string[],
): CorrelationMatrix {
  const p = columns.length;
  const n = p === 0 ? 0 : columns[0].length;
  // Centre each column on its own mean first: the one-pass sums below then stay well conditioned even for data far
  // from zero (the textbook Σxy − ΣxΣy/n formula loses every digit on columns like 1e6 + noise).
  const centred: Float64Array[] = [];
  const anyMissing: boolean[] = [];
  for (const col of columns) {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (v === v && v !== Infinity && v !== -Infinity) {
        sum += v;
        count++;
      }
    }
    const mean = count > 0 ? sum / count : 0;
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = col[i];
      c[i] = Number.isFinite(v) ? v - mean : NaN;
    }
    centred.push(c);
    anyMissing.push(count < n);
  }
  const matrix: (number | null)[][] = Array.from({ length: p }, () => new Array<number | null>(p).fill(null));
  for (let a = 0; a < p; a++) {
    const x = centred[a];
    for (let b = a; b < p; b++) {
      const y = centred[b];
      const r = anyMissing[a] || anyMissing[b] ? pairwise(x, y) : complete(x, y);
      matrix[a][b] = r;
      matrix[b][a] = r;
    }
  }
  return { names: [...names], matrix, method: 'pearson', missing: 'pairwise' };
}

function complete(x: Float64Array, y: Float64Array): number | null {
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return finish(x.length, 0, 0, sxx, syy, sxy);
}

function pairwise(x: Float64Array, y: Float64Array): number | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (a !== a || b !== b) continue;
    n++;
    sx += a;
    sy += b;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  return finish(n, sx, sy, sxx, syy, sxy);
}

function finish(n: number, sx: number, sy: number, sxx: number, syy: number, sxy: number): number | null {
  if (n < 2) return null;
  const vx = sxx - (sx * sx) / n;
  const vy = syy - (sy * sy) / n;
  // A column whose spread is at rounding level is constant: its correlation is undefined, not 0.
  if (!(vx > 1e-300) || !(vy > 1e-300)) return null;
  const r = (sxy - (sx * sy) / n) / Math.sqrt(vx * vy);
  return Math.max(-1, Math.min(1, r));
}

import { createRng, permutation } from '../random';
import type { Rng } from '../random';

/** The three noise shapes of the published Kryptonite construction. */
export type KryptoniteShape = 'burst' | 'gaussian' | 'spread';

export interface KryptoniteSpec {
  /** Number of features (the N of Kryptonite-N). */
  readonly n: number;
  /** Rows; the published datasets have 1000·N. */
  readonly rows?: number;
  readonly seed: number;
  /** Probability that a label is flipped. The published XOR rules score 0.958–0.971, i.e. ≈ 3–4 % noise. */
  readonly labelNoise?: number;
  /** Probability that a feature sits at its upper peak (1). */
  readonly p1?: number;
  /**
   * Seed of the rows alone (default: `seed`): the same `seed` with another `rowSeed` draws a second, independent sample
   * of the same distribution (same relevant set and shapes), as a hidden test set is.
   */
  readonly rowSeed?: number;
  /**
   * Features (0-based) whose noise is drawn from another family than their shape class says, the label untouched: a
   * sample of a changed distribution, for drift checks. Which features are relevant still follows the construction.
   */
  readonly noiseOverride?: Readonly<Record<number, KryptoniteShape>>;
}

export interface SyntheticDataset {
  readonly names: string[];
  readonly columns: Float32Array[];
  readonly labels: Int32Array;
  readonly truth: {
    /** 0-based indices of the features in the parity. */
    readonly relevant: number[];
    readonly shapes: KryptoniteShape[];
    readonly labelNoise: number;
    /** Fraction of rows whose label equals the noiseless parity (the best any rule can score). */
    readonly parityAccuracy: number;
  };
}

/**
 * Noise widths measured on the published Kryptonite-9/12 files: burst-like residuals are uniform on ±0.025 (kurtosis
 * 1.8), gaussian-like ones normal with sd 0.1 (kurtosis 3), spread-like ones Laplace with sd ≈ 0.07, scale b = 0.05
 * (kurtosis 6).
 */
export const KRYPTONITE_NOISE = { burstHalfWidth: 0.025, gaussianSd: 0.1, spreadScale: 0.05 } as const;

/**
 * A Kryptonite-like dataset following the published construction: every feature sits at 0 or 1 plus noise; one
 * third of the features (rounded) are irrelevant and burst-like, the rest are split between gaussian-like and
 * spread-like; the label is the parity of the binarised relevant features, flipped with probability `labelNoise`.
 */
export function generateKryptonite(spec: KryptoniteSpec): SyntheticDataset {
  const n = spec.n;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`generateKryptonite: n must be an integer ≥ 2, got ${n}`);
  const rows = spec.rows ?? 1000 * n;
  const noise = spec.labelNoise ?? 0.04;
  const p1 = spec.p1 ?? 0.5;
  const rng = createRng(spec.seed);

  const irrelevantCount = Math.max(1, Math.round(n / 3));
  const relevantCount = n - irrelevantCount;
  const order = permutation(n, rng);
  const shapes: KryptoniteShape[] = new Array<KryptoniteShape>(n);
  for (let k = 0; k < n; k++) {
    const f = order[k];
    if (k < irrelevantCount) shapes[f] = 'burst';
    else shapes[f] = (k - irrelevantCount) < Math.ceil(relevantCount / 2) ? 'gaussian' : 'spread';
  }
  const relevant = shapes.map((s, i) => (s === 'burst' ? -1 : i)).filter((i) => i >= 0);
  const noiseShapes = shapes.map((s, f) => spec.noiseOverride?.[f] ?? s);
  const rowRng = spec.rowSeed === undefined ? rng : createRng(spec.rowSeed);

  const columns: Float32Array[] = [];
  for (let f = 0; f < n; f++) columns.push(new Float32Array(rows));
  const labels = new Int32Array(rows);
  let agree = 0;
  for (let r = 0; r < rows; r++) {
    let parity = 0;
    for (let f = 0; f < n; f++) {
      const bit = rowRng.next() < p1 ? 1 : 0;
      columns[f][r] = bit + drawNoise(noiseShapes[f], rowRng);
      if (shapes[f] !== 'burst') parity ^= bit;
    }
    const flip = rowRng.next() < noise ? 1 : 0;
    labels[r] = parity ^ flip;
    if (!flip) agree++;
  }
  return {
    names: Array.from({ length: n }, (_, i) => `x${i + 1}`),
    columns,
    labels,
    truth: { relevant, shapes, labelNoise: noise, parityAccuracy: agree / rows },
  };
}

function drawNoise(shape: KryptoniteShape, rng: Rng): number {
  switch (shape) {
    case 'burst':
      return (2 * rng.next() - 1) * KRYPTONITE_NOISE.burstHalfWidth;
    case 'gaussian':
      return rng.normal() * KRYPTONITE_NOISE.gaussianSd;
    case 'spread': {
      // Inverse CDF of the Laplace distribution.
      const u = rng.next() - 0.5;
      return -KRYPTONITE_NOISE.spreadScale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
    }
  }
}

/** CSV text (header x1…xN,y) for a synthetic dataset; float32 values printed with 7 significant digits. */
export function* kryptoniteCsvChunks(data: SyntheticDataset, rowsPerChunk = 4096): Generator<string> {
  const n = data.columns.length;
  yield data.names.join(',') + ',y\n';
  const rows = data.labels.length;
  for (let start = 0; start < rows; start += rowsPerChunk) {
    const end = Math.min(rows, start + rowsPerChunk);
    const lines: string[] = [];
    for (let r = start; r < end; r++) {
      const cells: string[] = new Array<string>(n + 1);
      for (let f = 0; f < n; f++) cells[f] = formatFloat32(data.columns[f][r]);
      cells[n] = String(data.labels[r]);
      lines.push(cells.join(','));
    }
    yield lines.join('\n') + '\n';
  }
}

/** Shortest text that reads back (through parseFloat then float32 rounding) as the same float32. */
export function formatFloat32(v: number): string {
  for (let p = 6; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

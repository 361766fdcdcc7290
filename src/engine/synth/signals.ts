import { createRng } from '../random';
import type { Rng } from '../random';

/**
 * MNIST-1D-style data (Greydanus 2020): ten class templates, each a short 1-D shape, placed in a longer sequence with
 * a random shift, scale and shear, then blurred by correlated noise plus white noise. The features are ordered
 * samples of a continuous signal — the opposite of Kryptonite's two-valued features — so the report must call them
 * continuous, and a 1-D CNN has translation structure to exploit that an MLP does not.
 */
export interface SignalSpec {
  readonly rows: number;
  readonly seed: number;
  readonly length?: number;
  readonly classes?: number;
  /** Standard deviation of the white noise. */
  readonly noise?: number;
}

export interface SignalDataset {
  readonly names: string[];
  readonly columns: Float32Array[];
  readonly labels: Int32Array;
}

/** Template k: a few bumps whose heights and positions come from the seed, on a 12-point support. */
function templates(classes: number, rng: Rng): Float64Array[] {
  return Array.from({ length: classes }, () => {
    const t = new Float64Array(12);
    const bumps = 2 + rng.int(3);
    for (let b = 0; b < bumps; b++) {
      const centre = rng.next() * 11;
      const height = (rng.next() < 0.5 ? -1 : 1) * (0.6 + rng.next());
      for (let i = 0; i < 12; i++) t[i] += height * Math.exp(-((i - centre) ** 2) / 2);
    }
    return t;
  });
}

export function generateSignals(spec: SignalSpec): SignalDataset {
  const length = spec.length ?? 40;
  const classes = spec.classes ?? 10;
  const noise = spec.noise ?? 0.25;
  const rng = createRng(spec.seed);
  const shapes = templates(classes, rng);
  const columns = Array.from({ length }, () => new Float32Array(spec.rows));
  const labels = new Int32Array(spec.rows);
  const signal = new Float64Array(length);
  for (let r = 0; r < spec.rows; r++) {
    const k = rng.int(classes);
    labels[r] = k;
    const scale = 0.7 + 0.6 * rng.next();
    const width = 12 * (0.8 + 0.5 * rng.next()); // stretch of the template
    const offset = rng.next() * (length - width);
    const shear = (rng.next() - 0.5) * 0.04;
    let drift = 0;
    for (let i = 0; i < length; i++) {
      const u = ((i - offset) / width) * 11;
      const base = u >= 0 && u <= 11 ? interpolate(shapes[k], u) : 0;
      drift = 0.8 * drift + 0.2 * rng.normal(); // correlated noise
      signal[i] = scale * base + shear * (i - length / 2) + 0.5 * drift + noise * rng.normal();
    }
    for (let i = 0; i < length; i++) columns[i][r] = signal[i];
  }
  return { names: Array.from({ length }, (_, i) => `t${i}`), columns, labels };
}

function interpolate(t: Float64Array, u: number): number {
  const i = Math.min(t.length - 2, Math.floor(u));
  const f = u - i;
  return t[i] * (1 - f) + t[i + 1] * f;
}

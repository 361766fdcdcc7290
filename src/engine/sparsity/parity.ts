import type { CancelSignal } from '../cancel';
import type { Rng } from '../random';

/**
 * Search for a parity rule y = c ⊕ b_j1 ⊕ … ⊕ b_jm over binarised features, for any number of features.
 *
 * A noisy parity is "learning parity with noise". At the low noise rates of real data it yields to the classic
 * attack: take m ≈ N + 8 random rows; if none of them is noisy, the label is a linear system over GF(2) whose
 * solution is the rule, found by Gaussian elimination in O(N³/32). A wrong rule agrees with the label on ≈ 50 % of
 * rows (distinct parities are orthogonal), so one check on held-out rows tells success from failure, and a few
 * hundred attempts suffice unless the noise is high. This finds the dominant interaction of a 45-feature XOR in
 * milliseconds, where enumerating its 2^45 terms is out of the question.
 */
export interface ParitySearchInput {
  /** Binarised features, one byte per row (0/1). */
  readonly bits: readonly Uint8Array[];
  /** 0/1 labels. */
  readonly labels: Int32Array;
  /** Rows to solve on (training rows). */
  readonly rows: Uint32Array;
  /** Rows to check candidate rules on (validation rows). */
  readonly checkRows: Uint32Array;
  readonly rng: Rng;
  /** Checked every 64 attempts (an attempt is one small GF(2) elimination). */
  readonly signal?: CancelSignal;
  readonly maxAttempts?: number;
  /** Significance (z of agreement above `chance` on checkRows) at which a rule counts as found. */
  readonly zFound?: number;
  /**
   * The agreement a rule must beat: 1/2 by default (two distinct parities agree on half the rows); for an unbalanced
   * label (one class against the rest) its majority rate, which the constant rule already reaches.
   */
  readonly chance?: number;
}

export interface ParitySearchResult {
  /** Feature positions in the rule (ascending), or null when nothing beat chance. */
  readonly features: number[] | null;
  /** The constant: true ⇒ y = NOT parity. */
  readonly negated: boolean;
  /** Agreement of the rule with the label on checkRows. */
  readonly agreement: number;
  readonly z: number;
  readonly attempts: number;
  readonly consistentSystems: number;
  /** Rows per attempt. */
  readonly rowsPerAttempt: number;
  /**
   * Highest label-noise rate at which a parity over these features would have been found with probability ≥ 99 %
   * in the attempts made: the honest meaning of "none found".
   */
  readonly detectableNoise: number;
}

export function searchParity(input: ParitySearchInput): ParitySearchResult {
  const n = input.bits.length;
  const width = n + 1; // feature bits + constant column
  const words = Math.ceil((width + 1) / 32); // + label bit
  const m = Math.min(input.rows.length, width + 8);
  const maxAttempts = input.maxAttempts ?? 4000;
  const zFound = input.zFound ?? 8;
  const chance = input.chance ?? 0.5;
  const labelBit = width;

  // Training rows packed (features, constant, label) the first time an attempt samples them, so an attempt copies
  // `words` words per sampled row; a search that succeeds after a few attempts packs a few hundred rows, not all.
  const packed = new Uint32Array(input.rows.length * words);
  const ready = new Uint8Array(input.rows.length);
  const pack = (r: number): void => {
    const row = input.rows[r];
    const offset = r * words;
    for (let j = 0; j < n; j++) if (input.bits[j][row]) packed[offset + (j >>> 5)] |= 1 << (j & 31);
    packed[offset + (n >>> 5)] |= 1 << (n & 31); // constant term
    if (input.labels[row]) packed[offset + (labelBit >>> 5)] |= 1 << (labelBit & 31);
    ready[r] = 1;
  };

  const system = new Uint32Array(m * words);
  let best: { features: number[]; negated: boolean; agreement: number; z: number } | null = null;
  let attempts = 0;
  let consistent = 0;
  const seen = new Set<string>();
  while (attempts < maxAttempts) {
    if ((attempts & 63) === 0) input.signal?.throwIfAborted();
    attempts++;
    for (let r = 0; r < m; r++) {
      const sampled = input.rng.int(input.rows.length);
      if (ready[sampled] === 0) pack(sampled);
      const from = sampled * words;
      for (let w = 0; w < words; w++) system[r * words + w] = packed[from + w];
    }
    const solution = solve(system, m, words, width, labelBit);
    if (!solution) continue;
    consistent++;
    const features: number[] = [];
    for (let j = 0; j < n; j++) if (solution[j]) features.push(j);
    const negated = solution[n] === 1;
    const key = features.join(',') + (negated ? '!' : '');
    if (seen.has(key)) continue;
    seen.add(key);
    const agreement = parityAgreement(input.bits, input.labels, input.checkRows, features, negated);
    const z = (agreement - chance) / Math.sqrt((chance * (1 - chance)) / input.checkRows.length);
    if (!best || agreement > best.agreement) best = { features, negated, agreement, z };
    if (z >= zFound) break;
  }
  const found = best !== null && best.z >= zFound;
  return {
    features: found ? best!.features : null,
    negated: found ? best!.negated : false,
    agreement: best?.agreement ?? 0.5,
    z: best?.z ?? 0,
    attempts,
    consistentSystems: consistent,
    rowsPerAttempt: m,
    detectableNoise: detectableNoise(attempts, m),
  };
}

/** Fraction of rows where c ⊕ (⊕_{j∈features} b_j) equals the label. */
export function parityAgreement(
  bits: readonly Uint8Array[],
  labels: Int32Array,
  rows: Uint32Array,
  features: readonly number[],
  negated: boolean,
): number {
  let agree = 0;
  const start = negated ? 1 : 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    let p = start;
    for (const j of features) p ^= bits[j][i];
    if (p === labels[i]) agree++;
  }
  return rows.length > 0 ? agree / rows.length : 0;
}

/**
 * Gauss–Jordan elimination over GF(2) on m packed rows of `width` unknowns plus the label bit. Returns one solution
 * (free variables 0) or null when the system is inconsistent — i.e. one of the sampled rows was noisy.
 */
function solve(a: Uint32Array, m: number, words: number, width: number, labelBit: number): Uint8Array | null {
  const pivotOfColumn = new Int32Array(width).fill(-1);
  let rank = 0;
  for (let col = 0; col < width && rank < m; col++) {
    const w = col >>> 5;
    const bit = 1 << (col & 31);
    let pivot = -1;
    for (let r = rank; r < m; r++) {
      if (a[r * words + w] & bit) {
        pivot = r;
        break;
      }
    }
    if (pivot < 0) continue;
    if (pivot !== rank) {
      for (let k = 0; k < words; k++) {
        const t = a[pivot * words + k];
        a[pivot * words + k] = a[rank * words + k];
        a[rank * words + k] = t;
      }
    }
    // Words before w hold only columns already passed: pivots there are cleared in the pivot row, and the free columns
    // among them never enter the solution (free variables are 0), so the XOR starts at word w.
    for (let r = 0; r < m; r++) {
      if (r !== rank && a[r * words + w] & bit) {
        for (let k = w; k < words; k++) a[r * words + k] ^= a[rank * words + k];
      }
    }
    pivotOfColumn[col] = rank;
    rank++;
  }
  const lw = labelBit >>> 5;
  const lbit = 1 << (labelBit & 31);
  // A zero row with label 1 is 0 = 1: the sample contained a noisy row.
  for (let r = rank; r < m; r++) if (a[r * words + lw] & lbit) return null;
  const x = new Uint8Array(width);
  for (let col = 0; col < width; col++) {
    const r = pivotOfColumn[col];
    if (r >= 0 && a[r * words + lw] & lbit) x[col] = 1;
  }
  return x;
}

/** Largest noise rate η with 1 − (1 − (1 − η)^m)^attempts ≥ 0.99. */
function detectableNoise(attempts: number, m: number): number {
  // Need (1 − η)^m ≥ 1 − 0.01^(1/attempts).
  const q = 1 - Math.pow(0.01, 1 / Math.max(1, attempts));
  return 1 - Math.pow(q, 1 / m);
}

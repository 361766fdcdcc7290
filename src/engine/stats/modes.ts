import type { ModeStructure, Peak, RejectedSplit } from './types';
import type { NumericColumn } from './summary';
import { quantileSorted, sortedPresent } from './summary';
import { lowerBound, upperBound } from './histogram';
import { normalQuantile } from './distributions';

export interface ModeOptions {
  /** Kernel bandwidth; default Silverman's robust rule of thumb. */
  readonly bandwidth?: number;
  /** Σ sorted, added in order, when the caller has it (summariseSortedWithSum): Silverman's rule then skips that pass. */
  readonly sum?: number;
}

/** Ashman's threshold for a clean separation of two clusters. */
export const ASHMAN_D_MIN = 2;

/**
 * Valley-to-lower-peak ratio of two equal normal components whose means are 4 sd apart (D = 4, twice Ashman's
 * minimum): 2φ(2)/(φ(0) + φ(4)) ≈ 0.27. Ashman's D alone is blind to clusters that are not bell-shaped: a sine wave
 * (arcsine distribution) splits into two halves with D ≈ 4 that nonetheless fill the whole valley between them.
 * Requiring the dip of a clean two-normal mixture catches that; a Kryptonite valley is below 0.01.
 */
export const VALLEY_RATIO_MAX = (2 * normalPdf(2)) / (normalPdf(0) + normalPdf(4));

/** Smallest share of the values a cluster may hold: below it the values are outliers, not a peak. */
export const MIN_PEAK_SHARE = 0.01;
export const MIN_PEAK_COUNT = 10;

const DIP_ALPHA = 0.01;
const DIP_Z_FLOOR = 3;
const GRID_MIN = 256;
const GRID_MAX = 4096;

/**
 * Peaks of a distribution, in four steps:
 *
 * 1. Density: a Gaussian kernel density estimate, linearly binned onto a grid (Wand 1994) with Silverman's robust
 *    bandwidth h = 0.9·min(sd, IQR/1.349)·n^(−1/5). On a multimodal column the sd-based choice over-smooths, which
 *    only errs towards fewer peaks.
 * 2. Significance: every local maximum must stand above the lowest point between it and its neighbour by more than
 *    counting noise. Within ±h of the lower peak and of the valley we count values (leaving out those in both
 *    windows); if the density were flat, each of the a + b values not shared would fall in either window with
 *    probability ½, so z = (a − b)/√(a + b) is a binomial (sign-test) z. The weakest peak is merged into its
 *    neighbour until every dip has z ≥ Φ⁻¹(1 − 0.01/m) (Bonferroni over the m candidate dips), and never below 3:
 *    the peak and the valley were picked from the same data, which makes z optimistic.
 * 3. Partition: values are split at the density minima between kept peaks.
 * 4. Separation: adjacent clusters must be cleanly separated. Ashman's D = √2·|μ1 − μ2|/√(σ1² + σ2²) > 2 (Ashman,
 *    Bird & Zhu 1994), the valley no higher than VALLEY_RATIO_MAX of the lower peak, and each cluster must hold at
 *    least 1 % of the values (and 10 values). The least separated failing pair is merged first, until none fails.
 *
 * `clustered` is then "two or more peaks survive". The method is deterministic: it uses every value once, so it
 * needs no random subsample.
 */
export function detectModes(column: Readonly<NumericColumn>, options: ModeOptions = {}): ModeStructure {
  return detectModesSorted(sortedPresent(column), options);
}

/** detectModes() for values already sorted by sortedPresent(). */
export function detectModesSorted(sorted: Readonly<ArrayLike<number>>, options: ModeOptions = {}): ModeStructure {
  const n = sorted.length;
  if (n === 0) return { peaks: [], separation: null, clustered: false, bandwidth: 0, rejected: [] };
  const min = sorted[0];
  const max = sorted[n - 1];
  if (min === max) {
    return { peaks: [{ location: min, weight: 1, spread: 0, from: min, to: max }], separation: null, clustered: false, bandwidth: 0, rejected: [] };
  }

  if (options.bandwidth !== undefined && !(options.bandwidth > 0 && Number.isFinite(options.bandwidth))) {
    throw new RangeError(`detectModes: bandwidth must be a positive finite number, got ${options.bandwidth}`);
  }
  const h = options.bandwidth ?? silvermanBandwidth(sorted, options.sum);
  if (!(h > 0 && Number.isFinite(h))) {
    // Only values near ±1e308 get here (their variance overflows): report one peak rather than a broken grid.
    const location = quantileSorted(sorted, 0.5);
    const spread = 1.4826 * medianAbsDeviation(sorted, 0, n, location);
    return { peaks: [{ location, weight: 1, spread, from: min, to: max }], separation: null, clustered: false, bandwidth: 0, rejected: [] };
  }
  const kde = binnedKde(sorted, h);
  const { f, lo, dx } = kde;
  const x = (g: number): number => lo + g * dx;
  // Counting windows no narrower than a grid cell, or a coarse grid would test single cells.
  const w = Math.max(h, dx);
  const count = (a: number, b: number): number => upperBound(sorted, b) - lowerBound(sorted, a);

  // Step 2: significant peaks.
  const peaks: number[] = [];
  let fmax = 0;
  for (let g = 0; g < f.length; g++) fmax = Math.max(fmax, f[g]);
  for (let g = 1; g < f.length - 1; g++) {
    // Strict on the left, non-strict on the right: a flat top counts once, at its left end.
    if (f[g] > f[g - 1] && f[g] >= f[g + 1] && f[g] > 1e-12 * fmax) peaks.push(g);
  }
  if (peaks.length === 0) peaks.push(argmax(f, 0, f.length));
  const zCrit = Math.max(DIP_Z_FLOOR, normalQuantile(1 - DIP_ALPHA / Math.max(1, peaks.length - 1)));

  const valleyOf = (i: number): number => argmin(f, peaks[i] + 1, peaks[i + 1]);
  const dipZ = (i: number): number => {
    const p = f[peaks[i]] <= f[peaks[i + 1]] ? peaks[i] : peaks[i + 1];
    const v = valleys[i];
    const px = x(p);
    const vx = x(v);
    const inPeak = count(px - w, px + w);
    const inValley = count(vx - w, vx + w);
    const shared = Math.abs(px - vx) < 2 * w ? count(Math.max(px, vx) - w, Math.min(px, vx) + w) : 0;
    const a = inPeak - shared;
    const b = inValley - shared;
    return a + b > 0 ? (a - b) / Math.sqrt(a + b) : 0;
  };
  const valleys: number[] = [];
  for (let i = 0; i + 1 < peaks.length; i++) valleys.push(valleyOf(i));
  const zs: number[] = valleys.map((_, i) => dipZ(i));
  let noiseDipZ = -Infinity;
  while (peaks.length > 1) {
    let worst = 0;
    for (let i = 1; i < zs.length; i++) if (zs[i] < zs[worst]) worst = i;
    if (zs[worst] >= zCrit) break;
    noiseDipZ = Math.max(noiseDipZ, zs[worst]);
    // Drop the lower peak of the weakest pair; the valleys either side of it collapse into one.
    const drop = f[peaks[worst]] <= f[peaks[worst + 1]] ? worst : worst + 1;
    peaks.splice(drop, 1);
    const left = drop - 1;
    // Remove the valley on each side of the dropped peak and put back the one spanning them.
    if (drop === 0) {
      valleys.splice(0, 1);
      zs.splice(0, 1);
    } else if (drop === peaks.length) {
      valleys.splice(left, 1);
      zs.splice(left, 1);
    } else {
      valleys.splice(left, 2, valleyOf(left));
      zs.splice(left, 2, dipZ(left));
    }
  }

  // Steps 3 and 4: partition at the valleys, then merge until every adjacent pair is cleanly separated.
  const clusters: Cluster[] = [];
  let start = 0;
  for (let i = 0; i < peaks.length; i++) {
    const valley = i < valleys.length ? valleys[i] : -1;
    const end = valley >= 0 ? upperBound(sorted, x(valley)) : n;
    // A significant peak always has values around it; this guards the degenerate grid-edge case all the same.
    if (end === start && clusters.length > 0 && valley >= 0) continue;
    clusters.push({ start, end, peak: peaks[i], valley, ...moments(sorted, start, end) });
    start = end;
  }
  const minCount = Math.max(MIN_PEAK_COUNT, Math.ceil(MIN_PEAK_SHARE * n));
  const rejected: RejectedSplit[] = [];
  for (;;) {
    let worst = -1;
    let worstStrength = Infinity;
    let worstSplit: RejectedSplit | null = null;
    for (let i = 0; i + 1 < clusters.length; i++) {
      const a = clusters[i];
      const b = clusters[i + 1];
      const d = ashmanD(a, b);
      const ratio = f[a.valley] / Math.min(f[a.peak], f[b.peak]);
      const minor = Math.min(a.end - a.start, b.end - b.start);
      // Each test as a ratio to its threshold, > 1 when passed; the pair's strength is its weakest test.
      const tests: [RejectedSplit['reason'], number][] = [
        ['ashman', d / ASHMAN_D_MIN],
        ['valley', ratio > 0 ? VALLEY_RATIO_MAX / ratio : Infinity],
        ['share', minor / minCount],
      ];
      let reason = tests[0];
      for (const t of tests) if (t[1] < reason[1]) reason = t;
      const passes = d > ASHMAN_D_MIN && ratio <= VALLEY_RATIO_MAX && minor >= minCount;
      if (!passes && reason[1] < worstStrength) {
        worst = i;
        worstStrength = reason[1];
        worstSplit = { at: x(a.valley), ashmanD: d, valleyRatio: ratio, minorShare: minor / n, reason: reason[0], strength: reason[1] };
      }
    }
    if (worst < 0 || worstSplit === null) break;
    rejected.push(worstSplit);
    const a = clusters[worst];
    const b = clusters[worst + 1];
    clusters.splice(worst, 2, {
      start: a.start,
      end: b.end,
      peak: f[a.peak] >= f[b.peak] ? a.peak : b.peak,
      valley: b.valley,
      ...combine(a, b),
    });
  }

  const result: Peak[] = clusters.map((c) => {
    const location = quantileSorted(sorted, 0.5, c.start, c.end);
    return {
      location,
      weight: (c.end - c.start) / n,
      // 1.4826 = 1/Φ⁻¹(¾): MAD × 1.4826 estimates the sd of a normal.
      spread: 1.4826 * medianAbsDeviation(sorted, c.start, c.end, location),
      from: sorted[c.start],
      to: sorted[c.end - 1],
    };
  });
  let separation: number | null = null;
  for (let i = 0; i + 1 < clusters.length; i++) {
    const d = ashmanD(clusters[i], clusters[i + 1]);
    separation = separation === null ? d : Math.min(separation, d);
  }
  return {
    peaks: result,
    separation,
    clustered: result.length >= 2,
    bandwidth: h,
    rejected,
    ...(noiseDipZ > -Infinity ? { noiseDipZ } : {}),
    dipZCritical: zCrit,
  };
}

interface Cluster {
  /** Index window [start, end) into the sorted values. */
  readonly start: number;
  readonly end: number;
  /** Grid index of its density peak. */
  readonly peak: number;
  /** Grid index of the density minimum that bounds it on the right; −1 for the last cluster. */
  readonly valley: number;
  readonly mean: number;
  /** Sum of squared deviations from the mean. */
  readonly m2: number;
}

/** Silverman's robust rule of thumb 0.9·min(sd, IQR/1.349)·n^(−1/5) (Silverman 1986, eq. 3.31). */
export function silvermanBandwidth(sorted: Readonly<ArrayLike<number>>, sum?: number): number {
  const n = sorted.length;
  const { m2 } = moments(sorted, 0, n, sum);
  const sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
  // More than half the values tie when the IQR is 0; the sd is then the only spread there is.
  const spread = iqr > 0 ? Math.min(sd, iqr / 1.349) : sd;
  return 0.9 * spread * Math.pow(n, -0.2);
}

interface Kde {
  /** Density at grid point g, x = lo + g·dx. */
  readonly f: Float64Array;
  readonly lo: number;
  readonly dx: number;
}

/**
 * Gaussian KDE on a grid reaching 3h past the data: linear binning, then a direct convolution with the kernel cut
 * at 4h (its mass beyond is 6e−5). dx ≈ h/4 keeps the binning error far below the sampling error; the grid is
 * clamped to 256…4096 points, so a long-tailed column gets a coarser grid (and counting windows of at least dx).
 */
function binnedKde(sorted: Readonly<ArrayLike<number>>, h: number): Kde {
  const n = sorted.length;
  const lo = sorted[0] - 3 * h;
  const hi = sorted[n - 1] + 3 * h;
  const size = Math.min(GRID_MAX, Math.max(GRID_MIN, Math.ceil((hi - lo) / (h / 4)) + 1));
  const dx = (hi - lo) / (size - 1);
  const mass = linearBinning(sorted, lo, dx, size);
  const radius = Math.min(size - 1, Math.ceil((4 * h) / dx));
  const kernel = new Float64Array(radius + 1);
  let ksum = 0;
  for (let j = 0; j <= radius; j++) {
    const t = (j * dx) / h;
    kernel[j] = Math.exp(-0.5 * t * t);
    ksum += j === 0 ? kernel[j] : 2 * kernel[j];
  }
  // Normalising by the discrete kernel sum keeps ∫f = 1 even when dx is coarse against h.
  const norm = 1 / (n * dx * ksum);
  const f = new Float64Array(size);
  for (let g = 0; g < size; g++) {
    const m = mass[g];
    if (m === 0) continue;
    const from = Math.max(0, g - radius);
    const to = Math.min(size - 1, g + radius);
    for (let k = from; k <= to; k++) f[k] += m * kernel[Math.abs(k - g)];
  }
  for (let g = 0; g < size; g++) f[g] *= norm;
  return { f, lo, dx };
}

/**
 * Each value's unit mass split between the two grid points around it, in proportion to its distance from each (linear
 * binning); in index order. A loop of its own, which V8 optimises whole.
 *
 * The values ascend, so a cell's values come together: the masses of the current cell's two grid points are added up
 * in locals, stored when a value falls in another cell and loaded for that one. Each grid point still receives its
 * additions one by one in index order — the same sums, bit for bit, as adding into the array — without an addition
 * that waits for the previous one's store.
 */
export function linearBinning(sorted: Readonly<ArrayLike<number>>, lo: number, dx: number, size: number): Float64Array {
  const mass = new Float64Array(size);
  const n = sorted.length;
  if (n === 0) return mass;
  let cell = Math.min(size - 2, Math.floor((sorted[0] - lo) / dx));
  let here = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    const pos = (sorted[i] - lo) / dx;
    const g = Math.min(size - 2, Math.floor(pos));
    if (g !== cell) {
      mass[cell] = here;
      mass[cell + 1] = next;
      here = mass[g];
      next = mass[g + 1];
      cell = g;
    }
    const frac = pos - g;
    here += 1 - frac;
    next += frac;
  }
  mass[cell] = here;
  mass[cell + 1] = next;
  return mass;
}

/** Mean and sum of squared deviations of sorted[start, end), two-pass. */
function moments(sorted: Readonly<ArrayLike<number>>, start: number, end: number, known?: number): { mean: number; m2: number } {
  // `known`: Σ sorted[start, end) in order, already added up by the caller.
  const mean = (known ?? rangeTotal(sorted, start, end)) / (end - start);
  return { mean, m2: squaredDeviations(sorted, start, end, mean) };
}

// The two passes of `moments`, each a function of its own: V8 optimises each whole, where the second loop of one body
// ran unoptimised after the first loop's on-stack replacement (on every first call of a column's clusters).

function rangeTotal(sorted: Readonly<ArrayLike<number>>, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += sorted[i];
  return sum;
}

function squaredDeviations(sorted: Readonly<ArrayLike<number>>, start: number, end: number, mean: number): number {
  let m2 = 0;
  for (let i = start; i < end; i++) {
    const d = sorted[i] - mean;
    m2 += d * d;
  }
  return m2;
}

/** Chan, Golub & LeVeque's pairwise update: mean and M2 of the union of two adjacent clusters. */
function combine(a: Cluster, b: Cluster): { mean: number; m2: number } {
  const na = a.end - a.start;
  const nb = b.end - b.start;
  const delta = b.mean - a.mean;
  return { mean: a.mean + (delta * nb) / (na + nb), m2: a.m2 + b.m2 + (delta * delta * na * nb) / (na + nb) };
}

/** Ashman's D with the clusters' population variances (their ML estimates, as in a fitted mixture). */
function ashmanD(a: Cluster, b: Cluster): number {
  const va = a.m2 / (a.end - a.start);
  const vb = b.m2 / (b.end - b.start);
  const gap = Math.abs(b.mean - a.mean);
  return va + vb > 0 ? (Math.SQRT2 * gap) / Math.sqrt(va + vb) : Infinity;
}

/**
 * Median of |x − m| over sorted[start, end) in O(log n), without a second sort: the deviations left of m grow
 * leftwards and those right of it grow rightwards — two sorted runs — and the k-th smallest of two sorted runs is
 * found by bisecting how many of the first k come from the left one (kthOfTwoRuns). The same values as merging the
 * runs outwards from m, which walked half the window with a mispredicted branch per value.
 */
export function medianAbsDeviation(sorted: Readonly<ArrayLike<number>>, start: number, end: number, m: number): number {
  const n = end - start;
  if (n === 0) return NaN;
  let right = lowerBound(sorted, m);
  if (right < start) right = start;
  if (right > end) right = end;
  // The k-th smallest deviation (0-based), with k and k + 1 averaged for an even count (type-7 median).
  const k = (n - 1) >> 1;
  const d = kthOfTwoRuns(sorted, start, right, end, m, k);
  return n % 2 === 0 ? (d + kthOfTwoRuns(sorted, start, right, end, m, k + 1)) / 2 : d;
}

/**
 * The k-th smallest (0-based) of the left run L(i) = m − sorted[right − 1 − i] (i < right − start) and the right run
 * R(j) = sorted[right + j] − m (j < end − right), both ascending. The first k + 1 values are the first i of L and the
 * first k + 1 − i of R for the least i at which L(i) is no smaller than the last R taken.
 */
function kthOfTwoRuns(sorted: Readonly<ArrayLike<number>>, start: number, right: number, end: number, m: number, k: number): number {
  const nl = right - start;
  const nr = end - right;
  const left = (i: number): number => m - sorted[right - 1 - i];
  const rightOf = (j: number): number => sorted[right + j] - m;
  let lo = Math.max(0, k + 1 - nr);
  let hi = Math.min(k + 1, nl);
  while (lo < hi) {
    const i = (lo + hi) >>> 1;
    const j = k + 1 - i;
    if (j > 0 && left(i) < rightOf(j - 1)) lo = i + 1;
    else hi = i;
  }
  const j = k + 1 - lo;
  return Math.max(lo > 0 ? left(lo - 1) : -Infinity, j > 0 ? rightOf(j - 1) : -Infinity);
}

function argmax(f: Float64Array, from: number, to: number): number {
  let best = from;
  for (let g = from + 1; g < to; g++) if (f[g] > f[best]) best = g;
  return best;
}

function argmin(f: Float64Array, from: number, to: number): number {
  let best = from;
  for (let g = from + 1; g < to; g++) if (f[g] < f[best]) best = g;
  return best;
}

function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}


/**
 * Split finding on one node's histogram, the inner loops of gbdtTree.ts: numeric features scanned in both directions
 * (missing values right, then left), categorical features by sorted gradient ratio. Histograms are flat Float64Arrays
 * of [Σg, Σh, count] per slot; a feature occupies binCount + 1 slots starting at `base / 3`, the last one for missing.
 * The gain of a split is G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) (Chen & Guestrin 2016, XGBoost, eq. 7).
 */

/** scikit-learn's `min_hessian_to_split` default. */
export const MIN_HESSIAN_TO_SPLIT = 1e-3;
/** scikit-learn's hard-coded `MIN_CAT_SUPPORT` (LightGBM `cat_smooth` = 10). */
export const MIN_CAT_SUPPORT = 10;
/** Words of a category bitset: 256 bins. */
export const CAT_WORDS = 8;
/** Gains below this share of the node's score G²/(H+λ) are rounding noise (see TreeGrower.findSplit). */
export const MIN_RELATIVE_GAIN = 1e-12;

/** Scratch and result of scanCategorical, allocated once per grower. */
export class CategoryScan {
  readonly bin = new Int32Array(257);
  readonly value = new Float64Array(257);
  /** The left set of the last improving scan: bit b set when bin b goes left (bit nb: missing). */
  readonly bits = new Uint32Array(CAT_WORDS);
  gain = 0;
  g = 0;
  h = 0;
  missingLeft = 0;
}

/**
 * scikit-learn's `_find_best_bin_to_split_category` (after LightGBM): categories whose hessian support (scaled to
 * sample counts) reaches MIN_CAT_SUPPORT are sorted by G/(H + MIN_CAT_SUPPORT); the sorted order is scanned from the
 * left and from the right up to its middle, so the low-support categories always end in the right child, the one
 * holding at least half of the categories. Missing values (slot nb) are one more category when present. Returns true
 * and fills `scan` when a split beats max(floorGain, 0).
 */
export function scanCategorical(
  hist: Float64Array,
  base: number,
  nb: number,
  missing: number,
  n: number,
  G: number,
  H: number,
  l2: number,
  minLeaf: number,
  parentScore: number,
  floorGain: number,
  scan: CategoryScan,
): boolean {
  const supportFactor = n / H;
  const catBin = scan.bin;
  const catValue = scan.value;
  let used = 0;
  const last = missing === 1 ? nb : nb - 1;
  for (let b = 0; b <= last; b++) {
    const j = base + b * 3;
    const hb = hist[j + 1];
    if (hb * supportFactor >= MIN_CAT_SUPPORT) {
      // Insertion sort: at most 256 categories, usually a handful.
      const v = hist[j] / (hb + MIN_CAT_SUPPORT);
      let i = used++;
      while (i > 0 && catValue[i - 1] > v) {
        catValue[i] = catValue[i - 1];
        catBin[i] = catBin[i - 1];
        i--;
      }
      catValue[i] = v;
      catBin[i] = b;
    }
  }
  if (used <= 1) return false;
  let best = floorGain > 0 ? floorGain : 0;
  let bestDirection = 0;
  let bestThreshold = 0;
  let bestG = 0;
  let bestH = 0;
  for (let direction = 1; direction >= -1; direction -= 2) {
    const middle = direction === 1 ? (used + 1) >> 1 : ((used + 1) >> 1) - 1;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let i = 0; i < middle; i++) {
      const sorted = direction === 1 ? i : used - 1 - i;
      const j = base + catBin[sorted] * 3;
      cl += hist[j + 2];
      hl += hist[j + 1];
      gl += hist[j];
      const hr = H - hl;
      if (cl < minLeaf || hl < MIN_HESSIAN_TO_SPLIT) continue;
      if (n - cl < minLeaf || hr < MIN_HESSIAN_TO_SPLIT) break;
      const gr = G - gl;
      const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore;
      if (gain > best) {
        best = gain;
        bestDirection = direction;
        bestThreshold = sorted;
        bestG = gl;
        bestH = hl;
      }
    }
  }
  if (bestDirection === 0) return false;
  const bits = scan.bits;
  bits.fill(0);
  if (bestDirection === 1) {
    for (let i = 0; i <= bestThreshold; i++) bits[catBin[i] >>> 5] |= 1 << (catBin[i] & 31);
  } else {
    for (let i = used - 1; i >= bestThreshold; i--) bits[catBin[i] >>> 5] |= 1 << (catBin[i] & 31);
  }
  scan.missingLeft = missing === 1 && (bits[nb >>> 5] >>> (nb & 31)) & 1 ? 1 : 0;
  scan.gain = best;
  scan.g = bestG;
  scan.h = bestH;
  return true;
}

/**
 * Left-to-right scan of one numeric feature (missing values go right). The last non-missing bin is tried too: with
 * missing values it separates "all present" from "missing"; without, its right side is empty and the loop stops.
 * Writes [gain, bin, G_L, H_L] to `out` and returns true when a split beats max(floorGain, 0).
 *
 * Same decisions as scikit-learn's `_find_best_bin_to_split_left_to_right`, arranged for speed (this loop runs
 * ~35 million times per 100 iterations on 5,000 × 30): the bins before min_samples_leaf is reached are summed in a
 * tight loop; G_L²/H_L + G_R²/H_R > T is tested as G_L²·H_R + G_R²·H_L > T·H_L·H_R (both sums ≥ 1e-3 > 0 when it
 * matters), so the two divisions run only on an improvement; the hessian floors join that test instead of breaking
 * the loop (H_L only grows and H_R only shrinks, so the outcome is the same). An empty bin repeats the previous
 * partition and cannot beat it strictly, so the first bin of a partition wins, as in scikit-learn.
 */
export function scanLeftToRight(
  hist: Float64Array,
  base: number,
  nb: number,
  n: number,
  G: number,
  H: number,
  l2: number,
  minLeaf: number,
  parentScore: number,
  floorGain: number,
  out: Float64Array,
): boolean {
  let threshold = (floorGain > 0 ? floorGain : 0) + parentScore;
  let best = -1;
  let gl = 0;
  let hl = 0;
  let cl = 0;
  let b = 0;
  for (; b < nb; b++) {
    const j = base + b * 3;
    gl += hist[j];
    hl += hist[j + 1];
    cl += hist[j + 2];
    if (cl >= minLeaf) break;
  }
  const maxLeft = n - minLeaf;
  while (b < nb && cl <= maxLeft) {
    const hr = H - hl;
    const gr = G - gl;
    const a = hl + l2;
    const d = hr + l2;
    if (gl * gl * d + gr * gr * a > threshold * a * d && hl >= MIN_HESSIAN_TO_SPLIT && hr >= MIN_HESSIAN_TO_SPLIT) {
      threshold = (gl * gl) / a + (gr * gr) / d;
      best = b;
      out[2] = gl;
      out[3] = hl;
    }
    b++;
    if (b >= nb) break;
    const j = base + b * 3;
    gl += hist[j];
    hl += hist[j + 1];
    cl += hist[j + 2];
  }
  if (best < 0) return false;
  out[0] = threshold - parentScore;
  out[1] = best;
  return true;
}

/** Right-to-left scan over bins nb-1..1 (threshold b-1), missing values go left; as scanLeftToRight otherwise. */
export function scanRightToLeft(
  hist: Float64Array,
  base: number,
  nb: number,
  n: number,
  G: number,
  H: number,
  l2: number,
  minLeaf: number,
  parentScore: number,
  floorGain: number,
  out: Float64Array,
): boolean {
  let threshold = (floorGain > 0 ? floorGain : 0) + parentScore;
  let best = -1;
  let gr = 0;
  let hr = 0;
  let cr = 0;
  let b = nb - 1;
  for (; b >= 1; b--) {
    const j = base + b * 3;
    gr += hist[j];
    hr += hist[j + 1];
    cr += hist[j + 2];
    if (cr >= minLeaf) break;
  }
  const maxRight = n - minLeaf;
  while (b >= 1 && cr <= maxRight) {
    const hl = H - hr;
    const gl = G - gr;
    const a = hl + l2;
    const d = hr + l2;
    if (gl * gl * d + gr * gr * a > threshold * a * d && hl >= MIN_HESSIAN_TO_SPLIT && hr >= MIN_HESSIAN_TO_SPLIT) {
      threshold = (gl * gl) / a + (gr * gr) / d;
      best = b - 1;
      out[2] = gl;
      out[3] = hl;
    }
    b--;
    if (b < 1) break;
    const j = base + b * 3;
    gr += hist[j];
    hr += hist[j + 1];
    cr += hist[j + 2];
  }
  if (best < 0) return false;
  out[0] = threshold - parentScore;
  out[1] = best;
  return true;
}

/** parent −= child. Unrolled by four: ~30 % faster in V8, which does not vectorise this loop itself. */
export function subtractInPlace(parent: Float64Array, child: Float64Array, length: number): void {
  let i = 0;
  for (; i + 3 < length; i += 4) {
    parent[i] -= child[i];
    parent[i + 1] -= child[i + 1];
    parent[i + 2] -= child[i + 2];
    parent[i + 3] -= child[i + 3];
  }
  for (; i < length; i++) parent[i] -= child[i];
}

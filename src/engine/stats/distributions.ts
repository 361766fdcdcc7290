/**
 * Distribution functions for the engine's hypothesis tests: normal, gamma / chi-square. Beta / Student t / F live in
 * betaFamily.ts, the noncentral chi-square that effect-size intervals invert in noncentralChiSquare.ts, and the root
 * finding the quantiles share in rootFinding.ts. Every function is checked against scipy 1.10 in
 * test/unit/distributions.test.ts.
 *
 * Conventions, as in scipy.special / scipy.stats: a NaN argument gives NaN; an invalid parameter (a non-positive
 * degree of freedom, a probability outside [0, 1]) gives NaN rather than throwing, because these sit inside loops over
 * features where one degenerate feature must not stop the others. Upper tails (`…Sf`) are computed directly, never as
 * 1 − cdf, so p-values far in the tail keep their relative accuracy.
 */
import { brentRoot, EPS, expandBracket, polish } from './rootFinding';
/** Smallest magnitude the Lentz continued fractions let a denominator reach (Numerical Recipes 3rd ed., §5.2). */
export const FPMIN = 1e-300;
export const LN_SQRT_2PI = 0.9189385332046727418; // ½·ln(2π)
const SQRT_HALF = Math.SQRT1_2;
/**
 * Iteration caps for the series and continued fractions. They converge in O(√max(a, b)) steps (Numerical Recipes
 * 3rd ed., §6.2 and §6.4), so a shape parameter of 10⁸ still needs far fewer; the cap only stops a runaway loop.
 */
export const MAX_ITERATIONS = 1_000_000;

// ---------------------------------------------------------------------------------------------------------------
// Normal
// ---------------------------------------------------------------------------------------------------------------

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631–637, as in his
// CALERF (netlib specfun): relative error below 1e−16 on each of the three intervals.
const ERF_A = [3.16112374387056560, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const ERF_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const ERFC_C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.952221241769090,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const ERFC_D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const ERFC_P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4,
  0.0163153871373020978,
];
const ERFC_Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const INV_SQRT_PI = 0.56418958354775628695;

/** erf(x) for |x| ≤ 0.46875 (Cody's first interval). */
function erfSmall(x: number): number {
  const z = x * x;
  let num = ERF_A[4] * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + ERF_A[i]) * z;
    den = (den + ERF_B[i]) * z;
  }
  return (x * (num + ERF_A[3])) / (den + ERF_B[3]);
}

/** R(x) with erfc(x) = exp(−x²)·R(x), for x > 0.46875 (Cody's second and third intervals). */
function erfcScaled(x: number): number {
  if (x <= 4) {
    let num = ERFC_C[8] * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + ERFC_C[i]) * x;
      den = (den + ERFC_D[i]) * x;
    }
    return (num + ERFC_C[7]) / (den + ERFC_D[7]);
  }
  const z = 1 / (x * x);
  let num = ERFC_P[5] * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + ERFC_P[i]) * z;
    den = (den + ERFC_Q[i]) * z;
  }
  return (INV_SQRT_PI - (z * (num + ERFC_P[4])) / (den + ERFC_Q[4])) / x;
}

/**
 * exp(−z²/2) without the rounding of z²: split z = zr + δ with zr a multiple of 1/16 so that zr² is exact, as Cody does
 * for exp(−x²). Far in the tail (z ≈ 37) a rounded z² would cost ~1e−13 of relative accuracy.
 */
function expHalfSquare(z: number): number {
  const zr = Math.trunc(z * 16) / 16;
  const delta = (z - zr) * (z + zr);
  return Math.exp(-0.5 * zr * zr) * Math.exp(-0.5 * delta);
}

/** Upper tail Q(z) = 1 − Φ(z), accurate in relative terms far into the tail (Q(37) ≈ 5.7e−300). */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  const x = Math.abs(z) * SQRT_HALF;
  if (x <= 0.46875) return 0.5 - 0.5 * erfSmall(z * SQRT_HALF);
  const tail = 0.5 * erfcScaled(x) * expHalfSquare(Math.abs(z));
  return z > 0 ? tail : 1 - tail;
}

/**
 * Standard normal CDF Φ(z) (Cody 1969; relative error below 1e−15 in both tails). Same signature as the one in
 * modes.ts (Numerical Recipes' erfcc, |ε| < 1.2e−7), which it is meant to replace.
 */
export function normalCdf(z: number): number {
  return normalSf(-z);
}

// Wichura, "Algorithm AS 241: the percentage points of the normal distribution", Applied Statistics 37 (1988) 477–484:
// PPND16, relative accuracy about 1e−16.
const Q_A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457,
  67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const Q_B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
];
const Q_C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
];
const Q_D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const Q_E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const Q_F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4,
  1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
];

function horner(c: readonly number[], x: number): number {
  let v = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) v = v * x + c[i];
  return v;
}

/**
 * Standard normal quantile Φ⁻¹(p) (Wichura's AS 241, relative error ≈ 1e−16; scipy's ndtri agrees to a few ulps).
 * Same signature and edge values as the Acklam version in modes.ts: ±Infinity at 0 and 1, NaN outside [0, 1].
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(Q_A, r)) / horner(Q_B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = horner(Q_C, r) / horner(Q_D, r);
  } else {
    r -= 5;
    value = horner(Q_E, r) / horner(Q_F, r);
  }
  return q < 0 ? -value : value;
}

// ---------------------------------------------------------------------------------------------------------------
// Gamma function and its companions
// ---------------------------------------------------------------------------------------------------------------

// Lanczos approximation with Godfrey's g = 607/128 and 14 terms, as in Numerical Recipes 3rd ed. (2007) §6.1 gammln:
// relative error about 1e−15 for x > 0.
const LANCZOS = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199, 0.339946499848118887e-4,
  0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3, -0.210264441724104883e-3,
  0.217439618115212643e-3, -0.16431810653676389e-3, 0.844182239838527433e-4, -0.261908384015814087e-4,
  0.368991826595316234e-5,
];

/**
 * ln|Γ(x)| (Lanczos, Numerical Recipes' gammln), with the reflection formula for x < 0 so that it matches
 * scipy.special.gammaln on the whole real line; +Infinity at the poles 0, −1, −2, ….
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    if (x === Math.floor(x)) return Infinity;
    // Γ(x)Γ(1 − x) = π / sin(πx). sin(πx) via the distance to the nearest integer keeps it exact near the poles.
    const s = Math.abs(Math.sin(Math.PI * (x - Math.round(x))));
    return Math.log(Math.PI / s) - logGamma(1 - x);
  }
  let y = x;
  const tmp = x + 5.2421875; // g + ½ with g = 607/128
  let series = 0.999999999999997092;
  for (let j = 0; j < 14; j++) series += LANCZOS[j] / ++y;
  // ln(√(2π)·series) − ln x rather than ln(√(2π)·series/x), which overflows for subnormal x.
  return (x + 0.5) * Math.log(tmp) - tmp + Math.log(2.5066282746310005 * series) - Math.log(x);
}

/**
 * Stirling's error δ(x) = ln Γ(x) − ((x − ½) ln x − x + ½ ln 2π). For x ≥ 10 the asymptotic series with Bernoulli
 * numbers up to B₁₆ (next term < 2e−18 at x = 10); below, the difference of logarithms. Catherine Loader, "Fast and
 * accurate computation of binomial probabilities" (2000), builds the Poisson and binomial terms on δ because it
 * carries the small part of ln Γ without the cancellation of lgamma differences.
 */
export function stirlingError(x: number): number {
  if (x >= 10) {
    const z = 1 / (x * x);
    return (
      (1 / 12 -
        z *
          (1 / 360 -
            z *
              (1 / 1260 -
                z * (1 / 1680 - z * (1 / 1188 - z * (691 / 360360 - z * (1 / 156 - (z * 3617) / 122400))))))) /
      x
    );
  }
  return logGamma(x) - (x - 0.5) * Math.log(x) + x - LN_SQRT_2PI;
}

/**
 * bd0(x, m) = x ln(x/m) + m − x, the deviance term, computed without cancellation when x ≈ m (Loader 2000): with
 * v = (x − m)/(x + m), x ln(x/m) − (x − m) = 2x Σ_{j≥1} v^(2j+1)/(2j + 1) + (x − m) v.
 */
export function deviance(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let s = (x - m) * v;
    if (Math.abs(s) < 1e-300) return s;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * m^a e^(−m) / Γ(a + 1) for real a ≥ 0: the Poisson probability for integer a and the prefactor of the regularised
 * incomplete gamma function otherwise. Loader's (2000) form exp(−δ(a) − bd0(a, m)) / √(2πa) keeps full relative
 * accuracy for a and m in the millions, where exp(a ln m − m − lnΓ(a + 1)) would lose ~10 digits to cancellation.
 */
export function poissonTerm(a: number, m: number): number {
  if (m === 0) return a === 0 ? 1 : 0;
  if (a === 0) return Math.exp(-m);
  if (!Number.isFinite(m)) return 0;
  if (a <= m * 1e-300) return Math.exp(-m);
  if (m < a * 1e-300) return Math.exp(-m + a * Math.log(m) - logGamma(a + 1));
  return Math.exp(-stirlingError(a) - deviance(a, m)) / Math.sqrt(2 * Math.PI * a);
}

/** Poisson probability P(K = k) for mean mu (scipy.stats.poisson.pmf): 0 for a k that is not a non-negative integer. */
export function poissonPmf(k: number, mu: number): number {
  if (Number.isNaN(k) || Number.isNaN(mu) || mu < 0) return NaN;
  if (k < 0 || k !== Math.floor(k) || k === Infinity) return 0;
  return poissonTerm(k, mu);
}

/** P(a, x) by its power series, for x < a + 1 (Numerical Recipes 3rd ed., §6.2 gser). */
function gammaSeries(a: number, x: number): number {
  const prefix = poissonTerm(a, x); // x^a e^(−x) / Γ(a + 1)
  if (prefix === 0) return 0;
  let term = 1;
  let sum = 1;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * EPS) break;
  }
  return prefix * sum;
}

/** Q(a, x) by its continued fraction (modified Lentz), for x ≥ a + 1 (Numerical Recipes 3rd ed., §6.2 gcf). */
function gammaContinuedFraction(a: number, x: number): number {
  const prefix = a * poissonTerm(a, x); // x^a e^(−x) / Γ(a)
  if (prefix === 0) return 0;
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= EPS) break;
  }
  return prefix * h;
}

/** Regularised lower incomplete gamma P(a, x) = γ(a, x)/Γ(a) (scipy.special.gammainc). Needs a > 0, x ≥ 0. */
export function regularisedGammaP(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || !(a > 0) || x < 0) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  if (a === Infinity) return 0;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x) (scipy.special.gammaincc), accurate when it is tiny. */
export function regularisedGammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || !(a > 0) || x < 0) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (a === Infinity) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

// ---------------------------------------------------------------------------------------------------------------
// Chi-square
// ---------------------------------------------------------------------------------------------------------------

/** P(χ²_df > x) (scipy.stats.chi2.sf). df > 0, not necessarily an integer. */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df) || !(df > 0)) return NaN;
  if (x <= 0) return 1;
  return regularisedGammaQ(df / 2, x / 2);
}

/** P(χ²_df ≤ x) (scipy.stats.chi2.cdf). */
export function chiSquareCdf(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df) || !(df > 0)) return NaN;
  if (x <= 0) return 0;
  return regularisedGammaP(df / 2, x / 2);
}

/** Chi-square density (for Newton's polishing step of the quantiles). */
function chiSquarePdf(x: number, df: number): number {
  if (x <= 0) return df === 2 ? 0.5 : df < 2 ? Infinity : 0;
  const a = df / 2;
  const y = x / 2;
  return (0.5 * a * poissonTerm(a, y)) / y;
}

/** Lower quantile: solve ln P(χ² ≤ x) = ln p in u = ln x, where the left tail is almost linear (ln F ≈ c + (df/2)·u). */
function chiSquareLowerInverse(p: number, df: number): number {
  const target = Math.log(p);
  const g = (u: number): number => Math.log(chiSquareCdf(Math.exp(u), df)) - target;
  const u0 = Math.log(Math.max(df, 1e-300));
  const bracket = expandBracket(g, u0 - 1, u0 + 1, 1);
  if (bracket === null) return NaN;
  const x = Math.exp(brentRoot(g, bracket[0], bracket[1]));
  return polish(x, (v) => chiSquareCdf(v, df) - p, (v) => chiSquarePdf(v, df));
}

/** Upper quantile: solve ln P(χ² > x) = ln q in x, where the right tail is almost linear (ln Q ≈ −x/2 + …). */
function chiSquareUpperInverse(q: number, df: number): number {
  const target = Math.log(q);
  const g = (x: number): number => Math.log(chiSquareSf(x, df)) - target;
  const hi = df + 10 * Math.sqrt(2 * df) + 10;
  const bracket = expandBracket(g, 0, hi, 1);
  if (bracket === null) return NaN;
  const x = brentRoot(g, bracket[0], bracket[1]);
  return polish(x, (v) => q - chiSquareSf(v, df), (v) => chiSquarePdf(v, df));
}

/** x with P(χ²_df ≤ x) = p (scipy.stats.chi2.ppf). */
export function chiSquareQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || !(df > 0) || p < 0 || p > 1) return NaN;
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  // 1 − p is exact for p ≥ ½ (Sterbenz), so the upper tail solver sees the same probability.
  return p < 0.5 ? chiSquareLowerInverse(p, df) : chiSquareUpperInverse(1 - p, df);
}

/** x with P(χ²_df > x) = q (scipy.stats.chi2.isf): the critical value of a test at level q, exact for tiny q. */
export function chiSquareIsf(q: number, df: number): number {
  if (Number.isNaN(q) || Number.isNaN(df) || !(df > 0) || q < 0 || q > 1) return NaN;
  if (q === 0) return Infinity;
  if (q === 1) return 0;
  return q <= 0.5 ? chiSquareUpperInverse(q, df) : chiSquareLowerInverse(1 - q, df);
}

/**
 * Distribution functions for the engine's hypothesis tests: normal, gamma / chi-square, beta / Student t / F, and the noncentral
 * chi-square that effect-size intervals invert. Every function is checked against scipy 1.10 in
 * test/unit/distributions.test.ts.
 *
 * Conventions, as in scipy.special / scipy.stats: a NaN argument gives NaN; an invalid parameter (a non-positive
 * degree of freedom, a probability outside [0, 1]) gives NaN rather than throwing, because these sit inside loops over
 * features where one degenerate feature must not stop the others. Upper tails (`…Sf`) are computed directly, never as
 * 1 − cdf, so p-values far in the tail keep their relative accuracy.
 */

const EPS = 2.220446049250313e-16;
/** Smallest magnitude the Lentz continued fractions let a denominator reach (Numerical Recipes 3rd ed., §5.2). */
const FPMIN = 1e-300;
const LN_SQRT_2PI = 0.9189385332046727418; // ½·ln(2π)
const LN_2PI = 1.8378770664093454836;
const SQRT_HALF = Math.SQRT1_2;
/**
 * Iteration caps for the series and continued fractions. They converge in O(√max(a, b)) steps (Numerical Recipes
 * 3rd ed., §6.2 and §6.4), so a shape parameter of 10⁸ still needs far fewer; the cap only stops a runaway loop.
 */
const MAX_ITERATIONS = 1_000_000;

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
function stirlingError(x: number): number {
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
function deviance(x: number, m: number): number {
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
function poissonTerm(a: number, m: number): number {
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

// ---------------------------------------------------------------------------------------------------------------
// Beta, Student t, F
// ---------------------------------------------------------------------------------------------------------------

/**
 * ln B(a, b). For large arguments via Stirling's error so that lnΓ(a) + lnΓ(b) − lnΓ(a + b) does not cancel (the
 * same decomposition as R's lbeta): otherwise, at a = b = 10⁶, one loses six digits.
 */
export function logBeta(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b) || !(a > 0 && b > 0)) return NaN;
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = stirlingError(p) + stirlingError(q) - stirlingError(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const corr = stirlingError(q) - stirlingError(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

/**
 * x^a y^b / B(a, b) with y = 1 − x, through Loader's binomial term: with n = a + b it equals
 * (ab/n)·C(n, a)·x^a·y^b, and C(n, a)·x^a·y^b = exp(δ(n) − δ(a) − δ(b) − bd0(a, nx) − bd0(b, ny))·√(n / (2πab)).
 * Direct exp(a ln x + b ln y − ln B) loses ~10 digits when a, b are in the millions (a t-test on 10⁶ rows).
 */
function betaPrefix(a: number, b: number, x: number, y: number): number {
  const n = a + b;
  if (a < 1e-3 || b < 1e-3 || !Number.isFinite(n)) {
    return Math.exp(a * Math.log(x) + b * Math.log(y) - logBeta(a, b));
  }
  const lc = stirlingError(n) - stirlingError(a) - stirlingError(b) - deviance(a, n * x) - deviance(b, n * y);
  // ln(2π·a·b/n): log(b/n) rather than log1p(−a/n), which would round a/n ≈ 1 and lose ~1e−10 when b ≪ a.
  const lf = LN_2PI + Math.log(a) + Math.log(b / n);
  return ((a * b) / n) * Math.exp(lc - 0.5 * lf);
}

/** Continued fraction for I_x(a, b) (modified Lentz; Numerical Recipes 3rd ed., §6.4 betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= EPS) break;
  }
  return h;
}

/**
 * I_x(a, b) given x and y = 1 − x separately, so callers that know y exactly (the t and F tails) do not round it.
 * The continued fraction converges fast for x < (a + 1)/(a + b + 2); beyond, use I_x(a, b) = 1 − I_y(b, a).
 *
 * Accuracy (against mpmath at 40 digits): ~1e−13 relative while a, b < 10⁴. With x → 1 and a in the millions — a t
 * or F tail with 10⁶–10⁸ denominator degrees of freedom — the fraction's own dependence on x costs up to 5e−11 at
 * a = 5·10⁵ and 2e−9 at a = 5·10⁷. Didonato & Morris' BGRAT expansion (TOMS 708) would recover those digits; no
 * p-value needs them.
 */
function incompleteBeta(a: number, b: number, x: number, y: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  if (x < (a + 1) / (a + b + 2)) return (betaPrefix(a, b, x, y) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (betaPrefix(a, b, x, y) * betaContinuedFraction(b, a, y)) / b;
}

/** Regularised incomplete beta I_x(a, b) (scipy.special.betainc(a, b, x), same argument order). */
export function regularisedBeta(a: number, b: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(x) || !(a > 0 && b > 0) || x < 0 || x > 1) return NaN;
  return incompleteBeta(a, b, x, 1 - x);
}

/** x = df/(df + t²) and y = t²/(df + t²), each without cancellation and without overflowing t² for huge |t|. */
function tBetaArguments(t: number, df: number): [number, number] {
  const t2 = t * t;
  if (t2 > df) {
    const r = (Math.sqrt(df) / t) ** 2; // df/t², safe for |t| > 1e154
    return [r / (1 + r), 1 / (1 + r)];
  }
  const s = t2 / df;
  return [1 / (1 + s), s / (1 + s)];
}

/** One-sided upper tail P(T_df > t) (scipy.stats.t.sf). df = Infinity gives the normal tail. */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || !(df > 0)) return NaN;
  if (df === Infinity) return normalSf(t);
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  if (t === 0) return 0.5;
  const [x, y] = tBetaArguments(t, df);
  const half = 0.5 * incompleteBeta(df / 2, 0.5, x, y);
  return t > 0 ? half : 1 - half;
}

/** Two-sided P(|T_df| ≥ |t|) = I_{df/(df+t²)}(df/2, ½), the p-value of scipy's t-based tests. */
export function studentTTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || !(df > 0)) return NaN;
  if (df === Infinity) return Math.min(1, 2 * normalSf(Math.abs(t)));
  if (!Number.isFinite(t)) return 0;
  if (t === 0) return 1;
  const [x, y] = tBetaArguments(t, df);
  return Math.min(1, incompleteBeta(df / 2, 0.5, x, y));
}

function studentTPdf(t: number, df: number): number {
  return Math.exp(-0.5 * (df + 1) * Math.log1p((t * t) / df) - 0.5 * Math.log(df) - logBeta(df / 2, 0.5));
}

/** t > 0 with P(T_df > t) = q for q < ½, solved in u = ln t, where ln q is almost linear in the tail (∝ −df·u). */
function studentTUpperInverse(q: number, df: number): number {
  const target = Math.log(q);
  const g = (u: number): number => target - Math.log(studentTSf(Math.exp(u), df));
  const u0 = Math.log(Math.max(normalQuantile(1 - q), 1e-3));
  const bracket = expandBracket(g, u0 - 1, u0 + 1, 1);
  if (bracket === null) return NaN;
  const t = Math.exp(brentRoot(g, bracket[0], bracket[1]));
  return polish(t, (v) => q - studentTSf(v, df), (v) => studentTPdf(v, df));
}

/** Student t quantile (scipy.stats.t.ppf). Called with a small p (e.g. α/2) it stays accurate in the tail. */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || !(df > 0) || p < 0 || p > 1) return NaN;
  if (df === Infinity) return normalQuantile(p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  return p < 0.5 ? -studentTUpperInverse(p, df) : studentTUpperInverse(1 - p, df);
}

/** P(F_{d1,d2} > f) (scipy.stats.f.sf) = I_{d2/(d2 + d1 f)}(d2/2, d1/2). d2 = Infinity gives χ²_{d1}/d1. */
export function fSf(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f) || Number.isNaN(d1) || Number.isNaN(d2) || !(d1 > 0 && d2 > 0) || d1 === Infinity) return NaN;
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  if (d2 === Infinity) return chiSquareSf(d1 * f, d1);
  const s = d1 * f;
  const x = d2 / (d2 + s);
  const y = s / (d2 + s);
  return incompleteBeta(d2 / 2, d1 / 2, x, y);
}

// ---------------------------------------------------------------------------------------------------------------
// Noncentral chi-square
// ---------------------------------------------------------------------------------------------------------------

/**
 * The noncentral χ²(df, λ) is a Poisson(λ/2) mixture of central χ²(df + 2j):
 *   F(x) = Σ_j w_j P(df/2 + j, x/2),  w_j = e^(−λ/2) (λ/2)^j / j!.
 * The sum starts at the Poisson mode k = ⌊λ/2⌋ (one incomplete gamma there) and walks outwards with the recurrence
 * P(a + 1, y) = P(a, y) − y^a e^(−y)/Γ(a + 1), the scheme of Boost's non_central_chi_squared (after Ding 1992 and
 * Benton & Krishnamoorthy 2003). Each term y^a e^(−y)/Γ(a + 1) and each weight is computed afresh with Loader's
 * formula rather than by the multiplicative recurrence, so nothing underflows or drifts over 10⁴ steps.
 *
 * The lower tail sums P and the upper tail sums Q = 1 − P: the recurrence adds in one direction and subtracts in the
 * other, and the subtractive side only ever meets terms smaller than the one at the mode, so each tail keeps its
 * relative accuracy (≈ 1e−13 at λ = 10⁴). A direction stops when a bound on the rest of the sum — the remaining
 * Poisson mass (a geometric bound) times the largest P or Q still to come — is below 1e−16 of the sum.
 */
function noncentralChiSquareTail(x: number, df: number, lambda: number, upper: boolean): number {
  if (Number.isNaN(x) || Number.isNaN(df) || Number.isNaN(lambda)) return NaN;
  if (!(df > 0) || !(lambda >= 0) || df === Infinity || lambda === Infinity) return NaN;
  if (x <= 0) return upper ? 1 : 0;
  if (x === Infinity) return upper ? 0 : 1;
  if (lambda === 0) return upper ? chiSquareSf(x, df) : chiSquareCdf(x, df);
  const a = df / 2;
  const y = x / 2;
  const mu = lambda / 2;
  const k = Math.floor(mu);
  const gk = upper ? regularisedGammaQ(a + k, y) : regularisedGammaP(a + k, y);
  let sum = poissonPmf(k, mu) * gk;
  const tolerance = 1e-16;

  // Forward: j = k + 1, k + 2, …  P decreases (subtract), Q increases (add).
  let g = gk;
  for (let j = k + 1; j < k + MAX_ITERATIONS; j++) {
    const t = poissonTerm(a + j - 1, y);
    g = upper ? Math.min(1, g + t) : Math.max(0, g - t);
    const w = poissonPmf(j, mu);
    sum += w * g;
    // Σ_{i>j} w_i ≤ w_j · r/(1 − r'), r = μ/(j + 1), r' = μ/(j + 2) < 1 since j > μ.
    const poissonRest = (w * (mu / (j + 1))) / (1 - mu / (j + 2));
    const rest = poissonRest * (upper ? 1 : g);
    if (rest <= tolerance * sum || rest === 0) break;
  }

  // Backward: j = k − 1, …, 0.  P increases (add), Q decreases (subtract).
  g = gk;
  for (let j = k - 1; j >= 0; j--) {
    const t = poissonTerm(a + j, y);
    g = upper ? Math.max(0, g - t) : Math.min(1, g + t);
    const w = poissonPmf(j, mu);
    sum += w * g;
    if (j === 0) break;
    // Σ_{i<j} w_i ≤ w_j · r/(1 − r'), r = j/μ, r' = (j − 1)/μ < 1 since j ≤ μ.
    const poissonRest = (w * (j / mu)) / (1 - (j - 1) / mu);
    const rest = poissonRest * (upper ? g : 1);
    if (rest <= tolerance * sum || rest === 0) break;
  }
  return Math.min(1, sum);
}

/** P(χ²_df(λ) ≤ x) for noncentrality λ (scipy.stats.ncx2.cdf). Tested to λ = 10⁴, df = 500. */
export function noncentralChiSquareCdf(x: number, df: number, lambda: number): number {
  return noncentralChiSquareTail(x, df, lambda, false);
}

/** P(χ²_df(λ) > x) (scipy.stats.ncx2.sf), summed directly, so power near 0 and p-values near 0 stay accurate. */
export function noncentralChiSquareSf(x: number, df: number, lambda: number): number {
  return noncentralChiSquareTail(x, df, lambda, true);
}

// ---------------------------------------------------------------------------------------------------------------
// Root finding (shared by the quantiles here and the noncentrality inversion)
// ---------------------------------------------------------------------------------------------------------------

/**
 * A root of f in [lo, hi] by Brent's method (Brent 1973, ch. 4; the zbrent of Numerical Recipes 3rd ed., §9.3): secant
 * and inverse quadratic steps guarded by bisection, so it never leaves the bracket and converges superlinearly on
 * smooth functions. Stops when the bracket is narrower than 4·ε·|x| + absTolerance. Needs f(lo), f(hi) of opposite
 * signs (or one of them zero); NaN otherwise.
 */
export function brentRoot(f: (x: number) => number, lo: number, hi: number, absTolerance = 0, maxIterations = 300): number {
  let a = lo;
  let b = hi;
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (Number.isNaN(fa) || Number.isNaN(fb) || (fa > 0) === (fb > 0)) return NaN;
  let c = b;
  let fc = fb;
  let d = b - a;
  let e = d;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * EPS * Math.abs(b) + 0.5 * absTolerance;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qa = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qa * (qa - r) - (b - a) * (r - 1));
        q = (qa - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = Math.abs(p);
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : xm > 0 ? tol : -tol;
    fb = f(b);
    if (Number.isNaN(fb)) return NaN;
  }
  return b;
}

/**
 * Widen [lo, hi] (doubling the step away from the side that has the wrong sign) until g changes sign; for monotone g.
 * g(−∞ side) and g(+∞ side) must have opposite signs. Returns null if 200 doublings do not find a sign change.
 */
function expandBracket(g: (x: number) => number, lo: number, hi: number, step: number): [number, number] | null {
  let glo = g(lo);
  let ghi = g(hi);
  let s = step;
  for (let i = 0; i < 200; i++) {
    if (Number.isNaN(glo) || Number.isNaN(ghi)) return null;
    if ((glo > 0) !== (ghi > 0) || glo === 0 || ghi === 0) return [lo, hi];
    // Same sign at both ends: move towards the side where the function is nearer zero.
    if (Math.abs(glo) < Math.abs(ghi)) {
      hi = lo;
      ghi = glo;
      lo -= s;
      glo = g(lo);
    } else {
      lo = hi;
      glo = ghi;
      hi += s;
      ghi = g(hi);
    }
    s *= 2;
  }
  return null;
}

/** Two guarded Newton steps on h(x) = 0 with h' = dh: Brent in a log scale stops at ~1e−13, Newton restores ~1e−16. */
function polish(x: number, h: (x: number) => number, dh: (x: number) => number): number {
  let best = x;
  let hBest = Math.abs(h(x));
  for (let i = 0; i < 2 && hBest > 0; i++) {
    const slope = dh(best);
    if (!(slope > 0) || !Number.isFinite(slope)) break;
    const next = best - h(best) / slope;
    if (!(next > 0) || !Number.isFinite(next)) break;
    const hNext = Math.abs(h(next));
    if (!(hNext < hBest)) break;
    best = next;
    hBest = hNext;
  }
  return best;
}

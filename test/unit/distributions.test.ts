import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fSf,
  logBeta,
  regularisedBeta,
  studentTQuantile,
  studentTSf,
  studentTTwoSided,
} from '../../src/engine/stats/betaFamily';
import {
  chiSquareCdf,
  chiSquareIsf,
  chiSquareQuantile,
  chiSquareSf,
  logGamma,
  normalCdf,
  normalQuantile,
  normalSf,
  poissonPmf,
  regularisedGammaP,
  regularisedGammaQ,
} from '../../src/engine/stats/distributions';
import { noncentralChiSquareCdf, noncentralChiSquareSf } from '../../src/engine/stats/noncentralChiSquare';
import { brentRoot } from '../../src/engine/stats/rootFinding';

/** Relative closeness: |actual − expected| ≤ tol·|expected| (exact match required when expected is 0 or infinite). */
const rel = (actual: number, expected: number, tol: number, what: string): void => {
  if (expected === 0 || !Number.isFinite(expected)) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
};

// Reference values: scipy 1.10.1 (Debian's /usr/bin/python3), printed with repr(float(...)); the call is in each
// comment. Where scipy itself is less accurate than 1e−12 the value is from mpmath at 40 digits, and the comment says.

test('normalCdf and normalSf match scipy.stats.norm, far into both tails', () => {
  // scipy.stats.norm.cdf(z)
  const cdf: [number, number][] = [
    [-20, 2.7536241186061556e-89],
    [-5, 2.866515718791933e-7],
    [-1.96, 0.024997895148220435],
    [-0.3, 0.3820885778110474],
    [0, 0.5],
    [0.3, 0.6179114221889526],
    [1, 0.8413447460685429],
    [1.96, 0.9750021048517795],
    [5, 0.9999997133484281],
    [8.3, 1],
  ];
  // The −20 value: scipy's tail is good to ~3e−14 there (mpmath: 2.7536241186062336951e−89).
  for (const [z, p] of cdf) rel(normalCdf(z), p, 5e-14, `normalCdf(${z})`);
  // scipy.stats.norm.sf(z)
  const sf: [number, number][] = [
    [-3, 0.9986501019683699],
    [0.5, 0.3085375387259869],
    [1, 0.15865525393145707],
    [5, 2.866515718791933e-7],
    [10, 7.61985302416047e-24],
  ];
  for (const [z, p] of sf) rel(normalSf(z), p, 1e-14, `normalSf(${z})`);
  // mpmath erfc(z/√2)/2 at 40 digits; scipy (ndtr) drifts to 1e−13 relative out here, Cody's erfc with the exact
  // exp(−z²/2) split does not.
  rel(normalSf(30), 4.906713927148187e-198, 1e-14, 'normalSf(30)');
  rel(normalSf(37), 5.725571222524577e-300, 1e-14, 'normalSf(37)');
  rel(normalCdf(-37), 5.725571222524577e-300, 1e-14, 'normalCdf(-37)');
});

test('normal edge cases: NaN, infinities, symmetry, underflow', () => {
  assert.ok(Number.isNaN(normalCdf(NaN)));
  assert.ok(Number.isNaN(normalSf(NaN)));
  assert.equal(normalCdf(Infinity), 1);
  assert.equal(normalCdf(-Infinity), 0);
  assert.equal(normalSf(-Infinity), 1);
  assert.equal(normalSf(40), 0); // below the smallest double
  for (const z of [0.1, 0.46875 * Math.SQRT2, 0.7, 2, 4 * Math.SQRT2, 6]) {
    assert.ok(Math.abs(normalCdf(z) + normalCdf(-z) - 1) < 1e-16, `symmetry at ${z}`);
  }
});

test('normalQuantile is AS 241: scipy.special.ndtri to 1e−15, and inverts normalCdf', () => {
  // scipy.special.ndtri(p)
  const refs: [number, number][] = [
    [1e-300, -37.0470962993612],
    [1e-20, -9.262340089798409],
    [1e-5, -4.264890793922825],
    [0.025, -1.9599639845400545],
    [0.075, -1.4395314709384563],
    [0.3, -0.5244005127080409],
    [0.5, 0],
    [0.975, 1.959963984540054],
    [1 - 1e-10, 6.361340889697422],
  ];
  for (const [p, z] of refs) rel(normalQuantile(p), z, 1e-15, `normalQuantile(${p})`);
  for (const p of [1e-12, 0.01, 0.2, 0.6, 0.99]) rel(normalCdf(normalQuantile(p)), p, 1e-14, `round trip ${p}`);
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
  assert.ok(Number.isNaN(normalQuantile(-0.1)));
  assert.ok(Number.isNaN(normalQuantile(1.5)));
  assert.ok(Number.isNaN(normalQuantile(NaN)));
});

test('logGamma matches scipy.special.gammaln, including huge and negative arguments', () => {
  // scipy.special.gammaln(x); absolute error ≤ 1e−14·max(1, |value|) (relative error is meaningless at the zeros 1, 2).
  const refs: [number, number][] = [
    [1e-300, 690.7755278982137],
    [1e-10, 23.025850929882733],
    [0.5, 0.5723649429247],
    [1, 0],
    [1.5, -0.12078223763524526],
    [2, 0],
    [3.7, 1.428072326665388],
    [10, 12.801827480081469],
    [171.5, 709.1431630309283],
    [1e6, 12815504.569147611],
    [1e15, 3.3538776394910668e16],
    [-0.5, 1.2655121234846454],
    [-2.5, -0.05624371649767401],
  ];
  for (const [x, v] of refs) {
    assert.ok(Math.abs(logGamma(x) - v) <= 1e-14 * Math.max(1, Math.abs(v)), `logGamma(${x}) = ${logGamma(x)} vs ${v}`);
  }
  assert.equal(logGamma(0), Infinity);
  assert.equal(logGamma(-3), Infinity);
  assert.ok(Number.isNaN(logGamma(NaN)));
  // ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b); at 5e5 and ½ the direct difference would lose 6 digits.
  rel(logBeta(2.5, 4), logGamma(2.5) + logGamma(4) - logGamma(6.5), 1e-14, 'logBeta small');
  rel(logBeta(5e5, 0.5), -5.988816495777464, 1e-14, 'logBeta(5e5, 0.5)'); // mpmath log(beta(5e5, 0.5))
});

test('regularised incomplete gamma P and Q match scipy.special.gammainc / gammaincc', () => {
  // [a, x, gammainc(a, x), gammaincc(a, x)]
  const refs: [number, number, number, number][] = [
    [0.5, 0.1, 0.34527915398142317, 0.6547208460185768],
    [1, 1, 0.6321205588285577, 0.36787944117144245],
    [2.5, 10, 0.9987502694369687, 0.0012497305630313773],
    [100, 90, 0.15822098918643007, 0.84177901081357],
    [100, 120, 0.9721362601094793, 0.027863739890520652],
    [5000, 5000.5, 0.5047013703961134, 0.49529862960388654],
    [1e5, 0.99e5, 0.0007574199211747684, 0.9992425800788253],
    [0.001, 0.001, 0.9936876467088603, 0.006312353291139709],
    [30, 3, 4.277047721426935e-20, 1],
  ];
  for (const [a, x, p, q] of refs) {
    rel(regularisedGammaP(a, x), p, 1e-12, `P(${a}, ${x})`);
    rel(regularisedGammaQ(a, x), q, 1e-12, `Q(${a}, ${x})`);
  }
  assert.equal(regularisedGammaP(2, 0), 0);
  assert.equal(regularisedGammaQ(2, 0), 1);
  assert.equal(regularisedGammaP(2, Infinity), 1);
  assert.ok(Number.isNaN(regularisedGammaP(0, 1)));
  assert.ok(Number.isNaN(regularisedGammaQ(1, -1)));
  assert.ok(Number.isNaN(regularisedGammaP(NaN, 1)));
});

test('chi-square tails, quantiles and critical values match scipy.stats.chi2', () => {
  // [x, df, chi2.sf(x, df), chi2.cdf(x, df)]
  const refs: [number, number, number, number][] = [
    [3.84, 1, 0.05004352124870519, 0.9499564787512949],
    [0.001, 1, 0.9747728793699604, 0.02522712063003961],
    [10, 2, 0.006737946999085468, 0.9932620530009145],
    [25, 4, 5.0309817823062075e-5, 0.9999496901821769],
    [100, 30, 1.8568023365102314e-9, 0.9999999981431976],
    [600, 500, 0.001377471877528201, 0.9986225281224718],
    [2000, 500, 5.224452135049434e-178, 1],
    [1e-5, 10, 1, 2.604155815995466e-29],
  ];
  for (const [x, df, sf, cdf] of refs) {
    rel(chiSquareSf(x, df), sf, 1e-12, `chiSquareSf(${x}, ${df})`);
    rel(chiSquareCdf(x, df), cdf, 1e-12, `chiSquareCdf(${x}, ${df})`);
  }
  // chi2.ppf(p, df)
  const ppf: [number, number, number][] = [
    [0.95, 1, 3.841458820694124],
    [0.5, 3, 2.3659738843753377],
    [1e-12, 2, 2.000000000001e-12],
    [0.025, 100, 74.22192747492373],
    [0.999999, 500, 664.9577169757238],
    [0.3, 0.5, 0.010982604948550948],
  ];
  for (const [p, df, x] of ppf) rel(chiSquareQuantile(p, df), x, 1e-13, `chiSquareQuantile(${p}, ${df})`);
  // chi2.isf(q, df): the critical values, including one at 1e−300 that 1 − q could never express.
  const isf: [number, number, number][] = [
    [0.05, 1, 3.8414588206941285],
    [1e-300, 1, 1373.8726312223944],
    [1e-12, 10, 78.47164656283849],
    [0.05, 500, 553.1268089342569],
    [0.9, 4, 1.0636232167792237],
  ];
  for (const [q, df, x] of isf) rel(chiSquareIsf(q, df), x, 1e-13, `chiSquareIsf(${q}, ${df})`);
  assert.equal(chiSquareSf(0, 3), 1);
  assert.equal(chiSquareSf(-1, 3), 1);
  assert.equal(chiSquareCdf(Infinity, 3), 1);
  assert.equal(chiSquareQuantile(0, 3), 0);
  assert.equal(chiSquareQuantile(1, 3), Infinity);
  assert.equal(chiSquareIsf(0, 3), Infinity);
  assert.ok(Number.isNaN(chiSquareSf(1, 0)));
  assert.ok(Number.isNaN(chiSquareSf(NaN, 2)));
  assert.ok(Number.isNaN(chiSquareQuantile(1.2, 2)));
});

test('regularised incomplete beta matches scipy.special.betainc (same argument order)', () => {
  // [a, b, x, betainc(a, b, x)]
  const refs: [number, number, number, number][] = [
    [0.5, 0.5, 0.3, 0.3690101195655454],
    [2.5, 10, 0.2, 0.5569748153151205],
    [50, 1000, 0.05, 0.655490177008317],
    [1000, 50, 0.95, 0.34450982299169286],
    [5, 5, 0.5, 0.5000000000000001],
    [1, 1, 0.37, 0.37],
    [0.5, 2.5, 1e-6, 0.0016976518774873145],
    [10, 0.5, 0.999999, 0.996476069531708],
  ];
  for (const [a, b, x, v] of refs) rel(regularisedBeta(a, b, x), v, 1e-12, `I(${a}, ${b}, ${x})`);
  // I_½(a, a) = ½ exactly by symmetry; scipy 1.10 returns 0.4999999987545944 at a = 5e5.
  rel(regularisedBeta(5e5, 5e5, 0.5), 0.5, 1e-12, 'symmetric huge');
  assert.equal(regularisedBeta(2, 3, 0), 0);
  assert.equal(regularisedBeta(2, 3, 1), 1);
  assert.ok(Number.isNaN(regularisedBeta(2, 3, 1.5)));
  assert.ok(Number.isNaN(regularisedBeta(0, 3, 0.5)));
});

test('Student t tails and quantiles match scipy.stats.t', () => {
  // [t, df, t.sf(t, df)]
  const refs: [number, number, number][] = [
    [1.96, 1, 0.15017144588801654],
    [-1, 2, 0.7886751345948129],
    [2.5, 5, 0.027245049671188102],
    [0.1, 29, 0.4605162222436869],
    [10, 29, 3.29993128821675e-11],
    [3, 1000, 0.0013833545221190939],
    [100, 3, 1.1022609615924555e-6],
    [-4, 10, 0.9987408336876317],
  ];
  for (const [t, df, sf] of refs) {
    rel(studentTSf(t, df), sf, 1e-12, `studentTSf(${t}, ${df})`);
    const twoSided = t > 0 ? 2 * sf : 2 * (1 - sf);
    rel(studentTTwoSided(t, df), twoSided, 1e-12, `studentTTwoSided(${t}, ${df})`);
  }
  // A million degrees of freedom (a Spearman test on 10⁶ rows): mpmath 0.5·betainc(ν/2, ½, 0, ν/(ν + t²)) gives
  // 0.024998033792634898; scipy agrees to 3e−11, and so do we (the Lentz fraction near x = 1; see distributions.ts).
  rel(studentTSf(1.96, 1e6), 0.024998033792634898, 1e-10, 'studentTSf(1.96, 1e6)');
  assert.equal(studentTSf(0, 7), 0.5);
  assert.equal(studentTTwoSided(0, 7), 1);
  assert.equal(studentTSf(Infinity, 7), 0);
  assert.equal(studentTSf(-Infinity, 7), 1);
  assert.equal(studentTSf(3, Infinity), normalSf(3));
  rel(studentTSf(1e150, 1), 3.183098861837907e-151, 1e-14, 'far tail'); // Cauchy: atan(1/t)/π = 1/(πt) here
  assert.ok(Number.isNaN(studentTSf(1, 0)));
  assert.ok(Number.isNaN(studentTSf(NaN, 3)));

  // Quantiles: scipy's t.ppf (cephes stdtrit) is only good to ~1e−10 here — t.ppf(0.975, 1) = 12.706204736432095
  // against the exact Cauchy tan(0.475π) = 12.706204736174693 — so the references are mpmath roots of
  // 1 − ½·betainc(ν/2, ½, 0, ν/(ν + t²)) = p at 50 digits, each within 1e−10 of scipy's.
  const ppf: [number, number, number][] = [
    [0.975, 1, 12.706204736174693],
    [0.025, 2, -4.3026527297494637], // closed form (2p − 1)/√(2p(1 − p))
    [0.975, 9, 2.262157162798205],
    [1e-10, 5, -156.82559270889432],
    [0.7, 100, 0.5260762706003462],
  ];
  for (const [p, df, t] of ppf) rel(studentTQuantile(p, df), t, 1e-14, `studentTQuantile(${p}, ${df})`);
  // With 10⁶ df the tail itself is good to ~4e−11 (above), and so is the quantile.
  rel(studentTQuantile(0.999, 1e6), 3.0902404563165193, 1e-10, 'studentTQuantile(0.999, 1e6)');
  assert.equal(studentTQuantile(0.5, 4), 0);
  assert.equal(studentTQuantile(1, 4), Infinity);
  assert.equal(studentTQuantile(0.975, Infinity), normalQuantile(0.975));
});

test('F upper tail matches scipy.stats.f.sf', () => {
  // [f, d1, d2, f.sf(f, d1, d2)]
  const refs: [number, number, number, number][] = [
    [2, 3, 20, 0.1464388030866216],
    [0.5, 1, 10, 0.49564750438311966],
    [5, 10, 10, 0.008950061601381901],
    [50, 2, 5, 0.0004948251479274203],
    [1.2, 100, 1000, 0.09686527103807281],
    [0.01, 5, 2, 0.9999070947282043],
  ];
  for (const [f, d1, d2, sf] of refs) rel(fSf(f, d1, d2), sf, 1e-12, `fSf(${f}, ${d1}, ${d2})`);
  // F(1, ν) is t² with ν df.
  rel(fSf(2.5 * 2.5, 1, 5), studentTTwoSided(2.5, 5), 1e-13, 'F(1, ν) = t²');
  assert.equal(fSf(0, 2, 3), 1);
  assert.equal(fSf(Infinity, 2, 3), 0);
  rel(fSf(2, 3, Infinity), chiSquareSf(6, 3), 1e-15, 'd2 = ∞ is χ²/d1');
  assert.ok(Number.isNaN(fSf(1, -1, 3)));
});

test('Poisson pmf matches scipy.stats.poisson.pmf, and stays exact at a million', () => {
  const refs: [number, number, number][] = [
    [3, 2.5, 0.21376301724973648],
    [0, 10, 4.5399929762484854e-5],
    [100, 100.5, 0.03981136695234592],
    [0, 0, 1],
  ];
  for (const [k, mu, p] of refs) rel(poissonPmf(k, mu), p, 1e-13, `poissonPmf(${k}, ${mu})`);
  // mpmath e^(−μ)·μ^k/k! at 30 digits: scipy's exp(k ln μ − μ − lnΓ(k + 1)) is off by 4e−12 at 5000
  // (0.005641801804685046) and 7e−10 at a million; Loader's form is not.
  rel(poissonPmf(5000, 5000), 0.005641801804664022574, 1e-14, 'poissonPmf(5000, 5000)');
  rel(poissonPmf(1e6, 1e6), 0.0003989422471562440297, 1e-14, 'poissonPmf(1e6, 1e6)');
  assert.equal(poissonPmf(2.5, 3), 0);
  assert.equal(poissonPmf(-1, 3), 0);
  assert.equal(poissonPmf(3, 0), 0);
});

test('noncentral chi-square matches scipy.stats.ncx2 (Boost), to λ = 10⁴ and df = 500', () => {
  // [x, df, λ, ncx2.cdf(x, df, λ), ncx2.sf(x, df, λ)]
  const refs: [number, number, number, number, number][] = [
    [5, 1, 3, 0.692839123180932, 0.3071608768190681],
    [0.5, 1, 0.5, 0.42135039647485745, 0.5786496035251426],
    [30, 10, 20, 0.5374020277651607, 0.46259797223483945],
    [150, 20, 120, 0.6817761796190983, 0.3182238203809014],
    [9500, 500, 10000, 2.104755047452817e-7, 0.9999997895244992],
    [10500, 500, 10000, 0.5019542409673976, 0.4980457590326031],
    [11200, 500, 10000, 0.9996694540818293, 0.00033054591817290236],
    [20, 1, 1e-3, 0.9999921746696623, 7.825330337724386e-6],
    [1000, 100, 1000, 0.05874123849805289, 0.9412587615019476],
  ];
  for (const [x, df, lambda, cdf, sf] of refs) {
    rel(noncentralChiSquareCdf(x, df, lambda), cdf, 1e-12, `ncx2 cdf(${x}, ${df}, ${lambda})`);
    rel(noncentralChiSquareSf(x, df, lambda), sf, 1e-12, `ncx2 sf(${x}, ${df}, ${lambda})`);
  }
  // λ = 0 is the central distribution; λ → 0 tends to it.
  assert.equal(noncentralChiSquareSf(7, 3, 0), chiSquareSf(7, 3));
  rel(noncentralChiSquareSf(7, 3, 1e-12), chiSquareSf(7, 3), 1e-11, 'continuity at λ = 0');
  // Both tails are summed directly and add up to one.
  for (const [x, df, lambda] of [[3, 2, 50], [80, 2, 50], [52, 2, 50]]) {
    const total = noncentralChiSquareCdf(x, df, lambda) + noncentralChiSquareSf(x, df, lambda);
    assert.ok(Math.abs(total - 1) < 1e-14, `cdf + sf = ${total}`);
  }
  assert.equal(noncentralChiSquareCdf(0, 3, 5), 0);
  assert.equal(noncentralChiSquareSf(-1, 3, 5), 1);
  assert.equal(noncentralChiSquareCdf(Infinity, 3, 5), 1);
  assert.ok(Number.isNaN(noncentralChiSquareCdf(1, 3, -1)));
  assert.ok(Number.isNaN(noncentralChiSquareCdf(1, 0, 1)));
  assert.ok(Number.isNaN(noncentralChiSquareSf(NaN, 3, 1)));
});

test('brentRoot finds a bracketed root to machine precision and refuses a bracket without a sign change', () => {
  // The Dottie number, cos x = x.
  rel(brentRoot((x) => Math.cos(x) - x, 0, 1), 0.7390851332151607, 1e-15, 'cos x = x');
  assert.equal(brentRoot((x) => x - 2, 2, 5), 2);
  assert.ok(Number.isNaN(brentRoot((x) => x * x + 1, -1, 1)));
});

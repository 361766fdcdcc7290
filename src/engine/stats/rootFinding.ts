/**
 * Root finding, shared by the distribution quantiles (distributions.ts, betaFamily.ts) and the noncentrality
 * inversion (noncentrality.ts). Tested in test/unit/distributions.test.ts.
 */

/** Double precision's machine epsilon, 2^−52. */
export const EPS = 2.220446049250313e-16;

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
export function expandBracket(g: (x: number) => number, lo: number, hi: number, step: number): [number, number] | null {
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
export function polish(x: number, h: (x: number) => number, dh: (x: number) => number): number {
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

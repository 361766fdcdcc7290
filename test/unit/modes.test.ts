import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  VALLEY_RATIO_MAX,
  detectModes,
  linearBinning,
  medianAbsDeviation,
  silvermanBandwidth,
} from '../../src/engine/stats/modes';
import { normalCdf, normalQuantile } from '../../src/engine/stats/distributions';
import { createRng } from '../../src/engine/random';
import type { Rng } from '../../src/engine/random';

const column = (n: number, draw: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => draw(i));
const laplace = (rng: Rng, b: number): number => {
  const u = rng.next() - 0.5;
  return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
};

test('empty and constant columns', () => {
  assert.deepEqual(detectModes(Float64Array.from([NaN])), { peaks: [], separation: null, clustered: false, bandwidth: 0, rejected: [] });
  const c = detectModes(Float64Array.from([4, 4, 4]));
  assert.equal(c.clustered, false);
  assert.deepEqual(c.peaks, [{ location: 4, weight: 1, spread: 0, from: 4, to: 4 }]);
});

test("Silverman's robust bandwidth 0.9·min(sd, IQR/1.349)·n^(−1/5) on a hand-checked case", () => {
  // [1, 2, 3, 4, 10]: sd = 3.5355, IQR = 2 → 2/1.349 = 1.4826 is the smaller.
  assert.ok(Math.abs(silvermanBandwidth(Float64Array.from([1, 2, 3, 4, 10])) - 0.9 * (2 / 1.349) * Math.pow(5, -0.2)) < 1e-12);
});

test('two well-separated normals (D = 5): clustered, peaks at their centres with their weights', () => {
  const rng = createRng(1);
  const m = detectModes(column(20_000, () => (rng.next() < 0.3 ? 5 : 0) + rng.normal()));
  assert.equal(m.clustered, true);
  assert.equal(m.peaks.length, 2);
  const [a, b] = m.peaks;
  assert.ok(Math.abs(a.location) < 0.05 && Math.abs(b.location - 5) < 0.1, `${a.location} ${b.location}`);
  assert.ok(Math.abs(a.weight - 0.7) < 0.02 && Math.abs(b.weight - 0.3) < 0.02);
  assert.ok(Math.abs(a.spread - 1) < 0.1, `MAD-based spread ${a.spread}`);
  assert.ok(m.separation !== null && m.separation > 4.5 && m.separation < 5.5, `D = ${m.separation}`);
  // The partition covers every value once, in order.
  assert.ok(a.to < b.from);
  assert.ok(Math.abs(a.weight + b.weight - 1) < 1e-12);
});

test('three peaks at 0, 1, 2 with normal noise', () => {
  const rng = createRng(2);
  const m = detectModes(column(9000, () => rng.int(3) + 0.1 * rng.normal()));
  assert.equal(m.clustered, true);
  assert.deepEqual(m.peaks.map((p) => Math.round(p.location * 10) / 10 + 0), [0, 1, 2]);
  assert.ok(m.separation !== null && m.separation > 8);
});

test('Kryptonite-like features (uniform, normal and Laplace noise around 0 and 1) are clustered', () => {
  const rng = createRng(3);
  const noise: Record<string, () => number> = {
    burst: () => 0.05 * (rng.next() - 0.5),
    gaussian: () => 0.1 * rng.normal(),
    spread: () => laplace(rng, 0.05),
  };
  for (const [name, draw] of Object.entries(noise)) {
    for (const n of [1000, 9000]) {
      const m = detectModes(column(n, () => rng.int(2) + draw()));
      assert.equal(m.clustered, true, `${name} n=${n}`);
      assert.equal(m.peaks.length, 2, `${name} n=${n}`);
      assert.ok(Math.abs(m.peaks[0].location) < 0.02 && Math.abs(m.peaks[1].location - 1) < 0.02, name);
    }
  }
});

test('unimodal and merely bimodal-looking columns are not clustered', () => {
  for (const seed of [1, 2, 3, 4]) {
    const rng = createRng(seed);
    for (const n of [300, 5000, 50_000]) {
      const cases: Record<string, (i: number) => number> = {
        uniform: () => rng.next(),
        normal: () => rng.normal(),
        lognormal: () => Math.exp(rng.normal()),
        exponential: () => -Math.log(1 - rng.next()),
        // D = 1.8 < 2: Ashman's criterion says the two components are not cleanly separated.
        'two normals, D = 1.8': () => (rng.next() < 0.5 ? 0 : 1.8) + rng.normal(),
        // D = 3: bimodal, but the valley is 2/3 of the peaks.
        'two normals, D = 3': () => (rng.next() < 0.5 ? 0 : 3) + rng.normal(),
        // The arcsine distribution of a sampled sine piles up at ±1 but fills the whole valley.
        'sine + noise': (i) => Math.sin(0.05 * i) + 0.1 * rng.normal(),
        'student t3': () => rng.normal() / Math.sqrt((rng.normal() ** 2 + rng.normal() ** 2 + rng.normal() ** 2) / 3),
      };
      for (const [name, draw] of Object.entries(cases)) {
        const m = detectModes(column(n, draw));
        assert.equal(m.clustered, false, `${name}, n = ${n}, seed ${seed}: ${JSON.stringify(m.peaks)}`);
        assert.equal(m.peaks.length, 1);
        assert.equal(m.separation, null);
      }
    }
  }
});

test('rejected splits say which separation test failed', () => {
  const rng = createRng(5);
  const sine = detectModes(column(20_000, (i) => Math.sin(0.05 * i) + 0.05 * rng.normal()));
  assert.equal(sine.clustered, false);
  assert.equal(sine.rejected?.length, 1);
  const r = sine.rejected?.[0];
  assert.equal(r?.reason, 'valley');
  // Ashman's D alone would have called it clean: the halves of an arcsine have D ≈ 4.1.
  assert.ok(r !== undefined && r.ashmanD > 3.5 && r.valleyRatio > VALLEY_RATIO_MAX && r.strength < 1);
});

test('a far-away handful of outliers is not a peak (share below 1 %)', () => {
  const rng = createRng(6);
  // 60 near-identical values far out: a significant bump, but only 0.3 % of the column.
  const m = detectModes(column(20_000, (i) => (i < 60 ? 50 + 0.01 * rng.normal() : rng.normal())));
  assert.equal(m.clustered, false);
  assert.equal(m.rejected?.[0]?.reason, 'share');
  assert.equal(m.peaks.length, 1);
  assert.ok(m.peaks[0].from < -3 && m.peaks[0].to > 49.9);
});

test('the valley threshold is the dip of two equal normals 4 sd apart', () => {
  const phi = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  assert.ok(Math.abs(VALLEY_RATIO_MAX - (2 * phi(2)) / (phi(0) + phi(4))) < 1e-15);
  assert.ok(VALLEY_RATIO_MAX > 0.27 && VALLEY_RATIO_MAX < 0.271);
});

test('medianAbsDeviation (the k-th of two sorted runs of deviations) equals the brute-force MAD', () => {
  const rng = createRng(7);
  for (const n of [1, 2, 3, 4, 5, 10, 11, 500, 501, 4000]) {
    // Heavy ties (halves), continuous values, and all on one side of the centre.
    for (const draw of [() => Math.round(rng.normal() * 5) / 2, () => rng.normal() * 3, () => 10 + rng.next()]) {
      const xs = Array.from({ length: n }, draw).sort((a, b) => a - b);
      const mid = n % 2 ? xs[(n - 1) / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
      // The median itself, and centres off it (a cluster's location need not be its median).
      for (const med of [mid, mid + 0.7, xs[0] - 1, xs[n - 1] + 2]) {
        const dev = xs.map((x) => (x < med ? med - x : x - med)).sort((a, b) => a - b);
        const mad = n % 2 ? dev[(n - 1) / 2] : (dev[n / 2 - 1] + dev[n / 2]) / 2;
        assert.equal(medianAbsDeviation(Float64Array.from(xs), 0, n, med), mad, `n=${n}, centre ${med}`);
        assert.equal(medianAbsDeviation(Float32Array.from(xs), 0, n, med), (() => {
          const f = Array.from(Float32Array.from(xs));
          const d = f.map((x) => (x < med ? med - x : x - med)).sort((a, b) => a - b);
          return n % 2 ? d[(n - 1) / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
        })(), `float32, n=${n}`);
      }
    }
  }
  // Within a window of a longer array.
  assert.equal(medianAbsDeviation(Float64Array.from([-9, 1, 2, 4, 8, 99]), 1, 5, 3), 1.5);
});

test('normal CDF and quantile agree with tabulated values', () => {
  assert.ok(Math.abs(normalCdf(1.959963984540054) - 0.975) < 2e-7);
  assert.ok(Math.abs(normalCdf(-1) - 0.15865525393145707) < 2e-7);
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 2e-7);
  assert.ok(normalCdf(9) === 1 && normalCdf(-40) >= 0);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306167813) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.9999) - 3.719016485455709) < 1e-7);
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
});

test('a bad bandwidth is rejected; values near the float64 limit still give one peak instead of a broken grid', () => {
  assert.throws(() => detectModes(Float64Array.from([1, 2, 3]), { bandwidth: 0 }), RangeError);
  const huge = detectModes(Float64Array.from([1e308, -1e308, 1.5e308, -1.7e308, 0]));
  assert.equal(huge.clustered, false);
  assert.equal(huge.peaks.length, 1);
  assert.equal(huge.peaks[0].location, 0);
});

/** Linear binning as written first: each value's two shares added straight into the array. */
function binningIntoArray(values: ArrayLike<number>, lo: number, dx: number, size: number): Float64Array {
  const mass = new Float64Array(size);
  for (let i = 0; i < values.length; i++) {
    const pos = (values[i] - lo) / dx;
    const g = Math.min(size - 2, Math.floor(pos));
    const frac = pos - g;
    mass[g] += 1 - frac;
    mass[g + 1] += frac;
  }
  return mass;
}

test('linear binning with the cell\'s masses in locals gives the array version\'s sums bit for bit', () => {
  const rng = createRng(17);
  const cases: [string, Float32Array, number][] = [];
  const two = Float32Array.from({ length: 200_000 }, () => (rng.next() < 0.5 ? 0 : 1) + 0.05 * rng.normal());
  cases.push(['two peaks, ascending, a coarse grid', two.slice().sort(), 256]);
  cases.push(['normal, ascending, a fine grid (cells of a few values)', Float32Array.from({ length: 50_000 }, () => rng.normal()).sort(), 4096]);
  cases.push(['ties: integers, ascending', Float32Array.from({ length: 30_000 }, () => Math.floor(rng.next() * 7)).sort(), 300]);
  cases.push(['not sorted (a cell comes back)', two.slice(0, 20_000), 500]);
  cases.push(['one value', Float32Array.of(3.25), 256]);
  for (const [what, values, size] of cases) {
    const min = values.reduce((a, b) => Math.min(a, b));
    const max = values.reduce((a, b) => Math.max(a, b));
    const lo = min - 0.1;
    const dx = (max + 0.1 - lo) / (size - 1);
    // Also a grid that stops short of the largest values: their cells are clamped to the last one.
    for (const [grid, top] of [['whole', dx], ['short', dx * 0.9]] as const) {
      const want = binningIntoArray(values, lo, top, size);
      const got = linearBinning(values, lo, top, size);
      for (let g = 0; g < size; g++) if (!Object.is(got[g], want[g])) assert.fail(`${what}, ${grid} grid: point ${g}: ${got[g]} vs ${want[g]}`);
    }
  }
  assert.deepEqual([...linearBinning(new Float32Array(0), 0, 1, 4)], [0, 0, 0, 0], 'no values, no mass');
});

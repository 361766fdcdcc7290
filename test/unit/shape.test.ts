import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { classifyShape, describeFeature } from '../../src/engine/stats/shape';
import { summarise } from '../../src/engine/stats/summary';
import { detectModes } from '../../src/engine/stats/modes';
import { createRng } from '../../src/engine/random';
import type { Rng } from '../../src/engine/random';
import { generateKryptonite } from '../../src/engine/synth/kryptonite';
import type { ShapeClass } from '../../src/engine/stats/types';

const DATA = '/work/shared/data';

/** Minimal reader for the published files: little-endian float32, C order, 2-D (the real readers live in io/). */
function readNpyColumns(path: string): Float32Array[] {
  const buf = readFileSync(path);
  assert.equal(buf.toString('latin1', 1, 6), 'NUMPY');
  const major = buf[6];
  const headerLength = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = buf.toString('latin1', start - headerLength, start);
  assert.match(header, /'descr': '<f4'/);
  assert.match(header, /'fortran_order': False/);
  const shape = /'shape': \((\d+), (\d+)\)/.exec(header);
  assert.ok(shape);
  const rows = Number(shape[1]);
  const cols = Number(shape[2]);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + start + 4 * rows * cols));
  return Array.from({ length: cols }, (_, j) => Float32Array.from({ length: rows }, (_, i) => data[i * cols + j]));
}

const shapesOf = (columns: readonly Float32Array[]): ShapeClass[] => columns.map((c) => describeFeature(c).shape.shape);
const laplace = (rng: Rng, b: number): number => {
  const u = rng.next() - 0.5;
  return -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
};
const column = (n: number, draw: (i: number) => number): Float32Array => Float32Array.from({ length: n }, (_, i) => draw(i));

for (const n of [9, 12, 15, 18, 24, 30, 45]) {
  test(`generated Kryptonite-${n} (${1000 * n} rows): every feature's shape equals the truth`, () => {
    const d = generateKryptonite({ n, seed: 100 + n });
    const described = d.columns.map((c) => describeFeature(c));
    assert.deepEqual(
      described.map((x) => x.shape.shape),
      d.truth.shapes,
    );
    for (const x of described) {
      assert.ok(x.shape.confidence > 0.99, `confidence ${x.shape.confidence}`);
      assert.equal(x.modes.peaks.length, 2);
    }
  });
}

test('generated Kryptonite with a lopsided p1 = 0.15 and with missing cells still classifies correctly', () => {
  const d = generateKryptonite({ n: 9, seed: 8, p1: 0.15 });
  const withNaN = d.columns.map((c) => c.map((v, i) => (i % 97 === 0 ? NaN : v)));
  assert.deepEqual(shapesOf(withNaN), d.truth.shapes);
  assert.equal(describeFeature(withNaN[0]).summary.missing, Math.ceil(9000 / 97));
});

const REAL: Record<number, Record<'burst' | 'gaussian' | 'spread', number[]>> = {
  9: { burst: [0, 2, 7], gaussian: [4, 5, 6], spread: [1, 3, 8] },
  12: { burst: [3, 6, 8, 10], gaussian: [0, 1, 4, 9], spread: [2, 5, 7, 11] },
};
for (const n of [9, 12]) {
  const path = `${DATA}/kryptonite-${n}-X.npy`;
  test(`the published Kryptonite-${n} matches its ground truth feature by feature`, { skip: existsSync(path) ? false : `${path} not present` }, () => {
    const columns = readNpyColumns(path);
    assert.equal(columns.length, n);
    const truth = new Array<string>(n);
    for (const [shape, features] of Object.entries(REAL[n])) for (const f of features) truth[f] = shape;
    const described = columns.map((c) => describeFeature(c));
    assert.deepEqual(
      described.map((x) => x.shape.shape),
      truth,
    );
    // The residual statistics the brief measured: kurtosis −1.2 / 0 / ≈3, width 0.0144 / 0.1 / 0.07.
    described.forEach((x, f) => {
      const e = x.shape.evidence;
      const expected = { burst: [-1.2, 0.0144], gaussian: [0, 0.1], spread: [3, 0.0707] }[truth[f] as 'burst'];
      assert.ok(Math.abs((e.residualKurtosis ?? NaN) - expected[0]) < 0.35, `f${f} kurtosis ${e.residualKurtosis}`);
      assert.ok(Math.abs((e.residualWidth ?? NaN) / expected[1] - 1) < 0.05, `f${f} width ${e.residualWidth}`);
      assert.match(e.reasons[0], /^2 peaks at 0\.00 and 1\.00 /);
    });
  });
}

test('the evidence: log-likelihoods, Vuong z, runner-up and readable reasons', () => {
  const d = generateKryptonite({ n: 9, seed: 21 });
  const f = d.truth.shapes.indexOf('burst');
  const r = describeFeature(d.columns[f]).shape;
  assert.equal(r.shape, 'burst');
  const ll = r.evidence.logLikelihood;
  assert.ok(ll && ll.uniform > ll.normal && ll.normal > ll.laplace);
  // Uniform on ±0.025: −log(0.05) = 2.996 nats per value.
  assert.ok(Math.abs(ll.uniform + Math.log(0.05)) < 0.01, `${ll.uniform}`);
  assert.equal(r.evidence.runnerUp, 'gaussian');
  assert.ok((r.evidence.vuongZ ?? 0) > 10);
  assert.match(r.evidence.reasons[0], /^2 peaks at 0\.00 and 1\.00 holding \d+ % and \d+ % of the values \(Ashman's D = \d+\.\d\)$/);
  assert.match(r.evidence.reasons[1], /flat and bounded: uniform fits best \(0\.1\d\d nats\/value better than normal\); kurtosis −1\.2\d/);
});

test('three peaks (0, 1, 2) with normal noise are gaussian; with Laplace noise spread', () => {
  const rng = createRng(31);
  const normal = describeFeature(column(9000, () => rng.int(3) + 0.1 * rng.normal()));
  assert.equal(normal.shape.shape, 'gaussian');
  assert.match(normal.shape.evidence.reasons[0], /^3 peaks at 0\.00, 1\.00 and 2\.00 /);
  assert.equal(describeFeature(column(9000, () => rng.int(3) + laplace(rng, 0.05))).shape.shape, 'spread');
});

test('the classification does not depend on location or scale', () => {
  const rng = createRng(32);
  const burst = column(9000, () => 7 + 1000 * (rng.int(2) + 0.05 * (rng.next() - 0.5)));
  assert.equal(describeFeature(burst).shape.shape, 'burst');
  const gaussian = column(9000, () => -3 + 0.001 * (rng.int(2) + 0.1 * rng.normal()));
  assert.equal(describeFeature(gaussian).shape.shape, 'gaussian');
});

test('continuous data is never burst, gaussian or spread', () => {
  for (const seed of [1, 2, 3]) {
    const rng = createRng(seed);
    const cases: Record<string, (i: number) => number> = {
      normal: () => rng.normal(),
      uniform: () => rng.next(),
      lognormal: () => Math.exp(rng.normal()),
      'two overlapping normals (D = 1.8)': () => (rng.next() < 0.5 ? 0 : 1.8) + rng.normal(),
      'sine + noise': (i) => Math.sin(0.05 * i) + 0.1 * rng.normal(),
      'sine, barely noisy': (i) => 3 * Math.sin(0.013 * i) + 0.01 * rng.normal(),
    };
    for (const [name, draw] of Object.entries(cases)) {
      for (const n of [500, 20_000]) {
        const r = describeFeature(column(n, draw)).shape;
        assert.equal(r.shape, 'continuous', `${name}, n = ${n}, seed ${seed}: ${r.evidence.reasons.join('; ')}`);
        assert.ok(r.confidence >= 0.5 && r.confidence <= 1, `${name}: confidence ${r.confidence}`);
        assert.ok(r.evidence.reasons.length >= 2);
      }
    }
  }
});

test('continuous reasons describe skew and tails; a rejected split is explained', () => {
  const rng = createRng(4);
  const lognormal = describeFeature(column(5000, () => Math.exp(rng.normal()))).shape;
  assert.ok(lognormal.evidence.reasons.some((r) => /strongly right-skewed/.test(r)));
  assert.ok(lognormal.evidence.reasons.some((r) => /heavy tails/.test(r)));
  const sine = describeFeature(column(20_000, (i) => Math.sin(0.05 * i) + 0.05 * rng.normal())).shape;
  assert.match(sine.evidence.reasons[0], /^2 density peaks, split at .*, but not cleanly separated: the valley between them is \d+ % of the lower peak/);
});

test('a zero-inflated column (half exact zeros) is not called spread', () => {
  const rng = createRng(5);
  const r = describeFeature(column(10_000, () => (rng.next() < 0.5 ? 0 : 5 + rng.normal()))).shape;
  assert.equal(r.shape, 'continuous');
  assert.match(r.evidence.reasons[0], /single value/);
});

test('discrete columns: binary, categorical (3–10 integer values), constant, empty', () => {
  const rng = createRng(6);
  const binary = describeFeature(column(1000, () => rng.int(2)));
  assert.equal(binary.shape.shape, 'binary');
  assert.deepEqual(binary.values?.values, [0, 1]);
  assert.equal(describeFeature(column(1000, () => (rng.next() < 0.3 ? -1.5 : 2.25))).shape.shape, 'binary');
  for (let k = 3; k <= 10; k++) {
    const d = describeFeature(column(2000, () => rng.int(k) * 2 - 3));
    assert.equal(d.shape.shape, 'categorical', `k = ${k}`);
    assert.equal(d.values?.values.length, k);
    assert.equal(d.shape.confidence, 1);
  }
  // 40 integer values are a quantity, not categories.
  assert.equal(describeFeature(column(5000, () => rng.int(40))).shape.shape, 'continuous');
  const constant = describeFeature(column(50, () => 3.5));
  assert.equal(constant.shape.shape, 'constant');
  assert.match(constant.shape.evidence.reasons[0], /one value \(3\.5\) in all 50 rows/);
  const empty = describeFeature(column(5, () => NaN));
  assert.equal(empty.shape.shape, 'empty');
  assert.equal(empty.summary.missing, 5);
  assert.deepEqual(empty.histogram.counts, []);
});

test('classifyShape takes summary and modes computed separately, as the report may', () => {
  const d = generateKryptonite({ n: 6, seed: 2, rows: 6000 });
  d.columns.forEach((c, f) => {
    assert.equal(classifyShape(c, summarise(c), detectModes(c)).shape, d.truth.shapes[f]);
  });
});

test('a sorted column is classified by index ranges with the numbers of the value-by-value passes (three peaks, empty ends, infinities)', () => {
  const rng = createRng(41);
  const d = generateKryptonite({ n: 9, seed: 4, rows: 5000 });
  const columns: Float32Array[] = [
    ...d.columns,
    column(6000, () => rng.int(3) * 2 + 0.2 * rng.normal()),
    Float32Array.from({ length: 4000 }, (_, i) => (i === 0 ? -Infinity : i === 1 ? Infinity : (i % 2) + 0.05 * rng.normal())),
  ];
  let clustered = 0;
  for (const c of columns) {
    const sorted = Float32Array.from(c).sort();
    const summary = summarise(c);
    const modes = detectModes(c);
    if (modes.clustered && modes.peaks.length >= 2) clustered++;
    assert.deepEqual(classifyShape(sorted, summary, modes, true), classifyShape(sorted, summary, modes, false));
  }
  assert.ok(clustered >= 8, `most columns take the clustered path (${clustered})`);
});

test('a 1,000,000-value two-peak column with normal noise is gaussian (timing lives in npm run bench)', () => {
  const rng = createRng(99);
  const big = column(1_000_000, () => rng.int(2) + 0.1 * rng.normal());
  const r = describeFeature(big);
  assert.equal(r.shape.shape, 'gaussian');
  assert.equal(r.modes.peaks.length, 2);
});

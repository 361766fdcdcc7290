import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { homogeneity } from '../../src/engine/compare/features';
import { aucDeLong } from '../../src/engine/stats/auc';
import { generateKryptonite, kryptoniteCsvChunks } from '../../src/engine/synth/kryptonite';
import type { KryptoniteShape } from '../../src/engine/synth/kryptonite';
import { compareFiles } from '../../src/engine/tasks/compareFiles';
import { main } from '../../src/cli/main';

/*
 * Reference numbers from Debian's /usr/bin/python3 (scipy 1.10.1, scikit-learn 1.2):
 *   s = [0.1,0.4,0.35,0.8,0.4,0.9,0.2,0.55,0.4,0.7]; y = [0,0,1,1,1,1,0,0,0,1]
 *   sklearn.metrics.roc_auc_score(y, s) = 0.8; DeLong's se from the O(n₁n₀) definition of the components
 *   (v10 = mean ψ(x, negatives), v01 = mean ψ(positives, y), ψ = 1, ½, 0; var(ddof=1)) = 0.15165750888103102
 *   scipy.stats.chi2_contingency([[30,50,20],[45,40,15]], correction=False) → 4.825396825396825, p 0.08957326253887996
 *   the same on [[10,5],[3,9]] (an empty column dropped) → 4.63598901098901, p 0.031308094303608536
 */
const dir = mkdtempSync(join(tmpdir(), 'kryptonite-compare-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeKryptonite(name: string, rowSeed: number, noiseOverride?: Record<number, KryptoniteShape>): string {
  const file = join(dir, name);
  writeFileSync(file, [...kryptoniteCsvChunks(generateKryptonite({ n: 9, rows: 4000, seed: 5, rowSeed, noiseOverride }))].join(''));
  return file;
}

test('AUC and its DeLong standard error equal scikit-learn and the definition', () => {
  const r = aucDeLong([0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.55, 0.4, 0.7], [0, 0, 1, 1, 1, 1, 0, 0, 0, 1].map((v) => v === 1));
  assert.ok(Math.abs(r.auc - 0.8) < 1e-12, `auc ${r.auc}`);
  assert.ok(Math.abs(r.se - 0.15165750888103102) < 1e-12, `se ${r.se}`);
  assert.ok(r.ci95[0] < 0.8 && r.ci95[1] === 1, `interval ${r.ci95}`);
  // Perfect separation: AUC 1, no sampling variation left, p = 0; every score tied: 0.5.
  const perfect = aucDeLong([1, 2, 3, 4], [false, false, true, true]);
  assert.equal(perfect.auc, 1);
  assert.equal(perfect.pGreater, 0);
  assert.equal(aucDeLong([1, 1, 1, 1], [false, true, false, true]).auc, 0.5);
  assert.ok(Number.isNaN(aucDeLong([1, 2], [true, true]).auc), 'one group only: no AUC');
  assert.throws(() => aucDeLong([NaN, 1], [true, false]), /NaN/);
});

test('the χ² homogeneity test equals scipy.stats.chi2_contingency, empty columns dropped', () => {
  const r = homogeneity([30, 50, 20], [45, 40, 15]);
  assert.ok(Math.abs(r.statistic - 4.825396825396825) < 1e-10);
  assert.ok(Math.abs(r.p - 0.08957326253887996) < 1e-10);
  const dropped = homogeneity([10, 0, 5], [3, 0, 9]);
  assert.ok(Math.abs(dropped.statistic - 4.63598901098901) < 1e-10);
  assert.ok(Math.abs(dropped.p - 0.031308094303608536) < 1e-10);
  assert.equal(homogeneity([7], [9]).p, 1, 'a constant on both sides cannot differ');
  assert.ok(Number.isNaN(homogeneity([0, 0], [1, 2]).p), 'an empty side: no test');
});

test('two samples of the same generated distribution: nothing flagged, AUC ≈ 0.5 within its interval', async () => {
  const report = await compareFiles(writeKryptonite('a.csv', 11), writeKryptonite('b.csv', 12), { seed: 3 });
  assert.equal(report.features.length, 9);
  assert.deepEqual(report.features.filter((f) => f.flagged).map((f) => f.name), []);
  const c = report.classifierTest!;
  assert.ok(c.ci95[0] <= 0.5 && 0.5 <= c.ci95[1], `AUC ${c.auc} [${c.ci95}]`);
  assert.equal(c.differs, false);
  assert.equal(report.sameDistribution, true);
  assert.equal(report.label?.flagged, false, 'the label y is compared too and does not drift');
  assert.equal(report.errorControl.m, 9);
});

test('one feature whose noise family changed: exactly that feature is flagged, and the classifier notices', async () => {
  // x? with gaussian noise in A becomes uniform ("burst") in B: same peaks, nearly the same mean, another shape.
  const base = generateKryptonite({ n: 9, rows: 10, seed: 5 });
  const gaussian = base.truth.shapes.indexOf('gaussian');
  const report = await compareFiles(writeKryptonite('a2.csv', 21), writeKryptonite('c.csv', 22, { [gaussian]: 'spread' }), { seed: 3 });
  assert.deepEqual(report.features.filter((f) => f.flagged).map((f) => f.name), [base.names[gaussian]]);
  const changed = report.features.find((f) => f.flagged)!;
  assert.equal(changed.test, 'ks');
  assert.ok(Math.abs(changed.meanShift!) < 0.1, `the mean barely moves (${changed.meanShift}); the shape does`);
  assert.equal(report.classifierTest!.differs, true);
  assert.equal(report.sameDistribution, false);
});

test('categorical levels match by name, booleans by truth; a type change and one-sided columns are reported', async () => {
  const a = join(dir, 'cat-a.csv');
  const b = join(dir, 'cat-b.csv');
  const rows = (n: number, pick: (i: number) => string): string => Array.from({ length: n }, (_, i) => pick(i)).join('\n');
  // A: colour red/green/blue in equal thirds; B: the same shares, levels first seen in another order. shift: 70/30 → 30/70.
  writeFileSync(a, 'colour,flag,shift,level,onlyA\n' + rows(600, (i) => `${['red', 'green', 'blue'][i % 3]},${i % 2 ? 'yes' : 'no'},${i % 10 < 7 ? 'p' : 'q'},${(i * 1.37).toFixed(2)},${i}`) + '\n');
  writeFileSync(b, 'colour,flag,shift,level,onlyB\n' + rows(600, (i) => `${['blue', 'red', 'green'][i % 3]},${i % 2 ? 'TRUE' : 'FALSE'},${i % 10 < 3 ? 'p' : 'q'},${i % 2 ? 'low' : 'high'},${i}`) + '\n');
  const report = await compareFiles(a, b, { seed: 1, classifier: false, columnTypes: { onlyA: 'numeric', onlyB: 'numeric' } });
  const byName = new Map(report.features.map((f) => [f.name, f]));
  assert.equal(byName.get('colour')?.flagged, false, 'the same shares under another level order');
  assert.ok(byName.get('colour')!.p > 0.99);
  assert.equal(byName.get('flag')?.flagged, false, 'yes/no and TRUE/FALSE are the same booleans');
  assert.equal(byName.get('shift')?.flagged, true);
  assert.deepEqual(report.typeChanged, [{ name: 'level', a: 'numeric', b: 'categorical' }]);
  assert.equal(report.sameDistribution, false, 'a column that changed type is a change');
  assert.deepEqual(report.onlyInA, ['onlyA']);
  assert.deepEqual(report.onlyInB, ['onlyB']);
  assert.equal(report.classifierTest, null);
  assert.match(report.classifierTestSkipped ?? '', /not asked for/);
});

test('kryptonite compare --json writes compare.features[].flagged and compare.classifierTest {auc, ci95}', async () => {
  const out = join(dir, 'compare.json');
  const a = writeKryptonite('cli-a.csv', 31);
  const b = writeKryptonite('cli-b.csv', 32);
  const code = await main(['compare', a, b, '--json', out, '--quiet']);
  assert.equal(code, 0);
  const { compare } = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(out, 'utf8')));
  assert.equal(compare.features.length, 9);
  for (const f of compare.features) {
    assert.equal(typeof f.name, 'string');
    assert.equal(typeof f.flagged, 'boolean');
  }
  assert.equal(typeof compare.classifierTest.auc, 'number');
  assert.equal(compare.classifierTest.ci95.length, 2);
  assert.equal(await main(['compare', a]), 2, 'one path is a usage error');
});

test('a compared feature as table cells, the same in the terminal and the panel', async () => {
  const { featureCells, pValueText, FEATURE_CELL_TITLES } = await import('../../src/engine/compare/cells');
  const side = { count: 100, missing: 0, mean: 0, sd: 1 };
  const f = {
    name: 'x4', type: 'numeric', a: { ...side, shape: 'spread' }, b: { ...side, shape: 'gaussian' }, test: 'ks', statistic: 0.0658, pDistribution: 9.1e-12, pMissing: null,
    p: 9.1e-12, ks: 0.0658, psi: 0.2412, meanShift: -0.0123, sdRatio: 1.013, pmf: [], pmfNote: '', caveat: null, q: 8.2e-11, flagged: true, verdict: '',
  } as const;
  const cells = featureCells(f as never);
  assert.equal(cells.length, FEATURE_CELL_TITLES.length);
  assert.deepEqual(cells, ['KS', '0.0658', '9.1e-12', '8.2e-11', '0.241', '-0.01 sd', '1.01', 'spread → gaussian']);
  assert.equal(pValueText(NaN), 'n/a');
  assert.equal(pValueText(null), 'n/a', 'NaN arrives as null after JSON');
  assert.equal(pValueText(0.0456), '0.046');
});

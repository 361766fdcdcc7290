import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { analyseFile } from '../../src/engine/tasks/analyseFile';
import { chartCaptions } from '../../src/engine/charts/captions';
import { categoriesSpec, LEVEL_KINDS } from '../../src/engine/charts/categories';
import { baselinesSpec, relevanceSpec, RELEVANCE_DOMAIN, shortModelName } from '../../src/engine/charts/learnability';
import { buildCharts, correlationSpec, histogramSpec, hypothesesSpec, pcaSpec, SHAPE_CLASSES, SHAPE_COLOURS, termsSpec } from '../../src/engine/charts/specs';
import type { Report } from '../../src/engine/report';
import { vegaWarnings } from './support/vegaView.mjs';

// test/fixtures/workspace/data/small.csv: `kryptonite generate --features 6 --rows 600 --seed 11` —
// relevant x1 x2 x3 x5, irrelevant (burst) x4 x6.
const FIXTURE = 'test/fixtures/workspace/data/small.csv';
let cached: Report | null = null;
async function report(): Promise<Report> {
  cached ??= await analyseFile(FIXTURE, { seed: 42 });
  return cached;
}

// vega-lite's node build reaches vega-canvas, which uses top-level await, so it must come through the real ESM
// loader: this test file is an ES module (.mts) for that reason, and a dynamic import() here is a true import.
const esmImport = (m: string): Promise<typeof import('vega-lite')> => import(m);

/** Compiles to Vega (as the webview does) and checks the compiled spec holds no non-finite number. */
async function assertRenderable(spec: TopLevelSpec): Promise<void> {
  const { compile } = await esmImport('vega-lite');
  const vg = compile(spec).spec;
  assert.ok(Array.isArray(vg.marks) && vg.marks.length > 0, 'the compiled spec draws something');
  JSON.stringify(vg, (_k, v: unknown) => {
    assert.ok(typeof v !== 'number' || Number.isFinite(v), 'no NaN/Infinity in the compiled spec');
    return v;
  });
}

test('every chart of a full report is valid Vega-Lite and parses without eval', async () => {
  const charts = buildCharts(await report());
  assert.deepEqual(Object.keys(charts).sort(), ['baselines', 'correlation', 'histograms', 'hypotheses', 'pca', 'relevance', 'terms']);
  for (const spec of Object.values(charts)) await assertRenderable(spec as TopLevelSpec);
});

test('no chart of a report warns: each compiles and runs in Vega without a Vega-Lite or Vega warning', async () => {
  const reports = [await report(), await analyseFile('test/fixtures/workspace/data/pets.csv', { label: 'species' })];
  for (const r of reports) {
    for (const [id, spec] of Object.entries(buildCharts(r))) assert.deepEqual(await vegaWarnings(spec as TopLevelSpec), [], `${r.dataset.path} ${id}`);
  }
});

test('histograms: one PMF per feature coloured by a fixed shape palette; the PMF of each feature sums to 1', async () => {
  const r = await report();
  const spec = histogramSpec(r) as unknown as { data: { values: { feature: string; shape: string; pmf: number }[] }; spec: { encoding: { color: { scale: { domain: string[]; range: string[] } } } } };
  const byFeature = new Map<string, number>();
  for (const v of spec.data.values) byFeature.set(v.feature, (byFeature.get(v.feature) ?? 0) + v.pmf);
  assert.deepEqual([...byFeature.keys()], ['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
  for (const [, total] of byFeature) assert.ok(Math.abs(total - 1) < 1e-9);
  assert.equal(spec.data.values.find((v) => v.feature === 'x4')?.shape, 'burst');
  assert.deepEqual(spec.spec.encoding.color.scale.domain, [...SHAPE_CLASSES]);
  assert.equal(SHAPE_CLASSES.length, SHAPE_COLOURS.length);
});

test('correlation includes the label as the last row and column, on a fixed [-1, 1] scale', async () => {
  const spec = correlationSpec(await report()) as unknown as { data: { values: { a: string; b: string; r: number }[] }; layer: { encoding: { color?: { scale?: { domain: number[] } } } }[] };
  const names = [...new Set(spec.data.values.map((v) => v.a))];
  assert.deepEqual(names, ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'y']);
  assert.equal(spec.data.values.length, 49);
  assert.equal(spec.data.values.find((v) => v.a === 'y' && v.b === 'y')?.r, 1);
  assert.deepEqual(spec.layer[0].encoding.color?.scale?.domain, [-1, 1]);
});

test('PCA is coloured by the class value; terms and relevance name the features', async () => {
  const r = await report();
  const pca = pcaSpec(r) as unknown as { data: { values: { label: string }[] } };
  assert.deepEqual([...new Set(pca.data.values.map((v) => v.label))].sort(), ['0', '1']);
  const terms = termsSpec(r) as unknown as { data: { values: { term: string; degree: number }[] } };
  assert.equal(terms.data.values[0].term, 'x1·x2·x3·x5');
  assert.equal(terms.data.values[0].degree, 4);
  const rel = relevanceSpec(r) as unknown as { data: { values: { feature: string; relevance: string; evidence: number; interaction: string }[] } };
  assert.deepEqual(rel.data.values.filter((v) => v.relevance === 'irrelevant').map((v) => v.feature), ['x4', 'x6']);
  // A parity feature has no marginal or pairwise signal: its evidence is the interaction model's drop-one test, so
  // the relevant features stand far past the threshold instead of at 0 beside the irrelevant ones.
  for (const v of rel.data.values) {
    if (v.relevance === 'relevant') {
      assert.ok(v.evidence > 3, `${v.feature}: evidence ${v.evidence}`);
      assert.match(v.interaction, /^accuracy 0\.\d+ → 0\.\d+ without it \(z \d/);
    } else assert.ok(v.evidence < 1.5, `${v.feature}: evidence ${v.evidence}`);
  }
  const hyp = hypothesesSpec(r) as unknown as { data: { values: { variant: string }[] } };
  assert.deepEqual(hyp.data.values.map((v) => v.variant), ['rule', 'without x1', 'without x2', 'without x3', 'without x5']);
});

test('sections without data are left out: no sparsity, no label, one feature', async () => {
  const r = await report();
  const bare: Report = { ...r, sparsity: undefined, hypotheses: undefined, relevance: undefined, baselines: undefined, pca: null, features: r.features.slice(0, 1).map(({ relevance: _r, relevanceEvidence: _e, ...f }) => f), correlation: { ...r.correlation, names: ['x1'], matrix: [[1]] } };
  assert.deepEqual(Object.keys(buildCharts(bare)), ['histograms']);
  assert.equal(termsSpec(bare), null);
  assert.equal(relevanceSpec(bare), null);
  assert.equal(hypothesesSpec(bare), null);
  assert.equal(correlationSpec(bare), null);
  assert.equal(pcaSpec(bare), null);
  const noFeatures: Report = { ...bare, features: [] };
  assert.deepEqual(buildCharts(noFeatures), {});
});

test('non-finite values never reach a spec (NaN correlation of a constant column becomes null)', async () => {
  const r = await report();
  const matrix = r.correlation.matrix.map((row) => [...row]);
  matrix[0][1] = Number.NaN;
  const spec = correlationSpec({ ...r, correlation: { ...r.correlation, matrix } }) as unknown as { data: { values: { i: number; j: number; r: number | null }[] } };
  assert.equal(spec.data.values.find((v) => v.i === 0 && v.j === 1)?.r, null);
  await assertRenderable(spec as unknown as TopLevelSpec);
});

// test/fixtures/workspace/data/pets.csv and houses.csv (test/fixtures/makeWorkspaceFixtures.ts): a three-class text
// label with categorical features, and a numeric target.
const pets = (): Promise<Report> => analyseFile('test/fixtures/workspace/data/pets.csv', { label: 'species', seed: 42 });
const houses = (): Promise<Report> => analyseFile('test/fixtures/workspace/data/houses.csv', { label: 'price', seed: 42 });

test('a multi-class table with categories: every chart compiles; categorical features get level charts, not histograms', async () => {
  const r = await pets();
  const charts = buildCharts(r);
  const categorical = r.features.filter((f) => f.categories).map((f) => `categories-${f.index}`);
  assert.ok(categorical.length >= 2, 'colour and size are categorical');
  for (const id of ['baselines', 'relevance', 'histograms', ...categorical]) assert.ok(charts[id], `${id} is drawn`);
  // Three classes: one L1 logistic model per class (one-vs-rest); the terms chart names each term with its class.
  const terms = termsSpec(r) as unknown as { data: { values: { term: string; class: string }[] }; encoding: { color: { field: string } } };
  assert.ok(charts.terms, 'per-class L1 terms are drawn');
  assert.equal(terms.encoding.color.field, 'class');
  assert.deepEqual([...new Set(terms.data.values.map((v) => v.class))].sort(), ['bird', 'cat', 'dog']);
  assert.equal(new Set(terms.data.values.map((v) => v.term)).size, terms.data.values.length, 'each class and term once');
  for (const spec of Object.values(charts)) await assertRenderable(spec as TopLevelSpec);
  const hist = histogramSpec(r) as unknown as { data: { values: { feature: string }[] } };
  assert.deepEqual([...new Set(hist.data.values.map((v) => v.feature))], r.features.filter((f) => !f.categories).map((f) => f.name));
});

test('level charts show every level, mark rare levels and likely misspellings, and keep numeric levels in order', async () => {
  const r = await pets();
  const colour = r.features.find((f) => f.name === 'colour');
  assert.ok(colour?.categories);
  const spec = categoriesSpec(colour) as unknown as { data: { values: { level: string; kind: string; count: number }[] }; encoding: { color: { scale: { domain: string[] } } } };
  assert.equal(spec.data.values.length, colour.categories.cardinality, 'every level, not a top few');
  assert.equal(spec.data.values.find((v) => v.level === 'Gray')?.kind, 'likely variant');
  assert.deepEqual(spec.encoding.color.scale.domain, [...LEVEL_KINDS]);
  const h = await houses();
  const rooms = h.features.find((f) => f.name === 'rooms');
  assert.ok(rooms?.categories);
  const roomSpec = categoriesSpec(rooms) as unknown as { data: { values: { level: string }[] } };
  assert.deepEqual(roomSpec.data.values.map((v) => v.level), ['1', '2', '3', '4', '5', '6']);
  assert.equal(categoriesSpec({ ...rooms, categories: null }), null);
});

test('baselines: every model with its interval on the metric axis, the base rate marked; R² for a numeric target', async () => {
  const r = await pets();
  const spec = baselinesSpec(r) as unknown as { data: { values: { model: string; lo: number; hi: number; value: number; role: string }[] }; layer: { encoding: { x?: { datum?: number; title?: string; scale?: { domain: number[] } } } }[] };
  assert.equal(spec.data.values.length, r.baselines?.length);
  assert.equal(spec.data.values[0].role, 'reference');
  assert.equal(spec.layer[0].encoding.x?.datum, r.baselines?.[0].value, 'the dashed line is the base rate');
  assert.match(spec.layer[2].encoding.x?.title ?? '', /^accuracy/);
  assert.deepEqual(spec.layer[2].encoding.x?.scale?.domain, [0, 1]);
  for (const v of spec.data.values) assert.ok(v.lo <= v.value && v.value <= v.hi);
  const h = baselinesSpec(await houses()) as unknown as { layer: { encoding: { x?: { title?: string; scale?: { domain: number[] } } } }[] };
  assert.match(h.layer[2].encoding.x?.title ?? '', /^R²/);
  assert.ok((h.layer[2].encoding.x?.scale?.domain[0] ?? 0) < 0, 'R² of the mean is below 0 and stays on the scale');
  assert.equal(shortModelName('gradient boosting (histogram, 100 iterations)'), 'gradient boosting');
  assert.equal(shortModelName('L1 least squares (lasso) on interaction terms'), 'L1 interaction model');
  assert.equal(shortModelName('L1 logistic regression on interaction terms (one-vs-rest)'), 'L1 interaction model');
  assert.equal(baselinesSpec({ ...r, baselines: undefined }), null);
});

test('relevance: one row per feature for a multi-class and a regression label, each verdict coloured, reason in the tooltip', async () => {
  for (const r of [await pets(), await houses()]) {
    const spec = relevanceSpec(r) as unknown as { data: { values: { feature: string; relevance: string; evidence: number; reason: string }[] }; layer: { encoding: { color?: { scale: { domain: string[] } }; tooltip?: { field: string }[] } }[] };
    assert.deepEqual(spec.data.values.map((v) => v.feature), r.features.map((f) => f.name));
    for (const v of spec.data.values) {
      assert.ok(RELEVANCE_DOMAIN.includes(v.relevance as (typeof RELEVANCE_DOMAIN)[number]));
      assert.ok(v.evidence >= 0 && v.evidence <= 16);
      assert.ok(v.reason.length > 0, `${v.feature} has a reason`);
    }
    assert.deepEqual(spec.layer[0].encoding.color?.scale.domain, [...RELEVANCE_DOMAIN]);
    assert.ok(spec.layer[0].encoding.tooltip?.some((t) => t.field === 'reason'));
  }
});

test('captions say what is drawn: the correlation caption names the text categories it leaves out', async () => {
  const r = await pets();
  const captions = chartCaptions(r);
  const corr = correlationSpec(r) as unknown as { data: { values: { a: string }[] } } | null;
  assert.ok(corr);
  const drawn = [...new Set(corr.data.values.map((v) => v.a))];
  assert.match(captions.correlation, new RegExp(`between ${drawn.length} feature`));
  for (const name of ['colour', 'size']) {
    assert.ok(!drawn.includes(name), `${name} is not in the matrix`);
    assert.match(captions.correlation, new RegExp(name), `the caption says ${name} is left out`);
  }
  assert.match(captions.baselines, /95 % interval/);
  assert.match(captions.relevance, /redundant|relevant|unknown/);
  const small = chartCaptions(await report());
  assert.match(small.correlation, /and the label "y"/);
  assert.doesNotMatch(small.correlation, /Not drawn/);
});

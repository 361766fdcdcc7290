import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseFile } from '../../src/engine/tasks/analyseFile';
import type { Report } from '../../src/engine/report';
import { evidenceLines, findingsOf } from '../../src/features/datasets/findings';
import { firstLine, guessDelimiter, headerCells } from '../../src/features/datasets/headerCells';
import { headerHoverMarkdown, md, type CommandLink } from '../../src/features/datasets/hoverText';
import { isHostToWebview, isWebviewToHost } from '../../src/protocolGuards';

test('headerCells: offsets of plain, quoted, spaced and BOM-prefixed cells', () => {
  assert.deepEqual(headerCells('x1,x2,y', ','), [
    { name: 'x1', start: 0, end: 2 },
    { name: 'x2', start: 3, end: 5 },
    { name: 'y', start: 6, end: 7 },
  ]);
  assert.deepEqual(headerCells('\uFEFF"a,b", c ;d', ','), [
    { name: 'a,b', start: 0, end: 5 },
    { name: 'c ;d', start: 7, end: 11 },
  ]);
  assert.deepEqual(headerCells('"say ""hi"""\tz', '\t').map((c) => c.name), ['say "hi"', 'z']);
  assert.deepEqual(headerCells('', ','), [{ name: '', start: 0, end: 0 }]);
  assert.equal(firstLine('a,b\r\n1,2'), 'a,b');
});

test('findings: irrelevant features (Unnecessary) and reader warnings with their rows', async () => {
  const small = findingsOf(await analyseFile('test/fixtures/workspace/data/small.csv'));
  assert.deepEqual(small.map((f) => [f.code, f.feature?.name, f.unnecessary]), [
    ['irrelevantFeature', 'x4', true],
    ['irrelevantFeature', 'x6', true],
  ]);
  const messy = findingsOf(await analyseFile('test/fixtures/workspace/data/messy.csv', { sparsity: false }));
  const ragged = messy.find((f) => f.code === 'raggedRows');
  assert.equal(ragged?.row, 5);
  assert.doesNotMatch(ragged?.message ?? '', /messy\.csv/, 'the location prefix is stripped: the Problems panel shows it');
  const pair = findingsOf(await analyseFile('test/fixtures/workspace/data/pair-X.npy'));
  assert.deepEqual(pair.map((f) => /#(\d+)/.exec(f.message)?.[1]), ['4', '5']);
});

test('findings: a feature the user excluded is one excludedByUser finding on its column, and no longer a verdict', async () => {
  const report = await analyseFile('test/fixtures/workspace/data/small.csv', { exclude: ['x4'] });
  const findings = findingsOf(report);
  assert.deepEqual(findings.map((f) => [f.code, f.feature?.name ?? f.column, f.unnecessary]), [
    ['irrelevantFeature', 'x6', true],
    ['excludedByUser', 'x4', true],
  ]);
  assert.match(findings[1].message, /^Feature "x4" is excluded by the user \(\.kryptonite\/settings\.json\): the analysis, Train Model and Predict Labels leave it out\.$/);
});

test('webview message guards reject what they do not know', () => {
  assert.ok(isWebviewToHost({ type: 'ready' }));
  assert.ok(isWebviewToHost({ type: 'exportChart', chart: 'pca', format: 'png', data: 'data:image/png;base64,AA' }));
  assert.ok(!isWebviewToHost({ type: 'exportChart', chart: '../../etc', format: 'svg', data: '' }));
  assert.ok(!isWebviewToHost({ type: 'exportChart', chart: 'pca', format: 'gif', data: '' }));
  assert.ok(!isWebviewToHost({ type: 'exportData', id: -1, charts: {} }));
  assert.ok(!isWebviewToHost({ type: 'exportData', id: 1, charts: { a: 1 } }));
  assert.ok(!isWebviewToHost({ type: 'eval', code: '1' }));
  assert.ok(!isWebviewToHost(null));
  assert.ok(isHostToWebview({ type: 'analysing', dataset: 'file:///a.csv', stage: 'load', message: '', fraction: 0 }));
  assert.ok(!isHostToWebview({ type: 'report', dataset: 'x', report: {}, charts: {} }));
  assert.ok(!isHostToWebview({ type: 'failed', dataset: 'x' }));
  const report = { type: 'report', dataset: 'x', report: { features: [] }, charts: {} };
  assert.ok(isHostToWebview({ ...report, captions: { pca: 'PC1 and PC2' }, stale: true, notice: 'label "y" is not in x.csv' }));
  assert.ok(!isHostToWebview({ ...report, captions: { pca: 1 } }));
  assert.ok(!isHostToWebview({ ...report, stale: 'yes' }));
  assert.ok(isHostToWebview({ type: 'stale', dataset: 'x', message: 'changed' }));
  assert.ok(!isHostToWebview({ type: 'stale', dataset: 'x' }));
  assert.ok(isWebviewToHost({ type: 'chooseLabel' }));
  assert.ok(isWebviewToHost({ type: 'chooseTask' }));
});

// pets.csv (test/fixtures/makeWorkspaceFixtures.ts): identifier pet_id, a copy of the label (species_code), the
// misspelling "Gray" of "grey" in colour, and 6 duplicated rows.
const pets = (): Promise<Report> => analyseFile('test/fixtures/workspace/data/pets.csv', { label: 'species', sparsity: false });

test('findings: alerts keep their engine codes, sit on their first column and name the others as related', async () => {
  const findings = findingsOf(await pets());
  const byCode = new Map(findings.map((f) => [f.code, f]));
  const leak = byCode.get('labelLeak');
  assert.equal(leak?.feature?.name, 'species_code');
  assert.deepEqual(leak?.related, ['species']);
  assert.equal(leak?.alert?.severity, 'error');
  const id = byCode.get('identifierColumn');
  assert.equal(id?.feature, undefined, 'an identifier is not a feature');
  assert.equal(id?.column, 'pet_id', 'it is pointed at by its header name');
  const dup = byCode.get('duplicateRows');
  assert.equal(dup?.table, true, 'duplicate rows: the header line');
  assert.equal(byCode.get('categoryVariants')?.feature?.name, 'colour');
  for (const f of findings) assert.match(f.message, /^[A-Z0-9"]/, `${f.code} reads as a sentence`);
  assert.deepEqual(evidenceLines(leak!.alert!).slice(0, 2), ['score: 1', 'baseRate: 0.3333']);
});

test('findings: a constant column is said once (constantFeature with its quick fix), not again as an alert', async () => {
  const r = await pets();
  const constant: Report = {
    ...r,
    features: r.features.map((f) => (f.name === 'noise' ? { ...f, shape: 'constant' as const } : f)),
    alerts: [...r.alerts, { code: 'constantColumn', severity: 'warning', message: '"noise" has a single value in every non-missing row', columns: ['noise'], evidence: {} }],
  };
  const codes = findingsOf(constant).filter((f) => f.feature?.name === 'noise').map((f) => f.code);
  assert.deepEqual(codes, ['constantFeature']);
});

test('header hover: type, levels, relevance and alerts with evidence; links only through the given link builder', async () => {
  const r = await pets();
  const links: string[] = [];
  const link: CommandLink = (title, command, args) => {
    links.push(`${command}:${JSON.stringify(args)}`);
    return `[${title}](cmd)`;
  };
  const colour = headerHoverMarkdown({ report: r, column: 'colour', position: 1, excluded: false, link });
  assert.match(colour, /\*\*categorical\*\*/);
  assert.match(colour, /Gray ~ grey/);
  assert.match(colour, /categoryVariants/);
  assert.match(colour, /Relevance: \*\*(relevant|redundant|irrelevant|unknown)\*\*/);
  assert.match(colour, /duplicateRows/, 'the whole-table alerts are listed');
  assert.ok(links.includes('setLabelColumn:["colour"]'));
  const label = headerHoverMarkdown({ report: r, column: 'species', position: 6, excluded: false, link });
  assert.match(label, /the label: \*\*multiclass\*\*/);
  assert.match(label, /3 classes/);
  assert.ok(links.includes('setLabelTask:[]') && links.includes('setLabelColumn:[null]'));
  const id = headerHoverMarkdown({ report: r, column: 'pet_id', position: 0, excluded: false, link });
  assert.match(id, /\*\*identifier\*\*, left out of the features/);
  assert.match(id, /identifierColumn/);
  const fresh = headerHoverMarkdown({ report: null, column: 'species', position: 6, excluded: false, link });
  assert.match(fresh, /not analysed yet/);
  assert.equal(headerHoverMarkdown({ report: r, column: 'nope', position: 9, excluded: false, link }), '');
  assert.equal(md('[x](command:evil)'), '\\[x\\]\\(command:evil\\)', 'a column name cannot become a link');
});

test('guessDelimiter: tab for .tsv, else the most frequent separator outside quotes', () => {
  assert.equal(guessDelimiter('a,b,c'), ',');
  assert.equal(guessDelimiter('a;b;"c,d"'), ';');
  assert.equal(guessDelimiter('a\tb'), '\t');
  assert.equal(guessDelimiter('a,b', 'x.tsv'), '\t');
  assert.equal(guessDelimiter('single'), ',');
});

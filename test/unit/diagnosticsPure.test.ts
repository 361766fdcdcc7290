import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseFile } from '../../src/engine/tasks/analyseFile';
import { findingsOf } from '../../src/diagnostics/findings';
import { firstLine, headerCells } from '../../src/diagnostics/headerCells';
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
});

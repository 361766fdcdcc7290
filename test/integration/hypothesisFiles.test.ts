/// <reference types="mocha" />
/**
 * .kryp hypothesis files in a real VS Code: CodeLens accuracies against the engine's own numbers, diagnostics at the
 * exact column, re-evaluation while typing, New Hypothesis File and Compare Hypotheses. Waits on events, never sleeps.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID, workspaceFile, diagnosticsWhen } from './helpers';
import type { KryptoniteApi } from '../../src/extension';
import { profileDataset } from '../../src/engine/stats/profile';
import { binarisation } from '../../src/engine/binarise';
import { HypothesisError } from '../../src/engine/hypothesis/ast';
import { compileHypothesis, evaluateHypothesis } from '../../src/engine/hypothesis/evaluate';
import { parseHypothesisFile } from '../../src/engine/hypothesis/file';
import { parseHypothesis } from '../../src/engine/hypothesis/parser';
import { loadDataset } from '../../src/engine/io/load';
import { splitRows } from '../../src/engine/split';
import { lensTitle } from '../../src/features/hypotheses/format';




/** What the worker's hypothesis job computes, recomputed here with the engine directly. */
async function engineTitles(csv: string, rules: readonly string[], seed: number): Promise<string[]> {
  const dataset = await loadDataset(csv, {});
  assert.ok(dataset.label);
  const binarisations = profileDataset(dataset).map((f) => binarisation(f.modes, f.stats, f.values));
  const split = splitRows(dataset.label.values, dataset.rows, seed);
  return rules.map((r) => lensTitle(evaluateHypothesis(compileHypothesis(r, { names: dataset.names, binarisations }), { columns: dataset.columns, label: dataset.label! }, split), seed));
}

let api: KryptoniteApi;

suite('Hypothesis files (.kryp)', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<KryptoniteApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
  });

  test('each rule gets a CodeLens with the accuracy the engine computes; hover shows confusion and ablation', async () => {
    const uri = workspaceFile('small.kryp');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.languageId, 'kryptonite-hypothesis');
    await vscode.window.showTextDocument(doc, { preview: false });
    await api.hypotheses.evaluated(doc);
    const lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri)) as vscode.CodeLens[];
    const parsed = parseHypothesisFile(doc.getText());
    assert.equal(parsed.rules.length, 3);
    const expected = await engineTitles(workspaceFile('data', 'small.csv').fsPath, parsed.rules.map((r) => r.text), 42);
    assert.match(expected[0], /^acc 0\.9\d{3} \[0\.\d{4}, 0\.\d{4}\] · test 0\.\d{4} \(seed 42, 60\/20\/20\)$/);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title]),
      parsed.rules.map((r, i) => [r.line, expected[i]]),
    );
    const rule = parsed.rules[0];
    const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(rule.line, rule.start + 2))) as vscode.Hover[];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /actual ＼ predicted/);
    assert.match(text, /\| without \| accuracy \| change \|/);
    for (const f of ['x1', 'x2', 'x3', 'x5']) assert.match(text, new RegExp(`\\| ${f} \\| 0\\.\\d{4} \\|`));
  });

  test('a syntax error and an unknown feature become diagnostics at their exact columns; typing a fix clears them', async () => {
    const uri = workspaceFile('errors.kryp');
    const broken = '  xor(bin(x2), bin(x4) bin(x5))';
    fs.writeFileSync(uri.fsPath, `dataset data/small.csv\n${broken}\nbin(x99)\n`);
    const waiting = diagnosticsWhen(uri, (d) => d.some((x) => x.code === 'unclosedParen') && d.some((x) => x.code === 'unknownFeature'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const diags = await waiting;
    let column = -1;
    try {
      parseHypothesis(broken.trim());
    } catch (e) {
      assert.ok(e instanceof HypothesisError);
      column = e.column;
    }
    // file column = rule start (2) + error column − 1; the parser says column 22 (the second "bin").
    assert.equal(column, 22);
    const syntax = diags.find((d) => d.code === 'unclosedParen');
    assert.ok(syntax);
    assert.equal(syntax.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(syntax.range.isEqual(new vscode.Range(1, 2 + column - 1, 1, 2 + column - 1 + 3)), JSON.stringify(syntax.range));
    assert.equal(doc.getText(syntax.range), 'bin');
    const unknown = diags.find((d) => d.code === 'unknownFeature');
    assert.ok(unknown);
    assert.equal(doc.getText(unknown.range), 'x99');
    // The CodeLens on the broken line says why at once (it is never sent to the worker, so never "evaluating…").
    const lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri)) as vscode.CodeLens[];
    const onBroken = lenses.find((l) => l.range.start.line === 1);
    assert.match(onBroken?.command?.title ?? '', /^syntax error: /, lenses.map((l) => l.command?.title).join(' | '));
    assert.equal(onBroken?.command?.title, `syntax error: ${syntax.message}`);

    // Typing (no save): the debounced evaluation clears the syntax error.
    const fixed = diagnosticsWhen(uri, (d) => !d.some((x) => x.code === 'unclosedParen') && d.some((x) => x.code === 'unknownFeature'));
    await editor.edit((b) => b.insert(new vscode.Position(1, 2 + column - 2), ','));
    await fixed;
  });

  test('file-level problems: a missing dataset file is reported on the dataset line', async () => {
    const uri = workspaceFile('missing.kryp');
    fs.writeFileSync(uri.fsPath, 'dataset data/nope.csv\nbin(x1)\n');
    const waiting = diagnosticsWhen(uri, (d) => d.some((x) => x.code === 'datasetNotFound'));
    await vscode.workspace.openTextDocument(uri);
    const [d] = (await waiting).filter((x) => x.code === 'datasetNotFound');
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.character], [0, 8, 21]);
  });

  test('New Hypothesis File seeds a .kryp beside the dataset with the found rule first, and never overwrites', async () => {
    const csv = workspaceFile('data', 'small.csv');
    const first = (await vscode.commands.executeCommand('kryptonite.newHypothesisFile', csv)) as vscode.Uri;
    assert.equal(first.toString(), workspaceFile('data', 'small.kryp').toString());
    const report = api.controller.analyses.report(api.controller.keyOf(csv));
    assert.ok(report?.hypotheses?.[0], 'the analysis claimed a rule');
    const text = fs.readFileSync(first.fsPath, 'utf8');
    const parsed = parseHypothesisFile(text);
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.dataset?.path, 'small.csv');
    assert.equal(parsed.rules[0].text, report.hypotheses[0].rule);
    assert.equal(parsed.rules[0].text, 'xor(bin(x1), bin(x2), bin(x3), bin(x5))');
    assert.equal(parsed.rules[1].text, `not ${report.hypotheses[0].rule}`);
    const second = (await vscode.commands.executeCommand('kryptonite.newHypothesisFile', csv)) as vscode.Uri;
    assert.equal(second.toString(), workspaceFile('data', 'small-2.kryp').toString());
    assert.equal(fs.readFileSync(first.fsPath, 'utf8'), text, 'the first file is untouched');
  });

  test('Compare Hypotheses ranks the rules by accuracy', async () => {
    const uri = workspaceFile('small.kryp');
    const ranked = (await vscode.commands.executeCommand('kryptonite.compareHypotheses', uri)) as { rank: number | null; source: string; accuracy: number | null }[];
    assert.equal(ranked.length, 3);
    assert.equal(ranked[0].rank, 1);
    assert.equal(ranked[0].source, 'xor(bin(x1), bin(x2), bin(x3), bin(x5))');
    for (let i = 1; i < ranked.length; i++) assert.ok((ranked[i - 1].accuracy ?? 0) >= (ranked[i].accuracy ?? 0));
  });
});

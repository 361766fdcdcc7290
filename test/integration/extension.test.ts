/// <reference types="mocha" />
/**
 * Integration tests inside a real VS Code (here code-server 1.139 through the shared harness shim). They wait on
 * events (onDidChangeDiagnostics, the webview's `ready`), never on sleeps; each wait fails loudly after a timeout.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, workspaceFile, diagnosticsWhen } from './helpers';
import type { KryptoniteApi } from '../../src/extension';
import type { AnalysisOutcome } from '../../src/host/datasetReports';




function headerRange(uri: vscode.Uri, name: string): vscode.Range {
  const header = fs.readFileSync(uri.fsPath, 'utf8').split(/\r?\n/)[0];
  const start = header.split(',').slice(0, header.split(',').indexOf(name)).join(',').length + (header.split(',').indexOf(name) > 0 ? 1 : 0);
  assert.ok(header.split(',').includes(name), `${name} is in the header`);
  return new vscode.Range(0, start, 0, start + name.length);
}

let api: KryptoniteApi;

suite('Kryptonite in VS Code', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<KryptoniteApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    api = await ext.activate();
  });

  test('activates and registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['analyseDataset', 'openReport', 'clearDiagnostics', 'cancel', 'exportReport', 'excludeFeature', 'openDataset', 'setLabelColumn', 'setLabelTask']) {
      assert.ok(commands.includes(`kryptonite.${id}`), `kryptonite.${id} is registered`);
    }
  });

  test('the explorer lists every dataset, an X/y .npy pair as one', async () => {
    await api.controller.index.refresh();
    const roots = api.tree.getChildren();
    const labels = roots.map((n) => api.tree.getTreeItem(n).label);
    assert.deepEqual([...labels].sort(), ['houses.csv', 'messy.csv', 'pair (X/y .npy)', 'pets.csv', 'regression.csv', 'small.csv', 'wider.csv']);
    const small = roots.find((n) => api.tree.getTreeItem(n).label === 'small.csv');
    assert.ok(small);
    const before = api.tree.getChildren(small);
    assert.equal(before[0]?.kind, 'hint', 'an unanalysed dataset offers to analyse it');
  });

  test('Analyse Dataset on a CSV puts the irrelevant features in the Problems panel at their header cells', async () => {
    const uri = workspaceFile('data', 'small.csv');
    // Ground truth of the generator (test/fixtures/workspace/README.md): x4 and x6 are irrelevant.
    const waiting = diagnosticsWhen(uri, (d) => d.filter((x) => x.code === 'irrelevantFeature').length === 2);
    const outcome = (await vscode.commands.executeCommand('kryptonite.analyseDataset', uri)) as AnalysisOutcome;
    assert.equal(outcome.status, 'done');
    const diags = await waiting;
    const byName = new Map(diags.map((d) => [/"([^"]+)"/.exec(d.message)?.[1], d]));
    for (const name of ['x4', 'x6']) {
      const d = byName.get(name);
      assert.ok(d, `a diagnostic for ${name}`);
      assert.equal(d.code, 'irrelevantFeature');
      assert.equal(d.source, 'kryptonite');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
      assert.deepEqual(d.tags, [vscode.DiagnosticTag.Unnecessary]);
      assert.ok(d.range.isEqual(headerRange(uri, name)), `${name} at its header cell, got ${JSON.stringify(d.range)}`);
    }
    // The tree now shows the features with their shapes and relevance.
    const node = api.tree.getChildren().find((n) => api.tree.getTreeItem(n).label === 'small.csv');
    assert.ok(node);
    const features = api.tree.getChildren(node).filter((n) => n.kind === 'feature');
    assert.equal(features.length, 6);
    assert.equal(api.tree.getTreeItem(features[3]).description, 'numeric, burst · irrelevant');
    // Relative folder, rows × features and the label; the tooltip counts shapes and verdicts.
    assert.equal(api.tree.getTreeItem(node).description, 'data · 600 rows × 6 features · label y (binary)');
    const tip = String(api.tree.getTreeItem(node).tooltip);
    assert.match(tip, /^shapes: .*\d+ burst/m);
    assert.match(tip, /^relevance: .*2 irrelevant/m);
  });

  test('the report panel opens beside the editor and its webview starts under the CSP', async () => {
    const uri = workspaceFile('data', 'small.csv');
    const panel = api.controller.panels.get(uri);
    assert.ok(panel, 'a panel for small.csv');
    // `ready` is the first message the webview script sends: it ran, so the nonce'd script was allowed.
    await panel.whenReady;
    assert.match(panel.panel.webview.html, /default-src 'none'/);
    assert.doesNotMatch(panel.panel.webview.html, /unsafe-eval|unsafe-inline/);
  });

  test('the HTML export inlines every rendered chart as SVG', async () => {
    const uri = workspaceFile('data', 'small.csv');
    const target = vscode.Uri.file(path.join(os.tmpdir(), `kryptonite-export-${process.pid}.html`));
    const written = (await vscode.commands.executeCommand('kryptonite.exportReport', uri, target)) as vscode.Uri;
    assert.equal(written.fsPath, target.fsPath);
    const html = fs.readFileSync(target.fsPath, 'utf8');
    assert.ok((html.match(/<svg/g) ?? []).length >= 4, 'histograms, correlation, PCA, terms… as SVG');
    assert.doesNotMatch(html, /<script/);
    // The page embeds the theme the charts were drawn in (its background and text), whatever that theme is.
    assert.match(html, /:root\{[^}]*--vscode-editor-background:[^;]+;/);
    assert.match(html, /body\{background:var\(--vscode-editor-background\)/);
    fs.unlinkSync(target.fsPath);
  });

  test('hover on a header cell explains the feature; the code action records the exclusion', async () => {
    const uri = workspaceFile('data', 'small.csv');
    const range = headerRange(uri, 'x4');
    await vscode.window.showTextDocument(uri, { preview: false });
    const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(0, range.start.character + 1)).then(
      (h) => h,
      (e: Error) => assert.fail(`executeHoverProvider: ${e.message}`),
    )) as vscode.Hover[];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /burst/);
    assert.match(text, /irrelevant/);
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, range).then(
      (a) => a,
      (e: Error) => assert.fail(`executeCodeActionProvider: ${e.message}`),
    )) as vscode.CodeAction[];
    const exclude = actions.find((a) => a.title === 'Exclude feature "x4" from training');
    assert.ok(exclude?.command, `the code action is offered, got ${actions.map((a) => a.title).join(', ')}`);
    // The analysis runs again without x4: its header cell says it is excluded by the user (and offers it back).
    const updated = diagnosticsWhen(uri, (d) => d.some((x) => x.code === 'excludedByUser' && x.message.includes('"x4" is excluded by the user')));
    await vscode.commands.executeCommand(exclude.command.command, ...(exclude.command.arguments ?? []));
    await updated;
    const settings = JSON.parse(fs.readFileSync(workspaceFile('.kryptonite', 'settings.json').fsPath, 'utf8'));
    assert.deepEqual(settings.excludedFeatures['data/small.csv'], ['x4']);
  });

  test('the severity setting applies at once', async () => {
    const uri = workspaceFile('data', 'small.csv');
    const cfg = vscode.workspace.getConfiguration('kryptonite');
    const warned = diagnosticsWhen(uri, (d) => d.length > 0 && d.every((x) => x.severity === vscode.DiagnosticSeverity.Warning));
    await cfg.update('diagnostics.severity', 'warning', vscode.ConfigurationTarget.Workspace);
    await warned;
    const back = diagnosticsWhen(uri, (d) => d.length > 0 && d.every((x) => x.severity === vscode.DiagnosticSeverity.Information));
    await cfg.update('diagnostics.severity', undefined, vscode.ConfigurationTarget.Workspace);
    await back;
  });

  test('structural problems of a CSV are reported on their rows', async () => {
    const uri = workspaceFile('data', 'messy.csv');
    const waiting = diagnosticsWhen(uri, (d) => d.some((x) => x.code === 'raggedRows'));
    await vscode.commands.executeCommand('kryptonite.analyseDataset', uri);
    const diags = await waiting;
    const ragged = diags.find((d) => d.code === 'raggedRows');
    assert.equal(ragged?.range.start.line, 4, 'row 5 as the editor shows it is line index 4');
    const nonNumeric = diags.find((d) => d.code === 'nonNumericCells');
    assert.equal(nonNumeric?.range.start.line, 3);
  });

  test('an X/y .npy pair gets its findings on the X file at line 0, naming the feature index', async () => {
    const x = workspaceFile('data', 'pair-X.npy');
    const waiting = diagnosticsWhen(x, (d) => d.filter((e) => e.code === 'irrelevantFeature').length === 2);
    await vscode.commands.executeCommand('kryptonite.analyseDataset', workspaceFile('data', 'pair-y.npy'));
    const diags = await waiting;
    for (const d of diags) assert.equal(d.range.start.line, 0);
    assert.deepEqual(diags.map((d) => /#(\d+)/.exec(d.message)?.[1]).sort(), ['4', '5']);
  });

  test('Cancel stops a running analysis; a second request for the same dataset cancels the first', async () => {
    const uri = workspaceFile('data', 'small.csv');
    const sub = api.controller.analyses.onDidChange((e) => {
      if (e.kind === 'started') void vscode.commands.executeCommand('kryptonite.cancel', uri);
    });
    let outcome: AnalysisOutcome;
    try {
      outcome = (await vscode.commands.executeCommand('kryptonite.analyseDataset', uri)) as AnalysisOutcome;
    } finally {
      sub.dispose();
    }
    assert.equal(outcome.status, 'cancelled');
    const first = vscode.commands.executeCommand('kryptonite.analyseDataset', uri) as Thenable<AnalysisOutcome>;
    const second = vscode.commands.executeCommand('kryptonite.analyseDataset', uri) as Thenable<AnalysisOutcome>;
    assert.equal((await first).status, 'cancelled');
    assert.equal((await second).status, 'done');
  });

  test('diagnostics clear when the data file is deleted, and on Clear Diagnostics', async () => {
    const copy = workspaceFile('data', 'copy.csv');
    fs.copyFileSync(workspaceFile('data', 'small.csv').fsPath, copy.fsPath);
    const shown = diagnosticsWhen(copy, (d) => d.length > 0);
    await vscode.commands.executeCommand('kryptonite.analyseDataset', copy);
    await shown;
    const gone = diagnosticsWhen(copy, (d) => d.length === 0);
    fs.unlinkSync(copy.fsPath);
    await gone;
    const small = workspaceFile('data', 'small.csv');
    const cleared = diagnosticsWhen(small, (d) => d.length === 0);
    await vscode.commands.executeCommand('kryptonite.clearDiagnostics');
    await cleared;
  });
});

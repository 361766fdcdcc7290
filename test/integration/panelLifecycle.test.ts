/// <reference types="mocha" />
/**
 * The report panel's life beyond the first analysis: restored by the serializer after a reload, refusing a state it
 * does not understand, and following its dataset when the file changes on disk. Event-driven waits only.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { workspaceFile, diagnosticsWhen } from './helpers';
import type { KryptoniteApi } from '../../src/extension';
import type { AnalysisOutcome } from '../../src/host/datasetReports';

const PANEL_VIEW_TYPE = 'kryptonite.report';
let api: KryptoniteApi;



function panels(): { get(uri: vscode.Uri): unknown; serializer: { deserializeWebviewPanel(p: vscode.WebviewPanel, s: unknown): Promise<void> } } {
  return (api.controller as unknown as { panels: ReturnType<typeof panels> }).panels;
}

suite('Report panel lifecycle', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<KryptoniteApi>('kryptonite.kryptonite');
    assert.ok(ext);
    api = await ext.activate();
  });

  test('the serializer restores a panel from its saved state, under the CSP', async () => {
    const uri = workspaceFile('data', 'small.csv');
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'restored', vscode.ViewColumn.Beside, { enableScripts: true });
    await panels().serializer.deserializeWebviewPanel(panel, { v: 1, dataset: uri.toString() });
    assert.ok(panels().get(uri), 'the restored panel is tracked for its dataset');
    assert.match(panel.webview.html, /Content-Security-Policy/);
    assert.doesNotMatch(panel.webview.html, /unsafe-(eval|inline)/);
    const closed = new Promise<void>((resolve) => panel.onDidDispose(() => resolve()));
    panel.dispose();
    await closed;
    assert.equal(panels().get(uri), undefined, 'closing it forgets it');
  });

  test('a saved state it does not understand closes the panel instead of guessing', async () => {
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'stale', vscode.ViewColumn.Beside, {});
    const closed = new Promise<void>((resolve) => panel.onDidDispose(() => resolve()));
    await panels().serializer.deserializeWebviewPanel(panel, { v: 99, dataset: 42 });
    await closed;
  });

  test('changing the data file on disk re-analyses it: a column made constant becomes a finding', async () => {
    const source = workspaceFile('data', 'small.csv');
    const uri = workspaceFile('data', 'changing.csv');
    const original = fs.readFileSync(source.fsPath, 'utf8');
    fs.writeFileSync(uri.fsPath, original);
    await api.controller.index.refresh();
    const first = (await vscode.commands.executeCommand('kryptonite.analyseDataset', uri)) as AnalysisOutcome;
    assert.equal(first.status, 'done');
    await diagnosticsWhen(uri, (d) => d.some((x) => x.code === 'irrelevantFeature'));
    assert.ok(!vscode.languages.getDiagnostics(uri).some((x) => x.code === 'constantFeature'));
    // Make x2 constant, as a researcher's preprocessing bug would.
    const lines = original.trimEnd().split('\n');
    const edited = [lines[0], ...lines.slice(1).map((l) => l.split(',').map((c, i) => (i === 1 ? '1' : c)).join(','))].join('\n') + '\n';
    const found = diagnosticsWhen(uri, (d) => d.some((x) => x.code === 'constantFeature' && /"x2"/.test(x.message)));
    // Until the re-analysis has finished, the report on screen is marked stale (checked when the re-analysis starts).
    const staleWhenRerunStarts = new Promise<boolean>((resolve) => {
      const sub = api.controller.analyses.onDidChange((e) => {
        if (e.kind !== 'started' || e.key !== api.controller.keyOf(uri)) return;
        sub.dispose();
        resolve(api.controller.isStale(uri));
      });
    });
    fs.writeFileSync(uri.fsPath, edited);
    assert.equal(await staleWhenRerunStarts, true, 'stale while the re-analysis runs');
    const diags = await found;
    assert.equal(api.controller.isStale(uri), false, 'fresh again once it finished');
    const constant = diags.find((x) => x.code === 'constantFeature')!;
    assert.equal(constant.range.start.line, 0, 'on the header cell');
  });
});

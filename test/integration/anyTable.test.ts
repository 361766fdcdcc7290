/// <reference types="mocha" />
/**
 * "Any table, honestly" in a real VS Code (code-server 1.139 through the harness shim): the label chosen per dataset
 * (the folder-wide setting stays the default and is never written), a configured label that a file does not have
 * (one notice, no error), data-quality alerts as diagnostics with their codes and hovers, and relevance and baselines
 * for a multi-class and a regression label. Fixtures: test/fixtures/workspace/data/pets.csv and houses.csv
 * (test/fixtures/makeWorkspaceFixtures.ts). Waits are on events, never sleeps.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { diagnosticsWhen, EXTENSION_ID, hoverText, workspaceFile } from './helpers';
import type { KryptoniteApi } from '../../src/extension';
import type { AnalysisOutcome } from '../../src/host/datasetReports';
import type { HostToWebview } from '../../src/protocol';

let api: KryptoniteApi;
const pets = (): vscode.Uri => workspaceFile('data', 'pets.csv');
const houses = (): vscode.Uri => workspaceFile('data', 'houses.csv');

function done(outcome: unknown): Extract<AnalysisOutcome, { status: 'done' }> {
  const o = outcome as AnalysisOutcome;
  assert.equal(o?.status, 'done', `the analysis finished: ${JSON.stringify(o && o.status === 'failed' ? o.message : o?.status)}`);
  return o as Extract<AnalysisOutcome, { status: 'done' }>;
}

/** The header cell of `name` in a comma-separated file, as an editor range. */
function cell(uri: vscode.Uri, name: string): vscode.Range {
  const names = fs.readFileSync(uri.fsPath, 'utf8').split(/\r?\n/)[0].split(',');
  const i = names.indexOf(name);
  assert.ok(i >= 0, `${name} is in the header`);
  const start = names.slice(0, i).join(',').length + (i > 0 ? 1 : 0);
  return new vscode.Range(0, start, 0, start + name.length);
}

suite('Any table: labels, tasks, alerts', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<KryptoniteApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    api = await ext.activate();
    await api.controller.index.refresh();
  });

  test('Set Label Column chooses the label of one dataset; the kryptonite.labelColumn setting is left alone', async () => {
    const cfg = (): ReturnType<typeof vscode.workspace.getConfiguration> => vscode.workspace.getConfiguration('kryptonite', pets());
    const before = cfg().inspect<string>('labelColumn');
    // Not auto-detected: "species" is not called y/label/target/class.
    const unlabelled = done(await vscode.commands.executeCommand('kryptonite.analyseDataset', pets()));
    assert.equal(unlabelled.report.dataset.label, null);
    assert.ok(!unlabelled.report.analyses.some((a) => a.id === 'relevance' && a.status === 'done'), 'no relevance without a label');

    const chosen = done(await vscode.commands.executeCommand('kryptonite.setLabelColumn', pets(), 'species'));
    assert.equal(chosen.report.dataset.label?.name, 'species');
    assert.equal(chosen.report.dataset.label?.task, 'multiclass');
    assert.deepEqual(chosen.report.dataset.label?.classes.map((c) => c.value).sort(), ['bird', 'cat', 'dog']);
    const after = cfg().inspect<string>('labelColumn');
    assert.deepEqual([after?.globalValue, after?.workspaceValue, after?.workspaceFolderValue], [before?.globalValue, before?.workspaceValue, before?.workspaceFolderValue], 'the setting is untouched');
    assert.equal(fs.readFileSync(pets().fsPath, 'utf8').split('\n')[0], 'pet_id,colour,size,weight,noise,species_code,species', 'the data file is untouched');

    // Remembered: a plain re-analysis keeps it; another dataset is not affected.
    const again = done(await vscode.commands.executeCommand('kryptonite.analyseDataset', pets()));
    assert.equal(again.report.dataset.label?.name, 'species');
    assert.equal(api.controller.choices.get(api.controller.keyOf(pets())).label, 'species');
    const other = done(await vscode.commands.executeCommand('kryptonite.analyseDataset', houses()));
    assert.equal(other.report.dataset.label, null, 'houses.csv has no label of its own yet');

    // The tree says the label and task, and each feature's type and relevance.
    const node = api.tree.getChildren().find((n) => api.tree.getTreeItem(n).label === 'pets.csv');
    assert.ok(node);
    assert.match(String(api.tree.getTreeItem(node).description), /label species \(multiclass\)/);
    const features = api.tree.getChildren(node).filter((n) => n.kind === 'feature');
    assert.equal(features.length, chosen.report.features.length);
    const colour = features.find((n) => api.tree.getTreeItem(n).label === 'colour');
    assert.ok(colour);
    assert.match(String(api.tree.getTreeItem(colour).description), /^categorical, 8 levels · (relevant|redundant|irrelevant|unknown)$/);

    // "No label" is a choice too.
    const none = done(await vscode.commands.executeCommand('kryptonite.setLabelColumn', pets(), null));
    assert.equal(none.report.dataset.label, null);
    done(await vscode.commands.executeCommand('kryptonite.setLabelColumn', pets(), 'species'));
  });

  test('relevance and baselines for every feature of a multi-class and a regression label, and the panel draws them', async () => {
    const multi = api.controller.reportOf(pets());
    assert.ok(multi);
    const regression = done(await vscode.commands.executeCommand('kryptonite.setLabelColumn', houses(), 'price')).report;
    assert.equal(regression.dataset.label?.task, 'regression');
    for (const [r, metric] of [[multi, 'accuracy'], [regression, 'r2']] as const) {
      assert.ok((r.baselines?.length ?? 0) >= 3, 'base rate, linear model, boosted trees');
      assert.ok(r.baselines?.every((b) => b.metric === metric && b.ci95[0] <= b.value && b.value <= b.ci95[1]));
      for (const f of r.features) {
        assert.ok(f.relevance, `${f.name} has a verdict`);
        assert.ok(f.relevanceEvidence?.reasons.length, `${f.name} has its reasons`);
      }
    }
    // The L1 interaction analysis runs for every task: one-vs-rest for three classes, the lasso for a number.
    assert.equal(multi.analyses.find((a) => a.id === 'sparsity')?.status, 'done');
    assert.equal(multi.sparsity?.task, 'multiclass');
    assert.equal(multi.sparsity?.classes?.length, 3, 'one model per class');
    assert.equal(regression.sparsity?.loss, 'squared');
    // A task set by hand.
    const forced = done(await vscode.commands.executeCommand('kryptonite.setLabelTask', houses(), 'regression')).report;
    assert.equal(forced.dataset.label?.taskOverridden, true);
    assert.equal(api.controller.choices.get(api.controller.keyOf(houses())).task, 'regression');
    // What the report panel is sent: the specs and a caption for each.
    for (const uri of [pets(), houses()]) {
      const panel = api.controller.panels.get(uri);
      assert.ok(panel, `choosing a label shows the report of ${uri.path}; tracked: ${['pets.csv', 'houses.csv', 'messy.csv'].filter((f) => api.controller.panels.has(api.controller.keyOf(workspaceFile('data', f)))).join(', ')}`);
      // Later reports open as tabs of the results group; a background tab loads its webview once shown.
      panel.reveal();
      await panel.whenReady;
      const message = api.controller.current(uri) as Extract<HostToWebview, { type: 'report' }>;
      assert.equal(message.type, 'report');
      for (const id of ['baselines', 'relevance']) {
        assert.ok(message.charts[id], `${id} chart for ${uri.path}`);
        assert.ok(message.captions?.[id], `${id} caption for ${uri.path}`);
      }
    }
    const petsMessage = api.controller.current(pets()) as Extract<HostToWebview, { type: 'report' }>;
    const levels = multi.features.filter((f) => f.categories).map((f) => `categories-${f.index}`);
    assert.ok(levels.length >= 2 && levels.every((id) => petsMessage.charts[id]), 'a level chart per categorical feature');
    assert.match(petsMessage.captions?.correlation ?? '', /colour/, 'the correlation caption says which text categories it leaves out');
  });

  test('alerts become diagnostics with their engine codes, on their header cells, with their evidence in the hover', async () => {
    const uri = pets();
    const diags = await diagnosticsWhen(uri, (d) => ['identifierColumn', 'labelLeak', 'duplicateRows', 'categoryVariants'].every((c) => d.some((x) => x.code === c)));
    const byCode = new Map(diags.map((d) => [String(d.code), d]));
    for (const d of diags) {
      assert.equal(d.source, 'kryptonite');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Information, 'severity from kryptonite.diagnostics.severity');
    }
    assert.ok(byCode.get('identifierColumn')?.range.isEqual(cell(uri, 'pet_id')));
    const leak = byCode.get('labelLeak');
    assert.ok(leak?.range.isEqual(cell(uri, 'species_code')));
    assert.ok(leak?.relatedInformation?.[0]?.location.range.isEqual(cell(uri, 'species')), 'the label is the related location');
    assert.equal(byCode.get('duplicateRows')?.range.start.line, 0, 'duplicate rows: the header line');
    assert.ok(byCode.get('categoryVariants')?.range.isEqual(cell(uri, 'colour')));
    // irrelevantFeature only for features whose verdict is "irrelevant".
    const report = api.controller.reportOf(uri);
    for (const d of diags.filter((x) => x.code === 'irrelevantFeature')) {
      const name = /"([^"]+)"/.exec(d.message)?.[1];
      assert.equal(report?.features.find((f) => f.name === name)?.relevance, 'irrelevant');
    }

    await vscode.window.showTextDocument(uri, { preview: false });
    const id = await hoverText(uri, cell(uri, 'pet_id').start.translate(0, 1));
    assert.match(id, /identifierColumn/);
    assert.match(id, /identifier/);
    const leakHover = await hoverText(uri, cell(uri, 'species_code').start.translate(0, 2));
    assert.match(leakHover, /labelLeak/);
    assert.match(leakHover, /score: 1/, 'the evidence');
    assert.match(leakHover, /Use "species\\?_code" as the label/);
    const label = await hoverText(uri, cell(uri, 'species').start.translate(0, 1));
    assert.match(label, /multiclass/);

    // The code action on a header cell.
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, cell(uri, 'colour'))) as vscode.CodeAction[];
    const use = actions.find((a) => a.title === 'Use "colour" as the label');
    assert.ok(use?.command, `offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.deepEqual(use.command.arguments?.slice(1), ['colour']);
    const onLabel = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, cell(uri, 'species'))) as vscode.CodeAction[];
    assert.ok(!onLabel.some((a) => a.title.startsWith('Use "species"')), 'not offered for the current label');
  });

  test('a configured label a file does not have: analysed without a label, said once, no error', async () => {
    const cfg = vscode.workspace.getConfiguration('kryptonite');
    const messy = workspaceFile('data', 'messy.csv');
    const copy = workspaceFile('data', 'houses-copy.csv');
    fs.copyFileSync(houses().fsPath, copy.fsPath);
    await api.controller.index.refresh();
    const said = (): number => api.controller.analyses.notifications.filter((n) => n.includes('"outcome"')).length;
    const before = said();
    await cfg.update('labelColumn', 'outcome', vscode.ConfigurationTarget.Workspace);
    try {
      const first = done(await vscode.commands.executeCommand('kryptonite.analyseDataset', messy));
      assert.equal(first.report.dataset.label, null);
      assert.match(first.notice ?? '', /label column "outcome" \(the kryptonite\.labelColumn setting\) is not in messy\.csv/);
      const second = done(await vscode.commands.executeCommand('kryptonite.analyseDataset', messy));
      assert.equal(second.report.dataset.label, null);
      const third = done(await vscode.commands.executeCommand('kryptonite.analyseDataset', copy));
      assert.match(third.notice ?? '', /houses-copy\.csv/);
      assert.equal(said() - before, 1, 'one notification for the setting, not one per file and run');
      assert.ok(!vscode.languages.getDiagnostics(messy).some((d) => d.code === 'analysisFailed' || d.code === 'labelNotFound'));
      // A dataset with its own label is not affected by the folder default.
      assert.equal(done(await vscode.commands.executeCommand('kryptonite.analyseDataset', pets())).report.dataset.label?.name, 'species');
      // The panel says it too.
      const message = api.controller.current(messy) as Extract<HostToWebview, { type: 'report' }>;
      assert.match(message.notice ?? '', /"outcome"/);
    } finally {
      // Close the copy's report first: the setting change below re-runs every open report.
      api.controller.panels.get(copy)?.dispose();
      fs.unlinkSync(copy.fsPath);
      await cfg.update('labelColumn', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});

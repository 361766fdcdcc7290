/// <reference types="mocha" />
/**
 * Exclusions that hold, in a real VS Code (code-server through the harness shim): the "Exclude feature from training"
 * quick fix on an irrelevant feature's header diagnostic, then Train Model — the saved model's kryptonite.json must
 * lack the feature in `inputs` and `sourceFeatures` and list it in `excluded`, and the training panel must say
 * "Excluded by the user: x4". Predict Labels with that model reads a table without x4, says a table with x4 had it left
 * unread, and refuses wider.csv (x1 … x8: two feature columns the model never saw), naming x7 and x8 and writing
 * nothing. The dataset is a copy of small.csv (ground truth: x4 and x6 irrelevant), so the exclusions other suites record
 * for small.csv do not matter here, and this suite's do not reach them. Waits are on events, never sleeps.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { diagnosticsWhen, EXTENSION_ID, eventually, workspaceFile } from './helpers';
import type { KryptoniteApi } from '../../src/extension';
import type { PredictOutcome } from '../../src/features/training/register';
import type { TrainOutcome } from '../../src/features/training/trainer';

let api: KryptoniteApi;
const data = (): vscode.Uri => workspaceFile('data', 'small-exclusions.csv');
let trained: Extract<TrainOutcome, { status: 'done' }>;
/** Files this suite writes into the workspace, removed at the end. */
const written: string[] = [];

/** The header cell of `name` (the range the diagnostics and the quick fix sit on). */
function headerCell(uri: vscode.Uri, name: string): vscode.Range {
  const names = fs.readFileSync(uri.fsPath, 'utf8').split(/\r?\n/)[0].split(',');
  const i = names.indexOf(name);
  assert.ok(i >= 0, `${name} is in the header`);
  const start = names.slice(0, i).join(',').length + (i > 0 ? 1 : 0);
  return new vscode.Range(0, start, 0, start + name.length);
}

/** A copy of small.csv's rows with only `columns`, written as data/<name>. */
function writeColumns(name: string, columns: readonly string[]): vscode.Uri {
  const lines = fs.readFileSync(workspaceFile('data', 'small.csv').fsPath, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const keep = columns.map((c) => header.indexOf(c));
  assert.ok(keep.every((i) => i >= 0), `small.csv has ${columns.join(', ')}`);
  const uri = workspaceFile('data', name);
  fs.writeFileSync(uri.fsPath, lines.map((l) => keep.map((i) => l.split(',')[i]).join(',')).join('\n') + '\n');
  written.push(uri.fsPath);
  return uri;
}

suite('Exclusions that hold: the quick fix, Train Model, Predict Labels', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<KryptoniteApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    fs.copyFileSync(workspaceFile('data', 'small.csv').fsPath, data().fsPath);
    written.push(data().fsPath);
    await api.controller.index.refresh();
  });

  suiteTeardown(async () => {
    if (trained) await vscode.commands.executeCommand('kryptonite.deleteTrainingRun', trained.run.dir, true);
    for (const f of written) fs.rmSync(f, { force: true });
    await api?.controller.index.refresh();
  });

  test('the quick fix on x4\'s header diagnostic excludes it; Train Model saves a model without x4 and the panel says so', async function () {
    this.timeout(180_000);
    const uri = data();
    const analysed = diagnosticsWhen(uri, (d) => d.filter((x) => x.code === 'irrelevantFeature').length === 2);
    await vscode.commands.executeCommand('kryptonite.analyseDataset', uri);
    const diags = await analysed;
    const onX4 = diags.find((d) => d.range.isEqual(headerCell(uri, 'x4')));
    assert.ok(onX4, `a diagnostic on x4's header cell: ${diags.map((d) => d.message).join(' | ')}`);
    assert.doesNotMatch(onX4.message, /excluded from training/, 'not excluded yet');

    // The real quick fix: the code action VS Code offers on that cell of the open file, and its command.
    await vscode.window.showTextDocument(uri, { preview: false });
    const actions = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, onX4.range)) as vscode.CodeAction[];
    const exclude = actions.find((a) => a.title === 'Exclude feature "x4" from training');
    assert.ok(exclude?.command, `the quick fix is offered, got ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(exclude.kind?.value, vscode.CodeActionKind.QuickFix.value);
    // The analysis runs again without x4: no irrelevance verdict on it any more, one diagnostic saying it is excluded by
    // the user, on the same header cell.
    const marked = diagnosticsWhen(uri, (d) => d.some((x) => x.range.isEqual(onX4.range) && x.code === 'excludedByUser'));
    await vscode.commands.executeCommand(exclude.command.command, ...(exclude.command.arguments ?? []));
    const after = await marked;
    const onX4After = after.filter((d) => d.range.isEqual(onX4.range));
    assert.deepEqual(onX4After.map((d) => d.code), ['excludedByUser'], onX4After.map((d) => d.message).join(' | '));
    assert.match(onX4After[0].message, /"x4" is excluded by the user .*the analysis, Train Model and Predict Labels leave it out/);
    const report = api.controller.analyses.report(api.controller.keyOf(uri));
    assert.ok(report && !report.features.some((f) => f.name === 'x4'), 'the report has no feature x4');
    assert.deepEqual(
      report?.dataset.columns.filter((c) => c.name === 'x4').map((c) => [c.role, c.reason]),
      [['excluded', 'excluded by the user']],
    );
    const settings = JSON.parse(fs.readFileSync(workspaceFile('.kryptonite', 'settings.json').fsPath, 'utf8'));
    assert.deepEqual(settings.excludedFeatures['data/small-exclusions.csv'], ['x4']);
    const again = (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, onX4.range)) as vscode.CodeAction[];
    assert.ok(!again.some((a) => a.title.startsWith('Exclude feature "x4"')), 'once excluded, the quick fix is no longer offered');

    // Train Model, with the panel open so it shows the saved run.
    await vscode.commands.executeCommand('kryptonite.showTraining', uri);
    const panel = api.training.panel(uri);
    assert.ok(panel, 'a training panel for small-exclusions.csv');
    await eventually(panel.onDidRender, () => (api.training.panelState(uri)?.ready ? true : undefined), 'the training webview to render');
    const request = { config: { model: 'mlp', hidden: [32], batchSize: 32, epochs: 150, patience: 150, runs: 1, seed: 7 } };
    const outcome = (await vscode.commands.executeCommand('kryptonite.trainModel', uri, request)) as TrainOutcome;
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    trained = outcome;

    // The saved model, as predict will read it: x4 is no input and no source feature, and it is listed as excluded.
    const meta = JSON.parse(fs.readFileSync(path.join(outcome.run.modelDir, 'kryptonite.json'), 'utf8'));
    assert.deepEqual(meta.sourceFeatures, ['x1', 'x2', 'x3', 'x5', 'x6']);
    assert.ok(Array.isArray(meta.inputs) && meta.inputs.length > 0, `inputs: ${JSON.stringify(meta.inputs)}`);
    assert.ok(!(meta.inputs as string[]).some((n) => /\bx4\b/.test(n)), `no input is built from x4: ${meta.inputs.join(', ')}`);
    assert.deepEqual(meta.excluded, ['x4']);
    assert.equal(meta.label, 'y');
    const model = JSON.parse(fs.readFileSync(path.join(outcome.run.modelDir, 'model.json'), 'utf8'));
    const shapes = JSON.stringify(model.modelTopology).match(/"batch_input_shape":\[null,(\d+)\]/);
    assert.equal(Number(shapes?.[1]), meta.inputs.length, 'the network reads exactly the listed inputs');
    // … and the run's report says the same.
    const metrics = JSON.parse(fs.readFileSync(path.join(outcome.run.dir, 'metrics.json'), 'utf8'));
    assert.deepEqual(metrics.excluded, ['x4']);
    assert.ok(!(metrics.features as string[]).includes('x4'), `report features: ${metrics.features.join(', ')}`);
    assert.ok(outcome.run.report.test.accuracy > 0.75, `x4 is irrelevant: leaving it out still learns (test accuracy ${outcome.run.report.test.accuracy})`);

    // The panel's run section shows the exclusion.
    const state = await eventually(
      panel.onDidRender,
      () => {
        const s = api.training.panelState(uri);
        return s && s.selected.includes(outcome.run.meta.id) && s.webviewExcluded.length > 0 ? s : undefined;
      },
      'the panel to show the saved run with its exclusion',
    );
    assert.deepEqual(state.webviewExcluded, ['Excluded by the user: x4']);
  });

  test('Predict Labels: a table without x4 is enough, x4 present is left unread, other features are refused by name', async function () {
    this.timeout(120_000);
    assert.ok(trained, 'the training test ran first');

    // Without x4 (and without the label): the model needs nothing else.
    const without = writeColumns('exclusions-no-x4.csv', ['x1', 'x2', 'x3', 'x5', 'x6']);
    const r = (await vscode.commands.executeCommand('kryptonite.predictLabels', trained.run.dir, without, 'csv', 'yes')) as PredictOutcome;
    assert.equal(r.status, 'written', JSON.stringify(r));
    if (r.status !== 'written') return;
    written.push(r.out);
    assert.equal(r.rows, 600);
    assert.deepEqual(r.notes, []);

    // With x4: read around, and said so.
    const withX4 = writeColumns('exclusions-with-x4.csv', ['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
    const w = (await vscode.commands.executeCommand('kryptonite.predictLabels', trained.run.dir, withX4, 'csv', 'yes')) as PredictOutcome;
    assert.equal(w.status, 'written', JSON.stringify(w));
    if (w.status !== 'written') return;
    written.push(w.out);
    assert.deepEqual(w.notes, ['not read (excluded from training by the user): x4']);
    const a = fs.readFileSync(r.out, 'utf8');
    assert.equal(fs.readFileSync(w.out, 'utf8'), a, 'x4 changes no prediction: the model never reads it');

    // wider.csv (x1 … x8 and y): x7 and x8 are features the model was not trained on — refused, named, nothing written.
    const wider = workspaceFile('data', 'wider.csv');
    const refused = (await vscode.commands.executeCommand('kryptonite.predictLabels', trained.run.dir, wider, 'npy', 'yes')) as PredictOutcome;
    assert.equal(refused.status, 'failed', JSON.stringify(refused));
    const message = refused.status === 'failed' ? refused.message : '';
    assert.match(message, /^Kryptonite: cannot predict wider\.csv with run .* \(small-exclusions\.csv\): .*has 2 feature columns the model in .* was not trained on: x7, x8/);
    assert.doesNotMatch(message, /\bx4\b/, 'the excluded feature is known to the model, not an extra column');
    assert.ok(!fs.existsSync(workspaceFile('data', 'wider-predicted.npy').fsPath), 'nothing is written');
  });
});

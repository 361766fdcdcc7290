/// <reference types="mocha" />
/**
 * Training a regression from the editor, in a real VS Code (code-server through the harness shim). The fixture
 * test/fixtures/workspace/data/regression.csv has a numeric target y = 3·x1 − 2·x2 + a shift by the text column `site`
 * + noise (best possible R² ≈ 0.98). Train Model must learn it as a regression (R² > 0.9 on the test rows, saved in the
 * run's metrics.json), the panel must name the score R² and draw the predicted-against-actual plot, the explorer must
 * list the run as "regression · test R² …", and Predict Labels must report the predicted values and name a level of
 * `site` the model never saw. Waits are on events, never sleeps.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, eventually, workspaceFile } from './helpers';
import type { KryptoniteApi } from '../../src/extension';
import type { ExplorerNode } from '../../src/features/datasets/tree';
import type { PredictOutcome } from '../../src/features/training/register';
import type { TrainOutcome } from '../../src/features/training/trainer';

let api: KryptoniteApi;
const data = (): vscode.Uri => workspaceFile('data', 'regression.csv');
let trained: Extract<TrainOutcome, { status: 'done' }>;

suite('Training a regression', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<KryptoniteApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    await api.controller.index.refresh();
  });

  test('before training, the label is read as a regression and Custom gets the engine\'s defaults for it (no CNN)', async () => {
    assert.equal(await api.training.trainer.taskOf(data()), 'regression');
    const plan = await api.training.trainer.plan(data());
    assert.ok(plan);
    assert.equal(plan.label, 'y');
    assert.equal(plan.rows, 300);
    assert.deepEqual(Object.keys(plan.defaults).sort(), ['logreg', 'mlp'], 'the 1-D CNN classifies only');
    assert.equal(plan.defaults.mlp?.model, 'mlp');
    assert.ok((plan.defaults.mlp?.hidden.length ?? 0) > 0);
    assert.deepEqual(plan.defaults.logreg?.hidden, []);
    assert.equal(await api.training.trainer.taskOf(workspaceFile('data', 'small.csv')), 'binary');
    assert.ok((await api.training.trainer.plan(workspaceFile('data', 'small.csv')))?.defaults.cnn1d, 'a classifier may be a CNN');
  });

  test('Train Model learns y as a regression: test R² > 0.9 saved with the run, R² curves and the residual plot in the panel', async function () {
    this.timeout(120_000);
    const uri = data();
    await vscode.commands.executeCommand('kryptonite.showTraining', uri);
    const panel = api.training.panel(uri);
    assert.ok(panel, 'a training panel for regression.csv');
    await eventually(panel.onDidRender, () => (api.training.panelState(uri)?.ready ? true : undefined), 'the training webview to render');

    const started: (string | undefined)[] = [];
    const messages: string[] = [];
    const sub = api.training.trainer.onDidChange((e) => {
      if (e.kind === 'started') started.push(e.task);
      if (e.kind === 'epoch') messages.push(e.message);
    });
    let outcome: TrainOutcome;
    try {
      outcome = (await vscode.commands.executeCommand('kryptonite.trainModel', uri, { preset: 'auto', config: { seed: 7 } })) as TrainOutcome;
    } finally {
      sub.dispose();
    }
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    trained = outcome;
    assert.deepEqual(started, ['regression'], 'the live run knew its task before the first epoch');
    assert.ok(messages.length > 0 && messages.every((m) => /R² -?\d\.\d{3}\/-?\d\.\d{3} \(train\/val\)/.test(m) && !/acc/.test(m)), `epoch lines name R²: ${messages[0]}`);

    // The saved run's report, as written to disk.
    const metrics = JSON.parse(fs.readFileSync(path.join(outcome.run.dir, 'metrics.json'), 'utf8'));
    assert.equal(metrics.task, 'regression');
    assert.equal(metrics.metric, 'r2');
    assert.equal(metrics.target?.name, 'y');
    assert.equal(metrics.test.accuracy, null, 'no accuracy for a regression (NaN is null in JSON)');
    assert.ok(metrics.test.r2 > 0.9, `test R² ${metrics.test.r2}`);
    assert.ok(metrics.test.mae > 0 && metrics.test.rmse >= metrics.test.mae, `MAE ${metrics.test.mae}, RMSE ${metrics.test.rmse}`);
    assert.deepEqual(metrics.test.confusion, []);
    assert.equal(metrics.test.residuals.actual.length, metrics.test.rows);
    assert.equal(metrics.test.residuals.sampled, false);
    assert.ok(
      (metrics.encoding as { feature: string; how: string }[]).some((e) => e.feature === 'site' && /one-hot/.test(e.how)),
      'the text column is an input (one-hot)',
    );

    // The panel: the score curve is headed R² (never Accuracy), the run's residual plot and no confusion matrix.
    const id = outcome.run.meta.id;
    const state = await eventually(
      panel.onDidRender,
      () => {
        const s = api.training.panelState(uri);
        return s && s.selected.includes(id) && s.webviewCharts.includes(`residuals-${id}`) ? s : undefined;
      },
      'the panel to draw the residual plot of the saved run',
    );
    assert.ok(state.webviewHeadings.includes('R²'), `headings: ${state.webviewHeadings.join(' | ')}`);
    assert.ok(!state.webviewHeadings.some((h) => /accuracy|confusion/i.test(h)), `no accuracy or confusion heading: ${state.webviewHeadings.join(' | ')}`);
    assert.ok(state.webviewHeadings.some((h) => /^Test rows: predicted against actual$/.test(h)), 'the residual plot is headed (not sampled: 60 test rows)');
    assert.deepEqual([...state.webviewCharts].sort(), ['accuracy', 'loss', `residuals-${id}`].sort());
    assert.equal(state.webviewPoints, 2 * outcome.run.report.epochsRun);

    // The explorer: the run's line names the task and its metric.
    const node = api.tree.getChildren().find((n) => api.tree.getTreeItem(n).label === 'regression.csv');
    assert.ok(node);
    const listed = await eventually(api.tree.onDidChangeTreeData, () => {
      const group = api.tree.getChildren(node).find((n) => n.kind === 'contributed');
      const runs = group ? api.tree.getChildren(group) : [];
      return runs.find((n: ExplorerNode) => api.tree.getTreeItem(n).id?.endsWith(id));
    }, 'the run in the explorer');
    assert.match(String(api.tree.getTreeItem(listed).description), /^regression · test R² 0\.9\d\d · /);
  });

  test('Predict Labels on a regression model: count, mean and range of the values, and the unseen level named', async function () {
    this.timeout(60_000);
    assert.ok(trained, 'the training test ran first');
    // The first 20 rows without y, one of them at a site the model never saw.
    const lines = fs.readFileSync(data().fsPath, 'utf8').trim().split(/\r?\n/).slice(0, 21);
    const rows = lines.map((l) => l.split(',').slice(0, 3));
    rows[1][2] = 'delta';
    const target = workspaceFile('data', 'regression-new.csv');
    fs.writeFileSync(target.fsPath, rows.map((r) => r.join(',')).join('\n') + '\n');
    try {
      const r = (await vscode.commands.executeCommand('kryptonite.predictLabels', trained.run.dir, target, 'csv', 'yes')) as PredictOutcome;
      assert.equal(r.status, 'written', JSON.stringify(r));
      if (r.status !== 'written') return;
      assert.equal(r.task, 'regression');
      assert.equal(r.values?.count, 20);
      assert.deepEqual(r.unseen, [{ feature: 'site', levels: ['delta'], rows: 1 }]);
      assert.match(r.message, /^Kryptonite: 20 predicted values of y written to .*regression-new-predicted\.csv \(mean -?[\d.]+, range -?[\d.]+ … -?[\d.]+\)/);
      assert.match(r.message, /site: 1 row with a level never seen in training \("delta"\)/);
      assert.doesNotMatch(r.message, /accuracy|NaN|labels written/);
      const out = fs.readFileSync(r.out, 'utf8').trim().split('\n');
      assert.equal(out[0], 'prediction');
      assert.equal(out.length, 21);
      const values = out.slice(1).map(Number);
      assert.ok(values.every(Number.isFinite));
      assert.ok(Math.abs(values.reduce((a, b) => a + b, 0) / values.length - (r.values?.mean ?? NaN)) < 1e-9, 'the message\'s mean is the file\'s');
    } finally {
      fs.rmSync(target.fsPath, { force: true });
      fs.rmSync(workspaceFile('data', 'regression-new-predicted.csv').fsPath, { force: true });
    }
  });
});

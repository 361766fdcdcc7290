/// <reference types="mocha" />
/**
 * Training from the editor, in a real VS Code (code-server 1.139 through the harness shim): Train Model runs in the
 * worker, streams epochs to the training panel, saves the run under .kryptonite/runs/ and lists it in the explorer;
 * Cancel stops it; Predict Labels writes the labels file. Waits are on events, never sleeps.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, workspaceFile } from './helpers';
import type { KryptoniteApi } from '../../src/extension';
import type { ExplorerNode } from '../../src/features/datasets/tree';
import type { TrainOutcome } from '../../src/features/training/trainer';
import type { PredictOutcome } from '../../src/features/training/register';



/** Resolves once `check` returns a value (tried now and after every `event`); rejects after `ms`. */
function when<T, E>(event: vscode.Event<E>, check: () => T | undefined, what: string, ms = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = (): boolean => {
      const v = check();
      if (v === undefined) return false;
      sub.dispose();
      clearTimeout(timer);
      resolve(v);
      return true;
    };
    const sub = event(() => void done());
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    done();
  });
}

/** Read a 1-D little-endian int64 .npy (format 1.0/2.0) as numbers. */
function readInt64Npy(file: string): number[] {
  const b = fs.readFileSync(file);
  assert.equal(b.subarray(0, 6).toString('latin1'), '\x93NUMPY');
  const major = b[6];
  const headerLen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = b.subarray(major === 1 ? 10 : 12, start).toString('latin1');
  assert.match(header, /'descr': '<i8'/);
  const out: number[] = [];
  for (let o = start; o + 8 <= b.length; o += 8) out.push(Number(b.readBigInt64LE(o)));
  return out;
}

let api: KryptoniteApi;
const small = (): vscode.Uri => workspaceFile('data', 'small.csv');
let trained: Extract<TrainOutcome, { status: 'done' }>;

suite('Training from the editor', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<KryptoniteApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    await api.controller.index.refresh();
  });

  test('Train Model runs to completion: run files saved, epochs streamed to the panel, run listed in the tree', async function () {
    this.timeout(120_000);
    const uri = small();
    // Open the panel first and wait for its first render, so every epoch of the run has a webview to go to.
    await vscode.commands.executeCommand('kryptonite.showTraining', uri);
    const panel = api.training.panel(uri);
    assert.ok(panel, 'a training panel for small.csv');
    await when(panel.onDidRender, () => (api.training.panelState(uri)?.ready ? true : undefined), 'the training webview to render');
    assert.match(panel.panel.webview.html, /default-src 'none'/);
    assert.doesNotMatch(panel.panel.webview.html, /unsafe-eval|unsafe-inline/);

    const epochs: number[] = [];
    const sub = api.training.trainer.onDidChange((e) => e.kind === 'epoch' && epochs.push(e.progress.epoch));
    const request = { config: { model: 'mlp', hidden: [64], activation: 'relu', optimizer: 'adam', learningRate: 0.001, batchSize: 8, dropout: [0], epochs: 600, patience: 600, runs: 2, seed: 7 } };
    let outcome: TrainOutcome;
    try {
      outcome = (await vscode.commands.executeCommand('kryptonite.trainModel', uri, request)) as TrainOutcome;
    } finally {
      sub.dispose();
    }
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    trained = outcome;
    const run = outcome.run;
    const report = run.report;
    assert.ok(epochs.length > 0, 'epoch progress reached the host');

    // The run folder: config, history, metrics and the TensorFlow.js model, under .kryptonite/runs/small/<id>/.
    assert.equal(path.dirname(run.dir), workspaceFile('.kryptonite', 'runs', 'small').fsPath);
    for (const f of ['run.json', 'config.json', 'history.json', 'metrics.json', 'model/model.json', 'model/weights.bin', 'model/kryptonite.json']) {
      assert.ok(fs.existsSync(path.join(run.dir, f)), `${f} is saved`);
    }
    const history = JSON.parse(fs.readFileSync(path.join(run.dir, 'history.json'), 'utf8')).history as unknown[];
    assert.equal(history.length, report.epochsRun);
    assert.equal(report.config.hidden[0], 64, 'the request reached the engine');
    assert.equal(report.runs?.seeds.length, 2, 'two repeated runs, reported as mean ± sd');
    assert.ok(report.test.accuracy > 0.75, `test accuracy ${report.test.accuracy}`);
    assert.equal(report.backend, 'fused', 'kryptonite.backend = auto trains a dense model on the fused kernel');
    assert.deepEqual(api.training.lastChoice(uri), request, 'the choice is remembered for this dataset');
    assert.equal(api.training.lastChoice(workspaceFile('data', 'messy.csv')), undefined, '… and only for this dataset');

    // The panel streamed live epochs, then showed the saved run: its views hold every epoch (train + validation).
    const state = await when(panel.onDidRender, () => {
      const s = api.training.panelState(uri);
      return s && s.selected.includes(run.meta.id) && s.webviewPoints === 2 * report.epochsRun ? s : undefined;
    }, `the panel to show the ${2 * report.epochsRun} points of the saved run`);
    assert.ok(state.epochsPosted > 0, `live epochs were posted to the webview (${state.epochsPosted})`);
    assert.equal(state.live, null);

    // The explorer lists the run under the dataset.
    const node = api.tree.getChildren().find((n) => api.tree.getTreeItem(n).label === 'small.csv');
    assert.ok(node);
    const listed = await when(api.tree.onDidChangeTreeData, () => {
      const group = api.tree.getChildren(node).find((n) => n.kind === 'contributed');
      const runs = group ? api.tree.getChildren(group) : [];
      return runs.find((n: ExplorerNode) => api.tree.getTreeItem(n).id?.endsWith(run.meta.id));
    }, 'the run in the explorer');
    assert.equal(api.tree.getTreeItem(listed).contextValue, 'kryptonite.trainingRun');
    assert.match(String(api.tree.getTreeItem(listed).description), /test/);
  });

  test('Cancel stops a training within a second, and leaves no run folder', async function () {
    this.timeout(120_000);
    const uri = small();
    const before = fs.readdirSync(workspaceFile('.kryptonite', 'runs', 'small').fsPath).length;
    let cancelledAt = 0;
    const sub = api.training.trainer.onDidChange((e) => {
      if (e.kind === 'epoch' && cancelledAt === 0) {
        cancelledAt = performance.now();
        void vscode.commands.executeCommand('kryptonite.cancelTraining', uri);
      }
    });
    let outcome: TrainOutcome;
    try {
      outcome = (await vscode.commands.executeCommand('kryptonite.trainModel', uri, { config: { hidden: [64], batchSize: 8, epochs: 1_000_000, patience: 1_000_000, seed: 1 } })) as TrainOutcome;
    } finally {
      sub.dispose();
    }
    const stopMs = performance.now() - cancelledAt;
    assert.ok(cancelledAt > 0, 'an epoch arrived before the cancel');
    assert.equal(outcome.status, 'cancelled');
    assert.equal(outcome.status === 'cancelled' && outcome.forced, false, 'the worker stopped by itself (not terminated)');
    console.log(`      cancel → cancelled in ${stopMs.toFixed(0)} ms`);
    assert.ok(stopMs < 1000, `stopped in ${stopMs.toFixed(0)} ms`);
    assert.equal(fs.readdirSync(workspaceFile('.kryptonite', 'runs', 'small').fsPath).length, before, 'the unfinished run folder is removed');
  });

  test('Predict Labels writes <name>-predicted.npy (int64) beside the target, never overwrites unasked, CSV too', async function () {
    this.timeout(120_000);
    assert.ok(trained, 'the training test ran first');
    // A "hidden test set": small.csv without its label column.
    const lines = fs.readFileSync(small().fsPath, 'utf8').trim().split(/\r?\n/);
    const truth = lines.slice(1).map((l) => Number(l.split(',').pop()));
    const hidden = workspaceFile('data', 'hidden.csv');
    fs.writeFileSync(hidden.fsPath, lines.map((l) => l.split(',').slice(0, -1).join(',')).join('\n') + '\n');

    const r = (await vscode.commands.executeCommand('kryptonite.predictLabels', trained.run.dir, hidden, 'npy')) as PredictOutcome;
    assert.equal(r.status, 'written', JSON.stringify(r));
    const out = workspaceFile('data', 'hidden-predicted.npy').fsPath;
    const labels = readInt64Npy(out);
    assert.equal(labels.length, 600);
    assert.ok(labels.every((v) => v === 0 || v === 1), 'labels are the class values 0/1');
    const agree = labels.filter((v, i) => v === truth[i]).length / labels.length;
    assert.ok(agree > 0.8, `predictions agree with the true labels on ${(agree * 100).toFixed(1)} % of rows`);

    // Asked not to overwrite: the file is untouched.
    const mtime = fs.statSync(out).mtimeMs;
    const again = (await vscode.commands.executeCommand('kryptonite.predictLabels', trained.run.dir, hidden, 'npy', 'no')) as PredictOutcome;
    assert.equal(again.status, 'skipped');
    assert.equal(fs.statSync(out).mtimeMs, mtime);

    const csv = (await vscode.commands.executeCommand('kryptonite.predictLabels', trained.run.dir, hidden, 'csv')) as PredictOutcome;
    assert.equal(csv.status, 'written');
    const csvLines = fs.readFileSync(workspaceFile('data', 'hidden-predicted.csv').fsPath, 'utf8').trim().split('\n');
    assert.equal(csvLines[0], 'label');
    assert.deepEqual(csvLines.slice(1).map(Number), labels);
  });

  test('Predict Labels on a dataset with other features fails with a clear message, writing nothing', async function () {
    this.timeout(60_000);
    const wrong = workspaceFile('data', 'wrong.csv');
    fs.writeFileSync(wrong.fsPath, 'a,b,c\n1,2,3\n4,5,6\n');
    const r = (await vscode.commands.executeCommand('kryptonite.predictLabels', trained.run.dir, wrong, 'npy')) as PredictOutcome;
    assert.equal(r.status, 'failed');
    // The engine's message, naming the model's features the table lacks and the columns it has instead.
    assert.match(r.status === 'failed' ? r.message : '', /wrong\.csv: lacks x1, x2, x3, .*which the model in .* expects; it has a, b, c instead/);
    assert.ok(!fs.existsSync(workspaceFile('data', 'wrong-predicted.npy').fsPath));
  });

  test('Delete Training Run removes the folder and the tree entry', async function () {
    this.timeout(60_000);
    const id = trained.run.meta.id;
    assert.equal(await vscode.commands.executeCommand('kryptonite.deleteTrainingRun', trained.run.dir, true), true);
    assert.ok(!fs.existsSync(trained.run.dir));
    const runs = await api.training.store.list(small().fsPath);
    assert.ok(!runs.some((r) => r.meta.id === id));
  });
});

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands, Config, TRAINING_VIEW_TYPE, TrainingCommands } from '../../constants';
import type { CompareReport } from '../../engine/compare/compare';
import { bestMark, epochPoints } from '../../engine/charts/training';
import type { DatasetChoices } from '../../host/datasetChoices';
import type { DatasetIndex, DatasetRef } from '../../host/datasetIndex';
import type { TreeContributions } from '../../host/explorerTree';
import { activeDataFile, pickDataset, toUri } from '../../host/targets';
import { PanelSerializer } from '../../host/webviewController';
import type { LabelTask } from '../../engine/dataset';
import type { PredictJob, TrainPlan } from '../../protocol';
import { JobCancelledError, JobFailedError, type WorkerClient } from '../../worker/client';
import { LastChoices, pickTrainRequest } from './quickPick';
import { describeRequest, errorsLine, isTrainRequest, predictMessage, summariseTraining, taskOf, testScore, type TrainRequest } from './request';
import { RunStore, runSeries, type StoredRun } from './runStore';
import { runOfNode, TrainingRunsTree } from './runsTree';
import { Trainer, type TrainOutcome } from './trainer';
import { isTrainingPanelState, TrainingPanel, type LiveTraining, type TrainingPanelHost, type TrainingPanelSnapshot } from './trainingPanel';

export interface TrainingDeps {
  readonly worker: WorkerClient;
  readonly index: DatasetIndex;
  readonly tree: TreeContributions;
  readonly choices: DatasetChoices;
  readonly log: vscode.LogOutputChannel;
  /**
   * Compare Datasets, as Predict Labels runs it after writing the labels: the model's training file (A) against the
   * table predicted on (B), without opening the panel unless it is open. Features never import each other: the
   * extension hands this in.
   */
  readonly compareDatasets?: (a: vscode.Uri, b: vscode.Uri, options: { readonly quiet: boolean }) => Promise<CompareReport | undefined>;
}

/** What the integration tests use to look inside (returned by activate() as `training`). */
export interface TrainingApi {
  readonly trainer: Trainer;
  readonly store: RunStore;
  panel(dataset: vscode.Uri): TrainingPanel | undefined;
  panelState(dataset: vscode.Uri): TrainingPanelSnapshot | undefined;
  /** The training request remembered for a dataset (offered first by the next Train Model). */
  lastChoice(dataset: vscode.Uri): TrainRequest | undefined;
}

export type PredictOutcome =
  | {
      readonly status: 'written';
      readonly out: string;
      readonly rows: number;
      /** What the model predicts: classes (`counts` per class) or a number (`values` summarises the predictions). */
      readonly task: 'binary' | 'multiclass' | 'regression';
      readonly counts: number[];
      readonly classes: string[];
      readonly values?: { readonly count: number; readonly mean: number; readonly min: number; readonly max: number };
      /** Categorical levels the model never saw in training, per feature (read as no known level). */
      readonly unseen: readonly { readonly feature: string; readonly levels: readonly string[]; readonly rows: number }[];
      /** The message shown to the user. */
      readonly message: string;
      /** One line per feature whose distribution differs from the training data (empty: none, or no check possible). */
      readonly drift: string[];
      /** How the columns were matched and what was left unread. */
      readonly notes: string[];
      /** The table against the model's training file (Compare Datasets); absent when that file is gone or is the table. */
      readonly compare?: { readonly sameDistribution: boolean; readonly summary: string; readonly flagged: readonly string[]; readonly auc: number | null };
    }
  | { readonly status: 'skipped' | 'cancelled' }
  | { readonly status: 'failed'; readonly message: string };

/** Train Model, Predict Labels, the training panel and the runs in the explorer: constructed and registered here. */
export function registerTraining(context: vscode.ExtensionContext, deps: TrainingDeps): TrainingApi {
  const { worker, index, tree, log } = deps;
  const store = new RunStore((datasetPath) => {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(datasetPath)) ?? vscode.workspace.workspaceFolders?.[0];
    // Outside any workspace folder the runs go beside the dataset's folder, still never into the data file.
    return folder?.uri.scheme === 'file' ? folder.uri.fsPath : path.dirname(datasetPath);
  });
  const trainer = new Trainer(worker, store, log, (uri) => deps.choices.get(keyOf(uri)));
  const runsTree = new TrainingRunsTree(store, trainer);
  const last = new LastChoices(context.workspaceState);
  const panels = new Map<string, TrainingPanel>();
  const live = new Map<string, LiveTraining>();
  const keyOf = (uri: vscode.Uri): string => index.find(uri)?.key ?? uri.toString();
  const datasetOf = (uri: vscode.Uri): DatasetRef | undefined => index.find(uri);

  const host: TrainingPanelHost = {
    runs: (uri) => runsTree.runs(uri.fsPath),
    live: (uri) => live.get(keyOf(uri)),
    cancel: (uri) => void trainer.cancel(keyOf(uri)),
    log,
  };
  const track = (p: TrainingPanel): TrainingPanel => {
    const key = keyOf(p.dataset);
    panels.get(key)?.dispose();
    panels.set(key, p);
    p.onDidDispose(() => panels.get(key) === p && panels.delete(key));
    return p;
  };
  const showPanel = (uri: vscode.Uri, selected: readonly string[]): TrainingPanel => {
    const existing = panels.get(keyOf(uri));
    if (existing) {
      existing.reveal();
      void existing.select(selected);
      return existing;
    }
    return track(TrainingPanel.create(datasetOf(uri)?.uri ?? uri, context.extensionUri, host, selected));
  };

  context.subscriptions.push(
    trainer,
    runsTree,
    tree.contribute(runsTree),
    { dispose: () => panels.forEach((p) => p.dispose()) },
    new PanelSerializer(TRAINING_VIEW_TYPE, isTrainingPanelState, (panel, state) => {
      track(new TrainingPanel(panel, vscode.Uri.parse(state.dataset), context.extensionUri, host, state.selected));
    }),
    trainer.onDidChange((e) => {
      const panel = panels.get(e.key);
      switch (e.kind) {
        case 'started':
          live.set(e.key, {
            series: e.series,
            ...(e.task ? { task: e.task } : {}),
            points: [],
            best: null,
            bestLoss: Infinity,
            status: `Training (${describeRequest(e.request)})…`,
            lastEpoch: 0,
            lastRun: 1,
            cancelled: false,
          });
          void panel?.select([]);
          return;
        case 'epoch': {
          const l = live.get(e.key);
          // After Cancel the panel keeps "Cancelled at epoch k": the epoch or two the worker finishes meanwhile are not news.
          if (!l || l.series !== e.series || l.cancelled) return;
          const p = e.progress;
          l.lastEpoch = p.epoch;
          l.lastRun = p.run;
          l.status = e.message;
          const workerAt = e.at !== undefined ? { workerAt: { first: e.at, last: e.at } } : {};
          // Only the first run's curve is drawn live: repeated runs restart at epoch 1 with another seed.
          if (p.run !== 1) {
            panel?.epoch({ series: e.series, points: [], best: l.best, status: e.message, ...workerAt });
            return;
          }
          const rows = epochPoints(e.series, p);
          l.points.push(...rows);
          // The same rule as the engine's early stopping: strictly lower validation loss.
          if (p.valLoss < l.bestLoss) {
            l.bestLoss = p.valLoss;
            l.best = bestMark(e.series, [p]);
          }
          panel?.epoch({ series: e.series, points: rows, best: l.best, status: e.message, ...workerAt });
          return;
        }
        case 'cancelling': {
          const l = live.get(e.key);
          if (!l || l.series !== e.series || l.cancelled) return;
          l.cancelled = true;
          l.status = cancelledStatus(l);
          panel?.status(l.status, 'cancelled');
          return;
        }
        case 'finished': {
          const l = live.get(e.key);
          // A newer training of the same dataset may have started meanwhile: its live state stays.
          if (l?.series !== e.series) return;
          live.delete(e.key);
          if (!panel) return;
          const o = e.outcome;
          if (o.status === 'done') void panel.select([o.run.meta.id]);
          else if (o.status === 'cancelled') panel.status(`${cancelledStatus(l)}${o.forced ? ' The worker did not stop in time and was restarted.' : ''}`, 'cancelled');
          else panel.status(`Training failed: ${o.message}`, o.status);
          return;
        }
        case 'deleted':
          void panel?.refresh();
          return;
      }
    }),
  );

  /**
   * After a prediction: does the table predicted on come from the distribution the model was trained on? Compare
   * Datasets (per-feature tests at FDR 5 % and the classifier two-sample test) on the training file and the table; a
   * difference, or a label that drifted, is a warning with the way to the comparison.
   */
  const compareWithTraining = async (trainingPath: string, trainingLabel: string, target: vscode.Uri): Promise<Extract<PredictOutcome, { status: 'written' }>['compare'] | undefined> => {
    if (!deps.compareDatasets || !existsSync(trainingPath) || path.resolve(trainingPath) === path.resolve(target.fsPath)) return undefined;
    const training = vscode.Uri.file(trainingPath);
    const report = await deps.compareDatasets(training, target, { quiet: true });
    if (!report) return undefined;
    const flagged = [...report.features.filter((f) => f.flagged).map((f) => f.name), ...report.typeChanged.map((t) => t.name)];
    log.info(`predict ${path.basename(target.fsPath)} against the training data ${trainingLabel}: ${report.summary}`);
    if (!report.sameDistribution) {
      const show = 'Show comparison';
      void vscode.window
        .showWarningMessage(`Kryptonite: ${path.basename(target.fsPath)} does not look like the training data (${trainingLabel}): ${report.summary}`, show)
        .then((choice) => {
          if (choice === show) void vscode.commands.executeCommand(Commands.compareDatasets, training, target);
        });
    }
    return { sameDistribution: report.sameDistribution, summary: report.summary, flagged, auc: report.classifierTest?.auc ?? null };
  };

  /** The dataset a command is about: a Uri, a tree node, the active editor's data file, or a quick pick. */
  const resolveDataset = async (arg: unknown, placeHolder: string): Promise<vscode.Uri | undefined> => {
    const explicit = toUri(arg);
    if (explicit) return explicit;
    // The active data file, or the dataset a .kryp editor names.
    const active = activeDataFile();
    if (active) return active;
    return pickDataset(index, placeHolder);
  };

  const allRuns = async (): Promise<StoredRun[]> => (await Promise.all(index.all.filter((d) => d.uri.scheme === 'file').map((d) => runsTree.runs(d.uri.fsPath)))).flat();

  const pickRuns = async (uri: vscode.Uri | undefined, many: boolean, placeHolder: string): Promise<StoredRun[] | undefined> => {
    const runs = uri ? [...(await runsTree.runs(uri.fsPath))] : await allRuns();
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('Kryptonite: no saved training runs yet — run “Kryptonite: Train Model” first.');
      return undefined;
    }
    const items = runs.map((run) => ({ label: runSeries(run.meta.id), description: `${run.meta.datasetLabel} · ${summariseTraining(run.report)}`, detail: describeRequest(run.meta.request), run }));
    if (many) {
      const picked = await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true, matchOnDescription: true });
      return picked?.map((p) => p.run);
    }
    const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
    return picked ? [picked.run] : undefined;
  };

  const reg = (id: string, fn: (...args: unknown[]) => unknown): vscode.Disposable => vscode.commands.registerCommand(id, fn);
  context.subscriptions.push(
    /** (uri?, request?) — with a request (tests, keybindings) no question is asked. */
    reg(TrainingCommands.trainModel, async (arg, requestArg): Promise<TrainOutcome | undefined> => {
      const uri = await resolveDataset(arg, 'Train a model on which dataset?');
      if (!uri) return undefined;
      const dataset = datasetOf(uri);
      const target = dataset?.uri ?? uri;
      const key = keyOf(target);
      const label = dataset?.label ?? path.basename(target.fsPath);
      const seed = vscode.workspace.getConfiguration(Config.section, target).get<number>(Config.seed, 42);
      // The presets offered depend on the label's task, read in the worker while the list shows as busy.
      const plan = (): Promise<{ task: LabelTask | null; defaults: TrainPlan['defaults'] }> =>
        Promise.all([trainer.plan(target), trainer.taskOf(target)]).then(([p, task]) => ({ task: task ?? null, defaults: p?.defaults ?? {} }));
      const request: TrainRequest | undefined = isTrainRequest(requestArg) ? requestArg : await pickTrainRequest(label, last.get(key), seed, plan());
      if (!request) return undefined;
      await last.set(key, request);
      showPanel(target, []);
      const outcome = await trainer.train(target, key, label, request);
      if (outcome.status === 'failed') void vscode.window.showErrorMessage(`Kryptonite: training on ${label} failed — ${outcome.message}`);
      else if (outcome.status === 'cancelled' && outcome.forced) void vscode.window.showWarningMessage('Kryptonite: the training did not stop in time; the worker was restarted.');
      else if (outcome.status === 'done') {
        const r = outcome.run.report;
        const errors = errorsLine(r);
        const what = taskOf(r) === 'regression' && r.target ? ` to predict ${r.target.name}` : '';
        const without = r.excluded && r.excluded.length > 0 ? ` without ${r.excluded.join(', ')} (excluded in .kryptonite/settings.json)` : '';
        void vscode.window.showInformationMessage(
          `Kryptonite: trained on ${label}${what}${without} — ${testScore(r)}${errors ? `, ${errors}` : ''} (${r.backend}); saved in ${vscode.workspace.asRelativePath(outcome.run.dir)}`,
        );
      }
      return outcome;
    }),
    reg(TrainingCommands.cancelTraining, (arg) => {
      const uri = toUri(arg);
      const n = trainer.cancel(uri ? keyOf(uri) : undefined);
      if (n === 0 && !uri) void vscode.window.showInformationMessage('Kryptonite: no training is running.');
      return n;
    }),
    reg(TrainingCommands.showTraining, async (arg) => {
      const uri = await resolveDataset(arg, 'Show the training runs of which dataset?');
      if (!uri) return undefined;
      const runs = await runsTree.runs(uri.fsPath);
      return showPanel(uri, runs.slice(0, 1).map((r) => r.meta.id)) !== undefined;
    }),
    reg(TrainingCommands.openRun, async (arg) => {
      const run = runOfNode(arg) ?? (await pickRuns(toUri(arg), false, 'Open which training run?'))?.[0];
      if (!run) return undefined;
      showPanel(vscode.Uri.file(run.meta.dataset), [run.meta.id]);
      return run.meta.id;
    }),
    /** (uri or tree node?, runIds?) — overlay several runs of one dataset. */
    reg(TrainingCommands.compareRuns, async (arg, idsArg) => {
      const uri = toUri(arg) ?? (await resolveDataset(undefined, 'Compare the training runs of which dataset?'));
      if (!uri) return undefined;
      const ids = Array.isArray(idsArg) && idsArg.every((x) => typeof x === 'string') ? (idsArg as string[]) : (await pickRuns(uri, true, 'Overlay which runs? (pick two or more)'))?.map((r) => r.meta.id);
      if (!ids || ids.length === 0) return undefined;
      showPanel(uri, ids);
      return ids;
    }),
    /** (tree node or run dir?, confirmed?) — asks first (modal) unless `confirmed === true`. */
    reg(TrainingCommands.deleteRun, async (arg, confirmed) => {
      const run = runOfNode(arg) ?? (typeof arg === 'string' && existsSync(path.join(arg, 'run.json')) ? await store.read(arg) : (await pickRuns(undefined, false, 'Delete which training run?'))?.[0]);
      if (!run) return false;
      if (confirmed !== true) {
        const ok = await vscode.window.showWarningMessage(
          `Delete the training run ${runSeries(run.meta.id)} of ${run.meta.datasetLabel}?`,
          { modal: true, detail: `This removes ${vscode.workspace.asRelativePath(run.dir)} (model, history, metrics). The dataset is not touched.` },
          'Delete',
        );
        if (ok !== 'Delete') return false;
      }
      await store.delete(run);
      runsTree.invalidate();
      trainer.deleted(keyOf(vscode.Uri.file(run.meta.dataset)));
      return true;
    }),
    /**
     * (run node or run dir?, target dataset Uri?, format 'npy'|'csv'?, overwrite 'ask'|'yes'|'no'?, ignoreExtra 'yes'?)
     * — a table with feature columns the model was not trained on is refused unless ignoreExtra is 'yes' (the refusal
     * offers to predict without them).
     */
    reg(TrainingCommands.predictLabels, async (runArg, targetArg, formatArg, overwriteArg, ignoreExtraArg): Promise<PredictOutcome | undefined> => {
      const run = runOfNode(runArg) ?? (typeof runArg === 'string' && existsSync(path.join(runArg, 'run.json')) ? await store.read(runArg) : (await pickRuns(undefined, false, 'Predict with which saved model (training run)?'))?.[0]);
      if (!run) return undefined;
      let target = toUri(targetArg);
      if (!target) {
        await index.refresh();
        const picked = await vscode.window.showQuickPick(
          index.all.map((d) => ({ label: d.label, description: vscode.workspace.asRelativePath(d.uri), dataset: d })),
          { placeHolder: `Predict labels for which dataset? (the model reads ${run.report.features.length} features: ${run.report.features.slice(0, 5).join(', ')}${run.report.features.length > 5 ? ', …' : ''})`, matchOnDescription: true },
        );
        target = picked?.dataset.uri;
      }
      if (!target) return undefined;
      if (target.scheme !== 'file') return fail(`Kryptonite predicts for local files only; ${target.toString()} is not on this machine's disk.`);
      const regression = taskOf(run.report) === 'regression';
      const format =
        formatArg === 'npy' || formatArg === 'csv'
          ? formatArg
          : (
              await vscode.window.showQuickPick(
                regression
                  ? [
                      { label: 'npy', description: 'float64 NumPy array of the predicted values' },
                      { label: 'csv', description: 'one "prediction" column' },
                    ]
                  : [
                      { label: 'npy', description: 'int64 NumPy array (the class values when they are integers)' },
                      { label: 'csv', description: 'one "label" column' },
                    ],
                { placeHolder: regression ? 'Write the predictions as…' : 'Write the labels as…' },
              )
            )?.label;
      if (format !== 'npy' && format !== 'csv') return undefined;
      const out = predictedPath(target.fsPath, format);
      if (existsSync(out)) {
        const overwrite =
          overwriteArg === 'yes' ||
          (overwriteArg !== 'no' &&
            (await vscode.window.showWarningMessage(`${path.basename(out)} already exists. Overwrite it?`, { modal: true, detail: vscode.workspace.asRelativePath(out) }, 'Overwrite')) === 'Overwrite');
        if (!overwrite) return { status: 'skipped' };
      }
      const ignoreExtra = ignoreExtraArg === 'yes';
      try {
        const job: PredictJob = { kind: 'predict', modelDir: run.modelDir, path: path.normalize(target.fsPath), out, ...(ignoreExtra ? { ignoreExtra } : {}) };
        const r = await trainer.predict(job, `Kryptonite: predicting ${predictedWhat(run.report.target?.name, regression)} for ${path.basename(target.fsPath)}`);
        const drift = r.drift?.warnings ?? [];
        for (const note of r.notes) log.info(`predict ${path.basename(target.fsPath)}: ${note}`);
        for (const line of drift) log.warn(`predict ${path.basename(target.fsPath)}: ${line}`);
        const message = predictMessage(r, vscode.workspace.asRelativePath(out), run.report.target?.name);
        if (drift.length > 0 || r.unseen.length > 0) void vscode.window.showWarningMessage(message);
        else void vscode.window.showInformationMessage(message);
        const compare = await compareWithTraining(run.meta.dataset, run.meta.datasetLabel, target);
        return {
          status: 'written',
          out,
          rows: r.rows,
          task: r.task,
          counts: r.counts,
          classes: r.classes,
          ...(r.values ? { values: r.values } : {}),
          unseen: r.unseen,
          message,
          drift,
          notes: r.notes,
          ...(compare ? { compare } : {}),
        };
      } catch (error) {
        if (error instanceof JobCancelledError) return { status: 'cancelled' };
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof JobFailedError && error.error.kind === 'internal') log.error(error.error.stack ?? message);
        // The engine names files by their absolute paths; the notification names them as the workspace does.
        const shown = [run.modelDir, run.dir, target.fsPath].reduce((m, p) => m.split(p).join(vscode.workspace.asRelativePath(p)), message);
        const text = `Kryptonite: cannot predict ${path.basename(target.fsPath)} with run ${runSeries(run.meta.id)} (${run.meta.datasetLabel}): ${shown}`;
        if (error instanceof JobFailedError && error.error.code === 'extraFeatures' && !ignoreExtra) {
          // Only extra columns: the model has everything it reads, so predicting without them is the user's call.
          const again = 'Predict without them';
          void vscode.window.showErrorMessage(text, again).then((choice) => {
            if (choice === again) void vscode.commands.executeCommand(TrainingCommands.predictLabels, run.dir, target, format, 'yes', 'yes');
          });
          return { status: 'failed', message: text };
        }
        return fail(text);
      }
    }),
  );

  return {
    trainer,
    store,
    panel: (uri) => panels.get(keyOf(uri)),
    panelState: (uri) => panels.get(keyOf(uri))?.snapshot(),
    lastChoice: (uri) => last.get(keyOf(uri)),
  };
}

/** "Cancelled at epoch 12." — the epoch the worker last reported (and its run, for repeated runs). */
function cancelledStatus(l: Pick<LiveTraining, 'lastEpoch' | 'lastRun'>): string {
  if (l.lastEpoch === 0) return 'Cancelled before the first epoch.';
  return `Cancelled at epoch ${l.lastEpoch}${l.lastRun > 1 ? ` of run ${l.lastRun}` : ''}.`;
}

/** "labels", or for a regression "values of price" (the progress title). */
function predictedWhat(target: string | undefined, regression: boolean): string {
  return regression ? (target ? `values of ${target}` : 'values') : 'labels';
}

function fail(message: string): PredictOutcome {
  void vscode.window.showErrorMessage(message);
  return { status: 'failed', message };
}

/** `data/hidden.csv` → `data/hidden-predicted.npy`; an X/y pair's X file `t-X.npy` → `t-predicted.npy`. */
export function predictedPath(datasetPath: string, format: 'npy' | 'csv'): string {
  const stem = path.basename(datasetPath).replace(/-X\.npy$/i, '').replace(/\.[^.]+$/, '');
  return path.join(path.dirname(datasetPath), `${stem}-predicted.${format}`);
}

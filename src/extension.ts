import * as vscode from 'vscode';
import { Views } from './constants';
import { Analyses } from './features/datasets/analyses';
import { Controller } from './features/datasets/controller';
import { KryptoniteDiagnostics } from './features/datasets/diagnostics';
import { DATA_SELECTOR, FeatureHoverProvider, HeaderCodeActions } from './features/datasets/hover';
import { ExplorerProvider } from './features/datasets/tree';
import { registerCompare, type CompareApi } from './features/compare/register';
import type { HypothesisFiles } from './features/hypotheses/hypothesisFiles';
import { registerHypothesisFiles } from './features/hypotheses/register';
import { registerTraining, type TrainingApi } from './features/training/register';
import { DatasetChoices } from './host/datasetChoices';
import { DatasetIndex } from './host/datasetIndex';
import { WorkerClient } from './worker/client';

/** What activate() returns: used by the integration tests to look inside. */
export interface KryptoniteApi {
  readonly controller: Controller;
  readonly tree: ExplorerProvider;
  readonly training: TrainingApi;
  readonly hypotheses: HypothesisFiles;
  readonly compare: CompareApi;
}

/** Construct, register, and hand every disposable to VS Code. The logic lives in the feature folders. */
export function activate(context: vscode.ExtensionContext): KryptoniteApi {
  const log = vscode.window.createOutputChannel('Kryptonite', { log: true });
  const worker = new WorkerClient({ log: (line) => log.warn(line), info: (line) => log.info(line) });
  const index = new DatasetIndex();
  const choices = new DatasetChoices(context.workspaceState);
  const analyses = new Analyses(worker, context.workspaceState, choices, log);
  const diagnostics = new KryptoniteDiagnostics();
  const controller = new Controller(context.extensionUri, index, analyses, diagnostics, choices, log);
  const tree = new ExplorerProvider(index, analyses);
  context.subscriptions.push(
    log,
    { dispose: () => void worker.dispose() },
    index,
    choices,
    analyses,
    diagnostics,
    controller,
    tree,
    vscode.window.createTreeView(Views.explorer, { treeDataProvider: tree, showCollapseAll: true }),
    vscode.languages.registerHoverProvider(DATA_SELECTOR, new FeatureHoverProvider(diagnostics, controller)),
    vscode.languages.registerCodeActionsProvider(DATA_SELECTOR, new HeaderCodeActions(diagnostics, controller), { providedCodeActionKinds: HeaderCodeActions.kinds }),
    ...controller.register(),
  );
  const hypotheses = registerHypothesisFiles(context, { worker, datasets: controller, choices, log });
  const compare = registerCompare(context, { worker, index, tree, log });
  const training = registerTraining(context, { worker, index, tree, choices, log, compareDatasets: (a, b, options) => compare.compare(a, b, options) });
  void index.refresh();
  return { controller, tree, training, hypotheses, compare };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}

import * as vscode from 'vscode';
import { Views } from './constants';
import { KryptoniteDiagnostics } from './diagnostics/diagnostics';
import { DATA_SELECTOR, ExcludeFeatureCodeActions, FeatureHoverProvider } from './diagnostics/hover';
import { Analyses } from './explorer/analyses';
import { Controller } from './explorer/controller';
import { DatasetIndex } from './explorer/datasets';
import { ExplorerProvider } from './explorer/tree';
import type { HypothesisFiles } from './hypothesisFiles/hypothesisFiles';
import { registerHypothesisFiles } from './hypothesisFiles/register';
import { registerTraining, type TrainingApi } from './training/register';
import { WorkerClient } from './worker/client';

/** What activate() returns: used by the integration tests to look inside. */
export interface KryptoniteApi {
  readonly controller: Controller;
  readonly tree: ExplorerProvider;
  readonly training: TrainingApi;
  readonly hypotheses: HypothesisFiles;
}

/** Construct, register, and hand every disposable to VS Code. The logic lives in the modules. */
export function activate(context: vscode.ExtensionContext): KryptoniteApi {
  const log = vscode.window.createOutputChannel('Kryptonite', { log: true });
  const worker = new WorkerClient({ log: (line) => log.warn(line) });
  const index = new DatasetIndex();
  const analyses = new Analyses(worker, context.workspaceState, log);
  const diagnostics = new KryptoniteDiagnostics();
  const controller = new Controller(context.extensionUri, index, analyses, diagnostics, log);
  const tree = new ExplorerProvider(index, analyses);
  context.subscriptions.push(
    log,
    { dispose: () => void worker.dispose() },
    index,
    analyses,
    diagnostics,
    controller,
    tree,
    vscode.window.createTreeView(Views.explorer, { treeDataProvider: tree, showCollapseAll: true }),
    vscode.languages.registerHoverProvider(DATA_SELECTOR, new FeatureHoverProvider(diagnostics)),
    vscode.languages.registerCodeActionsProvider(DATA_SELECTOR, new ExcludeFeatureCodeActions(), { providedCodeActionKinds: ExcludeFeatureCodeActions.kinds }),
    ...controller.register(),
  );
  const hypotheses = registerHypothesisFiles(context, { worker, controller, log });
  const training = registerTraining(context, { worker, index, tree, log });
  void index.refresh();
  return { controller, tree, training, hypotheses };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}

import * as vscode from 'vscode';
import { Commands, HYPOTHESIS_LANGUAGE } from '../../constants';
import { labelFor } from '../../host/analysisSettings';
import type { DatasetChoices } from '../../host/datasetChoices';
import type { DatasetReports } from '../../host/datasetReports';
import type { WorkerClient } from '../../worker/client';
import { compareHypotheses, newHypothesisFile } from './commands';
import { HypothesisFiles } from './hypothesisFiles';
import { HypothesisCodeLenses, HypothesisCompletion, HypothesisHover } from './providers';

export interface HypothesisDeps {
  readonly worker: WorkerClient;
  readonly datasets: DatasetReports;
  readonly choices: DatasetChoices;
  readonly log: vscode.LogOutputChannel;
}

const SELECTOR: vscode.DocumentSelector = [{ language: HYPOTHESIS_LANGUAGE }];

/** Everything for .kryp files: evaluation on open/save/typing, CodeLens, hover, completion, diagnostics, commands. */
export function registerHypothesisFiles(context: vscode.ExtensionContext, deps: HypothesisDeps): HypothesisFiles {
  const files = new HypothesisFiles(deps.worker, deps.log, (dataset) => labelFor(dataset, deps.choices.get(deps.datasets.index.find(dataset)?.key ?? dataset.toString())).label);
  context.subscriptions.push(
    files,
    vscode.languages.registerCodeLensProvider(SELECTOR, new HypothesisCodeLenses(files)),
    vscode.languages.registerHoverProvider(SELECTOR, new HypothesisHover(files)),
    vscode.languages.registerCompletionItemProvider(SELECTOR, new HypothesisCompletion(files, deps.datasets, deps.worker), '(', ',', '`'),
    vscode.commands.registerCommand(Commands.newHypothesisFile, (arg: unknown) => newHypothesisFile(deps.datasets, arg)),
    vscode.commands.registerCommand(Commands.compareHypotheses, (arg: unknown) => compareHypotheses(files, context.extensionUri, deps.log, arg)),
  );
  files.listen();
  return files;
}

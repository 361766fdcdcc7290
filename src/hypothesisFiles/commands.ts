import * as path from 'node:path';
import * as vscode from 'vscode';
import { HYPOTHESIS_LANGUAGE } from '../constants';
import type { RankedHypothesis } from '../engine/charts/hypotheses';
import type { Controller } from '../explorer/controller';
import type { ExplorerNode } from '../explorer/tree';
import { ComparePanel, comparison } from './comparePanel';
import { freeName, seedHypothesisFile } from './format';
import type { HypothesisFiles } from './hypothesisFiles';

const DATA_FILE = /\.(csv|tsv|npy)$/i;

/**
 * "New Hypothesis File": a .kryp beside the dataset, seeded from its latest analysis (run first when there is none).
 * Never overwrites: `small.kryp`, then `small-2.kryp`, … Returns the new file, or undefined when nothing was written.
 */
export async function newHypothesisFile(controller: Controller, arg: unknown): Promise<vscode.Uri | undefined> {
  const target = await datasetTarget(controller, arg);
  if (!target) return undefined;
  const dataset = controller.index.find(target)?.uri ?? target;
  const report =
    controller.analyses.report(controller.keyOf(dataset)) ??
    (await controller.analyse(dataset).then((o) => (o.status === 'done' ? o.report : undefined)));
  if (!report) return undefined;
  const folder = vscode.Uri.joinPath(dataset, '..');
  const base = path.basename(dataset.fsPath);
  const stem = base.replace(/-X\.npy$/i, '').replace(/\.[^.]+$/, '');
  const existing = new Set((await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name.toLowerCase()));
  const name = freeName(stem, (n) => existing.has(n.toLowerCase()));
  const file = vscode.Uri.joinPath(folder, name);
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(seedHypothesisFile(report, base)));
  const document = await vscode.workspace.openTextDocument(file);
  await vscode.window.showTextDocument(document, { preview: false });
  return file;
}

/** "Compare Hypotheses": evaluate every rule of a .kryp now and show them ranked. Returns the ranking (tests). */
export async function compareHypotheses(files: HypothesisFiles, extensionUri: vscode.Uri, log: vscode.LogOutputChannel, arg: unknown): Promise<readonly RankedHypothesis[] | undefined> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri || (!uri.path.toLowerCase().endsWith('.kryp') && vscode.window.activeTextEditor?.document.languageId !== HYPOTHESIS_LANGUAGE)) {
    void vscode.window.showInformationMessage('Kryptonite: open a hypothesis file (.kryp) to compare its rules.');
    return undefined;
  }
  const run = async (file: vscode.Uri): Promise<readonly RankedHypothesis[]> => {
    const document = await vscode.workspace.openTextDocument(file);
    const state = await files.evaluate(document);
    const message = comparison(state);
    ComparePanel.show(extensionUri, file, message, (f) => void run(f), log);
    return message.ranked;
  };
  return run(uri);
}

async function datasetTarget(controller: Controller, arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'object' && arg !== null && 'dataset' in arg) return (arg as ExplorerNode).dataset.uri;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && DATA_FILE.test(active.path)) return active;
  await controller.index.refresh();
  const picked = await vscode.window.showQuickPick(
    controller.index.all.map((d) => ({ label: d.label, description: vscode.workspace.asRelativePath(d.uri), dataset: d })),
    { placeHolder: 'New hypothesis file for which dataset?', matchOnDescription: true },
  );
  return picked?.dataset.uri;
}

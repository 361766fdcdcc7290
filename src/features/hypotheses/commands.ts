import * as path from 'node:path';
import * as vscode from 'vscode';
import { HYPOTHESIS_LANGUAGE } from '../../constants';
import type { RankedHypothesis } from '../../engine/charts/hypotheses';
import type { DatasetReports } from '../../host/datasetReports';
import { DATA_FILE, pickDataset, toUri } from '../../host/targets';
import { ComparePanel, comparison } from './comparePanel';
import { freeName, seedHypothesisFile } from './format';
import type { HypothesisFiles } from './hypothesisFiles';

/**
 * "New Hypothesis File": a .kryp beside the dataset, seeded from its latest analysis (run first when there is none).
 * Never overwrites: `small.kryp`, then `small-2.kryp`, … Returns the new file, or undefined when nothing was written.
 */
export async function newHypothesisFile(datasets: DatasetReports, arg: unknown): Promise<vscode.Uri | undefined> {
  const target = await datasetTarget(datasets, arg);
  if (!target) return undefined;
  const dataset = datasets.index.find(target)?.uri ?? target;
  const report = datasets.reportOf(dataset) ?? (await datasets.analyse(dataset).then((o) => (o.status === 'done' ? o.report : undefined)));
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

async function datasetTarget(datasets: DatasetReports, arg: unknown): Promise<vscode.Uri | undefined> {
  const explicit = toUri(arg);
  if (explicit) return explicit;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && DATA_FILE.test(active.path)) return active;
  return pickDataset(datasets.index, 'New hypothesis file for which dataset?');
}

import * as path from 'node:path';
import * as vscode from 'vscode';
import { HYPOTHESIS_LANGUAGE } from '../constants';
import { parseHypothesisFile } from '../engine/hypothesis/file';
import type { DatasetIndex, DatasetRef } from './datasetIndex';

/** A data file Kryptonite reads (DATASET_GLOB's extensions). */
export const DATA_FILE = /\.(csv|tsv|npy|parquet|pq|arrow|feather|ipc|arrows|csv\.gz|tsv\.gz|csv\.zst|tsv\.zst)$/i;

/**
 * Command arguments come as a Uri (editor/explorer menus, tests), a path or URI string (hover links, tests), a tree
 * node that carries its dataset, or [uri, uris] from multi-select (the first is the clicked one).
 */
export function toUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  if (typeof arg === 'object' && arg !== null && 'dataset' in arg) {
    const dataset = (arg as { dataset: unknown }).dataset;
    if (typeof dataset === 'object' && dataset !== null && (dataset as DatasetRef).uri instanceof vscode.Uri) return (dataset as DatasetRef).uri;
  }
  return undefined;
}

/**
 * The data file the user is looking at: the active text editor's, or else the active tab's. A file over VS Code's
 * document size limit (and an .npy, which is binary) opens no text editor at all, and just after a tab opens the
 * editor may not be active yet — the tab is what the user sees.
 */
export function activeDataFile(): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  const editor = document?.uri;
  if (editor && DATA_FILE.test(editor.path)) return editor;
  // A .kryp file names its dataset: Analyse and Train from its editor mean that dataset, not "which one?".
  if (document && document.languageId === HYPOTHESIS_LANGUAGE && document.uri.scheme === 'file') {
    const named = parseHypothesisFile(document.getText()).dataset?.path;
    if (named) return vscode.Uri.file(path.isAbsolute(named) ? named : path.resolve(path.dirname(document.uri.fsPath), named));
  }
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const tab = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
  return tab && DATA_FILE.test(tab.path) ? tab : undefined;
}

/** A quick pick of the workspace's datasets (rescanned first); undefined when the user escapes. */
export async function pickDataset(index: DatasetIndex, placeHolder: string): Promise<vscode.Uri | undefined> {
  await index.refresh();
  const picked = await vscode.window.showQuickPick(
    index.all.map((d) => ({ label: d.label, description: vscode.workspace.asRelativePath(d.uri), dataset: d })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.dataset.uri;
}

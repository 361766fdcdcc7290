import * as vscode from 'vscode';
import type { DatasetIndex, DatasetRef } from './datasetIndex';

/** A data file Kryptonite reads. */
export const DATA_FILE = /\.(csv|tsv|npy)$/i;

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
  const editor = vscode.window.activeTextEditor?.document.uri;
  if (editor && DATA_FILE.test(editor.path)) return editor;
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

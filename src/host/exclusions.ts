import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';

/**
 * The per-workspace choices file `.kryptonite/settings.json` (the data file itself is never edited): the features the
 * "Exclude feature from training" quick fix recorded, per dataset. The datasets feature writes it and sends the
 * exclusions with every analyse job (the report lists them as excluded by the user; "Include again" takes one back);
 * Train Model sends them with the train job.
 */
export interface KryptoniteWorkspaceSettings {
  readonly version: 1;
  /** Dataset path relative to the workspace folder → feature names excluded from training. */
  readonly excludedFeatures: Record<string, string[]>;
}

export function settingsUri(folder: vscode.WorkspaceFolder): vscode.Uri {
  return vscode.Uri.joinPath(folder.uri, '.kryptonite', 'settings.json');
}

export async function readWorkspaceSettings(folder: vscode.WorkspaceFolder): Promise<KryptoniteWorkspaceSettings> {
  try {
    return parseSettings(new TextDecoder().decode(await vscode.workspace.fs.readFile(settingsUri(folder))));
  } catch {
    return { version: 1, excludedFeatures: {} }; // absent or unreadable: no choices recorded yet
  }
}

/** The recorded choices from the file's text; what does not check out is dropped, never trusted. */
function parseSettings(text: string): KryptoniteWorkspaceSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { version: 1, excludedFeatures: {} };
  }
  if (typeof raw === 'object' && raw !== null && typeof (raw as { excludedFeatures?: unknown }).excludedFeatures === 'object') {
    const ex = (raw as { excludedFeatures: Record<string, unknown> }).excludedFeatures;
    const clean: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(ex ?? {})) if (Array.isArray(v)) clean[k] = v.filter((x): x is string => typeof x === 'string');
    return { version: 1, excludedFeatures: clean };
  }
  return { version: 1, excludedFeatures: {} };
}

/**
 * The features excluded for a local dataset, read synchronously: an analysis starts its job in the same tick as the
 * request (a second request for the same dataset must cancel the first, in order), so it cannot wait for a read.
 */
export function excludedFeaturesNow(dataset: vscode.Uri): string[] {
  const folder = vscode.workspace.getWorkspaceFolder(dataset);
  if (!folder || folder.uri.scheme !== 'file') return [];
  let text: string;
  try {
    text = readFileSync(settingsUri(folder).fsPath, 'utf8');
  } catch {
    return [];
  }
  return parseSettings(text).excludedFeatures[vscode.workspace.asRelativePath(dataset, false)] ?? [];
}

/** Records that `feature` of `dataset` is excluded from training; idempotent. Returns the file written. */
export async function excludeFeature(dataset: vscode.Uri, feature: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.getWorkspaceFolder(dataset);
  if (!folder) throw new Error(`${dataset.fsPath} is not inside a workspace folder; there is nowhere to record the choice.`);
  const current = await readWorkspaceSettings(folder);
  const rel = vscode.workspace.asRelativePath(dataset, false);
  const list = new Set(current.excludedFeatures[rel] ?? []);
  list.add(feature);
  const next: KryptoniteWorkspaceSettings = { version: 1, excludedFeatures: { ...current.excludedFeatures, [rel]: [...list].sort() } };
  const uri = settingsUri(folder);
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder.uri, '.kryptonite'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(next, null, 2) + '\n'));
  return uri;
}

/** Takes `feature` of `dataset` off the excluded list (the "Include again" quick fix); idempotent. Returns the file. */
export async function includeFeature(dataset: vscode.Uri, feature: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.getWorkspaceFolder(dataset);
  if (!folder) throw new Error(`${dataset.fsPath} is not inside a workspace folder; there is no recorded choice to change.`);
  const current = await readWorkspaceSettings(folder);
  const rel = vscode.workspace.asRelativePath(dataset, false);
  const list = (current.excludedFeatures[rel] ?? []).filter((name) => name !== feature);
  const rest = Object.fromEntries(Object.entries(current.excludedFeatures).filter(([k]) => k !== rel));
  const next: KryptoniteWorkspaceSettings = { version: 1, excludedFeatures: list.length > 0 ? { ...rest, [rel]: list } : rest };
  const uri = settingsUri(folder);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(next, null, 2) + '\n'));
  return uri;
}

export async function excludedFeatures(dataset: vscode.Uri): Promise<ReadonlySet<string>> {
  const folder = vscode.workspace.getWorkspaceFolder(dataset);
  if (!folder) return new Set();
  const s = await readWorkspaceSettings(folder);
  return new Set(s.excludedFeatures[vscode.workspace.asRelativePath(dataset, false)] ?? []);
}

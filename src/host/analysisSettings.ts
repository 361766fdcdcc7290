import * as path from 'node:path';
import * as vscode from 'vscode';
import { Config } from '../constants';
import type { AnalyseJob } from '../protocol';
import { columnTypesFrom, resolveLabel, type DatasetChoice, type ResolvedLabel } from './labelResolution';

/** The folder-wide `kryptonite.labelColumn` setting as the engine takes it: a name, a 0-based index, or absent. */
export function labelSetting(uri: vscode.Uri): string | number | undefined {
  const s = vscode.workspace.getConfiguration(Config.section, uri).get<string>(Config.labelColumn, '').trim();
  return s === '' ? undefined : /^\d+$/.test(s) ? Number(s) : s;
}

/**
 * The kryptonite.carbonIntensity setting (gCO2eq/kWh) for a job's energy section, when the user set it; absent when
 * left at its default (the report then says "world average" rather than "set by the user") or not a number ≥ 0, and
 * the engine uses the world average.
 */
export function carbonIntensitySetting(uri: vscode.Uri): { carbonIntensity?: number } {
  const cfg = vscode.workspace.getConfiguration(Config.section, uri);
  const set = cfg.inspect<unknown>(Config.carbonIntensity);
  if (!set || [set.workspaceFolderValue, set.workspaceValue, set.globalValue].every((x) => x === undefined)) return {};
  const v = cfg.get<unknown>(Config.carbonIntensity);
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? { carbonIntensity: v } : {};
}

/** The label a job on this file should use: the dataset's own choice, else the folder default. */
export function labelFor(uri: vscode.Uri, choice: DatasetChoice = {}): ResolvedLabel {
  return resolveLabel(choice, labelSetting(uri));
}

/**
 * The analyse job for a file, from the dataset's choices and the current settings (read per run, so changes apply to
 * the next analysis).
 */
export function analyseJob(uri: vscode.Uri, choice: DatasetChoice = {}): AnalyseJob {
  const cfg = vscode.workspace.getConfiguration(Config.section, uri);
  const budgetMB = cfg.get<number>(Config.expansionBudgetMB, 256);
  const { label, detectLabel, task } = labelFor(uri, choice);
  const seed = cfg.get<number>(Config.seed, 42);
  const sampleRows = cfg.get<number>(Config.sampleRows, 0);
  const memoryBudgetMB = cfg.get<number>(Config.memoryBudgetMB, 1024);
  const { types } = columnTypesFrom(cfg.get<unknown>(Config.columnTypes, {}));
  return {
    kind: 'analyse',
    path: path.normalize(uri.fsPath),
    ...(label !== undefined ? { label } : {}),
    ...(detectLabel === false ? { detectLabel } : {}),
    ...(task ? { task } : {}),
    ...(Object.keys(types).length > 0 ? { columnTypes: types } : {}),
    ...(Number.isSafeInteger(seed) && seed >= 0 ? { seed } : {}),
    ...(Number.isSafeInteger(sampleRows) && sampleRows > 0 ? { sampleRows } : {}),
    sparsity: cfg.get<boolean>(Config.sparsity, true),
    ...(Number.isFinite(budgetMB) && budgetMB > 0 ? { budgetBytes: Math.round(budgetMB * 1024 * 1024) } : {}),
    ...carbonIntensitySetting(uri),
    ...(Number.isFinite(memoryBudgetMB) && memoryBudgetMB >= 1 ? { memoryBudgetMB } : {}),
  };
}

import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { LABEL_TASKS, type LabelTask } from '../../engine/dataset';
import type { Report } from '../../engine/report';
import { labelSetting } from '../../host/analysisSettings';
import type { DatasetChoices } from '../../host/datasetChoices';
import type { DatasetRef } from '../../host/datasetIndex';
import type { AnalysisOutcome } from '../../host/datasetReports';
import { readHeader } from './headerFile';
import { columnOptions, pickLabelColumn, pickLabelTask, type ColumnOption, type LabelPick } from './labelPicks';

/** What the label commands need from the datasets feature. */
export interface LabelCommandHost {
  readonly choices: DatasetChoices;
  resolveTarget(arg: unknown, placeHolder: string): Promise<vscode.Uri | undefined>;
  datasetOf(uri: vscode.Uri): DatasetRef | undefined;
  keyOf(uri: vscode.Uri): string;
  reportOf(uri: vscode.Uri): Report | undefined;
  analyse(uri: vscode.Uri): Promise<AnalysisOutcome>;
  analyseAndShow(uri: vscode.Uri): Promise<AnalysisOutcome>;
}

/**
 * "Set Label Column…" and "Set Label Task…": the choice is remembered for the dataset in the workspace (never in the
 * data file, never in the folder-wide setting, which stays the default), then the dataset is analysed again and its
 * report shown. Both take optional arguments so menus, hover links, code actions and tests need no quick pick:
 *   setLabelColumn(uri?, column?: string | null)   null = no label
 *   setLabelTask(uri?, task?: 'binary' | 'multiclass' | 'regression' | 'infer')
 * and return the analysis outcome (undefined when nothing was chosen).
 */
export function registerLabelCommands(host: LabelCommandHost): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.setLabelColumn, async (arg: unknown, columnArg: unknown): Promise<AnalysisOutcome | undefined> => {
      const uri = await host.resolveTarget(arg, 'Set the label column of which dataset?');
      if (!uri) return undefined;
      const dataset = host.datasetOf(uri);
      const target = dataset?.uri ?? uri;
      if (dataset && dataset.files.length > 1) {
        void vscode.window.showInformationMessage(`Kryptonite: the label of ${dataset.label} is its y file; "Set Label Task…" changes how it is predicted.`);
        return undefined;
      }
      const pick = columnArg === null ? ({ kind: 'none' } as const) : typeof columnArg === 'string' && columnArg !== '' ? ({ kind: 'column', name: columnArg } as const) : await askColumn(host, target, dataset);
      if (!pick) return undefined;
      await host.choices.setLabel(host.keyOf(target), pick.kind === 'column' ? pick.name : pick.kind === 'none' ? null : undefined);
      return host.analyseAndShow(target);
    }),
    vscode.commands.registerCommand(Commands.setLabelTask, async (arg: unknown, taskArg: unknown): Promise<AnalysisOutcome | undefined> => {
      const uri = await host.resolveTarget(arg, 'Set the label task of which dataset?');
      if (!uri) return undefined;
      const target = host.datasetOf(uri)?.uri ?? uri;
      const key = host.keyOf(target);
      let task: LabelTask | undefined;
      if (taskArg === 'infer') task = undefined;
      else if (typeof taskArg === 'string' && (LABEL_TASKS as readonly string[]).includes(taskArg)) task = taskArg as LabelTask;
      else {
        const picked = await pickLabelTask(host.datasetOf(target)?.label ?? target.path, host.choices.get(key), host.reportOf(target));
        if (!picked) return undefined;
        task = picked.task;
      }
      await host.choices.setTask(key, task);
      return host.analyseAndShow(target);
    }),
  ];
}

/** The quick pick over the dataset's columns: from its last report, else its CSV header, else (npy) after analysing it. */
async function askColumn(host: LabelCommandHost, target: vscode.Uri, dataset: DatasetRef | undefined): Promise<LabelPick | undefined> {
  let report = host.reportOf(target);
  let columns: ColumnOption[] | null = report ? columnOptions(report) : null;
  if (!columns && /\.(csv|tsv)$/i.test(target.path) && target.scheme === 'file') {
    const header = await readHeader(target.fsPath);
    columns = header ? header.filter((c) => c.name !== '').map((c) => ({ name: c.name, detail: 'not analysed yet' })) : null;
  }
  if (!columns) {
    const outcome = await host.analyse(target);
    report = outcome.status === 'done' ? outcome.report : undefined;
    if (!report) return undefined;
    columns = columnOptions(report);
  }
  const setting = labelSetting(target);
  const folderDefault = setting !== undefined ? `kryptonite.labelColumn: ${JSON.stringify(setting)}` : 'a column named y, label, target or class, if there is one';
  return pickLabelColumn(dataset?.label ?? target.path, columns, host.choices.get(host.keyOf(target)), folderDefault);
}

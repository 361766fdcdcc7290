import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Config } from '../../constants';
import type { ColumnType, LabelTask } from '../../engine/dataset';
import { carbonIntensitySetting, labelFor } from '../../host/analysisSettings';
import { excludedFeatures } from '../../host/exclusions';
import { columnTypesFrom, type DatasetChoice } from '../../host/labelResolution';
import type { BackendChoice, EpochProgress, TrainConfig } from '../../engine/train/types';
import { describeLoopDelay, watchEventLoop } from '../../host/eventLoopDelay';
import { JobSlots } from '../../host/jobSlots';
import type { JobResult, PredictJob, TrainJob, TrainPlan, TrainPlanJob } from '../../protocol';
import type { WorkerClient } from '../../worker/client';
import { describeRequest, epochMessage, summariseTraining, type TrainRequest } from './request';
import { RUN_SCHEMA, runSeries, type RunStore, type StoredRun } from './runStore';

export type TrainOutcome =
  | { readonly status: 'done'; readonly run: StoredRun; readonly ms: number }
  | { readonly status: 'cancelled'; readonly ms: number; readonly forced: boolean }
  | { readonly status: 'failed'; readonly message: string; readonly ms: number };

export type TrainEvent =
  /** `task`: what the label asks for as read before training (undefined: could not be told). */
  | { readonly key: string; readonly kind: 'started'; readonly series: string; readonly datasetPath: string; readonly request: TrainRequest; readonly task?: LabelTask }
  /** `at`: when the worker sent the epoch (wall clock, ms since 1970). */
  | { readonly key: string; readonly kind: 'epoch'; readonly series: string; readonly progress: EpochProgress; readonly message: string; readonly at?: number }
  /** Cancel was asked for (the notification closes now; `finished` follows once the worker has stopped). */
  | { readonly key: string; readonly kind: 'cancelling'; readonly series: string }
  | { readonly key: string; readonly kind: 'finished'; readonly series: string; readonly outcome: TrainOutcome }
  | { readonly key: string; readonly kind: 'deleted' };

/** The setting kryptonite.backend (auto / fused / wasm / cpu / tensorflow) as the engine's choice; auto leaves it to the engine. */
export function backendSetting(uri: vscode.Uri): BackendChoice | undefined {
  const v = vscode.workspace.getConfiguration(Config.section, uri).get<string>(Config.backend, 'auto');
  return v === 'fused' || v === 'wasm' || v === 'cpu' || v === 'tensorflow' ? v : undefined;
}

/** The label, task and column types a training of this file uses: the dataset's choices over the folder's settings. */
export function trainLabelSpec(uri: vscode.Uri, choice: DatasetChoice): { label?: string | number; task?: LabelTask; columnTypes?: Readonly<Record<string, ColumnType>> } {
  const { label, task } = labelFor(uri, choice);
  const { types } = columnTypesFrom(vscode.workspace.getConfiguration(Config.section, uri).get<unknown>(Config.columnTypes, {}));
  return { ...(label !== undefined ? { label } : {}), ...(task ? { task } : {}), ...(Object.keys(types).length > 0 ? { columnTypes: types } : {}) };
}

/**
 * Runs trainings in the worker (the existing `train` job), one slot per dataset — a newer request cancels the older
 * one — under a cancellable progress notification, and keeps each finished run in the RunStore.
 */
export class Trainer implements vscode.Disposable {
  private readonly slots: JobSlots;
  private readonly events = new vscode.EventEmitter<TrainEvent>();
  readonly onDidChange = this.events.event;
  /** Training plans read from files, by path, size, modification time and settings (a changed file is read again). */
  private readonly plans = new Map<string, Promise<TrainPlan | undefined>>();

  constructor(
    private readonly worker: WorkerClient,
    readonly store: RunStore,
    private readonly log: vscode.LogOutputChannel,
    /** The dataset's label choice (Set Label Column…), over the folder-wide setting. */
    private readonly choiceOf: (uri: vscode.Uri) => DatasetChoice = () => ({}),
  ) {
    this.slots = new JobSlots(worker, log);
  }

  isRunning(key: string): boolean {
    return this.slots.isRunning(key);
  }

  /** Cancel one dataset's training, or every one. Returns how many were asked to stop. */
  cancel(key?: string): number {
    return this.slots.cancel(key);
  }

  /**
   * What a training of this file would be: the label's task and the engine's defaults per model, read by the engine in
   * the worker once per version of the file and of the settings. Undefined when it cannot be told (no label, an
   * unreadable file: the training itself then says why).
   */
  async plan(uri: vscode.Uri): Promise<TrainPlan | undefined> {
    if (uri.scheme !== 'file') return undefined;
    const spec = trainLabelSpec(uri, this.choiceOf(uri));
    const exclude = [...(await excludedFeatures(uri))];
    const file = path.normalize(uri.fsPath);
    let version: string;
    try {
      const s = await stat(file);
      version = `${s.size}:${s.mtimeMs}`;
    } catch {
      return undefined;
    }
    const key = JSON.stringify([file, version, spec, exclude]);
    let plan = this.plans.get(key);
    if (!plan) {
      const job: TrainPlanJob = { kind: 'trainPlan', path: file, ...spec, ...(exclude.length > 0 ? { exclude } : {}) };
      plan = this.worker.run(job).result.then(
        (r) => (r.kind === 'trainPlan' ? { label: r.label, task: r.task, features: r.features, rows: r.rows, defaults: r.defaults } : undefined),
        (error: unknown) => {
          this.log.info(`training plan of ${file}: not known before training (${error instanceof Error ? error.message : String(error)})`);
          this.plans.delete(key);
          return undefined;
        },
      );
      if (this.plans.size >= 64) this.plans.clear();
      this.plans.set(key, plan);
    }
    return plan;
  }

  /** The label's task a training of this file would learn: the user's choice for the dataset, else the file's. */
  async taskOf(uri: vscode.Uri): Promise<LabelTask | undefined> {
    const chosen = uri.scheme === 'file' ? trainLabelSpec(uri, this.choiceOf(uri)).task : undefined;
    return chosen ?? (await this.plan(uri))?.task ?? undefined;
  }

  /** Train on a local dataset file. Never throws; the outcome says what happened. */
  async train(uri: vscode.Uri, key: string, label: string, request: TrainRequest): Promise<TrainOutcome> {
    const started = Date.now();
    this.slots.cancel(key);
    if (uri.scheme !== 'file') return { status: 'failed', message: `Kryptonite trains on local files only; ${uri.toString()} is not on this machine's disk.`, ms: 0 };
    const datasetPath = path.normalize(uri.fsPath);
    const backend = backendSetting(uri);
    const config: Partial<TrainConfig> = { ...(backend ? { backend } : {}), ...(request.config ?? {}) };
    // Known before the first epoch, so the live curves and the progress line name the right score (R² or accuracy).
    const task = await this.taskOf(uri);
    const metric = task === 'regression' ? 'r2' : 'accuracy';
    const target = await this.store.create(datasetPath);
    const series = runSeries(target.id);
    // The label, task and column types as the analysis reads them, so training learns what the report described.
    const spec = trainLabelSpec(uri, this.choiceOf(uri));
    // What the "Exclude feature from training" quick fix recorded for this file: the engine leaves it out.
    const exclude = [...(await excludedFeatures(uri))];
    const job: TrainJob = {
      kind: 'train',
      path: datasetPath,
      ...spec,
      ...(exclude.length > 0 ? { exclude } : {}),
      ...(request.preset ? { preset: request.preset } : {}),
      ...carbonIntensitySetting(uri),
      config,
      saveDir: target.modelDir,
    };
    let done = 0;
    // How late the host's event loop runs while the epochs stream in (the panel's and the notification's batching
    // keep it low), logged with the outcome.
    const loop = watchEventLoop();
    const ran = await this.slots.run(key, {
      title: `Kryptonite: training on ${label}`,
      job,
      started: () => this.events.fire({ key, kind: 'started', series, datasetPath, request, ...(task ? { task } : {}) }),
      progress: (p) => {
        const at = 100 * Math.min(1, Math.max(0, p.stage === 'train' ? p.fraction : 0));
        const message = p.epoch ? epochMessage(p.epoch, metric) : p.message;
        done = Math.max(done, at);
        if (p.epoch) this.events.fire({ key, kind: 'epoch', series, progress: p.epoch, message, ...(p.at !== undefined ? { at: p.at } : {}) });
        return { at: done, message };
      },
      cancelling: () => this.events.fire({ key, kind: 'cancelling', series }),
      accept: async (result) =>
        result.kind !== 'train'
          ? undefined
          : this.store.finish(
              target.dir,
              { schema: RUN_SCHEMA, id: target.id, dataset: datasetPath, datasetLabel: label, createdAt: new Date(started).toISOString(), request, summary: summariseTraining(result.training) },
              result.training,
            ),
    });
    const ms = Date.now() - started;
    const outcome: TrainOutcome =
      ran.status === 'done' ? { status: 'done', run: ran.result, ms } : ran.status === 'cancelled' ? { status: 'cancelled', ms, forced: ran.forced } : { status: 'failed', message: ran.message, ms };
    if (outcome.status !== 'done') await this.store.discard(target.dir).catch(() => undefined);
    const delay = loop.stop();
    this.log.info(
      `train ${label} (${describeRequest(request)}): ${outcome.status} in ${outcome.ms} ms${outcome.status === 'failed' ? ` — ${outcome.message}` : ''}; host event-loop delay ${describeLoopDelay(delay)}`,
    );
    this.events.fire({ key, kind: 'finished', series, outcome });
    return outcome;
  }

  /**
   * Apply a saved model in the worker (the existing `predict` job); labels go to `out`. Throws JobFailedError on bad
   * input, with code `missingFeatures` or `extraFeatures` for a table that does not fit the model.
   */
  async predict(job: PredictJob, title: string): Promise<Extract<JobResult, { kind: 'predict' }>> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const running = this.worker.run(job, (p) => progress.report({ message: p.message }));
      const sub = token.onCancellationRequested(() => running.cancel());
      try {
        const result = await running.result;
        if (result.kind !== 'predict') throw new Error('the worker answered with the wrong kind of result');
        return result;
      } finally {
        sub.dispose();
      }
    });
  }

  /** Tell listeners (tree, panels) that a run was deleted. */
  deleted(key: string): void {
    this.events.fire({ key, kind: 'deleted' });
  }

  dispose(): void {
    this.slots.dispose();
    this.events.dispose();
  }
}

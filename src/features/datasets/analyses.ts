import { statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Report } from '../../engine/report';
import { analyseJob, labelFor } from '../../host/analysisSettings';
import { excludedFeaturesNow } from '../../host/exclusions';
import type { DatasetChoices } from '../../host/datasetChoices';
import type { AnalysisOutcome } from '../../host/datasetReports';
import { JobSlots, type JobOutcome } from '../../host/jobSlots';
import type { AnalyseJob, ProgressMessage } from '../../protocol';
import type { WorkerClient } from '../../worker/client';

/** One past run, kept per workspace (the report itself is recomputed on demand: it can be megabytes). */
export interface RunRecord {
  readonly at: number;
  readonly status: AnalysisOutcome['status'];
  readonly ms: number;
  readonly summary: string;
}

export type AnalysisEvent =
  | { readonly key: string; readonly kind: 'progress'; readonly progress: ProgressMessage }
  | { readonly key: string; readonly kind: 'started' }
  | { readonly key: string; readonly kind: 'finished'; readonly outcome: AnalysisOutcome }
  | { readonly key: string; readonly kind: 'cleared' };

/** Where each engine stage sits on the notification's 0..100 bar. */
const STAGE_SPAN: Record<string, [number, number]> = {
  load: [0, 10],
  features: [10, 40],
  correlation: [40, 45],
  pca: [45, 50],
  baselines: [50, 65],
  relevance: [65, 80],
  sparsity: [80, 97],
  alerts: [97, 99],
};

const RUNS_KEY = 'kryptonite.runs/1';
const MAX_RUNS = 10;

/**
 * Runs analyses in the worker, one slot per dataset: a newer request cancels the older one. Keeps the latest report
 * per dataset and a short per-workspace history of runs.
 */
export class Analyses implements vscode.Disposable {
  private readonly slots: JobSlots;
  private readonly reports = new Map<string, Report>();
  /** The data file's modification time when each report's analysis started (a later one makes it stale). */
  private readonly madeFrom = new Map<string, number>();
  /** Why the latest report of a dataset is not what was asked for (a configured label that is not there). */
  private readonly notices = new Map<string, string>();
  /** Notifications already shown this session, so a missing label is said once, not per file and per run. */
  private readonly said = new Set<string>();
  private readonly shown: string[] = [];
  private readonly events = new vscode.EventEmitter<AnalysisEvent>();
  readonly onDidChange = this.events.event;

  constructor(
    worker: WorkerClient,
    private readonly state: vscode.Memento,
    private readonly choices: DatasetChoices,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.slots = new JobSlots(worker, log);
  }

  report(key: string): Report | undefined {
    return this.reports.get(key);
  }

  isRunning(key: string): boolean {
    return this.slots.isRunning(key);
  }

  /** The notice of the dataset's latest report (e.g. its configured label was missing), if any. */
  notice(key: string): string | undefined {
    return this.notices.get(key);
  }

  /** Every notification shown this session (tests check that a missing label is said once). */
  get notifications(): readonly string[] {
    return this.shown;
  }

  /** True when the data file changed on disk after the report's analysis started. */
  changedSince(key: string, uri: vscode.Uri): boolean {
    const made = this.madeFrom.get(key);
    return made !== undefined && uri.scheme === 'file' && mtimeOf(uri.fsPath) !== made;
  }

  runs(key: string): readonly RunRecord[] {
    return this.state.get<Record<string, RunRecord[]>>(RUNS_KEY, {})[key] ?? [];
  }

  /** Analyse one dataset file under a cancellable progress notification. Never throws; the outcome says what happened. */
  async analyse(uri: vscode.Uri, key: string, label: string): Promise<AnalysisOutcome> {
    if (uri.scheme !== 'file') {
      this.slots.cancel(key);
      const outcome: AnalysisOutcome = { status: 'failed', message: `Kryptonite reads local files only; ${uri.toString()} is not on this machine's disk.` };
      this.events.fire({ key, kind: 'finished', outcome });
      return outcome;
    }
    const started = Date.now();
    const mtime = mtimeOf(uri.fsPath);
    const choice = this.choices.get(key);
    // The quick fix's exclusions: the analysis leaves those features out and lists them as excluded by the user.
    const excluded = excludedFeaturesNow(uri);
    const job = { ...analyseJob(uri, choice), ...(excluded.length > 0 ? { exclude: excluded } : {}) };
    let ran = await this.run(key, label, job);
    let notice: string | undefined;
    if (ran.status === 'failed' && ran.error?.error.code === 'labelNotFound' && job.label !== undefined) {
      // A configured label this file does not have: analyse it without a label and say so once, not an error per run.
      const source = labelFor(uri, choice).source === 'dataset' ? 'chosen for this dataset' : `the ${'kryptonite.labelColumn'} setting`;
      notice = `label column ${JSON.stringify(String(job.label))} (${source}) is not in ${path.basename(uri.fsPath)}; analysed without a label`;
      const { label: _label, task: _task, ...unlabelled } = job;
      ran = await this.run(key, label, { ...unlabelled, detectLabel: false });
      if (ran.status === 'done') this.sayOnce(source === 'chosen for this dataset' ? `${key}|${String(job.label)}` : `setting|${String(job.label)}`, notice);
    }
    if (ran.status === 'cancelled' && ran.forced) void vscode.window.showWarningMessage('Kryptonite: the analysis did not stop in time; the worker was restarted.');
    const outcome: AnalysisOutcome =
      ran.status === 'done'
        ? { status: 'done', report: ran.result, ...(notice ? { notice } : {}) }
        : ran.status === 'cancelled'
          ? { status: 'cancelled' }
          : { status: 'failed', message: ran.message, ...(ran.error ? { error: ran.error } : {}) };
    if (outcome.status === 'done') {
      if (mtime !== undefined) this.madeFrom.set(key, mtime);
      else this.madeFrom.delete(key);
      if (notice) this.notices.set(key, notice);
      else this.notices.delete(key);
    }
    if (outcome.status === 'done') this.reports.set(key, outcome.report);
    this.log.info(`${label}: ${outcome.status} in ${Date.now() - started} ms${outcome.status === 'failed' ? ` — ${outcome.message}` : ''}`);
    await this.record(key, { at: started, status: outcome.status, ms: Date.now() - started, summary: summarise(outcome) });
    this.events.fire({ key, kind: 'finished', outcome });
    return outcome;
  }

  private run(key: string, label: string, job: AnalyseJob): Promise<JobOutcome<Report>> {
    let done = 0;
    return this.slots.run(key, {
      title: `Kryptonite: analysing ${label}`,
      job,
      started: () => this.events.fire({ key, kind: 'started' }),
      progress: (p) => {
        const span = STAGE_SPAN[p.stage] ?? [done, done];
        const at = span[0] + (span[1] - span[0]) * Math.min(1, Math.max(0, p.fraction));
        done = Math.max(done, at);
        this.events.fire({ key, kind: 'progress', progress: p });
        return { at, message: p.message };
      },
      accept: (r) => (r.kind === 'analyse' ? r.report : undefined),
    });
  }

  private sayOnce(id: string, notice: string): void {
    this.log.info(notice);
    if (this.said.has(id)) return;
    this.said.add(id);
    this.shown.push(notice);
    void vscode.window.showInformationMessage(`Kryptonite: ${notice}.`);
  }

  /** Cancel one dataset's analysis, or every running one. Returns how many were asked to stop. */
  cancel(key?: string): number {
    return this.slots.cancel(key);
  }

  clear(key?: string): void {
    const keys = key ? [key] : [...this.reports.keys()];
    for (const k of keys) {
      this.reports.delete(k);
      this.madeFrom.delete(k);
      this.notices.delete(k);
      this.events.fire({ key: k, kind: 'cleared' });
    }
  }

  private async record(key: string, run: RunRecord): Promise<void> {
    const all = { ...this.state.get<Record<string, RunRecord[]>>(RUNS_KEY, {}) };
    all[key] = [run, ...(all[key] ?? [])].slice(0, MAX_RUNS);
    await this.state.update(RUNS_KEY, all);
  }

  dispose(): void {
    this.slots.dispose();
    this.events.dispose();
  }
}

function summarise(outcome: AnalysisOutcome): string {
  switch (outcome.status) {
    case 'done': {
      const r = outcome.report;
      const irrelevant = r.features.filter((f) => f.relevance === 'irrelevant').length;
      return `${r.dataset.rows.toLocaleString('en')} rows · ${r.features.length} features${r.sparsity ? ` · ${irrelevant} irrelevant` : ''}`;
    }
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return outcome.message;
  }
}

function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

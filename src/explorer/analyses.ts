import * as path from 'node:path';
import * as vscode from 'vscode';
import { Config } from '../constants';
import type { Report } from '../engine/report';
import type { AnalyseJob, ProgressMessage } from '../protocol';
import { JobCancelledError, JobFailedError, type WorkerClient } from '../worker/client';

export type AnalysisOutcome =
  | { readonly status: 'done'; readonly report: Report }
  | { readonly status: 'cancelled' }
  | { readonly status: 'failed'; readonly message: string; readonly error?: JobFailedError };

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
  sparsity: [50, 98],
};

const RUNS_KEY = 'kryptonite.runs/1';
const MAX_RUNS = 10;

interface Running {
  readonly id: number;
  cancel(): void;
}

/**
 * Runs analyses in the worker, one slot per dataset: a newer request cancels the older one. Keeps the latest report
 * per dataset and a short per-workspace history of runs.
 */
export class Analyses implements vscode.Disposable {
  private readonly running = new Map<string, Running>();
  private readonly reports = new Map<string, Report>();
  private readonly events = new vscode.EventEmitter<AnalysisEvent>();
  readonly onDidChange = this.events.event;
  private seq = 0;

  constructor(
    private readonly worker: WorkerClient,
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  report(key: string): Report | undefined {
    return this.reports.get(key);
  }

  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  runs(key: string): readonly RunRecord[] {
    return this.state.get<Record<string, RunRecord[]>>(RUNS_KEY, {})[key] ?? [];
  }

  /** Analyse one dataset file under a cancellable progress notification. Never throws; the outcome says what happened. */
  async analyse(uri: vscode.Uri, key: string, label: string): Promise<AnalysisOutcome> {
    this.running.get(key)?.cancel();
    if (uri.scheme !== 'file') {
      const outcome: AnalysisOutcome = { status: 'failed', message: `Kryptonite reads local files only; ${uri.toString()} is not on this machine's disk.` };
      this.events.fire({ key, kind: 'finished', outcome });
      return outcome;
    }
    const job = analyseJob(uri);
    const started = Date.now();
    const slot = ++this.seq;
    // The slot exists before the progress UI does, so a newer request or Cancel always reaches this run.
    const control: { cancelled: boolean; job: { cancel(): void } | null } = { cancelled: false, job: null };
    this.running.set(key, {
      id: slot,
      cancel: () => {
        control.cancelled = true;
        control.job?.cancel();
      },
    });
    this.events.fire({ key, kind: 'started' });
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Kryptonite: analysing ${label}`, cancellable: true },
      async (progress, token): Promise<AnalysisOutcome> => {
        if (control.cancelled) return { status: 'cancelled' };
        let done = 0;
        const running = this.worker.run(job, (p) => {
          const span = STAGE_SPAN[p.stage] ?? [done, done];
          const at = span[0] + (span[1] - span[0]) * Math.min(1, Math.max(0, p.fraction));
          progress.report({ message: p.message, increment: Math.max(0, at - done) });
          done = Math.max(done, at);
          this.events.fire({ key, kind: 'progress', progress: p });
        });
        control.job = running;
        const sub = token.onCancellationRequested(() => running.cancel());
        try {
          const result = await running.result;
          if (result.kind !== 'analyse') return { status: 'failed', message: 'the worker answered with the wrong kind of result' };
          return { status: 'done', report: result.report };
        } catch (error) {
          if (error instanceof JobCancelledError) {
            if (error.forced) void vscode.window.showWarningMessage(`Kryptonite: ${error.message}`);
            return { status: 'cancelled' };
          }
          if (error instanceof JobFailedError) {
            if (error.error.kind === 'internal') this.log.error(error.error.stack ?? error.message);
            return { status: 'failed', message: error.message, error };
          }
          this.log.error(String(error));
          return { status: 'failed', message: error instanceof Error ? error.message : String(error) };
        } finally {
          sub.dispose();
        }
      },
    );
    if (this.running.get(key)?.id === slot) this.running.delete(key);
    if (outcome.status === 'done') this.reports.set(key, outcome.report);
    this.log.info(`${label}: ${outcome.status} in ${Date.now() - started} ms${outcome.status === 'failed' ? ` — ${outcome.message}` : ''}`);
    await this.record(key, { at: started, status: outcome.status, ms: Date.now() - started, summary: summarise(outcome) });
    this.events.fire({ key, kind: 'finished', outcome });
    return outcome;
  }

  /** Cancel one dataset's analysis, or every running one. Returns how many were asked to stop. */
  cancel(key?: string): number {
    const targets = key ? [...this.running].filter(([k]) => k === key) : [...this.running];
    for (const [, r] of targets) r.cancel();
    return targets.length;
  }

  clear(key?: string): void {
    const keys = key ? [key] : [...this.reports.keys()];
    for (const k of keys) {
      this.reports.delete(k);
      this.events.fire({ key: k, kind: 'cleared' });
    }
  }

  private async record(key: string, run: RunRecord): Promise<void> {
    const all = { ...this.state.get<Record<string, RunRecord[]>>(RUNS_KEY, {}) };
    all[key] = [run, ...(all[key] ?? [])].slice(0, MAX_RUNS);
    await this.state.update(RUNS_KEY, all);
  }

  dispose(): void {
    this.cancel();
    this.events.dispose();
  }
}

/** The job for a file, from the current settings (read per run, so changes apply to the next analysis). */
export function analyseJob(uri: vscode.Uri): AnalyseJob {
  const cfg = vscode.workspace.getConfiguration(Config.section, uri);
  const labelSetting = cfg.get<string>(Config.labelColumn, '').trim();
  const budgetMB = cfg.get<number>(Config.expansionBudgetMB, 256);
  const label = labelSetting === '' ? undefined : /^\d+$/.test(labelSetting) ? Number(labelSetting) : labelSetting;
  const seed = cfg.get<number>(Config.seed, 42);
  const sampleRows = cfg.get<number>(Config.sampleRows, 0);
  return {
    kind: 'analyse',
    path: path.normalize(uri.fsPath),
    ...(label !== undefined ? { label } : {}),
    ...(Number.isSafeInteger(seed) && seed >= 0 ? { seed } : {}),
    ...(Number.isSafeInteger(sampleRows) && sampleRows > 0 ? { sampleRows } : {}),
    sparsity: cfg.get<boolean>(Config.sparsity, true),
    ...(Number.isFinite(budgetMB) && budgetMB > 0 ? { budgetBytes: Math.round(budgetMB * 1024 * 1024) } : {}),
  };
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

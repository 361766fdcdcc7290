import * as path from 'node:path';
import * as vscode from 'vscode';
import { TRAINING_VIEW_TYPE } from '../../constants';
import { mergeLiveEpochs, type LiveEpochs } from '../../engine/charts/liveEpochs';
import { bestMark, confusionSpec, curvePoints, curvesSpec, residualSpec, runsTable, type BestMark, type CurvePoint, type CurveScore } from '../../engine/charts/training';
import { Coalescer, timerScheduler } from '../../engine/coalescer';
import type { LabelTask } from '../../engine/dataset';
import type { TrainingReport } from '../../engine/train/types';
import { createPanel, jsonSafe, WebviewController } from '../../host/webviewController';
import type { HostToTrainingWebview, TrainingRunDetails, TrainingWebviewToHost } from '../../protocol';
import { assertNever, isTrainingWebviewToHost } from '../../protocolGuards';
import { describeConfig, describeRequest, errorsLine, metricOf, summariseTraining, taskOf, testScore } from './request';
import { runSeries, type StoredRun } from './runStore';

/** What a training panel remembers across reloads (restored by the serializer, then it asks the host again). */
export interface TrainingPanelState {
  readonly v: 1;
  readonly dataset: string;
  readonly selected: readonly string[];
}

export function isTrainingPanelState(v: unknown): v is TrainingPanelState {
  const s = v as TrainingPanelState;
  return typeof v === 'object' && v !== null && s.v === 1 && typeof s.dataset === 'string' && Array.isArray(s.selected) && s.selected.every((x) => typeof x === 'string');
}

/** A training in progress: its series and every epoch point so far (so a panel opened late shows the whole curve). */
export interface LiveTraining {
  readonly series: string;
  /** The label's task as read before training (undefined: not known; drawn as a classifier's). */
  readonly task?: LabelTask;
  readonly points: CurvePoint[];
  best: BestMark | null;
  bestLoss: number;
  status: string;
  /** The last epoch the worker reported (its run, for repeated runs), 0 before the first. */
  lastEpoch: number;
  lastRun: number;
  /** Cancel was asked for: the panel says "Cancelled at epoch k" and later epochs are not drawn. */
  cancelled: boolean;
}

/**
 * The least time between two `trainingEpoch` messages of a panel. Each message costs the extension host a
 * serialisation and a hop to the workbench, and the webview a redraw; an epoch of a small table takes a few
 * milliseconds, so posting each one kept the host busy and left the panel far behind the worker. 50 ms is ~3 frames:
 * the curve still moves smoothly, and every epoch point is in the data.
 */
export const LIVE_POST_MS = 50;

export interface TrainingPanelHost {
  runs(dataset: vscode.Uri): Promise<readonly StoredRun[]>;
  live(dataset: vscode.Uri): LiveTraining | undefined;
  cancel(dataset: vscode.Uri): void;
  readonly log: vscode.LogOutputChannel;
}

/** What the integration tests read back (through the extension's API). */
export interface TrainingPanelSnapshot {
  readonly ready: boolean;
  readonly selected: readonly string[];
  readonly live: string | null;
  /** Epoch messages posted to the webview (each carries every epoch since the previous one). */
  readonly epochsPosted: number;
  /** Curve rows the webview says its views hold after its last update. */
  readonly webviewPoints: number;
  /** The charts the webview says it drew (`loss`, `accuracy`, `confusion-<run>`, `residuals-<run>`). */
  readonly webviewCharts: readonly string[];
  /** Its section headings, as shown (e.g. "R²", "Test rows: predicted against actual"). */
  readonly webviewHeadings: readonly string[];
  /** Its runs' "Excluded by the user: …" lines, as shown. */
  readonly webviewExcluded: readonly string[];
}

/** The curves and details of the selected runs, plus the live run's points: the whole `trainingView` message. */
export function trainingViewMessage(dataset: vscode.Uri, runs: readonly StoredRun[], selected: readonly string[], live: LiveTraining | undefined): HostToTrainingWebview {
  const chosen = runs.filter((r) => selected.includes(r.meta.id));
  const points: CurvePoint[] = [];
  const best: BestMark[] = [];
  for (const r of chosen) {
    const series = runSeries(r.meta.id);
    points.push(...curvePoints(series, r.history));
    const mark = bestMark(series, r.history, r.report.bestEpoch);
    if (mark) best.push(mark);
  }
  if (live && !chosen.some((r) => runSeries(r.meta.id) === live.series)) {
    points.push(...live.points);
    if (live.best) best.push(live.best);
  }
  const details: TrainingRunDetails[] = chosen.map((r) => runDetails(r));
  // The score curve holds accuracy for classifiers and R² for regressions; overlaying both kinds says so.
  const metrics = new Set<'accuracy' | 'r2'>(chosen.map((r) => metricOf(r.report)));
  if (live && !chosen.some((r) => runSeries(r.meta.id) === live.series)) metrics.add(live.task === 'regression' ? 'r2' : 'accuracy');
  const metric: CurveScore = metrics.size > 1 ? 'mixed' : metrics.has('r2') ? 'r2' : 'accuracy';
  const status = live
    ? live.status
    : chosen.length === 0
      ? runs.length === 0
        ? 'No training runs yet — run “Kryptonite: Train Model”.'
        : 'Select runs to show their curves.'
      : chosen.length === 1
        ? `Run ${runSeries(chosen[0].meta.id)}: ${taskOf(chosen[0].report)} · ${testScore(chosen[0].report)}${errorsLine(chosen[0].report) ? ` · ${errorsLine(chosen[0].report)}` : ''}`
        : `Comparing ${chosen.length} runs`;
  return jsonSafe({
    type: 'trainingView',
    dataset: dataset.toString(),
    title: path.basename(dataset.fsPath),
    runs: runs.map((r) => ({ id: r.meta.id, label: runSeries(r.meta.id), description: summariseTraining(r.report) })),
    selected: chosen.map((r) => r.meta.id),
    charts: { loss: curvesSpec('loss', points, best, metric), accuracy: curvesSpec('accuracy', points, best, metric) },
    metric,
    details,
    // A run being cancelled is not offered to cancel again; its points so far stay drawn.
    live: live && !live.cancelled ? live.series : null,
    status,
  });
}

/** What the panel shows of one saved run: the figures of its task (accuracy and confusion, or R², errors and residuals). */
export function runDetails(r: Pick<StoredRun, 'meta' | 'report'>): TrainingRunDetails {
  const t: TrainingReport = r.report;
  const task = taskOf(t);
  const metric = metricOf(t);
  const repeated = runsTable(t);
  const common = {
    id: r.meta.id,
    label: runSeries(r.meta.id),
    config: `${describeRequest(r.meta.request)} — ${describeConfig(t.config, task)}`,
    reason: t.presetReason ?? '',
    backend: t.backend,
    kernel: t.kernel,
    bestEpoch: t.bestEpoch,
    epochsRun: t.epochsRun,
    stoppedEarly: t.stoppedEarly,
    task,
    metric,
    ...(t.excluded && t.excluded.length > 0 ? { excluded: [...t.excluded] } : {}),
    ...(repeated ? { repeated } : {}),
    ...(t.energy ? { energy: { kWh: t.energy.kWh, gCO2eq: t.energy.gCO2eq, method: t.energy.method, description: t.energy.description } } : {}),
  };
  if (metric === 'r2') {
    const target = t.target?.name ?? '';
    const residuals = t.test.residuals;
    return {
      ...common,
      ...(target ? { target } : {}),
      test: { rows: t.test.rows, accuracy: null, loss: finite(t.test.loss), r2: finite(t.test.r2 ?? NaN), mae: finite(t.test.mae ?? NaN), rmse: finite(t.test.rmse ?? NaN) },
      confusion: null,
      residuals: residuals ? residualSpec(residuals, target, t.test.rows) : null,
      residualsSampled: residuals?.sampled ?? false,
    };
  }
  return { ...common, test: { rows: t.test.rows, accuracy: finite(t.test.accuracy), loss: finite(t.test.loss) }, confusion: confusionSpec(t.test.confusion, t.classes) };
}

/** The training webview for one dataset: live curves while it trains, saved runs (one or several overlaid) after. */
export class TrainingPanel implements vscode.Disposable {
  private selected: string[];
  private epochsPosted = 0;
  private webviewPoints = 0;
  private webviewCharts: readonly string[] = [];
  private webviewHeadings: readonly string[] = [];
  private webviewExcluded: readonly string[] = [];
  private readonly view: WebviewController<HostToTrainingWebview, TrainingWebviewToHost>;
  /** Live epochs waiting for the next post (at most one `trainingEpoch` per LIVE_POST_MS). */
  private readonly epochs = new Coalescer<LiveEpochs>((batches) => this.postEpochs(batches), timerScheduler, LIVE_POST_MS);
  readonly onDidDispose: vscode.Event<void>;
  private readonly rendered = new vscode.EventEmitter<number>();
  /** Fires with the webview's point count after each of its updates (tests wait on it). */
  readonly onDidRender = this.rendered.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly dataset: vscode.Uri,
    extensionUri: vscode.Uri,
    private readonly host: TrainingPanelHost,
    selected: readonly string[] = [],
  ) {
    this.selected = [...selected];
    this.view = new WebviewController(panel, {
      extensionUri,
      name: 'training',
      page: TRAINING_PAGE,
      isMessage: isTrainingWebviewToHost,
      log: host.log,
    });
    this.view.handle({ ready: () => void this.refresh(), message: (m) => this.onMessage(m) });
    this.onDidDispose = this.view.onDidDispose;
    this.view.onDidDispose(() => {
      this.epochs.dispose();
      this.rendered.dispose();
    });
  }

  static create(dataset: vscode.Uri, extensionUri: vscode.Uri, host: TrainingPanelHost, selected: readonly string[]): TrainingPanel {
    return new TrainingPanel(createPanel(TRAINING_VIEW_TYPE, `Training: ${path.basename(dataset.fsPath)}`, extensionUri), dataset, extensionUri, host, selected);
  }

  snapshot(): TrainingPanelSnapshot {
    return {
      ready: this.view.ready,
      selected: [...this.selected],
      live: this.host.live(this.dataset)?.series ?? null,
      epochsPosted: this.epochsPosted,
      webviewPoints: this.webviewPoints,
      webviewCharts: this.webviewCharts,
      webviewHeadings: this.webviewHeadings,
      webviewExcluded: this.webviewExcluded,
    };
  }

  /** Show these runs (one: re-open; several: compare) and redraw. */
  async select(ids: readonly string[]): Promise<void> {
    this.selected = [...ids];
    await this.refresh();
  }

  /** Post the whole view again (after a run finished or was deleted, or on `ready`). */
  async refresh(): Promise<void> {
    if (!this.view.ready) return;
    const runs = await this.host.runs(this.dataset);
    this.selected = this.selected.filter((id) => runs.some((r) => r.meta.id === id));
    // The view carries every live point so far: what waits to be posted is in it already.
    this.epochs.clear();
    this.view.post(trainingViewMessage(this.dataset, runs, this.selected, this.host.live(this.dataset)));
  }

  /**
   * Epochs of the live run (or only a new status line: no points): streamed into the existing views — a changeset in
   * the webview, not a re-embed — batched to at most one message per LIVE_POST_MS.
   */
  epoch(batch: LiveEpochs): void {
    if (!this.view.ready) return;
    this.epochs.push(batch);
  }

  /** A new state of the live run: posted at once, after the epochs that came before it. */
  status(status: string, kind: 'running' | 'done' | 'cancelled' | 'failed'): void {
    this.epochs.flush();
    this.view.post({ type: 'trainingStatus', status, kind });
  }

  private postEpochs(batches: readonly LiveEpochs[]): void {
    if (!this.view.ready) return;
    const postedAt = Date.now();
    for (const b of mergeLiveEpochs(batches)) {
      this.epochsPosted++;
      this.view.post({ type: 'trainingEpoch', ...b, points: jsonSafe(b.points), postedAt });
    }
  }

  private onMessage(message: Exclude<TrainingWebviewToHost, { type: 'ready' }>): void {
    switch (message.type) {
      case 'selectRuns':
        void this.select(message.runs);
        return;
      case 'cancel':
        this.host.cancel(this.dataset);
        return;
      case 'rendered':
        this.webviewPoints = message.points;
        this.webviewCharts = [...message.charts];
        this.webviewHeadings = [...message.headings];
        this.webviewExcluded = [...message.excluded];
        this.rendered.fire(message.points);
        return;
      default:
        assertNever(message);
    }
  }

  reveal(): void {
    this.view.reveal();
  }

  dispose(): void {
    this.view.dispose();
  }
}

/** The shared panel page, starting the training view. */
const TRAINING_PAGE = { view: 'training', stylesheets: ['training.css'], waiting: 'Waiting for the training view…' } as const;

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { isEnergyReport } from '../../engine/energy/energy';
import type { EpochMetrics, TrainConfig, TrainingReport } from '../../engine/train/types';
import type { TrainRequest } from './request';

/**
 * Saved training runs, one folder each: `<workspace>/.kryptonite/runs/<dataset-name>/<id>/` holding
 *   run.json      what was asked and of which dataset (RunMeta)
 *   config.json   the resolved TrainConfig and why (preset reason)
 *   history.json  per-epoch losses and scores (accuracy, or R² for a regression) of the first run
 *   metrics.json  the rest of the training report: task, test/validation metrics (confusion, or R², MAE, RMSE and the
 *                 residual sample), repeated runs (with each seed's kWh and gCO2eq), backend, kernel, and `energy`:
 *                 the training's kWh and gCO2eq with the method (RAPL or CPU time) and its inputs
 *   model/        the TensorFlow.js layers model + kryptonite.json (written by the engine's saveModel in the worker)
 * Nothing is ever written beside or inside the data file. Plain node:fs: runs are only stored for file: workspaces.
 */
export const RUN_SCHEMA = 'kryptonite.run/1';
export const RUNS_DIR = path.join('.kryptonite', 'runs');
export const MODEL_DIR = 'model';

export interface RunMeta {
  readonly schema: typeof RUN_SCHEMA;
  readonly id: string;
  /** Absolute path of the dataset file (for an X/y pair, the X file). */
  readonly dataset: string;
  readonly datasetLabel: string;
  readonly createdAt: string;
  readonly request: TrainRequest;
  /**
   * One line as written when the run finished (task, test score, model, epochs). The tree and the pickers re-derive it
   * from the report (summariseTraining), so lines written by earlier versions never show; it stays for other readers.
   */
  readonly summary: string;
}

export interface StoredRun {
  readonly meta: RunMeta;
  readonly dir: string;
  readonly modelDir: string;
  readonly config: TrainConfig;
  readonly history: readonly EpochMetrics[];
  readonly report: TrainingReport;
}

/** `small.csv` → `small`; `pair-X.npy` → `pair`; anything outside [A-Za-z0-9._-] becomes `_`. */
export function datasetFolderName(datasetPath: string): string {
  const base = path.basename(datasetPath).replace(/-X\.npy$/i, '').replace(/\.[^.]+$/, '');
  const safe = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return safe === '' ? 'dataset' : safe;
}

/** A sortable, filesystem-safe id from a time: 2025-01-31T12-00-05-123Z. */
export function runIdFor(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/** A run's name in the tree and in the curves' legend: its UTC start, `01-31 12:00:05` (plus any -n suffix). */
export function runSeries(id: string): string {
  const m = /^\d{4}-(\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-\d{3}Z(-\d+)?$/.exec(id);
  return m ? `${m[1]} ${m[2]}:${m[3]}:${m[4]}${m[5] ?? ''}` : id;
}

export class RunStore {
  /** @param root the workspace folder that holds `.kryptonite/` */
  constructor(private readonly rootFor: (datasetPath: string) => string) {}

  datasetDir(datasetPath: string): string {
    return path.join(this.rootFor(datasetPath), RUNS_DIR, datasetFolderName(datasetPath));
  }

  /** A new, empty run folder (a suffix keeps two runs started in the same millisecond apart). */
  async create(datasetPath: string, at = new Date()): Promise<{ id: string; dir: string; modelDir: string }> {
    const parent = this.datasetDir(datasetPath);
    await mkdir(parent, { recursive: true });
    for (let n = 0; ; n++) {
      const id = runIdFor(at) + (n > 0 ? `-${n}` : '');
      const dir = path.join(parent, id);
      try {
        await mkdir(dir);
        return { id, dir, modelDir: path.join(dir, MODEL_DIR) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n > 100) throw error;
      }
    }
  }

  /** Write the run's JSON files once training succeeded (the model is already in `model/`). */
  async finish(dir: string, meta: RunMeta, report: TrainingReport): Promise<StoredRun> {
    const { history, ...metrics } = report;
    await writeFile(path.join(dir, 'config.json'), json({ config: report.config, presetReason: report.presetReason }));
    await writeFile(path.join(dir, 'history.json'), json({ seed: report.config.seed, history }));
    await writeFile(path.join(dir, 'metrics.json'), json(metrics));
    // run.json last: a folder without it is an unfinished run and is not listed.
    await writeFile(path.join(dir, 'run.json'), json(meta));
    return { meta, dir, modelDir: path.join(dir, MODEL_DIR), config: report.config, history, report };
  }

  /** Every finished run of a dataset, newest first. Unreadable folders are skipped, not fatal. */
  async list(datasetPath: string): Promise<StoredRun[]> {
    const parent = this.datasetDir(datasetPath);
    let names: string[];
    try {
      names = await readdir(parent);
    } catch {
      return [];
    }
    const runs = await Promise.all(names.map((n) => this.read(path.join(parent, n)).catch(() => null)));
    return runs
      .filter((r): r is StoredRun => r !== null && path.resolve(r.meta.dataset) === path.resolve(datasetPath))
      .sort((a, b) => b.meta.id.localeCompare(a.meta.id));
  }

  async read(dir: string): Promise<StoredRun> {
    const load = async <T>(name: string): Promise<T> => JSON.parse(await readFile(path.join(dir, name), 'utf8')) as T;
    const meta = await load<RunMeta>('run.json');
    if (meta.schema !== RUN_SCHEMA) throw new Error(`${dir}: run.json schema "${String(meta.schema)}"`);
    const [{ config, presetReason }, { history }, metrics] = await Promise.all([
      load<{ config: TrainConfig; presetReason: string }>('config.json'),
      load<{ history: EpochMetrics[] }>('history.json'),
      load<Omit<TrainingReport, 'history'>>('metrics.json'),
    ]);
    // Energy is shown in the tree and the panel: a section this version cannot read (hand-edited, another version's)
    // is dropped rather than shown wrong; runs saved before energy existed have none.
    const { energy, ...rest } = metrics;
    const report: TrainingReport = { ...rest, ...(isEnergyReport(energy) ? { energy } : {}), config, presetReason, history };
    return { meta, dir, modelDir: path.join(dir, MODEL_DIR), config, history, report };
  }

  /** Remove a run folder — only ever one under the store's runs directory. */
  async delete(run: Pick<StoredRun, 'dir' | 'meta'>): Promise<void> {
    const parent = this.datasetDir(run.meta.dataset);
    if (path.dirname(path.resolve(run.dir)) !== path.resolve(parent)) throw new Error(`refusing to delete ${run.dir}: not a run folder of ${parent}`);
    await rm(run.dir, { recursive: true, force: true });
  }

  /** Remove a folder made by create() for a run that did not finish. */
  async discard(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }
}

function json(v: unknown): string {
  // NaN/Infinity (a diverged loss) become null, as in the JSON report.
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 2) + '\n';
}

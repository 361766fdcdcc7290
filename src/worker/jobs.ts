import type { CancelSignal } from '../engine/cancel';
import { analyseFile } from '../engine/tasks/analyseFile';
import { compareFiles } from '../engine/tasks/compareFiles';
import { evaluateRulesOnFile } from '../engine/tasks/evaluateRules';
import { planTraining } from '../engine/tasks/planTraining';
import { predictFile } from '../engine/tasks/predictFile';
import { trainFile } from '../engine/tasks/trainFile';
import type { TaskRunner } from '../engine/parallel/runner';
import type { EpochProgress } from '../engine/train/types';
import type { Job, JobResult } from '../protocol';

export type Progress = (stage: string, fraction: number, message: string, epoch?: EpochProgress) => void;

/** Runs one job to completion in the worker: a thin adapter from protocol messages to the engine's use cases. */
export async function runJob(job: Job, signal: CancelSignal, progress: Progress, runner?: TaskRunner): Promise<JobResult> {
  switch (job.kind) {
    case 'analyse': {
      const report = await analyseFile(job.path, {
        runner,
        label: job.label,
        detectLabel: job.detectLabel,
        columnTypes: job.columnTypes,
        task: job.task,
        ...(job.exclude ? { exclude: job.exclude } : {}),
        seed: job.seed,
        signal,
        sparsity: job.sparsity,
        sampleRows: job.sampleRows,
        sparsityOptions: job.budgetBytes !== undefined ? { budgetBytes: job.budgetBytes } : undefined,
        ...(job.carbonIntensity !== undefined ? { carbonIntensity: job.carbonIntensity } : {}),
        ...(job.memoryBudgetMB !== undefined ? { memoryBudgetMB: job.memoryBudgetMB } : {}),
        onProgress: progress,
      });
      return { kind: 'analyse', report };
    }
    case 'hypothesis':
      return { kind: 'hypothesis', outcomes: await evaluateRulesOnFile(job.path, job.rules, { label: job.label, seed: job.seed, signal, onProgress: progress }) };
    case 'train': {
      const { kind: _kind, ...request } = job;
      const outcome = await trainFile(request, { signal, onProgress: progress });
      return { kind: 'train', training: outcome.training, ...(outcome.saved ? { saved: outcome.saved } : {}) };
    }
    case 'predict': {
      const { kind: _kind, ...request } = job;
      const outcome = await predictFile(request, { signal, onProgress: progress });
      return {
        kind: 'predict',
        rows: outcome.rows,
        task: outcome.task,
        classes: outcome.classes,
        counts: outcome.counts,
        ...(outcome.values ? { values: outcome.values } : {}),
        unseen: outcome.unseen,
        ...(outcome.out ? { out: outcome.out } : {}),
        drift: outcome.drift,
        notes: outcome.notes,
      };
    }
    case 'compare':
      return { kind: 'compare', report: await compareFiles(job.path, job.pathB, { seed: job.seed, classifier: job.classifier, runner, signal, onProgress: progress }) };
    case 'trainPlan': {
      const { kind: _kind, ...request } = job;
      progress('load', 0, `Reading ${job.path}`);
      return { kind: 'trainPlan', ...(await planTraining(request, { signal })) };
    }
  }
}

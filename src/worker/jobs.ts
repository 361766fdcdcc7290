import { analyseDataset, analysePath, DEFAULT_SEED } from '../engine/analyse';
import { binarisation } from '../engine/binarise';
import type { CancelSignal } from '../engine/cancel';
import { HypothesisError } from '../engine/hypothesis/ast';
import { compileHypothesis, evaluateHypothesis } from '../engine/hypothesis/evaluate';
import { loadDataset } from '../engine/io/load';
import { splitRows } from '../engine/split';
import type { AnalyseJob, HypothesisJob, HypothesisOutcome, Job, JobResult } from '../protocol';
import { DatasetError } from '../engine/errors';
import { runPredictJob, runTrainJob } from '../engine/train/job';
import type { EpochProgress } from '../engine/train/types';

export type Progress = (stage: string, fraction: number, message: string, epoch?: EpochProgress) => void;

/** Runs one job to completion in the worker. Pure engine calls; no messaging here. */
export async function runJob(job: Job, signal: CancelSignal, progress: Progress): Promise<JobResult> {
  switch (job.kind) {
    case 'analyse':
      return { kind: 'analyse', report: await analyse(job, signal, progress) };
    case 'hypothesis':
      return { kind: 'hypothesis', outcomes: await hypotheses(job, signal, progress) };
    case 'train':
      return runTrainJob(job, signal, progress);
    case 'predict':
      return runPredictJob(job, signal, progress);
  }
}

function analyse(job: AnalyseJob, signal: CancelSignal, progress: Progress): ReturnType<typeof analysePath> {
  return analysePath(
    job.path,
    { label: job.label, detectLabel: job.detectLabel },
    {
      seed: job.seed,
      signal,
      sparsity: job.sparsity,
      sampleRows: job.sampleRows,
      sparsityOptions: job.budgetBytes !== undefined ? { budgetBytes: job.budgetBytes } : undefined,
      onProgress: (stage, fraction, message) => progress(stage, fraction, message),
    },
  );
}

async function hypotheses(job: HypothesisJob, signal: CancelSignal, progress: Progress): Promise<HypothesisOutcome[]> {
  progress('load', 0, `Reading ${job.path}`);
  const dataset = await loadDataset(job.path, { label: job.label, signal });
  const label = dataset.label;
  if (!label || label.classes.length !== 2) {
    throw new DatasetError('labelInvalid', `a hypothesis needs a two-class label, found ${label ? `${label.classes.length} classes` : 'none'}`, {
      file: job.path,
      expected: 'a label column with exactly two classes',
    });
  }
  const seed = job.seed ?? DEFAULT_SEED;
  progress('features', 0, 'Finding peaks for bin()');
  const described = analyseDataset(dataset, { seed, sparsity: false, signal });
  const binarisations = described.features.map((f) => binarisation(f.modes, f.stats, f.values));
  const split = splitRows(label.values, dataset.rows, seed);
  return job.rules.map((rule, i) => {
    signal.throwIfAborted();
    progress('hypothesis', i / job.rules.length, `Evaluating rule ${i + 1} of ${job.rules.length}`);
    try {
      const compiled = compileHypothesis(rule, { names: dataset.names, binarisations });
      return { ok: true, evaluation: evaluateHypothesis(compiled, { columns: dataset.columns, label }, split) };
    } catch (error) {
      if (error instanceof HypothesisError) {
        return { ok: false, error: { message: error.message, column: error.column, length: error.length, code: error.code } };
      }
      throw error;
    }
  });
}

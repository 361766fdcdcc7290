import type { CancelSignal } from './cancel';
import type { Dataset, LoadOptions } from './dataset';
import { loadDataset } from './io/load';
import { createRng } from './random';
import { REPORT_SCHEMA } from './report';
import type { CorrelationReport, DatasetInfo, FeatureReport, Report } from './report';
import { correlationMatrix } from './stats/correlation';
import { pca } from './stats/pca';
import { describeFeature } from './stats/shape';
import { binarisation } from './binarise';
import { testXorConjecture } from './hypothesis/conjecture';
import { assessRelevance } from './relevance';
import { analyseSparsity } from './sparsity/sparsity';
import type { SparsityOptions } from './sparsity/sparsity';
import { sampleDataset } from './sample';
import { ENGINE_VERSION } from './version';

export type AnalysisStage = 'load' | 'features' | 'correlation' | 'pca' | 'sparsity';

export interface AnalyseOptions {
  /** Seed for every random choice (PCA sample); the same seed gives the same report. */
  readonly seed?: number;
  readonly signal?: CancelSignal;
  /** Called as each stage starts; `fraction` is 0..1 within the stage. */
  readonly onProgress?: (stage: AnalysisStage, fraction: number, message: string) => void;
  /** Run the L1 sparsity analysis and relevance (default true; needs a two-class label). */
  readonly sparsity?: boolean;
  readonly sparsityOptions?: Omit<SparsityOptions, 'seed' | 'signal'>;
  /** Analyse a seeded sample of at most this many rows (0 or absent: every row); the report says so. */
  readonly sampleRows?: number;
}

export const DEFAULT_SEED = 42;

/** Read a dataset from disk and describe it: the whole `kryptonite analyse` job. */
export async function analysePath(path: string, load: LoadOptions = {}, options: AnalyseOptions = {}): Promise<Report> {
  const started = performance.now();
  options.onProgress?.('load', 0, `Reading ${path}`);
  const loaded = await loadDataset(path, { ...load, signal: load.signal ?? options.signal });
  const dataset = options.sampleRows ? sampleDataset(loaded, options.sampleRows, options.seed ?? DEFAULT_SEED) : loaded;
  const loadMs = performance.now() - started;
  return analyseDataset(dataset, options, loadMs);
}

/** Describe a dataset already in memory. Pure: the same dataset and seed give the same report (bar timings). */
export function analyseDataset(dataset: Dataset, options: AnalyseOptions = {}, loadMs = 0): Report {
  const seed = options.seed ?? DEFAULT_SEED;
  const t0 = performance.now();
  const features: FeatureReport[] = [];
  const p = dataset.columns.length;
  for (let j = 0; j < p; j++) {
    throwIfAborted(options.signal);
    options.onProgress?.('features', j / p, `Describing ${dataset.names[j]} (${j + 1}/${p})`);
    const d = describeFeature(dataset.columns[j]);
    features.push({
      index: j,
      name: dataset.names[j],
      stats: d.summary,
      histogram: d.histogram,
      values: d.values,
      modes: d.modes,
      shape: d.shape.shape,
      shapeConfidence: d.shape.confidence,
      shapeEvidence: d.shape.evidence,
    });
  }
  const t1 = performance.now();

  throwIfAborted(options.signal);
  options.onProgress?.('correlation', 0, 'Correlation matrix');
  const correlation = correlate(dataset);
  const t2 = performance.now();

  throwIfAborted(options.signal);
  options.onProgress?.('pca', 0, 'Principal components');
  const pcaResult = pca(dataset.columns, dataset.names, {
    labels: dataset.label?.values ?? null,
    rng: createRng(seed),
    correlation: correlation.matrix,
  });
  const t3 = performance.now();

  let sparsitySection: Pick<Report, 'sparsity' | 'relevance' | 'hypotheses' | 'conjectures'> = {};
  let described = features;
  if (options.sparsity !== false) {
    throwIfAborted(options.signal);
    options.onProgress?.('sparsity', 0, 'L1 coefficient sparsity over interaction terms');
    const { report: sparsity, model } = analyseSparsity(dataset, features, { ...options.sparsityOptions, seed, signal: options.signal });
    const relevance = assessRelevance(features, sparsity, model);
    described = features.map((f, j) => ({ ...f, relevance: relevance.features[j].relevance, relevanceEvidence: relevance.features[j].evidence }));
    const relevant = relevance.features.flatMap((r, j) => (r.relevance === 'relevant' ? [j] : []));
    const bins = features.map((f) => binarisation(f.modes, f.stats, f.values));
    const conjecture = testXorConjecture(dataset, relevant, sparsity, model, bins);
    sparsitySection = {
      sparsity,
      relevance: { crossCheck: relevance.crossCheck, zCritical: Number.isFinite(relevance.zCritical) ? relevance.zCritical : null },
      hypotheses: conjecture.hypotheses,
      conjectures: { rejected: conjecture.rejected, oracle: conjecture.oracle },
    };
  }
  const t4 = performance.now();

  return {
    schema: REPORT_SCHEMA,
    generator: { name: 'kryptonite', version: ENGINE_VERSION },
    dataset: datasetInfo(dataset),
    features: described,
    correlation,
    pca: pcaResult,
    ...sparsitySection,
    warnings: [...dataset.warnings],
    settings: { seed },
    timings: {
      loadMs: round(loadMs),
      statsMs: round(t1 - t0),
      correlationMs: round(t2 - t1),
      pcaMs: round(t3 - t2),
      ...(options.sparsity !== false ? { sparsityMs: round(t4 - t3) } : {}),
      totalMs: round(loadMs + t4 - t0),
    },
  };
}

function correlate(dataset: Dataset): CorrelationReport {
  const label = dataset.label;
  if (label && label.classes.length === 2) {
    // A two-class label as a 0/1 column gives the point-biserial correlation, comparable with pandas' corr() on y.
    const y = new Float32Array(label.values.length);
    for (let i = 0; i < y.length; i++) y[i] = label.values[i] < 0 ? NaN : label.values[i];
    const m = correlationMatrix([...dataset.columns, y], [...dataset.names, label.name]);
    return { ...m, label: label.name, labelNote: null };
  }
  const m = correlationMatrix(dataset.columns, dataset.names);
  const labelNote = label
    ? `label "${label.name}" has ${label.classes.length} classes; class codes are not an ordered quantity, so it is not correlated`
    : null;
  return { ...m, label: null, labelNote };
}

function datasetInfo(dataset: Dataset): DatasetInfo {
  const label = dataset.label;
  return {
    path: dataset.path,
    files: [...dataset.files],
    format: dataset.format,
    bytes: dataset.source.bytes,
    parser: dataset.source.parser,
    delimiter: dataset.source.delimiter ?? null,
    hasHeader: dataset.source.hasHeader ?? null,
    rows: dataset.rows,
    featureCount: dataset.columns.length,
    excludedColumns: [...(dataset.source.excludedColumns ?? [])],
    label: label
      ? {
          name: label.name,
          kind: label.kind,
          classes: label.classes.map((value, index) => ({ index, value, count: label.counts[index] })),
          missing: label.missing,
        }
      : null,
  };
}

function throwIfAborted(signal: CancelSignal | undefined): void {
  signal?.throwIfAborted();
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Ids mirrored from package.json `contributes`; a unit-free place to look them up. */
export const EXTENSION_ID = 'kryptonite.kryptonite';

export const Commands = {
  analyseDataset: 'kryptonite.analyseDataset',
  openReport: 'kryptonite.openReport',
  clearDiagnostics: 'kryptonite.clearDiagnostics',
  cancel: 'kryptonite.cancel',
  exportReport: 'kryptonite.exportReport',
  excludeFeature: 'kryptonite.excludeFeature',
  includeFeature: 'kryptonite.includeFeature',
  openDataset: 'kryptonite.openDataset',
  refreshExplorer: 'kryptonite.refreshExplorer',
  newHypothesisFile: 'kryptonite.newHypothesisFile',
  compareHypotheses: 'kryptonite.compareHypotheses',
  setLabelColumn: 'kryptonite.setLabelColumn',
  setLabelTask: 'kryptonite.setLabelTask',
  compareDatasets: 'kryptonite.compareDatasets',
} as const;

/** Training: Train Model, Predict Labels, the training panel and the saved runs (src/training/). */
export const TrainingCommands = {
  trainModel: 'kryptonite.trainModel',
  cancelTraining: 'kryptonite.cancelTraining',
  showTraining: 'kryptonite.showTraining',
  openRun: 'kryptonite.openTrainingRun',
  compareRuns: 'kryptonite.compareTrainingRuns',
  deleteRun: 'kryptonite.deleteTrainingRun',
  predictLabels: 'kryptonite.predictLabels',
} as const;

export const Views = {
  container: 'kryptonite',
  explorer: 'kryptonite.explorer',
} as const;

export const PANEL_VIEW_TYPE = 'kryptonite.report';
export const TRAINING_VIEW_TYPE = 'kryptonite.training';
export const HYPOTHESES_VIEW_TYPE = 'kryptonite.hypotheses';
export const COMPARE_VIEW_TYPE = 'kryptonite.compare';
/** Language id of hypothesis files (`*.kryp`), as contributed in package.json. */
export const HYPOTHESIS_LANGUAGE = 'kryptonite-hypothesis';
export const DIAGNOSTIC_SOURCE = 'kryptonite';
/**
 * Glob for every dataset file the explorer lists (the loader, src/engine/io/load.ts, reads each of these; package.json's
 * activation events and menus name the same extensions).
 */
export const DATASET_GLOB = '**/*.{csv,tsv,npy,parquet,pq,arrow,feather,ipc,arrows,csv.gz,tsv.gz,csv.zst,tsv.zst}';
export const DATASET_EXCLUDE = '{**/node_modules/**,**/.git/**}';

export const Config = {
  section: 'kryptonite',
  labelColumn: 'labelColumn',
  expansionBudgetMB: 'expansionBudgetMB',
  sparsity: 'sparsity',
  backend: 'backend',
  severity: 'diagnostics.severity',
  seed: 'seed',
  sampleRows: 'sampleRows',
  columnTypes: 'columnTypes',
  carbonIntensity: 'carbonIntensity',
  memoryBudgetMB: 'memoryBudgetMB',
} as const;

/**
 * Stable diagnostic codes. The engine's warning codes are used unchanged for structural problems, and its alert
 * codes (src/engine/alerts/types.ts: identifierColumn, labelLeak, duplicateRows, …) unchanged for data-quality alerts.
 */
export const DiagnosticCodes = {
  irrelevantFeature: 'irrelevantFeature',
  constantFeature: 'constantFeature',
  excludedByUser: 'excludedByUser',
  analysisFailed: 'analysisFailed',
} as const;

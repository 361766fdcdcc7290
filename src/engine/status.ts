/** Whether an analysis ran, and why not when it did not: every analysis returns one, the report lists them. */
export interface AnalysisStatus {
  readonly id: 'profile' | 'correlation' | 'pca' | 'baselines' | 'relevance' | 'sparsity' | 'hypotheses' | 'alerts';
  readonly status: 'done' | 'skipped';
  /** For `skipped`: why, in one line; for `done`: what was sampled or approximated, if anything. */
  readonly note: string | null;
}

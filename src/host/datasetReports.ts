import type * as vscode from 'vscode';
import type { Report } from '../engine/report';
import type { JobFailedError } from '../worker/client';
import type { DatasetIndex } from './datasetIndex';

export type AnalysisOutcome =
  /** `notice`: what differs from what was asked (e.g. the configured label is not in the file), in one line. */
  | { readonly status: 'done'; readonly report: Report; readonly notice?: string }
  | { readonly status: 'cancelled' }
  | { readonly status: 'failed'; readonly message: string; readonly error?: JobFailedError };

/**
 * What other features may ask of the datasets feature (hypothesis files seed themselves from a report and complete
 * feature names from it), without importing it: the datasets feature implements this, extension.ts passes it on.
 */
export interface DatasetReports {
  readonly index: DatasetIndex;
  /** The latest report of the dataset the file belongs to, if it was analysed in this session. */
  reportOf(uri: vscode.Uri): Report | undefined;
  /** Analyse (and publish: panel, diagnostics) the dataset the file belongs to. */
  analyse(uri: vscode.Uri): Promise<AnalysisOutcome>;
}

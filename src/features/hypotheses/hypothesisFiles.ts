import * as path from 'node:path';
import * as vscode from 'vscode';
import { Config, DIAGNOSTIC_SOURCE, HYPOTHESIS_LANGUAGE } from '../../constants';
import { DEFAULT_SEED } from '../../engine/random';
import { HypothesisError } from '../../engine/hypothesis/ast';
import { parseHypothesisFile, type HypothesisFile, type HypothesisFileRule } from '../../engine/hypothesis/file';
import { parseHypothesis } from '../../engine/hypothesis/parser';
import type { HypothesisOutcome } from '../../protocol';
import { labelSetting } from '../../host/analysisSettings';
import { JobCancelledError, JobFailedError, type RunningJob, type WorkerClient } from '../../worker/client';
import { errorRange } from './format';

/** Typing pauses this long before a re-evaluation (open and save evaluate at once). */
export const TYPING_DEBOUNCE_MS = 600;

/** Stable diagnostic codes for .kryp files (the parser's HypothesisErrorCode values are used unchanged for rules). */
export const HypothesisDiagnosticCodes = {
  datasetNotFound: 'datasetNotFound',
  evaluationFailed: 'evaluationFailed',
  unsavedFile: 'unsavedFile',
} as const;

/** What is known about one open .kryp document. */
export interface HypothesisFileState {
  readonly uri: vscode.Uri;
  /** Document version the latest parse is of. */
  version: number;
  parsed: HypothesisFile;
  /** The dataset file, resolved relative to the .kryp file; null when missing or unresolvable. */
  dataset: vscode.Uri | null;
  label: string | number | undefined;
  seed: number;
  /** Outcomes by rule text, from the latest finished evaluation with the same dataset/label/seed. */
  results: Map<string, HypothesisOutcome>;
  /** Version whose evaluation finished (results, or a failure shown as a diagnostic); -1: none yet. */
  evaluatedVersion: number;
  /** Why the whole file could not be evaluated, when it could not. */
  failure: string | null;
  /** Rules that do not parse, by text: their error (the CodeLens shows it at once; they are never sent to the worker). */
  syntaxErrors: ReadonlyMap<string, string>;
  running: RunningJob | null;
  resultKey: string;
}

/**
 * Owns .kryp documents: parses them on the host (cheap, exact positions), evaluates their rules in the worker on open,
 * save and a typing pause (one slot per document: a newer evaluation cancels the older), and publishes diagnostics.
 * Providers (CodeLens, hover, completion) read the state; they never start work themselves.
 *
 * It has its own DiagnosticCollection rather than sharing src/diagnostics': those findings belong to data files and are
 * cleared by "Clear Diagnostics" and re-analysis, while these follow the editor text of a .kryp file.
 */
export class HypothesisFiles implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('kryptonite-hypotheses');
  private readonly states = new Map<string, HypothesisFileState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** Fires when a document's results or diagnostics changed (CodeLens refresh, tests). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly worker: WorkerClient,
    private readonly log: vscode.LogOutputChannel,
    /** The label a dataset's rules are checked against when the file names none (its Set Label Column choice, else the setting). */
    private readonly defaultLabel: (dataset: vscode.Uri) => string | number | undefined = () => undefined,
  ) {}

  /** Follow open, edit, save and close of .kryp documents (and evaluate those already open). */
  listen(): void {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.isHypothesisDocument(d) && this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && this.isHypothesisDocument(e.document) && this.schedule(e.document, TYPING_DEBOUNCE_MS)),
      vscode.workspace.onDidSaveTextDocument((d) => this.isHypothesisDocument(d) && this.schedule(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
    );
    for (const d of vscode.workspace.textDocuments) if (this.isHypothesisDocument(d)) this.schedule(d, 0);
  }

  isHypothesisDocument(d: vscode.TextDocument): boolean {
    return d.languageId === HYPOTHESIS_LANGUAGE || d.uri.path.toLowerCase().endsWith('.kryp');
  }

  state(uri: vscode.Uri): HypothesisFileState | undefined {
    return this.states.get(uri.toString());
  }

  /** Resolves once the evaluation of the document's current version has finished (now, if it already has). */
  evaluated(document: vscode.TextDocument, ms = 120_000): Promise<HypothesisFileState> {
    const key = document.uri.toString();
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const s = this.states.get(key);
        if (!s || s.evaluatedVersion !== document.version) return false;
        sub.dispose();
        clearTimeout(timer);
        resolve(s);
        return true;
      };
      const sub = this.onDidChange((u) => u.toString() === key && check());
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`${document.uri.fsPath} (version ${document.version}) was not evaluated within ${ms} ms`));
      }, ms);
      if (!check() && !this.states.has(key) && !this.timers.has(key)) this.schedule(document, 0);
    });
  }

  /** Evaluate soon: after `delayMs` without further calls for the same document. */
  schedule(document: vscode.TextDocument, delayMs: number): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.evaluate(document);
      }, delayMs),
    );
  }

  /** Parse, publish what the text alone shows, then evaluate the rules in the worker and publish the rest. */
  async evaluate(document: vscode.TextDocument): Promise<HypothesisFileState> {
    const key = document.uri.toString();
    const version = document.version;
    const parsed = parseHypothesisFile(document.getText());
    const cfg = vscode.workspace.getConfiguration(Config.section, document.uri);
    const seed = parsed.seed ?? cfg.get<number>(Config.seed, DEFAULT_SEED);
    const previous = this.states.get(key);
    previous?.running?.cancel();
    const dataset = parsed.dataset ? resolveDataset(document.uri, parsed.dataset.path) : null;
    const label = parsed.label ?? (dataset ? this.defaultLabel(dataset) : labelSetting(document.uri));
    const resultKey = `${dataset?.toString() ?? ''}|${String(label)}|${seed}`;
    const state: HypothesisFileState = {
      uri: document.uri,
      version,
      parsed,
      dataset,
      label,
      seed,
      results: previous && previous.resultKey === resultKey ? previous.results : new Map(),
      evaluatedVersion: previous?.evaluatedVersion ?? -1,
      failure: null,
      syntaxErrors: new Map(),
      running: null,
      resultKey,
    };
    this.states.set(key, state);

    // What the text alone shows: directive problems and syntax errors, published at once.
    const syntax = new Map<HypothesisFileRule, HypothesisError>();
    for (const rule of parsed.rules) {
      try {
        parseHypothesis(rule.text);
      } catch (error) {
        if (error instanceof HypothesisError) syntax.set(rule, error);
        else throw error;
      }
    }
    state.syntaxErrors = new Map([...syntax].map(([rule, e]) => [rule.text, e.message]));
    const fileProblems = parsed.problems.map((p) => diagnostic(new vscode.Range(p.line, p.start, p.line, p.start + Math.max(1, p.length)), p.message, p.code, p.code === 'missingDataset' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning));
    const syntaxDiagnostics = [...syntax].map(([rule, e]) => ruleDiagnostic(rule, e));
    const publish = (extra: vscode.Diagnostic[]): void => {
      if (this.states.get(key) !== state) return;
      this.diagnostics.set(document.uri, [...fileProblems, ...syntaxDiagnostics, ...extra]);
    };
    const finish = (failure: string | null, extra: vscode.Diagnostic[]): HypothesisFileState => {
      if (this.states.get(key) !== state) return state;
      state.failure = failure;
      state.evaluatedVersion = version;
      state.running = null;
      publish(extra);
      this.changed.fire(document.uri);
      return state;
    };
    publish([]);
    this.changed.fire(document.uri);

    if (!parsed.dataset) return finish('no dataset line', []);
    const directive = parsed.dataset;
    const at = new vscode.Range(directive.line, directive.start, directive.line, directive.start + Math.max(1, directive.length));
    if (!dataset) {
      return finish('unsaved', [diagnostic(at, `save this file first: "${directive.path}" is relative to the folder the file is saved in`, HypothesisDiagnosticCodes.unsavedFile, vscode.DiagnosticSeverity.Warning)]);
    }
    try {
      await vscode.workspace.fs.stat(dataset);
    } catch {
      return finish('dataset not found', [diagnostic(at, `dataset file not found: ${dataset.fsPath}`, HypothesisDiagnosticCodes.datasetNotFound, vscode.DiagnosticSeverity.Error)]);
    }
    if (this.states.get(key) !== state) return state;

    // Each distinct rule that parses goes to the worker once; unknown features and type errors come back per rule.
    const texts = [...new Set(parsed.rules.filter((r) => !syntax.has(r)).map((r) => r.text))];
    if (texts.length === 0) {
      state.results = new Map();
      return finish(null, []);
    }
    const job = this.worker.run({ kind: 'hypothesis', path: path.normalize(dataset.fsPath), rules: texts, seed, ...(label !== undefined ? { label } : {}) });
    state.running = job;
    try {
      const result = await job.result;
      if (result.kind !== 'hypothesis' || result.outcomes.length !== texts.length) throw new Error('the worker answered with the wrong kind of result');
      if (this.states.get(key) !== state) return state;
      state.results = new Map(texts.map((t, i) => [t, result.outcomes[i]]));
      const semantic: vscode.Diagnostic[] = [];
      for (const rule of parsed.rules) {
        const o = state.results.get(rule.text);
        if (o && !o.ok) semantic.push(ruleDiagnostic(rule, o.error));
      }
      return finish(null, semantic);
    } catch (error) {
      if (error instanceof JobCancelledError && !error.forced) return state;
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof JobFailedError && error.error.kind === 'input')) this.log.error(`evaluating ${document.uri.fsPath}: ${message}`);
      state.results = new Map();
      return finish(message, [diagnostic(at, `could not evaluate the rules on this dataset: ${message}`, HypothesisDiagnosticCodes.evaluationFailed, vscode.DiagnosticSeverity.Error)]);
    }
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.states.get(key)?.running?.cancel();
    this.states.delete(key);
    this.diagnostics.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.states.values()) s.running?.cancel();
    this.states.clear();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
    this.diagnostics.dispose();
  }
}

/** The dataset named in a .kryp file: relative to the file's folder (an absolute path stays as it is). */
export function resolveDataset(file: vscode.Uri, datasetPath: string): vscode.Uri | null {
  if (path.isAbsolute(datasetPath)) return vscode.Uri.file(datasetPath);
  if (file.scheme === 'untitled') return null;
  return vscode.Uri.joinPath(file, '..', ...datasetPath.split(/[\\/]/));
}

function diagnostic(range: vscode.Range, message: string, code: string, severity: vscode.DiagnosticSeverity): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range, message, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = code;
  return d;
}

function ruleDiagnostic(rule: HypothesisFileRule, error: { readonly message: string; readonly column: number; readonly length: number; readonly code: string }): vscode.Diagnostic {
  const r = errorRange(rule, error);
  return diagnostic(new vscode.Range(r.line, r.start, r.line, r.end), error.message, error.code, vscode.DiagnosticSeverity.Error);
}

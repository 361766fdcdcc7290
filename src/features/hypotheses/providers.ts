import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { FeatureReport, Report } from '../../engine/report';
import { analyseJob } from '../../host/analysisSettings';
import type { DatasetReports } from '../../host/datasetReports';
import type { WorkerClient } from '../../worker/client';
import { hoverMarkdown, lensTitle } from './format';
import type { HypothesisFiles, HypothesisFileState } from './hypothesisFiles';

/** One CodeLens above each rule: its accuracy, interval and test accuracy; clicking it compares all rules. */
export class HypothesisCodeLenses implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly files: HypothesisFiles) {
    this.onDidChangeCodeLenses = (listener, thisArg, disposables) => files.onDidChange(() => listener.call(thisArg), undefined, disposables);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const state = this.files.state(document.uri);
    if (!state) return [];
    return state.parsed.rules.map((rule) => {
      const range = new vscode.Range(rule.line, rule.start, rule.line, rule.start + rule.text.length);
      return new vscode.CodeLens(range, { title: titleFor(state, rule.text), command: Commands.compareHypotheses, arguments: [document.uri], tooltip: 'Compare all hypotheses of this file' });
    });
  }
}

function titleFor(state: HypothesisFileState, text: string): string {
  // A rule that does not parse is never evaluated: say why at once instead of "evaluating…" for ever.
  const syntax = state.syntaxErrors.get(text);
  if (syntax !== undefined) return `syntax error: ${syntax}`;
  const o = state.results.get(text);
  if (o?.ok) return lensTitle(o.evaluation, state.seed);
  if (o && !o.ok) return `not evaluated: ${o.error.message}`;
  if (state.failure && state.evaluatedVersion === state.version) return `not evaluated: ${state.failure}`;
  return 'evaluating…';
}

/** Hover on a rule: its confusion matrix and the accuracy without each of its features. */
export class HypothesisHover implements vscode.HoverProvider {
  constructor(private readonly files: HypothesisFiles) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const state = this.files.state(document.uri);
    const rule = state?.parsed.rules.find((r) => r.line === position.line && position.character >= r.start && position.character <= r.start + r.text.length);
    if (!state || !rule) return undefined;
    const o = state.results.get(rule.text);
    if (!o?.ok) return undefined;
    const md = new vscode.MarkdownString(hoverMarkdown(o.evaluation, state.seed));
    return new vscode.Hover(md, new vscode.Range(rule.line, rule.start, rule.line, rule.start + rule.text.length));
  }
}

const FUNCTIONS: readonly [string, string][] = [
  ['bin', 'bin(feature): true on the upper peak of a two-peaked feature (the cut the analysis found)'],
  ['xor', 'xor(a, b, …): true when an odd number of the conditions hold (parity)'],
  ['parity', 'parity(a, b, …): the same as xor(…)'],
  ['and', 'and(a, b, …): all hold'],
  ['or', 'or(a, b, …): at least one holds'],
  ['not', 'not(a): a does not hold'],
];
const KEYWORDS = ['and', 'or', 'xor', 'not', 'true', 'false'];

interface FeatureSource {
  readonly features: readonly FeatureReport[];
  /** Where the shapes and relevance come from, for the completion detail. */
  readonly from: 'analysis' | 'quick';
}

/**
 * Feature names with their shape and relevance. From the latest full analysis of the dataset when the extension has
 * one (shape + relevance); otherwise from a quick analysis in the worker without the sparsity step (shape only, a
 * fraction of the cost), cached per dataset file and modification time.
 */
export class HypothesisCompletion implements vscode.CompletionItemProvider {
  private readonly quick = new Map<string, { mtime: number; report: Promise<Report | undefined> }>();

  constructor(
    private readonly files: HypothesisFiles,
    private readonly datasets: DatasetReports,
    private readonly worker: WorkerClient,
  ) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.CompletionItem[]> {
    const state = this.files.state(document.uri);
    const lineText = document.lineAt(position.line).text.slice(0, position.character);
    // No completions on directive lines, in comments or inside a backquoted name.
    if (/^\s*(dataset|label|seed)\b(?!\s*[<>=!(*+/-])/.test(lineText) && !state?.parsed.rules.some((r) => r.line === position.line)) return [];
    if (lineText.includes('//') || (lineText.match(/`/g)?.length ?? 0) % 2 === 1) return [];
    const items: vscode.CompletionItem[] = [];
    for (const [name, doc] of FUNCTIONS) {
      const item = new vscode.CompletionItem(`${name}(`, vscode.CompletionItemKind.Function);
      item.insertText = new vscode.SnippetString(`${name}($1)`);
      item.filterText = name;
      item.documentation = doc;
      item.sortText = `2${name}`;
      items.push(item);
    }
    for (const k of KEYWORDS) {
      const item = new vscode.CompletionItem(k, vscode.CompletionItemKind.Keyword);
      item.sortText = `3${k}`;
      items.push(item);
    }
    const source = state?.dataset ? await this.featuresOf(state.dataset, state.label) : undefined;
    if (token.isCancellationRequested || !source) return items;
    for (const f of source.features) {
      const item = new vscode.CompletionItem(f.name, vscode.CompletionItemKind.Field);
      const relevance = f.relevance ?? (source.from === 'quick' ? 'relevance not analysed' : 'relevance unknown');
      item.detail = `${f.shape} · ${relevance}`;
      item.documentation = new vscode.MarkdownString(
        `**${f.name}** (#${f.index}) — ${f.shape} (${Math.round(f.shapeConfidence * 100)} % confident), ${relevance}` +
          (source.from === 'quick' ? '\n\n_Run "Kryptonite: Analyse Dataset" for relevance._' : ''),
      );
      item.insertText = /^[\p{L}_][\p{L}\p{N}_.]*$/u.test(f.name) && !KEYWORDS.includes(f.name) ? f.name : `\`${f.name}\``;
      // Relevant features first, then the rest in dataset order.
      item.sortText = `${f.relevance === 'relevant' ? '0' : '1'}${String(f.index).padStart(6, '0')}`;
      items.push(item);
    }
    return items;
  }

  private async featuresOf(dataset: vscode.Uri, label: string | number | undefined): Promise<FeatureSource | undefined> {
    const full = this.datasets.reportOf(dataset);
    if (full) return { features: full.features, from: 'analysis' };
    let mtime: number;
    try {
      mtime = (await vscode.workspace.fs.stat(dataset)).mtime;
    } catch {
      return undefined;
    }
    const key = `${dataset.toString()}|${String(label)}`;
    let cached = this.quick.get(key);
    if (!cached || cached.mtime !== mtime) {
      const job = { ...analyseJob(dataset), sparsity: false, ...(label !== undefined ? { label } : {}) };
      const report = this.worker.run(job).result.then(
        (r) => (r.kind === 'analyse' ? r.report : undefined),
        () => undefined,
      );
      cached = { mtime, report };
      this.quick.set(key, cached);
    }
    const report = await cached.report;
    return report ? { features: report.features, from: 'quick' } : undefined;
  }
}

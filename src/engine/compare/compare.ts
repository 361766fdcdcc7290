/**
 * Do two tables come from the same distribution? Feature by feature (compareFeature), with the verdicts controlled
 * for multiplicity — Benjamini–Hochberg at q = COMPARE_FDR over the features compared, so among the features flagged
 * at most 5 % are expected to be false alarms — and as a whole by the classifier two-sample test. When both tables
 * carry the same label, the label is compared too (target drift), outside the features' family.
 */
import type { CancelSignal } from '../cancel';
import type { Dataset } from '../dataset';
import type { TaskRunner } from '../parallel/runner';
import { benjaminiHochberg } from '../stats/multiplicity';
import { classifierTwoSampleTest } from './classifierTest';
import type { ClassifierTest } from './classifierTest';
import { compareFeature } from './features';
import type { CompareColumn, FeatureComparison } from './features';

/** The false discovery rate of the per-feature verdicts. */
export const COMPARE_FDR = 0.05;

export interface CompareSide {
  readonly path: string;
  readonly files: readonly string[];
  readonly rows: number;
  readonly features: number;
  readonly label: string | null;
}

export interface ComparedFeature extends FeatureComparison {
  /** Benjamini–Hochberg adjusted p-value (q-value); NaN when no test was possible. */
  readonly q: number;
  /** The distributions differ at the stated FDR (or the column changed type). */
  readonly flagged: boolean;
  /** One line: what differs and by how much, or that nothing detectably does. */
  readonly verdict: string;
}

export interface CompareReport {
  readonly schema: 'kryptonite.compare/1';
  readonly a: CompareSide;
  readonly b: CompareSide;
  readonly features: ComparedFeature[];
  /** Features of one table only, not compared. */
  readonly onlyInA: string[];
  readonly onlyInB: string[];
  /** Same name, different type on each side: flagged without a test (e.g. numbers in A, text in B). */
  readonly typeChanged: { readonly name: string; readonly a: string; readonly b: string }[];
  readonly errorControl: { readonly method: 'Benjamini–Hochberg'; readonly fdr: number; readonly m: number; readonly description: string };
  readonly classifierTest: ClassifierTest | null;
  readonly classifierTestSkipped?: string;
  /** Both tables labelled with the same column: its distribution on each side (target drift); else null. */
  readonly label: (FeatureComparison & { readonly flagged: boolean; readonly verdict: string }) | null;
  /** The answer in one paragraph. */
  readonly summary: string;
  readonly sameDistribution: boolean;
  readonly timings: { readonly loadMs: number; readonly featuresMs: number; readonly classifierMs: number; readonly totalMs: number };
}

export interface CompareOptions {
  readonly seed: number;
  /** Skip the classifier test (per-feature tests only). */
  readonly classifier?: boolean;
  readonly runner?: TaskRunner;
  readonly signal?: CancelSignal;
  readonly onProgress?: (stage: 'features' | 'classifier', fraction: number, message: string) => void;
}

export function compareDatasets(a: Dataset, b: Dataset, options: CompareOptions, loadMs = 0): CompareReport {
  const started = performance.now();
  const columnsOf = (d: Dataset): Map<string, CompareColumn> =>
    new Map(d.names.map((name, j) => [name, { name, type: d.types[j], values: d.columns[j], categories: d.categories[j] }]));
  const colsA = columnsOf(a);
  const colsB = columnsOf(b);
  const onlyInA = a.names.filter((n) => !colsB.has(n));
  const onlyInB = b.names.filter((n) => !colsA.has(n));
  const typeChanged: CompareReport['typeChanged'] = [];
  const pairs: (readonly [CompareColumn, CompareColumn])[] = [];
  for (const name of a.names) {
    const ca = colsA.get(name)!;
    const cb = colsB.get(name);
    if (!cb) continue;
    if (!sameKind(ca.type, cb.type)) typeChanged.push({ name, a: ca.type, b: cb.type });
    else pairs.push([ca, cb.type === ca.type ? cb : { ...cb, type: ca.type }]);
  }
  const comparisons: FeatureComparison[] = [];
  pairs.forEach(([ca, cb], i) => {
    options.signal?.throwIfAborted();
    options.onProgress?.('features', i / pairs.length, `Comparing ${ca.name} (${i + 1} of ${pairs.length})`);
    comparisons.push(compareFeature(ca, cb));
  });
  const bh = benjaminiHochberg(comparisons.map((c) => c.p), COMPARE_FDR);
  const features: ComparedFeature[] = comparisons.map((c, j) => {
    const flagged = bh.rejected[j];
    return { ...c, q: bh.adjusted[j], flagged, verdict: describe(c, flagged, bh.adjusted[j]) };
  });
  const featuresMs = performance.now() - started;

  let label: CompareReport['label'] = null;
  if (a.label && b.label && a.label.name === b.label.name) {
    const labelColumn = (d: Dataset): CompareColumn => {
      const l = d.label!;
      if (l.target) return { name: l.name, type: 'numeric', values: Float32Array.from(l.target), categories: null };
      return { name: l.name, type: 'categorical', values: Float32Array.from(l.values, (v) => (v >= 0 ? v : NaN)), categories: { levels: l.classes, codes: l.values, counts: l.counts } };
    };
    const c = compareFeature(labelColumn(a), labelColumn(b));
    // The label is one test on its own, outside the features' family: held at the same level.
    const flagged = c.p <= COMPARE_FDR;
    label = { ...c, flagged, verdict: describe(c, flagged, c.p, 'p') };
  }

  const classifierStarted = performance.now();
  let classifierTest: ClassifierTest | null = null;
  let classifierTestSkipped: string | undefined;
  if (options.classifier === false) classifierTestSkipped = 'not asked for (--no-classifier)';
  else {
    const r = classifierTwoSampleTest(pairs, { seed: options.seed, runner: options.runner, signal: options.signal, onProgress: (f, m) => options.onProgress?.('classifier', f, m) });
    if ('skipped' in r) classifierTestSkipped = r.skipped;
    else classifierTest = r;
  }
  const classifierMs = performance.now() - classifierStarted;
  const flaggedNames = features.filter((f) => f.flagged).map((f) => f.name);
  const sameDistribution = flaggedNames.length === 0 && typeChanged.length === 0 && !(classifierTest?.differs ?? false);
  return {
    schema: 'kryptonite.compare/1',
    a: side(a),
    b: side(b),
    features,
    onlyInA,
    onlyInB,
    typeChanged,
    errorControl: {
      method: 'Benjamini–Hochberg',
      fdr: COMPARE_FDR,
      m: bh.m,
      description: `per-feature verdicts: Benjamini–Hochberg over the ${bh.m} features compared, false discovery rate ${COMPARE_FDR}`,
    },
    classifierTest,
    ...(classifierTestSkipped ? { classifierTestSkipped } : {}),
    label,
    summary: summarise(features, typeChanged, classifierTest, classifierTestSkipped, onlyInA, onlyInB, label),
    sameDistribution,
    timings: { loadMs, featuresMs, classifierMs, totalMs: loadMs + performance.now() - started },
  };
}

/** Numbers and binary columns compare with each other; categories and booleans only with their own kind. */
function sameKind(x: string, y: string): boolean {
  const numeric = (t: string): boolean => t === 'numeric' || t === 'binary';
  return x === y || (numeric(x) && numeric(y));
}

function side(d: Dataset): CompareSide {
  return { path: d.path, files: d.files, rows: d.rows, features: d.names.length, label: d.label?.name ?? null };
}

function describe(c: FeatureComparison, flagged: boolean, q: number, qName = 'q'): string {
  const parts: string[] = [];
  parts.push(c.test === 'ks' ? `KS D = ${c.statistic.toFixed(3)}` : `χ² = ${num(c.statistic)}`);
  if (qName === 'q') parts.push(`p = ${pText(c.p)}`);
  parts.push(`PSI ${c.psi.toFixed(3)}`);
  if (c.meanShift !== null) parts.push(`mean shift ${c.meanShift >= 0 ? '+' : ''}${c.meanShift.toFixed(2)} sd`);
  if (c.sdRatio !== null && Math.abs(Math.log(c.sdRatio)) > 0.05) parts.push(`sd ×${c.sdRatio.toFixed(2)}`);
  if (c.a.shape !== c.b.shape) parts.push(`shape ${c.a.shape} → ${c.b.shape}`);
  if (c.pMissing !== null && c.pMissing < 0.05) parts.push(`missing ${c.a.missing} → ${c.b.missing}`);
  if (flagged) return `differs (${qName} = ${pText(q)}): ${parts.join(', ')}`;
  return `no detectable difference (${qName} = ${pText(q)}): ${parts.join(', ')}`;
}

function summarise(
  features: readonly ComparedFeature[],
  typeChanged: CompareReport['typeChanged'],
  c2st: ClassifierTest | null,
  skipped: string | undefined,
  onlyInA: readonly string[],
  onlyInB: readonly string[],
  label: CompareReport['label'],
): string {
  const flagged = features.filter((f) => f.flagged);
  const lines: string[] = [];
  if (c2st) {
    const ci = `[${c2st.ci95[0].toFixed(3)}, ${c2st.ci95[1].toFixed(3)}]`;
    lines.push(
      c2st.differs
        ? `A classifier tells the two tables apart: AUC ${c2st.auc.toFixed(3)}, 95 % CI ${ci}${c2st.topFeatures.length ? `, mostly by ${c2st.topFeatures.slice(0, 3).map((f) => f.name).join(', ')}` : ''}.`
        : `A classifier cannot tell the two tables apart: AUC ${c2st.auc.toFixed(3)}, 95 % CI ${ci} includes 0.5.`,
    );
  } else if (skipped) lines.push(`No classifier test: ${skipped}.`);
  lines.push(
    flagged.length
      ? `${flagged.length} of ${features.length} feature${features.length === 1 ? '' : 's'} differ at FDR ${COMPARE_FDR}: ${flagged.slice(0, 8).map((f) => f.name).join(', ')}${flagged.length > 8 ? ', …' : ''}.`
      : `No feature's distribution differs detectably at FDR ${COMPARE_FDR} (${features.length} compared).`,
  );
  if (typeChanged.length) lines.push(`Changed type: ${typeChanged.map((t) => `${t.name} (${t.a} → ${t.b})`).join(', ')}.`);
  if (onlyInA.length) lines.push(`Only in A: ${onlyInA.join(', ')}.`);
  if (onlyInB.length) lines.push(`Only in B: ${onlyInB.join(', ')}.`);
  if (label) lines.push(label.flagged ? `The label ${label.name} is distributed differently (target drift): ${label.verdict}.` : `The label ${label.name} shows no detectable drift.`);
  return lines.join(' ');
}

function pText(p: number): string {
  if (Number.isNaN(p)) return 'n/a';
  return p < 1e-4 ? p.toExponential(1) : p.toPrecision(2);
}

function num(v: number): string {
  return String(Number(v.toPrecision(4)));
}

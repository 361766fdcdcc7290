/**
 * Narrowing the candidates when the full expansion does not fit, with recorded evidence: a parity search over all
 * features (for a numeric target on the target cut at its training median; per class for one-vs-rest, against the
 * class's majority rate), an exact screen of every main effect and pair, and the shape classes.
 */
import { createRng } from '../random';
import type { FeatureProfile } from '../stats/profile';
import { sampleIndices } from '../stats/sampling';
import { mapToFloat64, mapToUint8, mapToInt32 } from '../typed';
import type { FitSetup } from './fits';
import { searchParity } from './parity';
import type { ParitySearchResult } from './parity';
import { focusedTerms, screenLowOrder } from './screen';
import type { ScreenTarget } from './screen';
import { abbreviate, fmtInt } from './text';
import type { LowOrderScreen, ParityFinding } from './types';

/**
 * Attempts of the parity searches of one-vs-rest, shared among the classes (a two-class label gets searchParity's 4,000):
 * 250 attempts still find a parity among 60 features with label noise up to 5.6 % (among 20: 12.9 %) with 99 %
 * probability, and each class reports the noise it could detect.
 */
export const PARITY_ATTEMPTS = 1000;
export const OVR_MIN_PARITY_ATTEMPTS = 250;
/**
 * The low-order screen of a numeric target or of every class (two classes: every training row, as before) scores at
 * most this many term × row products, on a seeded sample of the training rows beyond it (said so) of at least
 * SCREEN_MIN_ROWS: 60 features and 4 classes screen 3,600 rows in 45 ms.
 */
export const SCREEN_WORK = 2e7;
export const SCREEN_MIN_ROWS = 2000;

export interface Narrowed {
  readonly candidates: number[];
  readonly parity: ParityFinding | null;
  readonly classParity?: (ParityFinding | null)[];
  /** Features of the parity rule found (two classes and numeric targets), or null. */
  readonly parityFeatures: number[] | null;
  readonly lowOrder: LowOrderScreen;
}

/**
 * Narrow the candidates with recorded evidence: a parity search over all features (for a numeric target on the target
 * cut at its training median; per class for one-vs-rest), an exact screen of every main effect and pair, and the shapes.
 */
export function narrow(
  setup: FitSetup,
  bits: readonly Uint8Array[],
  s0: Float64Array,
  s1: Float64Array,
  features: readonly FeatureProfile[],
  /** Each feature's bits on the training rows (binariseAll's), for the screen when it scores exactly those rows. */
  trainBits?: readonly Uint8Array[],
): Narrowed {
  const { names, split, steps, seed, task } = setup;
  const p = names.length;
  const finding = (found: ParitySearchResult): ParityFinding => ({
    features: found.features ? found.features.map((j) => names[j]) : null,
    negated: found.negated,
    agreement: found.agreement,
    z: found.z,
    attempts: found.attempts,
    detectableNoise: found.detectableNoise,
  });
  const rule = (found: ParitySearchResult, what: string): string =>
    found.features
      ? `Gaussian elimination over GF(2) on random sets of ${found.rowsPerAttempt} training rows found the rule ${what} = ${found.negated ? 'NOT ' : ''}parity(${abbreviate(found.features.map((j) => names[j]))}) after ${found.attempts} attempt(s); it agrees with ${(100 * found.agreement).toFixed(1)} % of validation rows (z = ${found.z.toFixed(1)} against chance).`
      : `No parity rule beat chance${task === 'multiclass' ? ' (the class’s majority rate)' : ''} after ${found.attempts} attempts (best validation agreement ${(100 * found.agreement).toFixed(1)} %); a parity over any subset of the ${p} features with label noise below ${(100 * found.detectableNoise).toFixed(1)} % would have been found with 99 % probability.`;
  let parity: ParityFinding | null = null;
  let classParity: (ParityFinding | null)[] | undefined;
  let parityFeatures: number[] | null = null;
  let found: number[][] = [];
  let everyClassFound = false;
  if (task === 'multiclass') {
    // One search per class shares the attempts one search would make (each reports the noise it could detect).
    const attempts = Math.max(OVR_MIN_PARITY_ATTEMPTS, Math.floor(PARITY_ATTEMPTS / Math.max(1, setup.fitted.filter((f) => f).length)));
    const searched = setup.classLabels.map((labels, c) =>
      setup.fitted[c] ? searchParity({ bits, labels, rows: split.train, checkRows: split.validation, rng: createRng(seed + 7919 * (c + 1)), maxAttempts: attempts, chance: majority(labels, split.validation), signal: setup.signal }) : null,
    );
    classParity = searched.map((f) => (f ? finding(f) : null));
    found = searched.flatMap((f) => (f?.features ? [f.features] : []));
    everyClassFound = searched.every((f, c) => !setup.fitted[c] || f?.features);
    steps.push({
      id: 'parity',
      title: 'Parity search over all features, per class',
      detail: searched.flatMap((f, c) => (f ? [`${setup.classNames[c]}: ${rule(f, 'class')}`] : [])).join(' '),
    });
  } else {
    // A numeric target cut at its training median: a target that follows a parity (plus noise) keeps its sign pattern.
    const labels = task === 'regression' ? medianCut(setup.y!, split.train) : setup.labels;
    const result = searchParity({ bits, labels, rows: split.train, checkRows: split.validation, rng: createRng(seed), signal: setup.signal });
    parity = finding(result);
    parityFeatures = result.features;
    if (result.features) found = [result.features];
    everyClassFound = result.features !== null;
    steps.push({
      id: 'parity',
      title: 'Parity search over all features',
      detail: (task === 'regression' ? 'On the target cut at its training median (above: 1): ' : '') + rule(result, 'y'),
    });
  }
  setup.signal?.throwIfAborted();
  const [targets, rows, screenNames] = screenTargets(setup, p);
  const gathered = trainBits && rows === split.train ? trainBits : undefined;
  const lowOrder = screenLowOrder(bits, s0, s1, targets, rows, screenNames, setup.signal, setup.runner, gathered);
  steps.push({
    id: 'lowOrder',
    title: 'Low-order screen',
    detail:
      `All ${fmtInt(lowOrder.terms)} terms of degree 1–2 scored against the ${task === 'regression' ? 'target' : task === 'multiclass' ? 'classes' : 'label'} on ${task === 'binary' ? '' : `${fmtInt(setup.split.train.length)} `}training rows (|z| > ${lowOrder.zCritical.toFixed(2)} counts, Bonferroni 1 %): ` +
      (lowOrder.significant.length > 0
        ? `${lowOrder.significant.length} significant, strongest ${lowOrder.significant.slice(0, 5).map((t) => `${t.features.join('·')}${t.class !== undefined ? ` [${t.class}]` : ''} (z = ${t.z.toFixed(1)})`).join(', ')}.`
        : `none significant (strongest ${lowOrder.strongest ? `${lowOrder.strongest.features.join('·')}, |z| = ${Math.abs(lowOrder.strongest.z).toFixed(1)}` : '—'}): no main effect or pairwise interaction carries the label.`),
  });
  const bursts = features.filter((f) => f.shape === 'burst').map((f) => f.index);
  const lowOrderFeatures = new Set(lowOrder.significant.flatMap((t) => t.features.map((n) => names.indexOf(n))));
  const fromParity = new Set(found.flat());
  const set = new Set<number>(everyClassFound ? fromParity : [...range(p).filter((j) => !bursts.includes(j)), ...fromParity]);
  for (const j of lowOrderFeatures) set.add(j);
  const candidates = [...set].sort((a, b) => a - b);
  steps.push({
    id: 'narrow',
    title: 'Candidates narrowed',
    detail:
      (everyClassFound
        ? `Candidates = the ${fromParity.size} features of the parity rule${found.length > 1 ? 's' : ''}`
        : `Candidates = the ${p - bursts.length} features that are not burst-like (shape evidence: ${bursts.length} burst-like feature(s) set aside)`) +
      (lowOrderFeatures.size > 0 ? ` plus ${lowOrderFeatures.size} feature(s) from significant low-order terms` : '') +
      `: ${candidates.length} in all.` +
      (everyClassFound && bursts.length > 0 ? ` Shape evidence agrees on ${bursts.filter((j) => !set.has(j)).length} of ${bursts.length} burst-like features being outside.` : ''),
  });
  return { candidates, parity, classParity, parityFeatures, lowOrder };
}

/** The screen's targets and rows: the label as before for two classes; a numeric target or every class on a bounded sample. */
function screenTargets(setup: FitSetup, p: number): [ScreenTarget[], Uint32Array, readonly string[]] {
  const { split, task, names } = setup;
  if (task === 'binary') {
    const rows = split.train;
    const n = rows.length;
    let ybar = 0;
    for (const r of rows) ybar += setup.labels[r];
    ybar /= n;
    const sd = Math.sqrt(ybar * (1 - ybar));
    const binary = { bits: mapToUint8(n, (u) => (setup.labels[rows[u]] ? 1 : 0)), mean: ybar };
    return [[{ resid: mapToFloat64(n, (u) => setup.labels[rows[u]] - ybar), sd, binary }], rows, names];
  }
  const targets = task === 'regression' ? 1 : setup.fitted.filter((f) => f).length;
  const terms = (p * (p + 1)) / 2;
  const limit = Math.max(SCREEN_MIN_ROWS, Math.floor(SCREEN_WORK / (terms * (1 + targets))));
  let rows = split.train;
  if (rows.length > limit) {
    const picks = sampleIndices(rows.length, limit, createRng(setup.seed ^ 0x5c2ee9));
    rows = Uint32Array.from(picks, (i) => split.train[i]).sort();
    setup.approximations.push(`the low-order screen scored a seeded sample of ${fmtInt(limit)} of the ${fmtInt(split.train.length)} training rows (work bound)`);
  }
  const n = rows.length;
  const centred = (v: (r: number) => number, cls?: string): ScreenTarget => {
    let mean = 0;
    for (const r of rows) mean += v(r);
    mean /= n;
    const resid = mapToFloat64(n, (u) => v(rows[u]) - mean);
    let ss = 0;
    for (let u = 0; u < n; u++) ss += resid[u] * resid[u];
    return { resid, sd: Math.sqrt(ss / n), ...(cls !== undefined ? { class: cls } : {}) };
  };
  if (task === 'regression') return [[centred((r) => setup.y![r])], rows, names];
  return [setup.classLabels.flatMap((labels, c) => (setup.fitted[c] ? [centred((r) => labels[r], setup.classNames[c])] : [])), rows, names];
}

/** The agreement of the better constant rule with a 0/1 label on some rows: what a one-vs-rest parity must beat. */
function majority(labels: Int32Array, rows: Uint32Array): number {
  let ones = 0;
  for (const r of rows) ones += labels[r];
  const q = ones / Math.max(1, rows.length);
  // Kept inside (0, 1): a class absent from the rows would otherwise make every rule's z infinite or undefined.
  return Math.min(1 - 1e-6, Math.max(0.5, q, 1 - q));
}

/** 1 where the target lies above its training median, 0 at or below, −1 where left out. */
function medianCut(y: Float64Array, train: Uint32Array): Int32Array {
  const sorted = mapToFloat64(train.length, (u) => y[train[u]]).sort();
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return mapToInt32(y.length, (i) => (Number.isNaN(y[i]) ? -1 : y[i] > median ? 1 : 0));
}

/** The focused terms: as for two classes, or the union over the classes' parity rules for one-vs-rest. */
export function focusedSet(
  setup: FitSetup,
  candidates: readonly number[],
  parityFeatures: readonly number[] | null,
  classParity: readonly (ParityFinding | null)[] | undefined,
  p: number,
  degree?: readonly [number, number],
): number[][] {
  if (setup.task !== 'multiclass' || !classParity) return focusedTerms(candidates, parityFeatures ?? candidates, p, degree);
  const terms = new Map<string, number[]>();
  for (const f of classParity) {
    if (!f) continue;
    const rule = f.features ? f.features.map((n) => setup.names.indexOf(n)) : candidates;
    for (const t of focusedTerms(candidates, rule, p, degree)) terms.set(t.join(','), t);
  }
  return [...terms.values()];
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

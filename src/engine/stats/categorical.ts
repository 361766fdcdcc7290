/**
 * What a categorical column holds: every level with its count (not the top three), cardinality, entropy, the mode,
 * the rare levels, and levels that are probably another level misspelt or differently cased ("DoGs" for "Dogs").
 */

export interface CategoryCount {
  readonly value: string;
  readonly count: number;
  /** count / non-missing rows. */
  readonly share: number;
}

export interface CategoryVariant {
  /** The level that looks like a variant, and the level it probably means (the more frequent one). */
  readonly value: string;
  readonly like: string;
  readonly kind: 'case' | 'whitespace' | 'spelling';
  /** Edit distance between the two, after folding case and spacing. */
  readonly distance: number;
}

export interface CategoricalSummary {
  /** Every level, most frequent first (ties in level order). */
  readonly levels: CategoryCount[];
  readonly cardinality: number;
  readonly count: number;
  readonly missing: number;
  /** Shannon entropy in bits, and divided by log2(cardinality) (1: all levels equally common). */
  readonly entropy: number;
  readonly normalisedEntropy: number;
  readonly mode: string | null;
  readonly modeShare: number;
  /** Levels below RARE_SHARE of the rows (or with fewer than RARE_COUNT rows). */
  readonly rare: string[];
  readonly variants: CategoryVariant[];
}

/** A level is rare below 1 % of the non-missing rows, or with fewer than 5 rows when that is more. */
export const RARE_SHARE = 0.01;
export const RARE_COUNT = 5;
/** Misspellings are looked for among at most this many levels (the comparison is quadratic). */
const MAX_VARIANT_LEVELS = 2000;

export function summariseCategories(levels: readonly string[], counts: readonly number[], missing: number): CategoricalSummary {
  let count = 0;
  for (const c of counts) count += c;
  const order = levels.map((_, k) => k).filter((k) => counts[k] > 0);
  order.sort((a, b) => counts[b] - counts[a] || a - b);
  const rows = order.map((k) => ({ value: levels[k], count: counts[k], share: count > 0 ? counts[k] / count : 0 }));
  let entropy = 0;
  for (const r of rows) if (r.share > 0) entropy -= r.share * Math.log2(r.share);
  const cardinality = rows.length;
  const rareBelow = Math.max(RARE_SHARE * count, RARE_COUNT);
  return {
    levels: rows,
    cardinality,
    count,
    missing,
    entropy,
    normalisedEntropy: cardinality > 1 ? entropy / Math.log2(cardinality) : 0,
    mode: rows[0]?.value ?? null,
    modeShare: rows[0]?.share ?? 0,
    // With two levels "rare" is imbalance, reported elsewhere; and a level of a tiny table is not rare for being small.
    rare: cardinality > 2 && count >= 4 * RARE_COUNT ? rows.filter((r) => r.count < rareBelow).map((r) => r.value) : [],
    variants: cardinality <= MAX_VARIANT_LEVELS ? findVariants(rows) : [],
  };
}

/**
 * Levels that are probably another level written differently: equal after folding case, or after folding spaces
 * and punctuation, or one edit apart (two for longer words) where the variant is much rarer than the level it
 * resembles. Numbers are never variants of each other ("12" and "13" differ by one edit and are both real).
 */
export function findVariants(rows: readonly CategoryCount[]): CategoryVariant[] {
  const out: CategoryVariant[] = [];
  const taken = new Set<string>();
  const folded = rows.map((r) => r.value.toLowerCase());
  const squeezed = folded.map((v) => v.replace(/[\s_\-.]+/g, ''));
  for (let b = 0; b < rows.length; b++) {
    if (taken.has(rows[b].value)) continue;
    for (let a = 0; a < b; a++) {
      // a is at least as frequent as b (rows are sorted by count): b is the variant.
      const va = rows[a].value;
      const vb = rows[b].value;
      if (isNumeric(va) && isNumeric(vb)) continue;
      // Codes that differ only in their digits (city12, city13; SKU-1041, SKU-1042) are different codes, not typos.
      if (va.replace(/\d+/g, '#') === vb.replace(/\d+/g, '#')) continue;
      let kind: CategoryVariant['kind'] | null = null;
      let distance = 0;
      if (folded[a] === folded[b]) kind = 'case';
      else if (squeezed[a] === squeezed[b] && squeezed[a].length > 0) kind = 'whitespace';
      else {
        const longest = Math.max(squeezed[a].length, squeezed[b].length);
        const allowed = longest >= 8 ? 2 : longest >= 4 ? 1 : 0;
        if (allowed === 0 || rows[b].count * 4 > rows[a].count) continue;
        distance = boundedEditDistance(squeezed[a], squeezed[b], allowed);
        if (distance <= allowed) kind = 'spelling';
      }
      if (kind) {
        out.push({ value: vb, like: va, kind, distance });
        taken.add(vb);
        break;
      }
    }
  }
  return out;
}

function isNumeric(text: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim());
}

/** Levenshtein distance, or limit + 1 as soon as it must exceed `limit` (Ukkonen's band). */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      current.push(v);
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}

/**
 * Row alerts: rows that repeat an earlier row exactly, and rows with identical features but different class labels.
 * Rows are found by their hash (rowHash.ts) and confirmed value by value.
 */
import type { Dataset } from '../dataset';
import type { Alert } from './types';
import { fmt, pct } from './format';

/**
 * The hashes that occur more than once: a count per slot (see hashSlot) sets the rows that cannot repeat aside, then
 * open addressing over the others (a slot holds a row index), at most half full. The same set as sorting the hashes
 * and comparing neighbours, in linear passes instead of a sort.
 */
export function repeatedHashes(hashes: Float64Array): Set<number> {
  const n = hashes.length;
  // Most rows are unique: a byte per slot of a table four times as large as the rows (a few MB, cache-friendly) counts
  // slot hits up to 2; only rows in a slot hit twice can repeat, and only they go to the exact table below.
  const bits = n < 2 ? 4 : Math.min(24, Math.max(4, Math.ceil(Math.log2(4 * n))));
  const hits = countSlots(hashes, bits);
  const shift = 32 - bits;
  const crowded: number[] = [];
  for (let i = 0; i < n; i++) if (hits[hashSlot(hashes[i], shift)] > 1) crowded.push(hashes[i]);
  return crowded.length === 0 ? new Set<number>() : repeatedAmong(Float64Array.from(crowded));
}

/** Hits per slot of 2^bits (hashSlot's top bits), counted up to 2. */
function countSlots(hashes: Float64Array, bits: number): Uint8Array {
  const hits = new Uint8Array(2 ** bits);
  const shift = 32 - bits;
  for (let i = 0; i < hashes.length; i++) {
    const s = hashSlot(hashes[i], shift);
    if (hits[s] < 2) hits[s]++;
  }
  return hits;
}

/** The hashes that occur more than once (open addressing over the hashes given). */
function repeatedAmong(hashes: Float64Array): Set<number> {
  const n = hashes.length;
  let bits = 4;
  while (2 ** bits < 2 * n) bits++;
  const size = 2 ** bits;
  const mask = size - 1;
  const shift = 32 - bits;
  const slots = new Int32Array(size).fill(-1);
  const twice = new Uint8Array(size);
  const repeated = new Set<number>();
  for (let i = 0; i < n; i++) {
    const h = hashes[i];
    let slot = hashSlot(h, shift);
    for (;;) {
      const row = slots[slot];
      if (row < 0) {
        slots[slot] = i;
        break;
      }
      if (hashes[row] === h) {
        if (twice[slot] === 0) {
          twice[slot] = 1;
          repeated.add(h);
        }
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return repeated;
}

/**
 * A row hash's slot among 2^(32 − shift): the top bits of a Fibonacci-hashed mix of both halves of the 53-bit hash.
 * The top bits of a product depend on every bit of its factors; the low bits of the row hashes' multiply mixes do
 * not depend on the data's high bits, and integer-valued float32 cells have zero low bits, so a table of small
 * integers puts every row's low bits alike (a slot from them made the table one long probe chain).
 */
export function hashSlot(h: number, shift: number): number {
  const high = Math.floor(h / 4294967296);
  return Math.imul((h >>> 0) ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> shift;
}

/** `hashes`: each row's hash of its feature values (rowHash.ts). */
export function rowAlerts(dataset: Dataset, hashes: Float64Array): Alert[] {
  const alerts: Alert[] = [];
  const n = dataset.rows;
  const label = dataset.label;
  // The label's value per row (class code or target; NaN when missing), for "exact duplicate" and conflicts.
  const labelValue = (i: number): number => (label ? (label.target ? label.target[i] : label.values[i] < 0 ? NaN : label.values[i]) : 0);
  // Only rows whose feature hash occurs more than once can repeat or conflict: a hash table finds those hashes, and
  // only their rows are keyed (a string key per row of a million-row table cost a second). Rows a hash calls equal
  // are compared value by value: each such row gets the first earlier row with exactly its features (or itself).
  const repeated = repeatedHashes(hashes);
  if (repeated.size === 0) return alerts;
  const same = new Int32Array(n).fill(-1);
  const firstRows = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const h = hashes[i];
    if (!repeated.has(h)) continue;
    const earlier = firstRows.get(h);
    const match = earlier?.find((j) => sameFeatures(dataset.columns, i, j));
    if (match !== undefined) same[i] = match;
    else {
      same[i] = i;
      if (earlier) earlier.push(i);
      else firstRows.set(h, [i]);
    }
  }
  const firstByRow = new Set<string>();
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    if (same[i] < 0) continue;
    const key = `${same[i]}:${labelValue(i)}`;
    if (firstByRow.has(key)) duplicates++;
    else firstByRow.add(key);
  }
  const comparison = 'feature values hashed (53 bits), rows with equal hashes compared value by value';
  if (duplicates > 0) {
    alerts.push({
      code: 'duplicateRows',
      severity: duplicates / n >= 0.05 ? 'warning' : 'info',
      message: `${fmt(duplicates)} row(s) (${pct(duplicates / n)}) repeat an earlier row exactly (every feature${label ? ' and the label' : ''}; excluded columns aside); duplicates inflate cross-validated scores when copies fall in both training and test folds`,
      columns: [],
      evidence: { duplicates, share: duplicates / n, comparison },
    });
  }
  // Conflicts: identical feature rows whose class labels differ (classes only: a numeric target varies by noise).
  if (label && label.task !== 'regression') {
    const classesOf = new Map<number, Set<number>>();
    for (let i = 0; i < n; i++) {
      const y = label.values[i];
      if (y < 0 || same[i] < 0) continue;
      const set = classesOf.get(same[i]) ?? new Set<number>();
      set.add(y);
      classesOf.set(same[i], set);
    }
    let groups = 0;
    const conflicted = new Set<number>();
    for (const [first, set] of classesOf) {
      if (set.size > 1) {
        groups++;
        conflicted.add(first);
      }
    }
    if (groups > 0) {
      let rows = 0;
      for (let i = 0; i < n; i++) if (label.values[i] >= 0 && same[i] >= 0 && conflicted.has(same[i])) rows++;
      alerts.push({
        code: 'conflictingLabels',
        severity: 'warning',
        message: `${fmt(rows)} rows in ${fmt(groups)} group(s) have identical features but different labels: no model can get all of them right`,
        columns: [label.name],
        evidence: { rows, groups, comparison },
      });
    }
  }
  return alerts;
}

/** Rows i and j hold the same value in every column, as the row hash reads them (NaN equals NaN, −0 equals 0). */
function sameFeatures(columns: readonly Float32Array[], i: number, j: number): boolean {
  for (const col of columns) {
    const a = col[i];
    const b = col[j];
    if (a !== b && !(a !== a && b !== b)) return false;
  }
  return true;
}

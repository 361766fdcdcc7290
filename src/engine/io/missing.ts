/**
 * Missing-value markers. Tables exported from R write `NA`, UCI files use `?`, pandas writes empty cells or `NaN`,
 * SAS and Stata write `.`, and JSON-minded tools write `null`/`None`. These are missing cells, not text, and they
 * are counted as missing without a warning.
 *
 * `.` is special: it is a missing marker only where the rest of the column is otherwise typed (numbers, booleans,
 * dates). In a text column it may be a real level, so there it stays a level and the label/categorical checks flag
 * it when it looks like a marker (a `.` class with one row).
 */

/** Compared case-insensitively after trimming. `nan` and `inf` are handled by the number parser (non-finite). */
const MARKERS: ReadonlySet<string> = new Set(['na', 'n/a', '#n/a', 'nan', 'null', 'none', '?', '<na>', 'nil']);

/** A cell (already trimmed) that is missing whatever the column holds; empty cells are counted separately. */
export function isMissingMarker(trimmed: string): boolean {
  if (trimmed.length === 0 || trimmed.length > 4) return false;
  return MARKERS.has(trimmed.toLowerCase());
}

/** The marker that counts as missing only when the column is otherwise typed. */
export const CONDITIONAL_MARKER = '.';

/** Texts that look like a placeholder rather than a category, for the suspicious-class checks. */
export function looksLikePlaceholder(text: string): boolean {
  const t = text.trim().toLowerCase();
  return t === '' || t === '.' || t === '-' || t === '--' || t === '?' || t === 'unknown' || t === 'missing' || isMissingMarker(t);
}

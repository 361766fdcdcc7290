/**
 * Small pieces that column typing's entry (columnTypes.ts) and its numeric and text paths (numericColumns.ts,
 * textColumns.ts) share: the identifier-name rule, counting finite numbers and formatting numbers. It imports none of
 * them, so they import it without a cycle.
 */

/** Identifier by name: at least this share of the non-missing values is unique. */
export const ID_NAME_UNIQUE_SHARE = 0.9;

/** Names that say "this is a key": id, ID, Id suffixes (PassengerId, patient_id), uuid, key, row names. */
export function isIdLikeName(name: string): boolean {
  const n = name.trim();
  if (/^(id|ids|uuid|guid|key|index|idx|rownames?|row[_ .-]?(id|no|number|names?)|record[_ .-]?(id|no)|unnamed:? ?\d*|\.\.\.\d+)$/i.test(n)) return true;
  if (/(^|[_ .-])(id|uuid|guid)$/i.test(n) || /^(id)[_ .-]/i.test(n)) return true;
  // camelCase: PassengerId, patientID (a capital I, so "Valid" or "Paid" do not match).
  return /[a-z0-9](Id|ID)$/.test(n);
}

export function countFinite(values: Float32Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) n++;
  return n;
}

/** Float32 values as the shortest text that reads back to them (0.1, not 0.10000000149011612). */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  for (let digits = 6; digits <= 9; digits++) {
    const s = Number(v.toPrecision(digits));
    if (Math.fround(s) === v) return String(s);
  }
  return String(v);
}

export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** Numbers in alert messages: counts with thousands separators, shares as percentages. */
export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

export function pct(x: number): string {
  return `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;
}

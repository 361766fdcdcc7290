/** How the sparsity analysis writes numbers and lists in its steps and approximations. */

export function abbreviate(names: readonly string[]): string {
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 10).join(', ')}, … (${names.length})`;
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** 2^k − 1 as text, exact for any k (beyond 2^53 a number would round). */
export function fmtBig(k: number): string {
  return k <= 50 ? fmtInt(2 ** k - 1) : `2^${k} − 1`;
}

export function fmtBytes(b: number): string {
  return b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(1)} GiB` : b >= 1024 ** 2 ? `${(b / 1024 ** 2).toFixed(0)} MiB` : `${(b / 1024).toFixed(0)} KiB`;
}

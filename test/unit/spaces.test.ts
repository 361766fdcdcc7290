import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { termColumnsKernel, termDotsKernel, termStore } from '../../src/engine/sparsity/spaces';
import { twoValued } from '../../src/engine/sparsity/termValues';
import type { TermValues } from '../../src/engine/sparsity/termValues';

test('termDotsKernel: runs of four pairs, four stored terms, singles and rebuilt triples give the dot products of one term at a time, bit for bit', () => {
  const rng = createRng(31);
  const W = 3001;
  const gathered = Array.from({ length: 6 }, () => Float32Array.from({ length: W }, () => rng.normal()));
  const residual = Float64Array.from({ length: W }, () => rng.normal());
  const storedColumn = (members: readonly number[]): Float32Array => Float32Array.from({ length: W }, (_, u) => members.reduce((x, j) => x * gathered[j][u], 1));
  // Five pairs in a row (one run of four and a leftover), a single, four stored triples, a rebuilt triple, two pairs.
  const terms: number[][] = [[0, 1], [0, 2], [1, 3], [2, 4], [3, 5], [4], [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [0, 2, 4], [1, 5], [0, 5]];
  const stored = terms.map((m, t) => (t >= 6 && t <= 9 ? storedColumn(m) : null));
  const got = termDotsKernel({ terms, stored, gathered, residual, key: 1, pass: 0 }, { from: 0, to: terms.length });
  terms.forEach((members, t) => {
    let sum = 0;
    const x = stored[t];
    for (let u = 0; u < W; u++) {
      if (x) sum += x[u] * residual[u];
      else if (members.length === 1) sum += gathered[members[0]][u] * residual[u];
      else if (members.length === 2) sum += gathered[members[0]][u] * gathered[members[1]][u] * residual[u];
      else {
        let product = 1;
        for (const j of members) product *= gathered[j][u];
        sum += product * residual[u];
      }
    }
    assert.equal(got[t], sum, `term ${t} (${members})`);
  });
  // A range that starts inside a run of pairs.
  assert.deepEqual(termDotsKernel({ terms, stored, gathered, residual, key: 1, pass: 0 }, { from: 2, to: 7 }), got.subarray(2, 7));
});

test('term columns of high degree: the products of multiplying their members one after another, on every part and when stored', () => {
  const rng = createRng(37);
  const N = 4000;
  // Standardised bits with awkward scales and float32 columns: products whose bits depend on the order of the steps.
  const values: TermValues[] = Array.from({ length: 14 }, (_, j) => {
    if (j % 5 === 2) return Float32Array.from({ length: N }, () => rng.normal() * 2.7);
    const q = 0.2 + j / 40;
    const sd = Math.sqrt(q * (1 - q));
    return twoValued(Uint8Array.from({ length: N }, () => (rng.next() < q ? 1 : 0)), -q / sd, (1 - q) / sd);
  });
  const valueAt = (j: number, row: number): number => {
    const v = values[j];
    return v instanceof Float32Array ? v[row] : v.bits[row] ? v.one : v.zero;
  };
  const rows = {
    train: Uint32Array.from({ length: 2100 }, (_, u) => u),
    validation: Uint32Array.from({ length: 900 }, (_, u) => 2100 + u),
    test: Uint32Array.from({ length: 1000 }, (_, u) => 3000 + u),
  };
  const terms = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [1, 3, 5, 7, 9], [2, 4, 6], [0, 13], [3, 4, 5, 6, 7, 8, 9]];
  const sequential = (members: readonly number[], r: Uint32Array): Float64Array =>
    Float64Array.from(r, (row) => {
      let x = 1;
      for (const j of members) x *= valueAt(j, row);
      return x;
    });
  const store = termStore(terms, values, rows, 1 << 30);
  terms.forEach((members, id) => {
    for (const part of ['train', 'validation', 'test'] as const) assert.deepEqual(store.column(id, part), sequential(members, rows[part]), `term ${id}, ${part}`);
  });
  // A stored column: the same product rounded to float32.
  const gathered = values.map((_, j) => Float32Array.from(rows.train, (row) => valueAt(j, row)));
  const stored = terms.map(() => new Float32Array(rows.train.length));
  terms.forEach((_, term) => termColumnsKernel({ terms, gathered, stored }, { term }));
  terms.forEach((members, id) => assert.deepEqual(stored[id], Float32Array.from(sequential(members, rows.train)), `stored term ${id}`));
  // The kernel's product buffer is reused from call to call: a shorter column after the longer ones above is its own
  // product, and a longer one after it too (nothing of an earlier term's product leaks into a later one).
  for (const rowsOf of [rows.validation, rows.test]) {
    const columns = values.map((_, j) => Float32Array.from(rowsOf, (row) => valueAt(j, row)));
    const out = terms.map(() => new Float32Array(rowsOf.length));
    terms.forEach((_, term) => termColumnsKernel({ terms, gathered: columns, stored: out }, { term }));
    terms.forEach((members, id) => assert.deepEqual(out[id], Float32Array.from(sequential(members, rowsOf)), `stored term ${id} over ${rowsOf.length} rows`));
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/engine/random';
import { termDotsKernel } from '../../src/engine/sparsity/spaces';

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

/**
 * Walking fitted trees (gbdtTree.ts) down to their leaves: plain predictions, and the conditional permutation test's
 * predictions with one feature taken from other rows.
 */
import { MISSING_BIN } from './binning';
import type { BinnedMatrix } from './binning';
import { CAT_WORDS } from './gbdtSplit';
import type { GbdtTree } from './gbdtTree';

/** The child of `node` that a row with bin `b` of the node's feature goes to. */
function child(tree: GbdtTree, node: number, b: number): number {
  let goLeft: boolean;
  if (b === MISSING_BIN) goLeft = tree.missingLeft[node] === 1;
  else if (tree.categoricalSplit[node] === 1) goLeft = ((tree.categoryLeft[node * CAT_WORDS + (b >>> 5)] >>> (b & 31)) & 1) === 1;
  else goLeft = b <= tree.threshold[node];
  return goLeft ? tree.left[node] : tree.right[node];
}

/** Add one tree's output for `rows` to `out[i * stride + offset]` (i = position in `rows`). */
export function addTreeOutput(tree: GbdtTree, binned: BinnedMatrix, rows: Uint32Array, out: Float64Array, stride: number, offset: number): void {
  const { feature, value } = tree;
  const bins = binned.bins;
  const n = binned.rows;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let node = 0;
    for (let f = feature[0]; f >= 0; f = feature[node]) node = child(tree, node, bins[f * n + row]);
    out[i * stride + offset] += value[node];
  }
}

/**
 * addTreeOutput, and at the same time what the tree adds when one feature takes another row's value: for swap s
 * (feature swapFeature[s], row i reading it from row swapFrom[s][i]), deltas[s] gains (swapped leaf − plain leaf).
 * A row's leaf can only change if its plain path reads the feature, so only those rows are walked again, and only
 * from the first node that reads it (above it both walks agree). `swapsOf[f]` lists the swaps of feature f.
 */
export function addTreeOutputWithSwaps(
  tree: GbdtTree,
  binned: BinnedMatrix,
  rows: Uint32Array,
  out: Float64Array,
  stride: number,
  offset: number,
  swapsOf: readonly (readonly number[] | undefined)[],
  swapFrom: readonly Uint32Array[],
  deltas: readonly Float64Array[],
): void {
  const { feature, value } = tree;
  const bins = binned.bins;
  const n = binned.rows;
  // The distinct features on the current path and the first node reading each (a path is at most nodeCount long).
  const seenFeature = new Int32Array(tree.nodeCount);
  const seenNode = new Int32Array(tree.nodeCount);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let seen = 0;
    let node = 0;
    for (let f = feature[0]; f >= 0; f = feature[node]) {
      if (swapsOf[f] !== undefined) {
        let k = 0;
        while (k < seen && seenFeature[k] !== f) k++;
        if (k === seen) {
          seenFeature[seen] = f;
          seenNode[seen] = node;
          seen++;
        }
      }
      node = child(tree, node, bins[f * n + row]);
    }
    const leaf = node;
    out[i * stride + offset] += value[leaf];
    for (let k = 0; k < seen; k++) {
      const swapFeature = seenFeature[k];
      for (const s of swapsOf[swapFeature] as readonly number[]) {
        const other = swapFrom[s][i];
        let at = seenNode[k];
        for (let g = swapFeature; g >= 0; g = feature[at]) at = child(tree, at, bins[g * n + (g === swapFeature ? other : row)]);
        if (at !== leaf) deltas[s][i * stride + offset] += value[at] - value[leaf];
      }
    }
  }
}

/**
 * What evaluations of rules over the same columns share (the XOR conjecture scores a parity, its negation and the
 * winner's ablation): each feature's binarised column (key: feature and threshold) and its missing rows. Nothing in
 * it is ever written to after it is made.
 */
export class HypothesisCache {
  readonly bins = new Map<string, Uint8Array>();
  readonly missing = new Map<number, Uint32Array>();
}

import type { Rng } from '../random';
import type { BatchOutcome } from './fused';
import type { Activation, CnnShape } from './types';

/** A weight tensor as plain data, in TensorFlow.js layer order (each layer's kernel, then its bias). */
export interface NamedWeight {
  readonly name: string;
  readonly shape: number[];
  readonly values: Float32Array;
}

/** The network, independent of what trains it. */
export type Architecture =
  | { readonly kind: 'dense'; readonly inputs: number; readonly hidden: readonly number[]; readonly outputs: number; readonly activation: Activation; readonly dropout: readonly number[] }
  | { readonly kind: 'cnn1d'; readonly inputs: number; readonly outputs: number; readonly cnn: CnnShape };

/** What the training loop drives: the fused kernel or a TensorFlow.js backend. */
export interface Trainer {
  readonly kernel: string;
  trainBatch(rows: Uint32Array, from: number, to: number, rng: Rng): BatchOutcome;
  /** Loss sum and hits over `rows`; class predictions into `predicted` when given. */
  evaluate(rows: Uint32Array, predicted?: Int32Array): { lossSum: number; correct: number };
  snapshot(): Float32Array[];
  restore(snapshot: readonly Float32Array[]): void;
  weights(): NamedWeight[];
  dispose(): void;
}

/** Output length of a TensorFlow 'same'-padded strided convolution, and its left padding. */
export function samePadding(length: number, kernel: number, stride: number): { out: number; left: number; total: number } {
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + kernel - length, 0);
  return { out, left: Math.floor(total / 2), total };
}

export function glorotUniform(fanIn: number, fanOut: number, count: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(count);
  for (let i = 0; i < count; i++) w[i] = (2 * rng.next() - 1) * limit;
  return w;
}

/** Initial weights of an architecture (Glorot-uniform kernels, zero biases — the Keras defaults), from `rng`. */
export function initialWeights(arch: Architecture, rng: Rng): NamedWeight[] {
  const out: NamedWeight[] = [];
  if (arch.kind === 'dense') {
    const sizes = [arch.inputs, ...arch.hidden, arch.outputs];
    for (let l = 0; l + 1 < sizes.length; l++) {
      out.push({ name: `dense_${l + 1}/kernel`, shape: [sizes[l], sizes[l + 1]], values: glorotUniform(sizes[l], sizes[l + 1], sizes[l] * sizes[l + 1], rng) });
      out.push({ name: `dense_${l + 1}/bias`, shape: [sizes[l + 1]], values: new Float32Array(sizes[l + 1]) });
    }
    return out;
  }
  const { filters, kernel, stride, layers } = arch.cnn;
  let length = arch.inputs;
  let channels = 1;
  for (let l = 0; l < layers; l++) {
    // Keras' fans for a conv kernel: receptive field × channels in / out.
    out.push({ name: `conv1d_${l + 1}/kernel`, shape: [kernel, channels, filters], values: glorotUniform(kernel * channels, kernel * filters, kernel * channels * filters, rng) });
    out.push({ name: `conv1d_${l + 1}/bias`, shape: [filters], values: new Float32Array(filters) });
    length = samePadding(length, kernel, stride).out;
    channels = filters;
  }
  const flat = length * channels;
  out.push({ name: 'dense_1/kernel', shape: [flat, arch.outputs], values: glorotUniform(flat, arch.outputs, flat * arch.outputs, rng) });
  out.push({ name: 'dense_1/bias', shape: [arch.outputs], values: new Float32Array(arch.outputs) });
  return out;
}

export function countParameters(weights: readonly NamedWeight[]): number {
  return weights.reduce((n, w) => n + w.values.length, 0);
}

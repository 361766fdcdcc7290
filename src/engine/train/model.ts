import type { Rng } from '../random';
import type { BatchOutcome } from './fused';
import type { Activation, CnnShape, WeightInit } from './types';

/** A weight tensor as plain data, in TensorFlow.js layer order (each layer's kernel, then its bias). */
export interface NamedWeight {
  readonly name: string;
  readonly shape: number[];
  readonly values: Float32Array;
}

/** The network, independent of what trains it. */
export type Architecture =
  | {
      readonly kind: 'dense';
      readonly inputs: number;
      readonly hidden: readonly number[];
      readonly outputs: number;
      readonly activation: Activation;
      readonly dropout: readonly number[];
      /** `linear`: one unbounded output trained with squared error (regression); absent: sigmoid or softmax. */
      readonly output?: 'linear';
    }
  | { readonly kind: 'cnn1d'; readonly inputs: number; readonly outputs: number; readonly cnn: CnnShape };

/** What the training loop drives: the fused kernel or a TensorFlow.js backend. */
export interface Trainer {
  readonly kernel: string;
  trainBatch(rows: Uint32Array, from: number, to: number, rng: Rng): BatchOutcome;
  /** Loss sum and hits over `rows`; class predictions into `predicted`, or a linear output's values into `values`. */
  evaluate(rows: Uint32Array, predicted?: Int32Array, values?: Float32Array): { lossSum: number; correct: number };
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

/**
 * PyTorch's default for nn.Linear / nn.Conv1d (`reset_parameters`): kaiming_uniform_(a=√5) on the weight, which is
 * U(−1/√fan_in, 1/√fan_in), and the bias from the same U(−1/√fan_in, 1/√fan_in).
 */
export function torchUniform(fanIn: number, count: number, rng: Rng): Float32Array {
  const limit = 1 / Math.sqrt(fanIn);
  const w = new Float32Array(count);
  for (let i = 0; i < count; i++) w[i] = (2 * rng.next() - 1) * limit;
  return w;
}

/**
 * Initial weights of an architecture, from `rng` (each layer's kernel, then its bias).
 *
 * `torch` (the default) is PyTorch's nn.Linear/nn.Conv1d default — kernel and bias both U(±1/√fan_in) — because the
 * published Kryptonite presets and the MNIST-1D baselines were found with PyTorch, and it converges faster: epochs to
 * the target test accuracy with Glorot-uniform kernels and zero biases (the Keras default, `glorot`) vs `torch`, same
 * seeds — K-9 median 103 vs 97 (seeds 1–5), K-12 184/164 vs 116/101 (seeds 1–2); test/bench/trainAB.ts, README
 * Training. `glorot` is kept for reproducing Keras runs.
 */
export function initialWeights(arch: Architecture, rng: Rng, init: WeightInit = 'torch'): NamedWeight[] {
  const layer = (fanIn: number, fanOut: number, count: number, biasCount: number): [Float32Array, Float32Array] =>
    init === 'torch'
      ? [torchUniform(fanIn, count, rng), torchUniform(fanIn, biasCount, rng)]
      : [glorotUniform(fanIn, fanOut, count, rng), new Float32Array(biasCount)];
  const out: NamedWeight[] = [];
  if (arch.kind === 'dense') {
    const sizes = [arch.inputs, ...arch.hidden, arch.outputs];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [k, b] = layer(sizes[l], sizes[l + 1], sizes[l] * sizes[l + 1], sizes[l + 1]);
      out.push({ name: `dense_${l + 1}/kernel`, shape: [sizes[l], sizes[l + 1]], values: k });
      out.push({ name: `dense_${l + 1}/bias`, shape: [sizes[l + 1]], values: b });
    }
    return out;
  }
  const { filters, kernel, stride, layers } = arch.cnn;
  let length = arch.inputs;
  let channels = 1;
  for (let l = 0; l < layers; l++) {
    // Fans of a conv kernel: receptive field × channels in (PyTorch and Keras) / × channels out (Keras).
    const [k, b] = layer(kernel * channels, kernel * filters, kernel * channels * filters, filters);
    out.push({ name: `conv1d_${l + 1}/kernel`, shape: [kernel, channels, filters], values: k });
    out.push({ name: `conv1d_${l + 1}/bias`, shape: [filters], values: b });
    length = samePadding(length, kernel, stride).out;
    channels = filters;
  }
  const flat = length * channels;
  const [k, b] = layer(flat, arch.outputs, flat * arch.outputs, arch.outputs);
  out.push({ name: 'dense_1/kernel', shape: [flat, arch.outputs], values: k });
  out.push({ name: 'dense_1/bias', shape: [arch.outputs], values: b });
  return out;
}

export function countParameters(weights: readonly NamedWeight[]): number {
  return weights.reduce((n, w) => n + w.values.length, 0);
}

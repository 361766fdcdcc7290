import type { Rng } from '../random';
import type { BatchOutcome, KernelExports, OptimizerSpec } from './fused';
import { Arena, instantiate, optimiserStep, outputDelta, scoreChunk, softmaxRow } from './fused';
import { samePadding } from './model';
import type { CnnShape } from './types';

/**
 * The 1-D CNN (MNIST-1D's convolutional baseline: `layers` × conv(filters, kernel, stride, 'same' padding) + ReLU,
 * then a dense softmax/sigmoid head) on the fused WebAssembly kernel. Each convolution is im2col — the receptive
 * fields of a batch laid out as a patch matrix — followed by the dense kernel's matrix product, so the forward pass,
 * the weight gradients and the patch gradients reuse the SIMD loops of the MLP; col2im scatters patch gradients back
 * onto the positions they were read from.
 *
 * Weights keep tf.layers.conv1d's layout ([kernel][in channels][filters], then the bias) in TensorFlow.js layer
 * order, so the model saves as a plain conv1d model and starts from exactly the weights TensorFlow.js would.
 */
export interface CnnArchitecture {
  readonly inputs: number;
  readonly outputs: number;
  readonly cnn: CnnShape;
}

interface ConvLayer {
  readonly length: number;
  readonly channels: number;
  readonly lOut: number;
  readonly left: number;
  /** Byte offsets: weights, bias, their gradients, the patch matrix, the activated output and its derivative. */
  readonly w: number;
  readonly b: number;
  readonly gw: number;
  readonly gb: number;
  readonly patches: number;
  readonly out: number;
  readonly deriv: number;
  /** Gradient with respect to this layer's pre-activation output. */
  readonly delta: number;
}

export class FusedCnn {
  /** Views into the kernel's memory, in TensorFlow.js layer order (conv kernels and biases, then the head). */
  readonly weights: Float32Array[] = [];
  private readonly arch: CnnArchitecture;
  private readonly kernel: KernelExports;
  private readonly maxBatch: number;
  private readonly optimizer: OptimizerSpec;
  private step = 0;
  private readonly parameters: number;
  private readonly convs: ConvLayer[] = [];
  private readonly at: { params: number; grads: number; slot1: number; slot2: number; input: number; headW: number; headB: number; headGw: number; headGb: number; logits: number; dLogits: number; dPatches: number };
  private readonly flat: number;
  private input!: Float32Array;
  private output!: Float32Array;
  private dLogits!: Float32Array;

  constructor(arch: CnnArchitecture, initial: readonly Float32Array[], optimizer: OptimizerSpec, maxBatch: number) {
    this.arch = arch;
    this.optimizer = optimizer;
    this.maxBatch = Math.max(1, maxBatch);
    this.kernel = instantiate();
    const { filters, kernel, stride, layers } = arch.cnn;
    const arena = new Arena(this.kernel);
    this.parameters = initial.reduce((n, w) => n + w.length, 0);
    const P = this.parameters;
    // Parameters, gradients and optimiser slots: one contiguous block each, in layer order, so one optimiser call.
    const params = arena.reserve(P, (v) => {
      let o = 0;
      for (const w of initial) {
        this.weights.push(v.subarray(o, o + w.length));
        o += w.length;
      }
    });
    const grads = arena.reserve(P);
    const slot1 = arena.reserve(P);
    const slot2 = optimizer.kind === 'adam' ? arena.reserve(P) : 0;
    const offsets: number[] = [];
    let o = 0;
    for (const w of initial) {
      offsets.push(o);
      o += w.length * 4;
    }
    const B = this.maxBatch;
    const input = arena.reserve(B * arch.inputs, (v) => (this.input = v));
    let length = arch.inputs;
    let channels = 1;
    let widestPatch = 0;
    for (let l = 0; l < layers; l++) {
      const pad = samePadding(length, kernel, stride);
      const rowsOut = B * pad.out;
      this.convs.push({
        length,
        channels,
        lOut: pad.out,
        left: pad.left,
        w: params + offsets[2 * l],
        b: params + offsets[2 * l + 1],
        gw: grads + offsets[2 * l],
        gb: grads + offsets[2 * l + 1],
        patches: arena.reserve(rowsOut * kernel * channels),
        out: arena.reserve(rowsOut * filters),
        deriv: arena.reserve(rowsOut * filters),
        delta: arena.reserve(rowsOut * filters),
      });
      widestPatch = Math.max(widestPatch, rowsOut * kernel * channels);
      length = pad.out;
      channels = filters;
    }
    this.flat = length * channels;
    this.at = {
      params,
      grads,
      slot1,
      slot2,
      input,
      headW: params + offsets[2 * layers],
      headB: params + offsets[2 * layers + 1],
      headGw: grads + offsets[2 * layers],
      headGb: grads + offsets[2 * layers + 1],
      logits: arena.reserve(B * arch.outputs, (v) => (this.output = v)),
      dLogits: arena.reserve(B * arch.outputs, (v) => (this.dLogits = v)),
      dPatches: arena.reserve(widestPatch),
    };
    arena.commit();
    initial.forEach((w, i) => this.weights[i].set(w));
  }

  /** One optimisation step on rows `rows[from..to)` of the row-major matrix `x`. The CNN has no dropout. */
  trainBatch(x: Float32Array, labels: Int32Array, rows: Uint32Array, from: number, to: number, _rng: Rng): BatchOutcome {
    const b = to - from;
    this.gather(x, rows, from, b);
    this.forward(b);
    const outcome = outputDelta(this.output, this.dLogits, this.arch.outputs, labels, rows, from, b);
    this.backward(b);
    this.step++;
    optimiserStep(this.kernel, this.optimizer, this.step, this.at, this.parameters);
    return outcome;
  }

  evaluate(x: Float32Array, labels: Int32Array | null, rows: Uint32Array | null, predicted?: Int32Array): { lossSum: number; correct: number } {
    const d = this.arch.inputs;
    const n = rows ? rows.length : x.length / d;
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < n; start += this.maxBatch) {
      const b = Math.min(this.maxBatch, n - start);
      if (rows) this.gather(x, rows, start, b);
      else this.input.set(x.subarray(start * d, (start + b) * d));
      this.forward(b);
      const chunk = scoreChunk(this.output, this.arch.outputs, labels, rows, start, b, predicted);
      lossSum += chunk.lossSum;
      correct += chunk.correct;
    }
    return { lossSum, correct };
  }

  snapshot(): Float32Array[] {
    return this.weights.map((w) => w.slice());
  }

  restore(snapshot: readonly Float32Array[]): void {
    this.weights.forEach((w, i) => w.set(snapshot[i]));
  }

  private gather(x: Float32Array, rows: Uint32Array, from: number, b: number): void {
    const d = this.arch.inputs;
    const a0 = this.input;
    for (let i = 0, o = 0; i < b; i++) {
      const r = rows[from + i] * d;
      for (let k = 0; k < d; k++) a0[o++] = x[r + k];
    }
  }

  private forward(b: number): void {
    const k = this.kernel;
    const { filters, kernel, stride } = this.arch.cnn;
    let h = this.at.input;
    for (const c of this.convs) {
      k.im2col(h, c.patches, b, c.length, c.channels, kernel, stride, c.left, c.lOut);
      k.forward(c.patches, c.w, c.b, c.out, b * c.lOut, kernel * c.channels, filters);
      k.activate(2 /* relu */, c.out, c.deriv, b * c.lOut * filters);
      h = c.out;
    }
    const outputs = this.arch.outputs;
    k.forward(h, this.at.headW, this.at.headB, this.at.logits, b, this.flat, outputs);
    if (outputs === 1) k.sigmoidOut(this.at.logits, b);
    else for (let i = 0; i < b; i++) softmaxRow(this.output, i * outputs, outputs);
  }

  private backward(b: number): void {
    const k = this.kernel;
    const { filters, kernel, stride } = this.arch.cnn;
    const last = this.convs[this.convs.length - 1];
    const outputs = this.arch.outputs;
    // Head: weights from the flattened last activation; its delta through ReLU' into the last convolution.
    k.weightGrad(last.out, this.at.dLogits, this.at.headGw, this.at.headGb, b, this.flat, outputs);
    k.inputGrad(this.at.dLogits, this.at.headW, last.deriv, 0, last.delta, b, this.flat, outputs);
    for (let l = this.convs.length - 1; l >= 0; l--) {
      const c = this.convs[l];
      const rowsOut = b * c.lOut;
      k.weightGrad(c.patches, c.delta, c.gw, c.gb, rowsOut, kernel * c.channels, filters);
      if (l === 0) break;
      const below = this.convs[l - 1];
      k.inputGrad(c.delta, c.w, 0, 0, this.at.dPatches, rowsOut, kernel * c.channels, filters);
      k.col2im(this.at.dPatches, below.delta, b, c.length, c.channels, kernel, stride, c.left, c.lOut);
      k.mulInPlace(below.delta, below.deriv, b * below.lOut * filters);
    }
  }
}

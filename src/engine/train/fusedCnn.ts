import type { OptimizerSpec } from './fused';
import { FusedNetwork } from './fused';
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
  /** Index of the layer's kernel among the weights (its bias follows). */
  readonly weight: number;
  /** Byte offsets: the patch matrix, the activated output, its derivative, and the gradient of the pre-activation. */
  readonly patches: number;
  readonly out: number;
  readonly deriv: number;
  readonly delta: number;
}

export class FusedCnn extends FusedNetwork {
  readonly description = "fused WebAssembly SIMD 1-D CNN (im2col + the dense kernel's matrix products, no TensorFlow.js ops)";
  private readonly cnn: CnnShape;
  private readonly convs: ConvLayer[] = [];
  /** Length × channels of the last convolution's output: the head's inputs. */
  private readonly flat: number;
  /** Patch gradients, sized for the widest patch matrix. */
  private readonly dPatches: number;

  constructor(arch: CnnArchitecture, initial: readonly Float32Array[], optimizer: OptimizerSpec, maxBatch: number) {
    super(arch.inputs, arch.outputs, initial, optimizer, maxBatch);
    this.cnn = arch.cnn;
    const { filters, kernel, stride, layers } = arch.cnn;
    const B = this.maxBatch;
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
        weight: 2 * l,
        patches: this.arena.reserve(rowsOut * kernel * channels),
        out: this.arena.reserve(rowsOut * filters),
        deriv: this.arena.reserve(rowsOut * filters),
        delta: this.arena.reserve(rowsOut * filters),
      });
      widestPatch = Math.max(widestPatch, rowsOut * kernel * channels);
      length = pad.out;
      channels = filters;
    }
    this.flat = length * channels;
    this.dPatches = this.arena.reserve(widestPatch);
    this.commit();
  }

  protected forward(b: number): void {
    const k = this.kernel;
    const { filters, kernel, stride } = this.cnn;
    let h = this.at.input;
    for (const c of this.convs) {
      k.im2col(h, c.patches, b, c.length, c.channels, kernel, stride, c.left, c.lOut);
      k.forward(c.patches, this.at.weight[c.weight], this.at.weight[c.weight + 1], c.out, b * c.lOut, kernel * c.channels, filters);
      k.activate(2 /* relu */, c.out, c.deriv, b * c.lOut * filters);
      h = c.out;
    }
    const head = 2 * this.convs.length;
    k.forward(h, this.at.weight[head], this.at.weight[head + 1], this.at.output, b, this.flat, this.outputs);
    this.outputActivation(b);
  }

  protected backward(b: number): void {
    const k = this.kernel;
    const { filters, kernel, stride } = this.cnn;
    const last = this.convs[this.convs.length - 1];
    const head = 2 * this.convs.length;
    // Head: weights from the flattened last activation; its delta through ReLU' into the last convolution.
    k.weightGrad(last.out, this.at.outDelta, this.at.grad[head], this.at.grad[head + 1], b, this.flat, this.outputs);
    k.inputGrad(this.at.outDelta, this.at.weight[head], last.deriv, 0, last.delta, b, this.flat, this.outputs);
    for (let l = this.convs.length - 1; l >= 0; l--) {
      const c = this.convs[l];
      const rowsOut = b * c.lOut;
      k.weightGrad(c.patches, c.delta, this.at.grad[c.weight], this.at.grad[c.weight + 1], rowsOut, kernel * c.channels, filters);
      if (l === 0) break;
      const below = this.convs[l - 1];
      k.inputGrad(c.delta, this.at.weight[c.weight], 0, 0, this.dPatches, rowsOut, kernel * c.channels, filters);
      k.col2im(this.dPatches, below.delta, b, c.length, c.channels, kernel, stride, c.left, c.lOut);
      k.mulInPlace(below.delta, below.deriv, b * below.lOut * filters);
    }
  }
}

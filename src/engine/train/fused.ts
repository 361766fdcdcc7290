import type { Rng } from '../random';
import { DENSE_KERNEL_WASM } from './denseKernel.generated';
import type { Activation, OptimizerKind } from './types';

/**
 * A dense network (MLP or, with no hidden layer, logistic regression) trained by hand-written forward and backward
 * passes: no TensorFlow.js ops at all. For the published 72-unit MLP on 9–18 inputs, a batch is a few hundred thousand
 * multiply-adds, so per-op dispatch, tensor allocation and disposal — not arithmetic — dominate TensorFlow.js (≈ 30
 * ops per training step). Here a step is a dozen calls into one small WebAssembly module (src/wasm/dense.ts, 128-bit
 * SIMD: four multiply-adds per instruction, which V8 never does for JavaScript) over buffers laid out once in its
 * linear memory. The host keeps the per-row parts that are cheap: gathering the batch, the loss, the output delta.
 *
 * Layouts follow TensorFlow.js Dense layers (kernel [in][out] row-major, bias [out]) so a model converts to the tfjs
 * format without reshuffling. Initial weights come from model.ts' initialWeights (PyTorch's default unless asked
 * otherwise), drawn from the run's seeded Rng; each dropout mask is generated from a seed drawn from the same Rng
 * (see dropoutMask), so a run is reproducible bit for bit.
 */
export interface DenseShape {
  readonly inputs: number;
  readonly hidden: readonly number[];
  /** 1: sigmoid output with binary cross-entropy; ≥ 2: softmax with categorical cross-entropy. */
  readonly outputs: number;
  readonly activation: Activation;
  readonly dropout: readonly number[];
}

export interface OptimizerSpec {
  readonly kind: OptimizerKind;
  readonly learningRate: number;
  readonly momentum: number;
}

/**
 * torch.optim.Adam defaults: β1 0.9, β2 0.999, ε 1e-8 (tf.train.adam's default ε is 1e-7). The presets were found
 * with PyTorch, so the update is PyTorch's: w ← w − lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂ (tfjs adds ε to the
 * uncorrected √v, i.e. an effective ε·√(1−β2ᵗ); the two differ only while √v is near ε).
 */
const BETA1 = 0.9;
const BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;
/** Probabilities are clipped like Keras' epsilon (1e-7) so that a confident wrong prediction has a finite loss. */
const PROB_EPSILON = 1e-7;

export interface BatchOutcome {
  /** Sum over the batch of the per-row loss (dropout active, as Keras reports training loss). */
  readonly lossSum: number;
  readonly correct: number;
}

export interface DenseWeights {
  readonly kernels: Float32Array[];
  readonly biases: Float32Array[];
}

export function parameterCount(shape: DenseShape): number {
  const sizes = [shape.inputs, ...shape.hidden, shape.outputs];
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return n;
}

export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  forward(a: number, w: number, bias: number, z: number, rows: number, nIn: number, nOut: number): void;
  activate(kind: number, z: number, deriv: number, n: number): void;
  dropout(mask: number, z: number, n: number, seed: number, threshold: number, keep: number): void;
  sigmoidOut(z: number, n: number): void;
  weightGrad(a: number, delta: number, gw: number, gb: number, rows: number, nIn: number, nOut: number): void;
  inputGrad(delta: number, w: number, deriv: number, mask: number, prev: number, rows: number, nIn: number, nOut: number): void;
  im2col(h: number, patches: number, rows: number, length: number, c: number, kernel: number, stride: number, left: number, lOut: number): void;
  col2im(dPatches: number, dh: number, rows: number, length: number, c: number, kernel: number, stride: number, left: number, lOut: number): void;
  mulInPlace(a: number, b: number, n: number): void;
  sgd(w: number, g: number, v: number, n: number, lr: number, momentum: number): void;
  adam(w: number, g: number, m: number, v: number, n: number, stepSize: number, vScale: number, beta1: number, beta2: number, eps: number): void;
}

const ACTIVATION_CODE: Record<Activation, number> = { elu: 0, tanh: 1, relu: 2, sigmoid: 3 };

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel module, or null when this runtime has no WebAssembly SIMD (checked once). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = Uint8Array.from(atob(DENSE_KERNEL_WASM), (c) => c.charCodeAt(0));
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled ?? null;
}

/** Whether the fused kernel can run here (WebAssembly with 128-bit SIMD: Node ≥ 16.4, every VS Code since 1.60). */
export function fusedKernelAvailable(): boolean {
  return kernelModule() !== null;
}

export function instantiate(): KernelExports {
  const module = kernelModule();
  if (!module) throw new Error('this JavaScript runtime has no WebAssembly SIMD, which the fused kernel needs');
  return new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
}

/** Byte ranges handed out once, 16-byte aligned, in the kernel's memory; the memory grows once, before any view. */
export class Arena {
  private next: number;
  private readonly pending: { offset: number; length: number; set: (v: Float32Array) => void }[] = [];
  constructor(private readonly kernel: KernelExports) {
    this.next = kernel.heapBase();
  }
  /** Reserves `length` floats; `set` receives the view once the memory is final. Returns the byte offset. */
  reserve(length: number, set: (v: Float32Array) => void = () => undefined): number {
    const offset = this.next;
    this.next += Math.ceil((length * 4) / 16) * 16;
    this.pending.push({ offset, length, set });
    return offset;
  }
  commit(): void {
    const memory = this.kernel.memory;
    const need = Math.ceil(this.next / 65536) - memory.buffer.byteLength / 65536;
    if (need > 0) memory.grow(need);
    for (const p of this.pending) p.set(new Float32Array(memory.buffer, p.offset, p.length));
  }
}

let maskKernel: { kernel: KernelExports; offset: number; capacity: number } | null = null;

/**
 * Inverted-dropout scales for `values.length` units: 0 with probability `rate`, else 1/(1 − rate), generated by the
 * kernel from `seed` alone (four xoshiro128** streams, 24-bit draws). The fused kernel draws one seed per layer and
 * batch from the run's Rng and calls the same generator, so a TensorFlow.js trainer that does the same drops the
 * same units.
 */
export function dropoutMask(values: Float32Array, rate: number, seed: number): void {
  if (!maskKernel || maskKernel.capacity < values.length) {
    const kernel = maskKernel?.kernel ?? instantiate();
    const offset = kernel.heapBase();
    const need = Math.ceil((offset + values.length * 4) / 65536) - kernel.memory.buffer.byteLength / 65536;
    if (need > 0) kernel.memory.grow(need);
    maskKernel = { kernel, offset, capacity: (kernel.memory.buffer.byteLength - offset) >> 2 };
  }
  const { kernel, offset } = maskKernel;
  kernel.dropout(offset, 0, values.length, seed >>> 0, dropThreshold(rate), 1 / (1 - rate));
  values.set(new Float32Array(kernel.memory.buffer, offset, values.length));
}

/** A unit is dropped when its 24-bit draw is below rate·2²⁴. */
function dropThreshold(rate: number): number {
  return Math.round(rate * 16777216);
}

/** One 32-bit seed per dropout mask, from the run's stream. */
export function maskSeed(rng: Rng): number {
  return rng.int(4294967296);
}

export class FusedDense {
  readonly shape: DenseShape;
  /** Views into the kernel's memory: the live parameters. */
  readonly weights: DenseWeights;
  private readonly kernel: KernelExports;
  private readonly sizes: number[];
  private readonly maxBatch: number;
  private readonly optimizer: OptimizerSpec;
  private step = 0;
  private readonly parameters: number;
  /** Byte offsets in the kernel's memory. */
  private readonly at: {
    params: number;
    grads: number;
    slot1: number;
    slot2: number;
    kernels: number[];
    biases: number[];
    gradsW: number[];
    gradsB: number[];
    acts: number[];
    derivs: number[];
    masks: number[];
    deltaA: number;
    deltaB: number;
  };
  /** Views for the host's per-row work: the input batch, the output probabilities, the output delta. */
  private input!: Float32Array;
  private output!: Float32Array;
  private deltaA!: Float32Array;

  constructor(shape: DenseShape, weights: DenseWeights, optimizer: OptimizerSpec, maxBatch: number) {
    this.shape = shape;
    this.optimizer = optimizer;
    this.maxBatch = Math.max(1, maxBatch);
    this.sizes = [shape.inputs, ...shape.hidden, shape.outputs];
    this.kernel = instantiate();
    const layers = this.sizes.length - 1;
    const arena = new Arena(this.kernel);
    this.parameters = parameterCount(shape);
    const P = this.parameters;
    // Parameters, gradients and optimiser slots are each one contiguous block in the same order — every kernel, then
    // every bias — so the optimiser updates all of them in one call.
    const kernelViews: Float32Array[] = [];
    const biasViews: Float32Array[] = [];
    const params = arena.reserve(P, (v) => {
      let o = 0;
      for (let l = 0; l < layers; l++) {
        kernelViews.push(v.subarray(o, o + this.sizes[l] * this.sizes[l + 1]));
        o += this.sizes[l] * this.sizes[l + 1];
      }
      for (let l = 0; l < layers; l++) {
        biasViews.push(v.subarray(o, o + this.sizes[l + 1]));
        o += this.sizes[l + 1];
      }
    });
    const grads = arena.reserve(P);
    const slot1 = arena.reserve(P);
    const slot2 = optimizer.kind === 'adam' ? arena.reserve(P) : 0;
    const kernels: number[] = [];
    const biases: number[] = [];
    let o = 0;
    for (let l = 0; l < layers; l++) {
      kernels.push(o);
      o += this.sizes[l] * this.sizes[l + 1] * 4;
    }
    for (let l = 0; l < layers; l++) {
      biases.push(o);
      o += this.sizes[l + 1] * 4;
    }
    const widest = Math.max(...this.sizes);
    this.at = {
      params,
      grads,
      slot1,
      slot2,
      kernels: kernels.map((k) => params + k),
      biases: biases.map((b) => params + b),
      gradsW: kernels.map((k) => grads + k),
      gradsB: biases.map((b) => grads + b),
      acts: this.sizes.map((n, l) =>
        arena.reserve(this.maxBatch * n, (v) => {
          if (l === 0) this.input = v;
          if (l === layers) this.output = v;
        }),
      ),
      derivs: this.sizes.map((n, l) => (l > 0 && l < layers ? arena.reserve(this.maxBatch * n) : 0)),
      masks: this.sizes.map((n, l) => (l > 0 && l < layers && (shape.dropout[l - 1] ?? 0) > 0 ? arena.reserve(this.maxBatch * n) : 0)),
      deltaA: arena.reserve(this.maxBatch * widest, (v) => (this.deltaA = v)),
      deltaB: arena.reserve(this.maxBatch * widest),
    };
    arena.commit();
    this.weights = { kernels: kernelViews, biases: biasViews };
    weights.kernels.forEach((k, l) => kernelViews[l].set(k));
    weights.biases.forEach((b, l) => biasViews[l].set(b));
  }

  /**
   * One optimisation step on rows `rows[from..to)` of the row-major matrix `x` (`inputs` values per row). One dropout
   * seed per hidden layer with a non-zero rate is drawn from `rng`, layer by layer.
   */
  trainBatch(x: Float32Array, labels: Int32Array, rows: Uint32Array, from: number, to: number, rng: Rng): BatchOutcome {
    const b = to - from;
    const d = this.shape.inputs;
    const a0 = this.input;
    // Gather the batch's rows with a plain loop: `subarray` allocates a view per row (≈ 5 % of an epoch and GC churn).
    for (let i = 0, o = 0; i < b; i++) {
      const r = rows[from + i] * d;
      for (let k = 0; k < d; k++) a0[o++] = x[r + k];
    }
    this.forward(b, rng);
    const outcome = this.outputDelta(labels, rows, from, b);
    this.backward(b);
    this.applyGradients();
    return outcome;
  }

  /** Per-row loss and predicted class over rows `rows` (or all rows of `x` when null), without dropout. */
  evaluate(x: Float32Array, labels: Int32Array | null, rows: Uint32Array | null, predicted?: Int32Array): { lossSum: number; correct: number } {
    const d = this.shape.inputs;
    const n = rows ? rows.length : x.length / d;
    let lossSum = 0;
    let correct = 0;
    const c = this.shape.outputs;
    const a0 = this.input;
    const p = this.output;
    for (let start = 0; start < n; start += this.maxBatch) {
      const b = Math.min(this.maxBatch, n - start);
      for (let i = 0, o = 0; i < b; i++) {
        const r = (rows ? rows[start + i] : start + i) * d;
        for (let k = 0; k < d; k++) a0[o++] = x[r + k];
      }
      this.forward(b, null);
      const chunk = scoreChunk(p, c, labels, rows, start, b, predicted);
      lossSum += chunk.lossSum;
      correct += chunk.correct;
    }
    return { lossSum, correct };
  }

  /** Output probabilities for every row of `x`. */
  predictProba(x: Float32Array): Float32Array {
    const d = this.shape.inputs;
    const n = x.length / d;
    const c = this.shape.outputs;
    const out = new Float32Array(n * c);
    for (let start = 0; start < n; start += this.maxBatch) {
      const b = Math.min(this.maxBatch, n - start);
      this.input.set(x.subarray(start * d, (start + b) * d));
      this.forward(b, null);
      out.set(this.output.subarray(0, b * c), start * c);
    }
    return out;
  }

  snapshot(): Float32Array[] {
    return [...this.weights.kernels, ...this.weights.biases].map((p) => p.slice());
  }

  restore(snapshot: readonly Float32Array[]): void {
    [...this.weights.kernels, ...this.weights.biases].forEach((p, i) => p.set(snapshot[i]));
  }

  private forward(b: number, rng: Rng | null): void {
    const k = this.kernel;
    const at = this.at;
    const layers = this.sizes.length - 1;
    for (let l = 0; l < layers; l++) {
      const nOut = this.sizes[l + 1];
      const z = at.acts[l + 1];
      k.forward(at.acts[l], at.kernels[l], at.biases[l], z, b, this.sizes[l], nOut);
      if (l + 1 < layers) {
        k.activate(ACTIVATION_CODE[this.shape.activation], z, at.derivs[l + 1], b * nOut);
        const rate = this.shape.dropout[l] ?? 0;
        // Inverted dropout (Keras, PyTorch): kept units are scaled by 1/(1−rate) at training time only.
        if (rng && rate > 0) k.dropout(at.masks[l + 1], z, b * nOut, maskSeed(rng), dropThreshold(rate), 1 / (1 - rate));
      } else if (nOut === 1) {
        k.sigmoidOut(z, b);
      } else {
        const p = this.output;
        for (let i = 0; i < b; i++) softmaxRow(p, i * nOut, nOut);
      }
    }
  }

  /** Writes dLoss/dLogits (mean over the batch) into deltaA and returns the batch's loss and hits. */
  private outputDelta(labels: Int32Array, rows: Uint32Array, from: number, b: number): BatchOutcome {
    return outputDelta(this.output, this.deltaA, this.shape.outputs, labels, rows, from, b);
  }

  private backward(b: number): void {
    const k = this.kernel;
    const at = this.at;
    let delta = at.deltaA;
    let spare = at.deltaB;
    for (let l = this.sizes.length - 2; l >= 0; l--) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      k.weightGrad(at.acts[l], delta, at.gradsW[l], at.gradsB[l], b, nIn, nOut);
      if (l === 0) break;
      // delta_prev = (delta · Wᵀ) ⊙ dropout mask ⊙ activation'(z)
      k.inputGrad(delta, at.kernels[l], at.derivs[l], at.masks[l], spare, b, nIn, nOut);
      const t = delta;
      delta = spare;
      spare = t;
    }
  }

  private applyGradients(): void {
    this.step++;
    optimiserStep(this.kernel, this.optimizer, this.step, this.at, this.parameters);
  }
}

/**
 * dLoss/dLogits for a batch (mean over its rows) into `delta`, from the output probabilities `p`: p − y for the
 * sigmoid with binary cross-entropy and for softmax with categorical cross-entropy. Returns the batch's loss and hits.
 */
export function outputDelta(p: Float32Array, delta: Float32Array, c: number, labels: Int32Array, rows: Uint32Array, from: number, b: number): BatchOutcome {
  let lossSum = 0;
  let correct = 0;
  const inv = 1 / b;
  for (let i = 0; i < b; i++) {
    const y = labels[rows[from + i]];
    lossSum += rowLoss(p, i, c, y);
    if (predictedClass(p, i, c) === y) correct++;
    if (c === 1) delta[i] = (p[i] - y) * inv;
    else for (let j = 0; j < c; j++) delta[i * c + j] = (p[i * c + j] - (j === y ? 1 : 0)) * inv;
  }
  return { lossSum, correct };
}

/** One SGD-with-momentum or Adam step over a whole parameter block (byte offsets `at`; `step` counts from 1). */
export function optimiserStep(kernel: KernelExports, optimizer: OptimizerSpec, step: number, at: { params: number; grads: number; slot1: number; slot2: number }, parameters: number): void {
  const { kind, learningRate: lr, momentum } = optimizer;
  if (kind === 'sgd') {
    kernel.sgd(at.params, at.grads, at.slot1, parameters, lr, momentum);
    return;
  }
  // torch.optim.Adam: w ← w − (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε).
  const stepSize = lr / (1 - BETA1 ** step);
  const vScale = 1 / Math.sqrt(1 - BETA2 ** step);
  kernel.adam(at.params, at.grads, at.slot1, at.slot2, parameters, stepSize, vScale, BETA1, BETA2, ADAM_EPSILON);
}

/** Loss sum, hits and (optionally) predictions over the rows of one evaluated chunk whose probabilities are in `p`. */
export function scoreChunk(p: Float32Array, c: number, labels: Int32Array | null, rows: Uint32Array | null, start: number, b: number, predicted: Int32Array | undefined): { lossSum: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < b; i++) {
    const k = predictedClass(p, i, c);
    if (predicted) predicted[start + i] = k;
    if (labels) {
      const y = labels[rows ? rows[start + i] : start + i];
      lossSum += rowLoss(p, i, c, y);
      if (k === y) correct++;
    }
  }
  return { lossSum, correct };
}

export function softmaxRow(z: Float32Array, off: number, n: number): void {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (z[off + j] > max) max = z[off + j];
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const e = Math.exp(z[off + j] - max);
    z[off + j] = e;
    sum += e;
  }
  for (let j = 0; j < n; j++) z[off + j] /= sum;
}

export function predictedClass(p: Float32Array, i: number, c: number): number {
  if (c === 1) return p[i] > 0.5 ? 1 : 0;
  let best = 0;
  for (let j = 1; j < c; j++) if (p[i * c + j] > p[i * c + best]) best = j;
  return best;
}

export function rowLoss(p: Float32Array, i: number, c: number, y: number): number {
  if (c === 1) {
    const q = Math.min(1 - PROB_EPSILON, Math.max(PROB_EPSILON, p[i]));
    return y === 1 ? -Math.log(q) : -Math.log(1 - q);
  }
  return -Math.log(Math.min(1 - PROB_EPSILON, Math.max(PROB_EPSILON, p[i * c + y])));
}

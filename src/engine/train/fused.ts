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
  /** `linear`: one unbounded output with squared error (regression on a standardised target). */
  readonly output?: OutputKind;
}

/** The output layer and its loss: sigmoid/softmax with cross-entropy (classes), or linear with squared error. */
export type OutputKind = 'classes' | 'linear';

/**
 * What a batch is scored against: class indices (−1: none), or — for a linear output — the target value of every row
 * (the standardised regression target; NaN: none).
 */
export type TrainTargets = Int32Array | Float32Array;

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

function instantiate(): KernelExports {
  const module = kernelModule();
  if (!module) throw new Error('this JavaScript runtime has no WebAssembly SIMD, which the fused kernel needs');
  return new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
}

/** Byte ranges handed out once, 16-byte aligned, in the kernel's memory; the memory grows once, before any view. */
class Arena {
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

/**
 * What every network on the kernel shares: the parameter block (weights, gradients and optimiser slots, each one
 * contiguous run in TensorFlow.js layer order, so one optimiser call updates everything), the input batch, the output
 * probabilities and their delta, and the training step around a subclass's forward and backward passes. A subclass
 * reserves its own buffers in `arena` and then calls `commit`.
 */
export abstract class FusedNetwork {
  /** Live parameters: views into the kernel's memory, in TensorFlow.js layer order (each kernel, then its bias). */
  readonly weights: Float32Array[] = [];
  /** The kernel that runs, in words (reports, logs). */
  abstract readonly description: string;
  protected readonly kernel: KernelExports;
  protected readonly arena: Arena;
  protected readonly maxBatch: number;
  /** Byte offsets: the input batch, output probabilities, dLoss/dLogits, and weight i's value and gradient. */
  protected readonly at: { input: number; output: number; outDelta: number; params: number; grads: number; slot1: number; slot2: number; weight: number[]; grad: number[] };
  protected input!: Float32Array;
  protected output!: Float32Array;
  private outDelta!: Float32Array;
  private readonly parameters: number;
  private step = 0;

  protected constructor(
    private readonly inputs: number,
    protected readonly outputs: number,
    private readonly initial: readonly Float32Array[],
    private readonly optimizer: OptimizerSpec,
    maxBatch: number,
    protected readonly outputKind: OutputKind = 'classes',
  ) {
    this.maxBatch = Math.max(1, maxBatch);
    this.kernel = instantiate();
    this.arena = new Arena(this.kernel);
    this.parameters = initial.reduce((n, w) => n + w.length, 0);
    const P = this.parameters;
    const offsets: number[] = [];
    let o = 0;
    for (const w of initial) {
      offsets.push(o);
      o += w.length * 4;
    }
    const params = this.arena.reserve(P, (v) => initial.forEach((w, i) => this.weights.push(v.subarray(offsets[i] / 4, offsets[i] / 4 + w.length))));
    const grads = this.arena.reserve(P);
    this.at = {
      params,
      grads,
      slot1: this.arena.reserve(P),
      slot2: optimizer.kind === 'adam' ? this.arena.reserve(P) : 0,
      weight: offsets.map((x) => params + x),
      grad: offsets.map((x) => grads + x),
      input: this.arena.reserve(this.maxBatch * inputs, (v) => (this.input = v)),
      output: this.arena.reserve(this.maxBatch * outputs, (v) => (this.output = v)),
      outDelta: this.arena.reserve(this.maxBatch * outputs, (v) => (this.outDelta = v)),
    };
  }

  /** Grows the memory once, makes the views, and loads the initial weights. */
  protected commit(): void {
    this.arena.commit();
    this.initial.forEach((w, i) => this.weights[i].set(w));
  }

  /** Forward pass over the first `b` rows of the input batch into `output` (probabilities), drawing dropout from `rng`. */
  protected abstract forward(b: number, rng: Rng | null): void;
  /** Gradients of every weight from dLoss/dLogits at `at.outDelta`. */
  protected abstract backward(b: number): void;

  /**
   * One optimisation step on rows `rows[from..to)` of the row-major matrix `x` (`inputs` values per row). Dropout
   * seeds, where the network has dropout, are drawn from `rng` layer by layer.
   */
  trainBatch(x: Float32Array, labels: TrainTargets, rows: Uint32Array, from: number, to: number, rng: Rng): BatchOutcome {
    const b = to - from;
    this.gather(x, rows, from, b);
    this.forward(b, rng);
    const outcome =
      this.outputKind === 'linear'
        ? squaredErrorDelta(this.output, this.outDelta, labels as Float32Array, rows, from, b)
        : outputDelta(this.output, this.outDelta, this.outputs, labels as Int32Array, rows, from, b);
    this.backward(b);
    this.step++;
    this.applyGradients();
    return outcome;
  }

  /**
   * Per-row loss and predicted class over rows `rows` (or all rows of `x` when null), without dropout. A linear output
   * puts its values into `values` (when given) and has no hits.
   */
  evaluate(x: Float32Array, labels: TrainTargets | null, rows: Uint32Array | null, predicted?: Int32Array, values?: Float32Array): { lossSum: number; correct: number } {
    const d = this.inputs;
    const n = rows ? rows.length : x.length / d;
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < n; start += this.maxBatch) {
      const b = Math.min(this.maxBatch, n - start);
      if (rows) this.gather(x, rows, start, b);
      else this.input.set(x.subarray(start * d, (start + b) * d));
      this.forward(b, null);
      if (this.outputKind === 'linear') {
        for (let i = 0; i < b; i++) {
          const p = this.output[i];
          if (values) values[start + i] = p;
          if (labels) {
            const y = (labels as Float32Array)[rows ? rows[start + i] : start + i];
            if (!Number.isNaN(y)) lossSum += (p - y) * (p - y);
          }
        }
        continue;
      }
      const chunk = scoreChunk(this.output, this.outputs, labels as Int32Array | null, rows, start, b, predicted);
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

  /** Sigmoid (one output) or softmax over the first `b` rows of `output`, in place. */
  protected outputActivation(b: number): void {
    if (this.outputKind === 'linear') return;
    if (this.outputs === 1) this.kernel.sigmoidOut(this.at.output, b);
    else for (let i = 0; i < b; i++) softmaxRow(this.output, i * this.outputs, this.outputs);
  }

  /** Copies the batch's rows into the input buffer with a plain loop (`subarray` per row allocates a view: GC churn). */
  private gather(x: Float32Array, rows: Uint32Array, from: number, b: number): void {
    const d = this.inputs;
    const a0 = this.input;
    for (let i = 0, o = 0; i < b; i++) {
      const r = rows[from + i] * d;
      for (let k = 0; k < d; k++) a0[o++] = x[r + k];
    }
  }

  private applyGradients(): void {
    const { kind, learningRate: lr, momentum } = this.optimizer;
    const at = this.at;
    if (kind === 'sgd') {
      this.kernel.sgd(at.params, at.grads, at.slot1, this.parameters, lr, momentum);
      return;
    }
    // torch.optim.Adam: w ← w − (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε).
    const stepSize = lr / (1 - BETA1 ** this.step);
    const vScale = 1 / Math.sqrt(1 - BETA2 ** this.step);
    this.kernel.adam(at.params, at.grads, at.slot1, at.slot2, this.parameters, stepSize, vScale, BETA1, BETA2, ADAM_EPSILON);
  }
}

/** The MLP (or, with no hidden layer, logistic regression); `initial` in TensorFlow.js layer order. */
export class FusedDense extends FusedNetwork {
  readonly description = 'fused WebAssembly SIMD MLP (hand-written forward/backward, no TensorFlow.js ops)';
  private readonly shape: DenseShape;
  private readonly sizes: number[];
  /** Byte offsets per layer boundary: activations (acts[0] is the input batch), derivatives, dropout scales. */
  private readonly acts: number[];
  private readonly derivs: number[];
  private readonly masks: number[];
  /** Two buffers the deltas of hidden layers alternate between. */
  private readonly spares: [number, number];

  constructor(shape: DenseShape, initial: readonly Float32Array[], optimizer: OptimizerSpec, maxBatch: number) {
    super(shape.inputs, shape.outputs, initial, optimizer, maxBatch, shape.output ?? 'classes');
    this.shape = shape;
    this.sizes = [shape.inputs, ...shape.hidden, shape.outputs];
    const layers = this.sizes.length - 1;
    const B = this.maxBatch;
    const hidden = (l: number): boolean => l > 0 && l < layers;
    this.acts = this.sizes.map((n, l) => (l === 0 ? this.at.input : l === layers ? this.at.output : this.arena.reserve(B * n)));
    this.derivs = this.sizes.map((n, l) => (hidden(l) ? this.arena.reserve(B * n) : 0));
    this.masks = this.sizes.map((n, l) => (hidden(l) && (shape.dropout[l - 1] ?? 0) > 0 ? this.arena.reserve(B * n) : 0));
    const widest = Math.max(...this.sizes);
    this.spares = [this.arena.reserve(B * widest), this.arena.reserve(B * widest)];
    this.commit();
  }

  protected forward(b: number, rng: Rng | null): void {
    const k = this.kernel;
    const layers = this.sizes.length - 1;
    for (let l = 0; l < layers; l++) {
      const nOut = this.sizes[l + 1];
      const z = this.acts[l + 1];
      k.forward(this.acts[l], this.at.weight[2 * l], this.at.weight[2 * l + 1], z, b, this.sizes[l], nOut);
      if (l + 1 === layers) break;
      k.activate(ACTIVATION_CODE[this.shape.activation], z, this.derivs[l + 1], b * nOut);
      const rate = this.shape.dropout[l] ?? 0;
      // Inverted dropout (Keras, PyTorch): kept units are scaled by 1/(1−rate) at training time only.
      if (rng && rate > 0) k.dropout(this.masks[l + 1], z, b * nOut, maskSeed(rng), dropThreshold(rate), 1 / (1 - rate));
    }
    this.outputActivation(b);
  }

  protected backward(b: number): void {
    const k = this.kernel;
    let delta = this.at.outDelta;
    for (let l = this.sizes.length - 2; l >= 0; l--) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      k.weightGrad(this.acts[l], delta, this.at.grad[2 * l], this.at.grad[2 * l + 1], b, nIn, nOut);
      if (l === 0) break;
      // delta_prev = (delta · Wᵀ) ⊙ dropout mask ⊙ activation'(z)
      const prev = delta === this.spares[0] ? this.spares[1] : this.spares[0];
      k.inputGrad(delta, this.at.weight[2 * l], this.derivs[l], this.masks[l], prev, b, nIn, nOut);
      delta = prev;
    }
  }
}

/**
 * dLoss/dLogits for a batch (mean over its rows) into `delta`, from the output probabilities `p`: p − y for the
 * sigmoid with binary cross-entropy and for softmax with categorical cross-entropy. Returns the batch's loss and hits.
 */
function outputDelta(p: Float32Array, delta: Float32Array, c: number, labels: Int32Array, rows: Uint32Array, from: number, b: number): BatchOutcome {
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

/**
 * dLoss/dOutput of the squared error (mean over the batch's rows): 2(p − y)/b into `delta`. Returns the batch's summed
 * squared error; a regression has no hits.
 */
function squaredErrorDelta(p: Float32Array, delta: Float32Array, targets: Float32Array, rows: Uint32Array, from: number, b: number): BatchOutcome {
  let lossSum = 0;
  const scale = 2 / b;
  for (let i = 0; i < b; i++) {
    const r = p[i] - targets[rows[from + i]];
    lossSum += r * r;
    delta[i] = r * scale;
  }
  return { lossSum, correct: 0 };
}

/** Loss sum, hits and (optionally) predictions over the rows of one evaluated chunk whose probabilities are in `p`. */
function scoreChunk(p: Float32Array, c: number, labels: Int32Array | null, rows: Uint32Array | null, start: number, b: number, predicted: Int32Array | undefined): { lossSum: number; correct: number } {
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

function softmaxRow(z: Float32Array, off: number, n: number): void {
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

import type { Rng } from '../random';
import type { LoadedTf, Tf } from './backend';
import { ADAM_EPSILON, dropoutMask, maskSeed } from './fused';
import type { BatchOutcome, OptimizerSpec } from './fused';
import type { Architecture, NamedWeight, Trainer } from './model';
import { samePadding } from './model';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Variable = import('@tensorflow/tfjs').Variable;

/** Rows per forward pass when evaluating: large enough to amortise op dispatch, small enough for any backend. */
const EVAL_CHUNK = 2048;

/**
 * The same networks as the fused kernel, on a TensorFlow.js backend: weights are tf.Variables, one training step is
 * `optimizer.minimize` inside tf.tidy on a batch tensor built from the shuffled rows, dropout masks come from the
 * run's seeded Rng (not tfjs' unseeded dropout), so a run is reproducible for a given seed and backend.
 *
 * The 1-D convolution is written as im2col (pad, strided slices, concat, matMul) because the WASM backend has no
 * Conv2DBackpropFilter kernel, so tf.conv1d cannot be trained there; the weights keep tf.layers.conv1d's layout
 * [kernel, in channels, filters] and 'same' padding, so the saved model is a plain conv1d model.
 */
export class TfTrainer implements Trainer {
  readonly kernel: string;
  private readonly tf: Tf;
  private readonly vars: Variable[];
  private readonly names: string[];
  private readonly optimizer: import('@tensorflow/tfjs').Optimizer;
  private readonly xAll: Float32Array;
  private readonly labels: Int32Array;

  constructor(
    loaded: LoadedTf,
    private readonly arch: Architecture,
    initial: readonly NamedWeight[],
    optimizer: OptimizerSpec,
    x: Float32Array,
    labels: Int32Array,
  ) {
    this.tf = loaded.tf;
    this.kernel = `TensorFlow.js ${loaded.detail}, custom loop (optimizer.minimize on batch tensors)`;
    const tf = this.tf;
    // tf.variable copies its initial value; tidy disposes the temporary tensor (variables are not tracked by tidy).
    this.vars = initial.map((w) => tf.tidy(() => tf.variable(tf.tensor(w.values, w.shape), true, undefined, 'float32')));
    this.names = initial.map((w) => w.name);
    this.optimizer =
      // ε as PyTorch's (and the fused kernel's); tfjs applies it to the uncorrected √v — see fused.ts.
      optimizer.kind === 'adam' ? tf.train.adam(optimizer.learningRate, 0.9, 0.999, ADAM_EPSILON) : tf.train.momentum(optimizer.learningRate, optimizer.momentum);
    this.xAll = x;
    this.labels = labels;
  }

  trainBatch(rows: Uint32Array, from: number, to: number, rng: Rng): BatchOutcome {
    const tf = this.tf;
    const b = to - from;
    const d = this.arch.inputs;
    const xb = new Float32Array(b * d);
    const yb = new Int32Array(b);
    for (let i = 0; i < b; i++) {
      const r = rows[from + i];
      xb.set(this.xAll.subarray(r * d, r * d + d), i * d);
      yb[i] = this.labels[r];
    }
    const masks = this.dropoutMasks(b, rng);
    const out = tf.tidy(() => {
      const xt = tf.tensor2d(xb, [b, d]);
      const yt = this.targets(yb);
      const maskT = masks.map((m) => (m ? tf.tensor2d(m.values, [b, m.width]) : null));
      let logits: Tensor | null = null;
      const cost = this.optimizer.minimize(() => {
        const z = this.forward(xt, maskT);
        logits = tf.keep(z);
        return this.loss(z, yt) as import('@tensorflow/tfjs').Scalar;
      }, true, this.vars);
      const hits = this.hits(logits as unknown as Tensor, yb);
      (logits as unknown as Tensor).dispose();
      return tf.stack([tf.mul(cost as Tensor, b), hits]);
    });
    const v = out.dataSync();
    out.dispose();
    return { lossSum: v[0], correct: v[1] };
  }

  evaluate(rows: Uint32Array, predicted?: Int32Array): { lossSum: number; correct: number } {
    const tf = this.tf;
    const d = this.arch.inputs;
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < rows.length; start += EVAL_CHUNK) {
      const b = Math.min(EVAL_CHUNK, rows.length - start);
      const xb = new Float32Array(b * d);
      const yb = new Int32Array(b);
      for (let i = 0; i < b; i++) {
        const r = rows[start + i];
        xb.set(this.xAll.subarray(r * d, r * d + d), i * d);
        yb[i] = this.labels[r];
      }
      const [lossT, predT] = tf.tidy(() => {
        const z = this.forward(tf.tensor2d(xb, [b, d]), null);
        const loss = tf.mul(this.loss(z, this.targets(yb)), b);
        const pred = this.arch.outputs === 1 ? tf.cast(tf.greater(z, 0), 'int32').reshape([b]) : tf.argMax(z, 1);
        return [loss, pred];
      });
      lossSum += lossT.dataSync()[0];
      const p = predT.dataSync();
      lossT.dispose();
      predT.dispose();
      for (let i = 0; i < b; i++) {
        if (predicted) predicted[start + i] = p[i];
        if (p[i] === yb[i]) correct++;
      }
    }
    return { lossSum, correct };
  }

  snapshot(): Float32Array[] {
    return this.vars.map((v) => v.dataSync() as Float32Array).map((a) => a.slice());
  }

  restore(snapshot: readonly Float32Array[]): void {
    const tf = this.tf;
    this.vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(snapshot[i], v.shape))));
  }

  weights(): NamedWeight[] {
    return this.vars.map((v, i) => ({ name: this.names[i], shape: [...v.shape], values: (v.dataSync() as Float32Array).slice() }));
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
    this.optimizer.dispose();
  }

  /** One inverted-dropout scale matrix per hidden layer with a non-zero rate, drawn in the fused kernel's order. */
  private dropoutMasks(b: number, rng: Rng): ({ values: Float32Array; width: number } | null)[] {
    if (this.arch.kind !== 'dense') return [];
    const a = this.arch;
    return a.hidden.map((width, l) => {
      const rate = a.dropout[l] ?? 0;
      if (rate <= 0) return null;
      const values = new Float32Array(b * width);
      dropoutMask(values, rate, maskSeed(rng));
      return { values, width };
    });
  }

  private targets(y: Int32Array): Tensor {
    const tf = this.tf;
    return this.arch.outputs === 1 ? tf.tensor2d(Float32Array.from(y), [y.length, 1]) : tf.oneHot(tf.tensor1d(y, 'int32'), this.arch.outputs);
  }

  /** Mean binary / categorical cross-entropy from logits (the numerically stable forms). */
  private loss(logits: Tensor, targets: Tensor): Tensor {
    const tf = this.tf;
    return this.arch.outputs === 1 ? tf.losses.sigmoidCrossEntropy(targets, logits) : tf.losses.softmaxCrossEntropy(targets, logits);
  }

  private hits(logits: Tensor, y: Int32Array): Tensor {
    const tf = this.tf;
    const pred = this.arch.outputs === 1 ? tf.cast(tf.greater(logits, 0), 'int32').reshape([y.length]) : tf.argMax(logits, 1);
    return tf.sum(tf.cast(tf.equal(pred, tf.tensor1d(y, 'int32')), 'float32'));
  }

  /** Logits for a batch [b, inputs]; dropout masks (training) or null (inference). */
  private forward(x: Tensor2D, masks: (Tensor | null)[] | null): Tensor {
    const tf = this.tf;
    const v = this.vars;
    if (this.arch.kind === 'dense') {
      let h: Tensor = x;
      const layers = this.arch.hidden.length;
      for (let l = 0; l < layers; l++) {
        h = tf.add(tf.matMul(h as Tensor2D, v[2 * l] as unknown as Tensor2D), v[2 * l + 1]);
        h = this.activate(h);
        const m = masks?.[l];
        if (m) h = tf.mul(h, m);
      }
      return tf.add(tf.matMul(h as Tensor2D, v[2 * layers] as unknown as Tensor2D), v[2 * layers + 1]);
    }
    const { kernel, stride, layers, filters } = this.arch.cnn;
    const b = x.shape[0];
    let h: Tensor = tf.reshape(x, [b, this.arch.inputs, 1]);
    let length = this.arch.inputs;
    let channels = 1;
    for (let l = 0; l < layers; l++) {
      const pad = samePadding(length, kernel, stride);
      // Extra right padding of `stride` so every strided slice below stays in range; those cells are never read.
      const padded = tf.pad(h, [
        [0, 0],
        [pad.left, pad.total - pad.left + stride],
        [0, 0],
      ]);
      const taps: Tensor[] = [];
      for (let k = 0; k < kernel; k++) {
        const window = tf.slice(padded, [0, k, 0], [b, pad.out * stride, channels]);
        taps.push(tf.reshape(tf.slice(tf.reshape(window, [b, pad.out, stride, channels]), [0, 0, 0, 0], [b, pad.out, 1, channels]), [b, pad.out, channels]));
      }
      const patches = tf.reshape(tf.concat(taps, 2), [b * pad.out, kernel * channels]);
      const w = tf.reshape(v[2 * l], [kernel * channels, filters]) as Tensor2D;
      h = tf.relu(tf.add(tf.matMul(patches as Tensor2D, w), v[2 * l + 1]));
      h = tf.reshape(h, [b, pad.out, filters]);
      length = pad.out;
      channels = filters;
    }
    const flat = tf.reshape(h, [b, length * channels]) as Tensor2D;
    return tf.add(tf.matMul(flat, v[2 * layers] as unknown as Tensor2D), v[2 * layers + 1]);
  }

  private activate(h: Tensor): Tensor {
    const tf = this.tf;
    if (this.arch.kind !== 'dense') return tf.relu(h);
    switch (this.arch.activation) {
      case 'elu':
        return tf.elu(h);
      case 'tanh':
        return tf.tanh(h);
      case 'relu':
        return tf.relu(h);
      case 'sigmoid':
        return tf.sigmoid(h);
    }
  }
}

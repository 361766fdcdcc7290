/**
 * Types of the training engine: what a run is configured with and what it reports. Plain data only — the same
 * objects go into the JSON report, across the worker boundary and into a saved model's metadata.
 */

export type ModelKind = 'mlp' | 'logreg' | 'cnn1d';
export type Activation = 'elu' | 'tanh' | 'relu' | 'sigmoid';
export type OptimizerKind = 'sgd' | 'adam';
/**
 * What runs the arithmetic. `fused`: the hand-written WebAssembly SIMD kernel (fused.ts for the MLP and logistic
 * regression, fusedCnn.ts for the 1-D CNN); `tensorflow` (tfjs-node), `wasm`, `cpu`: TensorFlow.js backends. `auto`
 * picks fused, or the best TensorFlow.js backend that loads where WebAssembly SIMD is missing.
 */
export type BackendChoice = 'auto' | 'fused' | 'tensorflow' | 'wasm' | 'cpu';
export type ResolvedBackend = Exclude<BackendChoice, 'auto'>;
/**
 * Initial weights: `torch` — PyTorch's nn.Linear/nn.Conv1d default, kernel and bias U(±1/√fan_in); `glorot` —
 * Glorot-uniform kernels and zero biases (the Keras/TensorFlow.js default).
 */
export type WeightInit = 'torch' | 'glorot';
export type PresetName = 'N-9' | 'N-12' | 'N-15' | 'N-18';

/** Extra inputs for logistic regression: the sparsity engine's interaction terms or a hypothesis' 0/1 feature. */
export type FeatureTransform =
  | { readonly kind: 'raw' }
  /** Products of standardised features, one input per term (0-based feature indices); absent: the sparsity engine's top terms. */
  | { readonly kind: 'interactions'; readonly terms?: readonly (readonly number[])[] }
  /**
   * One input: the ±1 product Π(2·bin(x)−1) over the rule's features — the parity feature of an xor rule. `features`
   * and `thresholds` are filled in when the transform is resolved against the training data.
   */
  | { readonly kind: 'hypothesis'; readonly rule: string; readonly features?: readonly number[]; readonly thresholds?: readonly number[] };

export interface CnnShape {
  readonly filters: number;
  readonly kernel: number;
  readonly stride: number;
  readonly layers: number;
}

/** What early stopping watches on the validation split. */
export type EarlyStoppingMonitor = 'loss' | 'accuracy';

export interface TrainConfig {
  readonly model: ModelKind;
  /** Hidden layer widths (MLP); ignored by logreg; the CNN's dense head has none. */
  readonly hidden: readonly number[];
  readonly activation: Activation;
  /** Dropout rate after each hidden layer (one per hidden layer). */
  readonly dropout: readonly number[];
  readonly optimizer: OptimizerKind;
  readonly learningRate: number;
  /** SGD momentum (PyTorch/TensorFlow semantics: v ← μ·v + g, w ← w − lr·v). */
  readonly momentum: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** Early stopping: epochs without a better validation score before stopping; the best weights are restored. */
  readonly patience: number;
  /**
   * The validation score early stopping watches (absent: `loss`, Keras' val_loss, as the published presets did).
   * `accuracy` suits noisy multi-class data, where validation loss turns up (over-confidence) long before accuracy
   * stops improving.
   */
  readonly monitor?: EarlyStoppingMonitor;
  readonly seed: number;
  /** Initial weights (absent: `torch`, what the published presets were found with). */
  readonly init?: WeightInit;
  readonly runs: number;
  readonly backend: BackendChoice;
  readonly preset: PresetName | 'default' | 'multiclass' | 'cnn1d' | null;
  readonly cnn: CnnShape;
  readonly features: FeatureTransform;
  /** A column of 0/1/2 (train/validation/test) to use instead of the seeded split. */
  readonly splitColumn?: string;
}

export interface EpochMetrics {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly elapsedMs: number;
}

export interface EpochProgress extends EpochMetrics {
  readonly run: number;
  readonly runs: number;
  readonly seed: number;
  readonly epochs: number;
}

export interface Evaluation {
  readonly rows: number;
  readonly accuracy: number;
  /** Mean binary / categorical cross-entropy. */
  readonly loss: number;
  /** confusion[actual][predicted], class indices as in the dataset's label. */
  readonly confusion: number[][];
}

export interface RunResult {
  readonly seed: number;
  readonly epochsRun: number;
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
  readonly history: EpochMetrics[];
  readonly validation: Evaluation;
  readonly test: Evaluation;
  readonly trainMs: number;
  readonly msPerEpoch: number;
}

/** The report's `training` section. */
export interface TrainingReport {
  readonly config: TrainConfig;
  /** Why the preset was chosen (`--preset auto`), or that the user chose it. */
  readonly presetReason: string;
  readonly backend: ResolvedBackend;
  /** The kernel that ran, in words (e.g. "fused WebAssembly SIMD MLP (…)", "TensorFlow.js wasm (SIMD)"). */
  readonly kernel: string;
  readonly features: readonly string[];
  /** Features the user excluded (`--exclude`, the quick fix): not model inputs. Absent when none were. */
  readonly excluded?: readonly string[];
  readonly classes: readonly string[];
  readonly split: { readonly train: number; readonly validation: number; readonly test: number; readonly source: 'seeded' | 'column' };
  readonly parameters: number;
  /** History and test metrics of the first run (seed = config.seed). */
  readonly history: EpochMetrics[];
  readonly bestEpoch: number;
  readonly epochsRun: number;
  readonly stoppedEarly: boolean;
  readonly validation: Evaluation;
  readonly test: Evaluation;
  readonly msPerEpoch: number;
  /** Repeated runs (config.runs > 1): test accuracy per seed, mean and sample standard deviation. */
  readonly runs?: {
    readonly seeds: number[];
    readonly accuracy: number[];
    readonly mean: number;
    readonly sd: number;
    readonly epochsRun: number[];
  };
  readonly totalMs: number;
}

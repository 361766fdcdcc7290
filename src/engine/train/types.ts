/**
 * Types of the training engine: what a run is configured with and what it reports. Plain data only — the same
 * objects go into the JSON report, across the worker boundary and into a saved model's metadata.
 */
import type { EnergyReport } from '../energy/energy';

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
  readonly preset: PresetName | 'default' | 'multiclass' | 'cnn1d' | 'tabular' | null;
  /**
   * `linear`: the first run also trains the linear model (logistic or least-squares regression, same split and
   * optimiser) and keeps whichever scores better on what early stopping watches (validation loss, or accuracy with
   * `monitor: 'accuracy'`); every further run uses the kept kind.
   */
  readonly compare?: 'linear';
  readonly cnn: CnnShape;
  readonly features: FeatureTransform;
  /** A column of 0/1/2 (train/validation/test) to use instead of the seeded split. */
  readonly splitColumn?: string;
}

/**
 * One epoch. For a regression the losses are mean squared errors of the standardised target and the two "accuracy"
 * fields hold R² (1 − MSE / variance of the split's targets), the score the report's `metric` names.
 */
export interface EpochMetrics {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly elapsedMs: number;
}

export interface EpochProgress extends EpochMetrics {
  /** What the two "accuracy" fields hold: accuracy, or R² for a regression (absent: accuracy). */
  readonly metric?: 'accuracy' | 'r2';
  readonly run: number;
  readonly runs: number;
  readonly seed: number;
  readonly epochs: number;
}

export interface Evaluation {
  readonly rows: number;
  /** Classes: the share predicted right. Regression: NaN (null in the JSON report; see r2). */
  readonly accuracy: number;
  /** Mean binary / categorical cross-entropy; for a regression the mean squared error in the target's units. */
  readonly loss: number;
  /** confusion[actual][predicted], class indices as in the dataset's label (empty for a regression). */
  readonly confusion: number[][];
  /** Regression: R² (1 − SSE/SST about these rows' own mean, as scikit-learn's r2_score), MAE and RMSE. */
  readonly r2?: number;
  readonly mae?: number;
  readonly rmse?: number;
  /** Regression: actual and predicted values of (up to RESIDUAL_SAMPLE, seeded) rows, for the residual plot. */
  readonly residuals?: { readonly actual: number[]; readonly predicted: number[]; readonly sampled: boolean };
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
  /** What was learnt: classes (binary, multiclass) or a number (regression). */
  readonly task: 'binary' | 'multiclass' | 'regression';
  /** The score of `test`, `validation` and `runs`: accuracy for classes, R² for a regression. */
  readonly metric: 'accuracy' | 'r2';
  /** Regression: the training rows' target mean and sd (the model predicts the standardised target). */
  readonly target?: { readonly name: string; readonly mean: number; readonly sd: number };
  /**
   * How the inputs were built from the table: per feature, standardised (with imputation at the training mean and
   * a missing indicator where training rows had missing cells) or one-hot. Absent for interaction/hypothesis features.
   */
  readonly encoding?: readonly { readonly feature: string; readonly how: string }[];
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
  /** With config.compare: the candidates' validation scores and the kept model. */
  readonly selection?: {
    /** What early stopping watched: validation loss, or validation accuracy (`monitor: 'accuracy'`). */
    readonly by: 'validation loss' | 'validation accuracy';
    readonly candidates: readonly { readonly model: ModelKind; readonly validationLoss: number; readonly validationScore: number }[];
    readonly chosen: ModelKind;
  };
  /** Repeated runs (config.runs > 1): the test score (`metric`) per seed, mean and sample standard deviation. */
  readonly runs?: {
    readonly seeds: number[];
    /** Test accuracy per seed; for a regression, test R² per seed. */
    readonly accuracy: number[];
    readonly mean: number;
    readonly sd: number;
    readonly epochsRun: number[];
    /** Energy of each seed's run (kWh, gCO2eq; null: not measured), by the method of `energy`. Absent in runs saved before. */
    readonly kWh?: (number | null)[];
    readonly gCO2eq?: (number | null)[];
  };
  readonly totalMs: number;
  /**
   * Energy and carbon of the training — every run and seed, not loading the data or saving the model: RAPL package
   * counters when readable, else process CPU time × watts per core, with the inputs and the method. Absent in runs
   * saved before it existed.
   */
  readonly energy?: EnergyReport;
}

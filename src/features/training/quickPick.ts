import * as vscode from 'vscode';
import { DEFAULT_CONFIG, PRESET_NAMES } from '../../engine/train/presets';
import type { Activation, EarlyStoppingMonitor, ModelKind, OptimizerKind, PresetName, TrainConfig } from '../../engine/train/types';
import { describeRequest, isTrainRequest, presetDescription, presetDetail, type TrainRequest } from './request';

const LAST_KEY = 'kryptonite.training.last/1';

/** The last training request per dataset key (workspaceState), offered first next time. */
export class LastChoices {
  constructor(private readonly state: vscode.Memento) {}

  get(key: string): TrainRequest | undefined {
    const v = this.state.get<Record<string, unknown>>(LAST_KEY, {})[key];
    return isTrainRequest(v) ? v : undefined;
  }

  async set(key: string, request: TrainRequest): Promise<void> {
    await this.state.update(LAST_KEY, { ...this.state.get<Record<string, unknown>>(LAST_KEY, {}), [key]: request });
  }
}

type Choice = vscode.QuickPickItem & { readonly request?: TrainRequest; readonly custom?: boolean };

/**
 * The Train Model flow: a preset (N-9 … N-18, auto; each described), the last choice for this dataset, or Custom —
 * model, hidden units, activation, optimiser, learning rate, batch, dropout, epochs, early-stopping score and patience,
 * runs, seed. Undefined
 * when the user escapes at any step.
 */
export async function pickTrainRequest(datasetLabel: string, last: TrainRequest | undefined, seed: number): Promise<TrainRequest | undefined> {
  const title = `Kryptonite: Train Model on ${datasetLabel}`;
  const items: Choice[] = [];
  if (last) items.push({ label: '$(history) Same as last time', description: describeRequest(last), request: last }, { label: '', kind: vscode.QuickPickItemKind.Separator });
  for (const name of PRESET_NAMES) items.push({ label: name, description: presetDescription(name), detail: presetDetail(name), request: { preset: name, config: { seed } } });
  items.push(
    { label: 'auto', description: 'choose from the data', detail: 'Published preset for the nearest N on a two-class label; a 1-D CNN for signal-like data; multi-class data gets a two-layer ReLU MLP stopped on validation accuracy; else a ReLU MLP with Adam.', request: { preset: 'auto', config: { seed } } },
    { label: '$(settings) Custom…', description: 'model, hidden units, activation, optimiser, lr, batch, dropout, epochs, early stopping, runs, seed', custom: true },
  );
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Preset or custom configuration', matchOnDescription: true, ignoreFocusOut: true });
  if (!picked) return undefined;
  if (!picked.custom) return picked.request;
  return pickCustom(title, { ...DEFAULT_CONFIG, seed, ...(last?.config ?? {}) });
}

async function pickCustom(title: string, start: TrainConfig): Promise<TrainRequest | undefined> {
  const total = 12;
  let step = 0;
  const t = (): string => `${title} (${++step}/${total})`;
  const one = async <T extends string>(options: readonly { value: T; description: string }[], current: T, placeHolder: string): Promise<T | undefined> => {
    const items = options.map((o) => ({ label: o.value, description: o.description, picked: o.value === current }));
    // The current value first, so Enter keeps it.
    items.sort((a, b) => Number(b.picked) - Number(a.picked));
    const r = await vscode.window.showQuickPick(items, { title: t(), placeHolder, ignoreFocusOut: true });
    return r?.label as T | undefined;
  };
  const ask = async (prompt: string, value: string, validate: (s: string) => string | undefined): Promise<string | undefined> =>
    vscode.window.showInputBox({ title: t(), prompt, value, ignoreFocusOut: true, validateInput: (s) => validate(s.trim()) });

  const model = await one<ModelKind>(
    [
      { value: 'mlp', description: 'multi-layer perceptron (dense, fused kernel)' },
      { value: 'logreg', description: 'logistic regression (no hidden layer)' },
      { value: 'cnn1d', description: '1-D CNN over the ordered features (TensorFlow.js)' },
    ],
    start.model,
    'Model',
  );
  if (!model) return undefined;
  let hidden = start.hidden;
  let activation = start.activation;
  if (model === 'mlp') {
    const h = await ask('Hidden units per layer, comma-separated (e.g. 72 or 64,32)', (start.hidden.length ? start.hidden : [72]).join(','), (s) =>
      /^\d+(\s*,\s*\d+)*$/.test(s) && s.split(',').every((x) => Number(x) >= 1) ? undefined : 'positive integers, comma-separated',
    );
    if (h === undefined) return undefined;
    hidden = h.split(',').map((x) => Number(x.trim()));
    const a = await one<Activation>(
      [
        { value: 'elu', description: 'N-9, N-12 presets' },
        { value: 'tanh', description: 'N-15, N-18 presets' },
        { value: 'relu', description: 'default' },
        { value: 'sigmoid', description: '' },
      ],
      start.activation,
      'Activation',
    );
    if (!a) return undefined;
    activation = a;
  } else {
    step += 2;
  }
  const optimizer = await one<OptimizerKind>(
    [
      { value: 'adam', description: 'Adam (PyTorch semantics)' },
      { value: 'sgd', description: `SGD with momentum ${start.momentum}` },
    ],
    start.optimizer,
    'Optimiser',
  );
  if (!optimizer) return undefined;
  const num = (min: number, max: number, integer: boolean) => (s: string): string | undefined => {
    const v = Number(s);
    if (s === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) return integer ? 'an integer' : 'a number';
    return v < min || v > max ? `between ${min} and ${max}` : undefined;
  };
  const lr = await ask('Learning rate', String(start.learningRate), (s) => (num(1e-9, 10, false)(s) ?? (Number(s) > 0 ? undefined : 'positive')));
  if (lr === undefined) return undefined;
  const batch = await ask('Batch size', String(start.batchSize), num(1, 1 << 20, true));
  if (batch === undefined) return undefined;
  const layers = model === 'mlp' ? hidden.length : 0;
  let dropout = start.dropout;
  if (model === 'mlp') {
    const d = await ask(`Dropout after each hidden layer (one value, or ${layers} comma-separated), in [0, 1)`, String(start.dropout[0] ?? 0), (s) =>
      s.split(',').every((x) => x.trim() !== '' && Number(x) >= 0 && Number(x) < 1) && [1, layers].includes(s.split(',').length) ? undefined : `one value or ${layers}, each in [0, 1)`,
    );
    if (d === undefined) return undefined;
    const values = d.split(',').map((x) => Number(x.trim()));
    dropout = values.length === layers ? values : hidden.map(() => values[0]);
  } else {
    dropout = [];
    step++;
  }
  const epochs = await ask('Maximum epochs', String(start.epochs), num(1, 1_000_000, true));
  if (epochs === undefined) return undefined;
  const monitor = await one<EarlyStoppingMonitor>(
    [
      { value: 'loss', description: 'validation loss (the published presets)' },
      { value: 'accuracy', description: 'validation accuracy (noisy multi-class data, where loss turns up early)' },
    ],
    start.monitor ?? 'loss',
    'Early stopping watches',
  );
  if (!monitor) return undefined;
  const patience = await ask(`Early-stopping patience (epochs without a better validation ${monitor}; the best weights are kept)`, String(start.patience), num(1, 1_000_000, true));
  if (patience === undefined) return undefined;
  const runs = await ask('Repeated runs (seeds S, S+1, …; test accuracy reported as mean ± sd)', String(start.runs), num(1, 100, true));
  if (runs === undefined) return undefined;
  const seed = await ask('Seed', String(start.seed), num(0, Number.MAX_SAFE_INTEGER, true));
  if (seed === undefined) return undefined;
  const config: Partial<TrainConfig> = {
    model,
    ...(model === 'mlp' ? { hidden, activation, dropout } : { hidden: [], dropout: [] }),
    optimizer,
    learningRate: Number(lr),
    batchSize: Number(batch),
    epochs: Number(epochs),
    patience: Number(patience),
    monitor,
    runs: Number(runs),
    seed: Number(seed),
  };
  return { config };
}

/** Parse a preset name typed by a caller (tests, keybindings). */
export function asPreset(v: unknown): PresetName | 'auto' | undefined {
  return v === 'auto' || (typeof v === 'string' && (PRESET_NAMES as string[]).includes(v)) ? (v as PresetName | 'auto') : undefined;
}

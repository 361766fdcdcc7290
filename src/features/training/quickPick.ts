import * as vscode from 'vscode';
import type { LabelTask } from '../../engine/dataset';
import { DEFAULT_CONFIG } from '../../engine/train/presets';
import type { Activation, EarlyStoppingMonitor, ModelKind, OptimizerKind, TrainConfig } from '../../engine/train/types';
import type { TrainPlan } from '../../protocol';
import { autoDetail, customSummary, describeRequest, isTrainRequest, presetDescription, presetDetail, presetsFor, requestFitsTask, type TrainRequest } from './request';

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

const TASK_WORDS: Readonly<Record<LabelTask, string>> = {
  binary: 'two classes',
  multiclass: 'several classes',
  regression: 'a number to predict (regression)',
};

/**
 * The Train Model flow: the last choice for this dataset, the presets that suit the label's task (N-9 … N-18, two-class
 * classifiers, are not offered for a regression), auto, or Custom — model, hidden units and epochs, then the rest
 * only if the user opens "Advanced…". `plan` (the task and the engine's defaults for this table) may still be being
 * read from the file: the list shows as busy until it is known. Undefined when the user escapes at any step.
 */
export async function pickTrainRequest(
  datasetLabel: string,
  last: TrainRequest | undefined,
  seed: number,
  plan: Promise<Pick<TrainPlan, 'task' | 'defaults'> | undefined> | Pick<TrainPlan, 'task' | 'defaults'> | undefined,
): Promise<TrainRequest | undefined> {
  const title = `Kryptonite: Train Model on ${datasetLabel}`;
  let known: Pick<TrainPlan, 'task' | 'defaults'> | undefined;
  const items = Promise.resolve(plan).then((p): Choice[] => {
    known = p;
    const t = p?.task ?? undefined;
    const list: Choice[] = [];
    if (last && requestFitsTask(last, t)) list.push({ label: '$(history) Same as last time', description: describeRequest(last), request: last }, { label: '', kind: vscode.QuickPickItemKind.Separator });
    if (t) list.push({ label: `The label: ${TASK_WORDS[t]}`, kind: vscode.QuickPickItemKind.Separator });
    for (const name of presetsFor(t)) list.push({ label: name, description: presetDescription(name), detail: presetDetail(name), request: { preset: name, config: { seed } } });
    list.push(
      { label: 'auto', description: 'choose from the data', detail: autoDetail(t), request: { preset: 'auto', config: { seed } } },
      { label: '$(settings) Custom…', description: t === 'regression' ? 'MLP or linear, hidden units, epochs; the rest under Advanced…' : 'model, hidden units, epochs; the rest under Advanced…', custom: true },
    );
    return list;
  });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Preset or custom configuration', matchOnDescription: true, ignoreFocusOut: true });
  if (!picked) return undefined;
  if (!picked.custom) return picked.request;
  const task = known?.task ?? undefined;
  // The last custom settings are offered again only when they suit this label (a CNN does not predict a number).
  const previous = last && !last.preset && requestFitsTask(last, task) ? last.config : undefined;
  return pickCustom(title, task, previous?.model ?? 'mlp', (model) => startingPoint(model, known?.defaults ?? {}, seed, previous));
}

/**
 * Where Custom starts for a model: the engine's configuration for this table when the user names that model (read
 * with the plan; the general defaults when it could not be read), then the settings of the last custom training of
 * the same model, and the folder's seed.
 */
function startingPoint(model: ModelKind, defaults: TrainPlan['defaults'], seed: number, previous: Partial<TrainConfig> | undefined): { engine: TrainConfig; start: TrainConfig } {
  const engine: TrainConfig = { ...(defaults[model] ?? { ...DEFAULT_CONFIG, model, ...(model === 'mlp' ? {} : { hidden: [], dropout: [] }) }), seed };
  const mine = previous && (previous.model ?? 'mlp') === model ? previous : {};
  return { engine, start: { ...engine, ...mine, model } };
}

const num =
  (min: number, max: number, integer: boolean) =>
  (s: string): string | undefined => {
    const v = Number(s);
    if (s === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) return integer ? 'an integer' : 'a number';
    return v < min || v > max ? `between ${min} and ${max}` : undefined;
  };

const HIDDEN = /^\d+(\s*,\s*\d+)*$/;

/**
 * Custom: at most three questions (model; hidden units for an MLP; maximum epochs) with the starting point's values
 * pre-filled, so Enter keeps them; then "Train" or "Advanced…", a list of every other setting with its current value,
 * each changed by picking it. The request carries what was asked and what differs from the engine's defaults for
 * this table: the engine fills in the rest from the same defaults.
 */
async function pickCustom(
  title: string,
  task: LabelTask | undefined,
  current: ModelKind,
  starting: (model: ModelKind) => { engine: TrainConfig; start: TrainConfig },
): Promise<TrainRequest | undefined> {
  const regression = task === 'regression';
  const titled = (step: string): string => `${title} — Custom: ${step}`;
  const one = async <T extends string>(options: readonly { value: T; label?: string; description: string }[], selected: T, placeHolder: string, at: string): Promise<T | undefined> => {
    const items = options.map((o) => ({ label: o.label ?? o.value, description: o.description, value: o.value, picked: o.value === selected }));
    // The current value first, so Enter keeps it.
    items.sort((a, b) => Number(b.picked) - Number(a.picked));
    const r = await vscode.window.showQuickPick(items, { title: at, placeHolder, ignoreFocusOut: true });
    return r?.value;
  };
  const ask = async (prompt: string, value: string, validate: (s: string) => string | undefined, at: string): Promise<string | undefined> =>
    vscode.window.showInputBox({ title: at, prompt, value, ignoreFocusOut: true, validateInput: (s) => validate(s.trim()) });

  const models: { value: ModelKind; label?: string; description: string }[] = regression
    ? [
        { value: 'mlp', label: 'MLP', description: 'multi-layer perceptron: hidden layers find non-linear effects and interactions' },
        { value: 'logreg', label: 'linear', description: 'linear regression (no hidden layer): one weight per input, squared error' },
      ]
    : [
        { value: 'mlp', label: 'MLP', description: 'multi-layer perceptron (dense, fused kernel)' },
        { value: 'logreg', label: 'linear', description: 'logistic regression (no hidden layer)' },
        { value: 'cnn1d', label: '1-D CNN', description: 'convolutions over the ordered features (TensorFlow.js)' },
      ];
  const model = await one<ModelKind>(models, current, 'Model', titled('model'));
  if (!model) return undefined;
  const { engine, start } = starting(model);
  let c: TrainConfig = start;
  if (model === 'mlp') {
    const h = await ask('Hidden units per layer, comma-separated (e.g. 72, or 128,64 for two layers)', (c.hidden.length ? c.hidden : [72]).join(','), (s) =>
      HIDDEN.test(s) && s.split(',').every((x) => Number(x) >= 1) ? undefined : 'positive integers, comma-separated',
    titled('hidden units'));
    if (h === undefined) return undefined;
    const hidden = h.split(',').map((x) => Number(x.trim()));
    // One dropout rate per layer: keep the first for every layer when the depth changed.
    c = { ...c, hidden, dropout: hidden.map((_, i) => c.dropout[i] ?? c.dropout[0] ?? 0) };
  }
  const epochs = await ask(`Maximum epochs (early stopping ends sooner: patience ${c.patience} epochs, the best weights are kept)`, String(c.epochs), num(1, 1_000_000, true), titled('epochs'));
  if (epochs === undefined) return undefined;
  c = { ...c, epochs: Number(epochs) };

  // Train now, or change any of the rest.
  for (;;) {
    const go = await vscode.window.showQuickPick(
      [
        { label: '$(play) Train', description: customSummary(c, task, 'main'), go: true },
        { label: '$(settings-gear) Advanced…', description: customSummary(c, task, 'advanced'), go: false },
      ],
      { title: titled('ready'), placeHolder: 'Train with these settings, or change the others first', ignoreFocusOut: true },
    );
    if (!go) return undefined;
    if (go.go) return { config: customConfig(c, engine, task) };
    const changed = await advanced(c, task, (what) => `${title} — Advanced: ${what}`, one, ask);
    if (!changed) return undefined;
    c = changed;
  }
}

type One = <T extends string>(options: readonly { value: T; label?: string; description: string }[], current: T, placeHolder: string, at: string) => Promise<T | undefined>;
type Ask = (prompt: string, value: string, validate: (s: string) => string | undefined, at: string) => Promise<string | undefined>;

/**
 * Every other setting with its value; picking one asks for it (Escape there keeps the value) and comes back here.
 * "Done" returns the settings; Escape here abandons the training.
 */
async function advanced(start: TrainConfig, task: LabelTask | undefined, at: (what: string) => string, one: One, ask: Ask): Promise<TrainConfig | undefined> {
  let c = start;
  const mlp = c.model === 'mlp';
  for (;;) {
    type Row = vscode.QuickPickItem & { readonly key: string };
    const rows: Row[] = [{ label: '$(check) Done', description: 'back to Train', key: 'done' }];
    if (mlp) rows.push({ label: 'Activation', description: c.activation, key: 'activation' });
    rows.push({ label: 'Optimiser', description: c.optimizer === 'adam' ? 'Adam' : `SGD (momentum ${c.momentum})`, key: 'optimizer' }, { label: 'Learning rate', description: String(c.learningRate), key: 'learningRate' }, { label: 'Batch size', description: String(c.batchSize), key: 'batchSize' });
    if (mlp) rows.push({ label: 'Dropout', description: c.dropout.join(', ') || '0', key: 'dropout' });
    // A regression's validation R² is 1 − MSE / variance: watching it or the loss stops at the same epoch.
    if (task !== 'regression') rows.push({ label: 'Early stopping watches', description: `validation ${c.monitor ?? 'loss'}`, key: 'monitor' });
    rows.push(
      { label: 'Patience', description: `${c.patience} epochs`, key: 'patience' },
      { label: 'Repeated runs', description: String(c.runs), key: 'runs' },
      { label: 'Seed', description: String(c.seed), key: 'seed' },
    );
    const row = await vscode.window.showQuickPick(rows, { title: at('settings'), placeHolder: 'Pick a setting to change it', ignoreFocusOut: true });
    if (!row) return undefined;
    switch (row.key) {
      case 'done':
        return c;
      case 'activation': {
        const a = await one<Activation>(
          [
            { value: 'relu', description: 'default' },
            { value: 'elu', description: 'N-9, N-12 presets' },
            { value: 'tanh', description: 'N-15, N-18 presets' },
            { value: 'sigmoid', description: '' },
          ],
          c.activation,
          'Activation',
          at('activation'),
        );
        if (a) c = { ...c, activation: a };
        break;
      }
      case 'optimizer': {
        const o = await one<OptimizerKind>(
          [
            { value: 'adam', description: 'Adam (PyTorch semantics)' },
            { value: 'sgd', description: `SGD with momentum ${c.momentum}` },
          ],
          c.optimizer,
          'Optimiser',
          at('optimiser'),
        );
        if (o) c = { ...c, optimizer: o };
        break;
      }
      case 'learningRate': {
        const v = await ask('Learning rate', String(c.learningRate), (s) => num(1e-9, 10, false)(s) ?? (Number(s) > 0 ? undefined : 'positive'), at('learning rate'));
        if (v !== undefined) c = { ...c, learningRate: Number(v) };
        break;
      }
      case 'batchSize': {
        const v = await ask('Batch size', String(c.batchSize), num(1, 1 << 20, true), at('batch size'));
        if (v !== undefined) c = { ...c, batchSize: Number(v) };
        break;
      }
      case 'dropout': {
        const layers = c.hidden.length;
        const v = await ask(`Dropout after each hidden layer (one value, or ${layers} comma-separated), in [0, 1)`, c.dropout.join(',') || '0', (s) =>
          s.split(',').every((x) => x.trim() !== '' && Number(x) >= 0 && Number(x) < 1) && [1, layers].includes(s.split(',').length) ? undefined : `one value or ${layers}, each in [0, 1)`,
        at('dropout'));
        if (v !== undefined) {
          const values = v.split(',').map((x) => Number(x.trim()));
          c = { ...c, dropout: values.length === layers ? values : c.hidden.map(() => values[0]) };
        }
        break;
      }
      case 'monitor': {
        const m = await one<EarlyStoppingMonitor>(
          [
            { value: 'loss', description: 'validation loss (the published presets)' },
            { value: 'accuracy', description: 'validation accuracy (noisy multi-class data, where loss turns up early)' },
          ],
          c.monitor ?? 'loss',
          'Early stopping watches',
          at('early stopping'),
        );
        if (m) c = { ...c, monitor: m };
        break;
      }
      case 'patience': {
        const v = await ask('Early-stopping patience: epochs without a better validation score before stopping (the best weights are kept)', String(c.patience), num(1, 1_000_000, true), at('patience'));
        if (v !== undefined) c = { ...c, patience: Number(v) };
        break;
      }
      case 'runs': {
        const v = await ask(`Repeated runs (seeds S, S+1, …; the test ${task === 'regression' ? 'R²' : 'accuracy'} is reported as mean ± sd)`, String(c.runs), num(1, 100, true), at('runs'));
        if (v !== undefined) c = { ...c, runs: Number(v) };
        break;
      }
      case 'seed': {
        const v = await ask('Seed (the split, the initial weights and the batches follow from it)', String(c.seed), num(0, Number.MAX_SAFE_INTEGER, true), at('seed'));
        if (v !== undefined) c = { ...c, seed: Number(v) };
        break;
      }
    }
  }
}

/**
 * The explicit settings a custom request carries: the model, its hidden units (an MLP) and the epochs (the questions
 * asked), the seed, and every other setting that differs from the engine's defaults for this table — the engine
 * resolves the rest from the same defaults, so the report's "set by the user" lists what the user set.
 */
function customConfig(c: TrainConfig, engine: TrainConfig, task: LabelTask | undefined): Partial<TrainConfig> {
  const changed = <K extends keyof TrainConfig>(k: K): Partial<TrainConfig> => (JSON.stringify(c[k]) !== JSON.stringify(engine[k]) ? { [k]: c[k] } : {});
  return {
    model: c.model,
    // Dropout is one rate per hidden layer, so a changed depth sends it too (the engine's rates over the new layers).
    ...(c.model === 'mlp' ? { hidden: c.hidden, ...changed('activation'), ...changed('dropout') } : {}),
    epochs: c.epochs,
    ...changed('optimizer'),
    ...changed('learningRate'),
    ...changed('batchSize'),
    ...changed('patience'),
    // A regression's validation R² orders epochs as its loss does: nothing to choose.
    ...(task === 'regression' ? {} : changed('monitor')),
    ...changed('runs'),
    seed: c.seed,
  };
}


import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TrainInputError } from './errors';
import type { ResolvedBackend } from './types';

/**
 * TensorFlow.js, loaded lazily (≈ 0.4 s) and only by the jobs that need it: the CNN, a forced TensorFlow.js backend,
 * saving and loading models. Order of preference: tfjs-node's native TensorFlow when installed and loadable, then the
 * WASM backend (SIMD where the runtime has it), then the pure-JavaScript CPU backend.
 *
 * tfjs-node's native addon fails when loaded in a second worker thread (tensorflow/tfjs#2079), so this module is
 * meant to live in the one long-lived worker (or the CLI process) and picks its backend once.
 */
export type Tf = typeof import('@tensorflow/tfjs');
export type TfBackend = Exclude<ResolvedBackend, 'fused'>;

export interface LoadedTf {
  readonly tf: Tf;
  readonly backend: TfBackend;
  /** In words, for reports and logs (e.g. "wasm (SIMD, 1 thread)"). */
  readonly detail: string;
  /** Why a preferred backend was passed over, if one was. */
  readonly notes: readonly string[];
}

let loaded: Promise<LoadedTf> | null = null;
let loadedFor: TfBackend | 'auto' | null = null;

/** Load TensorFlow.js with the requested backend (`auto`: the best that loads). Cached per process. */
export function loadTf(choice: TfBackend | 'auto' = 'auto'): Promise<LoadedTf> {
  if (loaded && (loadedFor === choice || choice === 'auto')) return loaded;
  if (loaded && loadedFor !== 'auto') {
    // A different backend than before: switch (tfjs keeps every registered backend).
    loadedFor = choice;
    loaded = loaded.then((prev) => init(prev.tf, choice));
    return loaded;
  }
  loadedFor = choice;
  loaded = (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs') as Tf;
    // PROD silences tfjs' console advice to install tfjs-node: we choose and report the backend ourselves.
    tf.env().set('PROD', true);
    return init(tf, choice);
  })();
  loaded.catch(() => {
    loaded = null;
    loadedFor = null;
  });
  return loaded;
}

async function init(tf: Tf, choice: TfBackend | 'auto'): Promise<LoadedTf> {
  const notes: string[] = [];
  const order: TfBackend[] = choice === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [choice];
  for (const backend of order) {
    try {
      if (backend === 'tensorflow') {
        // Registers the 'tensorflow' backend as a side effect; absent here unless the optional dependency installed.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('@tensorflow/tfjs-node');
      } else if (backend === 'wasm') {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(wasmDirectory() + '/');
      }
      if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') returned false`);
      await tf.ready();
      const detail =
        backend === 'wasm'
          ? `wasm (${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD'}, ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threads' : '1 thread'})`
          : backend === 'tensorflow'
            ? 'tensorflow (tfjs-node, native)'
            : 'cpu (JavaScript)';
      return { tf, backend, detail, notes };
    } catch (error) {
      const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
      if (choice !== 'auto') throw new TrainInputError('backendUnavailable', `TensorFlow.js backend "${backend}" is not available: ${why}`);
      notes.push(`${backend}: ${why}`);
    }
  }
  throw new Error(`no TensorFlow.js backend loaded (${notes.join('; ')})`);
}

/**
 * Where the .wasm binaries are: beside the bundle (dist/, copied there by `npm run build`) or in the npm package when
 * running from source.
 */
export function wasmDirectory(): string {
  const bundled = __dirname;
  if (existsSync(join(bundled, 'tfjs-backend-wasm.wasm'))) return bundled;
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

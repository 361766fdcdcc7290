import * as vscode from 'vscode';
import { DATASET_EXCLUDE, DATASET_GLOB } from '../constants';

/**
 * One dataset: a CSV/TSV file (plain or .gz/.zst-compressed), a Parquet file, an Arrow IPC / Feather v2 file, a lone
 * .npy, or an X/y pair of .npy files shown as one.
 */
export interface DatasetRef {
  /** The file handed to the engine (for a pair, the X file: the engine pairs NAME-X.npy with NAME-y.npy). */
  readonly uri: vscode.Uri;
  readonly key: string;
  readonly label: string;
  readonly format: 'csv' | 'npy' | 'parquet' | 'arrow';
  /** Every file that belongs to it. */
  readonly files: readonly vscode.Uri[];
}

const PAIR = /^(.*)-([Xy])\.npy$/;

export function datasetKey(uri: vscode.Uri): string {
  return uri.toString();
}

/** Groups dataset files: NAME-X.npy + NAME-y.npy become one dataset keyed by the X file. Pure apart from Uri maths. */
export function groupDatasets(uris: readonly vscode.Uri[]): DatasetRef[] {
  const byKey = new Map<string, DatasetRef>();
  const npyPairs = new Map<string, { x?: vscode.Uri; y?: vscode.Uri }>();
  for (const uri of uris) {
    const base = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const lower = base.toLowerCase();
    if (/\.(?:csv|tsv)(?:\.gz|\.zst)?$/.test(lower)) {
      byKey.set(datasetKey(uri), { uri, key: datasetKey(uri), label: base, format: 'csv', files: [uri] });
      continue;
    }
    if (/\.(?:parquet|pq)$/.test(lower)) {
      byKey.set(datasetKey(uri), { uri, key: datasetKey(uri), label: base, format: 'parquet', files: [uri] });
      continue;
    }
    if (/\.(?:arrow|feather|ipc|arrows)$/.test(lower)) {
      byKey.set(datasetKey(uri), { uri, key: datasetKey(uri), label: base, format: 'arrow', files: [uri] });
      continue;
    }
    if (!lower.endsWith('.npy')) continue;
    const m = PAIR.exec(base);
    if (m) {
      const stem = uri.with({ path: uri.path.slice(0, uri.path.length - base.length) + m[1] }).toString();
      const entry = npyPairs.get(stem) ?? {};
      if (m[2] === 'X') entry.x = uri;
      else entry.y = uri;
      npyPairs.set(stem, entry);
    } else {
      byKey.set(datasetKey(uri), { uri, key: datasetKey(uri), label: base, format: 'npy', files: [uri] });
    }
  }
  for (const { x, y } of npyPairs.values()) {
    if (x && y) {
      const name = x.path.slice(x.path.lastIndexOf('/') + 1).replace(/-X\.npy$/, '');
      byKey.set(datasetKey(x), { uri: x, key: datasetKey(x), label: `${name} (X/y .npy)`, format: 'npy', files: [x, y] });
    } else {
      const lone = (x ?? y) as vscode.Uri;
      const base = lone.path.slice(lone.path.lastIndexOf('/') + 1);
      byKey.set(datasetKey(lone), { uri: lone, key: datasetKey(lone), label: base, format: 'npy', files: [lone] });
    }
  }
  return [...byKey.values()].sort((a, b) => vscode.workspace.asRelativePath(a.uri).localeCompare(vscode.workspace.asRelativePath(b.uri)));
}

/** Every dataset in the workspace, kept current by a file watcher. */
export class DatasetIndex implements vscode.Disposable {
  private datasets: DatasetRef[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fired when the set of datasets changes. */
  readonly onDidChange = this.changed.event;
  private readonly fileChanged = new vscode.EventEmitter<vscode.Uri>();
  /** Fired when a dataset file's content changes on disk. */
  readonly onDidChangeFile = this.fileChanged.event;
  private readonly fileDeleted = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidDeleteFile = this.fileDeleted.event;
  private readonly disposables: vscode.Disposable[] = [this.changed, this.fileChanged, this.fileDeleted];
  private scanning: Promise<void> | null = null;

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(DATASET_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => void this.refresh()),
      watcher.onDidDelete((uri) => {
        this.fileDeleted.fire(uri);
        void this.refresh();
      }),
      watcher.onDidChange((uri) => this.fileChanged.fire(uri)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()),
    );
  }

  get all(): readonly DatasetRef[] {
    return this.datasets;
  }

  find(uri: vscode.Uri): DatasetRef | undefined {
    const s = uri.toString();
    return this.datasets.find((d) => d.files.some((f) => f.toString() === s));
  }

  /** Rescan the workspace; concurrent calls share one scan. */
  refresh(): Promise<void> {
    this.scanning ??= (async () => {
      try {
        const uris = await vscode.workspace.findFiles(DATASET_GLOB, DATASET_EXCLUDE, 5000);
        this.datasets = groupDatasets(uris);
        void vscode.commands.executeCommand('setContext', 'kryptonite.hasDatasets', this.datasets.length > 0);
        this.changed.fire();
      } finally {
        this.scanning = null;
      }
    })();
    return this.scanning;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

import type * as vscode from 'vscode';
import type { DatasetRef } from './datasetIndex';

/**
 * The Kryptonite view's extension point: the datasets feature owns the tree (datasets → features, past analyses);
 * other features add their own nodes under each dataset (training runs) through this interface, without importing
 * the tree.
 */

/** A node another feature adds under a dataset; that feature draws it and lists its children. */
export interface ContributedNode {
  readonly kind: 'contributed';
  readonly dataset: DatasetRef;
  readonly owner: TreeContribution;
  readonly id: string;
  readonly data?: unknown;
}

export interface TreeContribution {
  readonly onDidChange: vscode.Event<void>;
  /** Nodes under a dataset (after its features), or under one of this contribution's own nodes. */
  children(parent: DatasetRef | ContributedNode): ContributedNode[];
  treeItem(node: ContributedNode): vscode.TreeItem;
}

/** What the tree offers other features. */
export interface TreeContributions {
  /** Add nodes under every dataset; removed again on dispose. */
  contribute(c: TreeContribution): vscode.Disposable;
}

/** A tree node contributed by someone, for command arguments coming from the tree. */
export function isContributedNode(v: unknown): v is ContributedNode {
  return typeof v === 'object' && v !== null && (v as ContributedNode).kind === 'contributed';
}

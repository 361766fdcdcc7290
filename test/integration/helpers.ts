/**
 * What every integration suite needs: the fixture workspace's files and an event-driven wait on diagnostics
 * (never a sleep). Compiled into each suite by runTest.js; not itself a suite (no .test in its name).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'kryptonite.kryptonite';

export function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace is open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

/** Resolves with the kryptonite diagnostics of `uri` once `accept` holds (checked now and on every change); rejects after `ms`. */
export function diagnosticsWhen(
  uri: vscode.Uri,
  accept: (d: readonly vscode.Diagnostic[]) => boolean,
  ms = 60_000,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'kryptonite');
      if (!accept(d)) return false;
      sub.dispose();
      clearTimeout(timer);
      resolve(d);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      sub.dispose();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => [d.code, d.message, d.range.start.line, d.range.start.character]);
      reject(new Error(`diagnostics of ${uri.fsPath} never matched: ${JSON.stringify(seen)}`));
    }, ms);
    check();
  });
}

/** Resolves once `check` returns a value (tried now and after every `event`); rejects after `ms`. */
export function eventually<T, E>(event: vscode.Event<E>, check: () => T | undefined, what: string, ms = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = (): boolean => {
      const v = check();
      if (v === undefined) return false;
      sub.dispose();
      clearTimeout(timer);
      resolve(v);
      return true;
    };
    const sub = event(() => void done());
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    done();
  });
}

/** The text of every hover at `position` (VS Code's own hover command, so every provider runs as in the editor). */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, position)) as vscode.Hover[];
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

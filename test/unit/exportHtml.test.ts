import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyseFile } from '../../src/engine/tasks/analyseFile';
import { exportHtml } from '../../src/features/datasets/exportHtml';
import { isExportTheme } from '../../src/protocolGuards';

/**
 * The HTML export embeds the theme the charts were drawn in: a dark theme gives a dark page (never light-grey chart
 * text on white), no theme gives the light palette, and a value that could break out of the style is refused whole.
 */
test('exportHtml: the page takes the theme the charts were drawn in, and paints its background and text with it', async () => {
  const report = await analyseFile('test/fixtures/workspace/data/small.csv', { sparsity: false, relevance: false });
  const dark = { '--vscode-editor-background': '#1f1f1f', '--vscode-foreground': '#cccccc', '--vscode-editor-foreground': '#cccccc', '--vscode-font-family': '-apple-system, "Segoe UI", sans-serif' };
  assert.ok(isExportTheme(dark));
  const page = exportHtml(report, { pca: '<svg><text fill="#cccccc">PC1</text></svg>' }, 'main{}', dark);
  assert.match(page, /:root\{[^}]*--vscode-editor-background:#1f1f1f;/);
  assert.match(page, /:root\{[^}]*--vscode-foreground:#cccccc;/);
  assert.match(page, /body\{background:var\(--vscode-editor-background\);color:var\(--vscode-editor-foreground,var\(--vscode-foreground\)\);\}/);
  assert.match(page, /--vscode-font-family:-apple-system, "Segoe UI", sans-serif;/);
  const plain = exportHtml(report, {}, 'main{}');
  assert.match(plain, /--vscode-editor-background:#ffffff;/);
  assert.match(plain, /--vscode-foreground:#1f1f1f;/);
  // Refused: an unknown variable, and values that would end the declaration or the style element.
  for (const bad of [{ '--evil': 'red' }, { '--vscode-foreground': 'red;} body{display:none' }, { '--vscode-foreground': '</style><script>' }, { '--vscode-foreground': 7 }]) {
    assert.ok(!isExportTheme(bad), JSON.stringify(bad));
    const page2 = exportHtml(report, {}, 'main{}', bad as unknown as Record<string, string>);
    assert.match(page2, /--vscode-foreground:#1f1f1f;/);
    assert.doesNotMatch(page2, /display:none|<script>/);
  }
});

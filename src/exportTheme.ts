/**
 * The VS Code theme variables an exported report page embeds (the webview reads them, the host writes them into the
 * page's :root), so that the page's text and background are the ones the inlined charts were drawn against: a dark
 * theme exports a dark page, never light-grey chart text on white.
 */
export const EXPORT_THEME_VARIABLES = [
  '--vscode-foreground',
  '--vscode-editor-foreground',
  '--vscode-editor-background',
  '--vscode-descriptionForeground',
  '--vscode-panel-border',
  '--vscode-textLink-foreground',
  '--vscode-font-family',
  '--vscode-editorWidget-background',
  '--vscode-textCodeBlock-background',
] as const;

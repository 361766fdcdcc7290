import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** A fresh nonce per load: the only way a script may run in the panel. */
export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** The strict policy: nothing by default, scripts by nonce, styles/images/fonts only from the extension's folders. */
export function contentSecurityPolicy(cspSource: string, scriptNonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${scriptNonce}'`,
  ].join('; ');
}

export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** What differs between the panels that share the webview bundle; the page, the CSP and the nonce do not. */
export interface PanelPage {
  /** `data-view` on the body: which view the bundle starts (absent: the report). */
  readonly view?: string;
  /** Extra stylesheets from media/, after panel.css. */
  readonly stylesheets?: readonly string[];
  /** What the page says until the host's first message arrives. */
  readonly waiting?: string;
}

/** The one page every Kryptonite webview loads: strict CSP, a per-load nonce, one script, styles from media/. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string, page: PanelPage = {}): string {
  const n = nonce();
  const asset = (...p: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const styles = ['panel.css', ...(page.stylesheets ?? [])].map((f) => `<link rel="stylesheet" href="${asset('media', f)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>${escapeHtml(title)}</title>
</head>
<body${page.view ? ` data-view="${escapeHtml(page.view)}"` : ''}>
<main id="app" aria-live="polite"><p class="status">${escapeHtml(page.waiting ?? 'Waiting for the analysis…')}</p></main>
<script nonce="${n}" src="${asset('dist', 'webview', 'main.js')}"></script>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

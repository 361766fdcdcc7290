/** Small DOM helpers and the theme-derived Vega config shared by the webview's views (no innerHTML anywhere). */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

export function button(text: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = el('button', { type: 'button', ...attrs }, text);
  b.addEventListener('click', onClick);
  return b;
}

/** Vega config from VS Code's theme variables, read at render time (so light, dark and high contrast all work). */
export function themeConfig(): Record<string, unknown> {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const fg = v('--vscode-editor-foreground', v('--vscode-foreground', '#333'));
  const muted = v('--vscode-descriptionForeground', fg);
  const grid = v('--vscode-editorIndentGuide-background1', v('--vscode-panel-border', '#8884'));
  const font = v('--vscode-font-family', 'sans-serif');
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  return {
    background: null,
    font,
    // Axis labels in the full foreground colour in high contrast; muted otherwise (still ≥ 4.5:1 in VS Code's themes).
    axis: { labelColor: highContrast ? fg : muted, titleColor: fg, domainColor: grid, tickColor: grid, gridColor: grid, labelFont: font, titleFont: font, labelFontSize: 11, titleFontSize: 11 },
    legend: { labelColor: fg, titleColor: fg, labelFont: font, titleFont: font, labelFontSize: 11 },
    header: { labelColor: fg, titleColor: fg, labelFont: font },
    title: { color: fg, font },
    view: { stroke: highContrast ? fg : null },
    mark: highContrast ? { stroke: fg, strokeWidth: 0.5 } : {},
    rule: { color: fg },
    // No outline on text in high contrast: the marks' stroke would blur the letters.
    text: highContrast ? { color: fg, strokeWidth: 0 } : { color: fg },
  };
}

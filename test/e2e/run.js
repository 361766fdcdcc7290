#!/usr/bin/env node
// End-to-end test in the real workbench (code-server 1.139 from the shared harness, Debian chromium via
// playwright-core): package the .vsix, install it, open a sample CSV, run "Kryptonite: Analyse Dataset" from the
// command palette, check that the report webview renders charts (SVG inside the webview frame) with no CSP
// violation, that the Problems view lists the irrelevant features, and save screenshots to test-results/e2e/.
// KRYPTONITE_UPDATE_SCREENSHOT=1 also copies the README screenshot to media/screenshots/.
// Skipped WITH A MESSAGE when the harness is not installed, unless KRYPTONITE_REQUIRE_HARNESS=1 (.ci/run).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { root, artefacts, run, runPalette, launchWorkbench, tearDown, runScenario, isChartWarning, probeWebviewConsole } = require('./harness');

/**
 * Accept the save dialog's proposed path with Enter, as a user would — once the dialog on screen is this one: its box
 * holds a path ending in `name` (the previous dialog's box can still be on screen for a moment, and Enter there would
 * answer nothing).
 */
async function acceptSaveDialog(page, name) {
  const box = page.locator('.quick-input-widget input').first();
  const deadline = Date.now() + 15000;
  for (;;) {
    const value = await box.inputValue().catch(() => '');
    if (value.endsWith(name) && (await box.isEditable().catch(() => false))) break;
    if (Date.now() > deadline) throw new Error(`the save dialog for ${name} never showed (box: ${JSON.stringify(value)})`);
    await page.waitForTimeout(100);
  }
  await page.keyboard.press('Enter');
}

async function main() {
  const t0 = Date.now();
  fs.mkdirSync(artefacts, { recursive: true });
  // The workspace: the fixture datasets plus the 9-feature sample, in a throwaway folder.
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'kryptonite-e2e-ws-'));
  fs.cpSync(path.join(root, 'test/fixtures/workspace'), ws, { recursive: true });
  fs.copyFileSync(path.join(root, 'test/fixtures/sample/kryptonite-9-sample.csv'), path.join(ws, 'kryptonite-9.csv'));

  // KRYPTONITE_E2E_THEME runs the same test under another colour theme (e.g. "Default Dark Modern",
  // "Default High Contrast"): it is written into the run's user settings before the workbench starts (the harness
  // seeds its own settings only when none exist), and the panel must then draw on that theme's background.
  const theme = process.env.KRYPTONITE_E2E_THEME;
  const suffix = theme ? `-${theme.toLowerCase().replace(/[^a-z]+/g, '-')}` : '';
  if (theme) {
    const harnessSettings = path.join(root, '../shared/vscode-harness/recipe/settings.json');
    const base = fs.existsSync(harnessSettings) ? JSON.parse(fs.readFileSync(harnessSettings, 'utf8')) : {};
    fs.mkdirSync(path.join(run, 'ud', 'User'), { recursive: true });
    fs.writeFileSync(path.join(run, 'ud', 'User', 'settings.json'), JSON.stringify({ ...base, 'workbench.colorTheme': theme }, null, 2));
  }

  const { url, browser, open, assertNoCspViolations } = await launchWorkbench(ws);
  console.log(`e2e: code-server at ${url}, extension installed from the .vsix (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  try {
    const page = await open();
    // Vega and Vega-Lite print their warnings to the webview's console ("WARN …", "Infinite extent", "Dropping …").
    const chartWarnings = [];
    page.on('console', (m) => {
      const t = m.text();
      if (isChartWarning(t)) chartWarnings.push(t);
    });

    // Open the CSV in the editor, then analyse the active file from the palette.
    await page.keyboard.press('Control+P');
    const quick = page.locator('.quick-input-widget input').first();
    await quick.waitFor({ state: 'visible' });
    await quick.fill('kryptonite-9.csv');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'kryptonite-9.csv' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'kryptonite-9.csv' }).first().waitFor();
    await runPalette(page, 'Kryptonite: Analyse Dataset');

    // The report webview: an iframe inside an iframe; charts are SVG once vega-embed has drawn them.
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await webview
      .locator('#chart-histograms svg')
      .first()
      .waitFor({ timeout: 120000 })
      .catch(async (e) => {
        await page.screenshot({ path: path.join(artefacts, 'charts-failure.png') });
        throw e;
      });
    for (const id of ['histograms', 'relevance', 'terms', 'correlation', 'pca']) {
      const n = await webview.locator(`#chart-${id} svg .mark-rect path, #chart-${id} svg .mark-symbol path, #chart-${id} svg path`).count();
      if (n === 0) throw new Error(`chart ${id} has no marks`);
    }
    const rows = await webview.locator('table.stats:not(.columns):not(.classes) tbody tr').count();
    if (rows !== 9) throw new Error(`the statistics table has ${rows} rows, expected 9`);
    console.log('e2e: webview rendered 5+ charts and the statistics table');
    await probeWebviewConsole(page, '#chart-histograms', chartWarnings);
    if (chartWarnings.length) throw new Error(`chart warnings in the console:\n${chartWarnings.join('\n')}`);
    console.log('e2e: no chart warning in the console (a probe line printed in the webview reached the watch)');

    // Problems view: the three irrelevant (burst) features of the sample: x1, x3, x6.
    await runPalette(page, 'View: Focus Problems').catch(() => runPalette(page, 'Problems: Focus on Problems View'));
    for (const name of ['x1', 'x3', 'x6']) {
      await page.locator('.markers-panel .monaco-list-row', { hasText: `Feature "${name}" looks irrelevant` }).first().waitFor({ timeout: 30000 });
    }
    console.log('e2e: the Problems view lists x1, x3, x6 as irrelevant');
    await page.waitForTimeout(500); // let the panel finish its layout before the picture (not a synchronisation)
    // Keyboard: from the panel's heading, Tab reaches its controls (real buttons, focus visible), no mouse needed.
    await webview.locator('h1').first().click();
    const focused = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      focused.push(await webview.locator(':focus').first().evaluate((e) => `${e.tagName}:${e.textContent?.trim() ?? ''}`).catch(() => 'none'));
    }
    if (!focused.some((f) => /^BUTTON:/.test(f))) throw new Error(`Tab never reached a button in the panel: ${focused.join(', ')}`);
    console.log(`e2e: keyboard focus moves through the panel: ${focused.join(' → ')}`);
    if (!theme) {
      // Export one chart as SVG and as PNG through the panel's buttons; accept the save dialog's proposed path
      // (beside the dataset) with Enter, as a user would, and check what lands on disk.
      for (const format of ['SVG', 'PNG']) {
        const file = path.join(ws, `kryptonite-9-histograms.${format.toLowerCase()}`);
        await webview.locator(`button[aria-label="Export Distributions as ${format}"]`).first().click();
        await acceptSaveDialog(page, path.basename(file));
        const deadline = Date.now() + 15000;
        while (!fs.existsSync(file) || fs.statSync(file).size === 0) {
          if (Date.now() > deadline) throw new Error(`${format} export never wrote ${file}`);
          await page.waitForTimeout(100);
        }
        const head = fs.readFileSync(file).subarray(0, 8);
        const ok = format === 'SVG' ? /<svg/.test(fs.readFileSync(file, 'utf8')) : head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        if (!ok) throw new Error(`${format} export wrote something that is not ${format}: ${head.toString('hex')}`);
        console.log(`e2e: ${format} export of the distributions chart: ${fs.statSync(file).size} bytes`);
      }
    }
    if (theme) {
      const expected = /high contrast/i.test(theme) ? 'vscode-high-contrast' : 'vscode-dark';
      await webview.locator(`body.${expected}`).waitFor({ timeout: 30000 });
      const background = await webview.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
      const [r, g, b] = (background.match(/\d+/g) ?? ['255', '255', '255']).map(Number);
      if (r + g + b > 3 * 128) throw new Error(`${theme}: the panel is drawn on a light background (${background})`);
      const text = await webview.locator('h1, h2').first().evaluate((h) => getComputedStyle(h).color);
      const [tr, tg, tb] = (text.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
      if (tr + tg + tb < 3 * 128) throw new Error(`${theme}: headings are dark on a dark background (${text})`);
      console.log(`e2e: ${theme}: panel background ${background}, headings ${text}`);

      // The HTML export from this theme: the panel's button, the save dialog's proposed path accepted with Enter, then
      // the written page opened on its own — its background and text must be the theme's (the charts' text was drawn
      // in the theme's colours), never light-grey chart text on white.
      const file = path.join(ws, 'kryptonite-9-report.html');
      await webview.locator('button', { hasText: 'Export report (HTML)' }).first().click();
      await acceptSaveDialog(page, path.basename(file));
      const deadline = Date.now() + 30000;
      while (!fs.existsSync(file) || fs.statSync(file).size === 0) {
        if (Date.now() > deadline) throw new Error(`the HTML export never wrote ${file}`);
        await page.waitForTimeout(100);
      }
      const exported = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await exported.goto(`file://${file}`);
      const pageBackground = await exported.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
      const heading = await exported.locator('h1').first().evaluate((h) => getComputedStyle(h).color);
      const chartText = await exported.locator('svg text').first().evaluate((t) => getComputedStyle(t).fill);
      const sum = (c) => (c.match(/\d+/g) ?? ['0', '0', '0']).slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
      if (sum(pageBackground) > 3 * 128) throw new Error(`${theme} export: a light page (${pageBackground}) under chart text drawn for a dark theme (${chartText})`);
      if (sum(heading) < 3 * 128 || sum(chartText) < 3 * 100) throw new Error(`${theme} export: dark text on the dark page (heading ${heading}, chart text ${chartText})`);
      await exported.locator('svg').nth(1).scrollIntoViewIfNeeded().catch(() => undefined);
      await exported.screenshot({ path: path.join(artefacts, `export${suffix}.png`) });
      await exported.close();
      console.log(`e2e: ${theme}: the HTML export paints ${pageBackground} with headings ${heading} and chart text ${chartText} → export${suffix}.png`);
    }
    const shot = path.join(artefacts, `panel-beside-csv${suffix}.png`);
    await page.screenshot({ path: shot });
    if (process.env.KRYPTONITE_UPDATE_SCREENSHOT === '1' && !theme) {
      fs.mkdirSync(path.join(root, 'media', 'screenshots'), { recursive: true });
      fs.copyFileSync(shot, path.join(root, 'media', 'screenshots', 'panel-beside-csv.png'));
    }
    assertNoCspViolations();
    console.log(`e2e: passed in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${path.relative(root, artefacts)}/`);
  } finally {
    await tearDown(browser, ws);
  }
}

runScenario('e2e tests', main);

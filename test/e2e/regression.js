#!/usr/bin/env node
// End-to-end: a regression trained from the editor in the real workbench (code-server from the shared harness, Debian
// chromium via playwright-core). Open test/fixtures/workspace/data/regression.csv (numeric target y, a text column
// `site`), run "Kryptonite: Train Model" from the palette: the preset list must offer auto and Custom but none of the
// Kryptonite N-9 … N-18 classifiers. Go through Custom — MLP, 32 hidden units, the default epochs, Advanced… →
// learning rate 0.01 → Done → Train — and wait for the training panel to head the score curve "R²", show test R², MAE
// and RMSE (no accuracy, no confusion matrix) and draw the predicted-against-actual plot, with no CSP violation.
// Screenshots in test-results/e2e/: regression-presets.png (the preset list), regression-panel.png (the panel beside
// the CSV), regression-panel-wide.png (maximised), regression-residuals.png (the run's section) and
// regression-results.png (metrics and residual plot; KRYPTONITE_UPDATE_SCREENSHOT=1 also copies it to media/screenshots/).
// Skipped WITH A MESSAGE when the harness is not installed, unless KRYPTONITE_REQUIRE_HARNESS=1 (.ci/run).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { root, artefacts, runPalette, launchWorkbench, tearDown, runScenario, pick, answer } = require('./harness');




async function main() {
  const t0 = Date.now();
  fs.mkdirSync(artefacts, { recursive: true });
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'kryptonite-e2e-regression-'));
  fs.cpSync(path.join(root, 'test/fixtures/workspace'), ws, { recursive: true });

  const { url, browser, open, assertNoCspViolations } = await launchWorkbench(ws);
  console.log(`e2e regression: code-server at ${url} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  try {
    const page = await open();
    await page.keyboard.press('Control+P');
    await pick(page, 'regression.csv');
    await page.locator('.tab', { hasText: 'regression.csv' }).first().waitFor();
    await page.locator('.monaco-editor .view-line', { hasText: 'x1,x2,site,y' }).first().waitFor();

    // The presets: the label is read first (the list is busy until then); a number to predict gets auto and Custom.
    await runPalette(page, 'Kryptonite: Train Model');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Custom' }).first().waitFor({ timeout: 60000 });
    const offered = (await page.locator('.quick-input-list .monaco-list-row').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    console.log(`e2e regression: Train Model offers ${offered.map((t) => JSON.stringify(t)).join(', ')}`);
    if (offered.some((t) => /\bN-(9|12|15|18)\b/.test(t))) throw new Error(`a Kryptonite classifier preset is offered for a regression: ${offered.join(' | ')}`);
    if (!offered.some((t) => /^auto/.test(t))) throw new Error('auto is not offered');
    if (!offered.some((t) => /a number to predict/.test(t))) throw new Error('the list does not say the label is a number to predict');
    await page.screenshot({ path: path.join(artefacts, 'regression-presets.png') });

    // Custom: model, hidden units, epochs, then one advanced setting.
    await pick(page, 'Custom');
    await pick(page, 'MLP');
    await answer(page, '32', 'Hidden units per layer');
    await answer(page, null, 'Maximum epochs');
    await pick(page, 'Advanced');
    await pick(page, 'Learning rate');
    await answer(page, '0.01', 'Learning rate');
    await pick(page, 'Done');
    await pick(page, 'Train');
    console.log('e2e regression: Custom — MLP 32, default epochs, Advanced: learning rate 0.01 — Train');

    // The training webview once the run is saved: R² curves, the metrics table and the residual plot.
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await webview
      .locator('[id^="chart-residuals-"] svg')
      .first()
      .waitFor({ timeout: 180000 })
      .catch(async (e) => {
        await page.screenshot({ path: path.join(artefacts, 'regression-failure.png') });
        throw e;
      });
    const scoreHeading = (await webview.locator('#h-accuracy').textContent())?.trim();
    if (scoreHeading !== 'R²') throw new Error(`the score curve is headed "${scoreHeading}", not R²`);
    for (const id of ['loss', 'accuracy']) {
      if ((await webview.locator(`#chart-${id} svg .mark-line path`).count()) === 0) throw new Error(`the ${id} chart has no lines`);
    }
    const head = (await webview.locator('table.training-metrics thead').textContent()) ?? '';
    if (!/test R²/.test(head) || !/test MAE/.test(head) || !/test RMSE/.test(head) || /accuracy/.test(head)) throw new Error(`metrics table columns: ${head}`);
    const cells = (await webview.locator('table.training-metrics tbody tr').first().locator('td').allTextContents()).map((t) => t.trim());
    const r2 = Number(cells[1]);
    if (cells[0] !== 'regression' || !(r2 > 0.9)) throw new Error(`metrics row: ${cells.join(' | ')}`);
    if ((await webview.locator('[id^="chart-confusion-"]').count()) !== 0) throw new Error('a confusion matrix for a regression');
    const points = await webview.locator('[id^="chart-residuals-"] svg .mark-symbol path').count();
    const axes = (await webview.locator('[id^="chart-residuals-"] svg .role-axis-title').allTextContents()).map((t) => t.trim());
    if (points < 50 || !axes.includes('actual y') || !axes.includes('predicted y')) throw new Error(`residual plot: ${points} points, axis titles ${axes.join(', ')}`);
    const diagonal = await webview.locator('[id^="chart-residuals-"] svg .mark-rule line, [id^="chart-residuals-"] svg .mark-rule path').count();
    if (diagonal === 0) throw new Error('the residual plot has no y = x line');
    const status = (await webview.locator('.training-status').textContent()) ?? '';
    if (!/regression · test R² 0\.9\d\d/.test(status) || /accuracy|NaN/.test(status)) throw new Error(`status line: ${status}`);
    console.log(`e2e regression: test R² ${r2}, ${points} test rows on the residual plot (axes: ${axes.join(', ')}); status "${status.trim()}"`);

    // The notification names R², never "accuracy NaN" (toasts may already be gone: then the centre has it).
    const toast = page.locator('.notification-toast, .notifications-center .notification-list-item', { hasText: 'trained on regression.csv' }).first();
    if (await toast.waitFor({ timeout: 5000 }).then(() => true, () => false)) {
      const text = (await toast.textContent()) ?? '';
      if (!/test R²/.test(text) || /accuracy|NaN/.test(text)) throw new Error(`notification: ${text}`);
      console.log(`e2e regression: notification "${text.trim().slice(0, 160)}"`);
    }

    // Pictures: the window (panel beside the CSV), then the panel alone and maximised, and the run's section.
    await page.waitForTimeout(800); // let the panel finish its layout before the picture (not a synchronisation)
    const shot = path.join(artefacts, 'regression-panel.png');
    await page.screenshot({ path: shot });
    await page.locator('.tab', { hasText: 'Training: regression.csv' }).first().click();
    await runPalette(page, 'View: Toggle Maximize Editor Group');
    await page.waitForTimeout(800);
    const wide = path.join(artefacts, 'regression-panel-wide.png');
    await page.screenshot({ path: wide });
    const section = webview.locator('section.run-detail').first();
    await section.scrollIntoViewIfNeeded();
    const detail = path.join(artefacts, 'regression-residuals.png');
    await section.screenshot({ path: detail });
    // The metrics and the residual plot together, as the README shows them.
    await webview.locator('#h-metrics').scrollIntoViewIfNeeded();
    await webview.locator('#h-metrics').evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(300);
    const results = path.join(artefacts, 'regression-results.png');
    await page.screenshot({ path: results });
    if (process.env.KRYPTONITE_UPDATE_SCREENSHOT === '1') {
      fs.mkdirSync(path.join(root, 'media', 'screenshots'), { recursive: true });
      fs.copyFileSync(results, path.join(root, 'media', 'screenshots', 'training-regression.png'));
    }
    assertNoCspViolations();
    console.log(`e2e regression: passed in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots ${[shot, wide, detail, results].map((f) => path.relative(root, f)).join(', ')}`);
  } finally {
    await tearDown(browser, ws);
  }
}

runScenario('e2e regression', main);

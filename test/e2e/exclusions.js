#!/usr/bin/env node
// End-to-end: exclusions that hold and a mismatched Predict refused, in the real workbench (code-server from the shared
// harness, Debian chromium via playwright-core). Open test/fixtures/workspace/data/small.csv, analyse it from the
// palette, put the cursor on the header cell of x4 (an irrelevant burst feature: its diagnostic sits there) and take
// the quick fix "Exclude feature "x4" from training" from the lightbulb menu (Ctrl+.). Train Model (Custom): the
// notification says it trained without x4, the training panel's run section says "Excluded by the user: x4", and the
// saved model's kryptonite.json has no x4 in `inputs` or `sourceFeatures` and lists it in `excluded`. Then Predict
// Labels with that run on wider.csv (x1 … x8: two feature columns the model never saw): the error notification names
// x7 and x8 and offers "Predict without them", and nothing is written. Screenshots in test-results/e2e/:
// exclusions-quick-fix.png (the lightbulb menu on x4), exclusions-panel.png (the panel beside the CSV),
// exclusions-run.png (the run's section with the exclusion) and exclusions-predict-refused.png (the refusal).
// Skipped WITH A MESSAGE when the harness is not installed, unless KRYPTONITE_REQUIRE_HARNESS=1 (.ci/run).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { root, artefacts, runPalette, launchWorkbench, tearDown, runScenario, pick, answer } = require('./harness');



/**
 * The notification that shows `text` within `ms`: its toast, or — toasts can be hidden again at once, and here often
 * never show — the same entry in the notification centre, opened from the palette (and left open for the picture).
 */
async function notification(page, text, ms) {
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
  if (await toast.waitFor({ timeout: 3000 }).then(() => true, () => false)) return toast;
  await runPalette(page, 'Notifications: Show Notifications');
  const item = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  await item.waitFor({ timeout: ms });
  return item;
}

/** A notification's message as shown (without its source line and buttons). */
async function messageOf(item) {
  return ((await item.locator('.notification-list-item-message').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}


async function main() {
  const t0 = Date.now();
  fs.mkdirSync(artefacts, { recursive: true });
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'kryptonite-e2e-excl-'));
  fs.cpSync(path.join(root, 'test/fixtures/workspace'), ws, { recursive: true });
  const shots = [];
  const shot = async (target, name) => {
    const file = path.join(artefacts, name);
    await target.screenshot({ path: file });
    shots.push(path.relative(root, file));
  };

  const { url, browser, open, assertNoCspViolations } = await launchWorkbench(ws);
  console.log(`e2e exclusions: code-server at ${url} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  try {
    const page = await open();
    await page.keyboard.press('Control+P');
    await pick(page, 'small.csv');
    await page.locator('.tab', { hasText: 'small.csv' }).first().waitFor();
    const headerLine = page.locator('.monaco-editor .view-line', { hasText: 'x1,x2,x3,x4,x5,x6,y' }).first();
    await headerLine.waitFor();

    // Analyse: the irrelevant features get their diagnostics on their header cells.
    await runPalette(page, 'Kryptonite: Analyse Dataset');
    await runPalette(page, 'View: Focus Problems').catch(() => runPalette(page, 'Problems: Focus on Problems View'));
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'Feature "x4" looks irrelevant' }).first().waitFor({ timeout: 120000 });
    // The report beside the CSV has drawn (so the pictures below show it, not a blank panel). The visible webview: the
    // report now, the training panel once it opens in the same editor group.
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await webview.locator('#chart-histograms svg').first().waitFor({ timeout: 120000 });
    console.log('e2e exclusions: the Problems view lists x4 as irrelevant; the report is drawn');

    // The cursor inside x4's header cell ("x1,x2,x3,x4": columns 10–11), then the lightbulb menu (Ctrl+.).
    await page.locator('.tab', { hasText: 'small.csv' }).first().click();
    await headerLine.click();
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Exclude feature "x4" from training' }).first();
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Control+.');
      if (await fix.waitFor({ timeout: 10000 }).then(() => true, () => false)) break;
      await page.keyboard.press('Escape');
      if (attempt === 3) throw new Error('the quick fix "Exclude feature "x4" from training" is not offered on x4\'s header cell');
    }
    await page.waitForTimeout(300); // the menu's fade-in, before the picture (not a synchronisation)
    await shot(page, 'exclusions-quick-fix.png');
    await fix.hover(); // the row under the pointer is the focused one; Enter applies it
    await page.locator('.action-widget .monaco-list-row.focused', { hasText: 'Exclude feature "x4" from training' }).first().waitFor({ timeout: 5000 });
    await page.keyboard.press('Enter');
    const excludedNote = await notification(page, '"x4" is excluded by the user', 10000);
    console.log(`e2e exclusions: notification "${await messageOf(excludedNote)}"`);
    await page.keyboard.press('Escape');
    const settingsFile = path.join(ws, '.kryptonite', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
    if (JSON.stringify(settings.excludedFeatures['data/small.csv']) !== '["x4"]') throw new Error(`settings.json: ${JSON.stringify(settings)}`);
    console.log('e2e exclusions: the quick fix recorded x4 in .kryptonite/settings.json');

    // Train Model on the active CSV. Custom (the presets' early stopping gives up on this small parity table at chance
    // level, and a picture of a model that learnt nothing would prove little): MLP, 32 hidden units, 150 epochs, and
    // under Advanced… batch size 32 — 93 % test accuracy from x1, x2, x3, x5, x6 with the CLI on the same split.
    await runPalette(page, 'Kryptonite: Train Model');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Custom' }).first().waitFor({ timeout: 60000 });
    await pick(page, 'Custom');
    await pick(page, 'MLP');
    await answer(page, '32', 'Hidden units per layer');
    await answer(page, '150', 'Maximum epochs');
    await pick(page, 'Advanced');
    await pick(page, 'Batch size');
    await answer(page, '32', 'Batch size');
    await pick(page, 'Done');
    await pick(page, 'Train');
    const excludedLine = webview.locator('section.run-detail .run-excluded').first();
    await excludedLine.waitFor({ timeout: 180000 }).catch(async (e) => {
      await page.screenshot({ path: path.join(artefacts, 'exclusions-failure.png') });
      throw e;
    });
    const line = ((await excludedLine.textContent()) ?? '').trim();
    if (line !== 'Excluded by the user: x4') throw new Error(`the run section says "${line}"`);
    const trained = await messageOf(await notification(page, 'trained on small.csv', 10000));
    if (!/without x4 \(excluded in \.kryptonite\/settings\.json\) — test accuracy/.test(trained)) throw new Error(`notification: ${trained}`);
    const accuracy = Number(/test accuracy ([\d.]+) %/.exec(trained)?.[1]);
    if (!(accuracy > 75)) throw new Error(`the model without x4 did not learn the parity of x1, x2, x3, x5: ${trained}`);
    console.log(`e2e exclusions: notification "${trained}"`);
    await page.keyboard.press('Escape');

    // The saved model on disk: no x4 among its inputs, listed as excluded.
    const runsDir = path.join(ws, '.kryptonite', 'runs', 'small');
    const runs = fs.readdirSync(runsDir).filter((d) => fs.existsSync(path.join(runsDir, d, 'run.json')));
    if (runs.length !== 1) throw new Error(`expected one saved run, found ${runs.join(', ')}`);
    const meta = JSON.parse(fs.readFileSync(path.join(runsDir, runs[0], 'model', 'kryptonite.json'), 'utf8'));
    if (meta.sourceFeatures.includes('x4') || meta.inputs.some((n) => /\bx4\b/.test(n)) || JSON.stringify(meta.excluded) !== '["x4"]') {
      throw new Error(`kryptonite.json: sourceFeatures ${meta.sourceFeatures}, inputs ${meta.inputs}, excluded ${meta.excluded}`);
    }
    console.log(`e2e exclusions: the panel says "${line}"; the model reads ${meta.inputs.join(', ')} and lists x4 as excluded`);

    // The window with the run's section (and its exclusion line) scrolled into view, then the section alone.
    const section = webview.locator('section.run-detail').first();
    await section.scrollIntoViewIfNeeded();
    await page.waitForTimeout(800); // let the panel finish its layout before the pictures (not a synchronisation)
    await shot(page, 'exclusions-panel.png');
    await shot(section, 'exclusions-run.png');

    // Predict Labels with that run on wider.csv: refused, naming the two columns the model never saw.
    await runPalette(page, 'Notifications: Clear All Notifications'); // so the picture shows the refusal alone
    await runPalette(page, 'Kryptonite: Predict Labels');
    await pick(page, 'small.csv'); // the run (its description names the dataset)
    await pick(page, 'wider.csv');
    await pick(page, 'npy');
    const refusal = await notification(page, 'cannot predict wider.csv', 30000);
    const said = await messageOf(refusal);
    if (!/has 2 feature columns .* was not trained on: x7, x8/.test(said)) throw new Error(`refusal: ${said}`);
    if ((await refusal.locator('.monaco-button', { hasText: 'Predict without them' }).count()) === 0) throw new Error(`the refusal does not offer to predict without x7 and x8: ${said}`);
    if (fs.existsSync(path.join(ws, 'data', 'wider-predicted.npy'))) throw new Error('a refused prediction wrote wider-predicted.npy');
    console.log(`e2e exclusions: Predict Labels refused: "${said}"`);
    await page.waitForTimeout(500); // the notification's slide-in, before the picture (not a synchronisation)
    await shot(page, 'exclusions-predict-refused.png');

    assertNoCspViolations();
    console.log(`e2e exclusions: passed in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots ${shots.join(', ')}`);
  } finally {
    await tearDown(browser, ws);
  }
}

runScenario('e2e exclusions', main);

#!/usr/bin/env node
// End-to-end: live training that keeps up, measured in the real workbench (code-server from the shared harness,
// Debian chromium via playwright-core). Open the 9-feature sample (test/fixtures/sample/kryptonite-9-sample.csv, 3,000
// rows) and Train Model (Custom: MLP 128→64, batch 8, 1,000 epochs, patience 1,000 — early stopping never ends it
// sooner): an epoch takes ~6–8 ms on the fused kernel, so 120–150 epochs a second stream to the panel. Measured and
// asserted:
//   (a) the panel's lag behind the worker: for every batch the webview draws, the time since the worker sent the
//       batch's oldest epoch (the worker stamps each epoch; the webview keeps p50/p99/max as data attributes of its
//       page) — p99 and max ≤ 500 ms while streaming; the batches that waited for the panel's start-up (posted before
//       its first view of the run was drawn) are reported apart, with a looser bound (START_BOUND_MS);
//   (b) the extension host's event-loop delay during the run (perf_hooks.monitorEventLoopDelay, written by the
//       extension to the Kryptonite log with the run's outcome, read here from the log file) — p99 ≤ 50 ms;
//   (c) Cancel: a second run (100,000 epochs) is cancelled from the panel's button once 200 epochs are drawn; the
//       panel says "Cancelled at epoch k" with the button gone ≤ 500 ms after the click (the webview's own times), the
//       progress notification leaves the notification centre ≤ 1 s after it, and the state holds once the worker has
//       stopped; one best-epoch mark per live chart is checked before the click.
// No "Infinite extent" (or any Vega) warning may reach the webview console (a probe line proves it is captured).
// Screenshots in test-results/e2e/: live-training-done.png, live-training-running.png, live-training-cancelled.png.
// Skipped WITH A MESSAGE when the harness is not installed, unless KRYPTONITE_REQUIRE_HARNESS=1 (.ci/run).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { root, artefacts, run, runPalette, launchWorkbench, tearDown, runScenario, pick, answer } = require('./harness');

const LAG_BOUND_MS = 500;
const START_BOUND_MS = 2000;
const LOOP_P99_BOUND_MS = 50;
const CANCEL_BOUND_MS = 500;

/** Every Kryptonite log file the run's code-server wrote (one per extension-host session). */
function kryptoniteLogs(dir = path.join(run, 'ud', 'logs')) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return kryptoniteLogs(p);
    return /Kryptonite\.log$/.test(e.name) ? [p] : [];
  });
}

/** The host's log line of the nth (1-based) training of kryptonite-9.csv that ended with `status`, once it is on disk. */
async function trainLogLine(status, nth, ms = 60000) {
  const re = new RegExp(`train kryptonite-9\\.csv .*: ${status} in (\\d+) ms.*host event-loop delay p50 ([\\d.]+) ms, p99 ([\\d.]+) ms, max ([\\d.]+) ms over (\\d+) samples`);
  const until = Date.now() + ms;
  for (;;) {
    const lines = kryptoniteLogs().flatMap((f) => fs.readFileSync(f, 'utf8').split('\n')).filter((l) => re.test(l));
    if (lines.length >= nth) {
      const m = re.exec(lines[nth - 1]);
      return { line: lines[nth - 1], ms: Number(m[1]), p50: Number(m[2]), p99: Number(m[3]), max: Number(m[4]), samples: Number(m[5]) };
    }
    if (Date.now() > until) throw new Error(`no "${status}" training line in the Kryptonite log after ${ms / 1000} s (${kryptoniteLogs().join(', ') || 'no log file'})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Train Model on the active CSV with Custom: MLP 128→64, batches of 8, `epochs` epochs, patience `epochs`. (With the
 * engine's defaults an epoch of a small table takes a fraction of a millisecond, and 1,000 of them are over before the
 * panel has loaded.)
 */
async function trainCustom(page, epochs) {
  await runPalette(page, 'Kryptonite: Train Model');
  // The dataset is the active editor's — unless the workbench has not told the extension host about it yet, when Train
  // Model asks which one.
  const custom = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Custom' }).first();
  const which = page.locator('.quick-input-widget input[placeholder^="Train a model on which dataset"]').first();
  await custom.or(which).first().waitFor({ timeout: 60000 });
  if (await which.isVisible()) await pick(page, 'kryptonite-9.csv');
  await custom.waitFor({ timeout: 60000 }).catch(async (e) => {
    await page.screenshot({ path: path.join(artefacts, 'live-training-failure.png') });
    throw e;
  });
  await pick(page, 'Custom');
  await pick(page, 'MLP');
  await answer(page, '128,64', 'Hidden units per layer');
  await answer(page, String(epochs), 'Maximum epochs');
  await pick(page, 'Advanced');
  await pick(page, 'Batch size');
  await answer(page, '8', 'Batch size');
  await pick(page, 'Patience');
  await answer(page, String(epochs), 'Early-stopping patience');
  await pick(page, 'Done');
  await pick(page, 'Train');
}

async function main() {
  const t0 = Date.now();
  fs.mkdirSync(artefacts, { recursive: true });
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'kryptonite-e2e-live-'));
  fs.cpSync(path.join(root, 'test/fixtures/workspace'), ws, { recursive: true });
  fs.rmSync(path.join(ws, 'small.kryp'), { force: true }); // no CodeLens evaluation competing for the worker
  fs.copyFileSync(path.join(root, 'test/fixtures/sample/kryptonite-9-sample.csv'), path.join(ws, 'kryptonite-9.csv'));

  const { url, browser, open, assertNoCspViolations } = await launchWorkbench(ws);
  console.log(`e2e live training: code-server at ${url} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  try {
    const page = await open();
    // Everything the page and its frames (the webview's too) print: Vega's warnings go to the console.
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    await page.keyboard.press('Control+P');
    await pick(page, 'kryptonite-9.csv');
    await page.locator('.tab', { hasText: 'kryptonite-9.csv' }).first().waitFor();

    // (a) and (b): 1,000 epochs to the end.
    await trainCustom(page, 1000);
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const body = webview.locator('body');
    await webview.locator('table.training-metrics tbody tr').first().waitFor({ timeout: 180000 }).catch(async (e) => {
      await page.screenshot({ path: path.join(artefacts, 'live-training-failure.png') });
      throw e;
    });
    const attr = async (name) => body.getAttribute(`data-${name}`);
    const lag = { series: await attr('live-series'), epoch: Number(await attr('live-epoch')), batches: Number(await attr('live-batches')), p50: Number(await attr('live-lag-p50-ms')), p99: Number(await attr('live-lag-p99-ms')), max: Number(await attr('live-lag-max-ms')), draw: Number(await attr('live-draw-p50-ms')), frames: await attr('live-frames'), timers: await attr('live-frame-timers'), top: await attr('live-lag-top'), startBatches: Number(await attr('live-start-batches')), startMax: Number(await attr('live-start-lag-max-ms')), renders: await attr('renders') };
    const done = await trainLogLine('done', 1);
    const epochsRun = Number(((await webview.locator('table.training-metrics tbody tr td').nth(5).textContent()) ?? '').trim().split(' ')[0]);
    console.log(`e2e live training: ${epochsRun} epochs in ${done.ms} ms (${(epochsRun / (done.ms / 1000)).toFixed(0)} epochs/s)`);
    console.log(`e2e live training: (a) panel lag behind the worker over ${lag.batches} batches drawn while streaming: p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms (last epoch drawn live: ${lag.epoch}; a draw takes ${lag.draw} ms at p50; drawn on ${lag.frames} animation frames and ${lag.timers} fallback timers)`);
    console.log(`e2e live training:     largest: ${lag.top}; before that, ${lag.startBatches} batches waited for the panel's start-up (its first view and curves): lag ≤ ${lag.startMax} ms; ${lag.renders} whole views drawn`);
    console.log(`e2e live training: (b) extension host event-loop delay: p50 ${done.p50} ms, p99 ${done.p99} ms, max ${done.max} ms (${done.samples} samples)`);
    const started = kryptoniteLogs().flatMap((f) => fs.readFileSync(f, 'utf8').split('\n')).find((l) => /worker started at /.test(l));
    console.log(`e2e live training: the analysis worker's priority: ${started ? started.replace(/^.*worker started at /, '') : 'not in the log'}`);
    if (epochsRun !== 1000) throw new Error(`the run stopped after ${epochsRun} epochs, not 1,000`);
    if (!(lag.batches >= 10 && lag.epoch >= 900)) throw new Error(`the panel drew too little of the run live: ${JSON.stringify(lag)}`);
    if (!(lag.batches < epochsRun)) throw new Error(`${lag.batches} drawn batches for ${epochsRun} epochs: the epochs were not batched`);
    if (!(lag.p99 <= LAG_BOUND_MS && lag.max <= LAG_BOUND_MS)) throw new Error(`the panel lagged ${lag.p99} ms (p99), ${lag.max} ms (max) behind the worker (bound ${LAG_BOUND_MS} ms)`);
    if (lag.startBatches > 0 && !(lag.startMax <= START_BOUND_MS)) throw new Error(`the panel's start-up held epochs back ${lag.startMax} ms (bound ${START_BOUND_MS} ms)`);
    if (!(done.p99 <= LOOP_P99_BOUND_MS)) throw new Error(`the extension host's event loop was ${done.p99} ms late at p99 (bound ${LOOP_P99_BOUND_MS} ms)`);
    await page.waitForTimeout(500); // let the panel finish its layout before the picture (not a synchronisation)
    await page.screenshot({ path: path.join(artefacts, 'live-training-done.png') });

    // (c) Cancel from the panel while a long run streams.
    await runPalette(page, 'Notifications: Clear All Notifications');
    await trainCustom(page, 100000);
    const cancelButton = webview.locator('.actions button', { hasText: 'Cancel training' });
    await cancelButton.waitFor({ state: 'visible', timeout: 60000 });
    const until = Date.now() + 120000;
    while (!(Number(await attr('live-epoch')) >= 200 && (await attr('live-series')) !== lag.series)) {
      if (Date.now() > until) throw new Error(`the second run never drew 200 epochs (${await attr('live-epoch')})`);
      await page.waitForTimeout(50);
    }
    // One best-epoch mark (diamond and rule) per chart while the epochs stream in, however many batches moved it.
    for (const id of ['loss', 'accuracy']) {
      const diamonds = await webview.locator(`#chart-${id} svg .mark-symbol.role-mark path`).count();
      const rules = await webview.locator(`#chart-${id} svg .mark-rule.role-mark line`).count();
      if (diamonds !== 1 || rules !== 1) throw new Error(`the live ${id} chart shows ${diamonds} best-epoch diamonds and ${rules} rules for one run`);
    }
    console.log(`e2e live training: one best-epoch mark per live chart after ${await attr('live-batches')} batches`);
    // The progress notification, in the notification centre (its toast is not reliably on screen in this workbench).
    await runPalette(page, 'Notifications: Show Notifications');
    const notification = page.locator('.notifications-center .notification-list-item', { hasText: 'training on kryptonite-9.csv' }).first();
    await notification.waitFor({ timeout: 10000 });
    await page.screenshot({ path: path.join(artefacts, 'live-training-running.png') });
    await cancelButton.click();
    const status = webview.locator('.training-status.cancelled', { hasText: /Cancelled at epoch \d+/ });
    await status.waitFor({ timeout: 10000 });
    await cancelButton.waitFor({ state: 'hidden', timeout: 10000 });
    const seenAt = Date.now();
    await notification.waitFor({ state: 'hidden', timeout: 10000 });
    const goneAt = Date.now();
    // The click's own time, as the webview's handler saw it (Playwright's click() spends a while before it clicks), and
    // the webview's time when it showed the host's answer; the test's sightings add its own polling delay.
    const clickedAt = Number(await attr('cancel-clicked-at'));
    const shownMs = Number(await attr('cancel-shown-at')) - clickedAt;
    const seenMs = seenAt - clickedAt;
    const goneMs = goneAt - clickedAt;
    const said = ((await status.textContent()) ?? '').trim();
    console.log(`e2e live training: (c) Cancel → "${said}" in the panel ${shownMs} ms after the click (${seenMs} ms until the test saw it); the notification gone ${goneMs} ms after the click (as the test saw it)`);
    if (!(shownMs <= CANCEL_BOUND_MS)) throw new Error(`the cancelled state showed ${shownMs} ms after the click (bound ${CANCEL_BOUND_MS} ms)`);
    if (!(goneMs <= 2 * CANCEL_BOUND_MS)) throw new Error(`the progress notification closed ${goneMs} ms after the click`);
    const cancelled = await trainLogLine('cancelled', 1);
    console.log(`e2e live training: the worker stopped; the run was cancelled after ${cancelled.ms} ms; host event-loop delay p99 ${cancelled.p99} ms`);
    const after = ((await webview.locator('.training-status').textContent()) ?? '').trim();
    if (after !== said) throw new Error(`after the worker stopped the panel says "${after}", not "${said}"`);
    if (await cancelButton.isVisible()) throw new Error('the Cancel button came back');
    await page.screenshot({ path: path.join(artefacts, 'live-training-cancelled.png') });

    // The console check must be able to fail: a line printed in the webview's frame reaches it.
    let frame = null;
    for (const f of page.frames()) if (await f.evaluate(() => document.querySelector('.training-charts') !== null).catch(() => false)) frame = f;
    if (frame) {
      await frame.evaluate(() => console.warn('kryptonite e2e console probe'));
      await page.waitForTimeout(200);
      if (!consoleLines.some((l) => l.includes('kryptonite e2e console probe'))) throw new Error('the webview console is not captured: the warning check would prove nothing');
    } else console.log('e2e live training: (no handle on the webview frame for the console probe)');
    const warnings = consoleLines.filter((l) => /Infinite extent|^warning: WARN\b|^error: ERROR\b/.test(l));
    if (warnings.length) throw new Error(`Vega warnings in the webview console:\n${warnings.join('\n')}`);
    assertNoCspViolations();
    console.log(`e2e live training: no Vega warning in the console; passed in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots test-results/e2e/live-training-{done,cancelled}.png`);
  } finally {
    await tearDown(browser, ws);
  }
}

runScenario('e2e live training', main);

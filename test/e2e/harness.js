// Shared by the end-to-end scripts: where the harness and the browser are, the skip rule, a private harness run
// folder (HARNESS_RUN) with its `sh` wrapper, and a command-palette driver.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const harness = path.resolve(process.env.KRYPTONITE_HARNESS || path.join(root, '../shared/vscode-harness/recipe/harness.sh'));
const harnessHome = process.env.HARNESS_HOME || '/tmp/vscode-harness';
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const artefacts = path.join(root, 'test-results', 'e2e');

function skip(reason) {
  const msg = `e2e tests: SKIPPED — ${reason}`;
  if (process.env.KRYPTONITE_REQUIRE_HARNESS === '1') {
    console.error(msg.replace('SKIPPED', 'FAILED (KRYPTONITE_REQUIRE_HARNESS=1)'));
    process.exit(1);
  }
  console.log(msg);
  process.exit(0);
}

if (!fs.existsSync(harness)) skip(`no harness at ${harness}`);
if (!fs.existsSync(path.join(harnessHome, 'cs')) || !fs.existsSync(chromiumPath)) skip('the VS Code harness is not installed (run ../shared/vscode-harness/recipe/harness.sh install)');

const run = fs.mkdtempSync('/tmp/kr-e2e-');
const env = { ...process.env, HARNESS_RUN: run };
const sh = (...args) => execFileSync(harness, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/**
 * A console line that is a chart's warning: Vega's logger writes "WARN …" / "ERROR …" as the first word (e.g. "WARN
 * Infinite extent for field …", "WARN Dropping …"). The workbench's own log lines start with "%c" and a level of
 * their own (e.g. "%c WARN color: … No search provider …"): not ours.
 */
function isChartWarning(text) {
  return !text.startsWith('%c') && (/^(WARN|ERROR)\b/.test(text) || /Infinite extent|Dropping fit|Conflicting (legend|sort|scale)/.test(text));
}

/**
 * Proves a console watch can fail: prints a chart-style warning line in the webview frame that holds `selector` and
 * waits until `lines` (what the page's console listener kept by isChartWarning) has it, then takes it out again.
 * Throws when no frame holds the selector or the line never arrives.
 */
async function probeWebviewConsole(page, selector, lines) {
  const probe = 'WARN kryptonite e2e console probe';
  let frame = null;
  for (const f of page.frames()) if (await f.evaluate((s) => document.querySelector(s) !== null, selector).catch(() => false)) frame = f;
  if (!frame) throw new Error(`no webview frame holds ${selector}: the console watch cannot be checked`);
  await frame.evaluate((text) => console.warn(text), probe);
  for (let i = 0; i < 20 && !lines.some((l) => l.includes(probe)); i++) await page.waitForTimeout(100);
  const at = lines.findIndex((l) => l.includes(probe));
  if (at < 0) throw new Error('the webview console is not captured: the warning check would prove nothing');
  lines.splice(at, 1);
}

async function runPalette(page, text, attempts = 6) {
  // Contributions reach the palette a few seconds after the workbench renders: retry.
  for (let i = 1; i <= attempts; i++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 15000 });
    // A webview taking focus (a tab just clicked, a panel just shown) can close the box between F1 and typing:
    // then open it again rather than wait for a box that is gone.
    if (!(await input.fill('>' + text, { timeout: 5000 }).then(() => true, () => false))) {
      if (i === attempts) throw new Error(`the command palette closed before "${text}" could be typed`);
      await page.waitForTimeout(500);
      continue;
    }
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
    if (await row.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('Escape');
    if (i === attempts) throw new Error(`"${text}" is not in the command palette`);
    await page.waitForTimeout(1000);
  }
}

/**
 * Package the .vsix, install it, start code-server on workspace `ws` and launch chromium. `open()` loads the
 * workbench and waits for the explorer; `cspViolations` collects every CSP complaint the page's console prints.
 */
async function launchWorkbench(ws) {
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  sh('install-ext', path.join(root, 'out', 'kryptonite.vsix'));
  const url = sh('start', ws).trim().split('\n').pop();
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
  });
  const cspViolations = [];
  const open = async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('console', (m) => {
      const t = m.text();
      if (/Content Security Policy|unsafe-eval|unsafe-inline/i.test(t)) cspViolations.push(t);
    });
    await page.goto(`${url}/?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90000 });
    return page;
  };
  const assertNoCspViolations = () => {
    if (cspViolations.length) throw new Error(`CSP violations in the workbench console:\n${cspViolations.join('\n')}`);
  };
  return { url, browser, open, assertNoCspViolations };
}

/** Close the browser, stop code-server and remove the throwaway workspace and run folder, whatever happened. */
async function tearDown(browser, ws) {
  await browser.close().catch(() => undefined);
  try {
    sh('stop');
  } catch {
    // already stopped
  }
  fs.rmSync(ws, { recursive: true, force: true });
  fs.rmSync(run, { recursive: true, force: true });
}

/** Run an e2e scenario; on failure print why, make sure code-server is stopped, and exit 1. */
function runScenario(label, main) {
  main().catch((e) => {
    console.error(`${label} failed:`, e && e.stack ? e.stack : e);
    try {
      sh('stop');
    } catch {
      // already stopped
    }
    process.exit(1);
  });
}

/** The quick pick's text box (not the hidden "check all" box some quick picks put first). */
const quickInput = (page) => page.locator('.quick-input-widget .quick-input-box input').first();

/**
 * Type `filter` (default `text`) into the quick pick and take the focused row once it shows `text`. The box must be
 * editable first (between two quick picks the closing one can be inert for a moment); when it is not, or the row never
 * shows, the page is photographed as test-results/e2e/pick-failure.png with the quick pick's placeholder in the error.
 */
async function pick(page, text, filter = text, timeout = 60000) {
  const box = quickInput(page);
  try {
    await box.waitFor({ state: 'visible', timeout: 15000 });
    const deadline = Date.now() + 15000;
    while (!(await box.isEditable().catch(() => false))) {
      if (Date.now() > deadline) throw new Error('the quick pick box stayed inert for 15 s');
      await page.waitForTimeout(100);
    }
    // The row Enter takes is the focused one: wait until the filter has run and focused a row that shows `text` (a
    // row that merely exists may still sit below the first one, which Enter would take instead). The text is typed
    // again until then: typed while the previous input box was closing, it lands in that box, and the new quick pick
    // opens empty.
    const focused = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: text }).first();
    const until = Date.now() + timeout;
    for (;;) {
      await box.fill(filter, { timeout: 5000 }).catch(() => undefined);
      if (await focused.waitFor({ timeout: 2000 }).then(() => true, () => false)) break;
      if (Date.now() > until) throw new Error(`no focused row shows "${text}" after ${timeout / 1000} s`);
    }
  } catch (e) {
    fs.mkdirSync(artefacts, { recursive: true });
    await page.screenshot({ path: path.join(artefacts, 'pick-failure.png') }).catch(() => undefined);
    const placeholder = await box.getAttribute('placeholder').catch(() => null);
    throw new Error(`pick "${text}": ${e instanceof Error ? e.message.split('\n')[0] : String(e)} (quick pick: ${JSON.stringify(placeholder)}; screenshot pick-failure.png)`);
  }
  await page.keyboard.press('Enter');
  // Let the chosen row go (the list closes or the next one replaces it) before the caller types anything more.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: text }).first().waitFor({ state: 'hidden', timeout: 2000 }).catch(() => undefined);
}

/** Answer an input box (showInputBox) whose prompt shows `prompt`: replace its value, or keep it with `null`. */
async function answer(page, value, prompt) {
  const message = page.locator('.quick-input-widget .quick-input-message', { hasText: prompt }).first();
  await message.waitFor({ timeout: 15000 });
  if (value !== null) await quickInput(page).fill(value);
  await page.keyboard.press('Enter');
  // Return once this box has gone or shows the next question: a pick that typed into it while it was closing had its
  // text land in the editor behind it (seen in CI: "Advanced" typed into a CSV's header).
  await message.waitFor({ state: 'hidden', timeout: 10000 }).catch(() => undefined);
}

module.exports = { root, harness, harnessHome, chromiumPath, artefacts, skip, run, env, sh, runPalette, launchWorkbench, tearDown, runScenario, quickInput, pick, answer, isChartWarning, probeWebviewConsole };

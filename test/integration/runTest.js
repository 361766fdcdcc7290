#!/usr/bin/env node
// Runs the integration tests in a real VS Code with @vscode/test-electron.
//
// Here VS Code cannot be downloaded, so when VSCODE_EXECUTABLE_PATH or KRYPTONITE_VSCODE_SHIM is set (a path, or "1"
// for the shared harness's code-shim), or the shared harness is installed, vscodeExecutablePath points at the shim
// (code-server 1.139 + run-tests.js). On a normal machine without ../shared, test-electron downloads VS Code as usual.
// When the harness exists but is not installed, the tests are SKIPPED with a message — unless KRYPTONITE_REQUIRE_HARNESS=1
// (.ci/run sets it), where that is an error.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const defaultShim = path.resolve(root, '../shared/vscode-harness/recipe/code-shim');
const harnessHome = process.env.HARNESS_HOME || '/tmp/vscode-harness';

function harnessInstalled() {
  return fs.existsSync(path.join(harnessHome, 'cs', 'node_modules', 'code-server')) || fs.existsSync(path.join(harnessHome, 'cs'));
}

function chooseExecutable() {
  const explicit = process.env.VSCODE_EXECUTABLE_PATH || process.env.KRYPTONITE_VSCODE_SHIM;
  if (explicit) return explicit === '1' || explicit === 'shim' ? defaultShim : path.resolve(explicit);
  if (fs.existsSync(defaultShim)) {
    if (harnessInstalled()) return defaultShim;
    const msg = `integration tests: SKIPPED — the VS Code harness is not installed (run ../shared/vscode-harness/recipe/harness.sh install, or set KRYPTONITE_VSCODE_SHIM).`;
    if (process.env.KRYPTONITE_REQUIRE_HARNESS === '1') {
      console.error(msg.replace('SKIPPED', 'FAILED (KRYPTONITE_REQUIRE_HARNESS=1)'));
      process.exit(1);
    }
    console.log(msg);
    process.exit(0);
  }
  return undefined; // a normal machine: let test-electron download VS Code
}

async function main() {
  const vscodeExecutablePath = chooseExecutable();
  // Compile the tests (TypeScript) for the extension host; `mocha` and `vscode` stay external.
  const out = path.join(root, 'out', 'test', 'integration');
  fs.rmSync(out, { recursive: true, force: true });
  const entries = fs.readdirSync(__dirname).filter((f) => f.endsWith('.ts')).map((f) => path.join(__dirname, f));
  await require('esbuild').build({
    entryPoints: entries,
    outdir: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  // A throwaway copy of the fixture workspace: the tests write settings and files into it.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'kryptonite-ws-'));
  fs.cpSync(path.join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const { runTests } = require('@vscode/test-electron');
  const t0 = Date.now();
  try {
    await runTests({
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : {}),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(out, 'index.js'),
      launchArgs: [workspace, '--disable-extensions'],
      extensionTestsEnv: { KRYPTONITE_TEST: '1', ...(process.env.KRYPTONITE_TEST_GREP ? { KRYPTONITE_TEST_GREP: process.env.KRYPTONITE_TEST_GREP } : {}) },
    });
    console.log(`integration tests: passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error('integration tests failed:', err && err.message ? err.message : err);
  process.exit(1);
});

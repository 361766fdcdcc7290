#!/usr/bin/env node
// CI check of the packaged extension (out/kryptonite.vsix, made by `npm run package`): the files the extension needs
// are in it, nothing that should stay out (sources, tests, node_modules, source maps, data) is, and its size stays under
// a stated bound. Reads the zip's central directory itself (no unzip needed). Usage: node test/package/checkVsix.js [VSIX]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = process.argv[2] ?? path.join(__dirname, '..', '..', 'out', 'kryptonite.vsix');
/** Today's package is ≈2.6 MB compressed; a doubling means something joined it that should not have. */
const MAX_BYTES = 6 * 1024 * 1024;
const REQUIRED = [
  'extension/package.json',
  'extension/readme.md',
  'extension/dist/extension.js',
  'extension/dist/worker.js',
  'extension/dist/taskWorker.js',
  'extension/dist/vendorImpl.js',
  'extension/dist/webview/main.js',
  'extension/dist/tfjs-backend-wasm.wasm',
  'extension/dist/tfjs-backend-wasm-simd.wasm',
  'extension/media/panel.css',
  'extension/media/kryptonite.svg',
];
const FORBIDDEN = [/^extension\/src\//, /^extension\/test\//, /^extension\/node_modules\//, /\.map$/, /^extension\/out\//, /\.(csv|npy|parquet|tsv)$/i, /^extension\/\.ci\//];

function entries(buf) {
  // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const out = [];
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: broken central directory at entry ${k}`);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    out.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLength), size });
    at += 46 + nameLength + extra + comment;
  }
  return out;
}

const buf = fs.readFileSync(file);
const list = entries(buf);
const names = new Set(list.map((e) => e.name));
const missing = REQUIRED.filter((n) => !names.has(n));
const unwanted = list.filter((e) => FORBIDDEN.some((re) => re.test(e.name))).map((e) => e.name);
const problems = [
  ...missing.map((n) => `missing ${n}`),
  ...unwanted.map((n) => `should not be packaged: ${n}`),
  ...(buf.length > MAX_BYTES ? [`${buf.length} bytes, over the ${MAX_BYTES}-byte bound`] : []),
];
const unpacked = list.reduce((s, e) => s + e.size, 0);
console.log(`vsix: ${path.relative(process.cwd(), file)} — ${(buf.length / 1e6).toFixed(2)} MB (${(unpacked / 1e6).toFixed(2)} MB unpacked), ${list.length} files; ${REQUIRED.length} required present: ${missing.length === 0 ? 'yes' : 'no'}`);
if (problems.length) {
  console.error(`vsix check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

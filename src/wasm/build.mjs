// Compiles the AssemblyScript kernels to WebAssembly and embeds each module's bytes, base64, in a generated
// TypeScript file, so that every bundle (CLI, worker, extension, tests run from source) carries the modules without
// locating a file at run time:
//
//   dense.ts     → src/engine/train/denseKernel.generated.ts   (the fused dense-network kernel)
//   gbdtHist.ts  → src/engine/models/gbdtKernel.generated.ts   (gradient boosting's histogram builder)
//   linear.ts    → src/engine/models/linearKernel.generated.ts (the logistic baseline's dense scores and gradient)
//   crossSums.ts → src/engine/stats/crossSumsKernel.generated.ts (the correlation matrix's cross sums)
//   csvNumbers.ts → src/engine/io/csvNumbersKernel.generated.ts (the CSV fast path's plain lines)
//   radixSort.ts → src/engine/stats/radixSortKernel.generated.ts (the profile's sort of float keys)
//   termPairs.ts → src/engine/sparsity/termPairsKernel.generated.ts (the L1 gradient's pairs and single terms)
//   productTransform.ts → src/engine/sparsity/productTransformKernel.generated.ts (the exact L1 gradient's transform)
//   rowHash.ts   → src/engine/alerts/rowHashKernel.generated.ts (the duplicate-row check's hashes)
//
// `npm run build:kernel` regenerates them; `node src/wasm/build.mjs --check [name …]` exits 1 when a committed
// module is not what its source compiles to (test/unit/denseWasm.test.ts, test/unit/gbdtWasm.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ASC_FLAGS = ['-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd'];

/**
 * Every kernel: its source, the generated file, the exported constant and the asc flags. The histogram builder works
 * on a memory its host creates (sized once for the tree grower's arrays), hence --importMemory.
 */
export const KERNELS = [
  {
    name: 'dense',
    source: join(here, 'dense.ts'),
    generated: join(here, '..', 'engine', 'train', 'denseKernel.generated.ts'),
    constant: 'DENSE_KERNEL_WASM',
    flags: ASC_FLAGS,
  },
  {
    name: 'gbdtHist',
    source: join(here, 'gbdtHist.ts'),
    generated: join(here, '..', 'engine', 'models', 'gbdtKernel.generated.ts'),
    constant: 'GBDT_KERNEL_WASM',
    flags: [...ASC_FLAGS, '--importMemory', '--noExportMemory'],
  },
  {
    name: 'linear',
    source: join(here, 'linear.ts'),
    generated: join(here, '..', 'engine', 'models', 'linearKernel.generated.ts'),
    constant: 'LINEAR_KERNEL_WASM',
    flags: [...ASC_FLAGS, '--importMemory', '--noExportMemory'],
  },
  {
    name: 'csvNumbers',
    source: join(here, 'csvNumbers.ts'),
    generated: join(here, '..', 'engine', 'io', 'csvNumbersKernel.generated.ts'),
    constant: 'CSV_NUMBERS_KERNEL_WASM',
    flags: [...ASC_FLAGS, '--importMemory', '--noExportMemory'],
  },
  {
    name: 'radixSort',
    source: join(here, 'radixSort.ts'),
    generated: join(here, '..', 'engine', 'stats', 'radixSortKernel.generated.ts'),
    constant: 'RADIX_SORT_KERNEL_WASM',
    flags: [...ASC_FLAGS, '--importMemory', '--noExportMemory'],
  },
  {
    name: 'termPairs',
    source: join(here, 'termPairs.ts'),
    generated: join(here, '..', 'engine', 'sparsity', 'termPairsKernel.generated.ts'),
    constant: 'TERM_PAIRS_KERNEL_WASM',
    flags: [...ASC_FLAGS, '--importMemory', '--noExportMemory'],
  },
  {
    name: 'productTransform',
    source: join(here, 'productTransform.ts'),
    generated: join(here, '..', 'engine', 'sparsity', 'productTransformKernel.generated.ts'),
    constant: 'PRODUCT_TRANSFORM_KERNEL_WASM',
    flags: [...ASC_FLAGS, '--importMemory', '--noExportMemory'],
  },
  {
    name: 'rowHash',
    source: join(here, 'rowHash.ts'),
    generated: join(here, '..', 'engine', 'alerts', 'rowHashKernel.generated.ts'),
    constant: 'ROW_HASH_KERNEL_WASM',
    flags: [...ASC_FLAGS, '--importMemory', '--noExportMemory'],
  },
  {
    name: 'crossSums',
    source: join(here, 'crossSums.ts'),
    generated: join(here, '..', 'engine', 'stats', 'crossSumsKernel.generated.ts'),
    constant: 'CROSS_SUMS_KERNEL_WASM',
    flags: [...ASC_FLAGS, '--importMemory', '--noExportMemory'],
  },
];

/** The dense kernel's generated file (kept for callers of the single-kernel version of this script). */
export const GENERATED = KERNELS[0].generated;

/** The module's bytes as compiled from the kernel's source now. */
export async function compileKernel(kernel) {
  const { default: asc } = await import('assemblyscript/asc');
  let binary = null;
  const result = await asc.main([kernel.source, ...kernel.flags, '--outFile', `${kernel.name}.wasm`], {
    readFile: (name, baseDir) => {
      try {
        return readFileSync(join(baseDir, name), 'utf8');
      } catch {
        return null;
      }
    },
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) binary = contents;
    },
    listFiles: () => [],
  });
  if (result.error) throw new Error(`asc: ${result.error.message}\n${result.stderr.toString()}`);
  if (!binary) throw new Error('asc produced no .wasm');
  return new Uint8Array(binary);
}

/** The dense kernel's bytes (kept for callers of the single-kernel version of this script). */
export function compileDenseKernel() {
  return compileKernel(KERNELS[0]);
}

export function generatedSource(bytes, kernel = KERNELS[0]) {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,116}/g) ?? [];
  return [
    `// Generated by \`npm run build:kernel\` (src/wasm/build.mjs) from src/wasm/${kernel.name}.ts. Do not edit.`,
    `// ${bytes.length} bytes of WebAssembly (SIMD), compiled with asc ${kernel.flags.join(' ')}.`,
    `export const ${kernel.constant} =`,
    ...lines.map((l, i) => `  '${l}'${i + 1 < lines.length ? ' +' : ';'}`),
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !KERNELS.some((k) => k.name === n));
  if (unknown.length > 0) {
    console.error(`unknown kernel ${unknown.join(', ')}; known: ${KERNELS.map((k) => k.name).join(', ')}`);
    process.exit(2);
  }
  let stale = false;
  for (const kernel of KERNELS.filter((k) => names.length === 0 || names.includes(k.name))) {
    const bytes = await compileKernel(kernel);
    const text = generatedSource(bytes, kernel);
    if (check) {
      // Exit 1 when a committed module is not what its source compiles to.
      const committed = readFileSync(kernel.generated, 'utf8');
      if (committed !== text) {
        console.error(`${kernel.generated} is stale: run npm run build:kernel`);
        stale = true;
      } else {
        console.log(`${kernel.generated}: up to date (${bytes.length} bytes)`);
      }
    } else {
      writeFileSync(kernel.generated, text);
      console.log(`${kernel.generated}: ${bytes.length} bytes`);
    }
  }
  if (stale) process.exit(1);
}

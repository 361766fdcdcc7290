// AssemblyScript, compiled to WebAssembly by `npm run build:kernel` (src/wasm/build.mjs), which embeds the module in
// src/engine/stats/radixSortKernel.generated.ts. The LSD radix sort of unsigned 32-bit keys that every feature's
// profile runs (src/engine/stats/summary.ts: radixSortKeys is the JavaScript one, and the host), on a memory the host
// lays out: the keys, a scratch array as long, and 3 × 2048 digit counts. Sorted keys are the same array whichever
// sort made them; this one reads and writes them without a bounds check per access.

/** First byte the host may use: everything below belongs to this module's data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(15 as usize);
}

/**
 * Sorts the n keys at `keys`, 3 passes of 11, 11 and 10 bits (a digit every key shares needs no pass), with `tmp` as
 * scratch. Returns 0 when the sorted keys are at `keys`, 1 when they are at `tmp`.
 */
export function radixSort(keys: usize, tmp: usize, n: i32, counts: usize): i32 {
  for (let b: usize = 0; b < 3 * 2048; b++) store<u32>(counts + (b << 2), 0);
  const end = keys + (<usize>n << 2);
  for (let p = keys; p < end; p += 4) {
    const k = load<u32>(p);
    const a = counts + (<usize>(k & 2047) << 2);
    store<u32>(a, load<u32>(a) + 1);
    const b = counts + 8192 + (<usize>((k >>> 11) & 2047) << 2);
    store<u32>(b, load<u32>(b) + 1);
    const c = counts + 16384 + (<usize>(k >>> 22) << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  let src = keys;
  let dst = tmp;
  let flipped = 0;
  for (let pass: u32 = 0; pass < 3; pass++) {
    const base = counts + <usize>pass * 8192;
    const shift = pass * 11;
    if (n > 0 && load<u32>(base + (<usize>((load<u32>(src) >>> shift) & 2047) << 2)) == <u32>n) continue;
    let sum: u32 = 0;
    for (let b: usize = 0; b < 2048; b++) {
      const c = load<u32>(base + (b << 2));
      store<u32>(base + (b << 2), sum);
      sum += c;
    }
    const stop = src + (<usize>n << 2);
    for (let p = src; p < stop; p += 4) {
      const k = load<u32>(p);
      const a = base + (<usize>((k >>> shift) & 2047) << 2);
      const at = load<u32>(a);
      store<u32>(a, at + 1);
      store<u32>(dst + (<usize>at << 2), k);
    }
    const t = src;
    src = dst;
    dst = t;
    flipped ^= 1;
  }
  return flipped;
}

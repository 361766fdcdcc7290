/**
 * What the models' WebAssembly kernels share (gbdtKernel.ts, linearKernel.ts): each module is compiled once per
 * thread, on first use, from its embedded base64 bytes (null where this runtime has no WebAssembly SIMD), and each
 * fit lays out its arrays once in a fresh memory that never grows — growing would detach every view.
 */

/** The module's own data (static segments, if any) lives below this byte; the host's arrays start here. */
export const RESERVED_BYTES = 65536;
const PAGE_BYTES = 65536;

/** A compiler for one embedded module: the compiled module, or null when it cannot run here (checked once). */
export function embeddedModule(base64: string): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      compiled = null;
      if (typeof WebAssembly === 'object') {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
      }
    }
    return compiled;
  };
}

/** Hands out 16-byte aligned byte offsets above RESERVED_BYTES. */
export class Layout {
  private next = RESERVED_BYTES;
  /** Reserves `bytes`; returns the offset. */
  bytes(bytes: number): number {
    const at = this.next;
    this.next += Math.ceil(bytes / 16) * 16;
    return at;
  }
  get end(): number {
    return this.next;
  }
}

/**
 * A fixed memory for `layout` and an instance of `module` on it, or null when the layout is over `maxBytes` or the
 * engine refuses the memory (the caller then computes in JavaScript). Throws if the module's static data overlaps the
 * host's arrays.
 */
export function instantiateOn<T>(module: WebAssembly.Module, layout: Layout, maxBytes: number, name: string): { memory: WebAssembly.Memory; exports: T } | null {
  if (layout.end > maxBytes) return null;
  const pages = Math.ceil(layout.end / PAGE_BYTES);
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    return null; // RangeError: the address space or the engine's limit refused it
  }
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as T & { heapBase(): number };
  if (exports.heapBase() > RESERVED_BYTES) {
    throw new Error(`${name} kernel: its static data ends at byte ${exports.heapBase()}, past the ${RESERVED_BYTES} reserved for it`);
  }
  return { memory, exports };
}

/**
 * Kernel memories a thread keeps from one task to the next: the CSV parser's staging, the sorter's key arrays, the
 * correlation's cross-sum blocks, the L1 gradient's term matrix. Each is sized for the table at hand — tens of MB per
 * thread on a million rows — and only its own stage reads it. A stage that is over releases them (on every thread:
 * TaskRunner.releaseMemory), so that a later stage's peak does not carry them; whatever is used again is made again
 * at its next use, with the same results.
 */
const releasers: (() => boolean)[] = [];

/** Registers how a module drops its cached kernel memory, saying whether it held one (called as the module loads). */
export function registerKernelMemory(release: () => boolean): void {
  releasers.push(release);
}

/** Drops every registered kernel memory of this thread (the garbage collector returns them); returns how many. */
export function releaseKernelMemories(): number {
  let released = 0;
  for (const release of releasers) if (release()) released++;
  return released;
}

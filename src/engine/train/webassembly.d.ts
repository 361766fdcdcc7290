/**
 * The part of the WebAssembly JavaScript API the kernels use (the fused network here, gradient boosting's histogram
 * builder in models/gbdtKernel.ts). The engine compiles against lib ES2022 without the DOM, and @types/node refers to
 * the WebAssembly namespace without declaring it.
 */
declare namespace WebAssembly {
  interface Module {
    readonly __module: never;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  const Module: { new (bytes: Uint8Array): Module };
  const Memory: { new (descriptor: { initial: number; maximum?: number }): Memory };
  const Instance: { new (module: Module, imports: Record<string, Record<string, unknown>>): Instance };
  function validate(bytes: Uint8Array): boolean;
}

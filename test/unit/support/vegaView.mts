/**
 * Charts drawn headless, as the webview draws them: Vega-Lite compiled and the Vega view run with a logger that
 * collects every warning and error. vega-lite's node build reaches vega-canvas, which uses top-level await, so both
 * come through the real ESM loader: this file and the tests that use it are ES modules (.mts).
 */
import type { TopLevelSpec } from 'vega-lite';

type Vega = typeof import('vega');

export interface HeadlessView {
  readonly view: InstanceType<Vega['View']>;
  readonly vega: Vega;
  /** Everything Vega-Lite and Vega logged at warn or error level (the headless "no window" message left out). */
  readonly warnings: () => string[];
}

/** Compile `spec` and run its view without a renderer; the caller finalizes the view. */
export async function headlessView(spec: TopLevelSpec): Promise<HeadlessView> {
  const vl = (await import('vega-lite' as string)) as typeof import('vega-lite');
  const vega = (await import('vega' as string)) as Vega;
  const logged: string[] = [];
  const sink = {
    level: () => sink,
    warn: (...a: unknown[]) => (logged.push(a.join(' ')), sink),
    info: () => sink,
    debug: () => sink,
    error: (...a: unknown[]) => (logged.push(a.join(' ')), sink),
  };
  const vg = vl.compile(spec, { logger: sink as never }).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none', logLevel: vega.Warn, logger: sink as never });
  await view.runAsync();
  // Headless there is no window to listen on (the container-width signal): that message is not the chart's.
  return { view, vega, warnings: () => logged.filter((w) => !w.includes('Can not resolve event source: window')) };
}

/** The warnings of one chart drawn once. */
export async function vegaWarnings(spec: TopLevelSpec): Promise<string[]> {
  const { view, warnings } = await headlessView(spec);
  view.finalize();
  return warnings();
}

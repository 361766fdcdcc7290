/**
 * Every chart in every Kryptonite webview is drawn here, so the safety-relevant options live in one place: Vega's
 * expression interpreter (`ast: true`) instead of generated code, SVG output, no injected styles (they ship as
 * media/panel.css), no export menu (the panels have their own buttons).
 */
import type { Spec as VgSpec } from 'vega';
import embed, { type Result, type VisualizationSpec } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';

/** A change to the compiled Vega spec before it is run (vega-embed's `patch`). */
export type VegaPatch = (spec: VgSpec) => VgSpec;

export function drawChart(target: HTMLElement, spec: unknown, config: Record<string, unknown>, patch?: VegaPatch): Promise<Result> {
  return embed(target, spec as VisualizationSpec, {
    ...(patch ? { patch } : {}),
    renderer: 'svg',
    actions: false,
    ast: true,
    expr: expressionInterpreter,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true, theme: 'custom' },
    config,
  });
}

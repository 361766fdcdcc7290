/**
 * Every chart in every Kryptonite webview is drawn here, so the safety-relevant options live in one place: Vega's
 * expression interpreter (`ast: true`) instead of generated code, SVG output, no injected styles (they ship as
 * media/panel.css), no export menu (the panels have their own buttons).
 */
import embed, { type Result, type VisualizationSpec } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';

export function drawChart(target: HTMLElement, spec: unknown, config: Record<string, unknown>): Promise<Result> {
  return embed(target, spec as VisualizationSpec, {
    renderer: 'svg',
    actions: false,
    ast: true,
    expr: expressionInterpreter,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true, theme: 'custom' },
    config,
  });
}

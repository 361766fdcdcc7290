/** What every chart spec shares. */

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * A chart as wide as its panel and of a fixed height: fit the width only. The height of a chart with one band per row
 * is rows × band in pixels, never `{ step }`: Vega-Lite drops a step height beside a container width with a
 * "Dropping fit-y" warning on every draw, whatever the autosize type.
 */
export const FIT_WIDTH = { type: 'fit-x', contains: 'padding' } as const;

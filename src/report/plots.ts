// The report's plots: Vega-Lite specifications compiled and rendered to SVG by vega in Node
// (renderer 'none' + toSVG(): no canvas, no browser).

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

type Row = Record<string, string | number>;

/** Renders a Vega-Lite spec to an SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const WIDTH = 460;
const HEIGHT = 280;

/**
 * Lines of `y` against `x`, one per `series` value, with points.
 * @example await renderSvg(linePlot({ rows, x: 'kbps', y: 'pu21', ... }))
 */
export function linePlot(o: {
  title: string;
  rows: Row[];
  x: string;
  xTitle: string;
  xLog?: boolean;
  y: string;
  yTitle: string;
  series: string;
  seriesTitle: string;
  points?: boolean;
  /** Every series name in a fixed order, so a method keeps its colour across plots. */
  domain?: string[];
}): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.title,
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    data: { values: o.rows },
    mark: { type: 'line', point: o.points ?? true, strokeWidth: 1.5 },
    encoding: {
      x: { field: o.x, type: 'quantitative', title: o.xTitle, scale: o.xLog ? { type: 'log', nice: false } : { zero: false } },
      y: { field: o.y, type: 'quantitative', title: o.yTitle, scale: { zero: false } },
      color: { field: o.series, type: 'nominal', title: o.seriesTitle, sort: null, ...(o.domain ? { scale: { domain: o.domain } } : {}) },
      order: { field: o.x, type: 'quantitative' },
    },
  };
}

import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  colourBar, crop, deltaEMap, encodePng, falseColour, linePlot, renderSvg, schemeTable, toDisplay, worstWindow, type FramePlanes,
} from '../../src/report/index.js';
import { MOBIUS_DEFAULT_PARAM } from '../../src/roundtrip/index.js';

const hdr = (w: number, h: number, nits: (i: number) => number): FramePlanes => {
  const n = w * h;
  const p = Float32Array.from({ length: n }, (_, i) => nits(i));
  return { width: w, height: h, kind: 'hdr', rgb: { r: p, g: p.slice(), b: p.slice() } };
};

describe('report pictures', () => {
  it('encodePng writes RGB that reads back exactly', () => {
    const img = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 13) };
    const back = PNG.sync.read(encodePng(img));
    expect([back.width, back.height]).toEqual([3, 2]);
    const rgb = [...back.data].filter((_, i) => i % 4 !== 3);
    expect(rgb).toEqual([...img.data]);
  });

  it('ΔE_ITP map: 0 for identical frames, and largest where the test differs', () => {
    const ref = hdr(32, 16, () => 100);
    expect(Math.max(...deltaEMap(ref, ref))).toBe(0);
    const test = hdr(32, 16, (i) => (i % 32 >= 24 && Math.floor(i / 32) < 8 ? 150 : 100));
    const map = deltaEMap(ref, test);
    expect(map[0]).toBe(0);
    expect(map[28]).toBeGreaterThan(10);
    expect(worstWindow(map, 32, 16, 8, 8)).toEqual({ x: 24, y: 0, width: 8, height: 8 });
  });

  it('false colour spans the scheme from 0 to max and clamps beyond; crop takes the box', () => {
    const table = schemeTable('viridis');
    const img = falseColour(Float32Array.from([0, 10, 20, 40]), 4, 1, 20, table);
    expect([...img.data.subarray(0, 3)]).toEqual([...table.subarray(0, 3)]);
    expect([...img.data.subarray(6, 9)]).toEqual([...table.subarray(765, 768)]);
    expect([...img.data.subarray(9, 12)]).toEqual([...table.subarray(765, 768)]);
    expect([...img.data.subarray(0, 3)]).not.toEqual([...img.data.subarray(6, 9)]);
    const c = crop(img, { x: 1, y: 0, width: 2, height: 1 });
    expect([...c.data]).toEqual([...img.data.subarray(3, 9)]);
    expect(colourBar(16, 2, table).data.length).toBe(16 * 2 * 3);
  });

  it('the display mapping shows 100 cd/m² grey below white and the peak at white', () => {
    const display = { curve: 'hable' as const, peak: 10, param: MOBIUS_DEFAULT_PARAM };
    const d = toDisplay(hdr(2, 1, (i) => (i === 0 ? 100 : 1000)), display);
    expect(d.data[0]).toBeGreaterThan(80);
    expect(d.data[0]).toBeLessThan(200);
    expect(d.data[3]).toBe(255);
  });
});

describe('report plots', () => {
  it('renders a Vega-Lite line plot to SVG with one line per series and the axis titles', async () => {
    const rows = [
      { m: 'a', x: 10, y: 30 }, { m: 'a', x: 20, y: 33 }, { m: 'b', x: 10, y: 28 }, { m: 'b', x: 30, y: 35 },
    ];
    const svg = await renderSvg(linePlot({ title: 'T', rows, x: 'x', xTitle: 'kbit/s', xLog: true, y: 'y', yTitle: 'PU21-PSNR (dB)', series: 'm', seriesTitle: 'method' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('kbit/s');
    expect(svg).toContain('PU21-PSNR (dB)');
    expect(svg.match(/role-mark[^"]*"[^>]*>/g)?.length ?? 0).toBeGreaterThan(0);
    // Two series: two line paths in the line mark group.
    expect((svg.match(/aria-roledescription="line mark"/g) ?? []).length).toBe(2);
  });
});

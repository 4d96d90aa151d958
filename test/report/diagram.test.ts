import { describe, expect, it } from 'vitest';
import { barChart, niceStep } from '../../src/report/charts.js';
import { diagramSvg, layoutDiagram, type PlacedNode } from '../../src/report/diagram.js';
import { compact, fitText, metric, textWidth } from '../../src/report/format.js';
import type { LayerGraph, LayerReport } from '../../src/report/types.js';

const stream = (node: string) => [{ node, lanes: 2, format: 's16.11', bits: 32 }];

/** input -> a -> {b1, b2} -> cat -> m0 -> m1 -> ... -> m7, plus a skip edge a -> cat. */
function graph(): LayerGraph {
  const chain = Array.from({ length: 8 }, (_, i) => `m${i}`);
  const layers = ['input', 'a', 'b1', 'b2', 'cat', ...chain];
  const edges = [
    ['input', 'a'],
    ['a', 'b1'],
    ['a', 'b2'],
    ['b1', 'cat'],
    ['b2', 'cat'],
    ['a', 'cat'],
    ['cat', 'm0'],
    ...chain.slice(1).map((m, i) => [chain[i]!, m]),
  ].map(([from, to]) => ({ from: from!, to: to!, streams: stream(`${from}/out`) }));
  return { layers, edges, outputLayer: 'm7' };
}

function layer(name: string): LayerReport {
  return { name, kind: '3×3 XNOR conv', features: ['SE'], nodes: 3, pe: 2, simd: 4, par: 2, cycles: 100, load: 0.5, bottleneck: name === 'a', weightBits: 1, bufferBits: 1, lutsEstimate: 1, synth: null, sqnr: null, power: null };
}

const overlap = (p: PlacedNode, q: PlacedNode) => !(p.x + p.w <= q.x || q.x + q.w <= p.x || p.y + p.h <= q.y || q.y + q.h <= p.y);

describe('layer diagram layout', () => {
  it('ranks by longest path, stacks forks, wraps rows within the width, never overlaps', () => {
    const g = graph();
    const lay = layoutDiagram(g, 800);
    const at = (n: string) => lay.nodes.get(n)!;
    expect(at('b1').rank).toBe(at('b2').rank);
    expect(at('b1').x).toBe(at('b2').x);
    expect(at('b1').y).toBeLessThan(at('b2').y);
    expect(at('cat').rank).toBe(at('b1').rank + 1); // the skip edge a -> cat does not pull it forward
    expect(at('logits')).toMatchObject({ port: true, rank: at('m7').rank + 1 });
    expect(lay.perRow).toBeGreaterThan(1);
    const rows = new Set([...lay.nodes.values()].map((n) => n.row));
    expect(rows.size).toBe(Math.ceil((at('logits').rank + 1) / lay.perRow));
    const all = [...lay.nodes.values()];
    for (const n of all) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.x + n.w).toBeLessThanOrEqual(Math.min(800, lay.width));
      expect(n.y + n.h).toBeLessThanOrEqual(lay.height);
    }
    for (const [i, p] of all.entries()) for (const q of all.slice(i + 1)) expect(overlap(p, q), `${p.name} / ${q.name}`).toBe(false);
    // Later rows are below earlier ones.
    for (const p of all) for (const q of all) if (p.row < q.row) expect(p.y + p.h).toBeLessThan(q.y);
  });

  it('draws one box per layer, one path per stream, the logits port, and the bottleneck mark', () => {
    const g = graph();
    const svg = diagramSvg(g, g.layers.map(layer), { lanes: 1, format: 's16.13', tdataBits: 16 }, 10);
    expect(svg.match(/<g class="layer-node /g)).toHaveLength(g.layers.length);
    expect(svg.match(/<path class="edge"/g)).toHaveLength(g.edges.length + 1);
    expect(svg.match(/class="layer-node [\w-]+ bottleneck"/g)).toHaveLength(1);
    expect(svg).toContain('logits ×10');
  });
});

describe('report charts and formats', () => {
  it('chooses round axis steps', () => {
    expect([niceStep(3072), niceStep(1179648), niceStep(9.6), niceStep(0)]).toEqual([1000, 250000, 2, 1]);
  });

  it('draws one row per value and the marker inside the plot', () => {
    const svg = barChart({ title: 'cycles', series: [{ name: 'c', cls: 's0' }], rows: [{ label: 'a', values: [10] }, { label: 'b', values: [40], cls: 'hot' }], format: String, marker: { value: 40, label: 'II' } });
    expect(svg.match(/<rect class="bar /g)).toHaveLength(2);
    expect(svg).toContain('class="bar hot"');
    const bars = [...svg.matchAll(/<rect class="bar \w+" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[2]));
    expect(bars[1]! / bars[0]!).toBeCloseTo(4, 1);
    const [, mx] = /<line class="marker" x1="([\d.]+)"/.exec(svg)!;
    const [, bx] = /<rect class="bar hot" x="([\d.]+)"/.exec(svg)!;
    expect(Number(mx)).toBeCloseTo(Number(bx) + bars[1]!, 0);
  });

  it('formats numbers and fits text', () => {
    expect([compact(8000), compact(250000), compact(1250000), compact(2.5)]).toEqual(['8,000', '250 k', '1.25 M', '2.5']);
    expect([metric(195800e-12, 'J'), metric(110.16e-6, 's'), metric(0, 'W')]).toEqual(['196 nJ', '110 µs', '0 W']);
    const cut = fitText('feature.13.Attention', 80, 12);
    expect(cut.endsWith('…')).toBe(true);
    expect(textWidth(cut, 12)).toBeLessThanOrEqual(80);
    expect(fitText('head', 80, 12)).toBe('head');
  });
});

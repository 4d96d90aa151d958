/**
 * The layer-level view of a design's graph: what each layer computes (in a few words, with its
 * structural features) and the streams between layers, with their widths as the RTL has them.
 */
import { formatName } from '../ir/fixed.js';
import type { Graph, Node } from '../ir/graph.js';
import { dataWidth } from '../emit/stream.js';
import type { LayerEdge, LayerGraph } from './types.js';

/** What a layer computes and which structural features it has. */
export interface LayerShape {
  /** A few words, e.g. `3×3 XNOR conv`, `concat`, `GAP + FC`. */
  readonly kind: string;
  /** `SE`, `residual`, `ELM`, `pool`, `concat`, `FC`, in that order when present. */
  readonly features: readonly string[];
}

/** Describes one layer from its nodes (in graph order). */
export function describeLayer(nodes: readonly Node[]): LayerShape {
  const has = (k: Node['kind']): boolean => nodes.some((n) => n.kind === k);
  const features: string[] = [];
  if (has('sigmoid')) features.push('SE');
  if (has('add')) features.push('residual');
  if (has('mul')) features.push('ELM');
  if (has('avgpool') || has('maxpool')) features.push('pool');
  if (has('concat')) features.push('concat');
  if (has('fc') && !has('sigmoid')) features.push('FC');
  const mvaus = nodes.filter((n): n is Node & { kind: 'mvau' } => n.kind === 'mvau');
  const main = mvaus.find((n) => n.mode === 'xnor') ?? mvaus[0];
  let kind: string;
  if (has('input')) kind = 'image input';
  else if (main) {
    const w = nodes.find((n): n is Node & { kind: 'window' } => n.kind === 'window');
    const k = w?.kernel ?? 1;
    kind = `${k}×${k} ${main.mode === 'xnor' ? 'XNOR conv' : 'conv (int)'}`;
  } else if (has('concat')) kind = 'concat';
  else if (has('gap') && has('fc')) kind = 'GAP + FC';
  else if (has('maxpool')) kind = 'max pool';
  else kind = [...new Set(nodes.map((n) => n.kind).filter((k) => k !== 'fork' && k !== 'fifo' && k !== 'dwc' && k !== 'output'))].join(' + ') || 'stream';
  return { kind, features };
}

/** Element format of a stream: `bin` or a fixed-point format name. */
function streamFormat(n: Node): string {
  return n.elem.kind === 'fix' ? formatName(n.elem.fmt) : n.elem.kind;
}

/** The layer graph: layers in `order`, edges wherever a node reads a node of another layer. */
export function layerGraph(g: Graph, order: readonly string[]): LayerGraph {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const edges = new Map<string, { from: string; to: string; streams: Map<string, LayerEdge['streams'][number]> }>();
  for (const n of g.nodes) {
    for (const id of n.inputs) {
      const p = byId.get(id)!;
      if (p.layer === n.layer || n.kind === 'output') continue;
      const key = `${p.layer}\u0000${n.layer}`;
      const e = edges.get(key) ?? { from: p.layer, to: n.layer, streams: new Map() };
      e.streams.set(p.id, { node: p.id, lanes: p.par, format: streamFormat(p), bits: dataWidth(p) });
      edges.set(key, e);
    }
  }
  const out = g.nodes.find((n) => n.kind === 'output')!;
  return {
    layers: [...order],
    edges: [...edges.values()].map((e) => ({ from: e.from, to: e.to, streams: [...e.streams.values()] })),
    outputLayer: byId.get(out.inputs[0]!)!.layer,
  };
}

/** Nodes of each layer, in graph order. */
export function nodesByLayer(g: Graph): Map<string, Node[]> {
  const m = new Map<string, Node[]>();
  for (const n of g.nodes) {
    const list = m.get(n.layer) ?? [];
    list.push(n);
    m.set(n.layer, list);
  }
  return m;
}

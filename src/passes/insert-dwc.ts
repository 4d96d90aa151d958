/**
 * Pass `insert-dwc`: where a consumer needs another number of lanes per beat than its producer
 * delivers, a data-width converter is put on that edge. What each input needs is the consumer's
 * own `par`, except: an MVAU reads `simd` lanes, an FC reads whatever its producer gives (its
 * InPar), a gate's vector input may be any divisor of the map's lanes, a dwc/fork/fifo adapts.
 */
import type { DwcNode, Graph, Node } from '../ir/graph.js';
import { withNodes } from './util.js';

/** Lanes input `i` of `n` must arrive with, or undefined when any count is accepted. */
function wantedPar(n: Node, i: number, producer: Node): number | undefined {
  switch (n.kind) {
    case 'mvau':
      return n.simd;
    case 'fc':
      return producer.shape[0] % producer.par === 0 ? undefined : 1;
    case 'gate':
      return i === 1 ? (n.par % producer.par === 0 ? undefined : n.par) : n.par;
    case 'fork':
    case 'fifo':
    case 'dwc':
    case 'output':
      return undefined;
    default:
      return n.par;
  }
}

/** Inserts converters on every edge whose lane counts differ. */
export function insertDwc(g: Graph): Graph {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const out: Node[] = [];
  for (const n of g.nodes) {
    const inputs = n.inputs.map((id, i) => {
      const p = byId.get(id)!;
      const want = wantedPar(n, i, p);
      if (want === undefined || want === p.par) return id;
      const d: DwcNode = {
        kind: 'dwc',
        id: `${n.id}_dwc${i}`,
        inputs: [id],
        shape: p.shape,
        elem: p.elem,
        par: want,
        layer: n.layer,
        ...(n.loc ? { loc: n.loc } : {}),
      };
      out.push(d);
      return d.id;
    });
    out.push(inputs.some((x, i) => x !== n.inputs[i]) ? ({ ...n, inputs } as Node) : n);
  }
  return withNodes(g, out, 'insert-dwc');
}

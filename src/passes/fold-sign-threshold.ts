/**
 * Pass `fold-sign-threshold`: sign(x + move[c]) becomes a per-channel threshold on x itself,
 * bit = x >= -move[c] (the float interpretation keeps PyTorch's sign(0) = 0 at the tie).
 */
import type { Graph, Node, ThresholdNode } from '../ir/graph.js';
import { rewire, useCounts, withNodes } from './util.js';

/** Folds every bias -> sign pair. */
export function foldSignThreshold(g: Graph): Graph {
  const uses = useCounts(g.nodes);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const drop = new Set<string>();
  const map = new Map<string, string>();
  const out: Node[] = [];
  for (const n of g.nodes) {
    if (n.kind === 'sign') {
      const src = byId.get(n.inputs[0]!)!;
      const layer = n.layer;
      const t: ThresholdNode =
        src.kind === 'bias' && uses.get(src.id) === 1
          ? { ...base(n, `${layer}/threshold`, src.inputs[0]!), kind: 'threshold', t: Float64Array.from(src.bias, (b) => -b) }
          : { ...base(n, `${layer}/threshold`, src.id), kind: 'threshold', t: new Float64Array(n.shape[0]) };
      if (src.kind === 'bias' && uses.get(src.id) === 1) drop.add(src.id);
      map.set(n.id, t.id);
      out.push(t);
      continue;
    }
    out.push(n);
  }
  return withNodes(g, rewire(out.filter((n) => !drop.has(n.id)), map), 'fold-sign-threshold');
}

function base(n: Node, id: string, input: string) {
  return { id, inputs: [input], shape: n.shape, elem: n.elem, par: n.par, layer: n.layer, ...(n.loc ? { loc: n.loc } : {}) };
}

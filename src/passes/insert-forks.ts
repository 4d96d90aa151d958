/**
 * Pass `insert-forks`: in hardware each stream has exactly one consumer, so a node read by
 * several consumers gets a fork; consumers then read the fork (port order = consumer order).
 */
import type { ForkNode, Graph, Node } from '../ir/graph.js';
import { useCounts, withNodes } from './util.js';

/** Inserts a fork after every multi-consumer node. */
export function insertForks(g: Graph): Graph {
  const uses = useCounts(g.nodes);
  const out: Node[] = [];
  const forkOf = new Map<string, string>();
  for (const n of g.nodes) {
    const m = n.inputs.some((i) => forkOf.has(i)) ? ({ ...n, inputs: n.inputs.map((i) => forkOf.get(i) ?? i) } as Node) : n;
    out.push(m);
    if ((uses.get(n.id) ?? 0) > 1 && n.kind !== 'fork') {
      const f: ForkNode = { kind: 'fork', id: `${n.id}_fork`, inputs: [n.id], shape: n.shape, elem: n.elem, par: n.par, layer: n.layer, ...(n.loc ? { loc: n.loc } : {}) };
      out.push(f);
      forkOf.set(n.id, f.id);
    }
  }
  return withNodes(g, out, 'insert-forks');
}

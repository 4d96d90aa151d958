/** Small helpers for passes: passes never mutate their input graph. */
import type { Graph, Node } from '../ir/graph.js';

/** A new graph with `nodes` and the pass name appended. */
export function withNodes(g: Graph, nodes: readonly Node[], pass: string): Graph {
  return { name: g.name, nodes, passes: [...g.passes, pass] };
}

/** Replaces producer ids in every node's inputs according to `map`. */
export function rewire(nodes: readonly Node[], map: ReadonlyMap<string, string>): Node[] {
  return nodes.map((n) => (n.inputs.some((i) => map.has(i)) ? ({ ...n, inputs: n.inputs.map((i) => map.get(i) ?? i) } as Node) : n));
}

/** Number of consumers of each node id. */
export function useCounts(nodes: readonly Node[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of nodes) for (const i of n.inputs) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

/** Stream widths of IR edges, as the cores see them (see templates/cores/README.md). */
import type { Node } from '../ir/graph.js';

/** Bits per element: 1 for binary, the format width for fixed point. */
export function elemWidth(n: Node): number {
  if (n.elem.kind === 'bin') return 1;
  if (n.elem.kind === 'fix') return n.elem.fmt.width;
  throw new Error(`internal: ${n.id} is not quantized (float streams cannot be emitted)`);
}

/** Whether a node's beats carry a window's padding flag above their lanes. */
export function carriesPadFlag(n: Node): boolean {
  return n.kind === 'window' || (n.kind === 'fifo' && n.padFlag === true);
}

/** tdata width of a node's output stream: `par` lanes, plus the padding flag after a window. */
export function dataWidth(n: Node): number {
  return n.par * elemWidth(n) + (carriesPadFlag(n) ? 1 : 0);
}

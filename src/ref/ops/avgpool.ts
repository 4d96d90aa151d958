import type { Node } from '../../ir/graph.js';
import type { RefOp } from './types.js';

function pool(n: Node, src: Node, x: Float64Array, scale: number): Float64Array {
  const [c, ho, wo] = n.shape;
  const [, h, w] = src.shape;
  const out = new Float64Array(c * ho * wo);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < ho; y++)
      for (let xx = 0; xx < wo; xx++) {
        const b = (ch * h + 2 * y) * w + 2 * xx;
        out[(ch * ho + y) * wo + xx] = (x[b]! + x[b + 1]! + x[b + w]! + x[b + w + 1]!) * scale;
      }
  return out;
}

/** Float: mean of each 2x2 block. Integer: the exact sum of the 4 codes (output format has 2 more fraction bits). */
export const avgpool: RefOp<'avgpool'> = {
  float: (n, ins) => pool(n, ins.nodes[0]!, ins.values[0]!, 0.25),
  int: (n, ins) => pool(n, ins.nodes[0]!, ins.values[0]!, 1),
};

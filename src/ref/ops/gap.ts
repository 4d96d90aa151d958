import { checkFits, saturate, shiftRound } from '../../ir/fixed.js';
import type { Node } from '../../ir/graph.js';
import type { RefOp } from './types.js';
import { fmtOf, qOf } from './types.js';

function sums(src: Node, x: Float64Array): Float64Array {
  const [c, h, w] = src.shape;
  const hw = h * w;
  const out = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < hw; i++) s += x[ch * hw + i]!;
    out[ch] = s;
  }
  return out;
}

/** Float: mean over H*W. Integer: exact sum S, out = saturate(shiftRound(S * recip, shift)). */
export const gap: RefOp<'gap'> = {
  float: (_n, ins) => {
    const [, h, w] = ins.nodes[0]!.shape;
    return sums(ins.nodes[0]!, ins.values[0]!).map((s) => s / (h * w));
  },
  int: (n, ins) => {
    const q = qOf(n);
    const f = fmtOf(n);
    return sums(ins.nodes[0]!, ins.values[0]!).map((s) => saturate(shiftRound(checkFits(s, q.sumWidth, n.id) * q.recip, q.shift), f));
  },
};

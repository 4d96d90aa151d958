import { checkFits, saturate, shiftRound } from '../../ir/fixed.js';
import type { NodeOf, Vec } from '../../ir/graph.js';
import type { RefOp } from './types.js';
import { fmtOf, qOf } from './types.js';

function affineVec(n: NodeOf<'fc'>, w: Vec, b: Vec, x: Float64Array): Float64Array {
  const out = new Float64Array(n.outFeatures);
  for (let o = 0; o < n.outFeatures; o++) {
    let acc = b[o]!;
    for (let i = 0; i < n.inFeatures; i++) acc += w[o * n.inFeatures + i]! * x[i]!;
    out[o] = n.relu && acc < 0 ? 0 : acc;
  }
  return out;
}

/**
 * Float: W x + b, then ReLU if set.
 * Integer: acc = sum w_code*x_code + b_code (2^-(xFrac+wFrac) units), ReLU, out = saturate(shiftRound(acc, xFrac + wFrac - outFrac)).
 */
export const fc: RefOp<'fc'> = {
  float: (n, ins) => affineVec(n, n.weight, n.bias, ins.values[0]!),
  int: (n, ins) => {
    const q = qOf(n);
    const f = fmtOf(n);
    const sh = fmtOf(ins.nodes[0]!).frac + q.wFmt.frac - f.frac;
    return affineVec(n, q.w, q.b, ins.values[0]!).map((a) => saturate(shiftRound(checkFits(a, q.accWidth, n.id), sh), f));
  },
};

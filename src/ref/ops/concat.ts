import { saturate, shiftRound } from '../../ir/fixed.js';
import type { RefOp } from './types.js';
import { fmtOf } from './types.js';

/** Channel concatenation. Integer: each input requantized to the output format (a no-op when formats agree). */
export const concat: RefOp<'concat'> = {
  float: (n, ins) => {
    const out = new Float64Array(n.shape[0] * n.shape[1] * n.shape[2]);
    let o = 0;
    for (const v of ins.values) {
      out.set(v, o);
      o += v.length;
    }
    return out;
  },
  int: (n, ins) => {
    const f = fmtOf(n);
    const out = new Float64Array(n.shape[0] * n.shape[1] * n.shape[2]);
    let o = 0;
    ins.values.forEach((v, k) => {
      const sh = fmtOf(ins.nodes[k]!).frac - f.frac;
      out.set(
        v.map((x) => saturate(shiftRound(x, sh), f)),
        o,
      );
      o += v.length;
    });
    return out;
  },
};

import { saturate, shiftRound } from '../../ir/fixed.js';
import type { RefOp } from './types.js';
import { fmtOf } from './types.js';

/** Float: a*b. Integer: out = saturate(shiftRound(a*b, fa + fb - outFrac)). */
export const mul: RefOp<'mul'> = {
  float: (_n, ins) => {
    const [a, b] = ins.values as [Float64Array, Float64Array];
    return a.map((v, i) => v * b[i]!);
  },
  int: (n, ins) => {
    const f = fmtOf(n);
    const sh = fmtOf(ins.nodes[0]!).frac + fmtOf(ins.nodes[1]!).frac - f.frac;
    const [a, b] = ins.values as [Float64Array, Float64Array];
    return a.map((v, i) => saturate(shiftRound(v * b[i]!, sh), f));
  },
};

import { saturate, shiftRound } from '../../ir/fixed.js';
import type { RefOp } from './types.js';
import { fmtOf } from './types.js';

/** Float: a+b. Integer: align to F = max(fa, fb), sum, out = saturate(shiftRound(sum, F - outFrac)). */
export const add: RefOp<'add'> = {
  float: (_n, ins) => {
    const [a, b] = ins.values as [Float64Array, Float64Array];
    return a.map((v, i) => v + b[i]!);
  },
  int: (n, ins) => {
    const f = fmtOf(n);
    const fa = fmtOf(ins.nodes[0]!).frac;
    const fb = fmtOf(ins.nodes[1]!).frac;
    const F = Math.max(fa, fb);
    const [a, b] = ins.values as [Float64Array, Float64Array];
    return a.map((v, i) => saturate(shiftRound(v * 2 ** (F - fa) + b[i]! * 2 ** (F - fb), F - f.frac), f));
  },
};

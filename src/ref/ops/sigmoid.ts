import { minCode, saturate } from '../../ir/fixed.js';
import type { RefOp } from './types.js';
import { fmtOf, qOf } from './types.js';

/** Float: 1 / (1 + e^-x). Integer: lut[saturate(x) - minCode(inFmt)]. */
export const sigmoid: RefOp<'sigmoid'> = {
  float: (_n, ins) => ins.values[0]!.map((v) => 1 / (1 + Math.exp(-v))),
  int: (n, ins) => {
    const lut = qOf(n).lut;
    const fi = fmtOf(ins.nodes[0]!);
    return ins.values[0]!.map((v) => lut[saturate(v, fi) - minCode(fi)]!);
  },
};

import { saturate, shiftRound } from '../../ir/fixed.js';
import type { RefOp } from './types.js';
import { fmtOf, qOf } from './types.js';

/**
 * Float: lambda*a + (1-lambda)*b.
 * Integer: align a and b to F = max(fa, fb) fraction bits (exact left shifts), then
 * z = L*a' + (2^LF - L)*b' and out = saturate(shiftRound(z, F + LF - outFrac)).
 */
export const mix: RefOp<'mix'> = {
  float: (n, ins) => {
    const [a, b] = ins.values as [Float64Array, Float64Array];
    return a.map((v, c) => n.lambda[c]! * v + (1 - n.lambda[c]!) * b[c]!);
  },
  int: (n, ins) => {
    const q = qOf(n);
    const f = fmtOf(n);
    const fa = fmtOf(ins.nodes[0]!).frac;
    const fb = fmtOf(ins.nodes[1]!).frac;
    const F = Math.max(fa, fb);
    const [a, b] = ins.values as [Float64Array, Float64Array];
    const one = 2 ** q.lambdaFrac;
    return a.map((v, c) => {
      const z = q.lambda[c]! * v * 2 ** (F - fa) + (one - q.lambda[c]!) * b[c]! * 2 ** (F - fb);
      return saturate(shiftRound(z, F + q.lambdaFrac - f.frac), f);
    });
  },
};

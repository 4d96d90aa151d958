import { checkFits, saturate, shiftRound } from '../../ir/fixed.js';
import type { RefOp } from './types.js';
import { fmtOf, perElement, qOf } from './types.js';

/**
 * Float: z = x*scale[c] + shift[c]; z < 0 && slope ? z*slope[c] : z.
 * Integer: z = x*mul[c] + add[c] (2^-zFrac units); if slope and z < 0: z = shiftRound(z*slope[c], slopeFrac);
 * out = saturate(shiftRound(z, zFrac - outFrac)).
 */
export const affine: RefOp<'affine'> = {
  float: (n, ins) =>
    perElement(n, ins.values[0]!, (v, c) => {
      const z = v * n.scale[c]! + n.shift[c]!;
      return n.slope && z < 0 ? z * n.slope[c]! : z;
    }),
  int: (n, ins) => {
    const q = qOf(n);
    const f = fmtOf(n);
    const sh = q.zFrac - f.frac;
    return perElement(n, ins.values[0]!, (v, c) => {
      let z = checkFits(v * q.mul[c]! + q.add[c]!, q.zWidth, n.id);
      if (q.slope && z < 0) z = shiftRound(z * q.slope[c]!, q.slopeFrac);
      return saturate(shiftRound(z, sh), f);
    });
  },
};

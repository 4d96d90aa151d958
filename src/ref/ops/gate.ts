import { checkFits, saturate, shiftRound } from '../../ir/fixed.js';
import type { RefOp } from './types.js';
import { fmtOf, perElement, qOf } from './types.js';

/**
 * Float: x * g[c] * scale[c] + shift[c].
 * Integer: k[c] = g_code[c] * scale_code[c] (once per frame); z = x*k[c] + shift_code[c]
 * (2^-(fx + fg + scaleFrac) units); out = saturate(shiftRound(z, fx + fg + scaleFrac - outFrac)).
 */
export const gate: RefOp<'gate'> = {
  float: (n, ins) => {
    const g = ins.values[1]!;
    return perElement(n, ins.values[0]!, (v, c) => v * g[c]! * n.scale[c]! + n.shift[c]!);
  },
  int: (n, ins) => {
    const q = qOf(n);
    const f = fmtOf(n);
    const g = ins.values[1]!;
    const sh = fmtOf(ins.nodes[0]!).frac + fmtOf(ins.nodes[1]!).frac + q.scaleFrac - f.frac;
    return perElement(n, ins.values[0]!, (v, c) => saturate(shiftRound(checkFits(v * (g[c]! * q.scale[c]!) + q.shift[c]!, q.prodWidth, n.id), sh), f));
  },
};

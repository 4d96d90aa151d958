import type { RefOp } from './types.js';
import { perElement, qOf } from './types.js';

/**
 * Float: sign(x - t[c]) (PyTorch sign(x + move), 0 at an exact tie).
 * Integer: x >= t[c] ? +1 : -1 (hardware tie rule: +1).
 */
export const threshold: RefOp<'threshold'> = {
  float: (n, ins) => perElement(n, ins.values[0]!, (v, c) => Math.sign(v - n.t[c]!)),
  int: (n, ins) => {
    const t = qOf(n).t;
    return perElement(n, ins.values[0]!, (v, c) => (v >= t[c]! ? 1 : -1));
  },
};

import type { RefOp } from './types.js';
import { notInHardware, perElement } from './types.js';

/** x >= 0 ? x : slope[c]*x. */
export const prelu: RefOp<'prelu'> = {
  float: (n, ins) => perElement(n, ins.values[0]!, (v, c) => (v >= 0 ? v : v * n.slope[c]!)),
  int: () => notInHardware('prelu'),
};

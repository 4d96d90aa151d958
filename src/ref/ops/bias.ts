import type { RefOp } from './types.js';
import { notInHardware, perElement } from './types.js';

/** x + bias[c]. */
export const bias: RefOp<'bias'> = {
  float: (n, ins) => perElement(n, ins.values[0]!, (v, c) => v + n.bias[c]!),
  int: () => notInHardware('bias'),
};

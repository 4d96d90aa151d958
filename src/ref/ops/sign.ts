import type { RefOp } from './types.js';
import { notInHardware, perElement } from './types.js';

/** PyTorch sign: -1, 0 or +1. */
export const sign: RefOp<'sign'> = {
  float: (n, ins) => perElement(n, ins.values[0]!, (v) => Math.sign(v)),
  int: () => notInHardware('sign'),
};

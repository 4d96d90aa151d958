import type { RefOp } from './types.js';
import { notInHardware, perElement } from './types.js';

/** x*scale[c] + shift[c]. */
export const batchnorm: RefOp<'batchnorm'> = {
  float: (n, ins) => perElement(n, ins.values[0]!, (v, c) => v * n.scale[c]! + n.shift[c]!),
  int: () => notInHardware('batchnorm'),
};

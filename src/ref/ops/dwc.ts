import type { RefOp } from './types.js';

/** Identity on values (a dwc only regroups lanes into beats). */
export const dwc: RefOp<'dwc'> = {
  float: (_n, ins) => ins.values[0]!,
  int: (_n, ins) => ins.values[0]!,
};

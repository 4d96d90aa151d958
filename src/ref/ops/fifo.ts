import type { RefOp } from './types.js';

/** Identity on values (fifo only changes timing). */
export const fifo: RefOp<'fifo'> = {
  float: (_n, ins) => ins.values[0]!,
  int: (_n, ins) => ins.values[0]!,
};

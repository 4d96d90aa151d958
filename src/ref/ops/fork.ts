import type { RefOp } from './types.js';

/** Identity on values (fork only changes timing). */
export const fork: RefOp<'fork'> = {
  float: (_n, ins) => ins.values[0]!,
  int: (_n, ins) => ins.values[0]!,
};

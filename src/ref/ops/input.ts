import type { RefOp } from './types.js';

/** The image: the interpreter passes it in (already quantized to codes in the integer model). */
export const input: RefOp<'input'> = {
  float: (_n, ins) => ins.values[0]!,
  int: (_n, ins) => ins.values[0]!,
};

import type { RefOp } from './types.js';

/** Logits pass through; the host dequantizes integer codes with the output's format. */
export const output: RefOp<'output'> = {
  float: (_n, ins) => ins.values[0]!,
  int: (_n, ins) => ins.values[0]!,
};

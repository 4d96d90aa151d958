import type { OpInfo } from './types.js';
import { inputKinds, sameShape, streamCycles } from './types.js';

/** Sigmoid by lookup table on the saturated input code. */
export const sigmoid: OpInfo<'sigmoid'> = {
  summary: 'sigmoid (lookup table in hardware)',
  arity: 1,
  shape: sameShape,
  check: (_n, ins) => inputKinds(ins, ['float', 'fix']),
  cycles: streamCycles,
};

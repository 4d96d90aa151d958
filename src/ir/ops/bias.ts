import type { OpInfo } from './types.js';
import { perChannel, sameShape, streamCycles } from './types.js';

/** Per-channel bias add (the module's `move`); folded into the threshold. */
export const bias: OpInfo<'bias'> = {
  summary: 'per-channel additive bias (move), folded away by fold-sign-threshold',
  arity: 1,
  shape: sameShape,
  check: (n) => perChannel('bias', n.bias, n.shape[0]),
  cycles: streamCycles,
};

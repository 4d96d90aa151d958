import type { OpInfo } from './types.js';
import { beats, inputKinds } from './types.js';

/** Global average pool: exact per-channel sum over H*W, times a rounded reciprocal. Consumes the map. */
export const gap: OpInfo<'gap'> = {
  summary: 'global average pool: exact sum times a rounded reciprocal of H*W',
  arity: 1,
  shape: (_n, ins) => [ins[0]!.shape[0], 1, 1],
  check: (_n, ins) => inputKinds(ins, ['float', 'fix']),
  cycles: (n, ins) => beats(ins[0]!) + beats(n),
};

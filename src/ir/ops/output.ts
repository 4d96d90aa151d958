import type { OpInfo } from './types.js';
import { sameShape, streamCycles } from './types.js';

/** The logits output stream (one beat per `par` classes). */
export const output: OpInfo<'output'> = {
  summary: 'network output (logits)',
  arity: 1,
  shape: sameShape,
  check: (n, ins) => (n.par === ins[0]!.par ? [] : ['output par must equal its producer par']),
  cycles: streamCycles,
};

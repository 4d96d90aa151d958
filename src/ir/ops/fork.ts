import type { OpInfo } from './types.js';
import { sameShape, streamCycles } from './types.js';

/** Stream duplication for several consumers (inserted by insert-forks). */
export const fork: OpInfo<'fork'> = {
  summary: 'duplicate a stream to several consumers',
  arity: 1,
  shape: sameShape,
  check: (n, ins) => (n.par === ins[0]!.par ? [] : ['fork keeps par']),
  cycles: streamCycles,
};

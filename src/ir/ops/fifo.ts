import type { OpInfo } from './types.js';
import { sameShape, streamCycles } from './types.js';

/** Stream FIFO. */
export const fifo: OpInfo<'fifo'> = {
  summary: 'stream FIFO',
  arity: 1,
  shape: sameShape,
  check: (n, ins) => [...(n.depth >= 1 ? [] : ['depth must be >= 1']), ...(n.par === ins[0]!.par ? [] : ['fifo keeps par'])],
  cycles: streamCycles,
};

import type { OpInfo } from './types.js';
import { streamCycles } from './types.js';

/** Channel concatenation: each pixel carries input 0's channels, then input 1's, ... */
export const concat: OpInfo<'concat'> = {
  summary: 'channel concatenation (inputs in order)',
  arity: 'many',
  shape: (_n, ins) => [ins.reduce((a, i) => a + i.shape[0], 0), ins[0]!.shape[1], ins[0]!.shape[2]],
  check: (n, ins) => [
    ...(ins.every((i) => i.shape[1] === ins[0]!.shape[1] && i.shape[2] === ins[0]!.shape[2]) ? [] : ['inputs differ in height/width']),
    ...(ins.every((i) => i.shape[0] % n.par === 0) ? [] : [`par ${n.par} must divide every input's channels`]),
  ],
  cycles: streamCycles,
};

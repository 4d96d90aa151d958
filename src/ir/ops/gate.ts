import type { OpInfo } from './types.js';
import { inputKinds, parDivides, perChannel, streamCycles } from './types.js';

/** Channel gate fused with BN2: x * g[c] * scale[c] + shift[c]; g arrives once per frame. */
export const gate: OpInfo<'gate'> = {
  summary: 'SE channel gate fused with BN2: x*g[c]*scale[c] + shift[c]',
  arity: 2,
  shape: (_n, ins) => ins[0]!.shape,
  check: (n, ins) => [
    ...inputKinds(ins, ['float', 'fix']),
    ...perChannel('scale', n.scale, n.shape[0]),
    ...perChannel('shift', n.shift, n.shape[0]),
    ...(ins[1]!.shape[0] === n.shape[0] && ins[1]!.shape[1] === 1 ? [] : ['gate vector must be [C,1,1]']),
    ...parDivides(n),
  ],
  cycles: (n, ins) => streamCycles(n, ins.slice(0, 1)),
};

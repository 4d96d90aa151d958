import type { OpInfo } from './types.js';
import { inputKinds, parDivides, sameShape, streamCycles } from './types.js';

/** element-wise sum (residual) of two equally shaped maps. */
export const add: OpInfo<'add'> = {
  summary: 'element-wise sum (residual)',
  arity: 2,
  shape: sameShape,
  check: (n, ins) => [
    ...inputKinds(ins, ['float', 'fix']),
    ...(ins[0]!.shape.join() === ins[1]!.shape.join() ? [] : ['inputs differ in shape']),
    ...parDivides(n),
  ],
  cycles: streamCycles,
};

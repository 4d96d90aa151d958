import type { OpInfo } from './types.js';
import { inputKinds, perChannel, sameShape, streamCycles } from './types.js';

/** Lambda mix of two vectors: lambda*a + (1-lambda)*b. */
export const mix: OpInfo<'mix'> = {
  summary: 'Info-Recoupling mix on channel vectors: lambda*a + (1-lambda)*b',
  arity: 2,
  shape: sameShape,
  check: (n, ins) => [
    ...inputKinds(ins, ['float', 'fix']),
    ...perChannel('lambda', n.lambda, n.shape[0]),
    ...(ins[0]!.shape.join() === ins[1]!.shape.join() ? [] : ['mix inputs differ in shape']),
  ],
  cycles: streamCycles,
};

import { convOut } from '../../dsl/builder.js';
import type { OpInfo } from './types.js';
import { inputKinds, parDivides, streamCycles } from './types.js';

/** Max pool k x k, stride s, padding p (padding never wins). */
export const maxpool: OpInfo<'maxpool'> = {
  summary: 'max pool (padding never wins)',
  arity: 1,
  shape: (n, ins) => {
    const [c, h, w] = ins[0]!.shape;
    return [c, convOut(h, n.kernel, n.stride, n.pad), convOut(w, n.kernel, n.stride, n.pad)];
  },
  check: (n, ins) => [...inputKinds(ins, ['float', 'fix']), ...parDivides(n)],
  cycles: streamCycles,
};

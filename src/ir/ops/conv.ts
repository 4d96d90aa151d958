import { convOut } from '../../dsl/builder.js';
import type { OpInfo } from './types.js';
import { inputKinds } from './types.js';

/** Convolution before `split-conv`: binary (sign weights on a binary map) or real. */
export const conv: OpInfo<'conv'> = {
  summary: 'convolution (binary or real), split into window + mvau by split-conv',
  arity: 1,
  shape: (n, ins) => {
    const [, h, w] = ins[0]!.shape;
    return [n.shape[0], convOut(h, n.kernel, n.stride, n.pad), convOut(w, n.kernel, n.stride, n.pad)];
  },
  check: (n, ins) => [
    ...inputKinds(ins, n.binary ? ['bin'] : ['float', 'fix']),
    ...(n.weight.length === n.shape[0] * ins[0]!.shape[0] * n.kernel * n.kernel ? [] : [`weight has ${n.weight.length} entries`]),
  ],
  cycles: (n, ins) => n.shape[1] * n.shape[2] * n.shape[0] * ins[0]!.shape[0] * n.kernel * n.kernel,
};

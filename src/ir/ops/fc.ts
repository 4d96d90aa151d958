import type { OpInfo } from './types.js';
import { inputKinds } from './types.js';

/** Fully connected layer on a vector (SE squeeze/expand, head classifier). */
export const fc: OpInfo<'fc'> = {
  summary: 'fully connected on a channel vector (+ bias, optional ReLU)',
  arity: 1,
  shape: (n) => [n.outFeatures, 1, 1],
  check: (n, ins) => [
    ...inputKinds(ins, ['float', 'fix']),
    ...(ins[0]!.shape[0] === n.inFeatures ? [] : [`input has ${ins[0]!.shape[0]} features, expected ${n.inFeatures}`]),
    ...(n.weight.length === n.inFeatures * n.outFeatures ? [] : [`weight has ${n.weight.length} entries`]),
    ...(n.bias.length === n.outFeatures ? [] : [`bias has ${n.bias.length} entries`]),
    ...(n.outFeatures % n.par === 0 ? [] : [`par ${n.par} does not divide ${n.outFeatures} outputs`]),
  ],
  cycles: (n, ins) => (n.outFeatures / n.par) * (n.inFeatures / ins[0]!.par),
};

import type { OpInfo } from './types.js';
import { perChannel, sameShape, streamCycles } from './types.js';

/** Eval-mode BatchNorm as scale/shift; folded into an affine. */
export const batchnorm: OpInfo<'batchnorm'> = {
  summary: 'batch norm (x*scale + shift), folded away by fold-bn-prelu',
  arity: 1,
  shape: sameShape,
  check: (n) => [...perChannel('scale', n.scale, n.shape[0]), ...perChannel('shift', n.shift, n.shape[0])],
  cycles: streamCycles,
};

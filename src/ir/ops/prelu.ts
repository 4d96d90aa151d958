import type { OpInfo } from './types.js';
import { perChannel, sameShape, streamCycles } from './types.js';

/** PReLU; folded into an affine. */
export const prelu: OpInfo<'prelu'> = {
  summary: 'PReLU (x >= 0 ? x : slope*x), folded away by fold-bn-prelu',
  arity: 1,
  shape: sameShape,
  check: (n) => perChannel('slope', n.slope, n.shape[0]),
  cycles: streamCycles,
};

import type { OpInfo } from './types.js';
import { sameShape, streamCycles } from './types.js';

/** sign(); folded with its bias into a threshold. */
export const sign: OpInfo<'sign'> = {
  summary: 'sign (float -> binary), folded away by fold-sign-threshold',
  arity: 1,
  shape: sameShape,
  check: (n) => (n.elem.kind === 'bin' ? [] : ['sign output must be binary']),
  cycles: streamCycles,
};

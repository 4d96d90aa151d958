import type { OpInfo } from './types.js';
import { beats, parDivides } from './types.js';

/** The image input: [3, H, W], quantized to a fixed-point code per element. */
export const input: OpInfo<'input'> = {
  summary: 'network input image stream',
  arity: 0,
  shape: (n) => n.shape,
  check: (n) => parDivides(n),
  cycles: (n) => beats(n),
};

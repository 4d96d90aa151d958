import type { OpInfo } from './types.js';
import { inputKinds, parDivides, perChannel, sameShape, streamCycles } from './types.js';

/**
 * Binarization: bit = x >= t[c] (ties give +1). One beat in, one beat out, `par` channels per beat.
 * Cycle model: one beat per cycle, C/par * H * W cycles per frame.
 */
export const threshold: OpInfo<'threshold'> = {
  summary: 'per-channel threshold: bit = x >= t[c] (tie -> +1)',
  arity: 1,
  shape: sameShape,
  check: (n, ins) => [
    ...inputKinds(ins, ['float', 'fix']),
    ...(n.elem.kind === 'bin' ? [] : ['threshold output must be binary']),
    ...perChannel('t', n.t, n.shape[0]),
    ...perChannel('q.t', n.q?.t, n.shape[0]),
    ...parDivides(n),
  ],
  cycles: streamCycles,
};

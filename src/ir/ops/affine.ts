import type { OpInfo } from './types.js';
import { inputKinds, parDivides, perChannel, sameShape, streamCycles } from './types.js';

/**
 * Per-channel two-slope affine (BN, BN+PReLU, PReLU). One beat per cycle.
 * Integer: z = x*mul[c] + add[c]; out = shiftRound(z >= 0 ? z : z*slope[c] >> slopeFrac, zFrac - outFrac), saturated.
 */
export const affine: OpInfo<'affine'> = {
  summary: 'per-channel two-slope affine: z = x*scale + shift; z < 0 ? z*slope : z',
  arity: 1,
  shape: sameShape,
  check: (n, ins) => [
    ...inputKinds(ins, ['float', 'fix']),
    ...perChannel('scale', n.scale, n.shape[0]),
    ...perChannel('shift', n.shift, n.shape[0]),
    ...perChannel('slope', n.slope, n.shape[0]),
    ...parDivides(n),
  ],
  cycles: streamCycles,
};

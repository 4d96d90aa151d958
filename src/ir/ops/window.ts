import { convOut } from '../../dsl/builder.js';
import type { OpInfo } from './types.js';
import { beats } from './types.js';

/**
 * Sliding window: for each output pixel, k*k*C elements in (ky, kx, c) order, `par` (= the
 * consumer's SIMD) per beat; taps outside the map are zero (flagged as padding in the RTL).
 * Cycle model: the larger of input beats and output beats per frame.
 */
export const window: OpInfo<'window'> = {
  summary: 'sliding window / im2col with zero padding flags',
  arity: 1,
  shape: (n, ins) => {
    const [c, h, w] = ins[0]!.shape;
    return [c * n.kernel * n.kernel, convOut(h, n.kernel, n.stride, n.pad), convOut(w, n.kernel, n.stride, n.pad)];
  },
  check: (n, ins) => {
    const cin = ins[0]!.shape[0];
    const e: string[] = [];
    if (cin % n.par !== 0) e.push(`SIMD ${n.par} does not divide the ${cin} input channels (a beat must stay within one tap)`);
    if (ins[0]!.par !== n.par) e.push(`input par ${ins[0]!.par} must equal window SIMD ${n.par}`);
    if (n.elem.kind !== ins[0]!.elem.kind) e.push('window keeps the element type');
    return e;
  },
  cycles: (n, ins) => Math.max(beats(n), beats(ins[0]!)),
};

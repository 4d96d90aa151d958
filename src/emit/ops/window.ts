/** window -> templates/cores/sliding_window.v */
import { elemWidth } from '../stream.js';
import type { OpBinding } from '../types.js';

/** Binds the `window` op to the sliding_window core. */
export const window: OpBinding<'window'> = (n, ins) => {
  const [c, h, w] = ins[0]!.shape;
  return {
    module: 'sliding_window',
    params: { Channels: c, Height: h, Width: w, Kernel: n.kernel, Stride: n.stride, Pad: n.pad, SIMD: n.par, ElemW: elemWidth(ins[0]!) },
    inputs: ['in'],
    output: 'out',
    uses: ['skid_buffer'],
  };
};

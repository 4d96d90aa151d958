/** window -> sliding_window: line buffer of K + S rows, read as K*K taps per output pixel. */
import type { CoreModel, OpEstimator } from './types.js';
import { clog2, p } from './common.js';
import { elemWidth } from '../../emit/stream.js';

/** The core and parameters of a window node (as src/emit/ops/window.ts instantiates it). */
export const window: OpEstimator<'window'> = (n, ins) => {
  const [c, h, w] = ins[0]!.shape;
  return { module: 'sliding_window', params: { Channels: c, Height: h, Width: w, Kernel: n.kernel, Stride: n.stride, Pad: n.pad, SIMD: n.par, ElemW: elemWidth(ins[0]!) } };
};

/** Cost model of the sliding_window core. */
export const windowCores: Readonly<Record<string, CoreModel>> = {
  sliding_window: {
    doc: 'beat bits (data path and output skid), address/counter bits of the line buffer and the tap schedule',
    features: (x) => {
      const beat = p(x, 'SIMD') * p(x, 'ElemW');
      const rowWords = (p(x, 'Width') * p(x, 'Channels')) / Math.max(1, p(x, 'SIMD'));
      const rows = p(x, 'Kernel') + p(x, 'Stride');
      return {
        beatBits: beat,
        addrBits: clog2(rows * rowWords) + clog2(p(x, 'Height')) + clog2(p(x, 'Width')) + clog2(p(x, 'Kernel') * p(x, 'Kernel')) + clog2(p(x, 'Channels') / Math.max(1, p(x, 'SIMD'))),
        one: 1,
      };
    },
    memories: (x) => {
      const rowWords = (p(x, 'Width') * p(x, 'Channels')) / Math.max(1, p(x, 'SIMD'));
      return [{ depth: (p(x, 'Kernel') + p(x, 'Stride')) * rowWords, width: p(x, 'SIMD') * p(x, 'ElemW'), style: 'auto' }];
    },
  },
};

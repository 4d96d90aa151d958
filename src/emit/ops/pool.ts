/** avgpool, maxpool -> templates/cores/avgpool2.v, maxpool.v (row then column pool_line passes) */
import type { OpBinding } from '../types.js';
import { flag, fmt } from './common.js';

/** Binds the `avgpool` op to the avgpool2 core. */
export const avgpool: OpBinding<'avgpool'> = (n, ins) => {
  const [c, h, w] = ins[0]!.shape;
  const fi = fmt(ins[0]!);
  return {
    module: 'avgpool2',
    params: { Par: n.par, Channels: c, Height: h, Width: w, InW: fi.width, InSigned: flag(fi.signed) },
    inputs: ['in'],
    output: 'out',
    uses: ['pool_line', 'skid_buffer'],
  };
};

/** Binds the `maxpool` op to the maxpool core. */
export const maxpool: OpBinding<'maxpool'> = (n, ins) => {
  const [c, h, w] = ins[0]!.shape;
  const fi = fmt(ins[0]!);
  return {
    module: 'maxpool',
    params: { Par: n.par, Channels: c, Height: h, Width: w, InW: fi.width, InSigned: flag(fi.signed), Kernel: n.kernel, Stride: n.stride, Pad: n.pad },
    inputs: ['in'],
    output: 'out',
    uses: ['pool_line', 'skid_buffer'],
  };
};

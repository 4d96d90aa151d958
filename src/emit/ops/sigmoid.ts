/** sigmoid -> templates/cores/sigmoid_lut.v */
import { hexWords } from '../mem.js';
import type { OpBinding } from '../types.js';
import { flag, fmt, memStem, q } from './common.js';

/** Binds the `sigmoid` op to the sigmoid_lut core. */
export const sigmoid: OpBinding<'sigmoid'> = (n, ins) => {
  const fi = fmt(ins[0]!);
  const fo = fmt(n);
  return {
    module: 'sigmoid_lut',
    params: { Par: n.par, InW: fi.width, InSigned: flag(fi.signed), OutW: fo.width },
    mems: [{ param: 'LutFile', file: `${memStem(n)}_lut.mem`, words: hexWords(q(n).lut, fo.width) }],
    inputs: ['in'],
    output: 'out',
    uses: ['skid_buffer'],
  };
};

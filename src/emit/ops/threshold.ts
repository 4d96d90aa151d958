/** threshold -> templates/cores/threshold.v */
import { hexWords } from '../mem.js';
import type { OpBinding } from '../types.js';
import { fmt, memStem, q } from './common.js';

/** Binds the `threshold` op to the threshold core. */
export const threshold: OpBinding<'threshold'> = (n, ins) => {
  const fi = fmt(ins[0]!);
  const tw = fi.width + 1;
  return {
    module: 'threshold',
    params: { Channels: n.shape[0], Par: n.par, InW: fi.width, ThreshW: tw },
    mems: [{ param: 'ThreshFile', file: `${memStem(n)}_t.mem`, words: hexWords(q(n).t, tw) }],
    inputs: ['in'],
    output: 'out',
    uses: ['skid_buffer'],
  };
};

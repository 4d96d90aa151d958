/** concat -> templates/cores/concat.v */
import type { OpBinding } from '../types.js';
import { flag, fmt } from './common.js';

export const concat: OpBinding<'concat'> = (n, ins) => {
  if (ins.length !== 2) throw new Error(`internal: ${n.id}: the concat core joins two streams, got ${ins.length}`);
  const [a, b] = [fmt(ins[0]!), fmt(ins[1]!)];
  const o = fmt(n);
  return {
    module: 'concat',
    params: {
      Par: n.par,
      ChannelsA: ins[0]!.shape[0],
      ChannelsB: ins[1]!.shape[0],
      AW: a.width,
      ASigned: flag(a.signed),
      AFrac: a.frac,
      BW: b.width,
      BSigned: flag(b.signed),
      BFrac: b.frac,
      OutW: o.width,
      OutSigned: flag(o.signed),
      OutFrac: o.frac,
    },
    inputs: ['a', 'b'],
    output: 'out',
    uses: ['requant', 'skid_buffer'],
  };
};

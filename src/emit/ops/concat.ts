/** concat -> templates/cores/concat.v */
import type { OpBinding } from '../types.js';
import { joinFormats } from './eltwise.js';

/** Binds the `concat` op to the concat core. */
export const concat: OpBinding<'concat'> = (n, ins) => {
  if (ins.length !== 2) throw new Error(`internal: ${n.id}: the concat core joins two streams, got ${ins.length}`);
  return {
    module: 'concat',
    params: { Par: n.par, ChannelsA: ins[0]!.shape[0], ChannelsB: ins[1]!.shape[0], ...joinFormats(n, ins) },
    inputs: ['a', 'b'],
    output: 'out',
    uses: ['requant', 'skid_buffer'],
  };
};

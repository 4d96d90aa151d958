/** fork, fifo -> templates/cores/stream_fork.v, stream_fifo.v */
import { consumers } from '../../ir/graph.js';
import { dataWidth } from '../stream.js';
import type { OpBinding } from '../types.js';

/** Binds the `fork` op to the stream_fork core. */
export const fork: OpBinding<'fork'> = (n, _ins, ctx) => ({
  module: 'stream_fork',
  params: { N: consumers(ctx.graph).get(n.id)!.length, DataW: dataWidth(n) },
  inputs: ['in'],
  output: 'out',
});

/** Binds the `fifo` op to the stream_fifo core. */
export const fifo: OpBinding<'fifo'> = (n) => ({
  module: 'stream_fifo',
  params: { DataW: dataWidth(n), Depth: n.depth },
  inputs: ['in'],
  output: 'out',
  // occupancy output, for debugging; a design does not need it
  open: [{ port: 'count_o', width: Math.ceil(Math.log2(n.depth + 2)) }],
});

/** dwc -> templates/cores/stream_dwc.v */
import { elemWidth } from '../stream.js';
import type { OpBinding } from '../types.js';

/** Binds the `dwc` op to the stream_dwc core. */
export const dwc: OpBinding<'dwc'> = (n, ins) => ({
  module: 'stream_dwc',
  params: { InLanes: ins[0]!.par, OutLanes: n.par, LaneW: elemWidth(n) },
  inputs: ['in'],
  output: 'out',
  uses: ['skid_buffer'],
});

/** dwc -> stream_dwc: regroups lanes between lane counts that divide one another. */
import { elemWidth } from '../../emit/stream.js';
import type { CoreModel, OpEstimator } from './types.js';
import { clog2, p } from './common.js';

/** The core and parameters of a dwc node (as src/emit/ops/dwc.ts instantiates it). */
export const dwc: OpEstimator<'dwc'> = (n, ins) => ({ module: 'stream_dwc', params: { InLanes: ins[0]!.par, OutLanes: n.par, LaneW: elemWidth(n) } });

/** Cost model of the stream_dwc core. */
export const dwcCores: Readonly<Record<string, CoreModel>> = {
  stream_dwc: {
    doc: 'widening: gathered output bits (Yosys builds the indexed write as a shifter, so also times the index width); narrowing: selected input bits (likewise); output skid bits',
    features: (x) => {
      const [i, o, w] = [p(x, 'InLanes'), p(x, 'OutLanes'), p(x, 'LaneW')];
      const k = clog2(Math.max(i, o) / Math.max(1, Math.min(i, o)));
      return {
        gatherBits: o > i ? o * w : 0,
        gatherShift: o > i ? o * w * k : 0,
        selectBits: i > o ? i * w : 0,
        selectShift: i > o ? i * w * k : 0,
        outBits: o * w,
        one: 1,
      };
    },
    memories: () => [],
  },
};

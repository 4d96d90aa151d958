/** avgpool -> avgpool2: 2x2 stride-2 exact sum (a row pass and a column pass of pool_line). */
import type { CoreModel, OpEstimator } from './types.js';
import { clog2, flag, fmtOf, p } from './common.js';

/** The core and parameters of an avgpool node (as src/emit/ops/pool.ts instantiates it). */
export const avgpool: OpEstimator<'avgpool'> = (n, ins) => {
  const [c, h, w] = ins[0]!.shape;
  const fi = fmtOf(ins[0]!);
  return { module: 'avgpool2', params: { Par: n.par, Channels: c, Height: h, Width: w, InW: fi.width, InSigned: flag(fi.signed) } };
};

/** Cost model of the avgpool2 core. */
export const avgpoolCores: Readonly<Record<string, CoreModel>> = {
  avgpool2: {
    doc: 'adder and register bits per lane (two passes), position/item counters',
    features: (x) => ({
      laneBits: p(x, 'Par') * (p(x, 'InW') + 1),
      ctl: clog2(p(x, 'Channels') / Math.max(1, p(x, 'Par'))) + clog2(p(x, 'Width')) + clog2(p(x, 'Height')),
      one: 1,
    }),
    // the column pass keeps one pooled row (Width/2 pixels) of sums
    memories: (x) => [{ depth: (p(x, 'Width') / 2) * (p(x, 'Channels') / Math.max(1, p(x, 'Par'))), width: p(x, 'Par') * (p(x, 'InW') + 1), style: 'auto' }],
  },
};

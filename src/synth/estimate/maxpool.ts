/** maxpool -> maxpool: k x k max with padding that never wins (a row and a column pool_line pass). */
import type { CoreModel, OpEstimator } from './types.js';
import { clog2, flag, fmtOf, p } from './common.js';

/** The core and parameters of a maxpool node (as src/emit/ops/pool.ts instantiates it). */
export const maxpool: OpEstimator<'maxpool'> = (n, ins) => {
  const [c, h, w] = ins[0]!.shape;
  const fi = fmtOf(ins[0]!);
  return { module: 'maxpool', params: { Par: n.par, Channels: c, Height: h, Width: w, InW: fi.width, InSigned: flag(fi.signed), Kernel: n.kernel, Stride: n.stride, Pad: n.pad } };
};

/** Cost model of the maxpool core. */
export const maxpoolCores: Readonly<Record<string, CoreModel>> = {
  maxpool: {
    doc: 'compare/register bits per lane and kernel tap (two passes), position/item counters',
    features: (x) => ({
      laneBits: p(x, 'Par') * p(x, 'InW') * p(x, 'Kernel'),
      ctl: clog2(p(x, 'Channels') / Math.max(1, p(x, 'Par'))) + clog2(p(x, 'Width')) + clog2(p(x, 'Height')),
      one: 1,
    }),
    // the column pass keeps Kernel-1 rows of row-pooled pixels
    memories: (x) => {
      const wout = Math.floor((p(x, 'Width') + 2 * p(x, 'Pad') - p(x, 'Kernel')) / Math.max(1, p(x, 'Stride'))) + 1;
      const beats = p(x, 'Channels') / Math.max(1, p(x, 'Par'));
      return Array.from({ length: Math.max(0, p(x, 'Kernel') - 1) }, () => ({ depth: wout * beats, width: p(x, 'Par') * p(x, 'InW'), style: 'auto' as const }));
    },
  },
};

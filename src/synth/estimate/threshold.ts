/** threshold -> threshold: per-lane signed compare against a per-channel threshold table. */
import type { CoreModel, OpEstimator } from './types.js';
import { clog2, fmtOf, p } from './common.js';

/** The core and parameters of a threshold node (as src/emit/ops/threshold.ts instantiates it). */
export const threshold: OpEstimator<'threshold'> = (n, ins) => {
  const w = fmtOf(ins[0]!).width;
  return { module: 'threshold', params: { Channels: n.shape[0], Par: n.par, InW: w, ThreshW: w + 1 } };
};

/** Cost model of the threshold core. */
export const thresholdCores: Readonly<Record<string, CoreModel>> = {
  threshold: {
    doc: 'compare bits per lane, input register bits, channel counter; the threshold table is read on every lane',
    features: (x) => ({
      cmpBits: p(x, 'Par') * p(x, 'ThreshW'),
      regBits: p(x, 'Par') * p(x, 'InW'),
      ctl: clog2(p(x, 'Channels') / Math.max(1, p(x, 'Par'))),
      one: 1,
    }),
    memories: (x) => [{ depth: p(x, 'Channels'), width: p(x, 'ThreshW'), style: 'auto', rom: true, ports: p(x, 'Par') }],
  },
};

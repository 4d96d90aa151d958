/** fc -> fc: a folded fully connected layer on a vector (SE branch and head), OutPar x InPar MACs. */
import { signedWidthOf } from '../../emit/mem.js';
import type { CoreModel, OpEstimator } from './types.js';
import { clog2, dspBlocks, flag, fmtOf, p, qOf } from './common.js';

/** The core and parameters of an fc node (as src/emit/ops/vector.ts instantiates it). */
export const fc: OpEstimator<'fc'> = (n, ins) => {
  const fi = fmtOf(ins[0]!);
  const fo = fmtOf(n);
  const qf = qOf(n);
  return {
    module: 'fc',
    params: {
      InPar: ins[0]!.par,
      OutPar: n.par,
      InF: n.inFeatures,
      OutF: n.outFeatures,
      InW: fi.width,
      InSigned: flag(fi.signed),
      InFrac: fi.frac,
      WW: qf.wFmt.width,
      WFrac: qf.wFmt.frac,
      BiasW: signedWidthOf(qf.b),
      Relu: flag(n.relu),
      OutW: fo.width,
      OutSigned: flag(fo.signed),
      OutFrac: fo.frac,
    },
  };
};

/** Cost model of the fc core. */
export const fcCores: Readonly<Record<string, CoreModel>> = {
  fc: {
    doc: 'multiplier bit-products and DSP blocks per MAC lane, accumulator/requant bits per output lane, counters; weight ROM, input buffer, bias table read on every output lane',
    features: (x) => {
      const macs = p(x, 'OutPar') * p(x, 'InPar');
      const xw = p(x, 'InW') + (p(x, 'InSigned') ? 0 : 1);
      const accW = xw + p(x, 'WW') + clog2(p(x, 'InF')) + 1;
      return {
        mulBits: macs * xw * p(x, 'WW'),
        dspMul: macs * dspBlocks(xw, p(x, 'WW')),
        accBits: p(x, 'OutPar') * (accW + p(x, 'OutW')),
        ctl: clog2(p(x, 'InF') / Math.max(1, p(x, 'InPar'))) + clog2(p(x, 'OutF') / Math.max(1, p(x, 'OutPar'))),
        one: 1,
      };
    },
    memories: (x) => {
      const xw = p(x, 'InW') + (p(x, 'InSigned') ? 0 : 1);
      const words = (p(x, 'OutF') / Math.max(1, p(x, 'OutPar'))) * (p(x, 'InF') / Math.max(1, p(x, 'InPar')));
      return [
        { depth: words, width: p(x, 'OutPar') * p(x, 'InPar') * p(x, 'WW'), style: 'auto', rom: true },
        { depth: p(x, 'OutF'), width: p(x, 'BiasW'), style: 'auto', rom: true, ports: p(x, 'OutPar') },
        { depth: p(x, 'InF') / Math.max(1, p(x, 'InPar')), width: p(x, 'InPar') * xw, style: 'auto' },
      ];
    },
  },
};

/** affine -> affine: per-lane x*mul + add, optional negative slope, requantization. */
import { signedWidthOf } from '../../emit/mem.js';
import type { CoreModel, OpEstimator } from './types.js';
import { clog2, dspBlocks, flag, fmtOf, p, qOf } from './common.js';

/** The core and parameters of an affine node (as src/emit/ops/affine.ts instantiates it). */
export const affine: OpEstimator<'affine'> = (n, ins) => {
  const qa = qOf(n);
  const fi = fmtOf(ins[0]!);
  const fo = fmtOf(n);
  return {
    module: 'affine',
    params: {
      Par: n.par,
      Channels: n.shape[0],
      InW: fi.width,
      InSigned: flag(fi.signed),
      MulW: signedWidthOf(qa.mul),
      AddW: signedWidthOf(qa.add),
      ZFrac: qa.zFrac,
      HasSlope: flag(!!qa.slope),
      SlopeW: qa.slope ? signedWidthOf(qa.slope) : 2,
      SlopeFrac: qa.slopeFrac,
      OutW: fo.width,
      OutSigned: flag(fo.signed),
      OutFrac: fo.frac,
    },
  };
};

/** Cost model of the affine core. */
export const affineCores: Readonly<Record<string, CoreModel>> = {
  affine: {
    doc: 'multiplier bit-products and DSP blocks per lane (x*mul, z*slope), adder/requant bits per lane, channel counter; the parameter tables are read on every lane',
    features: (x) => {
      const par = p(x, 'Par');
      const xw = p(x, 'InW') + (p(x, 'InSigned') ? 0 : 1);
      const zw = Math.max(xw + p(x, 'MulW'), p(x, 'AddW')) + 1;
      const slope = p(x, 'HasSlope');
      return {
        mulBits: par * (xw * p(x, 'MulW') + slope * zw * p(x, 'SlopeW')),
        dspMul: par * (dspBlocks(xw, p(x, 'MulW')) + slope * dspBlocks(zw, p(x, 'SlopeW'))),
        laneBits: par * (zw + p(x, 'OutW')),
        ctl: clog2(p(x, 'Channels') / Math.max(1, par)),
        one: 1,
      };
    },
    memories: (x) => [
      { depth: p(x, 'Channels'), width: p(x, 'MulW') + p(x, 'AddW') + (p(x, 'HasSlope') ? p(x, 'SlopeW') : 0), style: 'auto', rom: true, ports: p(x, 'Par') },
    ],
  },
};

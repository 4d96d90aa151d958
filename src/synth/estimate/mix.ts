/** mix -> mix: per-channel lambda*a + (1 - lambda)*b on vectors, requantized. */
import { signedWidthOf } from '../../emit/mem.js';
import type { CoreModel, OpEstimator } from './types.js';
import { clog2, dspBlocks, flag, fmtOf, p, qOf } from './common.js';

/** The core and parameters of a mix node (as src/emit/ops/vector.ts instantiates it). */
export const mix: OpEstimator<'mix'> = (n, ins) => {
  const [a, b] = [fmtOf(ins[0]!), fmtOf(ins[1]!)];
  const fo = fmtOf(n);
  const qm = qOf(n);
  const lw = Math.max(signedWidthOf(qm.lambda), signedWidthOf([2 ** qm.lambdaFrac]));
  return {
    module: 'mix',
    params: {
      Par: n.par,
      Channels: n.shape[0],
      AW: a.width,
      ASigned: flag(a.signed),
      AFrac: a.frac,
      BW: b.width,
      BSigned: flag(b.signed),
      BFrac: b.frac,
      LambdaW: lw,
      LambdaFrac: qm.lambdaFrac,
      OutW: fo.width,
      OutSigned: flag(fo.signed),
      OutFrac: fo.frac,
    },
  };
};

/** Cost model of the mix core. */
export const mixCores: Readonly<Record<string, CoreModel>> = {
  mix: {
    doc: 'two multipliers per lane (bit-products, DSP blocks), sum/requant bits per lane, channel counter; the lambda table is read on every lane',
    features: (x) => {
      const par = p(x, 'Par');
      const [a, b, l] = [p(x, 'AW') + 1, p(x, 'BW') + 1, p(x, 'LambdaW')];
      return {
        mulBits: par * (a + b) * l,
        dspMul: par * (dspBlocks(a, l) + dspBlocks(b, l + 1)),
        laneBits: par * (Math.max(a, b) + l + p(x, 'OutW')),
        ctl: clog2(p(x, 'Channels') / Math.max(1, par)),
        one: 1,
      };
    },
    memories: (x) => [{ depth: p(x, 'Channels'), width: p(x, 'LambdaW'), style: 'auto', rom: true, ports: p(x, 'Par') }],
  },
};
